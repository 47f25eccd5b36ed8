"""The README and docs/ stay true to the code: every setting and command is documented, and every command
they show works as pasted.

Each fenced `sh` block of README.md and docs/*.md is either run here, in document order in one shell per
document, against a live server holding the demo data (as `make run` leaves it), with the `export` lines
`contactnotes demo` printed pasted first; or listed in NOT_RUN with the reason. A block in neither fails
`test_every_shell_block_is_run_or_excused`, and a command in a block not marked `sh` fails
`test_commands_are_only_in_shell_blocks`, so no command can be added to a doc without a test running it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import typer.main
from markdown_it import MarkdownIt
from pydantic import SecretStr

from contactnotes.cli import app
from contactnotes.settings import Settings
from tests.live import free_port, start_server, stop_server
from tests.search.documents import pdf

ROOT = Path(__file__).parents[1]
DOC_PATHS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
README = (ROOT / "README.md").read_text()
SHELL = {"sh", "bash", "shell", "console"}
DOCUMENTED_BASE = "http://127.0.0.1:8000"  # where `make run` serves; the tests' server is on a free port
DEMO_PASSWORD = "correct horse battery staple"  # what docs/virtuous-api.md types at set-password's prompt
W2_PDF = pdf("Form W-2 Wage and Tax Statement 2025")  # the reader's w2.pdf that docs/tether-api.md uploads
ALICE_OID = "65b1f0a2c3d4e5f6a7b8c9d0"
OBJECT_ID = re.compile(r"[0-9a-f]{24}")
API_TOKEN = re.compile(r"cn_[A-Za-z0-9_-]{43}")
VIRTUOUS_DAY = re.compile(r"\d{1,2}/\d{1,2}/\d{4}")  # M/d/yyyy, no leading zeros
VIRTUOUS_UTC = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d*[1-9])?")  # no Z, no trailing zeros
# A line that runs something: what may only appear in a block that is marked `sh` (and so run or excused).
COMMAND = re.compile(r"^\s*(\$\s+)?((curl|contactnotes|make|export|python3?|pip|jq)(\s|$)|\.venv/|\.\s+\S)")


@dataclass(frozen=True)
class Block:
    doc: str  # path relative to the repository
    line: int  # 1-based line of the opening fence
    info: str
    text: str

    @property
    def first_line(self) -> str:
        return self.text.strip().splitlines()[0].strip()

    def __str__(self) -> str:
        return f"{self.doc}:{self.line} ({self.first_line})"


def fenced_blocks(path: Path) -> list[Block]:
    tokens = MarkdownIt().parse(path.read_text())
    return [
        Block(str(path.relative_to(ROOT)), t.map[0] + 1 if t.map else 0, t.info.strip().lower(), t.content)
        for t in tokens
        if t.type == "fence"
    ]


BLOCKS = [block for path in DOC_PATHS for block in fenced_blocks(path)]
SHELL_BLOCKS = [block for block in BLOCKS if block.info in SHELL]

_PRODUCTION = (
    "a deployment recipe for other machines: it names hosts (db, cache) that do not exist here, and `serve` "
    "and `worker` run until stopped. Each of its commands is run elsewhere: `migrate` by the fixture below, "
    "`serve` by tests/live.py, `worker` by tests/events/test_worker_processes.py, `cleanup` by "
    "tests/attachments/test_cleanup.py"
)
# Blocks shown but not run here, keyed by document and exact text (an edit to one must be looked at again).
NOT_RUN: dict[tuple[str, str], str] = {
    (
        "README.md",
        "make run    # set up, migrate the embedded SQLite database, load demo data, serve on http://127.0.0.1:8000\n"
        "make test   # set up and run the whole suite (SQLite always; PostgreSQL too when it answers)\n",
    ): "`make run` serves until stopped: tests/cli/test_make_run.py runs its steps (migrate, demo, serve) and "
    "pastes what it prints; the server these tests start is made the same way. `make test` runs this suite.",
    (
        "README.md",
        "export CONTACTNOTES_DATABASE_URL=postgresql+asyncpg://contactnotes@db/contactnotes\n"
        "export CONTACTNOTES_REDIS_URL=redis://cache:6379/0\n"
        "export CONTACTNOTES_EMBEDDED_WORKER=false\n"
        "contactnotes migrate\n"
        "contactnotes serve --host 0.0.0.0 --port 8000      # as many API processes as you like\n"
        "contactnotes worker                                # as many workers, on any machines; SIGTERM stops cleanly\n"
        "contactnotes cleanup                               # daily: never-attached uploads, files of deleted notes\n",
    ): _PRODUCTION,
    (
        "docs/events.md",
        "export CONTACTNOTES_DATABASE_URL=postgresql+asyncpg://contactnotes:...@db/contactnotes\n"
        "contactnotes migrate                       # once per release\n"
        "contactnotes serve --host 0.0.0.0 --port 8000   # N API processes behind a load balancer\n"
        "contactnotes worker                        # M worker processes (systemd, a container each, ...)\n",
    ): _PRODUCTION,
}


# ---- what each run block must show ---------------------------------------------------------------------


def json_values(output: str) -> list[Any]:
    """Every JSON value in a block's output, in order (curl -s prints answers back to back)."""
    decoder, values, at = json.JSONDecoder(), [], 0
    while at < len(output):
        if output[at] in "{[":
            try:
                value, at = decoder.raw_decode(output, at)
            except ValueError:
                at += 1
            else:
                values.append(value)
                continue
        at += 1
    return values


def silent(output: str) -> None:
    assert output.strip() == "", output


def _jordan_listed(output: str) -> None:
    assert "1\t65c2d0e0f0a0b0c0d0e0f0a0\tJordan Lee\tjordan.lee@example.net" in output.splitlines(), output


def readme_vendor_sample(output: str) -> None:
    [created] = json_values(output)
    assert created["message"] == "Contact note created", output
    assert created["data"]["mentions"] == ["65b1f0a2c3d4e5f6a7b8c9d0"]


def readme_walkthrough(output: str) -> None:
    _jordan_listed(output)
    listed, reacted, unreacted, edited, inbox, by_contact, deleted, gone = json_values(output)
    note = reacted["data"]["_id"]
    assert listed["data"][0]["_id"] == note and listed["data"][0]["note"] == "@alice call them back"
    assert [r["count"] for r in reacted["data"]["reactions"]] == [1] and unreacted["data"]["reactions"] == []
    assert edited["data"]["note"] == "@alice call them back today" and edited["data"]["isEdited"] is True
    assert note in [n["noteId"] for n in inbox["data"]]
    assert [(n["contactId"], n["note"]) for n in by_contact["list"]] == [(1, "@alice call them back today")]
    assert deleted["data"]["_id"] == note
    assert gone == {"success": False, "message": "Contact note not found", "errors": []}


def tether_login(output: str) -> None:
    [answer] = json_values(output)
    assert API_TOKEN.fullmatch(answer["token"]), answer
    user = answer["user"]
    assert OBJECT_ID.fullmatch(user.pop("organizationId")), answer
    assert user == {
        "id": ALICE_OID,
        "email": "alice@example.com",
        "fullName": "Alice Moreau",
        "accessRole": "member",
    }


def tether_token_is_good(output: str) -> None:
    assert json_values(output) == [{"message": "Token is good"}]


def tether_attach(output: str) -> None:
    [[attachment]] = json_values(output)
    key = attachment["key"]
    assert re.fullmatch(rf"orgs/{OBJECT_ID.pattern}/uploads/\d{{4}}-\d\d-\d\d/[0-9a-f]+-w2\.pdf", key), key
    assert (attachment["name"], attachment["type"], attachment["size"]) == ("w2.pdf", "application/pdf", len(W2_PDF))
    link = attachment["signedUrl"]
    assert f"/api/files/{key}?" in link and "&sig=" in link, link
    assert httpx.get(link).content == W2_PDF  # the link serves the uploaded file, without a token


def tether_who_am_i(output: str) -> None:
    [me] = json_values(output)
    assert (me["fullName"], me["role"], me["organization"]["name"]) == ("Cory Tan", "admin", "Demo Accounting")


def tether_mention_picker(output: str) -> None:
    assert json_values(output) == [{"_id": "65b1f0a2c3d4e5f6a7b8c9d0", "fullName": "Alice Moreau", "handle": "alice"}]


def tether_list(output: str) -> None:
    [page] = json_values(output)
    assert page["notes"][0]["note"] == "@alice please review the W2 before **Friday**."
    assert len(page["notes"]) == 2
    assert {k: page["pagination"][k] for k in ("total", "limit", "offset", "hasMore")} == {
        "total": 4,
        "limit": 2,
        "offset": 0,
        "hasMore": True,
    }


def tether_reactions(output: str) -> None:
    assert [[r["count"] for r in reactions] for reactions in json_values(output)] == [[1], [2], [1]]


def tether_edit(output: str) -> None:
    [edited] = json_values(output)
    assert edited["message"] == "Contact note updated"
    assert (edited["important"], edited["isEdited"]) == (True, True)


def tether_edit_refused(output: str) -> None:
    assert json_values(output) == [{"success": False, "message": "Only the author can edit a note", "errors": []}]


def tether_inbox(output: str) -> None:
    [inbox] = json_values(output)
    assert inbox["unreadCount"] == 2
    assert inbox["data"][0]["noteExcerpt"] == "@alice please review the W2 before **Thursday**."


def tether_mark_read(output: str) -> None:
    one, every = json_values(output)
    assert (one["message"], one["isRead"]) == ("Notification marked read", True)
    assert every["data"] == {"updated": 1}


def tether_delete(output: str) -> None:
    assert '"message":"Contact note deleted"' in output
    assert "HTTP/1.1 404 Not Found" in output.splitlines()


def tether_bad_input(output: str) -> None:
    assert json_values(output)[0]["errors"][0]["field"] == "limit"
    assert "HTTP/1.1 401 Unauthorized" in output.splitlines()


def virtuous_ids(output: str) -> None:
    _jordan_listed(output)


def virtuous_api_token(output: str) -> None:
    assert API_TOKEN.fullmatch(output.strip().splitlines()[-1]), output


def virtuous_password_login(output: str) -> None:
    assert output.startswith("password set for alice@example.com")
    [answer] = json_values(output)
    assert answer["token_type"] == "bearer" and answer["userName"] == "alice@example.com"
    assert answer["access_token"].startswith("cn_") and answer["refresh_token"].startswith("cn_")


def virtuous_two_factor(output: str) -> None:
    secret, uri, *_ = output.splitlines()
    assert re.fullmatch(r"secret: [A-Z2-7]{32}", secret), output
    assert uri.startswith("uri: otpauth://totp/contactnotes:alice%40example.com?secret=" + secret.split()[-1])
    [refused] = json_values(output)
    assert refused["error"] == "otp_required", refused
    assert output.rstrip().endswith("}two-factor off for alice@example.com")  # curl ends no line


def virtuous_organization(output: str) -> None:
    assert json_values(output) == [
        {
            "organizationId": 1,
            "organizationUserId": 1,
            "organizationName": "Demo Accounting",
            "organizationTimeZone": "UTC",
            "organizationCulture": "en-US",
            "currentUserTimeZone": "UTC",
            "isAdministrator": True,
            "isEnabled": True,
        }
    ]


def virtuous_time_zone(output: str) -> None:
    assert output.strip() == "Demo Accounting: America/Chicago"


def virtuous_notes(output: str) -> None:
    by_contact, important, read, replaced, emailed, types, custom_fields = json_values(output)
    assert by_contact["total"] == 4 and by_contact["list"][-1]["note"] == "Thanked them for the gift"
    assert "Thanked them for the gift" in [n["note"] for n in important["list"]]
    assert (read["note"], read["type"], read["important"]) == ("Thanked them for the gift", "Call", True)
    assert read["noteDate"] == "3/2/2026"  # 2026-03-03T02:00:00Z is still March 2 in Chicago
    for stamp in (read["createDateTimeUtc"], read["modifiedDateTimeUtc"]):
        assert VIRTUOUS_UTC.fullmatch(stamp), stamp
    assert (replaced["id"], replaced["note"], replaced["type"]) == (read["id"], "Emailed the receipt", "Email")
    assert replaced["important"] is False  # the full model: what was left out is cleared
    assert VIRTUOUS_DAY.fullmatch(replaced["noteDate"]), replaced
    assert emailed == replaced  # Email answers the note it sends
    assert types["call"] == "Call"  # Virtuous answers the types as a camelCase-keyed object
    assert custom_fields == []


def virtuous_reminders(output: str) -> None:
    mine, the_contacts, completed, dismissed = json_values(output)
    assert [r["message"] for r in mine["list"]] == ["Send the report"]
    [reminder] = mine["list"]
    assert (reminder["targetDate"], reminder["targetResolutionDateUtc"]) == ("4/1/2026", "2026-04-01T09:00:00")
    assert [r["message"] for r in the_contacts["list"]] == ["Send the report"]
    assert completed["taskStatus"] == "Completed"
    assert dismissed["message"] == "The reminder is already completed"


def virtuous_note_types(output: str) -> None:
    added, removed = json_values(output)
    assert (added["message"], removed["message"]) == ("Note type added", "Note type removed")
    lines = output.splitlines()
    assert lines[0].endswith("note type 'Site Visit' added") and "Site Visit" in lines  # curl ends no line
    assert lines[-1] == "note type 'Site Visit' removed"


def search_examples(output: str) -> None:
    by_word_and_filters, by_phrase = json_values(output)
    [fee] = by_word_and_filters["data"]
    assert fee["note"] == "Sent the engagement letter. **Fee agreed**: flat, billed monthly."
    assert fee["snippet"] == "Sent the engagement letter. **<mark>Fee</mark> agreed**: flat, billed monthly."
    assert fee["matchedIn"] == {"field": "body", "fileName": None}
    assert by_word_and_filters["pagination"] == {"limit": 25, "hasMore": False, "nextCursor": None}
    assert [n["snippet"] for n in by_phrase["data"]] == [
        "@alice can you collect <mark>last year</mark>&#x27;s return before Friday?"
    ]


def search_reindex(output: str) -> None:
    assert output.splitlines()[-2:] == ["reindexed 3 notes; extracted the text of 0 files"] * 2, output


# Blocks run here, keyed by document and first line, with what their output must show.
CHECKS: dict[tuple[str, str], Callable[[str], None]] = {
    ("README.md", "curl -s -X POST http://127.0.0.1:8000/api/contact-notes \\"): readme_vendor_sample,
    ("README.md", ". .venv/bin/activate"): readme_walkthrough,
    ("docs/tether-api.md", "BASE=http://127.0.0.1:8000"): silent,
    ("docs/tether-api.md", "curl -s -X POST $BASE/api/auth/login"): tether_login,
    ("docs/tether-api.md", "curl -s $BASE/api/auth/verify-token"): tether_token_is_good,
    ("docs/tether-api.md", "KEY=$(curl -s -X POST $BASE/api/upload"): tether_attach,
    ("docs/tether-api.md", 'curl -s $BASE/api/users/me -H "Authorization: Bearer $CORY" | jq .data'): tether_who_am_i,
    ("docs/tether-api.md", 'curl -s "$BASE/api/users?search=ali"'): tether_mention_picker,
    ("docs/tether-api.md", "NOTE=$(curl -s -X POST $BASE/api/contact-notes \\"): silent,
    ("docs/tether-api.md", 'curl -s "$BASE/api/contact-notes?contactId=$CONTACT&limit=2"'): tether_list,
    ("docs/tether-api.md", "for who in $ALICE $CORY $CORY; do"): tether_reactions,
    (
        "docs/tether-api.md",
        'curl -s -X PATCH $BASE/api/contact-notes/$NOTE -H "Authorization: Bearer $CORY"',
    ): tether_edit,
    ("docs/tether-api.md", 'curl -s -X PATCH $BASE/api/contact-notes/$NOTE -H "Authorization: Bearer $ALICE" \\'): (
        tether_edit_refused
    ),
    ("docs/tether-api.md", 'curl -s "$BASE/api/notifications?unread=true" -H "Authorization: Bearer $ALICE"'): (
        tether_inbox
    ),
    ("docs/tether-api.md", 'N=$(curl -s "$BASE/api/notifications?unread=true"'): tether_mark_read,
    ("docs/tether-api.md", "curl -s -X DELETE $BASE/api/contact-notes/$NOTE"): tether_delete,
    ("docs/tether-api.md", 'curl -s "$BASE/api/contact-notes?contactId=$CONTACT&limit=abc"'): tether_bad_input,
    ("docs/virtuous-api.md", 'contactnotes contact list --org "Demo Accounting"'): virtuous_ids,
    ("docs/virtuous-api.md", "contactnotes token create --user alice@example.com"): virtuous_api_token,
    ("docs/virtuous-api.md", "contactnotes user set-password alice@example.com"): virtuous_password_login,
    ("docs/virtuous-api.md", "contactnotes user totp alice@example.com"): virtuous_two_factor,
    ("docs/virtuous-api.md", "curl -s $BASE/api/Organization/Current"): virtuous_organization,
    ("docs/virtuous-api.md", 'contactnotes org time-zone "Demo Accounting" America/Chicago'): virtuous_time_zone,
    ("docs/virtuous-api.md", "# create (200, the note); keep its integer id"): virtuous_notes,
    ("docs/virtuous-api.md", "# a note with a reminder"): virtuous_reminders,
    ("docs/virtuous-api.md", "curl -s -X POST $BASE/api/note-types"): virtuous_note_types,
    ("docs/search.md", "BASE=http://127.0.0.1:8000"): search_examples,
    ("docs/search.md", "contactnotes search reindex"): search_reindex,
}


def check_for(block: Block) -> Callable[[str], None] | None:
    matches = [
        check for (doc, start), check in CHECKS.items() if doc == block.doc and block.first_line.startswith(start)
    ]
    assert len(matches) <= 1, f"{block} matches several entries of CHECKS"
    return matches[0] if matches else None


# Documents whose blocks another test runs, block by block, with what each must show.
RUN_ELSEWHERE = {
    "docs/import.md": "tests/importing/test_import_notes.py runs `import notes` (with and without --dry-run) on a "
    "sample export of each source against both databases; the benchmark block runs for minutes and is run by "
    "hand, its numbers in bench/results/",
    "docs/deploy.md": "tests/ops/test_deploy.py runs each runnable block in a scratch directory and verifies "
    "the ones that need systemd, nginx or a container engine as far as this machine can",
}


def excused(block: Block) -> bool:
    return (block.doc, block.text) in NOT_RUN or block.doc in RUN_ELSEWHERE


# ---- coverage of the docs -------------------------------------------------------------------------------


def test_every_shell_block_is_run_or_excused() -> None:
    uncovered = [str(b) for b in SHELL_BLOCKS if check_for(b) is None and not excused(b)]
    assert not uncovered, (
        f"shell blocks neither run by tests/test_docs.py (CHECKS) nor listed with a reason (NOT_RUN): {uncovered}"
    )
    both = [str(b) for b in SHELL_BLOCKS if check_for(b) is not None and excused(b)]
    assert not both


def test_no_entry_is_stale() -> None:
    """Every entry of CHECKS and NOT_RUN names a block that is in the docs, so the lists cannot drift."""
    used_checks = {
        (b.doc, start)
        for b in SHELL_BLOCKS
        for (doc, start) in CHECKS
        if doc == b.doc and b.first_line.startswith(start)
    }
    assert set(CHECKS) - used_checks == set()
    assert set(NOT_RUN) - {(b.doc, b.text) for b in SHELL_BLOCKS} == set()


def test_commands_are_only_in_shell_blocks() -> None:
    hidden = [
        f"{b.doc}:{b.line}: {line.strip()}"
        for b in BLOCKS
        if b.info not in SHELL
        for line in b.text.splitlines()
        if COMMAND.match(line)
    ]
    assert not hidden, f"commands in blocks not marked `sh` (so never run): {hidden}"


def test_the_coverage_check_sees_a_new_command() -> None:
    """The guard itself: a block added to a doc, or a command in an unmarked block, is caught."""
    added = Block("README.md", 1, "sh", "contactnotes something-new\n")
    assert check_for(added) is None and not excused(added)
    assert COMMAND.match("curl -s http://127.0.0.1:8000/healthz")
    assert COMMAND.match(". .venv/bin/activate") and not COMMAND.match('{"export": 1}')


@pytest.mark.parametrize("block", [b for b in BLOCKS if b.info == "dotenv"], ids=str)
def test_settings_blocks_are_valid_settings(block: Block, tmp_path: Path) -> None:
    """Blocks of settings (`dotenv`) load as a .env file, each value as written."""
    env_file = tmp_path / ".env"
    env_file.write_text(block.text)
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CONTACTNOTES_")}
    with pytest.MonkeyPatch.context() as patch:
        for key in set(os.environ) - set(clean):
            patch.delenv(key)
        settings = Settings(_env_file=env_file)  # type: ignore[call-arg]
    for line in block.text.splitlines():
        name, _, value = line.partition("=")
        if name.startswith("CONTACTNOTES_"):
            shown = value.split(" #")[0].strip()
            actual = getattr(settings, name.removeprefix("CONTACTNOTES_").lower())
            if isinstance(actual, SecretStr):
                actual = actual.get_secret_value()
            assert shown in (str(actual), getattr(actual, "value", None)), (name, actual, shown)


LINK = re.compile(r"\]\(([^)\s]+)\)")


@pytest.mark.parametrize("path", DOC_PATHS, ids=lambda p: str(p.relative_to(ROOT)))
def test_links_and_citations_stay_inside_the_repository(path: Path) -> None:
    """A reader can open every file a doc points to; nothing cites files outside the repository."""
    text = path.read_text()
    for target in LINK.findall(text):
        if target.startswith(("http://", "https://", "mailto:", "#")):
            continue
        assert (path.parent / target.split("#")[0]).exists(), f"{path.name} links to missing {target}"
    for internal in ("shared/reference", "/work/", "shared/seeds"):
        assert internal not in text, f"{path.name} cites {internal}, which is not part of the repository"


# ---- running them --------------------------------------------------------------------------------------


@dataclass
class Demo:
    base: str
    directory: Path  # a fresh checkout's working directory: var/ holds the demo database
    exports: list[str]  # the `export` lines `contactnotes demo` printed, to paste


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Demo]:
    """What `make run` leaves: the demo loaded into ./var/contactnotes.db and served."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    cli = [sys.executable, "-m", "contactnotes"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONTACTNOTES_")}
    env["CONTACTNOTES_PUBLIC_BASE_URL"] = base
    subprocess.run([*cli, "migrate"], cwd=tmp_path, env=env, check=True, capture_output=True, timeout=120)
    printed = subprocess.run(
        [*cli, "demo"], cwd=tmp_path, env=env, check=True, capture_output=True, text=True, timeout=120
    ).stdout
    exports = re.findall(r"^export \w+=\S+$", printed, re.MULTILINE)
    (tmp_path / ".venv").symlink_to(sys.prefix)  # the checkout's virtualenv, for `. .venv/bin/activate`
    (tmp_path / "w2.pdf").write_bytes(W2_PDF)
    server = start_server(
        {
            "CONTACTNOTES_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'var' / 'contactnotes.db'}",
            "CONTACTNOTES_VAR_DIR": str(tmp_path / "var"),
            "CONTACTNOTES_PUBLIC_BASE_URL": base,
        },
        port,
    )
    try:
        yield Demo(base, tmp_path, exports)
    finally:
        stop_server(server)


def marker(index: int) -> str:
    return f"@@block {index}@@"


def run_blocks(demo: Demo, blocks: list[Block]) -> list[str]:
    """The blocks pasted one after another into one shell, after the demo's export lines; each one's output."""
    script = ["set -euo pipefail", *demo.exports]
    for index, block in enumerate(blocks):
        script += [f"printf '\\n%s\\n' '{marker(index)}'", block.text.replace(DOCUMENTED_BASE, demo.base)]
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CONTACTNOTES_")}
    environment["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{environment.get('PATH', '')}"
    environment.pop("VIRTUAL_ENV", None)
    result = subprocess.run(
        ["bash", "-c", "\n".join(script)],
        cwd=demo.directory,
        env=environment,
        input=DEMO_PASSWORD + "\n",
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"{result.stderr}\n--- output ---\n{result.stdout}"
    parts = re.split(r"\n@@block (\d+)@@\n", result.stdout)
    assert [int(n) for n in parts[1::2]] == list(range(len(blocks))), result.stdout
    return parts[2::2]


RUN_DOCS = sorted({doc for doc, _ in CHECKS})


@pytest.mark.parametrize("doc", RUN_DOCS)
def test_the_commands_shown_work_as_pasted(doc: str, demo: Demo) -> None:
    blocks = [b for b in SHELL_BLOCKS if b.doc == doc and not excused(b)]
    for block, output in zip(blocks, run_blocks(demo, blocks), strict=True):
        check = check_for(block)
        assert check is not None
        try:
            check(output)
        except AssertionError as failure:
            raise AssertionError(f"{block}: {failure}\n--- output ---\n{output}") from failure


# ---- settings and commands are documented ----------------------------------------------------------------


@pytest.mark.parametrize("name", list(Settings.model_fields))
def test_every_setting_is_in_the_readme(name: str) -> None:
    assert f"`CONTACTNOTES_{name.upper()}`" in README


def test_every_command_is_in_the_readme() -> None:
    group = typer.main.get_group(app)
    for name, command in group.commands.items():
        subcommands = getattr(command, "commands", None)
        if subcommands:
            lines = [line for line in README.splitlines() if f"`contactnotes {name} " in line]
            for sub in subcommands:
                assert any(sub in line.split("`")[1] for line in lines), (name, sub)
        else:
            assert f"contactnotes {name}" in README, name

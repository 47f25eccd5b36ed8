"""The `contactnotes` command line against real databases.

Commands run in-process through Click's runner (a new interpreter per command costs seconds); the whole
`make run` path, separate processes included, is tested in test_make_run.py.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from contactnotes.cli import app as cli
from contactnotes.db.migrate import head_revision, upgrade
from contactnotes.settings import get_settings
from tests.conftest import fresh_pg_database, require_postgres

OBJECT_ID = re.compile(r"^[0-9a-f]{24}$")


@pytest.fixture(params=["sqlite", "postgresql"])
def cli_env(request: pytest.FixtureRequest, tmp_path: Path, worker_id_suffix: str) -> dict[str, str]:
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    else:
        require_postgres()
        url = fresh_pg_database(f"contactnotes_cli_{worker_id_suffix}")
    return {"CONTACTNOTES_DATABASE_URL": url, "CONTACTNOTES_PUBLIC_BASE_URL": "http://127.0.0.1:9"}


@dataclass
class Outcome:
    returncode: int
    stdout: str
    stderr: str


def run(env: dict[str, str], *args: str, stdin: str | None = None) -> Outcome:
    get_settings.cache_clear()
    result = CliRunner().invoke(cli, list(args), input=stdin, env=env)
    get_settings.cache_clear()
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Outcome(result.exit_code, result.stdout, result.stderr)


def ok(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    result = run(env, *args, stdin=stdin)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_the_documented_setup_sequence(cli_env: dict[str, str]) -> None:
    assert ok(cli_env, "migrate").strip() == f"created the schema at revision {head_revision()}"
    assert "already at the latest schema" in ok(cli_env, "migrate")
    org_oid = ok(cli_env, "org", "create", "Acme Tax").strip()
    assert OBJECT_ID.match(org_oid)

    user_oid = ok(
        cli_env, "user", "create", "--org", "Acme Tax", "--email", "Dana@Example.com", "--name", "Dana Diaz", "--admin"
    ).strip()
    assert OBJECT_ID.match(user_oid)
    assert OBJECT_ID.match(
        ok(
            cli_env,
            "user",
            "create",
            "--org",
            org_oid,
            "--email",
            "eli@example.com",
            "--name",
            "Eli",
            "--handle",
            "eli",
        ).strip()
    )

    contact_line = ok(
        cli_env, "contact", "create", "--org", org_oid, "--name", "Jordan Lee", "--email", "j@example.net"
    )
    contact_oid, contact_id = contact_line.split()
    assert OBJECT_ID.match(contact_oid) and int(contact_id) > 0

    token_output = ok(cli_env, "token", "create", "--user", "dana@example.com")
    token = token_output.strip().splitlines()[-1]
    assert re.fullmatch(r"cn_[A-Za-z0-9_-]{43}", token)

    listing = ok(cli_env, "token", "list", "--user", "dana@example.com")
    assert token[:10] in listing and token not in listing  # the secret is never shown again
    token_id = listing.split()[0]
    assert "revoked" in ok(cli_env, "token", "revoke", token_id)
    assert ok(cli_env, "token", "list", "--user", "dana@example.com").strip() == ""

    assert "password set" in ok(cli_env, "user", "set-password", "dana@example.com", stdin="correct horse battery\n")

    # Two-factor: the secret and the URI an authenticator app reads; --disable turns it off again.
    secret_line, uri_line = ok(cli_env, "user", "totp", "dana@example.com").strip().splitlines()
    secret = secret_line.removeprefix("secret: ")
    assert re.fullmatch(r"[A-Z2-7]{32}", secret), secret_line
    assert uri_line.startswith("uri: otpauth://totp/contactnotes:dana%40example.com?secret=" + secret)
    assert "two-factor off" in ok(cli_env, "user", "totp", "dana@example.com", "--disable")
    # The organization's time zone (Virtuous dates are its calendar days).
    assert ok(cli_env, "org", "time-zone", "Acme Tax", "America/Chicago").strip() == "Acme Tax: America/Chicago"
    # Who may read note history: admins only, then everyone who sees the note again.
    assert ok(cli_env, "org", "history", "Acme Tax", "admins").strip() == "Acme Tax: note history visible to admins"
    assert "visible to everyone" in ok(cli_env, "org", "history", "Acme Tax", "everyone")
    # The lists show both id forms: the integer id (Virtuous paths) and the ObjectId (TetherAI bodies).
    assert ok(cli_env, "contact", "list", "--org", "Acme Tax").splitlines() == [
        "ID\tOBJECTID\tNAME\tEMAIL",
        f"{contact_id}\t{contact_oid}\tJordan Lee\tj@example.net",
    ]
    assert json.loads(ok(cli_env, "contact", "list", "--org", org_oid, "--json")) == [
        {"id": int(contact_id), "objectId": contact_oid, "name": "Jordan Lee", "email": "j@example.net"}
    ]
    users = json.loads(ok(cli_env, "user", "list", "--org", "Acme Tax", "--json"))
    assert [(u["objectId"], u["email"], u["handle"], u["name"], u["role"]) for u in users] == [
        (user_oid, "dana@example.com", "dana", "Dana Diaz", "admin"),
        (users[1]["objectId"], "eli@example.com", "eli", "Eli", "member"),
    ]
    assert all(isinstance(u["id"], int) for u in users)
    assert ok(cli_env, "user", "list", "--org", org_oid).splitlines()[1].split("\t") == [
        str(users[0]["id"]),
        user_oid,
        "dana@example.com",
        "dana",
        "Dana Diaz",
        "admin",
    ]
    ok(cli_env, "org", "create", "Globex")
    organizations = json.loads(ok(cli_env, "org", "list", "--json"))
    assert (organizations[0]["objectId"], organizations[0]["name"]) == (org_oid, "Acme Tax")
    assert [o["name"] for o in organizations] == ["Acme Tax", "Globex"]
    assert ok(cli_env, "org", "list").splitlines()[0] == "ID\tOBJECTID\tNAME"
    assert json.loads(ok(cli_env, "contact", "list", "--org", "Globex", "--json")) == []  # another org's: none


def test_migrate_says_which_revision_it_came_from(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'old.db'}"
    upgrade(url, "0007")
    output = ok({"CONTACTNOTES_DATABASE_URL": url}, "migrate").strip()
    assert output == f"migrated the database from revision 0007 to {head_revision()}"


ERROR_CASES = [
    (("user", "create", "--org", "Nope", "--email", "x@example.com", "--name", "X"), "No organization 'Nope'"),
    (("contact", "create", "--org", "Nope", "--name", "X"), "No organization 'Nope'"),
    (("contact", "list", "--org", "Nope"), "No organization 'Nope'"),
    (("user", "list", "--org", "Nope", "--json"), "No organization 'Nope'"),
    (("token", "create", "--user", "ghost@example.com"), "No user with email ghost@example.com"),
    (("org", "create", "Acme Tax"), "already exists"),
    (("user", "create", "--org", "Acme Tax", "--email", "dup@example.com", "--name", "Again"), "already exists"),
    (("user", "create", "--org", "Acme Tax", "--email", "not-an-email", "--name", "Bad"), "not a valid email"),
    (("token", "revoke", "999999"), "no active token 999999"),
    (("user", "set-password", "dup@example.com"), "at least 8 characters"),
    (("user", "totp", "ghost@example.com"), "No user with email ghost@example.com"),
    (("org", "time-zone", "Acme Tax", "Mars/Olympus"), "not an IANA time zone name"),
    (("org", "history", "Acme Tax", "nobody"), "history visibility is one of: everyone, admins"),
]


def test_errors_are_one_line_on_stderr_and_a_nonzero_exit(tmp_path: Path) -> None:
    env = {"CONTACTNOTES_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"}
    ok(env, "migrate")
    ok(env, "org", "create", "Acme Tax")
    ok(env, "user", "create", "--org", "Acme Tax", "--email", "dup@example.com", "--name", "Dup")
    for args, message in ERROR_CASES:
        result = run(env, *args, stdin="short\n")
        assert result.returncode != 0, args
        assert message in result.stderr, (args, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert "Traceback" not in result.stderr


def test_demo_is_idempotent_and_prints_a_token_and_curl(cli_env: dict[str, str]) -> None:
    ok(cli_env, "migrate")
    first = ok(cli_env, "demo")
    second = ok(cli_env, "demo")
    assert "(created)" in first and "(already present)" in second
    for output in (first, second):
        assert re.search(r"^export TOKEN=cn_[A-Za-z0-9_-]{43}$", output, re.MULTILINE)
        assert re.search(r"^export ALICE_TOKEN=cn_[A-Za-z0-9_-]{43}$", output, re.MULTILINE)
        assert "curl -s -X POST http://127.0.0.1:9/api/contact-notes" in output

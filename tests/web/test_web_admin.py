"""My account and the administration pages in Chromium against a live server, on both databases.

Admins manage members, note types and webhooks; a member finds none of those pages; contacts are edited by
anyone and deleted by an admin after a confirmation that counts what goes with them.
"""

from __future__ import annotations

import asyncio
import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import select

from contactnotes.app import job_context
from contactnotes.db.engine import Database
from contactnotes.db.uow import unit_of_work
from contactnotes.jobs.worker import Worker
from contactnotes.models import ErasureRecord, OutboxEvent
from contactnotes.settings import Settings
from contactnotes.users import service as users
from contactnotes.wiring import default_registry

from .support import DESKTOP, PHONE, Site, axe_violations, in_thread, png_bytes, sign_in

SCREENSHOTS = Path(__file__).parents[2] / "docs" / "screenshots"
WIDER_THAN_THE_WINDOW = """() => [...document.querySelectorAll('body *')]
    .filter((e) => e.getBoundingClientRect().right > window.innerWidth)
    .map((e) => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`).slice(0, 10)"""


def _settings(site: Site) -> Settings:
    return Settings(  # type: ignore[call-arg]
        database_url=site.database_url, var_dir=site.var_dir, webhooks_allow_private_urls=True, _env_file=None
    )


def run_worker(site: Site) -> int:
    """One worker pass against the site's database and files: every event due now is handled."""

    async def once() -> int:
        settings = _settings(site)
        database = Database(settings)
        context = job_context(settings, database)
        try:
            return await Worker(context, default_registry(settings)).run_once()
        finally:
            await context.close()
            await database.dispose()

    return in_thread(lambda: asyncio.run(once()))


def erasure_of(site: Site, contact_oid: str) -> tuple[str, dict[str, int], bool] | None:
    """The audit record of the contact's erasure (who, counts) and whether `contact.erased` was announced."""

    async def read() -> tuple[str, dict[str, int], bool] | None:
        database = Database(_settings(site))
        try:
            async with database.session() as session:
                statement = select(ErasureRecord).where(ErasureRecord.contact_oid == contact_oid)
                record = await session.scalar(statement)
                events = await session.scalars(select(OutboxEvent.snapshot).where(OutboxEvent.type == "contact.erased"))
                announced = any(contact_oid in str(snapshot) for snapshot in events)
                return (record.erased_by, dict(record.counts), announced) if record else None
        finally:
            await database.dispose()

    return in_thread(lambda: asyncio.run(read()))


def new_person(site: Site, name: str, email: str, password: str) -> None:
    """A member of Acme who signs in with this password."""

    async def make() -> None:
        database = Database(_settings(site))
        try:
            async with unit_of_work(database) as session:
                await users.create_user(session, site.world.acme, email=email, full_name=name, password=password)
        finally:
            await database.dispose()

    in_thread(lambda: asyncio.run(make()))


def sign_in_as(context: BrowserContext, site: Site, email: str, password: str) -> Page:
    page = context.new_page()
    page.goto(f"{site.url}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{site.url}/")
    return page


def verify(site: Site, token: str) -> int:
    with site.api() as http:
        return http.get("/api/auth/verify-token", headers={"Authorization": f"Bearer {token}"}).status_code


def create_token(page: Page, name: str) -> str:
    page.get_by_role("link", name=re.compile("my account")).click()
    page.get_by_label("Token name").fill(name)
    page.get_by_role("button", name="Create token").click()
    shown = page.get_by_role("textbox", name="New token")
    expect(shown).to_have_value(re.compile(r"^cn_"))
    return shown.input_value()


def teammates(context: BrowserContext, site: Site) -> list[str]:
    """The names the @mention picker offers, as the signed-in browser asks for them."""
    answer = context.request.get(f"{site.url}/people?q=")
    assert answer.status == 200
    return [person["name"] for person in answer.json()]


def test_an_admin_adds_a_member_who_signs_in_then_is_deactivated_and_stopped_at_once(
    site: Site, browser: Browser
) -> None:
    admin = browser.new_context(viewport=DESKTOP)
    page = sign_in(admin, site, "ada")
    page.get_by_role("link", name="Admin", exact=True).click()
    expect(page.get_by_role("heading", name="Members")).to_be_visible()
    page.get_by_text("Add a member").click()
    page.get_by_label("Name").fill("Morgan Reyes")
    page.get_by_label("Email").fill("morgan@acme.example.com")
    page.get_by_label("Role", exact=True).select_option("member")
    page.get_by_label("First password (optional)").fill("morgan-password-1")
    page.get_by_role("button", name="Add member").click()
    expect(page.get_by_role("status").filter(has_text="Morgan Reyes can now sign in")).to_be_visible()
    assert "Morgan Reyes" in teammates(admin, site)  # offered by the @mention picker

    member = browser.new_context(viewport=DESKTOP)
    them = sign_in_as(member, site, "morgan@acme.example.com", "morgan-password-1")
    expect(them.get_by_role("heading", name="Hello, Morgan")).to_be_visible()
    token = create_token(them, "Morgan's script")
    assert verify(site, token) == 200
    them.get_by_role("link", name="Home").click()

    page.get_by_role("button", name="Deactivate Morgan Reyes").click()
    expect(page.get_by_role("status").filter(has_text="The member is deactivated")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Morgan Reyes"))).to_contain_text("Deactivated")

    assert "Morgan Reyes" not in teammates(admin, site)  # no longer offered to be mentioned
    # The member's very next click lands on the sign-in page, and their token is refused by the API.
    them.get_by_role("link", name="Contacts").click()
    expect(them).to_have_url(re.compile(r"/login"))
    assert verify(site, token) == 401
    them.get_by_label("Email").fill("morgan@acme.example.com")
    them.get_by_label("Password").fill("morgan-password-1")
    them.get_by_role("button", name="Sign in").click()
    expect(them.get_by_role("alert")).to_be_visible()
    expect(them).to_have_url(re.compile(r"/login"))

    # Their notes stay theirs; the admin can let them in again.
    page.get_by_role("button", name="Reactivate Morgan Reyes").click()
    expect(page.get_by_role("row", name=re.compile("Morgan Reyes"))).to_contain_text("Active")
    member.close()
    admin.close()


def test_the_last_admin_can_neither_step_down_nor_deactivate_themselves(site: Site, browser: Browser) -> None:
    context = browser.new_context(viewport=DESKTOP)
    page = sign_in(context, site, "ada")
    page.goto(f"{site.url}/admin/members")
    page.get_by_label("Role of Ada Admin", exact=True).select_option("member")
    page.get_by_role("button", name="Save role of Ada Admin").click()
    expect(page.get_by_role("alert")).to_have_text(re.compile("last admin"))
    page.get_by_role("button", name="Deactivate Ada Admin").click()
    expect(page.get_by_role("alert")).to_have_text(re.compile("last admin"))
    expect(page.get_by_role("link", name="Admin", exact=True)).to_be_visible()  # still an admin
    context.close()


def test_a_member_finds_no_admin_page(site: Site, browser: Browser) -> None:
    context = browser.new_context(viewport=DESKTOP)
    page = sign_in(context, site, "bob")
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    expect(page.get_by_role("link", name="Admin", exact=True)).to_have_count(0)
    for path in ("/admin", "/admin/members", "/admin/note-types", "/admin/webhooks", "/admin/webhooks/0"):
        response = page.goto(f"{site.url}{path}")
        assert response is not None and response.status == 404, path
        expect(page.get_by_role("heading", name="Not found")).to_be_visible()
    context.close()


class Receiver:
    """A local HTTP receiver: records each POST's event id and answers 200."""

    def __init__(self) -> None:
        self.events: list[str] = []
        received = self.events

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("content-length") or 0))
                received.append(self.headers.get("X-Contactnotes-Event-Id") or "")
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"


@contextmanager
def receiving() -> Iterator[Receiver]:
    receiver = Receiver()
    thread = threading.Thread(target=receiver.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        receiver.server.shutdown()
        receiver.server.server_close()


def test_webhook_delivery_log_shows_a_real_delivery_and_redeliver_adds_a_row(site: Site, browser: Browser) -> None:
    context = browser.new_context(viewport=DESKTOP)
    page = sign_in(context, site, "ada")
    with receiving() as receiver:
        page.goto(f"{site.url}/admin/webhooks")
        page.get_by_text("New webhook").click()
        page.get_by_label("Payload URL").fill(receiver.url)
        for label in ("A note is edited", "A note is deleted", "Someone reacts to a note", "Someone is mentioned",
                      "A reminder comes due"):  # fmt: skip
            page.get_by_label(label).uncheck()
        page.get_by_label("Secret (optional)").fill("a-secret-of-twenty-chars")
        page.get_by_role("button", name="Create webhook").click()
        expect(page.get_by_role("textbox", name="Signing secret")).to_have_value("a-secret-of-twenty-chars")
        expect(page.get_by_text("Nothing sent yet")).to_be_visible()
        page.get_by_role("link", name="Webhooks", exact=True).first.click()
        page.get_by_role("link", name=receiver.url).click()
        expect(page.get_by_role("heading", name=receiver.url)).to_be_visible()

        contact = site.contact("alice", "Webhook Person")
        site.note("alice", contact, note="Sent to the receiver")
        run_worker(site)  # fan-out, then the delivery itself
        run_worker(site)
        assert len(receiver.events) == 1
        page.reload()
        log = page.get_by_role("table", name="Delivery log")
        expect(log.get_by_role("row")).to_have_count(2)  # the header and one attempt
        expect(log.get_by_role("row").nth(1)).to_contain_text("note.created")
        expect(log.get_by_role("row").nth(1)).to_contain_text("Delivered")
        expect(log.get_by_role("row").nth(1)).to_contain_text("200")

        log.get_by_role("button", name=re.compile("^Redeliver note.created")).click()
        expect(page.get_by_role("status").filter(has_text="Queued for redelivery")).to_be_visible()
        run_worker(site)
        assert len(receiver.events) == 2 and receiver.events[0] == receiver.events[1]  # the same event again
        page.reload()
        expect(page.get_by_role("table", name="Delivery log").get_by_role("row")).to_have_count(3)

        page.get_by_role("button", name="Pause").click()
        expect(page.get_by_role("status").filter(has_text="Paused")).to_be_visible()
        expect(page.get_by_role("button", name="Resume")).to_be_visible()
        page.get_by_role("button", name="Delete webhook").click()
        expect(page.get_by_role("status").filter(has_text="The webhook is deleted")).to_be_visible()
        expect(page.get_by_role("link", name=receiver.url)).to_have_count(0)
    context.close()


def test_a_personal_token_is_shown_once_works_and_once_revoked_is_refused(site: Site, browser: Browser) -> None:
    context = browser.new_context(viewport=DESKTOP)
    page = sign_in(context, site, "alice")
    token = create_token(page, "Nightly export")
    assert verify(site, token) == 200
    page.goto(f"{site.url}/account")  # a new page: the secret is not there any more
    expect(page.get_by_role("textbox", name="New token")).to_have_count(0)
    assert token not in page.content()
    row = page.get_by_role("row", name=re.compile("Nightly export"))
    expect(row).to_contain_text("just now")  # its last use, by the call above
    page.get_by_role("button", name="Revoke Nightly export").click()
    expect(page.get_by_role("status").filter(has_text="The token is revoked")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Nightly export"))).to_contain_text("Revoked")
    assert verify(site, token) == 401
    context.close()


def test_changing_the_password_signs_out_the_other_browser_and_keeps_this_one(site: Site, browser: Browser) -> None:
    new_person(site, "Sam Okafor", "sam@acme.example.com", "sam-password-1")
    here, there = browser.new_context(viewport=DESKTOP), browser.new_context(viewport=DESKTOP)
    page = sign_in_as(here, site, "sam@acme.example.com", "sam-password-1")
    other = sign_in_as(there, site, "sam@acme.example.com", "sam-password-1")
    page.get_by_role("link", name=re.compile("my account")).click()
    page.get_by_label("Current password").fill("not-the-password")
    page.get_by_label("New password", exact=True).fill("sam-password-2")
    page.get_by_label("New password again").fill("sam-password-2")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("That is not your current password")).to_be_visible()
    page.get_by_label("Current password").fill("sam-password-1")
    page.get_by_label("New password", exact=True).fill("sam-password-2")
    page.get_by_label("New password again").fill("sam-password-2")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("status").filter(has_text="Your password is changed")).to_be_visible()

    other.get_by_role("link", name="Contacts").click()
    expect(other).to_have_url(re.compile(r"/login"))
    page.get_by_role("link", name="Contacts").click()
    expect(page.get_by_role("heading", name="Contacts")).to_be_visible()
    third = browser.new_context()
    sign_in_as(third, site, "sam@acme.example.com", "sam-password-2")
    for context in (here, there, third):
        context.close()


def test_profile_name_and_handle(site: Site, browser: Browser) -> None:
    new_person(site, "Lee Ito", "lee@acme.example.com", "lee-password-1")
    context = browser.new_context(viewport=DESKTOP)
    page = sign_in_as(context, site, "lee@acme.example.com", "lee-password-1")
    page.get_by_role("link", name=re.compile("my account")).click()
    page.get_by_label("Handle").fill("bob")  # Bob's
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("@bob is already someone else's handle")).to_be_visible()
    page.get_by_label("Name", exact=True).fill("Lee Itō")
    page.get_by_label("Handle").fill("@lee.ito")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("status").filter(has_text="Your profile is saved")).to_be_visible()
    expect(page.get_by_label("Handle")).to_have_value("lee.ito")
    expect(page.get_by_role("link", name="Lee Itō, my account")).to_be_visible()
    context.close()


def test_note_types_add_rename_remove_and_what_happens_to_their_notes(site: Site, browser: Browser) -> None:
    context = browser.new_context(viewport=DESKTOP)
    page = sign_in(context, site, "ada")
    page.get_by_role("link", name="Admin", exact=True).click()
    page.get_by_role("navigation", name="Administration").get_by_role("link", name="Note types").click()
    expect(page.get_by_text("Renaming a type renames it on every note")).to_be_visible()
    page.get_by_label("New type").fill("Site Visit")
    page.get_by_role("button", name="Add type").click()
    expect(page.get_by_role("status").filter(has_text="The type is added")).to_be_visible()

    contact = site.contact("alice", "Typed Person")
    site.note("alice", contact, note="Walked the site", type="Site Visit")
    page.reload()
    expect(page.get_by_role("row", name=re.compile("^Site Visit"))).to_contain_text("1")
    page.get_by_label("New name for Site Visit").fill("Site walk")
    page.get_by_role("button", name="Rename Site Visit").click()
    expect(page.get_by_role("status")).to_have_text("Renamed; 1 notes now have the new name.")
    page.goto(f"{site.url}/contacts/{contact}")
    expect(page.get_by_role("article").filter(has_text="Walked the site")).to_contain_text("Site walk")

    page.goto(f"{site.url}/admin/note-types")
    page.get_by_role("button", name="Remove Site walk").click()
    expect(page.get_by_role("status")).to_have_text("Removed; 1 notes keep the old name.")
    expect(page.get_by_role("row", name=re.compile("^Site walk"))).to_have_count(0)
    page.goto(f"{site.url}/contacts/{contact}")
    expect(page.get_by_role("article").filter(has_text="Walked the site")).to_contain_text("Site walk")
    context.close()


def test_a_contact_is_edited_by_anyone_and_deleted_by_an_admin_with_its_notes_and_files(
    site: Site, browser: Browser
) -> None:
    contact = site.contact("alice", "Riley Park", "riley@example.net")
    picture = site.upload("bob", "plan.png", png_bytes(seed=3))
    site.note("alice", contact, note="First meeting")
    site.note(
        "bob",
        contact,
        note="The floor plan",
        attachments=[{"key": picture["key"], "name": "plan.png", "type": "image/png", "size": picture["size"]}],
    )
    assert site.var_dir is not None
    stored = site.var_dir / "files" / picture["key"]
    assert stored.exists()

    member = browser.new_context(viewport=DESKTOP)
    page = sign_in(member, site, "alice")
    page.goto(f"{site.url}/contacts/{contact}")
    page.get_by_role("link", name="Edit contact").click()
    page.get_by_label("Name").fill("Riley Parker")
    page.get_by_label("Email (optional)").fill("not an email")
    page.get_by_role("button", name="Save contact").click()
    expect(page.get_by_text("is not a valid email address")).to_be_visible()
    page.get_by_label("Email (optional)").fill("riley.parker@example.net")
    page.get_by_role("button", name="Save contact").click()
    expect(page.get_by_role("heading", name="Riley Parker")).to_be_visible()
    expect(page.get_by_text("riley.parker@example.net")).to_be_visible()
    page.get_by_role("link", name="Edit contact").click()
    expect(page.get_by_role("link", name="Delete contact…")).to_have_count(0)  # an admin's act
    refused = page.goto(f"{site.url}/contacts/{contact}/delete")
    assert refused is not None and refused.status == 403
    member.close()

    admin = browser.new_context(viewport=DESKTOP)
    page = sign_in(admin, site, "ada")
    page.goto(f"{site.url}/contacts/{contact}/edit")
    page.get_by_role("link", name="Delete contact…").click()
    expect(page.get_by_role("alert")).to_contain_text("2 notes")
    expect(page.get_by_role("alert")).to_contain_text("1 file ")
    page.get_by_role("button", name="Delete contact and 2 notes").click()
    expect(page.get_by_role("heading", name="Contact deleted")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("with 2 notes and 1 file.")
    # Deleting is the erasure: an audit record of who and how much, and contact.erased for webhooks.
    erasure = erasure_of(site, contact)
    assert erasure is not None and erasure[0] == "ada@acme.example.com" and erasure[2]
    assert (erasure[1]["notes"], erasure[1]["files"]) == (2, 1)
    assert stored.exists()  # the request leaves the bytes to the worker
    run_worker(site)
    assert not stored.exists()
    page.goto(f"{site.url}/contacts?q=Riley")
    expect(page.get_by_role("link", name="Riley Parker")).to_have_count(0)
    gone = page.goto(f"{site.url}/contacts/{contact}")
    assert gone is not None and gone.status == 404
    admin.close()


@pytest.mark.parametrize(("size_name", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_admin_pages_fit_a_phone_and_screenshots(
    site: Site, browser: Browser, tmp_path: Path, size_name: str, viewport: dict[str, int]
) -> None:
    """No sideways scrolling at 375 px. With UPDATE_SCREENSHOTS=1 (SQLite run) docs/screenshots/ are written."""
    out = SCREENSHOTS if os.environ.get("UPDATE_SCREENSHOTS") == "1" and "sqlite" in site.database_url else tmp_path
    contact = site.contact("alice", f"Avery Quinn {size_name}", "avery@example.net")
    site.note("alice", contact, note="Kick-off call", type="Call")
    context = browser.new_context(viewport=viewport)
    page = sign_in(context, site, "ada")
    with receiving() as receiver:
        page.goto(f"{site.url}/admin/webhooks")
        page.get_by_text("New webhook").click()
        page.get_by_label("Payload URL").fill(receiver.url)
        page.get_by_label("Description (optional)").fill("Sync to the billing system")
        page.get_by_role("button", name="Create webhook").click()
        page.goto(f"{site.url}/admin/webhooks")
        page.get_by_role("link", name=receiver.url).click()
        hook = page.url
        site.note("alice", contact, note="A note for the receiver")
        run_worker(site)
        run_worker(site)
    shots = {
        "account": f"{site.url}/account",
        "admin-members": f"{site.url}/admin/members",
        "admin-note-types": f"{site.url}/admin/note-types",
        "admin-webhooks": f"{site.url}/admin/webhooks",
        "admin-webhook-log": hook,
        "contact-edit": f"{site.url}/contacts/{contact}/edit",
        "contact-delete": f"{site.url}/contacts/{contact}/delete",
    }
    problems = {}
    for name, url in shots.items():
        page.goto(url)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        wide = page.evaluate(WIDER_THAN_THE_WINDOW) if width > viewport["width"] else []
        assert width <= viewport["width"], f"{name} is {width} px wide at {viewport['width']} px: {wide}"
        problems[name] = axe_violations(page)
        page.screenshot(path=str(out / f"{name}-{size_name}.png"), full_page=True)
    context.close()
    found = {name: found for name, found in problems.items() if found}
    assert found == {}, "\n".join(f"{name}: {violations}" for name, violations in found.items())

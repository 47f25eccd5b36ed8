"""The live parts of the web app in Chromium, on both databases: the bell and its toasts, a timeline that
follows a teammate's notes as they are written, edited and deleted, the stream surviving a server restart,
the inbox and my reminders.

The tests that restart a server run their own (`contactnotes serve` on the site's database), so the
module's shared site keeps running for the others.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Browser, Page, Route, expect

from tests.live import Server, free_port, start_server, stop_server

from .support import DESKTOP, PHONE, Site, axe_violations, server_env, sign_in

LIVE = 2_000  # ms: what "without a reload" must take at most, from the click to the change on screen
RECOVERY = 30_000  # ms: after a restarted server answers, the browser's reconnection (a few seconds' backoff)


def _article(page: Page, text: str):  # type: ignore[no-untyped-def]
    return page.get_by_role("article").filter(has_text=text)


def _bell(page: Page, unread: int):  # type: ignore[no-untyped-def]
    name = "Notifications" if unread == 0 else f"Notifications {unread} unread"
    return page.get_by_role("link", name=name, exact=True)


def _toasts(page: Page, text: str):  # type: ignore[no-untyped-def]
    return page.locator("#toasts [data-toast]").filter(has_text=text)


def _unread(page: Page) -> int:
    """The bell's count, once the bell has been fetched (it comes after the page)."""
    bell = page.locator("#bell[hx-trigger^='sse:']")
    expect(bell).to_have_count(1)
    found = re.search(r"\d+", bell.text_content() or "")
    return int(found.group()) if found else 0


@dataclass
class OwnServer:
    """A second server on the site's database, which the test may stop and start again on the same port."""

    server: Server
    env: dict[str, str]
    port: int

    @property
    def url(self) -> str:
        return self.server.url

    def restart(self) -> None:
        """Stop the server (SIGTERM, as a supervisor does; killed if it lingers) and start it again on the same
        address."""
        self.server.process.terminate()
        try:
            self.server.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.server.process.kill()
            self.server.process.wait()
        self.server = start_server(self.env, self.port)


@contextmanager
def own_server(site: Site, var_dir: Path) -> Iterator[OwnServer]:
    port = free_port()
    env = server_env(site.database_url, var_dir, port)
    running = OwnServer(start_server(env, port), env, port)
    try:
        yield running
    finally:
        stop_server(running.server)  # the one running now, after any restart


def _mention(page: Page, text: str) -> None:
    """Write a note mentioning Bob through the composer, picking him from the mention list."""
    note = page.get_by_label("Note", exact=True)
    note.click()
    note.press_sequentially("@bo")
    expect(page.get_by_role("listbox", name="Teammates").get_by_role("option")).to_have_count(1)
    note.press("Enter")
    note.press_sequentially(text)
    page.get_by_role("button", name="Post").click()
    expect(_article(page, text)).to_be_visible()


def test_a_mention_rings_the_bell_and_the_timeline_follows_the_note_through_a_restart(
    site: Site, browser: Browser, tmp_path: Path
) -> None:
    contact = site.contact("alice", "Robin Liveley")
    for index in range(30):  # a long timeline: Bob reads down in it while Alice writes
        site.note("alice", contact, note=f"Earlier call {index:02d}")
    with own_server(site, tmp_path) as server:
        alice = browser.new_context(viewport=DESKTOP)
        a_page = sign_in(alice, site, "alice", server.url)
        a_page.goto(f"{server.url}/contacts/{contact}")
        bob = browser.new_context(viewport=DESKTOP)
        b_page = sign_in(bob, site, "bob", server.url)
        expect(_bell(b_page, 0)).to_be_visible()
        with b_page.expect_response(re.compile(r"/live\?contact=")):
            b_page.goto(f"{server.url}/contacts/{contact}")
        draft = b_page.get_by_label("Note", exact=True)
        draft.fill("Bob's unsent thoughts")
        reading = _article(b_page, "Earlier call 20")
        reading.scroll_into_view_if_needed()
        top = reading.bounding_box()
        assert top is not None

        # Alice mentions Bob: his bell counts it and a toast says who, both within two seconds.
        _mention(a_page, " please call Robin back")
        expect(_bell(b_page, 1)).to_be_visible(timeout=LIVE)
        toast = b_page.locator("#toasts").get_by_text("Alice Author mentioned you on Robin Liveley")
        expect(toast).to_be_visible(timeout=LIVE)
        link = b_page.locator("#toasts").get_by_role("link", name="Open the note")
        note_oid = a_page.get_by_role("article").first.get_attribute("id")
        assert note_oid is not None
        expect(link).to_have_attribute("href", f"/notes/{note_oid.removeprefix('note-')}")

        # His open timeline has the note, where he was reading has not moved, and his draft is intact.
        arrived = _article(b_page, "please call Robin back")
        expect(arrived).to_be_visible(timeout=LIVE)
        expect(arrived.get_by_role("button", name="Delete")).to_have_count(0)  # rendered for Bob, not Alice
        moved = reading.bounding_box()
        assert moved is not None and abs(moved["y"] - top["y"]) < 2, (top, moved)
        expect(draft).to_have_value("Bob's unsent thoughts")

        # Alice edits it, reacts to it, then deletes it: Bob's page follows each step.
        mine = _article(a_page, "please call Robin back")
        mine.get_by_role("link", name="Edit").click()
        editor = a_page.get_by_role("article").filter(has=a_page.get_by_role("button", name="Save"))
        editor.get_by_label("Note").fill("@bob please call Robin back before Friday")
        editor.get_by_role("button", name="Save").click()
        edited = _article(b_page, "before Friday")
        expect(edited).to_be_visible(timeout=LIVE)
        expect(edited.get_by_text("edited", exact=True)).to_be_visible()
        mine = _article(a_page, "before Friday")
        mine.get_by_text("☺︎+").click()
        mine.get_by_role("button", name="React with 🎉").click()
        expect(edited.get_by_role("button", name=re.compile("^🎉 1"))).to_have_attribute("title", "Alice Author")
        a_page.once("dialog", lambda dialog: dialog.accept())
        _article(a_page, "before Friday").get_by_role("button", name="Delete").click()
        expect(b_page.get_by_text("A note by Alice Author was deleted.")).to_be_visible(timeout=LIVE)
        expect(_article(b_page, "before Friday")).to_have_count(0)
        expect(_bell(b_page, 0)).to_be_visible(timeout=LIVE)  # its mention went with it
        # A private note of Alice's never reaches Bob; the public one after it does.
        site.note("alice", contact, note="Alice's private aside", private=True)
        site.note("alice", contact, note="Public after the aside")
        expect(_article(b_page, "Public after the aside")).to_be_visible(timeout=LIVE)
        expect(_article(b_page, "private aside")).to_have_count(0)

        # The server restarts. Bob's page reconnects by itself and the next mention arrives exactly once.
        server.restart()
        a_page.reload()
        _mention(a_page, " the restart is done")
        expect(_bell(b_page, 1)).to_be_visible(timeout=RECOVERY)
        expect(_article(b_page, "the restart is done")).to_have_count(1)
        expect(_toasts(b_page, "the restart is done")).to_have_count(1)

        # Bob's network drops while Alice writes: once it is back, what he missed is replayed, once.
        blocked: list[str] = []

        def refuse(route: Route) -> None:
            blocked.append(route.request.url)
            route.abort("internetdisconnected")

        b_page.route(re.compile(r"/live\b"), refuse)
        server.restart()  # drops the open stream; reconnections are refused meanwhile
        a_page.reload()
        _mention(a_page, " written while Bob was offline")
        deadline = time.monotonic() + 10
        while not blocked and time.monotonic() < deadline:
            b_page.wait_for_timeout(200)
        assert blocked, "Bob's page did not try to reconnect"
        b_page.unroute(re.compile(r"/live\b"))
        expect(_bell(b_page, 2)).to_be_visible(timeout=RECOVERY)
        expect(_article(b_page, "written while Bob was offline")).to_have_count(1)
        b_page.wait_for_timeout(1500)  # a duplicate, if any, would have arrived by now
        expect(_article(b_page, "written while Bob was offline")).to_have_count(1)
        expect(_toasts(b_page, "written while Bob was offline")).to_have_count(1)
        expect(_article(b_page, "the restart is done")).to_have_count(1)
        expect(_bell(b_page, 2)).to_be_visible()
        expect(draft).to_have_value("Bob's unsent thoughts")
        alice.close()
        bob.close()


def test_a_reminder_come_due_arrives_in_the_bell(site: Site, browser: Browser, tmp_path: Path) -> None:
    contact = site.contact("alice", "Dewey Duedate")
    context = browser.new_context(viewport=DESKTOP)
    page = sign_in(context, site, "bob")
    page.goto(f"{site.url}/contacts")
    count = _unread(page)
    site.note(
        "alice",
        contact,
        note="Quarterly check-in",
        reminder={"message": "Call Dewey about the quarter", "targetDate": "2020-01-01T09:00:00Z",
                  "owner": site.world.bob.oid},
    )  # fmt: skip
    env = server_env(site.database_url, tmp_path, free_port())
    subprocess.run([sys.executable, "-m", "contactnotes", "worker", "--once"], env=env, check=True, timeout=60)
    expect(_bell(page, count + 1)).to_be_visible(timeout=5_000)
    expect(page.locator("#toasts")).to_contain_text("Reminder due: Call Dewey about the quarter on Dewey Duedate")
    context.close()


def test_inbox_marks_one_then_all_as_read(site: Site, browser: Browser) -> None:
    contact = site.contact("alice", "Ines Inbox")
    for text in ("first", "second", "third"):
        site.note("alice", contact, note=f"@bob the {text} question", mentions=[site.world.bob.oid])
    context = browser.new_context(viewport=DESKTOP)
    page = sign_in(context, site, "bob")
    page.get_by_role("link", name="Inbox", exact=True).click()
    expect(page.get_by_role("heading", name="Inbox")).to_be_visible()
    items = page.get_by_role("list", name="Notifications").get_by_role("listitem")
    expect(items.first).to_contain_text("the third question")  # newest first
    third, second = items.filter(has_text="third question"), items.filter(has_text="second question")
    expect(third.get_by_text("Unread")).to_be_visible()
    unread_before = _unread(page)
    third.get_by_role("button", name="Mark as read").click()
    expect(third.get_by_text("Unread")).to_have_count(0)
    expect(third.get_by_role("button", name="Mark as read")).to_have_count(0)
    expect(second.get_by_text("Unread")).to_be_visible()
    expect(_bell(page, unread_before - 1)).to_be_visible()
    page.get_by_role("button", name="Mark all as read").click()
    expect(page.get_by_text("All read")).to_be_visible()
    expect(items.get_by_text("Unread", exact=True)).to_have_count(0)
    expect(_bell(page, 0)).to_be_visible()
    expect(page.get_by_role("button", name="Mark all as read")).to_have_count(0)
    context.close()


def test_my_reminders_complete_and_dismiss_from_the_page_and_the_note(site: Site, browser: Browser) -> None:
    contact = site.contact("alice", "Remy Reminders")
    for message, when in (
        ("Send the overdue invoice", "2021-05-01T09:00:00Z"),
        ("Ask about the renewal", "2031-05-01T09:00:00Z"),
        ("Book the annual review", "2031-06-01T09:00:00Z"),
        ("Check the signed letter", "2031-07-01T09:00:00Z"),
    ):
        site.note("bob", contact, note=f"Note for: {message}", reminder={"message": message, "targetDate": when})
    context = browser.new_context(viewport=DESKTOP)
    page = sign_in(context, site, "bob")
    page.get_by_role("link", name="My reminders", exact=True).click()
    overdue = page.get_by_role("region", name="Overdue")
    upcoming = page.get_by_role("region", name="Coming up")
    done = page.get_by_role("region", name="Done")
    expect(overdue).to_contain_text("Send the overdue invoice")
    expect(upcoming).to_contain_text("Ask about the renewal")
    expect(upcoming).not_to_contain_text("Send the overdue invoice")

    overdue.get_by_role("group", name="Send the overdue invoice").get_by_role("button", name="Complete").click()
    expect(done).to_contain_text("Send the overdue invoice")
    expect(done).to_contain_text("completed")
    expect(overdue).not_to_contain_text("Send the overdue invoice")
    upcoming.get_by_role("group", name="Ask about the renewal").get_by_role("button", name="Dismiss").click()
    expect(done).to_contain_text("Ask about the renewal")
    expect(done).to_contain_text("dismissed")
    expect(upcoming).not_to_contain_text("Ask about the renewal")

    # From the note itself, in the contact's timeline.
    page.goto(f"{site.url}/contacts/{contact}")
    note = _article(page, "Note for: Book the annual review")
    note.get_by_role("button", name="Complete reminder").click()
    expect(_article(page, "Note for: Book the annual review")).to_contain_text("(Completed)")
    other = _article(page, "Note for: Check the signed letter")
    other.get_by_role("button", name="Dismiss reminder").click()
    expect(_article(page, "Note for: Check the signed letter")).to_contain_text("(Dismissed)")
    expect(_article(page, "Check the signed letter").get_by_role("button", name="Dismiss reminder")).to_have_count(0)
    page.get_by_role("link", name="My reminders", exact=True).click()
    expect(done).to_contain_text("Book the annual review")
    expect(done).to_contain_text("Check the signed letter")
    expect(upcoming).not_to_contain_text("Check the signed letter")
    context.close()


SCREENSHOTS = Path(__file__).parents[2] / "docs" / "screenshots"


def test_live_pages_pass_axe_fit_a_phone_and_screenshots(site: Site, browser: Browser, tmp_path: Path) -> None:
    """The inbox, my reminders and a toast: no serious axe violation in light or dark, no sideways scrolling
    at 375 px. With UPDATE_SCREENSHOTS=1 (SQLite run) their screenshots in docs/screenshots/ are written again."""
    contact = site.contact("alice", "Sam Rivera", "sam.rivera@example.net")
    site.note("alice", contact, note="@bob can you confirm the **fee** with Sam?", mentions=[site.world.bob.oid])
    site.note("ada", contact, note="@bob Sam sent the signed letter, filed under Documents.",
              mentions=[site.world.bob.oid])  # fmt: skip
    for message, when in (("Chase the missing W2", "2021-02-01T09:00:00Z"), ("Quarterly call with Sam",
                          "2031-04-01T09:00:00Z"), ("Send the welcome pack", "2031-05-01T09:00:00Z")):  # fmt: skip
        site.note("bob", contact, note=f"Follow-up: {message}", reminder={"message": message, "targetDate": when})
    out = SCREENSHOTS if os.environ.get("UPDATE_SCREENSHOTS") == "1" and "sqlite" in site.database_url else tmp_path
    out.mkdir(parents=True, exist_ok=True)
    failures: dict[str, object] = {}
    for scheme in ("light", "dark"):
        context = browser.new_context(color_scheme=scheme)  # type: ignore[arg-type]
        page = sign_in(context, site, "bob")
        for name, path in (("inbox", "/inbox"), ("reminders", "/reminders")):
            page.goto(f"{site.url}{path}")
            _unread(page)
            failures[f"{name} {scheme}"] = axe_violations(page)
        context.close()
    finished = False
    for size_name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        context = browser.new_context(viewport=viewport)
        page = sign_in(context, site, "bob")
        page.goto(f"{site.url}/reminders")
        if not finished:  # one of each state on the page
            page.get_by_role("group", name="Send the welcome pack").get_by_role("button", name="Complete").click()
            expect(page.get_by_role("region", name="Done")).to_contain_text("Send the welcome pack")
            page.goto(f"{site.url}/inbox")
            items = page.get_by_role("list", name="Notifications").get_by_role("listitem")
            items.filter(has_text="signed letter").get_by_role("button", name="Mark as read").click()
            expect(items.filter(has_text="signed letter").get_by_text("Unread")).to_have_count(0)
            finished = True
        for name, path in (("inbox", "/inbox"), ("reminders", "/reminders")):
            page.goto(f"{site.url}{path}")
            _unread(page)
            width = page.evaluate("() => document.documentElement.scrollWidth")
            assert width <= viewport["width"], f"{name} is {width} px wide at {viewport['width']} px"
            page.screenshot(path=str(out / f"{name}-{size_name}.png"), full_page=True)
        with page.expect_response(re.compile(r"/live\?contact=")):
            page.goto(f"{site.url}/contacts/{contact}")
        site.note("alice", contact, note=f"@bob Sam called back ({size_name}): ready to sign.",
                  mentions=[site.world.bob.oid])  # fmt: skip
        expect(_toasts(page, "ready to sign")).to_be_visible(timeout=LIVE)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= viewport["width"], f"the toast makes the timeline {width} px wide"
        failures[f"toast {size_name}"] = axe_violations(page)
        page.screenshot(path=str(out / f"live-toast-{size_name}.png"))
        context.close()
    found = {name: problems for name, problems in failures.items() if problems}
    assert found == {}, found

"""The web app in Chromium against a live server, on both databases: what people see and do.

One server and one browser per module and database; each test makes its own contacts and browser contexts.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from tests.files import pdf_bytes

from .support import (
    DESKTOP,
    PHONE,
    UPLOAD_MAX_BYTES,
    Site,
    axe_violations,
    drop_files,
    paste_file,
    png_bytes,
    sign_in,
)

SCREENSHOTS = Path(__file__).parents[2] / "docs" / "screenshots"


def _article(page: Page, text: str):  # type: ignore[no-untyped-def]
    return page.get_by_role("article").filter(has_text=text)


def test_a_wrong_password_is_refused_without_saying_which_part(site: Site, browser: Browser) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{site.url}/contacts")
    expect(page).to_have_url(re.compile(r"/login\?next="))  # signed out: sent to sign in first
    page.get_by_label("Email").fill(site.world.alice.user.email)
    page.get_by_label("Password").fill("not her password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text("That email and password do not match an account.")
    page.get_by_label("Email").fill("nobody@acme.example.com")
    page.get_by_label("Password").fill("whatever-123")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text("That email and password do not match an account.")
    context.close()


def test_sign_in_then_out_ends_the_session(site: Site, browser: Browser) -> None:
    context = browser.new_context()
    page = sign_in(context, site, "bob")
    expect(page.get_by_role("heading", name="Hello, Bob")).to_be_visible()
    cookie = next(c for c in context.cookies() if c["name"] == "cn_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and not cookie["secure"]  # plain http here
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(f"{site.url}/login")
    # The old cookie, replayed, names nothing any more.
    replay = browser.new_context()
    replay.add_cookies([{**cookie}])
    again = replay.new_page()
    again.goto(f"{site.url}/")
    expect(again).to_have_url(re.compile(r"/login"))
    replay.close()
    context.close()


def test_mention_files_react_edit_delete_between_two_people(site: Site, browser: Browser, tmp_path: Path) -> None:
    contact = site.contact("alice", "Dana Whitfield", "dana@example.net")
    pdf, png = pdf_bytes(6000, seed=3), png_bytes(seed=7)

    alice = browser.new_context(viewport=DESKTOP)
    page = sign_in(alice, site, "alice")
    page.get_by_role("link", name="Contacts").click()
    page.get_by_role("link", name="Dana Whitfield").click()
    note = page.get_by_label("Note", exact=True)
    note.click()
    note.press_sequentially("Please review the W2 @bo")
    picker = page.get_by_role("listbox", name="Teammates")
    expect(picker.get_by_role("option")).to_have_count(1)
    expect(picker.get_by_role("option", name=re.compile("Bob Teammate"))).to_be_visible()
    note.press("Enter")
    expect(picker).to_be_hidden()
    expect(note).to_have_value("Please review the W2 @bob ")
    drop_files(page, "form.composer", [("w2.pdf", "application/pdf", pdf), ("scan.png", "image/png", png)])
    expect(page.get_by_role("button", name="Remove w2.pdf")).to_be_visible()
    expect(page.get_by_role("button", name="Remove scan.png")).to_be_visible()
    page.get_by_role("button", name="Post").click()
    posted = page.get_by_role("article").first
    expect(posted).to_contain_text("Please review the W2 @bob")
    expect(posted.get_by_role("link", name="Download w2.pdf")).to_be_visible()
    expect(posted.get_by_role("img", name="scan.png")).to_be_visible()
    expect(note).to_have_value("")  # the composer is fresh again

    # Bob, in his own browser, sees it after a reload, with the files, and cannot edit or delete it.
    bob = browser.new_context(viewport=DESKTOP)
    bob_page = sign_in(bob, site, "bob")
    expect(bob_page.get_by_role("region", name="Mentioning you")).to_contain_text("Alice Author")
    bob_page.goto(f"{site.url}/contacts/{contact}")
    theirs = _article(bob_page, "Please review the W2")
    expect(theirs).to_be_visible()
    expect(theirs.get_by_role("button", name="Delete")).to_have_count(0)
    expect(theirs.get_by_role("link", name="Edit")).to_have_count(0)
    with bob_page.expect_download() as downloading:
        theirs.get_by_role("link", name="Download w2.pdf").click()
    assert Path(downloading.value.path()).read_bytes() == pdf
    thumbnail = theirs.get_by_role("img", name="scan.png").get_attribute("src")
    assert thumbnail is not None
    assert bob.request.get(thumbnail).body() == png
    theirs.get_by_text("☺︎+").click()
    theirs.get_by_role("button", name="React with 👍").click()
    reaction = _article(bob_page, "Please review the W2").get_by_role("button", name=re.compile("^👍 1"))
    expect(reaction).to_have_attribute("aria-pressed", "true")
    expect(reaction).to_have_attribute("title", "Bob Teammate")

    # Alice sees who reacted, edits her note in place, and deletes it after saying yes.
    page.reload()
    mine = _article(page, "Please review the W2")
    expect(mine.get_by_role("button", name=re.compile("^👍 1"))).to_have_attribute("title", "Bob Teammate")
    mine.get_by_role("link", name="Edit").click()
    editor = page.get_by_role("article").filter(has=page.get_by_role("button", name="Save"))
    editor.get_by_label("Note").fill("Please review the W2 and the 1099 @bob")
    editor.get_by_role("button", name="Save").click()
    edited = _article(page, "and the 1099")
    expect(edited.get_by_text("edited", exact=True)).to_be_visible()
    page.once("dialog", lambda dialog: dialog.dismiss())
    edited.get_by_role("button", name="Delete").click()
    expect(_article(page, "and the 1099")).to_be_visible()  # "no" keeps it
    page.once("dialog", lambda dialog: dialog.accept())
    edited.get_by_role("button", name="Delete").click()
    expect(page.get_by_text("Note deleted.")).to_be_visible()
    page.reload()
    expect(_article(page, "and the 1099")).to_have_count(0)
    alice.close()
    bob.close()


def test_a_teammates_new_note_appears_without_a_reload(site: Site, browser: Browser) -> None:
    contact = site.contact("alice", "Live Larsen")
    context = browser.new_context(viewport=DESKTOP)
    page = sign_in(context, site, "alice")
    with page.expect_response(re.compile(r"/live\?contact=")):
        page.goto(f"{site.url}/contacts/{contact}")
    page.wait_for_timeout(300)  # the stream has said hello; what is written from now on is pushed
    site.note("bob", contact, note="A private one Alice must not get", private=True)
    site.note("bob", contact, note="Pushed while Alice watches")  # once it is here, the private one had its chance
    arrived = _article(page, "Pushed while Alice watches")
    expect(arrived).to_be_visible(timeout=15_000)
    expect(arrived.get_by_role("button", name="Delete")).to_have_count(0)
    expect(_article(page, "must not get")).to_have_count(0)
    context.close()


def test_keyboard_only_from_sign_in_to_a_posted_note(site: Site, browser: Browser) -> None:
    site.contact("bob", "Keyboard Kim")
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.goto(f"{site.url}/login")
    page.keyboard.type(site.world.bob.user.email)  # the email field has the focus from the start
    page.keyboard.press("Tab")
    page.keyboard.type("bob-password-1")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{site.url}/")

    def tab_to(description: str) -> None:
        for _ in range(60):
            page.keyboard.press("Tab")
            focused = page.evaluate(
                "() => { const e = document.activeElement;"
                " return (e.labels && e.labels[0] ? e.labels[0].textContent : e.textContent || '').trim(); }"
            )
            if focused == description:
                return
        raise AssertionError(f"Tab never reached {description!r}")

    tab_to("Contacts")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{site.url}/contacts")
    tab_to("Keyboard Kim")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/contacts/[0-9a-f]{24}$"))
    tab_to("Note")
    page.keyboard.type("Called back, all sorted @")
    picker = page.get_by_role("listbox", name="Teammates")
    expect(picker.get_by_role("option")).to_have_count(2)  # Alice and Ada; Bob himself and Carol are not offered
    expect(picker.get_by_role("option", selected=True)).to_have_count(1)
    first = picker.get_by_role("option", selected=True).inner_text()
    page.keyboard.press("ArrowDown")
    expect(picker.get_by_role("option", selected=True)).not_to_have_text(first)
    page.keyboard.press("Escape")
    expect(picker).to_be_hidden()
    page.keyboard.press("Backspace")
    page.keyboard.press("Control+Enter")
    expect(page.get_by_role("article").first).to_contain_text("Called back, all sorted")
    context.close()


def test_refused_files_and_an_over_long_note_keep_the_draft(site: Site, browser: Browser, tmp_path: Path) -> None:
    contact = site.contact("alice", "Draft Keeper")
    context = browser.new_context(viewport=DESKTOP)
    page = sign_in(context, site, "alice")
    page.goto(f"{site.url}/contacts/{contact}")
    note = page.get_by_label("Note", exact=True)
    note.fill("A draft worth keeping")
    exe = tmp_path / "setup.exe"
    exe.write_bytes(b"MZ" + b"\x90\x00" * 200 + b"This program cannot be run in DOS mode." + b"\x00" * 400)
    big = tmp_path / "huge.pdf"
    big.write_bytes(pdf_bytes(UPLOAD_MAX_BYTES + 10))
    page.get_by_label("Attach files").set_input_files([str(exe), str(big)])
    uploads = page.get_by_role("list", name="Attached files")
    expect(uploads.get_by_role("alert").filter(has_text="setup.exe")).to_contain_text("not accepted")
    expect(uploads.get_by_role("alert").filter(has_text="huge.pdf")).to_contain_text("larger than the limit")
    expect(note).to_have_value("A draft worth keeping")
    paste_file(page, "#c-body", "pasted.png", "image/png", png_bytes(seed=11))
    expect(page.get_by_role("button", name="Remove pasted.png")).to_be_visible()

    long_text = "x" * 100_001
    note.fill(long_text)
    page.get_by_role("button", name="Post").click()
    expect(page.get_by_role("alert").filter(has_text="at most 100000 characters")).to_be_visible()
    note = page.get_by_label("Note", exact=True)
    expect(note).to_have_attribute("aria-invalid", "true")
    assert len(note.input_value()) == 100_001  # nothing typed is lost

    note.fill("Half-written thought")
    page.reload()
    expect(page.get_by_label("Note", exact=True)).to_have_value("Half-written thought")  # the draft survives
    context.close()


def test_another_organization_sees_not_found(site: Site, browser: Browser) -> None:
    contact = site.contact("alice", "Acme Secret Client")
    note = site.note("alice", contact, note="acme only")
    context = browser.new_context()
    page = sign_in(context, site, "carol")
    for path in (f"/contacts/{contact}", f"/notes/{note['_id']}/edit", f"/contacts/{contact}/notes?cursor=x"):
        response = page.goto(f"{site.url}{path}")
        assert response is not None and response.status == 404, path
        expect(page.get_by_role("heading", name="Not found")).to_be_visible()
    page.goto(f"{site.url}/contacts?q=Acme")
    expect(page.get_by_text("Acme Secret Client")).to_have_count(0)
    context.close()


def test_timeline_scrolls_filters_and_contacts_search_as_you_type(site: Site, browser: Browser) -> None:
    contact = site.contact("alice", "Zed Scrollworth")
    for index in range(30):
        site.note("alice" if index % 2 else "bob", contact, note=f"entry number {index:02d}", important=index == 3)
    context = browser.new_context(viewport=DESKTOP)
    page = sign_in(context, site, "alice")
    page.goto(f"{site.url}/contacts")
    page.get_by_label("Search contacts").press_sequentially("scrollw")
    rows = page.locator("#contact-rows tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Zed Scrollworth")
    expect(rows.first).to_contain_text("30")
    rows.first.get_by_role("link", name="Zed Scrollworth").click()
    expect(page.get_by_role("region", name="Important")).to_contain_text("entry number 03")
    notes = page.locator("#timeline-notes > article")
    expect(notes).to_have_count(25)
    expect(notes.first).to_contain_text("entry number 29")  # newest first
    page.get_by_role("link", name="Older notes").scroll_into_view_if_needed()
    expect(notes).to_have_count(30)
    expect(notes.last).to_contain_text("entry number 00")
    page.get_by_text("Filter", exact=True).click()
    page.get_by_label("Author", exact=True).select_option(label="Bob Teammate")
    expect(notes).to_have_count(15)
    page.get_by_label("Important only").check()
    expect(notes).to_have_count(0)
    expect(page.get_by_text("No note matches these filters.")).to_be_visible()
    context.close()


def test_create_a_contact(site: Site, browser: Browser) -> None:
    context = browser.new_context()
    page = sign_in(context, site, "ada")
    page.goto(f"{site.url}/contacts")
    page.get_by_text("New contact").click()
    page.get_by_role("button", name="Create contact").click()
    expect(page.get_by_text("A contact needs a display name")).to_be_visible()
    page.get_by_label("Name").fill("Quinn Newman")
    page.get_by_label("Email (optional)").fill("quinn@example.net")
    page.get_by_role("button", name="Create contact").click()
    expect(page.get_by_role("heading", name="Quinn Newman")).to_be_visible()
    context.close()


def test_every_page_passes_axe_in_light_and_dark(site: Site, browser: Browser) -> None:
    contact = site.contact("alice", "Axel Checker", "axel@example.net")
    uploaded = site.upload("alice", "chart.png", png_bytes(seed=2))
    site.note(
        "alice",
        contact,
        note="**Quarterly** review with @bob",
        important=True,
        attachments=[{"key": uploaded["key"], "name": "chart.png", "type": "image/png", "size": uploaded["size"]}],
        reminder={"message": "send the summary", "targetDate": "2031-01-01T00:00:00Z"},
    )
    failures: dict[str, list[object]] = {}
    for scheme in ("light", "dark"):
        context = browser.new_context(color_scheme=scheme)  # type: ignore[arg-type]
        anonymous = context.new_page()
        anonymous.goto(f"{site.url}/login")
        failures[f"login {scheme}"] = axe_violations(anonymous)
        page = sign_in(context, site, "alice")
        failures[f"home {scheme}"] = axe_violations(page)
        page.goto(f"{site.url}/contacts")
        failures[f"contacts {scheme}"] = axe_violations(page)
        page.goto(f"{site.url}/contacts/{contact}")
        failures[f"timeline {scheme}"] = axe_violations(page)
        page.get_by_role("article").first.get_by_role("link", name="Edit").click()
        expect(page.get_by_role("button", name="Save")).to_be_visible()
        failures[f"editing {scheme}"] = axe_violations(page)
        context.close()
    found = {name: found for name, found in failures.items() if found}
    assert found == {}, "\n".join(f"{name}: {problems}" for name, problems in found.items())


def test_pages_fit_a_phone_and_screenshots(site: Site, browser: Browser, tmp_path: Path) -> None:
    """Every page at 375 px shows no sideways scrolling. With UPDATE_SCREENSHOTS=1 (SQLite run) the
    screenshots of docs/screenshots/ are written again."""
    contact = site.contact("alice", "Jordan Avery", "jordan.avery@example.net")
    chart = site.upload("alice", "chart.png", png_bytes(64, 48, seed=5))
    w2 = site.upload("alice", "w2-2025.pdf", pdf_bytes(48_000, seed=9))
    site.note("bob", contact, note="Intro call. Jordan runs a small design studio; wants help with estimates.",
              type="Call", timeSpent=30)  # fmt: skip
    letter = site.note("alice", contact, note="Sent the engagement letter. **Fee agreed**: flat, billed monthly.",
                       important=True, type="Email")  # fmt: skip
    with site.api() as http:  # an edit, so the note has a history to show
        edited = http.patch(
            f"/api/contact-notes/{letter['_id']}",
            json={"note": "Sent the engagement letter. **Fee agreed**: flat, billed quarterly from March."},
            headers=site.world.alice.headers,
        )
        assert edited.status_code == 200, edited.text
    site.note(
        "alice",
        contact,
        note="@bob please review the W2 attached before Friday.",
        attachments=[
            {"key": w2["key"], "name": "w2-2025.pdf", "type": "application/pdf", "size": w2["size"]},
            {"key": chart["key"], "name": "chart.png", "type": "image/png", "size": chart["size"]},
        ],
        reminder={"message": "Check the W2 was reviewed", "targetDate": "2031-03-01T09:00:00Z"},
    )
    out = SCREENSHOTS if os.environ.get("UPDATE_SCREENSHOTS") == "1" and "sqlite" in site.database_url else tmp_path
    out.mkdir(parents=True, exist_ok=True)
    for size_name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        page.goto(f"{site.url}/login")
        page.screenshot(path=str(out / f"sign-in-{size_name}.png"))
        page = sign_in(context, site, "alice")
        # The timeline last: its composer is shown with the mention picker open.
        shots = {"home": "/", "contacts": "/contacts", "search": "/search?q=w2",
                 "history": f"/notes/{letter['_id']}/history", "timeline": f"/contacts/{contact}"}  # fmt: skip
        for name, path in shots.items():
            page.goto(f"{site.url}{path}")
            page.wait_for_load_state("networkidle")
            width = page.evaluate("() => document.documentElement.scrollWidth")
            assert width <= viewport["width"], f"{name} is {width} px wide at {viewport['width']} px"
            page.screenshot(path=str(out / f"{name}-{size_name}.png"), full_page=True)
        note = page.get_by_label("Note", exact=True)
        note.click()
        note.press_sequentially("Thanks @")
        expect(page.get_by_role("listbox", name="Teammates")).to_be_visible()
        page.screenshot(path=str(out / f"composer-mention-{size_name}.png"))
        context.close()

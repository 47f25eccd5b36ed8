"""A note's history in Chromium against a live server, on both databases: "edited" leads to the history,
its word diff shows what changed (hostile markup as text), and the author restores an earlier version."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, expect

from .support import DESKTOP, Site, axe_violations, sign_in


def edit(site: Site, persona: str, note_oid: str, **fields: object) -> None:
    with site.api() as http:
        response = http.patch(
            f"/api/contact-notes/{note_oid}", json=fields, headers=getattr(site.world, persona).headers
        )
        assert response.status_code == 200, response.text


def test_the_author_follows_edited_to_the_diff_and_restores_the_earlier_version(site: Site, browser: Browser) -> None:
    contact = site.contact("alice", "Harriet Vane")
    note = site.note("alice", contact, note="Met Harriet on Tuesday at noon", type="Call")
    edit(site, "alice", note["_id"], note="Met Harriet on Wednesday at noon", type="Email")

    context = browser.new_context(viewport=DESKTOP)
    page = sign_in(context, site, "alice")
    page.goto(f"{site.url}/contacts/{contact}")
    article = page.locator(f"#note-{note['_id']}")
    article.get_by_role("link", name="edited").click()
    expect(page).to_have_url(f"{site.url}/notes/{note['_id']}/history")
    expect(page.get_by_role("heading", level=1)).to_have_text("History of Alice Author’s note")

    first = page.get_by_role("article", name=re.compile(r"^Edit 1 by Alice Author"))
    diff = first.get_by_label("Text changes in edit 1")
    expect(diff.locator("del")).to_have_text("Tuesday ")
    expect(diff.locator("ins")).to_have_text("Wednesday ")
    expect(first.get_by_label("Fields changed in edit 1")).to_have_text("Type: Call → Email")
    assert axe_violations(page) == []

    first.get_by_role("button", name="Restore the version before edit 1").click()
    expect(page.get_by_role("status")).to_contain_text("Restored")
    current = page.get_by_role("region", name="Current version")
    expect(current).to_contain_text("Met Harriet on Tuesday at noon")
    expect(current).to_contain_text("Call")
    newest = page.get_by_role("article", name=re.compile(r"^Edit 2 by Alice Author"))
    expect(newest.get_by_label("Text changes in edit 2").locator("ins")).to_have_text("Tuesday ")

    # Back on the timeline the note reads as restored.
    page.get_by_role("link", name="Harriet Vane").click()
    expect(page.locator(f"#note-{note['_id']} .body")).to_have_text("Met Harriet on Tuesday at noon")
    context.close()


def test_a_teammate_sees_the_diff_without_restore_and_markup_stays_text(site: Site, browser: Browser) -> None:
    contact = site.contact("alice", "Peter Wimsey")
    hostile = '<img src=x onerror="window.pwned=1"> <script>window.pwned=2</script> plan'
    note = site.note("alice", contact, note=hostile)
    edit(site, "alice", note["_id"], note='<b onmouseover="window.pwned=3">bold</b> plan')

    context = browser.new_context(viewport=DESKTOP)
    page = sign_in(context, site, "bob")
    page.goto(f"{site.url}/notes/{note['_id']}/history")
    diff = page.get_by_label("Text changes in edit 1")
    expect(diff.locator("del")).to_have_text('<img src=x onerror="window.pwned=1"> <script>window.pwned=2</script> ')
    expect(diff.locator("ins")).to_have_text('<b onmouseover="window.pwned=3">bold</b> ')
    expect(diff.locator("img, script, b")).to_have_count(0)
    diff.hover()
    assert page.evaluate("() => window.pwned === undefined")
    expect(page.get_by_role("button", name=re.compile("^Restore"))).to_have_count(0)
    context.close()

"""The search box in Chromium against a live server, on both databases: find a note as you type, open it
in its timeline, search one contact's notes, and the search page works without script and passes axe."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, expect

from .support import DESKTOP, PHONE, Site, axe_violations, sign_in


def test_search_as_you_type_then_open_the_note_in_its_timeline(site: Site, browser: Browser) -> None:
    jordan = site.contact("alice", "Jordan Quillfeather")
    other = site.contact("alice", "Morgan Quillfeather")
    old = site.note("bob", jordan, note="Reviewed the marzipan invoice with Jordan", noteDate="2024-03-05T10:00:00Z")
    for index in range(30):  # newer notes push the old one off the timeline's first page
        site.note("alice", jordan, note=f"routine check {index}")
    site.note("alice", other, note="Morgan also asked about marzipan pricing")
    site.note("alice", jordan, note="Nothing sweet here")

    context = browser.new_context(viewport=DESKTOP)
    page = sign_in(context, site, "alice")
    box = page.get_by_label("Search notes")
    box.press_sequentially("marzip")
    results = page.locator("#search-results")
    expect(results.get_by_role("listitem")).to_have_count(2)
    hit = results.get_by_role("listitem").filter(has_text="Jordan Quillfeather")
    expect(hit).to_contain_text("Bob Teammate")
    expect(hit).to_contain_text("in the note")
    expect(hit.locator("time")).to_have_attribute("datetime", "2024-03-05T10:00:00Z")
    expect(hit.locator("mark")).to_have_text("marzipan")
    hit.get_by_role("link", name="Jordan Quillfeather").click()
    expect(page).to_have_url(re.compile(rf"/contacts/{jordan}\?.*#note-{old['_id']}$"))
    article = page.locator(f"#note-{old['_id']}")
    expect(article).to_contain_text("Reviewed the marzipan invoice")
    expect(article).to_be_in_viewport()

    # On the timeline, the contact's own box finds only this contact's notes.
    page.goto(f"{site.url}/contacts/{jordan}")
    page.get_by_label("Search this contact's notes").press_sequentially("marzipan")
    scoped = page.locator("#contact-search-results")
    expect(scoped.get_by_role("listitem")).to_have_count(1)
    expect(scoped.get_by_role("listitem")).to_contain_text("Reviewed the marzipan invoice")
    expect(scoped).not_to_contain_text("Morgan")
    page.get_by_label("Search this contact's notes").fill("zzzznothing")
    expect(scoped).to_contain_text("No note matches “zzzznothing”")

    # A private note of Bob is found by nobody else.
    site.note("bob", other, note="marzipan secret recipe", private=True)
    box = page.get_by_label("Search notes")
    box.fill("marzipan")
    expect(page.locator("#search-results").get_by_role("listitem")).to_have_count(2)
    expect(page.locator("#search-results")).not_to_contain_text("secret recipe")
    context.close()


def test_the_search_page_works_without_script(site: Site, browser: Browser) -> None:
    contact = site.contact("alice", "Noscript Nadia")
    site.note("alice", contact, note="Plain form about the gooseberry contract")
    context = browser.new_context(viewport=DESKTOP, java_script_enabled=False)
    page = sign_in(context, site, "alice")
    page.get_by_label("Search notes").fill("gooseberry")
    page.get_by_label("Search notes").press("Enter")
    expect(page).to_have_url(f"{site.url}/search?q=gooseberry")
    expect(page.get_by_role("heading", name="Search notes", level=1)).to_be_visible()
    expect(page.locator("mark")).to_have_text("gooseberry")
    page.goto(f"{site.url}/contacts/{contact}")
    page.get_by_label("Search this contact's notes").fill("gooseberry contract")
    page.get_by_label("Search this contact's notes").press("Enter")
    expect(page).to_have_url(re.compile(rf"/search\?contactId={contact}&q=gooseberry"))
    expect(page.get_by_role("heading", name="Search Noscript Nadia’s notes")).to_be_visible()
    expect(page.get_by_role("listitem")).to_have_count(1)
    context.close()


def test_search_pages_pass_axe_and_fit_a_phone(site: Site, browser: Browser) -> None:
    contact = site.contact("alice", "Axe Searchwell")
    site.note("alice", contact, note="**Quarterly** review of the elderflower budget")
    failures: dict[str, list[object]] = {}
    for scheme in ("light", "dark"):
        context = browser.new_context(color_scheme=scheme)  # type: ignore[arg-type]
        page = sign_in(context, site, "alice")
        page.goto(f"{site.url}/search?q=elderflower")
        expect(page.locator("mark")).to_have_text("elderflower")
        failures[f"search page {scheme}"] = axe_violations(page)
        page.goto(f"{site.url}/search?q=elderflower&contactId={contact}")
        failures[f"contact search page {scheme}"] = axe_violations(page)
        page.goto(f"{site.url}/contacts/{contact}")
        page.get_by_label("Search notes").press_sequentially("elderfl")
        expect(page.locator("#search-results mark")).to_have_text("elderflower")
        failures[f"results as you type {scheme}"] = axe_violations(page)
        context.close()
    found = {name: found for name, found in failures.items() if found}
    assert found == {}, "\n".join(f"{name}: {problems}" for name, problems in found.items())
    context = browser.new_context(viewport=PHONE)
    page = sign_in(context, site, "alice")
    page.get_by_label("Search notes").press_sequentially("elderflower")
    expect(page.locator("#search-results mark")).to_have_text("elderflower")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the results are {width} px wide at {PHONE['width']} px"
    context.close()

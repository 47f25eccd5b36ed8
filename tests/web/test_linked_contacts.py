"""A note about several people, in Chromium on both databases: picked in the composer, shown on the note,
and on each contact's timeline once."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from .support import DESKTOP, Site, sign_in


def test_the_composer_links_a_note_to_several_contacts_and_each_timeline_shows_it(site: Site, browser: Browser) -> None:
    host = site.contact("alice", "Hana Host")
    site.contact("alice", "Gus Guest")
    site.contact("alice", "Olive Other")
    third = site.contact("alice", "Tariq Third")

    context = browser.new_context(viewport=DESKTOP)
    page = sign_in(context, site, "alice")
    page.goto(f"{site.url}/contacts/{host}")
    choices = page.get_by_label("Other contacts")
    expect(choices.get_by_role("option", name="Hana Host")).to_have_count(0)  # the page's contact is already in
    page.get_by_label("Find a contact").fill("gus")
    expect(choices.get_by_role("option", name="Gus Guest")).to_be_visible()
    expect(choices.get_by_role("option", name="Olive Other")).to_be_hidden()
    choices.select_option(label="Gus Guest")
    page.get_by_label("Find a contact").fill("")
    choices.select_option(label=["Gus Guest", "Tariq Third"])
    page.get_by_label("Note", exact=True).fill("Lunch with the three of them")
    page.get_by_role("button", name="Post").click()

    posted = page.get_by_role("article").filter(has_text="Lunch with the three of them")
    linked = posted.get_by_role("list", name="Contacts of this note")
    expect(linked.get_by_role("link")).to_have_text(["Hana Host", "Gus Guest", "Tariq Third"])
    expect(page.get_by_label("Other contacts").locator("option:checked")).to_have_count(0)  # a fresh composer

    # Bob finds it on each linked contact's timeline, once, and not on the contact left out.
    bob = browser.new_context(viewport=DESKTOP)
    bob_page = sign_in(bob, site, "bob")
    bob_page.goto(f"{site.url}/contacts/{third}")
    there = bob_page.get_by_role("article").filter(has_text="Lunch with the three of them")
    expect(there).to_have_count(1)
    there.get_by_role("link", name="Gus Guest").click()
    expect(bob_page.get_by_role("heading", name="Gus Guest").first).to_be_visible()
    expect(bob_page.get_by_role("article").filter(has_text="Lunch with the three of them")).to_have_count(1)
    bob_page.goto(f"{site.url}/contacts")
    bob_page.get_by_role("link", name="Olive Other").click()
    expect(bob_page.get_by_role("article").filter(has_text="Lunch with the three of them")).to_have_count(0)
    context.close()
    bob.close()


def test_any_contact_can_be_found_for_a_note_not_only_the_first_listed(site: Site, browser: Browser) -> None:
    """The composer lists the first contacts by name; its search box finds the others on the server, and a
    chosen contact stays chosen while the writer searches for another."""
    host = site.contact("alice", "Hana Host")
    for number in range(55):  # after every other contact by name: the first test's contacts stay listed
        site.contact("alice", f"Zed {number:02}")
    site.contact("alice", "Zora Far")

    context = browser.new_context(viewport=DESKTOP)
    page = sign_in(context, site, "alice")
    page.goto(f"{site.url}/contacts/{host}")
    choices = page.get_by_label("Other contacts")
    expect(choices.get_by_role("option", name="Zora Far")).to_have_count(0)
    expect(choices.get_by_role("option", name="… type a name to find more")).to_be_disabled()

    page.get_by_label("Find a contact").fill("zora")
    expect(choices.get_by_role("option")).to_have_text(["Zora Far"])
    choices.select_option(label="Zora Far")
    page.get_by_label("Find a contact").fill("zed 5")
    expect(choices.get_by_role("option", name="Zed 54")).to_be_visible()
    expect(choices.locator("option:checked")).to_have_text(["Zora Far"])  # still chosen, listed first
    choices.select_option(label=["Zora Far", "Zed 54"])
    page.get_by_label("Note", exact=True).fill("Met the far ones")
    page.get_by_role("button", name="Post").click()

    posted = page.get_by_role("article").filter(has_text="Met the far ones")
    expect(posted.get_by_role("list", name="Contacts of this note").get_by_role("link")).to_have_text(
        ["Hana Host", "Zora Far", "Zed 54"]
    )
    context.close()

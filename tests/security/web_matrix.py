"""Who may call which web app route on which object: the table test_web_matrix.py checks.

Actors and objects as in matrix.py (anonymous, alice, bob, ada, carol). Expectations:
    login  the visitor is sent to the sign-in page (303 to /login)
    ok     a success: 2xx, or a redirect anywhere but the sign-in page
    out    signed out: sent to the sign-in page without a page to come back to
    403 / 404  refused; another organization's object is always 404
"""

from __future__ import annotations

from .matrix import Elsewhere, Public, Row

ALL_404_FOREIGN = "login ok ok ok 404"
FOREIGN_ONLY = "login 404 404 404 ok"
ON_CONTACTS: Row = {"contact": ALL_404_FOREIGN, "foreign_contact": FOREIGN_ONLY}

WEB_MATRIX: dict[str, Row | Public | Elsewhere] = {
    "GET /login": Public("the sign-in form"),
    "POST /login": Public("signs in: the way in, so it cannot ask for a session (its CSRF check is tested apart)"),
    "POST /logout": {"none": "login out out out out"},
    "GET /": {"none": "login ok ok ok ok"},
    "GET /contacts": {"none": "login ok ok ok ok"},
    "POST /contacts": {"none": "login ok ok ok ok"},
    "GET /contacts/{contact_oid}": ON_CONTACTS,
    "GET /contacts/{contact_oid}/notes": ON_CONTACTS,
    "GET /contacts/{contact_oid}/important": ON_CONTACTS,
    "POST /contacts/{contact_oid}/notes": ON_CONTACTS,
    "GET /contacts/{contact_oid}/live": Elsewhere(
        {"contact": "login - - - -", "foreign_contact": "login 404 404 404 -"},
        "an endless event stream; what members receive is tested in Chromium (tests/web/test_web_app.py)",
    ),
    "POST /contacts/{contact_oid}/preview": ON_CONTACTS,
    "GET /notes/{note_oid}": {
        "own": ALL_404_FOREIGN,
        "team": ALL_404_FOREIGN,
        "private": "login ok 404 404 404",
        "foreign": FOREIGN_ONLY,
    },
    # Only the author edits (the edit form too); the author or an admin deletes.
    "GET /notes/{note_oid}/edit": {
        "own": "login ok 403 403 404",
        "team": "login 403 ok 403 404",
        "private": "login ok 404 404 404",
        "foreign": FOREIGN_ONLY,
    },
    "POST /notes/{note_oid}": {
        "own": "login ok 403 403 404",
        "team": "login 403 ok 403 404",
        "private": "login ok 404 404 404",
        "foreign": FOREIGN_ONLY,
    },
    "POST /notes/{note_oid}/delete": {
        "own": "login ok 403 ok 404",
        "team": "login 403 ok ok 404",
        "private": "login ok 404 404 404",
        "foreign": FOREIGN_ONLY,
    },
    "POST /notes/{note_oid}/reactions": {
        "own": ALL_404_FOREIGN,
        "private": "login ok 404 404 404",
        "foreign": FOREIGN_ONLY,
    },
    # A note's history is as visible as the note; the author or an admin restores a version.
    "GET /notes/{note_oid}/history": {
        "own": ALL_404_FOREIGN,
        "team": ALL_404_FOREIGN,
        "private": "login ok 404 404 404",
        "foreign": FOREIGN_ONLY,
    },
    "POST /notes/{note_oid}/history/{revision_oid}/restore": {
        "own": "login ok 403 ok 404",
        "team": "login 403 ok ok 404",
        "private": "login ok 404 404 404",
        "foreign": FOREIGN_ONLY,
    },
    "POST /uploads": {"none": "login ok ok ok ok"},
    "GET /people": {"none": "login ok ok ok ok"},
    "GET /search": ON_CONTACTS,  # with contactId; the whole organization's search is in the web leak sweep
}

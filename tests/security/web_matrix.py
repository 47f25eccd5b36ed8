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
# The administration pages: Ada (Acme's admin) only; to everyone else, members of Globex's included, they are
# not there at all (404, never 403).
ADMIN_ONLY = "login 404 404 ok 404"
ADMIN_DELETES = "login 403 403 ok 404"
FOREIGN_DELETE = "login 404 404 404 403"  # Carol sees her organization's contact but is no admin
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
    "GET /contacts/{contact_oid}/choices": ON_CONTACTS,
    "POST /contacts/{contact_oid}/notes": ON_CONTACTS,
    "GET /live": Elsewhere(  # with ?contact= the cell's contact (web_support.path_of)
        {"contact": "login - - - -", "foreign_contact": "login 404 404 404 -"},
        "an endless event stream; what members receive is tested in Chromium (tests/web/test_web_live.py)",
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
    # The inbox is the signed-in user's own; a notification is its recipient's alone (Bob's here).
    "GET /inbox": {"none": "login ok ok ok ok"},
    "GET /inbox/bell": {"none": "login ok ok ok ok"},
    "POST /inbox/read-all": {"none": "login ok ok ok ok"},
    "POST /inbox/{notification_oid}/read": {"notification": "login 404 ok 404 404"},
    # My reminders; Alice's reminder is completed or dismissed by her or an admin, seen but refused to Bob.
    "GET /reminders": {"none": "login ok ok ok ok"},
    "POST /reminders/{reminder_oid}/complete": {"reminder": "login ok 403 ok 404"},
    "POST /reminders/{reminder_oid}/dismiss": {"reminder": "login ok 403 ok 404"},
    # My account: everyone's own; a token is its owner's alone (another person's, an admin's too, is 404).
    "GET /account": {"none": "login ok ok ok ok"},
    "POST /account/profile": {"none": "login ok ok ok ok"},
    # The personas here have no password: a signed-in caller reaches the check of the current one (422);
    # tests/web/test_web_admin.py changes a password for real.
    "POST /account/password": {"none": "login 422 422 422 422"},
    "POST /account/tokens": {"none": "login ok ok ok ok"},
    "POST /account/tokens/{token_id}/revoke": {"token": "login ok 404 404 404"},
    # Administration (objects: a fresh Acme member; Carol, Globex's member).
    "GET /admin": {"none": ADMIN_ONLY},
    "GET /admin/members": {"none": ADMIN_ONLY},
    "POST /admin/members": {"none": ADMIN_ONLY},
    "POST /admin/members/{user_oid}/role": {"member": ADMIN_ONLY, "foreign_member": "login 404 404 404 404"},
    "POST /admin/members/{user_oid}/deactivate": {"member": ADMIN_ONLY, "foreign_member": "login 404 404 404 404"},
    "POST /admin/members/{user_oid}/reactivate": {"member": ADMIN_ONLY, "foreign_member": "login 404 404 404 404"},
    "POST /admin/members/{user_oid}/password": {"member": ADMIN_ONLY, "foreign_member": "login 404 404 404 404"},
    "GET /admin/note-types": {"none": ADMIN_ONLY},
    "POST /admin/note-types": {"none": ADMIN_ONLY},
    "POST /admin/note-types/{type_id}/rename": {"note_type": ADMIN_ONLY},
    "POST /admin/note-types/{type_id}/delete": {"note_type": ADMIN_ONLY},
    "GET /admin/webhooks": {"none": ADMIN_ONLY},
    "POST /admin/webhooks": {"none": ADMIN_ONLY},
    "GET /admin/webhooks/{webhook_oid}": {"webhook": ADMIN_ONLY},
    "POST /admin/webhooks/{webhook_oid}/pause": {"webhook": ADMIN_ONLY},
    "POST /admin/webhooks/{webhook_oid}/resume": {"webhook": ADMIN_ONLY},
    "POST /admin/webhooks/{webhook_oid}/delete": {"webhook": ADMIN_ONLY},
    "POST /admin/webhooks/{webhook_oid}/deliveries/{delivery_oid}/redeliver": {"webhook": ADMIN_ONLY},
    # A contact's name and email: any member. Deleting it with its notes: an admin (a member may see the
    # contact, so 403); the deleted one is a fresh contact each time.
    "GET /contacts/{contact_oid}/edit": ON_CONTACTS,
    "POST /contacts/{contact_oid}/edit": ON_CONTACTS,
    "GET /contacts/{contact_oid}/delete": {"spare_contact": ADMIN_DELETES, "foreign_contact": FOREIGN_DELETE},
    "POST /contacts/{contact_oid}/delete": {"spare_contact": ADMIN_DELETES, "foreign_contact": FOREIGN_DELETE},
}

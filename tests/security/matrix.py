"""Who may call which route on which object: the one table the authorization matrix test checks.

Each cell lists the expected status for the actors, in this order:
    anonymous, alice (the author), bob (her teammate), ada (Acme's admin), carol (another organization).
"2xx" is any success. Objects (what the path and body point at):
    none      the route acts on no particular object (a list, the caller, a new object)
    own       alice's note (public, with a reminder, attachment, mention of bob and bob's reaction)
    team      bob's note
    private   alice's private note
    foreign   carol's note in Globex
    contact / foreign_contact   an Acme contact / the Globex contact
    erasable_contact  a new Acme contact with a note, made again after each erasure
    attachment  alice's uploaded file      reminder  alice's reminder
    notification  bob's mention notification   webhook  ada's subscription (and one of its deliveries)
    note_type  an Acme note type
"""

from __future__ import annotations

from dataclasses import dataclass

ACTORS = ("anonymous", "alice", "bob", "ada", "carol")


@dataclass(frozen=True)
class Public:
    """A route anyone may call, on purpose."""

    reason: str


@dataclass(frozen=True)
class Elsewhere:
    """Cells this in-process matrix cannot send, checked by the named test instead."""

    checked_here: dict[str, str]
    reason: str


Row = dict[str, str]  # object -> five expectations, one per actor
ALL_404_FOREIGN = "401 2xx 2xx 2xx 404"

MATRIX: dict[str, Row | Public | Elsewhere] = {
    "GET /healthz": Public("liveness probe for load balancers; says nothing about data"),
    "GET /livez": Public("liveness probe: the process is up; says nothing about data"),
    "GET /readyz": Public("readiness probe; says nothing about data"),
    "GET /openapi.json": Public("the API description is public documentation"),
    "POST /Token": Public("exchanges a password for a token: the way in, so it cannot ask for one"),
    "POST /api/auth/login": Public("TetherAI's way in: a password for a token, under POST /Token's lockout"),
    "GET /api/auth/verify-token": {"none": "401 2xx 2xx 2xx 2xx"},
    "GET /api/files/{key}": Public("a signed link: the HMAC signature in the query is the credential"),
    "PUT /api/files/{key}": Public("a presigned upload target: the signature in the query is the credential"),
    # --- Tether: notes. Only the author edits a note; the author or an admin deletes it.
    "POST /api/contact-notes": {
        "contact": "401 2xx 2xx 2xx 404",
        "foreign_contact": "401 404 404 404 2xx",
    },
    "GET /api/contact-notes": {"contact": "401 2xx 2xx 2xx 404", "foreign_contact": "401 404 404 404 2xx"},
    # Search across the organization or, as here, within one contact (contactId): another organization's is 404.
    "GET /api/contact-notes/search": {"contact": "401 2xx 2xx 2xx 404", "foreign_contact": "401 404 404 404 2xx"},
    "GET /api/contact-notes/{noteId}": {
        "own": ALL_404_FOREIGN,
        "team": ALL_404_FOREIGN,
        "private": "401 2xx 404 404 404",
        "foreign": "401 404 404 404 2xx",
    },
    "PATCH /api/contact-notes/{noteId}": {
        "own": "401 2xx 403 403 404",
        "team": "401 403 2xx 403 404",
        "private": "401 2xx 404 404 404",
        "foreign": "401 404 404 404 2xx",
    },
    "DELETE /api/contact-notes/{noteId}": {
        "own": "401 2xx 403 2xx 404",
        "team": "401 403 2xx 2xx 404",
        "private": "401 2xx 404 404 404",
        "foreign": "401 404 404 404 2xx",
    },
    "POST /api/contact-notes/{noteId}/reaction": {
        "own": ALL_404_FOREIGN,
        "reaction": ALL_404_FOREIGN,
        "private": "401 2xx 404 404 404",
        "foreign": "401 404 404 404 2xx",
    },
    # A note's history is as visible as the note; the author or an admin restores a revision (a new edit).
    "GET /api/contact-notes/{noteId}/history": {
        "own": ALL_404_FOREIGN,
        "team": ALL_404_FOREIGN,
        "private": "401 2xx 404 404 404",
        "foreign": "401 404 404 404 2xx",
    },
    "POST /api/contact-notes/{noteId}/history/{revisionId}/restore": {
        "own": "401 2xx 403 2xx 404",
        "team": "401 403 2xx 2xx 404",
        "private": "401 2xx 404 404 404",
        "foreign": "401 404 404 404 2xx",
    },
    # --- Tether: notifications, people, contacts
    "GET /api/notifications": {"none": "401 2xx 2xx 2xx 2xx"},
    "POST /api/notifications/read-all": {"none": "401 2xx 2xx 2xx 2xx"},
    "POST /api/notifications/{notificationId}/read": {"notification": "401 404 2xx 404 404"},
    "GET /api/notifications/stream": Elsewhere(
        {"none": "401 - - - -"},
        "an endless event stream; members' streams are tested on live servers in tests/events/test_stream.py",
    ),
    "GET /api/users/me": {"none": "401 2xx 2xx 2xx 2xx"},
    "GET /api/users": {"none": "401 2xx 2xx 2xx 2xx"},
    "GET /api/contacts": {"none": "401 2xx 2xx 2xx 2xx"},
    "POST /api/contacts": {"none": "401 2xx 2xx 2xx 2xx"},
    "GET /api/contacts/{contactId}": {"contact": ALL_404_FOREIGN, "foreign_contact": "401 404 404 404 2xx"},
    # --- Tether: data protection, for admins (Carol is a member of Globex: 403 on her own organization's).
    "GET /api/admin/contacts/{contactId}/export": {
        "contact": "401 403 403 2xx 404",
        "foreign_contact": "401 404 404 404 403",
    },
    "POST /api/admin/contacts/{contactId}/erase": {
        "erasable_contact": "401 403 403 2xx 404",
        "foreign_contact": "401 404 404 404 403",
    },
    # --- Tether: uploads and reminders
    "POST /api/upload": {"none": "401 2xx 2xx 2xx 2xx"},
    "POST /api/uploads/presign": {"none": "401 2xx 2xx 2xx 2xx"},
    # Uploads belong to the organization (its key prefix), not to the uploader; another organization's key is
    # refused as "not a stored upload of this organization" (400 naming `key`), the same answer as for no such key.
    "POST /api/uploads/complete": {"attachment": "401 2xx 2xx 2xx 400"},
    "GET /api/reminders": {"none": "401 2xx 2xx 2xx 2xx"},
    "POST /api/reminders/{reminderId}/complete": {"reminder": "401 2xx 403 2xx 404"},
    "POST /api/reminders/{reminderId}/dismiss": {"reminder": "401 2xx 403 2xx 404"},
    "GET /api/note-types": {"none": "401 2xx 2xx 2xx 2xx"},
    "POST /api/note-types": {"none": "401 403 403 2xx 403"},
    # Admin-only routes on one object look it up first (in the caller's organization): Acme's members who are
    # not admins get 403, and Carol, whose organization has no such object, 404 like anyone else would. Routes on
    # no particular object (list, create) refuse every non-admin with 403, which says nothing about Acme.
    "DELETE /api/note-types/{name}": {"note_type": "401 403 403 2xx 404"},
    # --- Tether: webhooks (admins only)
    "GET /api/webhooks": {"none": "401 403 403 2xx 403"},
    "POST /api/webhooks": {"none": "401 403 403 2xx 403"},
    "GET /api/webhooks/{webhook_id}": {"webhook": "401 403 403 2xx 404"},
    "PATCH /api/webhooks/{webhook_id}": {"webhook": "401 403 403 2xx 404"},
    "DELETE /api/webhooks/{webhook_id}": {"webhook": "401 403 403 2xx 404"},
    "GET /api/webhooks/{webhook_id}/deliveries": {"webhook": "401 403 403 2xx 404"},
    "POST /api/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver": {"webhook": "401 403 403 2xx 404"},
    # --- Virtuous: notes
    "GET /api/ContactNote/Types": {"none": "401 2xx 2xx 2xx 2xx"},
    "GET /api/ContactNote/QueryOptions": {"none": "401 2xx 2xx 2xx 2xx"},
    "POST /api/ContactNote/Query": {"none": "401 2xx 2xx 2xx 2xx"},
    "GET /api/ContactNote/ByContact/{contactId}": {
        "contact": ALL_404_FOREIGN,
        "foreign_contact": "401 404 404 404 2xx",
    },
    "GET /api/ContactNote/Important/ByContact/{contactId}": {
        "contact": ALL_404_FOREIGN,
        "foreign_contact": "401 404 404 404 2xx",
    },
    "POST /api/ContactNote": {"contact": ALL_404_FOREIGN, "foreign_contact": "401 404 404 404 2xx"},
    "GET /api/ContactNote/CustomFields": {"none": "401 2xx 2xx 2xx 2xx"},
    # Any note the caller can read may be emailed (as it may be read); what the caller cannot read is 404.
    "POST /api/ContactNote/Email": {
        "own": ALL_404_FOREIGN,
        "team": ALL_404_FOREIGN,
        "private": "401 2xx 404 404 404",
        "foreign": "401 404 404 404 2xx",
    },
    "GET /api/Organization/Current": {"none": "401 2xx 2xx 2xx 2xx"},
    "GET /api/ContactNote/{noteId}": {
        "own": ALL_404_FOREIGN,
        "team": ALL_404_FOREIGN,
        "private": "401 2xx 404 404 404",
        "foreign": "401 404 404 404 2xx",
    },
    "PUT /api/ContactNote/{noteId}": {
        "own": "401 2xx 403 403 404",
        "team": "401 403 2xx 403 404",
        "private": "401 2xx 404 404 404",
        "foreign": "401 404 404 404 2xx",
    },
    "DELETE /api/ContactNote/{noteId}": {
        "own": "401 2xx 403 2xx 404",
        "team": "401 403 2xx 2xx 404",
        "private": "401 2xx 404 404 404",
        "foreign": "401 404 404 404 2xx",
    },
    # --- Virtuous: reminders
    "GET /api/Reminder/Active": {"none": "401 2xx 2xx 2xx 2xx"},
    "GET /api/Reminder/ByContact/{contactId}/Active": {
        "contact": ALL_404_FOREIGN,
        "foreign_contact": "401 404 404 404 2xx",
    },
    "POST /api/Reminder/{reminderId}/Complete": {"reminder": "401 2xx 403 2xx 404"},
    "POST /api/Reminder/{reminderId}/Dismiss": {"reminder": "401 2xx 403 2xx 404"},
    # --- Virtuous: webhooks (admins only)
    "POST /api/Webhook": {"none": "401 403 403 2xx 403"},
    "GET /api/Webhook/{webhook_id}": {"webhook": "401 403 403 2xx 404"},
    "PUT /api/Webhook/{webhook_id}": {"webhook": "401 403 403 2xx 404"},
    "DELETE /api/Webhook/{webhook_id}": {"webhook": "401 403 403 2xx 404"},
    "PUT /api/Webhook/{webhook_id}/Active": {"webhook": "401 403 403 2xx 404"},
}

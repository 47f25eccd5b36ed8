"""Notes read as whole views in one statement: the note, its author and last editor, and its mentions,
attachments and reactions as JSON arrays the database builds per note.

A timeline page used to take a statement for the notes and one each for users, contacts, mentions,
attachments, reactions and reminders. On this stack each statement costs far more CPU than the database
spends answering it, so one wider statement is the cheap way. Statements are built once per variant
(database, sort, direction, paging style) and take their values as bound parameters.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    ColumnElement,
    CompoundSelect,
    Row,
    Select,
    any_,
    bindparam,
    case,
    cast,
    exists,
    false,
    func,
    select,
    tuple_,
    type_coerce,
    union_all,
)
from sqlalchemy.dialects.postgresql import ARRAY, aggregate_order_by

from contactnotes.attachments.schemas import AttachmentView
from contactnotes.contacts.schemas import ContactSummary
from contactnotes.db.core import table_of
from contactnotes.models import (
    Contact,
    ContactNoteCount,
    Note,
    NoteAttachment,
    NoteContact,
    NoteMention,
    NoteReaction,
    Reminder,
    User,
)
from contactnotes.notes.schemas import NoteSort, NoteView, ReactionGroup
from contactnotes.reminders.schemas import ReminderView
from contactnotes.users.schemas import UserSummary
from contactnotes.visibility import visible

# Plain tables, not ORM entities (see db/core.py).
notes = table_of(Note)
users = table_of(User)
contacts = table_of(Contact)
note_mentions = table_of(NoteMention)
note_contacts = table_of(NoteContact)
LinkedContact = contacts.alias("linked_contact")
note_attachments = table_of(NoteAttachment)
note_reactions = table_of(NoteReaction)
reminders = table_of(Reminder)
note_counts = table_of(ContactNoteCount)
Author = users.alias("author")
Editor = users.alias("editor")

SORT_COLUMNS = {
    NoteSort.NOTE_DATE: notes.c.note_date,
    NoteSort.CREATED: notes.c.created_at,
    NoteSort.MODIFIED: notes.c.updated_at,
}


def _json_array(
    dialect: str, inner: Select[*tuple[Any, ...]], values: Sequence[str], order: Sequence[str]
) -> ColumnElement[Any]:
    """The `values` of the rows of `inner` (a select correlated to the outer note) as a JSON array of
    arrays, in `order`; NULL when there are none."""
    inner = inner.correlate(notes)  # the outer query's note, two levels up
    if dialect == "postgresql":
        rows = inner.subquery()
        item = func.json_build_array(*(rows.c[k] for k in values))
        aggregate = func.json_agg(aggregate_order_by(item, *(rows.c[k] for k in order)))
    else:  # SQLite aggregates in the order its subquery delivers the rows
        rows = inner.order_by(*(inner.selected_columns[k] for k in order)).subquery()
        aggregate = func.json_group_array(func.json_array(*(rows.c[k] for k in values)))
    return type_coerce(select(aggregate).select_from(rows).scalar_subquery(), JSON)


def _views(dialect: str) -> Select[Any]:
    mentions = (
        select(
            users.c.id,
            users.c.oid,
            users.c.full_name,
            users.c.email,
            users.c.avatar_url,
            note_mentions.c.created_at.label("at"),
        )
        .select_from(note_mentions)
        .join(users, users.c.id == note_mentions.c.user_id)
        .where(note_mentions.c.note_id == notes.c.id)
    )
    attachments = select(
        note_attachments.c.key,
        note_attachments.c.name,
        note_attachments.c.size,
        note_attachments.c.content_type,
        note_attachments.c.position,
    ).where(note_attachments.c.note_id == notes.c.id)
    reactions = (
        select(note_reactions.c.emoji, users.c.oid, note_reactions.c.created_at.label("at"), note_reactions.c.user_id)
        .select_from(note_reactions)
        .join(users, users.c.id == note_reactions.c.user_id)
        .where(note_reactions.c.note_id == notes.c.id)
    )
    linked = (
        select(
            LinkedContact.c.id,
            LinkedContact.c.oid,
            LinkedContact.c.display_name,
            LinkedContact.c.avatar_url,
            case((note_contacts.c.is_primary, 0), else_=1).label("rank"),
        )
        .select_from(note_contacts)
        .join(LinkedContact, LinkedContact.c.id == note_contacts.c.contact_id)
        .where(note_contacts.c.note_id == notes.c.id)
    )
    user_fields = ["id", "oid", "full_name", "email", "avatar_url"]
    return (
        select(
            *notes.c,
            contacts.c.oid.label("contact_oid"),
            contacts.c.display_name.label("contact_name"),
            contacts.c.avatar_url.label("contact_avatar"),
            Author.c.oid.label("author_oid"),
            Author.c.full_name.label("author_name"),
            Author.c.email.label("author_email"),
            Author.c.avatar_url.label("author_avatar"),
            Editor.c.oid.label("editor_oid"),
            Editor.c.full_name.label("editor_name"),
            Editor.c.email.label("editor_email"),
            Editor.c.avatar_url.label("editor_avatar"),
            _json_array(dialect, mentions, user_fields, ["at", "id"]).label("mentions_json"),
            # Every contact of the note, the primary one first (note_contacts; migration 0018).
            _json_array(
                dialect, linked, ["id", "oid", "display_name", "avatar_url"], ["rank", "display_name", "id"]
            ).label("contacts_json"),
            _json_array(dialect, attachments, ["key", "name", "size", "content_type"], ["position"]).label(
                "attachments_json"
            ),
            _json_array(dialect, reactions, ["emoji", "oid"], ["at", "user_id"]).label("reactions_json"),
            exists().where(reminders.c.note_id == notes.c.id).label("has_reminder"),
        )
        .join(contacts, contacts.c.id == notes.c.contact_id)
        .join(Author, Author.c.id == notes.c.author_id)
        .join(Editor, Editor.c.id == notes.c.modified_by_id)
    )


@lru_cache(maxsize=1)
def access_of() -> Select[Any]:
    """What `can_see` reads of the given notes (parameter: ids), whatever their state."""
    return select(notes.c.id, notes.c.org_id, notes.c.author_id, notes.c.is_private, notes.c.deleted_at).where(
        notes.c.id.in_(bindparam("ids", expanding=True))
    )


def _visible() -> ColumnElement[bool]:
    return visible(bindparam("org_id"), bindparam("user_id"))


def _order(sort: str, descending: bool, columns: Any) -> tuple[ColumnElement[Any], ColumnElement[Any]]:
    column, key = columns[SORT_COLUMNS[sort].key], columns.id
    return (column.desc(), key.desc()) if descending else (column.asc(), key.asc())


def about_contact(
    statement: Select[Any], contact: Any, order: Sequence[str], descending: bool, limit: Any
) -> CompoundSelect[Any]:
    """The first `limit` rows of `statement` (over notes) by its columns named in `order`, for one contact:
    the notes whose primary contact it is (a walk of ix_notes_timeline) and the notes linked to it besides
    (ix_note_contacts_linked, then each note by its key), each branch ordered and cut to `limit` on its own,
    as one UNION ALL for the caller to order and cut again. Two branches rather than an OR, so each keeps
    its index and the timeline's walk needs no sort; only the linked notes, usually few, are sorted. A note
    is in one branch only (one link per contact and note). `contact` and `limit` are values or bound
    parameters; the result's columns are the statement's."""

    def first(branch: Select[Any]) -> Select[Any]:
        keys = [branch.selected_columns[name] for name in order]
        cut = branch.order_by(*(key.desc() if descending else key.asc() for key in keys)).limit(limit).subquery()
        return select(*cut.c)  # a subquery: SQLite takes no ORDER BY or LIMIT on a member of a compound

    primary = statement.where(notes.c.contact_id == contact)
    linked = statement.select_from(note_contacts.join(notes, notes.c.id == note_contacts.c.note_id)).where(
        note_contacts.c.contact_id == contact, note_contacts.c.is_primary == false()
    )
    return union_all(first(primary), first(linked))


# What a branch of a page by offset reads at most: offset + limit, kept within BIGINT (a Virtuous skip may be
# any 64-bit number).
MAX_BRANCH_ROWS = 2**63 - 1


@lru_cache(maxsize=64)
def timeline_ids(sort: str, descending: bool, keyset: bool, important_only: bool) -> CompoundSelect[Any]:
    """The ids of a page of a contact's visible notes, in order (see about_contact; the sort column comes
    along, which the order needs). Parameters: org_id, user_id, contact_id, limit, and either (offset,
    branch_limit: offset + limit) or (after_value, after_id)."""
    column = SORT_COLUMNS[sort]
    statement = select(notes.c.id, column).where(_visible())
    if important_only:
        statement = statement.where(notes.c.important.is_(True))
    if keyset:
        key, bound = (
            tuple_(column, notes.c.id),
            tuple_(bindparam("after_value", type_=column.type), bindparam("after_id")),
        )
        statement = statement.where(key < bound if descending else key > bound)
    branch_limit = bindparam("limit" if keyset else "branch_limit", type_=BigInteger)
    both = about_contact(statement, bindparam("contact_id"), [column.key, "id"], descending, branch_limit)
    page = both.order_by(*_order(sort, descending, both.selected_columns))
    if not keyset:
        # BIGINT: a Virtuous skip may be any 64-bit number; INTEGER would fail past 2**31 on PostgreSQL (500).
        page = page.offset(bindparam("offset", type_=BigInteger))
    return page.limit(bindparam("limit", type_=BigInteger))


@lru_cache(maxsize=64)
def timeline(
    dialect: str, sort: str, descending: bool, keyset: bool, important_only: bool, with_total: bool = False
) -> Select[Any]:
    """A page of a contact's visible notes as view rows (parameters as timeline_ids). The page's ids are
    found first, so that the per-note subqueries run for the page's notes only, not for every row an
    OFFSET skips. `with_total` adds timeline_count as a column (computed once), saving a round trip."""
    page = timeline_ids(sort, descending, keyset, important_only).subquery("page")
    statement = _views(dialect).join(page, page.c.id == notes.c.id)
    if with_total:
        statement = statement.add_columns(timeline_count(important_only).scalar_subquery().label("total"))
    return statement.order_by(*_order(sort, descending, notes.c))


@lru_cache(maxsize=4)
def timeline_count(important_only: bool) -> Select[Any]:
    """How many of a contact's notes the caller can see (parameters: org_id, user_id, contact_id): the
    contact's public-note counter, kept by triggers for every contact a note is linked to, plus the
    caller's own private notes there. The cost does not grow with the contact's history."""
    counter = note_counts.c.public_important if important_only else note_counts.c.public_notes
    public = select(func.coalesce(func.sum(counter), 0)).where(note_counts.c.contact_id == bindparam("contact_id"))
    own_private = (
        select(func.count())
        .select_from(notes)
        .where(
            notes.c.contact_id == bindparam("contact_id"),
            notes.c.author_id == bindparam("user_id"),
            notes.c.is_private,
            notes.c.deleted_at.is_(None),
            notes.c.org_id == bindparam("org_id"),
        )
    )
    # The caller's private notes linked to the contact besides their primary one: as many rows as the
    # contact has such links, usually few.
    own_linked = (
        select(func.count())
        .select_from(note_contacts.join(notes, notes.c.id == note_contacts.c.note_id))
        .where(
            note_contacts.c.contact_id == bindparam("contact_id"),
            note_contacts.c.is_primary == false(),
            notes.c.author_id == bindparam("user_id"),
            notes.c.is_private,
            notes.c.deleted_at.is_(None),
            notes.c.org_id == bindparam("org_id"),
        )
    )
    if important_only:
        own_private = own_private.where(notes.c.important)
        own_linked = own_linked.where(notes.c.important)
    private = own_private.scalar_subquery() + own_linked.scalar_subquery()
    # sum() of a bigint is numeric on PostgreSQL: cast, so the total reads back as an int on both databases.
    return select(cast(public.scalar_subquery() + private, BigInteger))


@lru_cache(maxsize=4)
def by_ids(dialect: str) -> Select[Any]:
    """Views of the given notes (parameter: ids), whatever their visibility: callers have checked it."""
    if dialect == "postgresql":
        # One array parameter: the same SQL for any number of ids, so one prepared statement, where an
        # expanding IN renders a placeholder per id on every call and prepares a statement per page size.
        return _views(dialect).where(notes.c.id == any_(bindparam("ids", type_=ARRAY(BigInteger))))
    return _views(dialect).where(notes.c.id.in_(bindparam("ids", expanding=True)))


def view_of(row: Row[Any], reminder: ReminderView | None, fields: tuple[str, ...]) -> NoteView:
    """A NoteView from a row of `timeline` or `by_ids` (and the note's reminder, read separately); `fields` are
    the row's column names, the same for every row of a result."""
    # A Row's attribute access costs about 0.7 us by name; a view reads 40 of them, and a page 25 views. One
    # dict of the row is a tenth of that. Row._fields builds its tuple anew on each call (5 us), hence `fields`.
    r = dict(zip(fields, row, strict=True))
    grouped: dict[str, list[str]] = {}  # emoji by first reaction, users in the order they reacted
    for emoji, user_oid in r["reactions_json"] or ():
        grouped.setdefault(emoji, []).append(user_oid)
    primary = ContactSummary(r["contact_id"], r["contact_oid"], r["contact_name"], r["contact_avatar"])
    author = UserSummary(r["author_id"], r["author_oid"], r["author_name"], r["author_email"], r["author_avatar"])
    editor = UserSummary(r["modified_by_id"], r["editor_oid"], r["editor_name"], r["editor_email"], r["editor_avatar"])
    return NoteView(
        id=r["id"],
        oid=r["oid"],
        contact=primary,
        author=author,
        modified_by=editor,
        body=r["body"],
        type=r["type"],
        important=r["important"],
        is_private=r["is_private"],
        time_spent_minutes=r["time_spent_minutes"],
        note_date=r["note_date"],
        created_at=r["created_at"],
        updated_at=r["updated_at"],
        is_edited=r["is_edited"],
        mentions=[UserSummary(*item) for item in r["mentions_json"] or ()],
        attachments=[AttachmentView(*item) for item in r["attachments_json"] or ()],
        reactions=[ReactionGroup(emoji, users) for emoji, users in grouped.items()],
        reminder=reminder,
        contacts=[ContactSummary(*item) for item in r["contacts_json"] or ()] or [primary],
    )

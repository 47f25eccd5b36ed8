"""Which columns of each system's CSV export carry what: one ColumnMap per source.

Headers match ignoring case and surrounding spaces; each field lists the spellings the source is known to
write (docs/import.md). A new source is one more entry in SOURCES.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ColumnMap:
    external_id: tuple[str, ...]
    body: tuple[str, ...]
    date: tuple[str, ...]
    author: tuple[str, ...] = ()  # an e-mail, or a cell holding one ("Ada Admin (ada@acme.example)")
    contact_external_id: tuple[str, ...] = ()
    contact_email: tuple[str, ...] = ()
    contact_name: tuple[str, ...] = ()  # may hold "Name (e-mail)" as HubSpot writes associations
    title: tuple[str, ...] = ()  # Salesforce notes have one: it becomes the body's first line
    type: tuple[str, ...] = ()
    private: tuple[str, ...] = ()

    @property
    def required(self) -> tuple[str, ...]:
        return ("external_id", "body", "date")


SOURCES: dict[str, ColumnMap] = {
    # HubSpot: Notes exported from the activities index (labels, not internal names; both accepted).
    "hubspot": ColumnMap(
        external_id=("Record ID", "Activity ID", "hs_object_id"),
        body=("Note body", "hs_note_body"),
        date=("Activity date", "Create date", "hs_timestamp"),
        author=("Activity created by", "Created by", "Activity assigned to", "HubSpot owner"),
        contact_external_id=("Associated Contact IDs", "Associated Contact ID"),
        contact_email=("Associated Contact email", "Email"),
        contact_name=("Associated Contact",),
    ),
    # Pipedrive: the notes list exported to CSV (fields prefixed by their entity).
    "pipedrive": ColumnMap(
        external_id=("Note - ID", "ID"),
        body=("Note - Content", "Content"),
        date=("Note - Add time", "Add time"),
        author=("Note - User", "User"),
        contact_external_id=("Person - ID", "Note - Person ID", "Person ID"),
        contact_email=("Person - Email", "Person email"),
        contact_name=("Person - Name", "Note - Person", "Person"),
    ),
    # Salesforce: Note.csv of the weekly Data Export (API field names); the relationship columns come from a
    # Data Loader query that adds them (CreatedBy.Email, Parent.Name).
    "salesforce": ColumnMap(
        external_id=("Id",),
        body=("Body", "Content"),
        date=("CreatedDate",),
        author=("CreatedBy.Email", "Owner.Email"),
        contact_external_id=("ParentId", "LinkedEntityId"),
        contact_email=("Parent.Email",),
        contact_name=("Parent.Name",),
        title=("Title",),
        private=("IsPrivate",),
    ),
    # Our own documented layout, for anything else.
    "csv": ColumnMap(
        external_id=("external_id",),
        body=("body",),
        date=("date",),
        author=("author_email",),
        contact_external_id=("contact_external_id",),
        contact_email=("contact_email",),
        contact_name=("contact_name",),
        type=("type",),
        private=("private",),
    ),
}


def resolve_columns(columns: ColumnMap, header: list[str]) -> tuple[dict[str, int], list[str]]:
    """Field name -> column index of the first known spelling present; and the required fields missing."""
    positions = {name.strip().casefold(): index for index, name in enumerate(header)}
    found: dict[str, int] = {}
    for field in ColumnMap.__dataclass_fields__:
        for spelling in getattr(columns, field):
            index = positions.get(spelling.casefold())
            if index is not None:
                found[field] = index
                break
    missing = [field for field in columns.required if field not in found]
    return found, missing

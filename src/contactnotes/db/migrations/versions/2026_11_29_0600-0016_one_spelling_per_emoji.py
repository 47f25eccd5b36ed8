"""Reactions stored with one spelling per emoji

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-29 00:30:00

"❤" and "❤️" (the same emoji with and without U+FE0F) were stored as two reactions, so one user could react
twice. Reactions are now written fully qualified (kit/emoji_forms.py); this rewrites those already stored the
same way, and where a user had both spellings on a note keeps one. Data only: a few statements per distinct
spelling that is not canonical (usually none), on any database size.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from contactnotes.kit.emoji_forms import canonical_emoji

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

reactions = sa.table(
    "note_reactions", sa.column("note_id", sa.BigInteger), sa.column("emoji", sa.String), sa.column("user_id")
)


def upgrade() -> None:
    connection = op.get_bind()
    spellings = connection.execute(sa.select(reactions.c.emoji).distinct()).scalars().all()
    for spelling in spellings:
        canonical = canonical_emoji(spelling)
        if canonical == spelling:
            continue
        same = reactions.alias("same")
        already = (
            sa.select(sa.literal(1))
            .select_from(same)
            .where(
                same.c.note_id == reactions.c.note_id,
                same.c.user_id == reactions.c.user_id,
                same.c.emoji == canonical,
            )
            .exists()
        )
        # The user also reacted with the canonical spelling: one reaction it is.
        connection.execute(sa.delete(reactions).where(reactions.c.emoji == spelling, already))
        connection.execute(sa.update(reactions).where(reactions.c.emoji == spelling).values(emoji=canonical))


def downgrade() -> None:
    pass  # the canonical spelling is a valid spelling of the same emoji

"""An organization's time zone; a user's TOTP secret

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-29 00:00:00

Virtuous answers dates as the organization's calendar days (`noteDate` "10/4/2017"), so each organization
names its IANA time zone (default UTC, which keeps every existing answer's day). Two-factor logins on
POST /Token need a per-user TOTP secret (NULL: two-factor is off). Both are nullable-or-defaulted column
additions: no table rewrite on PostgreSQL.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("time_zone", sa.String(length=64), server_default="UTC", nullable=False))
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("totp_secret", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("totp_secret")
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.drop_column("time_zone")

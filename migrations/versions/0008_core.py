"""core: the user's own lockout columns go (issue #19, item 5)

Sign-in lockouts have been rows of ``login_lock`` (per account and address) since
issue #10; ``user.failed_logins`` and ``user.locked_until`` were written by
nothing and read by nothing.

Revision ID: 0008_core
Revises: 0003_hall_grants
Create Date: 2026-12-07 16:50:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0008_core"
down_revision = "0003_hall_grants"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user") as batch:
        batch.drop_column("locked_until")
        batch.drop_column("failed_logins")


def downgrade():
    with op.batch_alter_table("user") as batch:
        batch.add_column(
            sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(sa.Column("locked_until", sa.DateTime(), nullable=True))

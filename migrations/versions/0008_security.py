"""security, third review (issue 20): the handler's extra masked words

Revision ID: security_1
Revises: 0003_hall_grants
Create Date: 2026-12-07 16:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "security_1"
down_revision = "0003_hall_grants"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("inquiry", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("masked_words", sa.Text(), nullable=False, server_default="")
        )


def downgrade():
    with op.batch_alter_table("inquiry", schema=None) as batch_op:
        batch_op.drop_column("masked_words")

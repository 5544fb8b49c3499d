"""monitoring2: an LED card's screen switched off by its power schedule, and the
newest screenshot a wall took of itself (issue #21)

A new column with a default (existing cards: not switched off) and a new table;
existing rows are carried over untouched.

Revision ID: monitoring2_1
Revises: novosga_1
Create Date: 2026-12-07 20:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "monitoring2_1"
down_revision = "novosga_1"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("led_controller") as batch:
        batch.add_column(
            sa.Column("screen_dark", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        "terminal_screenshot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("terminal_id", sa.Integer(), nullable=False),
        sa.Column("taken_at", sa.DateTime(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("png", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["terminal_id"],
            ["terminal.id"],
            name=op.f("fk_terminal_screenshot_terminal_id_terminal"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_terminal_screenshot")),
        sa.UniqueConstraint("terminal_id", name=op.f("uq_terminal_screenshot_terminal_id")),
    )


def downgrade():
    op.drop_table("terminal_screenshot")
    with op.batch_alter_table("led_controller") as batch:
        batch.drop_column("screen_dark")

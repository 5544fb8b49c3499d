"""novosga: a hall's NovoSGA server, polled for its calls (issue #23)

A new table only: existing rows are untouched.

Revision ID: novosga_1
Revises: operators_1
Create Date: 2026-12-07 19:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "novosga_1"
down_revision = "operators_1"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "calling_novosga_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hall_id", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("base_url", sa.String(length=255), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.String(length=200), nullable=False),
        sa.Column("client_secret", sa.Text(), nullable=False),
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("password", sa.Text(), nullable=False),
        sa.Column("interval_seconds", sa.Integer(), nullable=False),
        sa.Column("seen_ids", sa.String(length=200), nullable=True),
        sa.Column("last_id", sa.Integer(), nullable=True),
        sa.Column("last_id_at", sa.DateTime(), nullable=True),
        sa.Column("last_polled_at", sa.DateTime(), nullable=True),
        sa.Column("last_answer_at", sa.DateTime(), nullable=True),
        sa.Column("poll_error", sa.String(length=300), nullable=False),
        sa.Column("failing_since", sa.DateTime(), nullable=True),
        sa.Column("refused", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["hall_id"], ["hall.id"], name=op.f("fk_calling_novosga_link_hall_id_hall")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calling_novosga_link")),
        sa.UniqueConstraint("hall_id", name=op.f("uq_calling_novosga_link_hall_id")),
    )


def downgrade():
    op.drop_table("calling_novosga_link")

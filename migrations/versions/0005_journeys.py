"""Journeys (issue #12): consent to a public answer, its anonymous rewrite, and
submissions refused on arrival after waiting offline on a kiosk

Revision ID: 0002_journeys
Revises: 0002_guide_import
Create Date: 2026-12-01 08:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0002_journeys"
down_revision = "0002_guide_import"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("inquiry") as batch:
        batch.add_column(
            sa.Column("public_consent", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(
            sa.Column("public_question", sa.Text(), nullable=False, server_default="")
        )
    op.create_table(
        "refused_submission",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("terminal_id", sa.Integer(), nullable=True),
        sa.Column("hall_id", sa.Integer(), nullable=True),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("errors", sa.Text(), nullable=False),
        sa.Column("queued_at", sa.DateTime(), nullable=True),
        sa.Column("reported_at", sa.DateTime(), nullable=False),
        sa.Column("handled_at", sa.DateTime(), nullable=True),
        sa.Column("handled_by_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["hall_id"], ["hall.id"]),
        sa.ForeignKeyConstraint(["handled_by_id"], ["user.id"]),
        sa.ForeignKeyConstraint(["terminal_id"], ["terminal.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("idempotency_key"),
    )
    with op.batch_alter_table("refused_submission") as batch:
        batch.create_index(batch.f("ix_refused_submission_hall_id"), ["hall_id"], unique=False)
        batch.create_index(
            batch.f("ix_refused_submission_reported_at"), ["reported_at"], unique=False
        )


def downgrade():
    with op.batch_alter_table("refused_submission") as batch:
        batch.drop_index(batch.f("ix_refused_submission_reported_at"))
        batch.drop_index(batch.f("ix_refused_submission_hall_id"))
    op.drop_table("refused_submission")
    with op.batch_alter_table("inquiry") as batch:
        batch.drop_column("public_question")
        batch.drop_column("public_consent")

"""hall grants: roles a user holds in particular halls (issue #10, item 5)

Existing accounts keep their city-wide roles and see every hall, as before.
Drafts that were never published get their halls on the item too (item_hall),
as new drafts now do, so a hall's staff find their own drafts by the item.

Revision ID: 0003_hall_grants
Revises: 0002_security
Create Date: 2026-12-01 11:20:00

"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0003_hall_grants"
down_revision = "0002_security"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "hall_grant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("hall_id", sa.Integer(), nullable=False),
        sa.Column("roles", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_hall_grant_user_id_user"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["hall_id"], ["hall.id"], name=op.f("fk_hall_grant_hall_id_hall"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hall_grant")),
        sa.UniqueConstraint("user_id", "hall_id", name=op.f("uq_hall_grant_user_id")),
    )
    with op.batch_alter_table("hall_grant", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hall_grant_user_id"), ["user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_hall_grant_hall_id"), ["hall_id"], unique=False)

    # Never-published items: their latest revision's halls onto item_hall.
    bind = op.get_bind()
    halls = {row[0] for row in bind.execute(sa.text("SELECT id FROM hall"))}
    linked = {row[0] for row in bind.execute(sa.text("SELECT DISTINCT item_id FROM item_hall"))}
    rows = bind.execute(
        sa.text(
            "SELECT r.item_id, r.hall_ids FROM item_revision r JOIN item i ON i.id = r.item_id"
            " WHERE i.state = 'unpublished' AND r.id = ("
            "SELECT MAX(r2.id) FROM item_revision r2 WHERE r2.item_id = r.item_id)"
        )
    ).all()
    for item_id, hall_ids in rows:
        if item_id in linked:
            continue
        if isinstance(hall_ids, str):
            hall_ids = json.loads(hall_ids or "[]")
        for hall_id in sorted(set(hall_ids or []) & halls):
            bind.execute(
                sa.text("INSERT INTO item_hall (item_id, hall_id) VALUES (:i, :h)"),
                {"i": item_id, "h": hall_id},
            )


def downgrade():
    with op.batch_alter_table("hall_grant", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hall_grant_hall_id"))
        batch_op.drop_index(batch_op.f("ix_hall_grant_user_id"))
    op.drop_table("hall_grant")

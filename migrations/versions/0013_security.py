"""security, third review (issue 20): the handler's extra masked words, who
changed a revision's words (four eyes), approval of playlist entries written by
operators (QR cards, pictures)

Revision ID: security_1
Revises: cards_1
Create Date: 2026-12-07 16:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "security_1"
down_revision = "cards_1"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("inquiry", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("masked_words", sa.Text(), nullable=False, server_default="")
        )
    with op.batch_alter_table("item_revision", schema=None) as batch_op:
        batch_op.add_column(sa.Column("editor_ids", sa.JSON(), nullable=True))
    # Until now only the author could have written a revision's words, as far as
    # the records tell.
    postgres = op.get_bind().dialect.name == "postgresql"
    empty, one = ("'[]'::json", "json_build_array") if postgres else ("'[]'", "json_array")
    op.execute(
        f"UPDATE item_revision SET editor_ids = CASE WHEN author_id IS NULL THEN {empty}"
        f" ELSE {one}(author_id) END"
    )
    with op.batch_alter_table("item_revision", schema=None) as batch_op:
        batch_op.alter_column("editor_ids", existing_type=sa.JSON(), nullable=False)
    with op.batch_alter_table("playlist_entry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("written_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("published_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("published_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_playlist_entry_written_by_id_user"), "user", ["written_by_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_playlist_entry_published_by_id_user"),
            "user",
            ["published_by_id"],
            ["id"],
        )
    # Entries on screens before approval existed stay on screens, as slogans did.
    op.execute("UPDATE playlist_entry SET published_at = CURRENT_TIMESTAMP")


def downgrade():
    with op.batch_alter_table("playlist_entry", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_playlist_entry_published_by_id_user"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_playlist_entry_written_by_id_user"), type_="foreignkey"
        )
        batch_op.drop_column("published_by_id")
        batch_op.drop_column("published_at")
        batch_op.drop_column("written_by_id")
    with op.batch_alter_table("item_revision", schema=None) as batch_op:
        batch_op.drop_column("editor_ids")
    with op.batch_alter_table("inquiry", schema=None) as batch_op:
        batch_op.drop_column("masked_words")

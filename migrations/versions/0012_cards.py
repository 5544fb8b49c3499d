"""LED cards: Onbon compatibility settings, test pattern, Huidu on/off times (issue #22)

A BX-6 card that already acknowledged a push took the driver's old forms (lengths
counting the bitmaps, which a card reading the vendor's SDK form refuses): it keeps
them (word_order "msb", length_form "inclusive"); every other card starts with the
manual's and the SDK's forms.

Revision ID: cards_1
Revises: guides_1
Create Date: 2026-12-07 16:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "cards_1"
down_revision = "guides_1"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("led_controller") as batch:
        batch.add_column(
            sa.Column("word_order", sa.String(length=8), nullable=False, server_default="lsb")
        )
        batch.add_column(
            sa.Column("length_form", sa.String(length=12), nullable=False, server_default="sdk")
        )
        batch.add_column(sa.Column("pattern_until", sa.DateTime(), nullable=True))
        batch.add_column(
            sa.Column("screen_on", sa.String(length=5), nullable=False, server_default="")
        )
        batch.add_column(
            sa.Column("screen_off", sa.String(length=5), nullable=False, server_default="")
        )
    op.execute(
        "UPDATE led_controller SET word_order = 'msb', length_form = 'inclusive' "
        "WHERE protocol = 'onbon-bx6' AND last_ack_at IS NOT NULL"
    )


def downgrade():
    with op.batch_alter_table("led_controller") as batch:
        for name in ("screen_off", "screen_on", "pattern_until", "length_form", "word_order"):
            batch.drop_column(name)

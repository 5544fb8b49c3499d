"""alerts: official warnings (CAP 1.2 / GB/T 35965.1) received, refused and shown (issue #24)

New tables, and urgent_notice.level (empty for existing notices: shown red, as
before). Halls show no alert until an operator gives them a division code or
coordinates (alert_hall_area).

Revision ID: alerts_1
Revises: calling_1
Create Date: 2026-12-07 16:24:36.576775

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "alerts_1"
down_revision = "calling_1"
branch_labels = None
depends_on = None


def upgrade():
    # Existing notices (typed in the console) keep no level: shown red, as before.
    with op.batch_alter_table("urgent_notice") as batch_op:
        batch_op.add_column(
            sa.Column("level", sa.String(length=10), nullable=False, server_default="")
        )
    op.create_table(
        "alert_feed",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("interval_minutes", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("push_token_hash", sa.String(length=64), nullable=False),
        sa.Column("silence_minutes", sa.Integer(), nullable=False),
        sa.Column("etag", sa.String(length=300), nullable=False),
        sa.Column("last_modified", sa.String(length=100), nullable=False),
        sa.Column("last_polled_at", sa.DateTime(), nullable=True),
        sa.Column("poll_error", sa.Text(), nullable=False),
        sa.Column("last_heard_at", sa.DateTime(), nullable=True),
        sa.Column("last_heartbeat_at", sa.DateTime(), nullable=True),
        sa.Column("silent_since", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_feed")),
    )
    op.create_table(
        "alert_policy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("drill_mode", sa.Boolean(), nullable=False),
        sa.Column("red_action", sa.String(length=10), nullable=False),
        sa.Column("orange_action", sa.String(length=10), nullable=False),
        sa.Column("yellow_action", sa.String(length=10), nullable=False),
        sa.Column("blue_action", sa.String(length=10), nullable=False),
        sa.Column("default_hours", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_policy")),
    )
    op.create_table(
        "alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("feed_id", sa.Integer(), nullable=True),
        sa.Column("via", sa.String(length=10), nullable=False),
        sa.Column("source_url", sa.String(length=500), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("sender", sa.String(length=200), nullable=False),
        sa.Column("identifier", sa.String(length=200), nullable=False),
        sa.Column("sent", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("msg_type", sa.String(length=10), nullable=False),
        sa.Column("scope", sa.String(length=12), nullable=False),
        sa.Column("references", sa.JSON(), nullable=False),
        sa.Column("event", sa.String(length=200), nullable=False),
        sa.Column("headline", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("instruction", sa.Text(), nullable=False),
        sa.Column("sender_name", sa.String(length=200), nullable=False),
        sa.Column("severity", sa.String(length=12), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("effective", sa.DateTime(), nullable=True),
        sa.Column("expires", sa.DateTime(), nullable=True),
        sa.Column("area_desc", sa.Text(), nullable=False),
        sa.Column("geocodes", sa.JSON(), nullable=False),
        sa.Column("geometry", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("ended_by_id", sa.Integer(), nullable=True),
        sa.Column("xml", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ended_by_id"], ["user.id"], name=op.f("fk_alert_ended_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["feed_id"], ["alert_feed.id"], name=op.f("fk_alert_feed_id_alert_feed")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert")),
        sa.UniqueConstraint("sender", "identifier", "sent", name=op.f("uq_alert_sender")),
    )
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alert_feed_id"), ["feed_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_alert_identifier"), ["identifier"], unique=False)
        batch_op.create_index(batch_op.f("ix_alert_source_url"), ["source_url"], unique=False)
        batch_op.create_index(batch_op.f("ix_alert_state"), ["state"], unique=False)

    op.create_table(
        "alert_hall_area",
        sa.Column("hall_id", sa.Integer(), nullable=False),
        sa.Column("division_code", sa.String(length=6), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["hall_id"], ["hall.id"], name=op.f("fk_alert_hall_area_hall_id_hall")
        ),
        sa.PrimaryKeyConstraint("hall_id", name=op.f("pk_alert_hall_area")),
    )
    op.create_table(
        "refused_alert_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("feed_id", sa.Integer(), nullable=True),
        sa.Column("via", sa.String(length=10), nullable=False),
        sa.Column("source_url", sa.String(length=500), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["feed_id"],
            ["alert_feed.id"],
            name=op.f("fk_refused_alert_document_feed_id_alert_feed"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refused_alert_document")),
    )
    with op.batch_alter_table("refused_alert_document", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_refused_alert_document_feed_id"), ["feed_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_refused_alert_document_source_url"), ["source_url"], unique=False
        )

    op.create_table(
        "alert_output",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("hall_id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=True),
        sa.Column("slogan_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["alert_id"], ["alert.id"], name=op.f("fk_alert_output_alert_id_alert")
        ),
        sa.ForeignKeyConstraint(
            ["hall_id"], ["hall.id"], name=op.f("fk_alert_output_hall_id_hall")
        ),
        sa.ForeignKeyConstraint(
            ["notice_id"],
            ["urgent_notice.id"],
            name=op.f("fk_alert_output_notice_id_urgent_notice"),
        ),
        sa.ForeignKeyConstraint(
            ["slogan_id"], ["slogan.id"], name=op.f("fk_alert_output_slogan_id_slogan")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_output")),
    )
    with op.batch_alter_table("alert_output", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alert_output_alert_id"), ["alert_id"], unique=False)



def downgrade():
    with op.batch_alter_table("urgent_notice") as batch_op:
        batch_op.drop_column("level")
    with op.batch_alter_table("alert_output", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alert_output_alert_id"))

    op.drop_table("alert_output")
    with op.batch_alter_table("refused_alert_document", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_refused_alert_document_source_url"))
        batch_op.drop_index(batch_op.f("ix_refused_alert_document_feed_id"))

    op.drop_table("refused_alert_document")
    op.drop_table("alert_hall_area")
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alert_state"))
        batch_op.drop_index(batch_op.f("ix_alert_source_url"))
        batch_op.drop_index(batch_op.f("ix_alert_identifier"))
        batch_op.drop_index(batch_op.f("ix_alert_feed_id"))

    op.drop_table("alert")
    op.drop_table("alert_policy")
    op.drop_table("alert_feed")

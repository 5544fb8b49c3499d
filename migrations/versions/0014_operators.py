"""operators: 设备监控 — commands to screens, power schedules, alerts (issue #21)

New tables only: existing rows are untouched. Rotation schedules keep their
``day_of_week`` column; the new day words (``workday``, ``restday``) fit in it.

Revision ID: operators_1
Revises: security_1
Create Date: 2026-12-07 17:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "operators_1"
down_revision = "security_1"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "terminal_command",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("terminal_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["terminal_id"],
            ["terminal.id"],
            name=op.f("fk_terminal_command_terminal_id_terminal"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_terminal_command_created_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_terminal_command")),
    )
    op.create_index(
        op.f("ix_terminal_command_terminal_id"), "terminal_command", ["terminal_id"], unique=False
    )
    op.create_table(
        "power_schedule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("terminal_id", sa.Integer(), nullable=True),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("day_of_week", sa.String(length=40), nullable=False),
        sa.Column("start_time", sa.String(length=5), nullable=False),
        sa.Column("end_time", sa.String(length=5), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["terminal_id"],
            ["terminal.id"],
            name=op.f("fk_power_schedule_terminal_id_terminal"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["terminal_group.id"],
            name=op.f("fk_power_schedule_group_id_terminal_group"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_power_schedule")),
    )
    op.create_index(
        op.f("ix_power_schedule_terminal_id"), "power_schedule", ["terminal_id"], unique=False
    )
    op.create_index(op.f("ix_power_schedule_group_id"), "power_schedule", ["group_id"], unique=False)
    op.create_table(
        "monitor_alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hall_id", sa.Integer(), nullable=True),
        sa.Column("whole_hall", sa.Boolean(), nullable=False),
        sa.Column("terminal_ids", sa.JSON(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("delivery", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["hall_id"], ["hall.id"], name=op.f("fk_monitor_alert_hall_id_hall")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitor_alert")),
    )
    op.create_index(op.f("ix_monitor_alert_hall_id"), "monitor_alert", ["hall_id"], unique=False)
    op.create_index(op.f("ix_monitor_alert_closed_at"), "monitor_alert", ["closed_at"], unique=False)


def downgrade():
    op.drop_table("monitor_alert")
    op.drop_table("power_schedule")
    op.drop_table("terminal_command")

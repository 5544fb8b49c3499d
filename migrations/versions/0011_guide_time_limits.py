"""guide time limits with their units, and 容缺后补 materials (issue #22, item 1)

法定/承诺办结时限 were whole working days (0 = 当场办结); they become a number and a
unit (content_feed.time_limits): N → N 工作日, 0 → 当场办结. Imported revisions
waiting for review, and checked imports waiting to be confirmed, carry the same
limits under their new names, as text. Materials get ``deferrable`` (容缺后补).

Revision ID: guides_1
Revises: alerts_1
Create Date: 2026-12-07 16:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "guides_1"
down_revision = "alerts_1"
branch_labels = None
depends_on = None

LIMITS = {"statutory_days": "statutory", "promised_days": "promised"}


def _limit_text(days) -> str:
    return "当场办结" if not days else f"{int(days)}个工作日"


def _fields_upgraded(fields: dict) -> dict:
    return {LIMITS.get(k, k): (_limit_text(v) if k in LIMITS else v) for k, v in fields.items()}


def _rewrite_json(bind, table: str, column: str, state: str, change) -> None:
    # The JSON type reads and writes the column as each database stores it.
    t = sa.table(table, sa.column("id"), sa.column("state"), sa.column(column, sa.JSON))
    rows = bind.execute(sa.select(t.c.id, t.c[column]).where(t.c.state == state)).all()
    for row_id, data in rows:
        if data:
            bind.execute(t.update().where(t.c.id == row_id).values({column: change(data)}))


def _record_upgraded(record: dict) -> dict:
    rows = dict(record.get("rows", {}))
    if "materials" in rows:
        rows["materials"] = [{"deferrable": False, **m} for m in rows["materials"]]
    return {**record, "fields": _fields_upgraded(record.get("fields", {})), "rows": rows}


def _plan_upgraded(plan: dict) -> dict:
    records = [_record_upgraded(r) for r in plan.get("records", [])]
    fields = [LIMITS.get(f, f) for f in plan.get("fields", [])]
    return {**plan, "fields": fields, "records": records}


def upgrade():
    # No batch mode: on SQLite it would copy and drop the guide table, and the
    # foreign keys' ON DELETE CASCADE would empty its materials and steps.
    op.add_column("guide", sa.Column("statutory_value", sa.Integer(), nullable=True))
    op.add_column(
        "guide",
        sa.Column("statutory_unit", sa.String(20), nullable=False, server_default="unfilled"),
    )
    op.add_column("guide", sa.Column("promised_value", sa.Integer(), nullable=True))
    op.add_column(
        "guide",
        sa.Column("promised_unit", sa.String(20), nullable=False, server_default="unfilled"),
    )
    for old, new in LIMITS.items():
        op.execute(
            f"UPDATE guide SET {new}_value = CASE WHEN {old} > 0 THEN {old} END, "
            f"{new}_unit = CASE WHEN {old} > 0 THEN 'working_days' ELSE 'same_day' END"
        )
        op.drop_column("guide", old)
    op.add_column(
        "guide_material",
        sa.Column("deferrable", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    bind = op.get_bind()
    _rewrite_json(bind, "guide_revision", "data", "pending", _record_upgraded)
    _rewrite_json(bind, "guide_import", "plan", "checked", _plan_upgraded)


def downgrade():
    # A limit in another unit has no working-day count: it comes back as 当场办结.
    for old, new in LIMITS.items():
        op.add_column("guide", sa.Column(old, sa.Integer(), nullable=False, server_default="0"))
        op.execute(
            f"UPDATE guide SET {old} = CASE WHEN {new}_unit = 'working_days' "
            f"THEN {new}_value ELSE 0 END"
        )
        op.drop_column("guide", f"{new}_value")
        op.drop_column("guide", f"{new}_unit")
    op.drop_column("guide_material", "deferrable")

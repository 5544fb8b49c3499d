"""Records against the database, by 事项编码: the report first, then the writes.

* a code the database does not have: a new guide, as a draft (草稿);
* a code it has, with different content: a ``GuideRevision`` waiting beside the
  guide (the guide itself, published or not, is not touched);
* the same content (or the same content already waiting): unchanged.

Nothing here publishes: that is an approver's act (revisions.py).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from content_feed import ledger
from content_feed.models import (
    Guide,
    GuideFaq,
    GuideFee,
    GuideMaterial,
    GuideRevision,
    GuideStep,
)
from content_feed.time_limits import TimeLimit
from content_feed.vocabulary import GuideState
from guide_import import cleaning
from guide_import.mapping import GROUP_LABELS, GUIDE_COLUMNS
from guide_import.parse import GUIDE_FIELDS, ROW_CONVERTERS, Parsed

OUTCOMES = {
    "created": "新建（草稿）",
    "updated": "更新（待审修订）",
    "unchanged": "无变化",
    "refused": "拒绝",
}
ROW_MODELS = {"materials": GuideMaterial, "steps": GuideStep, "fees": GuideFee, "faqs": GuideFaq}
ROW_FIELDS = {g: list(c) for g, c in ROW_CONVERTERS.items()}
LINE_FIELDS = {"name", "kind", "implementing_body", "location", "office_hours", "consult_phone"}
LINE_FIELDS |= {
    "complaint_phone",
    "keywords",
    "summary",
    "online_url",
    "title",
    "source",
    "standard",
}
BATCH = 50


def field_label(key: str) -> str:
    return GROUP_LABELS.get(key) or GUIDE_COLUMNS.get(key, [key])[0]


def _norm(name: str, value):
    """A stored value as the importer would have cleaned it (so \\r\\n is no change)."""
    if isinstance(value, TimeLimit):
        return str(value)
    if isinstance(value, str):
        return cleaning.line(value) if name in LINE_FIELDS else cleaning.text(value)
    return value


def current_content(guide: Guide, fields, groups) -> dict:
    return {
        "fields": {f: _norm(f, getattr(guide, f)) for f in fields},
        "rows": {
            g: [{f: _norm(f, getattr(r, f)) for f in ROW_FIELDS[g]} for r in getattr(guide, g)]
            for g in groups
        },
    }


def changed_keys(guide: Guide, data: dict) -> list[str]:
    """Field names and group names where ``data`` differs from the guide."""
    now = current_content(guide, data["fields"], data["rows"])
    keys = [f for f, v in data["fields"].items() if now["fields"][f] != v]
    keys += [g for g, rows in data["rows"].items() if now["rows"][g] != rows]
    return keys


def pending_revision(session: Session, guide_id: int) -> GuideRevision | None:
    return (
        session.execute(
            select(GuideRevision)
            .where(GuideRevision.guide_id == guide_id, GuideRevision.state == "pending")
            .order_by(GuideRevision.id.desc())
        )
        .scalars()
        .first()
    )


def _guides_by_code(session: Session, codes: list[str]) -> dict[str, Guide]:
    found = {}
    for i in range(0, len(codes), 500):
        stmt = (
            select(Guide)
            .where(Guide.code.in_(codes[i : i + 500]))
            .options(*(selectinload(getattr(Guide, g)) for g in ROW_MODELS))
        )
        found.update({g.code: g for g in session.execute(stmt).scalars()})
    return found


def decide(session: Session, plan: list[dict], guides: dict[str, Guide] | None = None):
    """(outcome, changed keys, reason) per planned record, in order."""
    guides = guides if guides is not None else _guides_by_code(session, [p["code"] for p in plan])
    pending = {}
    if guides:
        rows = session.execute(
            select(GuideRevision).where(
                GuideRevision.state == "pending",
                GuideRevision.guide_id.in_([g.id for g in guides.values()]),
            )
        ).scalars()
        pending = {r.guide_id: r for r in rows}
    decisions = []
    for record in plan:
        guide = guides.get(record["code"])
        data = {"fields": record["fields"], "rows": record["rows"]}
        if guide is None:
            decisions.append(("created", [], ""))
            continue
        keys = changed_keys(guide, data)
        waiting = pending.get(guide.id)
        if not keys:
            decisions.append(("unchanged", [], ""))
        elif waiting is not None and waiting.data == data:
            decisions.append(("unchanged", [], "已有内容相同的待审修订"))
        else:
            decisions.append(("updated", keys, ""))
    return decisions


def report(session: Session, parsed: Parsed) -> tuple[list[dict], dict, list[dict]]:
    """The dry run: (report rows, counts per outcome, plan of the records to write)."""
    plan = [r.as_plan() for r in parsed.records if r.refusal is None]
    decisions = iter(decide(session, plan))
    rows = []
    for record in parsed.records:
        if record.refusal is not None:
            f = record.refusal
            rows.append(
                _row(f.sheet, f.row, record.code, record.name, "refused", f.column, f.reason)
            )
            continue
        outcome, keys, reason = next(decisions)
        reason = "；".join([*record.notes, reason] if reason else record.notes)
        rows.append(
            _row(record.sheet, record.row, record.code, record.name, outcome, "", reason, keys)
        )
    for f in parsed.stray:
        rows.append(_row(f.sheet, f.row, f.code, f.name, "refused", f.column, f.reason))
    counts = {k: sum(1 for r in rows if r["outcome"] == k) for k in OUTCOMES}
    return rows, counts, plan


REPORT_HEADER = ["工作表", "行号", "事项编码", "事项名称", "结果", "列", "原因", "变更内容"]
WARNING = "提示"


def report_cells(rows: list[dict], warnings: list[dict] = ()):
    """The report as CSV rows under REPORT_HEADER, the file's warnings first."""
    for w in warnings:
        yield [w["sheet"], "", "", "", WARNING, w["column"], w["message"], ""]
    for r in rows:
        yield [
            r["sheet"],
            r["row"],
            r["code"],
            r["name"],
            OUTCOMES[r["outcome"]],
            r["column"],
            r["reason"],
            "、".join(r["changes"]),
        ]


def _row(sheet, row, code, name, outcome, column="", reason="", keys=()) -> dict:
    return {
        "sheet": sheet,
        "row": row,
        "code": code,
        "name": name,
        "outcome": outcome,
        "column": column,
        "reason": reason,
        "changes": [field_label(k) for k in keys],
    }


def new_guide(record: dict, hall_id: int | None) -> Guide:
    guide = Guide(code=record["code"], state=GuideState.DRAFT, hall_id=hall_id)
    for fname in GUIDE_FIELDS:
        if fname in record["fields"]:
            setattr(guide, fname, record["fields"][fname])
    for group, model in ROW_MODELS.items():
        rows = record["rows"].get(group, [])
        setattr(guide, group, [model(sort_order=i, **row) for i, row in enumerate(rows)])
    if record["rows"].get("fees") and "is_free" not in record["fields"]:
        guide.is_free = False
    return guide


def write(
    session: Session,
    plan: list[dict],
    *,
    actor,
    actor_name: str,
    import_id: int | None,
    hall_id: int | None,
    at,
    progress: Callable[[int], None] = lambda done: None,
) -> dict:
    """Create drafts and revisions for ``plan``, committing every BATCH records
    (with the progress, so any request sees it); returns what was written."""
    written = {"created": 0, "updated": 0, "unchanged": 0, "created_ids": [], "revision_ids": []}
    for start in range(0, len(plan), BATCH):
        batch = plan[start : start + BATCH]
        guides = _guides_by_code(session, [r["code"] for r in batch])
        for record, (outcome, keys, _reason) in zip(
            batch, decide(session, batch, guides), strict=True
        ):
            written[outcome] += 1
            if outcome == "created":
                guide = new_guide(record, hall_id)
                session.add(guide)
                session.flush()
                written["created_ids"].append(guide.id)
                ledger.record(
                    session,
                    "guide.import_create",
                    actor=actor,
                    actor_name=actor_name,
                    obj=guide,
                    summary=f"导入新建草稿：{guide.name}",
                    after={"import_id": import_id, "code": guide.code},
                    at=at,
                )
            elif outcome == "updated":
                guide = guides[record["code"]]
                old = pending_revision(session, guide.id)
                if old is not None:
                    old.state = "superseded"
                revision = GuideRevision(
                    guide_id=guide.id,
                    import_id=import_id,
                    state="pending",
                    data={"fields": record["fields"], "rows": record["rows"]},
                    created_by_id=actor.id if actor else None,
                )
                session.add(revision)
                session.flush()
                written["revision_ids"].append(revision.id)
                ledger.record(
                    session,
                    "guide.import_revision",
                    actor=actor,
                    actor_name=actor_name,
                    obj=guide,
                    summary=f"导入修订（待审）：{guide.name}",
                    after={
                        "import_id": import_id,
                        "revision_id": revision.id,
                        "changes": [field_label(k) for k in keys],
                    },
                    at=at,
                )
        progress(min(start + BATCH, len(plan)))
        session.commit()
    return written

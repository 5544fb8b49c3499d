"""An imported revision beside its guide: what it would change, adopting it, and
publishing many guides at once after review.

先审核、后公开: a published guide is changed only by an approver adopting and
publishing a revision in one step; a draft or taken-down guide may adopt it as
a draft and be published later, as any draft.
"""

from __future__ import annotations

import difflib

from sqlalchemy.orm import Session

from content_feed import ledger
from content_feed.models import Guide, GuideRevision
from content_feed.time_limits import TimeLimit
from content_feed.vocabulary import MATERIAL_FORMS, MATERIAL_NECESSITY, GuideState
from guide_import.upsert import (
    ROW_FIELDS,
    ROW_MODELS,
    changed_keys,
    current_content,
    field_label,
)

PUBLISH_NEEDS = "公开前须至少填写一项申请材料和一个办理步骤"


class RevisionError(ValueError):
    """Why a revision cannot be adopted or a guide published (Chinese)."""


def _value_text(fname: str, value) -> str:
    if fname == "is_free":
        return "不收费" if value else "收费"
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def _row_text(group: str, row: dict) -> str:
    if group == "materials":
        bits = [
            MATERIAL_FORMS.get(row["form"], row["form"]),
            f"{row['copies']}份",
            MATERIAL_NECESSITY.get(row["necessity"], row["necessity"]),
            *(["容缺后补"] if row.get("deferrable") else []),
        ]
        extra = "；".join(x for x in (row["source"], row["notes"]) if x)
        return f"{row['name']}（{'，'.join(bits)}）" + (f" {extra}" if extra else "")
    if group == "steps":
        return row["title"] + (f"：{row['description']}" if row["description"] else "")
    if group == "fees":
        return "；".join(x for x in (row["name"], row["standard"], row["basis"]) if x)
    return f"问：{row['question']} 答：{row['answer']}"


def _lines(text: str) -> list[str]:
    return text.split("\n") if text else []


def diff(guide: Guide, data: dict) -> list[dict]:
    """What adopting ``data`` changes: per field or group, lines marked '-', '+' or ' '."""
    now = current_content(guide, data["fields"], data["rows"])
    out = []
    for key in changed_keys(guide, data):
        if key in data["rows"]:
            before = [_row_text(key, r) for r in now["rows"][key]]
            after = [_row_text(key, r) for r in data["rows"][key]]
        else:
            before = _lines(_value_text(key, now["fields"][key]))
            after = _lines(_value_text(key, data["fields"][key]))
        lines = [
            (d[0], d[2:]) for d in difflib.ndiff(before, after) if d[0] in "-+ " and d[:2] != "? "
        ]
        out.append({"key": key, "label": field_label(key), "lines": lines})
    return out


def _json(value):
    return str(value) if isinstance(value, TimeLimit) else value


def _snapshot(guide: Guide, keys) -> dict:
    return {
        k: (
            [{f: getattr(r, f) for f in ROW_FIELDS[k]} for r in getattr(guide, k)]
            if k in ROW_MODELS
            else _json(getattr(guide, k))
        )
        for k in keys
    }


def adopt(session: Session, revision: GuideRevision, *, actor, at, publish: bool) -> list[str]:
    """Put the revision's content into its guide (and publish it if asked);
    returns the labels of what changed."""
    guide = revision.guide
    if revision.state != "pending":
        raise RevisionError(f"该修订{revision.state_label}，不能再采用")
    if guide.state == GuideState.PUBLISHED and not publish:
        raise RevisionError("该办事指南已公开：只有审批人可以“采用并公开”，或先下线再采用")
    data = revision.data
    if publish:
        rows = {g: data["rows"].get(g, getattr(guide, g)) for g in ("materials", "steps")}
        if not (rows["materials"] and rows["steps"]):
            raise RevisionError(PUBLISH_NEEDS)
    keys = changed_keys(guide, data)
    before = _snapshot(guide, keys)
    for fname, value in data["fields"].items():
        setattr(guide, fname, value)
    for group, rows in data["rows"].items():
        if group not in keys:
            continue
        model = ROW_MODELS[group]
        # Blank forms and samples stay with the material of the same name.
        files = {m.name: (m.blank_form_id, m.sample_id) for m in guide.materials}
        new_rows = []
        for i, row in enumerate(rows):
            obj = model(sort_order=i, **row)
            if group == "materials" and row["name"] in files:
                obj.blank_form_id, obj.sample_id = files[row["name"]]
            new_rows.append(obj)
        setattr(guide, group, new_rows)
    session.flush()
    revision.state = "applied"
    revision.decided_by_id = actor.id if actor else None
    revision.decided_at = at
    if keys:
        ledger.record(
            session,
            "guide.update",
            actor=actor,
            obj=guide,
            summary=f"采用导入修订：{guide.name}",
            before=before,
            after=_snapshot(guide, keys),
            at=at,
        )
    if publish:
        publish_guide(session, guide, actor=actor, at=at)
    return [field_label(k) for k in keys]


def publish_guide(session: Session, guide: Guide, *, actor, at) -> None:
    if not (guide.materials and guide.steps):
        raise RevisionError(PUBLISH_NEEDS)
    if guide.state == GuideState.PUBLISHED:
        return
    before = {"state": guide.state}
    guide.state = GuideState.PUBLISHED
    guide.published_at, guide.archived_at = at, None
    ledger.record(
        session,
        "guide.publish",
        actor=actor,
        obj=guide,
        summary=guide.name,
        before=before,
        after={"state": GuideState.PUBLISHED, "published_at": at.isoformat()},
        at=at,
    )


def discard(session: Session, revision: GuideRevision, *, actor, at) -> None:
    if revision.state != "pending":
        raise RevisionError(f"该修订{revision.state_label}，不能放弃")
    revision.state = "discarded"
    revision.decided_by_id = actor.id if actor else None
    revision.decided_at = at
    ledger.record(
        session,
        "guide.revision_discard",
        actor=actor,
        obj=revision.guide,
        summary=f"放弃导入修订：{revision.guide.name}",
        after={"revision_id": revision.id},
        at=at,
    )


def publish_many(
    session: Session, guides: list[Guide], revisions: list[GuideRevision], *, actor, at
):
    """Approver's bulk publication after review: drafts go public, revisions are adopted
    and published. Returns (published names, [(name, reason)] skipped); each one
    stands alone, so one incomplete guide does not hold back the rest."""
    done, skipped = [], []
    for revision in revisions:
        try:
            with session.begin_nested():
                adopt(session, revision, actor=actor, at=at, publish=True)
            done.append(revision.guide.name)
        except RevisionError as exc:
            skipped.append((revision.guide.name, str(exc)))
    for guide in guides:
        try:
            with session.begin_nested():
                publish_guide(session, guide, actor=actor, at=at)
            done.append(guide.name)
        except RevisionError as exc:
            skipped.append((guide.name, str(exc)))
    return done, skipped

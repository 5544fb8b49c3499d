"""Upsert by 事项编码 against a real database: the dry run writes nothing, new
guides land as drafts, existing ones get a pending revision with a diff, nothing
is public before an approver publishes it, and an export round-trips."""

from __future__ import annotations

from sqlalchemy import func, select

from content_feed.db import db
from content_feed.models import (
    Attachment,
    Guide,
    GuideImport,
    GuideMaterial,
    GuideRevision,
    LedgerEntry,
)
from guide_import import export, jobs
from guide_import.revisions import RevisionError, adopt, diff, publish_many
from tests.builders import make_guide, staff
from tests.conftest import FIXED_NOW
from tests.guide_import import workbooks as wb

CODE = "62052400MZ-XK-0001"


def counts() -> dict:
    return {
        model.__name__: db.session.scalar(select(func.count()).select_from(model))
        for model in (Guide, GuideMaterial, GuideRevision, LedgerEntry)
    }


def checked(data: bytes, mapping: str = "") -> GuideImport:
    job = GuideImport(filename="t.xlsx", mapping=mapping)
    db.session.add(job)
    db.session.commit()
    jobs.check(db.session, job, data)
    return job


def imported(data: bytes, actor=None) -> GuideImport:
    job = checked(data)
    assert job.state == "checked", job.message
    jobs.write(db.session, job, actor or staff()["approver"])
    return job


def public_names(client) -> list[str]:
    return sorted(g["name"] for g in client.get("/api/v1/guides").get_json()["guides"])


def test_the_dry_run_reports_and_writes_nothing(app, client):
    make_guide(FIXED_NOW, name="旧名称", code=CODE)
    before = counts()
    job = checked(wb.province_a(wb.sample_guides(3)))
    assert job.state == "checked" and counts() == before
    assert job.counts == {"created": 2, "updated": 1, "unchanged": 0, "refused": 0}
    updated = next(r for r in job.report if r["outcome"] == "updated")
    assert updated["code"] == CODE and "事项名称" in updated["changes"]
    assert "申请材料" in updated["changes"]
    assert public_names(client) == ["旧名称"]


def test_new_guides_are_drafts_and_existing_ones_get_a_pending_revision(app, client):
    old = make_guide(FIXED_NOW, name="旧名称", code=CODE)
    job = imported(wb.province_a(wb.sample_guides(3)))
    assert job.state == "done" and job.counts["written"]["created"] == 2
    new = db.session.execute(select(Guide).where(Guide.code != CODE)).scalars().all()
    assert {g.state for g in new} == {"draft"}
    assert len(new[0].materials) == 3 and len(new[0].steps) == 2
    # The published guide is untouched; its revision waits beside it.
    db.session.refresh(old)
    assert old.name == "旧名称" and old.state == "published" and len(old.materials) == 1
    revision = db.session.execute(select(GuideRevision)).scalar_one()
    assert revision.state == "pending" and revision.guide_id == old.id
    assert revision.import_id == job.id
    changes = {d["label"]: d["lines"] for d in diff(old, revision.data)}
    assert changes["事项名称"] == [("-", "旧名称"), ("+", "城乡居民最低生活保障审核确认（第1项）")]
    assert changes["承诺办结时限"] == [("-", "3个工作日"), ("+", "5个工作日")]
    assert ("-", "身份证（原件，1份，必要）") in changes["申请材料"]
    assert ("+", "材料1：户口簿（原件，1份，必要） 申请人自备；须本人签字") in changes["申请材料"]
    # Nothing imported is public.
    assert public_names(client) == ["旧名称"]
    assert client.get(f"/api/v1/guides/{new[0].id}").status_code == 404
    actions = db.session.execute(select(LedgerEntry.action)).scalars().all()
    assert actions.count("guide.import_create") == 2
    assert actions.count("guide.import_revision") == 1 and actions.count("guide.import") == 1


def test_importing_the_same_file_again_changes_nothing(app):
    make_guide(FIXED_NOW, name="旧名称", code=CODE)
    data = wb.province_a(wb.sample_guides(3))
    imported(data)
    again = checked(data)
    # The new drafts match the file; the pending revision already says the same.
    assert again.counts == {"created": 0, "updated": 0, "unchanged": 3, "refused": 0}
    reasons = {r["code"]: r["reason"] for r in again.report}
    assert reasons[CODE] == "已有内容相同的待审修订"


def test_a_second_import_supersedes_the_pending_revision(app):
    make_guide(FIXED_NOW, name="旧名称", code=CODE)
    guides = wb.sample_guides(1)
    imported(wb.province_a(guides))
    guides[0]["name"] = "第二次导入的名称"
    imported(wb.province_a(guides))
    states = db.session.execute(select(GuideRevision.state).order_by(GuideRevision.id))
    assert states.scalars().all() == ["superseded", "pending"]


def test_a_published_guide_changes_only_when_an_approver_adopts_and_publishes(app, client):
    people = staff()
    old = make_guide(FIXED_NOW, name="旧名称", code=CODE)
    imported(wb.province_a(wb.sample_guides(1)))
    revision = db.session.execute(select(GuideRevision)).scalar_one()
    try:
        adopt(db.session, revision, actor=people["drafter"], at=FIXED_NOW, publish=False)
        raise AssertionError("adopted into a published guide without publishing")
    except RevisionError as exc:
        assert "已公开" in str(exc)
    db.session.rollback()
    assert public_names(client) == ["旧名称"]
    changed = adopt(db.session, revision, actor=people["approver"], at=FIXED_NOW, publish=True)
    db.session.commit()
    assert "事项名称" in changed and revision.state == "applied"
    assert public_names(client) == ["城乡居民最低生活保障审核确认（第1项）"]
    db.session.refresh(old)
    assert [m.name for m in old.materials] == [
        "材料1：户口簿",
        "材料2：收入证明",
        "材料3：收入证明",
    ]
    update = db.session.execute(
        select(LedgerEntry).where(LedgerEntry.action == "guide.update")
    ).scalar_one()
    assert update.before["name"] == "旧名称" and update.actor_name == "approver"


def test_adopting_keeps_the_blank_form_of_a_material_of_the_same_name(app):
    people = staff()
    guides = wb.sample_guides(1)
    imported(wb.province_a(guides))
    guide = db.session.execute(select(Guide)).scalar_one()
    form = Attachment(filename="户口簿样表.pdf", content_type="application/pdf", guide_id=guide.id)
    form.stored_name, form.size, form.sha256 = "x.pdf", 1, "0" * 64
    db.session.add(form)
    db.session.flush()
    guide.materials[0].blank_form_id = form.id
    db.session.commit()
    guides[0]["materials"][0] = ("材料1：户口簿", "原件", 2, "必要", "申请人自备", "须本人签字")
    imported(wb.province_a(guides))
    revision = db.session.execute(select(GuideRevision)).scalar_one()
    adopt(db.session, revision, actor=people["drafter"], at=FIXED_NOW, publish=False)
    db.session.commit()
    db.session.refresh(guide)
    assert guide.materials[0].copies == 2 and guide.materials[0].blank_form_id == form.id
    assert guide.state == "draft"


def test_publishing_many_at_once_skips_the_incomplete(app, client):
    people = staff()
    guides = wb.sample_guides(3)
    guides[2]["steps"] = []  # cannot be published without a step
    job = imported(wb.province_a(guides))
    drafts = db.session.execute(select(Guide).order_by(Guide.id)).scalars().all()
    assert public_names(client) == []
    done, skipped = publish_many(db.session, drafts, [], actor=people["approver"], at=FIXED_NOW)
    db.session.commit()
    assert len(done) == 2 and skipped == [
        (drafts[2].name, "公开前须至少填写一项申请材料和一个办理步骤")
    ]
    assert len(public_names(client)) == 2
    assert job.counts["written"]["created_ids"] == [g.id for g in drafts]


def test_an_export_reimports_unchanged_as_xlsx_and_as_csv(app):
    imported(wb.province_a(wb.sample_guides(4)))
    guides = db.session.execute(select(Guide).order_by(Guide.id)).scalars().all()
    for data in (export.xlsx_bytes(guides), export.csv_export_bytes(guides)):
        job = checked(data)
        assert job.state == "checked", job.message
        assert job.counts == {"created": 0, "updated": 0, "unchanged": 4, "refused": 0}, [
            r for r in job.report if r["outcome"] != "unchanged"
        ]
    # And into an empty database the export makes the same guides again.
    first = {g.code: (g.name, str(g.promised), len(g.materials), len(g.fees)) for g in guides}
    data = export.csv_export_bytes(guides)
    for g in guides:
        db.session.delete(g)
    db.session.commit()
    imported(data)
    again = db.session.execute(select(Guide)).scalars().all()
    assert {
        g.code: (g.name, str(g.promised), len(g.materials), len(g.fees)) for g in again
    } == first


def test_a_refused_file_writes_nothing_but_the_failed_job(app):
    before = counts()
    job = checked(wb.zip_bomb(256))
    assert job.state == "failed" and "压缩炸弹" in job.message
    assert job.report is None and counts() == before


def test_exports_never_carry_a_formula_and_still_round_trip(app):
    import io

    from openpyxl import load_workbook

    make_guide(FIXED_NOW, name='=HYPERLINK("http://x.test","点我")', code="F-1")
    guides = db.session.execute(select(Guide)).scalars().all()
    book = load_workbook(io.BytesIO(export.xlsx_bytes(guides)))
    cell = book["实施清单"]["B2"]
    assert cell.value == '=HYPERLINK("http://x.test","点我")' and cell.data_type == "s"
    text = export.csv_export_bytes(guides).decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    for data in (export.xlsx_bytes(guides), export.csv_export_bytes(guides)):
        assert checked(data).counts["unchanged"] == 1

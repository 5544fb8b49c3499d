"""The console's import pages over HTTP: roles, the background check and import
with progress, the report as CSV, bad files, revisions on the guide page, bulk
publication and export."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import func, select

from content_feed.db import db
from content_feed.models import Guide, GuideImport, GuideRevision
from tests.builders import make_guide
from tests.conftest import FIXED_NOW, reconfigure
from tests.guide_import import workbooks as wb
from tests.guide_import.conftest import wait_for

CODE = "62052400MZ-XK-0001"


def upload(client, data: bytes, name: str = "实施清单.xlsx", **form):
    body = {"file": (io.BytesIO(data), name), "mapping": "", "hall_id": "0", **form}
    return client.post("/admin/guides/imports", data=body, content_type="multipart/form-data")


def job_id(response) -> int:
    assert response.status_code == 302, response.data[:300]
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def checked_job(client, data: bytes, **form) -> GuideImport:
    return wait_for(job_id(upload(client, data, **form)), "checked", "failed")


def guide_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Guide))


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/admin/guides/imports"),
        ("post", "/admin/guides/imports"),
        ("get", "/admin/guides/imports/1"),
        ("get", "/admin/guides/imports/1/progress.json"),
        ("get", "/admin/guides/imports/1/report.csv"),
        ("post", "/admin/guides/imports/1/write"),
        ("post", "/admin/guides/imports/1/publish"),
    ],
)
def test_imports_need_an_approver(as_role, client, method, path):
    anonymous = getattr(client, method)(path)
    assert anonymous.status_code == 302 and "/admin/login" in anonymous.headers["Location"]
    for role in ("drafter", "reviewer", "operator", "handler"):
        assert getattr(as_role(role), method)(path).status_code == 403, role


def test_export_needs_a_drafter_or_approver(as_role, client):
    assert client.get("/admin/guides/export.xlsx").status_code == 302
    assert as_role("handler").get("/admin/guides/export.xlsx").status_code == 403
    assert as_role("drafter").get("/admin/guides/export.csv").status_code == 200
    assert as_role("drafter").get("/admin/guides/export.pdf").status_code == 404


def test_upload_check_report_import_and_progress(as_role, app):
    make_guide(FIXED_NOW, name="旧名称", code=CODE)
    approver = as_role("approver")
    job = checked_job(approver, wb.province_a(wb.sample_guides(3)))
    assert job.state == "checked" and guide_count() == 1
    page = approver.get(f"/admin/guides/imports/{job.id}").get_data(as_text=True)
    assert "新建（草稿）：<strong>2</strong>" in page and "确认导入" in page
    assert "改动：事项名称" in page
    progress = approver.get(f"/admin/guides/imports/{job.id}/progress.json").get_json()
    assert progress == {
        "state": "checked",
        "label": "已检查，待确认",
        "done": 3,
        "total": 3,
        "percent": 100,
        "message": "",
    }
    report = approver.get(f"/admin/guides/imports/{job.id}/report.csv")
    assert report.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(report.data.decode("utf-8-sig"))))
    assert rows[0] == ["工作表", "行号", "事项编码", "事项名称", "结果", "列", "原因", "变更内容"]
    assert [r[4] for r in rows[1:]] == ["更新（待审修订）", "新建（草稿）", "新建（草稿）"]

    response = approver.post(f"/admin/guides/imports/{job.id}/write")
    assert response.status_code == 302
    job = wait_for(job.id, "done", "failed")
    assert job.state == "done" and guide_count() == 3
    # A second click does not import twice.
    approver.post(f"/admin/guides/imports/{job.id}/write")
    assert guide_count() == 3
    page = approver.get(f"/admin/guides/imports/{job.id}").get_data(as_text=True)
    assert "审核后批量公开" in page and "全部公开（3 项）" in page


def test_a_running_import_shows_a_progress_bar_that_refreshes(as_role, app):
    approver = as_role("approver")
    job = GuideImport(
        filename="big.xlsx", state="importing", progress_done=250, progress_total=1000
    )
    db.session.add(job)
    db.session.commit()
    page = approver.get(f"/admin/guides/imports/{job.id}").get_data(as_text=True)
    assert '<progress max="100" value="25"' in page
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in page
    assert 'data-progress-url="/admin/guides/imports/' in page
    assert "250 / 1000（25%）" in page


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (wb.PNG_BYTES, "guides.xlsx", "这是PNG 图片，不是电子表格"),
        (wb.many_rows_csv(100_000), "big.csv", "超过 50,000 行"),
        (wb.province_a(wb.sample_guides(2), drop="实施编码"), "a.xlsx", "缺少关键列“事项编码”"),
    ],
    # Named, not the bytes: a workbook's bytes carry the time it was written, and
    # xdist refuses workers whose collected ids differ.
    ids=["png", "too-many-rows", "missing-column"],
)
def test_bad_files_get_a_clear_message_and_write_nothing(as_role, app, data, name, message):
    approver = as_role("approver")
    before = guide_count()
    job = checked_job(approver, data, name=name)
    assert job.state == "failed" and message in job.message
    page = approver.get(f"/admin/guides/imports/{job.id}").get_data(as_text=True)
    assert message in page and "未写入任何内容" in page
    assert guide_count() == before
    assert approver.post(f"/admin/guides/imports/{job.id}/write").status_code == 302
    assert guide_count() == before


def test_form_mistakes_never_give_a_500(as_role, app):
    approver = as_role("approver")
    no_file = approver.post("/admin/guides/imports", data={"mapping": "", "hall_id": "0"})
    assert no_file.status_code == 302
    assert "请选择文件" in approver.get("/admin/guides/imports").get_data(as_text=True)
    bad_choice = upload(approver, b"a,b\n", mapping="../../etc/passwd", hall_id="x")
    assert bad_choice.status_code == 302
    assert approver.get("/admin/guides/imports/999999").status_code == 404
    assert approver.get("/admin/guides/imports/99999999999").status_code == 404
    assert approver.get("/admin/guides/imports?page=abc").status_code == 200
    job = GuideImport(filename="x.csv", state="failed", message="x")
    db.session.add(job)
    db.session.commit()
    assert approver.get(f"/admin/guides/imports/{job.id}?outcome=nonsense").status_code == 200
    assert approver.get(f"/admin/guides/imports/{job.id}/report.csv").status_code == 404
    publish = approver.post(f"/admin/guides/imports/{job.id}/publish", data={"guide": ["x"]})
    assert publish.status_code == 302


def test_the_revision_diff_on_the_guide_page_and_who_may_adopt_it(as_role, app, client):
    guide = make_guide(FIXED_NOW, name="旧名称", code=CODE)
    approver, drafter = as_role("approver"), as_role("drafter")
    job = checked_job(approver, wb.province_a(wb.sample_guides(1)))
    approver.post(f"/admin/guides/imports/{job.id}/write")
    wait_for(job.id, "done")
    revision = db.session.execute(select(GuideRevision)).scalar_one()
    page = drafter.get(f"/admin/guides/{guide.id}").get_data(as_text=True)
    assert "导入的修订（待审）" in page
    assert '<span class="del">- 旧名称</span>' in page
    assert '<span class="ins">+ 城乡居民最低生活保障审核确认（第1项）</span>' in page
    assert "采用并公开" not in page  # a drafter cannot publish
    assert "有待审修订" in drafter.get("/admin/guides").get_data(as_text=True)
    adopt = f"/admin/guides/{guide.id}/revisions/{revision.id}/adopt"
    drafter.post(adopt, data={"publish": "1"})
    drafter.post(adopt)  # a published guide is locked for drafts
    db.session.expire_all()
    assert revision.state == "pending" and guide.name == "旧名称"
    assert client.get(f"/api/v1/guides/{guide.id}").get_json()["name"] == "旧名称"
    assert approver.post(adopt, data={"publish": "1"}).status_code == 302
    db.session.expire_all()
    assert revision.state == "applied" and guide.state == "published"
    assert client.get(f"/api/v1/guides/{guide.id}").get_json()["name"].startswith("城乡居民")
    again = approver.post(adopt, data={"publish": "1"})
    assert again.status_code == 302  # already applied: a message, not an error
    assert approver.post(f"/admin/guides/{guide.id}/revisions/999/adopt").status_code == 404


def test_discarding_a_revision_leaves_the_guide(as_role, app):
    guide = make_guide(FIXED_NOW, name="旧名称", code=CODE)
    approver = as_role("approver")
    job = checked_job(approver, wb.province_a(wb.sample_guides(1)))
    approver.post(f"/admin/guides/imports/{job.id}/write")
    wait_for(job.id, "done")
    revision = db.session.execute(select(GuideRevision)).scalar_one()
    as_role("drafter").post(f"/admin/guides/{guide.id}/revisions/{revision.id}/discard")
    db.session.expire_all()
    assert revision.state == "discarded" and guide.name == "旧名称"
    assert "导入的修订" not in approver.get(f"/admin/guides/{guide.id}").get_data(as_text=True)


def test_bulk_publish_the_ticked_or_all(as_role, app, client):
    approver = as_role("approver")
    job = checked_job(approver, wb.province_b(wb.sample_guides(3)))
    approver.post(f"/admin/guides/imports/{job.id}/write")
    wait_for(job.id, "done")
    ids = db.session.execute(select(Guide.id).order_by(Guide.id)).scalars().all()
    assert client.get("/api/v1/guides").get_json()["guides"] == []
    approver.post(f"/admin/guides/imports/{job.id}/publish", data={"guide": [str(ids[0])]})
    assert len(client.get("/api/v1/guides").get_json()["guides"]) == 1
    approver.post(f"/admin/guides/imports/{job.id}/publish", data={"scope": "all"})
    assert len(client.get("/api/v1/guides").get_json()["guides"]) == 3


def test_export_downloads_reimport_unchanged(as_role, app):
    approver = as_role("approver")
    job = checked_job(approver, wb.province_a(wb.sample_guides(2)))
    approver.post(f"/admin/guides/imports/{job.id}/write")
    wait_for(job.id, "done")
    for fmt in ("xlsx", "csv"):
        response = approver.get(f"/admin/guides/export.{fmt}")
        assert (
            response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
        )
        again = checked_job(approver, response.data, name=f"export.{fmt}")
        assert again.counts == {"created": 0, "updated": 0, "unchanged": 2, "refused": 0}


def test_a_mapping_from_the_instance_folder(as_role, app, tmp_path):
    folder = tmp_path / "mappings"
    folder.mkdir()
    (folder / "某省.toml").write_text(wb.PROVINCE_C_MAPPING, encoding="utf-8")
    reconfigure(app, guide_import={"mapping_folder": str(folder)})
    approver = as_role("approver")
    page = approver.get("/admin/guides/imports").get_data(as_text=True)
    assert '<option value="某省">某省</option>' in page
    job = checked_job(approver, wb.province_c(), mapping="某省")
    assert job.state == "checked" and job.counts["created"] == 1
    xlsx = approver.get("/admin/guides/export.xlsx?mapping=某省")
    assert xlsx.status_code == 200
    missing = approver.get("/admin/guides/export.xlsx?mapping=nowhere")
    assert missing.status_code == 302
    # A path is taken from the command line only, never from a request.
    outside = tmp_path / "outside.toml"
    outside.write_text(wb.PROVINCE_C_MAPPING, encoding="utf-8")
    assert approver.get(f"/admin/guides/export.xlsx?mapping={outside}").status_code == 302


def test_an_unexpected_error_on_the_worker_fails_the_job_and_writes_nothing(
    as_role, app, monkeypatch
):
    from guide_import import jobs

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(jobs, "parse_tables", broken)
    approver = as_role("approver")
    job = checked_job(approver, wb.province_a(wb.sample_guides(2)))
    assert job.state == "failed" and "未写入任何内容" in job.message
    assert guide_count() == 0
    assert approver.get(f"/admin/guides/imports/{job.id}").status_code == 200


def test_a_job_cut_off_by_a_restart_says_so(as_role, app):
    from datetime import UTC, datetime, timedelta

    job = GuideImport(filename="x.xlsx", state="importing")
    db.session.add(job)
    db.session.commit()
    db.session.execute(
        GuideImport.__table__.update().values(updated_at=datetime.now(UTC) - timedelta(hours=1))
    )
    db.session.commit()
    page = as_role("approver").get("/admin/guides/imports").get_data(as_text=True)
    assert "导入被中断（服务器可能已重启），请重新上传文件" in page
    db.session.expire_all()
    assert db.session.get(GuideImport, job.id).state == "failed"

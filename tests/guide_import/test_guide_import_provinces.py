"""Two provinces' lists as they are written (tests/guide_import/provinces.py): every
time-limit unit imported in the list's words, materials and steps listed in one
numbered cell split into rows with their 如有 / 容缺后补 marks, columns and sheets
not understood named in the dry run, a missing limit imported as 未填写 (never
当场办结), and the export giving back the same words."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from content_feed.db import db
from content_feed.models import Guide
from guide_import import export, jobs
from guide_import.mapping import Mapping
from guide_import.parse import parse_tables
from guide_import.reader import Limits, read_tables
from guide_import.upsert import REPORT_HEADER, report_cells
from tests.guide_import import provinces
from tests.guide_import.test_guide_import_upsert import checked


def imported(data: bytes) -> None:
    # No actor: signing staff in would hash passwords, the slowest part of a test.
    job = checked(data)
    assert job.state == "checked", job.message
    jobs.write(db.session, job, None, actor_name="测试")


def parsed(data: bytes):
    kind, tables = read_tables(data, Limits())
    return kind, parse_tables(tables, Mapping())


@pytest.fixture(scope="module")
def province_d():
    return parsed(provinces.province_d())


@pytest.fixture(scope="module")
def province_e():
    return parsed(provinces.province_e_csv())


def records(result) -> dict:
    return {r.code: r for r in result[1].records}


def limits(result) -> dict:
    return {
        code: (r.fields.get("statutory"), r.fields.get("promised"))
        for code, r in records(result).items()
    }


def test_province_d_every_unit_in_a_number_and_a_unit_column(province_d):
    kind, result = province_d
    assert kind == "xlsx" and result.layout == "child_sheets"
    assert all(r.refusal is None for r in result.records) and not result.stray
    assert limits(province_d) == {
        "620524-XK-0101": ("20个工作日", "3个工作日"),
        "620524-XK-0102": ("20个工作日", "30个自然日"),
        "620524-QR-0103": ("无", "2小时"),
        "620524-GG-0104": ("即办", "当场办结"),
        "620524-QT-0105": ("不适用", "未填写"),  # an empty cell: not 当场办结
    }
    assert records(province_d)["620524-QT-0105"].notes == ["承诺办结时限未填写"]


def test_province_d_materials_in_one_numbered_line_become_materials(province_d):
    company = records(province_d)["620524-XK-0101"]
    materials = company.rows["materials"]
    assert [m["name"] for m in materials] == [
        "公司登记（备案）申请书",
        "公司章程",
        "股东、法定代表人身份证件",
        "住所使用证明",
        "前置审批文件",
    ]
    assert [(m["form"], m["copies"]) for m in materials[:3]] == [
        ("original", 1),
        ("original", 1),
        ("copy", 2),
    ]
    assert [m["necessity"] for m in materials] == ["required"] * 4 + ["optional"]  # 如有
    assert [m["deferrable"] for m in materials] == [False, False, False, True, False]
    assert all(m["source"] == "申请人自备" for m in materials)
    assert company.rows["steps"] == [
        {"title": "申请", "description": "网上或窗口提交"},
        {"title": "受理", "description": "材料齐全当场受理"},
        {"title": "决定", "description": "核准登记"},
        {"title": "送达", "description": ""},
    ]
    # The 事项编码 merged over three material rows gives the guide three materials.
    food = records(province_d)["620524-XK-0102"].rows["materials"]
    assert [(m["name"], m["necessity"], m["deferrable"]) for m in food] == [
        ("食品经营许可申请书", "required", False),
        ("营业执照", "required", True),  # 必要（容缺后补）
        ("健康证明", "optional", False),
    ]


def test_province_d_columns_and_sheets_not_understood_are_warned(province_d):
    warnings = province_d[1].warnings
    assert [(w["sheet"], w["column"]) for w in warnings] == [
        ("实施清单", "办件类型"),
        ("填表说明", ""),
    ]  # 序号 is no warning: it carries nothing
    assert warnings[0]["message"] == "未识别的列“办件类型”，其内容未导入"


def test_province_e_gb18030_csv_limits_written_out(province_e):
    kind, result = province_e
    assert kind == "csv" and result.layout == "repeated_rows"
    assert all(r.refusal is None for r in result.records)
    assert limits(province_e) == {
        "330100-XK-0201": ("20个工作日", "10个工作日"),
        "330100-XK-0202": ("30个自然日", "5个工作日"),
        "330100-GG-0203": ("即办", "2小时"),
        "330100-QT-0204": ("无", "当场办结"),
        "330100-QT-0205": ("不适用", "未填写"),
    }


def test_province_e_one_material_per_line_with_marks(province_e):
    by_code = records(province_e)
    counts = {code: len(r.rows["materials"]) for code, r in by_code.items()}
    assert counts == {
        "330100-XK-0201": 4,
        "330100-XK-0202": 2,
        "330100-GG-0203": 1,
        "330100-QT-0204": 2,
        "330100-QT-0205": 0,
    }
    planning = by_code["330100-XK-0201"].rows["materials"]
    assert [(m["name"], m["necessity"], m["deferrable"]) for m in planning] == [
        ("建设工程规划许可申请表", "required", False),
        ("建设用地使用权证明", "required", True),
        ("设计方案总平面图", "required", False),
        ("授权委托书", "optional", False),
    ]
    road = by_code["330100-XK-0202"].rows["materials"]
    assert road[1]["name"] == "施工方案" and road[1]["deferrable"] is True  # 可容缺
    assert [s["title"] for s in by_code["330100-XK-0201"].rows["steps"]] == [
        "申请",
        "受理",
        "审查",
        "决定",
    ]
    assert by_code["330100-XK-0202"].rows["steps"][1] == {
        "title": "决定",
        "description": "出具许可决定书",
    }


def test_province_e_the_vague_limit_column_is_warned_with_what_to_do(province_e):
    (warning,) = province_e[1].warnings
    assert warning["column"] == "办理时限" and "法定还是承诺" in warning["message"]


def test_a_file_with_only_a_vague_limit_imports_as_unfilled_and_says_so(app):
    """Issue 25, journey 4: 办理时限 once became 承诺办结时限 0, 当场办结, silently."""
    job = checked(provinces.only_a_vague_limit())
    assert job.state == "checked" and job.counts["created"] == 1
    messages = [w["message"] for w in job.warnings]
    assert any("未识别的列“办理时限”" in m for m in messages)
    assert any("没有“法定办结时限”列" in m for m in messages)
    assert any("没有“承诺办结时限”列" in m for m in messages)
    cells = list(report_cells(job.report, job.warnings))
    assert len(cells[0]) == len(REPORT_HEADER) and cells[0][4] == "提示"
    jobs.write(db.session, job, None, actor_name="测试")
    guide = db.session.execute(select(Guide).where(Guide.code == "330100-XK-0301")).scalar_one()
    assert guide.promised.unit == "unfilled" and guide.statutory.unit == "unfilled"
    assert guide.promised_limit == ""  # nothing promised on a public page


def test_both_layouts_import_and_export_in_the_list_s_words(app):
    imported(provinces.province_d())
    imported(provinces.province_e_csv())
    guides = db.session.execute(select(Guide).order_by(Guide.id)).scalars().all()
    assert len(guides) == 10
    by_code = {g.code: g for g in guides}
    road = by_code["330100-XK-0202"]
    assert road.statutory.unit == "calendar_days" and road.statutory.working_days is None
    assert [m.deferrable for m in road.materials] == [False, True]
    assert len(by_code["620524-XK-0101"].materials) == 5
    for data in (export.xlsx_bytes(guides), export.csv_export_bytes(guides)):
        _kind, again = parsed(data)
        words = {r.code: (r.fields["statutory"], r.fields["promised"]) for r in again.records}
        assert words == {g.code: (str(g.statutory), str(g.promised)) for g in guides}
        job = checked(data)
        assert job.counts["unchanged"] == 10, [r for r in job.report if r["outcome"] != "unchanged"]

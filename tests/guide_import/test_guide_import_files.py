"""Reading and parsing: two provinces' layouts, cell cleaning, refusals with their
column and reason, and broken files refused as a whole."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from guide_import import ImportRefused, cleaning
from guide_import.mapping import Mapping, parse_mapping
from guide_import.parse import parse_tables
from guide_import.reader import Limits, read_tables
from tests.guide_import import workbooks as wb


def parse(data: bytes, mapping: Mapping | None = None, limits: Limits | None = None):
    kind, tables = read_tables(data, limits or Limits())
    return kind, parse_tables(tables, mapping or Mapping())


def by_code(parsed):
    return {r.code: r for r in parsed.records}


def test_cells_are_cleaned_of_html_entities_lines_and_joined_with_units():
    assert cleaning.text("<p>申请人须为&nbsp;本县居民；</p><p>年满 18 周岁&lt;含&gt;</p>") == (
        "申请人须为 本县居民；\n年满 18 周岁<含>"
    )
    assert cleaning.text("第一行\r\n\r\n   第二行  ") == "第一行\n第二行"
    assert cleaning.line("0931-\n8123456") == "0931- 8123456"
    assert cleaning.time_limit(5, "工作日") == "5个工作日"
    assert cleaning.time_limit("5个工作日") == "5个工作日"
    assert cleaning.time_limit(5.0) == "5个工作日"
    assert cleaning.time_limit("即办") == "即办" and cleaning.time_limit(0, "工作日") == "当场办结"
    assert cleaning.time_limit("", "") is None
    assert cleaning.time_limit(30, "自然日") == "30个自然日"
    with pytest.raises(cleaning.FieldError, match="整数"):
        cleaning.time_limit("2.5个工作日")
    assert cleaning.yes_no("是") is True and cleaning.yes_no("否") is False
    with pytest.raises(cleaning.FieldError, match="是"):
        cleaning.yes_no("也许")
    assert cleaning.is_free("不收费") is True and cleaning.is_free("否") is True
    assert cleaning.is_free("是") is False and cleaning.is_free("按每证10元收费") is False
    assert cleaning.count("2份", 0, 99) == 2 and cleaning.count("一次", 0, 20) == 1
    assert cleaning.material_form("原件和复印件") == "original"
    assert cleaning.material_form("电子证照") == "electronic"
    assert cleaning.necessity("容缺后补") == "required" and cleaning.deferred("容缺后补")
    assert cleaning.necessity("非必要") == "optional"
    # The apostrophe our own CSV exports put before a formula-like cell comes off.
    assert cleaning.text("'+86 0931") == "+86 0931"
    with pytest.raises(cleaning.FieldError, match="丢失位数"):
        cleaning.item_code(1.1440300007542217e19)


def test_province_a_child_sheets_with_a_title_row_units_and_html():
    kind, parsed = parse(wb.province_a(wb.sample_guides(3)))
    assert kind == "xlsx" and parsed.layout == "child_sheets"
    assert parsed.groups == ["materials", "steps", "fees", "faqs"]
    first = by_code(parsed)["62052400MZ-XK-0001"]
    assert first.refusal is None and first.row == 3  # row 1 is the merged title
    assert first.fields["conditions"] == "申请人须为本县户籍居民；\n家庭人均收入低于 当地低保标准"
    assert first.fields["promised"] == "5个工作日" and first.fields["statutory"] == "20个工作日"
    assert first.fields["is_free"] is True and first.fields["online"] is False
    assert [m["name"] for m in first.rows["materials"]] == [
        "材料1：户口簿",
        "材料2：收入证明",
        "材料3：收入证明",
    ]
    assert first.rows["materials"][1] == {
        "name": "材料2：收入证明",
        "form": "copy",
        "copies": 2,
        "necessity": "required",
        "source": "申请人自备",
        "notes": "",
        "deferrable": False,
    }
    assert first.rows["materials"][2]["necessity"] == "required"
    assert first.rows["materials"][2]["deferrable"] is True  # 容缺
    assert first.rows["faqs"] == [
        {"question": "多久能办好？", "answer": "材料齐全的，5 个工作日内办结。"}
    ]
    second = by_code(parsed)["62052400MZ-XK-0002"]
    assert second.fields["is_free"] is False and second.fields["online_url"].startswith("https://")
    assert second.rows["fees"] == [
        {"name": "工本费", "standard": "每证 10 元", "basis": "省物价局文件"}
    ]
    assert by_code(parsed)["62052400MZ-XK-0003"].fields["promised"] == "当场办结"


def test_province_b_repeated_rows_with_merged_cells_xlsx_and_gbk_csv():
    guides = wb.sample_guides(3, materials=4, steps=2)
    _kind, from_xlsx = parse(wb.province_b(guides))
    kind, from_csv = parse(wb.province_b_csv(guides, "gbk"))
    assert kind == "csv"
    for parsed in (from_xlsx, from_csv):
        assert parsed.layout == "repeated_rows" and parsed.groups == ["materials", "steps"]
        records = by_code(parsed)
        assert len(records) == 3 and all(r.refusal is None for r in records.values())
        first = records["62052400MZ-XK-0001"]
        assert first.fields["implementing_body"] == "县民政局"
        assert first.fields["promised"] == "5个工作日" and first.fields["is_free"] is True
        assert len(first.rows["materials"]) == 4 and len(first.rows["steps"]) == 2
        assert records["62052400MZ-XK-0003"].fields["promised"] == "即办"
    assert [r.fields for r in from_xlsx.records] == [r.fields for r in from_csv.records]
    assert [r.rows for r in from_xlsx.records] == [r.rows for r in from_csv.records]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_in_every_encoding_excel_writes(encoding):
    _kind, parsed = parse(wb.province_b_csv(wb.sample_guides(2), encoding))
    assert [r.name for r in parsed.records] == [
        "城乡居民最低生活保障审核确认（第1项）",
        "城乡居民最低生活保障审核确认（第2项）",
    ]


def test_a_province_mapping_file_names_its_own_columns_and_sheets():
    with pytest.raises(ImportRefused, match="事项编码"):
        parse(wb.province_c())
    mapping = parse_mapping("某省", wb.PROVINCE_C_MAPPING)
    _kind, parsed = parse(wb.province_c(), mapping)
    record = parsed.records[0]
    assert record.code == "330100-XK-0009" and record.fields["promised"] == "3个工作日"
    assert record.rows["materials"][0]["name"] == "设置申请表"
    assert record.rows["materials"][0]["copies"] == 2


def test_mapping_file_mistakes_are_named():
    with pytest.raises(ImportRefused, match="未知字段 columns.guide.colour"):
        parse_mapping("x", '[columns.guide]\ncolour = ["颜色"]')
    with pytest.raises(ImportRefused, match="不是有效的 TOML"):
        parse_mapping("x", "[columns")
    with pytest.raises(ImportRefused, match="未知的工作表类别"):
        parse_mapping("x", '[sheets]\nphotos = ["照片"]')
    with pytest.raises(ImportRefused, match="不是有效的工作表名"):
        parse_mapping("x", '[sheets]\nmaterials = ["材料/附件"]')


def _book(rows: list[list], extra: dict[str, list[list]] | None = None) -> bytes:
    book = Workbook()
    ws = book.active
    ws.title = "实施清单"
    for r in rows:
        ws.append(r)
    for title, sheet_rows in (extra or {}).items():
        sheet = book.create_sheet(title)
        for r in sheet_rows:
            sheet.append(r)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_bad_rows_are_refused_with_their_column_and_reason():
    header = ["事项编码", "事项名称", "承诺办结时限", "是否网办", "网办地址"]
    data = _book(
        [
            header,
            ["A-1", "好的事项", "3个工作日", "是", "https://x.example/1"],
            ["A-2", "时限错", "30", "否", ""],
            ["", "没有编码", "1", "否", ""],
            ["A 3 中文", "编码错", "1", "否", ""],
            ["A-4", "", "1", "否", ""],
            ["A-5", "网办错", "1", "也许", ""],
            ["A-6", "地址错", "1", "是", "zwfw.example"],
            ["A-1", "好的事项（另一个名字）", "3个工作日", "是", "https://x.example/1"],
        ],
        {
            "申请材料": [
                ["事项编码", "材料名称", "份数"],
                ["A-1", "身份证", "1"],
                ["A-9", "孤儿材料", "1"],
            ]
        },
    )
    # 30 with the unit column 天 is refused (working or natural?); the rest as noted.
    data_units = _book(
        [
            ["事项编码", "事项名称", "承诺办结时限", "承诺办结时限单位"],
            ["B-1", "以天计的事项", 30, "天"],
        ]
    )
    _kind, parsed = parse(data)
    records = by_code(parsed)
    assert records["A-2"].refusal is None and records["A-2"].fields["promised"] == "30个工作日"
    refused = {r.code: r.refusal for r in parsed.records if r.refusal}
    assert refused["A-4"].column == "事项名称" and refused["A-4"].reason == "事项名称为空"
    assert refused["A-5"].column == "是否网办" and "“是”或“否”" in refused["A-5"].reason
    assert records["A-5"].name == "网办错"  # a refused row still carries its name
    assert refused["A-6"].column == "网办地址" and "http://" in refused["A-6"].reason
    assert refused["A-1"].column == "事项名称" and "不一致" in refused["A-1"].reason
    stray = {(s.sheet, s.row): s for s in parsed.stray}
    assert (
        stray[("实施清单", 4)].reason == "事项编码为空"
        and stray[("实施清单", 4)].name == "没有编码"
    )
    assert "只能由字母、数字" in stray[("实施清单", 5)].reason
    assert stray[("申请材料", 3)].reason == "事项编码“A-9”不在“实施清单”中"
    _kind, parsed = parse(data_units)
    assert parsed.records[0].refusal.column == "承诺办结时限"
    assert "不明确" in parsed.records[0].refusal.reason


def test_a_bad_material_refuses_its_guide_naming_the_sheet_row_and_column():
    data = _book(
        [["事项编码", "事项名称"], ["A-1", "事项一"], ["A-2", "事项二"]],
        {
            "申请材料": [
                ["事项编码", "材料名称", "份数"],
                ["A-1", "身份证", "很多"],
                ["A-2", "户口簿", "1"],
            ]
        },
    )
    _kind, parsed = parse(data)
    refusal = by_code(parsed)["A-1"].refusal
    assert refusal.sheet == "申请材料" and refusal.row == 2 and refusal.column == "份数"
    assert refusal.reason.startswith("申请材料第 2 行：须为整数")
    assert by_code(parsed)["A-2"].refusal is None


def test_a_bad_material_in_repeated_rows_names_the_file_s_column():
    data = _book(
        [
            ["事项编码", "事项名称", "材料名称", "材料份数", "材料形式"],
            ["A-1", "事项一", "身份证", "1", "原件"],
            ["A-1", "事项一", "户口簿", "一沓", "原件"],
            ["A-2", "事项二", "", "", "复印件"],
        ]
    )
    _kind, parsed = parse(data)
    first, second = parsed.records
    assert (first.refusal.row, first.refusal.column) == (3, "材料份数")
    assert first.refusal.reason == "须为整数，收到“一沓”"
    assert (second.refusal.column, second.refusal.reason) == ("材料名称", "材料名称为空")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (wb.PNG_BYTES, "PNG 图片，不是电子表格"),
        (b"%PDF-1.7\n...", "PDF 文件"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "旧版 Excel"),
        (b"PK\x03\x04" + b"garbage" * 10, "已损坏"),
        (b"", "文件是空的"),
        (b"\x00\x01\x02binary" * 50, "不是电子表格文件"),
    ],
)
def test_files_that_are_not_spreadsheets_are_refused(data, message):
    with pytest.raises(ImportRefused, match=message):
        read_tables(data, Limits())


def test_a_zip_that_is_not_a_workbook_is_refused():
    out = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(out, "w") as z:
        z.writestr("readme.txt", "hello")
    with pytest.raises(ImportRefused, match="不是 Excel 工作簿"):
        read_tables(out.getvalue(), Limits())


def test_a_zip_bomb_is_refused_before_it_is_unpacked():
    bomb = wb.zip_bomb(256)
    assert len(bomb) < 2 * 1024 * 1024  # 256 MB of zeros in well under 2 MB
    with pytest.raises(ImportRefused, match="疑似压缩炸弹"):
        read_tables(bomb, Limits())


def test_a_small_bomb_is_refused_by_its_ratio():
    with pytest.raises(ImportRefused, match="压缩比异常"):
        read_tables(wb.zip_bomb(8), Limits())


def test_a_hundred_thousand_rows_are_refused():
    with pytest.raises(ImportRefused, match="超过 50,000 行"):
        read_tables(wb.many_rows_csv(100_000), Limits())
    # In a workbook too, counted while streaming.
    with pytest.raises(ImportRefused, match="超过 500 行"):
        read_tables(wb.many_rows_xlsx(600), Limits(max_rows=500))


def test_a_file_over_the_size_limit_is_refused():
    with pytest.raises(ImportRefused, match="超过 1 MB"):
        read_tables(b"a,b\n" * 300_000, Limits(max_file_bytes=1024 * 1024))


def test_a_missing_key_column_refuses_the_file():
    data = wb.province_a(wb.sample_guides(2), drop="实施编码")
    with pytest.raises(ImportRefused, match="缺少关键列“事项编码”") as caught:
        parse(data)
    assert "实施编码" in str(caught.value)  # names the aliases it looked for
    with pytest.raises(ImportRefused, match="缺少关键列“事项名称”"):
        parse(wb.province_a(wb.sample_guides(2), drop="实施清单名称"))
    child_without_code = _book(
        [["事项编码", "事项名称"], ["A-1", "事项一"]], {"申请材料": [["材料名称"], ["身份证"]]}
    )
    with pytest.raises(ImportRefused, match="工作表“申请材料”缺少关键列“事项编码”"):
        parse(child_without_code)


def test_the_shipped_example_mapping_is_valid():
    from pathlib import Path

    from guide_import.mapping import load_mapping

    folder = Path(__file__).resolve().parents[2] / "deploy" / "guide-mappings"
    mapping = load_mapping("example", folder)
    assert mapping.label == "某省政务服务网 实施清单导出"
    assert mapping.guide["code"][:2] == ["业务项编码", "事项编码"]
    assert mapping.sheets["materials"][0] == "所需材料"


def test_a_far_away_cell_or_too_many_cells_cannot_blow_up_memory(monkeypatch):
    from guide_import import reader

    book = Workbook()
    ws = book.active
    ws.title = "实施清单"
    ws.append(["事项编码", "事项名称"])
    ws.append(["A-1", "事项一"])
    ws.cell(row=1, column=16000, value="远处的单元格")
    out = io.BytesIO()
    book.save(out)
    _kind, tables = read_tables(out.getvalue(), Limits())
    assert max(len(r) for r in tables[0].rows) <= reader.MAX_COLUMNS
    assert parse_tables(tables, Mapping()).records[0].name == "事项一"
    monkeypatch.setattr(reader, "MAX_CELLS", 50)
    with pytest.raises(ImportRefused, match="单元格超过 50 个"):
        read_tables(wb.province_a(wb.sample_guides(3)), Limits())


def test_excel_unicode_text_utf16_tab_separated_is_read_too():
    text = "事项编码\t事项名称\t承诺时限\nT-1\t户籍迁移\t即办\n"
    _kind, parsed = parse(text.encode("utf-16"))  # with its BOM, as Excel saves it
    assert parsed.records[0].fields == {"name": "户籍迁移", "promised": "即办"}

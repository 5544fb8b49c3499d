"""Workbooks of two provinces' layouts and broken files, built with openpyxl here.

Province A (child sheets): a title row merged across the top, then 实施编码 /
实施清单名称 …, time limits as a number and a unit column, HTML in the cells,
and materials, steps, fee items and FAQ in sheets of their own.
Province B (repeated rows): one sheet, a guide over several rows with its own
cells merged vertically, one material and one step per row, time limits
written out (5个工作日, 即办).
"""

from __future__ import annotations

import io
import zipfile

from openpyxl import Workbook


def sample_guides(count: int = 3, materials: int = 3, steps: int = 2) -> list[dict]:
    guides = []
    for i in range(count):
        guides.append(
            {
                "code": f"62052400MZ-XK-{i + 1:04d}",
                "name": f"城乡居民最低生活保障审核确认（第{i + 1}项）",
                "kind": "行政确认",
                "body": "县民政局",
                "conditions": "<p>申请人须为本县户籍居民；</p><p>家庭人均收入低于&nbsp;当地低保标准</p>",
                "statutory": 20,
                "promised": 0 if i % 3 == 2 else 5,
                "free": i % 2 == 0,
                "location": "政务服务大厅二楼 12 号窗口",
                "phone": "0931-8123456",
                "online": i % 2 == 1,
                "url": f"https://zwfw.example.gov.cn/item/{i + 1}" if i % 2 == 1 else "",
                "visits": 1,
                "materials": [
                    (
                        f"材料{m + 1}：户口簿" if m == 0 else f"材料{m + 1}：收入证明",
                        "原件" if m % 2 == 0 else "复印件",
                        1 + m % 2,
                        "必要" if m != 2 else "容缺",
                        "申请人自备",
                        "须本人签字" if m == 0 else "",
                    )
                    for m in range(materials)
                ],
                "steps": [(f"环节{s + 1}", f"第{s + 1}步的说明") for s in range(steps)],
                "fees": [] if i % 2 == 0 else [("工本费", "每证 10 元", "省物价局文件")],
                "faqs": [("多久能办好？", "材料齐全的，5 个工作日内办结。")] if i == 0 else [],
            }
        )
    return guides


def _bytes(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


PROVINCE_A_GUIDE = [
    "实施编码", "实施清单名称", "事项类型", "实施主体", "受理条件", "法定办结时限",
    "法定办结时限单位", "承诺办结时限", "承诺办结时限单位", "是否收费", "办理地点",
    "咨询电话", "是否网办", "网办地址", "到现场次数",
]  # fmt: skip


def province_a(guides: list[dict], *, drop: str | None = None) -> bytes:
    """Child sheets; ``drop`` leaves out one column of the main sheet (a broken file)."""
    book = Workbook()
    ws = book.active
    ws.title = "实施清单"
    headers = [h for h in PROVINCE_A_GUIDE if h != drop]
    ws.append(["甘肃省政务服务事项实施清单（导出）"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    ws.append(headers)
    for g in guides:
        values = {
            "实施编码": g["code"],
            "实施清单名称": g["name"],
            "事项类型": g["kind"],
            "实施主体": g["body"],
            "受理条件": g["conditions"],
            "法定办结时限": g["statutory"],
            "法定办结时限单位": "工作日",
            "承诺办结时限": g["promised"],
            "承诺办结时限单位": "工作日",
            "是否收费": "否" if g["free"] else "是",
            "办理地点": g["location"],
            "咨询电话": g["phone"],
            "是否网办": "是" if g["online"] else "否",
            "网办地址": g["url"],
            "到现场次数": g["visits"],
        }
        ws.append([values[h] for h in headers])
    mats = book.create_sheet("申请材料")
    mats.append(["实施编码", "材料名称", "材料形式", "份数", "必要性", "来源渠道", "填报须知"])
    for g in guides:
        for m in g["materials"]:
            mats.append([g["code"], *m])
    steps = book.create_sheet("办理环节")
    steps.append(["实施编码", "环节名称", "环节说明"])
    for g in guides:
        for s in g["steps"]:
            steps.append([g["code"], *s])
    fees = book.create_sheet("收费项目")
    fees.append(["实施编码", "收费项目名称", "收费标准", "收费依据"])
    for g in guides:
        for f in g["fees"]:
            fees.append([g["code"], *f])
    faqs = book.create_sheet("常见问题")
    faqs.append(["实施编码", "问题", "解答"])
    for g in guides:
        for q in g["faqs"]:
            faqs.append([g["code"], *q])
    return _bytes(book)


PROVINCE_B = [
    "事项编码", "事项名称", "实施机构", "法定时限", "承诺时限", "收费", "办理时间",
    "监督投诉电话", "是否网上办理", "材料名称", "材料形式", "材料份数", "材料必要性",
    "办理环节", "办理说明",
]  # fmt: skip


def _b_rows(g: dict) -> list[list]:
    height = max(len(g["materials"]), len(g["steps"]), 1)
    rows = []
    for i in range(height):
        m = g["materials"][i] if i < len(g["materials"]) else None
        s = g["steps"][i] if i < len(g["steps"]) else None
        rows.append(
            [
                g["code"],
                g["name"],
                g["body"],
                f"{g['statutory']}个工作日",
                "即办" if g["promised"] == 0 else f"{g['promised']}个工作日",
                "不收费" if g["free"] else "收费",
                "周一至周五 9:00-17:00",
                "12345",
                "是" if g["online"] else "否",
                *(m[:4] if m else [None] * 4),
                *(s if s else [None, None]),
            ]
        )
    return rows


def province_b(guides: list[dict]) -> bytes:
    """Repeated rows with the guide's cells merged vertically over its rows."""
    book = Workbook()
    ws = book.active
    ws.title = "事项清单"
    ws.append(PROVINCE_B)
    for g in guides:
        rows = _b_rows(g)
        first = ws.max_row + 1
        for r in rows:
            ws.append(r)
        if len(rows) > 1:
            for col in range(1, 10):
                ws.merge_cells(
                    start_row=first, start_column=col, end_row=first + len(rows) - 1, end_column=col
                )
    return _bytes(book)


def province_b_csv(guides: list[dict], encoding: str = "gb18030") -> bytes:
    """The same table saved as CSV by Excel on Chinese Windows: merged cells come
    out blank on the following rows."""
    import csv

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(PROVINCE_B)
    for g in guides:
        for i, r in enumerate(_b_rows(g)):
            writer.writerow(r if i == 0 else [""] * 9 + ["" if v is None else v for v in r[9:]])
    return out.getvalue().encode(encoding)


PROVINCE_A_MAPPING = """
label = "甘肃省政务服务网导出"
[sheets]
steps = ["办理环节"]
"""

PROVINCE_C_MAPPING = """
label = "某省（自定义列名）"
[sheets]
guides = ["目录"]
materials = ["所需材料"]
[columns.guide]
code = ["业务项编码"]
name = ["业务项名称"]
promised_days = ["承诺期限"]
[columns.material]
name = ["所需材料名称"]
"""


def province_c() -> bytes:
    """Column names no alias knows: it needs PROVINCE_C_MAPPING."""
    book = Workbook()
    ws = book.active
    ws.title = "目录"
    ws.append(["业务项编码", "业务项名称", "承诺期限"])
    ws.append(["330100-XK-0009", "户外广告设置许可", "3个工作日"])
    mats = book.create_sheet("所需材料")
    mats.append(["业务项编码", "所需材料名称", "份数"])
    mats.append(["330100-XK-0009", "设置申请表", "2份"])
    return _bytes(book)


def zip_bomb(megabytes: int = 256) -> bytes:
    """A valid-looking .xlsx with one member that unpacks to ``megabytes`` of zeros."""
    base = province_a(sample_guides(1))
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(base)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for item in src.infolist():
            dst.writestr(item, src.read(item))
        with dst.open("xl/worksheets/sheet9.xml", "w") as fh:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(megabytes):
                fh.write(chunk)
    return out.getvalue()


def many_rows_csv(rows: int = 100_000) -> bytes:
    lines = ["事项编码,事项名称"] + [f"X-{i},事项{i}" for i in range(rows)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def many_rows_xlsx(rows: int) -> bytes:
    book = Workbook(write_only=True)
    ws = book.create_sheet("实施清单")
    ws.append(["事项编码", "事项名称"])
    for i in range(rows):
        ws.append([f"X-{i}", f"事项{i}"])
    return _bytes(book)


PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)

"""Two provinces' implementation lists as their platforms export them, built here
from data shaped like GB/T 39046-2020's items (事项编码, 法定/承诺办结时限 and
their units, 办件类型, 申请材料 with 材料必要性 …):

* province D, .xlsx with child sheets: a merged title row, 序号 and 办件类型
  columns, the limit as a number beside a unit column, materials in a sheet of
  their own with the 事项编码 cell merged over a guide's rows, and one guide whose
  materials and steps are each listed in one numbered cell on one line;
* province E, a GB18030 .csv, one row per guide: limits written out, materials
  and steps one per line in one cell (``1、…``), and a 办理时限 column that says
  neither 法定 nor 承诺.

Every unit the lists use appears in both: 工作日, 自然日, 小时, 即办, 当场办结, 无,
不适用 and an empty cell.
"""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook

# (code, name, statutory (number, unit), promised (number, unit), 办件类型)
D_GUIDES = [
    ("620524-XK-0101", "公司设立登记", (20, "工作日"), (3, "工作日"), "承诺件"),
    ("620524-XK-0102", "食品经营许可", (20, "工作日"), (30, "自然日"), "承诺件"),
    ("620524-QR-0103", "残疾人证新办", (None, "无"), (2, "小时"), "承诺件"),
    ("620524-GG-0104", "户籍证明开具", (None, "即办"), (None, "当场办结"), "即办件"),
    ("620524-QT-0105", "政策咨询", (None, "不适用"), (None, None), "即办件"),
]
# The materials of 0101 in one cell on one line, as the lists write them.
D_ONE_LINE = (
    "1.公司登记（备案）申请书原件1份；2.公司章程原件1份；"
    "3.股东、法定代表人身份证件复印件2份；4.住所使用证明（容缺后补）；"
    "5.前置审批文件（如有）；"
)
D_STEPS_ONE_LINE = "1.申请：网上或窗口提交；2.受理：材料齐全当场受理；3.决定：核准登记；4.送达"


def province_d() -> bytes:
    book = Workbook()
    ws = book.active
    ws.title = "实施清单"
    header = [
        "序号", "事项编码", "事项名称", "实施主体", "办件类型", "法定办结时限",
        "法定办结时限单位", "承诺办结时限", "承诺办结时限单位", "是否收费", "办理地点",
    ]  # fmt: skip
    ws.append(["甘南州政务服务事项实施清单"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    ws.append(header)
    for n, (code, name, (sv, su), (pv, pu), kind) in enumerate(D_GUIDES, 1):
        ws.append([n, code, name, "县市场监督管理局", kind, sv, su, pv, pu, "否", "政务大厅一楼"])

    mats = book.create_sheet("申请材料")
    mats.append(["事项编码", "材料名称", "材料形式", "纸质材料份数", "材料必要性", "来源渠道"])
    mats.append(["620524-XK-0101", D_ONE_LINE, "", "", "必要", "申请人自备"])
    rows = [
        ("620524-XK-0102", "食品经营许可申请书", "原件", 1, "必要", "申请人自备"),
        (None, "营业执照", "复印件", 1, "必要（容缺后补）", "市场监管部门"),
        (None, "健康证明", "复印件", 1, "非必要", "卫生健康部门"),
    ]
    for r in rows:
        mats.append(list(r))
    first = mats.max_row - len(rows) + 1
    mats.merge_cells(start_row=first, start_column=1, end_row=mats.max_row, end_column=1)
    for code in ("620524-QR-0103", "620524-GG-0104", "620524-QT-0105"):
        mats.append([code, "居民身份证", "原件", 1, "必要", "公安部门"])

    steps = book.create_sheet("办理流程")
    steps.append(["事项编码", "环节名称", "环节说明"])
    steps.append(["620524-XK-0101", D_STEPS_ONE_LINE, ""])
    for code, *_ in D_GUIDES[1:]:
        steps.append([code, "受理", "窗口受理"])
        steps.append([code, "办结", "当场或按期办结"])
    # A sheet the platform adds that is none of ours.
    book.create_sheet("填表说明").append(["本表由省政务服务网导出"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# (code, name, 法定时限, 承诺时限, 办理时限, 申请材料, 办理流程)
E_GUIDES = [
    (
        "330100-XK-0201",
        "建设工程规划许可",
        "20个工作日",
        "10个工作日",
        "10个工作日",
        "1、建设工程规划许可申请表\n2、建设用地使用权证明（容缺后补）\n"
        "3、设计方案总平面图\n4、授权委托书（如有）",
        "1、申请\n2、受理\n3、审查\n4、决定",
    ),
    (
        "330100-XK-0202",
        "临时占用城市道路许可",
        "30个自然日",
        "5个工作日",
        "",
        "1、占道申请书\n2、施工方案（可容缺）",
        "1、受理：窗口收件\n2、决定：出具许可决定书",
    ),
    ("330100-GG-0203", "社保卡挂失", "即办", "2小时", "", "居民身份证", "受理"),
    ("330100-QT-0204", "不动产登记资料查询", "无", "当场办结", "", "1、身份证\n2、查询申请书", ""),
    ("330100-QT-0205", "办事咨询", "不适用", "", "即办", "", "咨询"),
]
E_HEADER = ["事项编码", "事项名称", "实施机构", "法定时限", "承诺时限", "办理时限", "收费"]
E_HEADER += ["申请材料", "办理流程"]


def province_e_csv(encoding: str = "gb18030") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(E_HEADER)
    for code, name, statutory, promised, either, materials, steps in E_GUIDES:
        writer.writerow(
            [code, name, "市自然资源和规划局", statutory, promised, either, "不收费"]
            + [materials, steps]
        )
    return out.getvalue().encode(encoding)


def only_a_vague_limit() -> bytes:
    """A file whose only limit column is 办理时限: neither 法定 nor 承诺."""
    book = Workbook()
    ws = book.active
    ws.title = "实施清单"
    ws.append(["事项编码", "事项名称", "办理时限", "申请材料", "办理流程"])
    ws.append(["330100-XK-0301", "户外广告设置许可", "7个工作日", "设置申请表", "受理"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

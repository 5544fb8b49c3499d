"""Which column of a province's export holds which field of a guide.

Built-in aliases cover the usual names of the national implementation list
(事项名称 / 实施清单名称, 事项编码 / 实施编码 …). A province whose export uses
other names gets a mapping file, TOML, in ``[guide_import] mapping_folder``::

    label = "某省政务服务网导出"
    [sheets]
    guides = ["事项目录"]
    materials = ["材料目录"]
    [columns.guide]
    code = ["业务项编码"]
    [columns.material]
    name = ["所需材料"]

Names in the file come first; the built-in aliases still apply after them.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from guide_import import ImportRefused

# group → field → aliases; the first alias is the name the export writes.
GUIDE_COLUMNS: dict[str, list[str]] = {
    "code": ["事项编码", "实施编码", "事项代码", "实施清单编码", "业务办理项编码", "基本编码"],
    "name": ["事项名称", "实施清单名称", "事项名", "业务办理项名称"],
    "kind": ["事项类型", "事项类别"],
    "basis": ["设定依据", "法律依据", "实施依据"],
    "implementing_body": ["实施主体", "实施机构", "办理部门", "受理单位"],
    "conditions": ["受理条件", "申请条件", "办理条件"],
    # 办理时限 alone is not here: 法定 or 承诺, the file must say (a mapping file may).
    "statutory": ["法定办结时限", "法定时限", "法定办理时限", "法定期限"],
    "statutory_unit": ["法定办结时限单位", "法定时限单位", "法定办理时限单位"],
    "promised": ["承诺办结时限", "承诺时限", "承诺办理时限", "承诺期限"],
    "promised_unit": ["承诺办结时限单位", "承诺时限单位", "承诺办理时限单位"],
    "is_free": ["是否收费", "收费", "收费情况"],
    "location": ["办理地点", "受理地点", "办公地址"],
    "office_hours": ["办理时间", "受理时间", "办公时间"],
    "consult_phone": ["咨询电话", "咨询方式"],
    "complaint_phone": ["监督投诉电话", "投诉电话", "监督电话"],
    "visits": ["到现场次数", "到办事现场次数", "跑动次数"],
    "online": ["是否网办", "是否网上办理", "网上办理"],
    "online_url": ["网办地址", "网上办理地址", "在线办理地址"],
    "keywords": ["关键词"],
    "summary": ["简介", "事项简介"],
}
ROW_COLUMNS: dict[str, dict[str, list[str]]] = {
    "materials": {
        "name": ["材料名称", "申请材料名称", "申请材料"],
        "form": ["材料形式", "材料形式要求", "形式"],
        "copies": ["份数", "材料份数", "纸质材料份数"],
        "necessity": ["必要性", "材料必要性", "是否必要", "必要性及描述"],
        "deferrable": ["是否容缺后补", "是否容缺", "容缺后补", "是否容缺受理"],
        "source": ["来源", "材料来源", "来源渠道"],
        "notes": ["填报须知", "填写说明", "受理标准"],
    },
    "steps": {
        "title": ["环节名称", "办理环节", "步骤名称", "步骤", "办理流程"],
        "description": ["环节说明", "步骤说明", "办理说明", "审查标准"],
    },
    "fees": {
        "name": ["收费项目", "收费项目名称"],
        "standard": ["收费标准"],
        "basis": ["收费依据"],
    },
    "faqs": {
        "question": ["问题", "常见问题"],
        "answer": ["解答", "回答", "答复"],
    },
}
# The field that makes a row of a group exist (a material needs its name …).
ROW_KEYS = {"materials": "name", "steps": "title", "fees": "name", "faqs": "question"}
SHEETS: dict[str, list[str]] = {
    "guides": ["实施清单", "办事指南", "事项", "事项信息", "基本信息"],
    "materials": ["申请材料", "材料", "材料清单"],
    "steps": ["办理流程", "办理环节", "流程"],
    "fees": ["收费项目", "收费标准", "收费"],
    "faqs": ["常见问题", "问答"],
}
GROUP_LABELS = {
    "materials": "申请材料",
    "steps": "办理流程",
    "fees": "收费项目",
    "faqs": "常见问题",
}
# Field names of mapping files written before limits had units.
FIELD_RENAMES = {"statutory_days": "statutory", "promised_days": "promised"}
# Mapping files name groups in the singular.
FILE_GROUPS = {
    "guide": None,
    "material": "materials",
    "step": "steps",
    "fee": "fees",
    "faq": "faqs",
}

# Excel refuses these in a sheet name, and names longer than 31 characters.
SHEET_FORBIDDEN = "\\/?*[]:"
_MARKS = re.compile(r"[\s*＊]|[（(]\s*(必填|选填|必须|可选)\s*[)）]")


def normalise_header(value) -> str:
    """A column name as compared: no spaces, line breaks or 'required' marks."""
    if value is None:
        return ""
    return _MARKS.sub("", str(value)).replace("（", "(").replace("）", ")").casefold()


@dataclass
class Mapping:
    """Aliases per field, sheet names per group; ``name`` is how it was chosen."""

    name: str = ""
    label: str = "内置列名"
    guide: dict[str, list[str]] = field(default_factory=lambda: _copy(GUIDE_COLUMNS))
    rows: dict[str, dict[str, list[str]]] = field(
        default_factory=lambda: {g: _copy(c) for g, c in ROW_COLUMNS.items()}
    )
    sheets: dict[str, list[str]] = field(default_factory=lambda: _copy(SHEETS))

    def columns(self, group: str | None) -> dict[str, list[str]]:
        return self.guide if group is None else self.rows[group]

    def header_name(self, group: str | None, name: str) -> str:
        """The column name an export writes for ``name``."""
        return self.columns(group)[name][0]

    def sheet_name(self, group: str) -> str:
        return self.sheets[group][0]


def _copy(table: dict) -> dict:
    return {k: list(v) for k, v in table.items()}


def _strings(where: str, value) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise ImportRefused(f"{where}：须为一个列名或列名列表")
    return [v.strip() for v in value if v.strip()]


def parse_mapping(name: str, text: str) -> Mapping:
    """A mapping file's content → Mapping; a mistake raises ImportRefused naming the key."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ImportRefused(f"映射文件 {name} 不是有效的 TOML：{exc}") from None
    mapping = Mapping(name=name, label=name)
    unknown = set(data) - {"label", "sheets", "columns"}
    if unknown:
        raise ImportRefused(f"映射文件 {name}：未知的键 {sorted(unknown)[0]}")
    if "label" in data:
        if not isinstance(data["label"], str):
            raise ImportRefused(f"映射文件 {name}：label 须为文字")
        mapping.label = data["label"] or name
    sheets = data.get("sheets", {})
    if not isinstance(sheets, dict):
        raise ImportRefused(f"映射文件 {name}：[sheets] 须为表")
    for group, names in sheets.items():
        if group not in SHEETS:
            raise ImportRefused(f"映射文件 {name}：未知的工作表类别 sheets.{group}")
        names = _strings(f"映射文件 {name}：sheets.{group}", names)
        for sheet in names:
            if len(sheet) > 31 or any(c in sheet for c in SHEET_FORBIDDEN):
                raise ImportRefused(
                    f"映射文件 {name}：sheets.{group} 的“{sheet}”不是有效的工作表名"
                    f"（不超过 31 字，不含 {SHEET_FORBIDDEN}）"
                )
        mapping.sheets[group] = names + mapping.sheets[group]
    columns = data.get("columns", {})
    if not isinstance(columns, dict):
        raise ImportRefused(f"映射文件 {name}：[columns] 须为表")
    for file_group, table in columns.items():
        if file_group not in FILE_GROUPS or not isinstance(table, dict):
            raise ImportRefused(f"映射文件 {name}：未知的列类别 columns.{file_group}")
        target = mapping.columns(FILE_GROUPS[file_group])
        for fname, names in table.items():
            fname = FIELD_RENAMES.get(fname, fname)
            if fname not in target:
                raise ImportRefused(f"映射文件 {name}：未知字段 columns.{file_group}.{fname}")
            where = f"映射文件 {name}：columns.{file_group}.{fname}"
            target[fname] = _strings(where, names) + target[fname]
    return mapping


def mapping_names(folder: Path) -> list[str]:
    """Mapping files in ``folder``, by name (the file name without .toml)."""
    if not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.glob("*.toml") if p.is_file())


def load_mapping(choice: str, folder: Path, *, allow_path: bool = False) -> Mapping:
    """``choice`` is empty (built-in aliases), a name in ``folder``, or (only from the
    command line, ``allow_path``) the path of a mapping file."""
    if not choice:
        return Mapping()
    path = Path(choice)
    if choice in mapping_names(folder):
        path = folder / f"{choice}.toml"
    elif not (allow_path and path.suffix == ".toml" and path.is_file()):
        known = "、".join(mapping_names(folder)) or "（无）"
        raise ImportRefused(f"找不到列名映射 {choice}（可选：{known}）")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportRefused(f"无法读取映射文件 {path.name}：{exc}") from None
    return parse_mapping(path.stem, text)


def resolve(headers: list, columns: dict[str, list[str]]) -> dict[str, int]:
    """field → column index, taking for each field the first of its aliases present."""
    positions: dict[str, int] = {}
    for i, h in enumerate(headers):
        positions.setdefault(normalise_header(h), i)
    found = {}
    taken: set[int] = set()
    for fname, aliases in columns.items():
        for alias in aliases:
            i = positions.get(normalise_header(alias))
            if i is not None and i not in taken:
                found[fname] = i
                taken.add(i)
                break
    return found

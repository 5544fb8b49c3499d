"""Tables of an export → guide records, each with its fields, rows and any refusal.

Two layouts, found from the file itself:

* child sheets: one row per guide in the main sheet (实施清单), materials,
  steps, fee items and FAQ in sheets of their own, keyed by 事项编码;
* repeated rows: the main sheet repeats a guide over several rows, one
  material (step, fee item, question) per row, the guide's own cells filled in
  on the first row, repeated, merged, or left blank on the following ones.

Both may mix: a group with no sheet of its own is read from the main sheet's
columns. A record carries only the fields and groups the file has columns for,
so an import never blanks what the file does not mention.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from content_feed.time_limits import TimeLimit
from guide_import import ImportRefused, cleaning
from guide_import.cleaning import FieldError
from guide_import.mapping import (
    GROUP_LABELS,
    ROW_COLUMNS,
    ROW_KEYS,
    Mapping,
    normalise_header,
    resolve,
)
from guide_import.reader import Table

HEADER_SEARCH_ROWS = 20


def _line(limit):
    return lambda v: cleaning.limited(cleaning.line(v), limit)


def _text(v):
    return cleaning.limited(cleaning.text(v), 20_000)


# field → converter of its cell (None = the cell says nothing).
GUIDE_CONVERTERS = {
    "name": _line(200),
    "kind": _line(40),
    "basis": _text,
    "implementing_body": _line(200),
    "conditions": _text,
    "is_free": cleaning.is_free,
    "location": _line(200),
    "office_hours": _line(200),
    "consult_phone": _line(40),
    "complaint_phone": _line(40),
    "visits": lambda v: cleaning.count(v, 0, 20),
    "online": cleaning.yes_no,
    "online_url": cleaning.url,
    "keywords": _line(200),
    "summary": _line(200),
}
# A limit's field → the unit column some lists put beside it.
LIMIT_FIELDS = {"statutory": "statutory_unit", "promised": "promised_unit"}
ROW_CONVERTERS = {
    "materials": {
        "name": _line(200),
        "form": cleaning.material_form,
        "copies": lambda v: cleaning.count(v, 0, 99, default=1),
        "necessity": cleaning.necessity,
        "deferrable": lambda v: bool(cleaning.yes_no(v)),
        "source": _line(200),
        "notes": _text,
    },
    "steps": {"title": _line(100), "description": _text},
    "fees": {"name": _line(200), "standard": _line(200), "basis": _text},
    "faqs": {"question": _text, "answer": _text},
}
# Fields a guide-level cell may set; the code and units are handled apart.
GUIDE_FIELDS = ["name", *LIMIT_FIELDS, *[f for f in GUIDE_CONVERTERS if f != "name"]]
# Columns that carry nothing to import and need no warning.
IGNORED_HEADERS = {"序号"}


@dataclass
class Refusal:
    sheet: str
    row: int
    column: str
    reason: str
    code: str = ""
    name: str = ""


@dataclass
class Record:
    code: str
    sheet: str
    row: int
    fields: dict = field(default_factory=dict)
    rows: dict = field(default_factory=dict)
    refusal: Refusal | None = None
    # What the report says of a guide that is imported all the same.
    notes: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.fields.get("name", "")

    def as_plan(self) -> dict:
        return {
            "code": self.code,
            "sheet": self.sheet,
            "row": self.row,
            "fields": self.fields,
            "rows": self.rows,
        }


@dataclass
class Parsed:
    layout: str
    records: list[Record]
    # Rows refused on their own (no guide to charge them to).
    stray: list[Refusal]
    fields: list[str]
    groups: list[str]
    rows_read: int
    # Columns not understood, and fields without a column: {"sheet", "column", "message"}.
    warnings: list[dict] = field(default_factory=list)

    def refusal_dicts(self) -> list[dict]:
        return [asdict(r) for r in self.stray]


@dataclass
class _Sheet:
    table: Table
    header_row: int  # index in table.rows
    columns: dict  # field → column index
    headers: list


def _find_header(table: Table, columns: dict, needed: list[str]) -> _Sheet | None:
    for i, row in enumerate(table.rows[:HEADER_SEARCH_ROWS]):
        found = resolve(row, columns)
        if all(n in found for n in needed):
            return _Sheet(table, i, found, [cleaning.line(h) for h in row])
    return None


def _classify(tables: list[Table], mapping: Mapping) -> dict[str, Table]:
    """Sheet per group, by name: exact names first, then names that contain one."""
    assigned: dict[str, Table] = {}
    left = list(tables)
    for exact in (True, False):
        for table in list(left):
            title = normalise_header(table.name)
            for group, names in mapping.sheets.items():
                if group in assigned:
                    continue
                aliases = [normalise_header(n) for n in names]
                if (title in aliases) if exact else any(a and a in title for a in aliases):
                    assigned[group] = table
                    left.remove(table)
                    break
    if "guides" not in assigned and left:
        assigned["guides"] = left[0]
    return assigned


def _label(sheet: _Sheet, fname: str, columns: dict | None = None) -> str:
    """The file's own name of the column holding ``fname``."""
    i = (sheet.columns if columns is None else columns).get(fname)
    return sheet.headers[i] if i is not None and i < len(sheet.headers) else fname


def _cell(row: list, i: int | None):
    return row[i] if i is not None and i < len(row) else None


def _empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _guide_values(row: list, sheet: _Sheet, skip_empty: bool) -> dict:
    """The guide fields of one row; FieldError carries the column in ``args[1]``."""
    values = {}
    for fname in GUIDE_FIELDS:
        i = sheet.columns.get(fname)
        if i is None:
            continue
        raw = _cell(row, i)
        try:
            if fname in LIMIT_FIELDS:
                unit = _cell(row, sheet.columns.get(LIMIT_FIELDS[fname]))
                if skip_empty and _empty(raw) and _empty(unit):
                    continue
                # A guide's own empty cell is 未填写, never 当场办结.
                value = cleaning.time_limit(raw, unit) or str(TimeLimit.unfilled())
            else:
                if skip_empty and _empty(raw):
                    continue
                value = GUIDE_CONVERTERS[fname](raw)
        except FieldError as exc:
            raise FieldError(exc.args[0], _label(sheet, fname)) from None
        if value is not None:
            values[fname] = value
    return values


def _group_rows(group: str, row: list, columns: dict, sheet: _Sheet) -> list[dict]:
    """The rows of ``group`` one row of the file holds: one, or several when its key
    cell lists them by number (``1.甲；2.乙``), each with the marks of its name."""
    cells = {f: _cell(row, columns.get(f)) for f in ROW_CONVERTERS[group]}
    if all(_empty(v) for v in cells.values()):
        return []
    key = ROW_KEYS[group]
    convert = ROW_CONVERTERS[group]
    out = {}
    for fname in convert:
        try:
            out[fname] = convert[fname](cells[fname]) if fname != key else ""
        except FieldError as exc:
            raise FieldError(exc.args[0], _label(sheet, fname, columns)) from None
    if group == "materials" and cleaning.deferred(cells["necessity"]):
        out["deferrable"] = True
    key_label = _label(sheet, key, columns) if key in columns else ROW_COLUMNS[group][key][0]
    pieces = cleaning.numbered(cleaning.text(cells[key]))
    if not pieces[0]:
        raise FieldError(f"{ROW_COLUMNS[group][key][0]}为空", key_label)
    # A second text cell numbered the same way is split alongside (a step's 说明).
    other = {"materials": "notes", "steps": "description"}.get(group)
    others = cleaning.numbered(out[other]) if other and len(pieces) > 1 else []
    entries = []
    for i, piece in enumerate(pieces):
        entry = dict(out)
        if len(others) == len(pieces):
            entry[other] = others[i]
        for fname, value in _piece(group, piece.replace("\n", " "), i).items():
            try:
                entry[fname] = convert[fname](value) if isinstance(value, str) else value
            except FieldError as exc:
                raise FieldError(exc.args[0], key_label) from None
        if not entry[key]:
            raise FieldError(f"第 {i + 1} 项的{ROW_COLUMNS[group][key][0]}为空", key_label)
        entries.append(entry)
    return entries


def _piece(group: str, piece: str, i: int) -> dict:
    """One numbered piece of a key cell as the fields it sets."""
    if group == "materials":
        name, marks = cleaning.material_marks(piece)
        return {"name": name, **marks}
    if group == "steps":
        title, sep, description = piece.partition("：")
        if sep and 0 < len(title) <= 30:
            return {"title": title.strip(), "description": description.strip()}
        if len(piece) > 100:
            return {"title": f"第{i + 1}步", "description": piece}
        return {"title": piece}
    return {ROW_KEYS[group]: piece}


def _unknown_columns(sheet: _Sheet, known) -> list[dict]:
    """The columns of ``sheet`` no field reads: said in the report, never dropped silently."""
    warnings = []
    for i, header in enumerate(sheet.headers):
        if not header or i in known or normalise_header(header) in IGNORED_HEADERS:
            continue
        message = f"未识别的列“{header}”，其内容未导入"
        if "时限" in header:
            message += "（是法定还是承诺办结时限？请改列名或在列名映射中指明）"
        warnings.append({"sheet": sheet.table.name, "column": header, "message": message})
    return warnings


def _refuse(record: Record, sheet: str, row: int, exc: FieldError, prefix: str = "") -> None:
    if record.refusal is None:
        column = exc.args[1] if len(exc.args) > 1 else ""
        record.refusal = Refusal(sheet, row, column, prefix + exc.args[0], record.code, record.name)


def parse_tables(tables: list[Table], mapping: Mapping) -> Parsed:
    by_group = _classify(tables, mapping)
    main_table = by_group.get("guides")
    if main_table is None:
        raise ImportRefused("文件中没有工作表")
    main = _find_header(main_table, mapping.guide, ["code"])
    if main is None:
        aliases = "、".join(mapping.guide["code"])
        raise ImportRefused(
            f"工作表“{main_table.name}”缺少关键列“事项编码”（在前 {HEADER_SEARCH_ROWS} 行中"
            f"找不到以下任一列名：{aliases}），未导入任何内容"
        )
    if "name" not in main.columns:
        aliases = "、".join(mapping.guide["name"])
        raise ImportRefused(
            f"工作表“{main_table.name}”缺少关键列“事项名称”（{aliases}），未导入任何内容"
        )

    # Groups from child sheets, else from columns of the main sheet.
    child: dict[str, _Sheet] = {}
    inline: dict[str, dict] = {}
    for group in GROUP_LABELS:
        table = by_group.get(group)
        if table is not None and table is not main_table:
            sheet = _find_header(table, mapping.rows[group], [ROW_KEYS[group]])
            if sheet is None:
                continue  # a sheet of that name without the columns: not ours
            code_col = resolve(sheet.headers, {"code": mapping.guide["code"]})
            if not code_col:
                raise ImportRefused(
                    f"工作表“{table.name}”缺少关键列“事项编码”，无法把{GROUP_LABELS[group]}"
                    "对应到事项，未导入任何内容"
                )
            sheet.columns["code"] = code_col["code"]
            child[group] = sheet
        else:
            cols = resolve(main.headers, mapping.rows[group])
            if ROW_KEYS[group] in cols:
                inline[group] = cols
    layout = "repeated_rows" if inline else ("child_sheets" if child else "guides_only")
    known = set(main.columns.values()) | {i for cols in inline.values() for i in cols.values()}
    warnings = _unknown_columns(main, known)
    for sheet in child.values():
        name_col = resolve(sheet.headers, {"name": mapping.guide["name"]})
        warnings += _unknown_columns(sheet, {*sheet.columns.values(), *name_col.values()})
    used = {id(main_table), *(id(sh.table) for sh in child.values())}
    for table in tables:
        if id(table) not in used and any(not _empty(v) for r in table.rows for v in r):
            warnings.append(
                {
                    "sheet": table.name,
                    "column": "",
                    "message": f"未识别的工作表“{table.name}”，其内容未导入",
                }
            )
    for fname in LIMIT_FIELDS:
        if fname not in main.columns:
            label = mapping.header_name(None, fname)
            warnings.append(
                {
                    "sheet": main_table.name,
                    "column": label,
                    "message": f"文件中没有“{label}”列：新建的办事指南该项记为“未填写”，"
                    "已有的办事指南该项不变",
                }
            )

    records: dict[str, Record] = {}
    stray: list[Refusal] = []
    groups = [g for g in GROUP_LABELS if g in child or g in inline]
    rows_read = 0
    current: Record | None = None
    last_entry: dict[str, dict] = {}
    for i in range(main.header_row + 1, len(main_table.rows)):
        row = main_table.rows[i]
        n = i + 1
        if all(_empty(v) for v in row):
            continue
        rows_read += 1
        raw_code = _cell(row, main.columns["code"])
        if _empty(raw_code):
            # A blank code on a row with only materials (steps …) continues the guide above.
            try:
                has_guide_cells = bool(_guide_values(row, main, skip_empty=True))
            except FieldError:
                has_guide_cells = True
            if current is None or has_guide_cells:
                name = cleaning.line(_cell(row, main.columns["name"]))
                stray.append(
                    Refusal(main_table.name, n, _label(main, "code"), "事项编码为空", "", name)
                )
                current = None
                continue
            record = current
        else:
            try:
                code = cleaning.item_code(raw_code)
            except FieldError as exc:
                name = cleaning.line(_cell(row, main.columns["name"]))
                stray.append(
                    Refusal(
                        main_table.name,
                        n,
                        _label(main, "code"),
                        str(exc),
                        cleaning.line(raw_code),
                        name,
                    )
                )
                current = None
                continue
            record = records.get(code)
            if record is None:
                record = records[code] = Record(code, main_table.name, n)
                record.rows = {g: [] for g in groups}
                last_entry = {}
            elif record is not current:
                last_entry = {}
            current = record
        first = not record.fields
        try:
            values = _guide_values(row, main, skip_empty=not first)
        except FieldError as exc:
            # Named in the report even though the row is refused.
            record.fields.setdefault("name", cleaning.line(_cell(row, main.columns["name"]))[:200])
            _refuse(record, main_table.name, n, exc)
            continue
        for fname, value in values.items():
            old = record.fields.get(fname)
            if old in (None, "") or first:
                record.fields[fname] = value
            elif value not in (None, "") and value != old:
                label = _label(main, fname)
                _refuse(
                    record,
                    main_table.name,
                    n,
                    FieldError(f"与第 {record.row} 行同一事项的“{label}”不一致", label),
                )
        for group, cols in inline.items():
            try:
                entries = _group_rows(group, row, cols, main)
            except FieldError as exc:
                _refuse(record, main_table.name, n, exc)
                continue
            # A material merged over two rows is one material, not two.
            if entries and entries != last_entry.get(group):
                record.rows[group].extend(entries)
                last_entry[group] = entries

    for record in records.values():
        if record.refusal is None and not record.fields.get("name"):
            label = _label(main, "name")
            record.refusal = Refusal(record.sheet, record.row, label, "事项名称为空", record.code)

    for group, sheet in child.items():
        previous_code = None
        for i in range(sheet.header_row + 1, len(sheet.table.rows)):
            row = sheet.table.rows[i]
            n = i + 1
            if all(_empty(v) for v in row):
                continue
            rows_read += 1
            raw_code = _cell(row, sheet.columns["code"])
            if _empty(raw_code):
                code = previous_code
            else:
                try:
                    code = cleaning.item_code(raw_code)
                except FieldError as exc:
                    stray.append(Refusal(sheet.table.name, n, _label(sheet, "code"), str(exc)))
                    previous_code = None
                    continue
            previous_code = code
            record = records.get(code) if code else None
            if record is None:
                reason = f"事项编码“{code}”不在“{main_table.name}”中" if code else "事项编码为空"
                stray.append(
                    Refusal(sheet.table.name, n, _label(sheet, "code"), reason, code or "")
                )
                continue
            if record.refusal is not None:
                continue
            try:
                entries = _group_rows(group, row, sheet.columns, sheet)
            except FieldError as exc:
                _refuse(record, sheet.table.name, n, exc, f"{sheet.table.name}第 {n} 行：")
                continue
            record.rows[group].extend(entries)

    unfilled = str(TimeLimit.unfilled())
    for record in records.values():
        for fname in LIMIT_FIELDS:
            if record.fields.get(fname) == unfilled:
                record.notes.append(f"{_label(main, fname)}未填写")
    fields = [f for f in GUIDE_FIELDS if f in main.columns]
    return Parsed(layout, list(records.values()), stray, fields, groups, rows_read, warnings)

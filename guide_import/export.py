"""Guides → the implementation-list format the importer reads, so a file round-trips.

.xlsx: a main sheet with one row per guide and a sheet per group (child sheets);
.csv: one table, each guide over as many rows as its longest group (repeated
rows), its own cells on the first row. Column and sheet names are the first
names of the chosen mapping, so a province's file comes back in its own words.
"""

from __future__ import annotations

import io

from content_feed.vocabulary import MATERIAL_FORMS, MATERIAL_NECESSITY
from guide_import.mapping import GROUP_LABELS, Mapping
from guide_import.parse import GUIDE_FIELDS, LIMIT_FIELDS, ROW_CONVERTERS
from shared.spreadsheet import csv_bytes

EXPORT_FIELDS = ["code", *GUIDE_FIELDS]


def _guide_cell(guide, fname: str):
    value = getattr(guide, fname)
    if fname in LIMIT_FIELDS:
        return str(value)  # in the list's words: 30个自然日, 即办, 无
    if fname == "is_free":
        return "不收费" if value else "收费"
    if fname == "online":
        return "是" if value else "否"
    return value


def _row_cell(group: str, row, fname: str):
    value = getattr(row, fname)
    if group == "materials" and fname == "form":
        return MATERIAL_FORMS.get(value, value)
    if group == "materials" and fname == "necessity":
        return MATERIAL_NECESSITY.get(value, value)
    if group == "materials" and fname == "deferrable":
        return "是" if value else "否"
    return value


def _headers(mapping: Mapping, group: str | None) -> list[str]:
    if group is None:
        return [mapping.header_name(None, f) for f in EXPORT_FIELDS]
    return [mapping.header_name(group, f) for f in ROW_CONVERTERS[group]]


def guide_row(guide) -> list:
    return [_guide_cell(guide, f) for f in EXPORT_FIELDS]


def xlsx_bytes(guides, mapping: Mapping | None = None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    mapping = mapping or Mapping()
    book = Workbook(write_only=True)

    def put(ws, values):
        cells = []
        for v in values:
            cell = WriteOnlyCell(ws, value=v)
            if isinstance(v, str) and v.startswith("="):
                cell.data_type = "s"  # text, never a formula
            cells.append(cell)
        ws.append(cells)

    main = book.create_sheet(mapping.sheet_name("guides"))
    put(main, _headers(mapping, None))
    for guide in guides:
        put(main, guide_row(guide))
    code_header = mapping.header_name(None, "code")
    name_header = mapping.header_name(None, "name")
    for group in GROUP_LABELS:
        ws = book.create_sheet(mapping.sheet_name(group))
        put(ws, [code_header, name_header, *_headers(mapping, group)])
        for guide in guides:
            for row in getattr(guide, group):
                cells = [_row_cell(group, row, f) for f in ROW_CONVERTERS[group]]
                put(ws, [guide.code, guide.name, *cells])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_export_bytes(guides, mapping: Mapping | None = None) -> bytes:
    mapping = mapping or Mapping()
    header = _headers(mapping, None)
    for group in GROUP_LABELS:
        header += _headers(mapping, group)
    rows = []
    for guide in guides:
        groups = {g: getattr(guide, g) for g in GROUP_LABELS}
        height = max([1, *(len(v) for v in groups.values())])
        for i in range(height):
            cells = guide_row(guide) if i == 0 else [guide.code] + [""] * (len(EXPORT_FIELDS) - 1)
            for group, items in groups.items():
                fields = ROW_CONVERTERS[group]
                if i < len(items):
                    cells += [_row_cell(group, items[i], f) for f in fields]
                else:
                    cells += [""] * len(fields)
            rows.append(cells)
    return csv_bytes(header, rows)

"""Opening an uploaded file as tables, refusing what is not a safe spreadsheet.

The type comes from the bytes, never the name. An .xlsx is a zip: its declared
unpacked size is checked before openpyxl opens it (zipfile never unpacks past
what a member declares), and rows are counted in openpyxl's streaming mode
before the workbook is loaded whole (merged cells need the whole load).
CSV may be UTF-8 with or without a BOM, or GBK/GB18030 (what Excel writes
on Chinese Windows).
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass

from guide_import import ImportRefused

MAX_COLUMNS = 200
# Cells with a value, over all sheets: 50,000 rows of a normal export hold well under
# this, and it bounds the memory of loading the workbook whole.
MAX_CELLS = 2_000_000
_NOT_SPREADSHEETS = {
    b"%PDF": "PDF 文件",
    b"\x89PNG": "PNG 图片",
    b"\xff\xd8\xff": "JPEG 图片",
    b"GIF8": "GIF 图片",
    b"Rar!": "RAR 压缩包",
    b"7z\xbc\xaf": "7z 压缩包",
    b"\x1f\x8b": "gzip 压缩包",
}
OLD_EXCEL = b"\xd0\xcf\x11\xe0"


@dataclass
class Limits:
    max_rows: int = 50_000
    max_file_bytes: int = 20 * 1024 * 1024
    max_unpacked_bytes: int = 200 * 1024 * 1024

    @classmethod
    def from_settings(cls, section: dict) -> Limits:
        mb = 1024 * 1024
        return cls(
            max_rows=section["max_rows"],
            max_file_bytes=section["max_file_megabytes"] * mb,
            max_unpacked_bytes=section["max_unpacked_megabytes"] * mb,
        )


@dataclass
class Table:
    """One sheet (or the CSV) as rows of raw cell values; row 1 is ``rows[0]``."""

    name: str
    rows: list[list]


def read_tables(data: bytes, limits: Limits) -> tuple[str, list[Table]]:
    """("xlsx" | "csv", tables) or ImportRefused with the reason in Chinese."""
    if not data:
        raise ImportRefused("文件是空的")
    if len(data) > limits.max_file_bytes:
        mb = limits.max_file_bytes // (1024 * 1024)
        raise ImportRefused(f"文件超过 {mb} MB，请分批导入")
    if data.startswith(b"PK\x03\x04"):
        return "xlsx", _read_xlsx(data, limits)
    if data.startswith(OLD_EXCEL):
        raise ImportRefused(
            "这是旧版 Excel（.xls）文件：请在 Excel 或 WPS 中另存为 .xlsx 或 CSV 后再导入"
        )
    for magic, label in _NOT_SPREADSHEETS.items():
        if data.startswith(magic):
            raise ImportRefused(f"这是{label}，不是电子表格：请上传 .xlsx 或 .csv 文件")
    return "csv", [_read_csv(data, limits)]


def _check_zip(data: bytes, limits: Limits) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise ImportRefused("文件已损坏，或不是 Excel 工作簿（.xlsx）") from None
    names = {m.filename for m in members}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise ImportRefused("这个压缩包不是 Excel 工作簿（.xlsx）：请上传 .xlsx 或 .csv 文件")
    if len(members) > 10_000:
        raise ImportRefused("工作簿内部文件过多，疑似压缩炸弹，未导入")
    unpacked = sum(m.file_size for m in members)
    if unpacked > limits.max_unpacked_bytes:
        mb = limits.max_unpacked_bytes // (1024 * 1024)
        raise ImportRefused(f"工作簿解压后超过 {mb} MB，疑似压缩炸弹，未导入")
    for m in members:
        # Real sheets compress 5–50×; hundreds-fold is a bomb.
        if m.file_size > 1024 * 1024 and m.file_size > 500 * max(m.compress_size, 1):
            raise ImportRefused(f"工作簿中的 {m.filename} 压缩比异常，疑似压缩炸弹，未导入")


def _too_many_rows(limits: Limits) -> ImportRefused:
    return ImportRefused(
        f"文件超过 {limits.max_rows:,} 行（上限 {limits.max_rows:,} 行），请分批导入，未导入任何内容"
    )


def _read_xlsx(data: bytes, limits: Limits) -> list[Table]:
    import openpyxl

    _check_zip(data, limits)
    try:
        # Count first, streaming, so a sheet of a million rows is never held whole.
        streaming = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        total = cells = 0
        for ws in streaming.worksheets:
            for row in ws.iter_rows(values_only=True, max_col=MAX_COLUMNS):
                total += 1
                cells += sum(1 for v in row if v is not None)
                if total > limits.max_rows:
                    raise _too_many_rows(limits)
                if cells > MAX_CELLS:
                    raise ImportRefused(
                        f"文件的单元格超过 {MAX_CELLS:,} 个，请分批导入，未导入任何内容"
                    )
        streaming.close()
        book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except ImportRefused:
        raise
    except Exception as exc:  # openpyxl raises many kinds for broken files
        raise ImportRefused(f"无法读取 Excel 工作簿：{type(exc).__name__}") from None
    tables = []
    for ws in book.worksheets:
        # Up to the sheet's last used column only: openpyxl makes a cell for every
        # column asked for, and 200 per row made a check of 1,000 guides 6× slower.
        width = min(MAX_COLUMNS, ws.max_column)
        rows = [list(r) for r in ws.iter_rows(values_only=True, max_col=width)]
        for merged in ws.merged_cells.ranges:
            # A merged cell's value is in its top-left corner: give it to every
            # cell of the range, so a code merged over five material rows is on each.
            r0, c0 = merged.min_row - 1, merged.min_col - 1
            if r0 >= len(rows) or c0 >= MAX_COLUMNS:
                continue
            value = rows[r0][c0] if c0 < len(rows[r0]) else None
            for r in range(r0, min(merged.max_row, len(rows))):
                row = rows[r]
                for c in range(c0, min(merged.max_col, MAX_COLUMNS)):
                    if c >= len(row):
                        row.extend([None] * (c + 1 - len(row)))
                    row[c] = value
        tables.append(Table(ws.title, rows))
    book.close()
    return tables


def decode_text(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        # GB18030 is a superset of GBK and GB2312.
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise ImportRefused("无法识别文件编码：CSV 须为 UTF-8 或 GBK/GB18030") from None


def _read_csv(data: bytes, limits: Limits) -> Table:
    head = data[:8192]
    if b"\x00" in head and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportRefused("这不是电子表格文件：请上传 .xlsx 或 .csv 文件")
    try:
        content = decode_text(data)
    except UnicodeDecodeError:
        raise ImportRefused("无法识别文件编码：CSV 须为 UTF-8 或 GBK/GB18030") from None
    try:
        dialect = csv.Sniffer().sniff(content[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    rows = []
    try:
        for row in csv.reader(io.StringIO(content, newline=""), dialect):
            rows.append(row[:MAX_COLUMNS])
            if len(rows) > limits.max_rows:
                raise _too_many_rows(limits)
    except csv.Error as exc:
        raise ImportRefused(f"CSV 格式有误（第 {len(rows) + 1} 行）：{exc}") from None
    return Table("CSV", rows)

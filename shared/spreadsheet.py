"""CSV exports: UTF-8 with a BOM, and no cell a spreadsheet would run (exports carry
text typed by the public)."""

from __future__ import annotations

import csv
import io
from urllib.parse import quote

from flask import Response

# A cell starting with one of these is a formula to Excel/WPS/LibreOffice
# (OWASP "CSV injection"); a leading apostrophe makes it plain text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def csv_safe(value):
    """``value`` unchanged unless it is text a spreadsheet would read as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_bytes(header: list[str], rows) -> bytes:
    """CSV as UTF-8 with a BOM (so Excel opens Chinese text correctly), every cell defused."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows([csv_safe(cell) for cell in row] for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def csv_response(header: list[str], rows, filename: str, label: str = "") -> Response:
    """A CSV download; ``label`` is a Chinese file name offered beside the ASCII one."""
    disposition = f"attachment; filename={filename}"
    if label:
        disposition += f"; filename*=UTF-8''{quote(label)}"
    return Response(
        csv_bytes(header, rows),
        mimetype="text/csv",
        # Exports carry staff names and requests: no cache keeps a copy.
        headers={"Content-Disposition": disposition, "Cache-Control": "no-store"},
    )

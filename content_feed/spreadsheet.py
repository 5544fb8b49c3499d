"""CSV cells that a spreadsheet will not run: exports carry text typed by the public."""

from __future__ import annotations

# A cell starting with one of these is a formula to Excel/WPS/LibreOffice
# (OWASP "CSV injection"); a leading apostrophe makes it plain text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def csv_safe(value):
    """``value`` unchanged unless it is text a spreadsheet would read as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value

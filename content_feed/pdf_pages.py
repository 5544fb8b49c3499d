"""A public PDF's pages as images, so that a kiosk (which shows no PDF itself and loads
nothing from the internet) can let a visitor read it page by page.

Rendered by poppler's ``pdftoppm`` (Debian poppler-utils, scripts/system-deps.sh),
once per page and file content, into ``UPLOAD_FOLDER/pages/``; later requests are a
file read. A page that cannot be rendered in time is a 404 to the kiosk, which then
offers the file's QR code as before.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path

# Pixels across a rendered page: A4 at about 120 dpi, sharp on a 1080-px-wide kiosk.
PAGE_WIDTH = 1000
MAX_PAGES = 200
TIMEOUT = 20


class PdfError(Exception):
    pass


def _run(args: list[str]) -> str:
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=TIMEOUT, check=True)
    except (OSError, subprocess.SubprocessError) as exc:
        raise PdfError(str(exc)) from exc
    return done.stdout


def page_count(pdf: Path, cache: Path, key: str) -> int:
    """How many pages ``pdf`` has (remembered beside its rendered pages)."""
    known = cache / f"{key}.pages"
    if known.is_file():
        return int(known.read_text())
    found = re.search(r"^Pages:\s+(\d+)", _run(["pdfinfo", str(pdf)]), re.MULTILINE)
    if not found:
        raise PdfError("pdfinfo gave no page count")
    count = min(int(found.group(1)), MAX_PAGES)
    cache.mkdir(parents=True, exist_ok=True)
    known.write_text(str(count))
    return count


def page_png(pdf: Path, cache: Path, key: str, number: int) -> Path:
    """Page ``number`` (from 1) of ``pdf`` as a PNG file, rendered on first use."""
    out = cache / f"{key}-{number}.png"
    if out.is_file():
        return out
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache) as work:
        prefix = Path(work) / "page"
        _run(
            [
                "pdftoppm",
                "-png",
                "-singlefile",
                "-f",
                str(number),
                "-l",
                str(number),
                "-scale-to-x",
                str(PAGE_WIDTH),
                "-scale-to-y",
                "-1",
                str(pdf),
                str(prefix),
            ]
        )
        # Moved into place whole, so a concurrent reader never sees half a file.
        prefix.with_suffix(".png").replace(out)
    return out

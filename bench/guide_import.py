"""Importing 1,000 process guides with 10 materials each, against openpyxl reading the file.

    python bench/guide_import.py [--guides 1000] [--materials 10]

Builds province A's layout (a main sheet and child sheets, tests/guide_import/
workbooks.py) in memory, then in a fresh SQLite file times, once each:

* baseline: openpyxl loading the same workbook and reading every cell;
* check: the dry run (zip checks, row count, load, merged cells, parse, clean,
  compare with the database) that the console runs before anything is written;
* write: the drafts (guides, materials, steps, fees, FAQ, ledger rows);
* again: the dry run of the same file once imported (every guide unchanged).

Times are printed with their ratio to the baseline, never asserted.
"""

from __future__ import annotations

import argparse
import io
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def baseline_read(data: bytes) -> int:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    cells = 0
    for ws in book.worksheets:
        for row in ws.iter_rows(values_only=True):
            cells += len(row)
    return cells


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--guides", type=int, default=1000)
    parser.add_argument("--materials", type=int, default=10)
    args = parser.parse_args(argv)

    from sqlalchemy import func, select

    from app import create_app
    from content_feed.clock import FixedClock
    from content_feed.db import db
    from content_feed.models import Guide, GuideImport, GuideMaterial
    from content_feed.versioning import ensure_feed_state
    from guide_import import jobs
    from tests.guide_import.workbooks import province_a, sample_guides

    start = time.perf_counter()
    data = province_a(sample_guides(args.guides, materials=args.materials, steps=3))
    print(
        f"workbook: {args.guides} guides × {args.materials} materials, "
        f"{len(data) / 1024 / 1024:.1f} MB, built in {time.perf_counter() - start:.1f} s"
    )
    folder = Path(tempfile.mkdtemp(prefix="sunlight-bench-"))
    app = create_app(
        {"database": {"url": f"sqlite:///{folder / 'bench.db'}"}, "security": {"secret_key": "x"}},
        clock=FixedClock(datetime(2026, 11, 17, 2, 0, tzinfo=UTC)),
        environ={},
        instance_path=str(folder / "instance"),
    )
    with app.app_context():
        db.create_all()
        ensure_feed_state(db.session)

        start = time.perf_counter()
        cells = baseline_read(data)
        baseline = time.perf_counter() - start
        print(f"baseline  openpyxl reads {cells:,} cells: {baseline:6.2f} s   1.0×")

        def timed(label: str, step) -> float:
            start = time.perf_counter()
            result = step()
            took = time.perf_counter() - start
            print(f"{label:<36}{took:6.2f} s  {took / baseline:4.1f}×")
            return result

        job = GuideImport(filename="bench.xlsx")
        db.session.add(job)
        db.session.commit()
        timed("check (dry run, writes nothing):", lambda: jobs.check(db.session, job, data))
        assert job.state == "checked", job.message
        written = timed("write (drafts and ledger):", lambda: jobs.write(db.session, job, None))
        again = GuideImport(filename="bench.xlsx")
        db.session.add(again)
        db.session.commit()
        timed("check again (all unchanged):", lambda: jobs.check(db.session, again, data))
        guides = db.session.scalar(select(func.count()).select_from(Guide))
        materials = db.session.scalar(select(func.count()).select_from(GuideMaterial))
        print(
            f"written: {written['created']} guides, {materials:,} materials "
            f"({guides} in the database); again: {again.counts}"
        )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory: {rss:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())

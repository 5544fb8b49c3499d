"""The Article 15 workflow, index numbers, the ledger and working days."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from content_feed import workflow
from content_feed.db import db
from content_feed.models import Item, LedgerEntry, LedgerIsAppendOnly
from content_feed.public_now import public_items
from inquiries.working_days import add_working_days, is_working_day, working_days_between
from tests.builders import category, publish_item, staff


def draft(clock, title="党费收缴使用情况", **fields):
    people = staff()
    cat = category()
    fields.setdefault("timeliness", "standing")
    fields.setdefault("scope", "public")
    return workflow.create_draft(
        db.session,
        people["drafter"],
        clock.now(),
        title=title,
        domain=cat.domain,
        category_id=cat.id,
        **fields,
    )


def propose(rev, clock, **kw):
    kw.setdefault("confidentiality_checked", True)
    workflow.propose(
        db.session, rev, staff()["drafter"], clock.now(), note="", channels="触摸查询机", **kw
    )


def test_full_path_records_who_and_when(app, clock):
    rev = draft(clock)
    people = staff()
    propose(rev, clock)
    workflow.review(db.session, rev, people["reviewer"], clock.now(), "保密审查通过")
    item = workflow.approve(db.session, rev, people["approver"], clock.now())
    db.session.commit()
    assert item.state == "published" and rev.state == "published"
    assert [s.action for s in rev.steps] == ["propose", "review", "approve", "publish"]
    assert [s.actor_name for s in rev.steps][:3] == ["drafter", "reviewer", "approver"]
    actions = (
        db.session.execute(select(LedgerEntry.action).order_by(LedgerEntry.id)).scalars().all()
    )
    assert actions == ["item.draft", "item.propose", "item.review", "item.publish"]


def test_proposal_needs_confidentiality_check_and_valid_content(app, clock):
    rev = draft(clock, title="")
    with pytest.raises(workflow.WorkflowError, match="标题"):
        propose(rev, clock)
    rev = draft(clock)
    with pytest.raises(workflow.WorkflowError, match="保密自查"):
        propose(rev, clock, confidentiality_checked=False)
    rev = draft(clock, timeliness="periodic")
    with pytest.raises(workflow.WorkflowError, match="更新周期"):
        propose(rev, clock)


def test_reviewer_and_approver_cannot_be_the_drafter(app, clock):
    from tests.builders import make_user

    all_in_one = make_user("everyone", "drafter reviewer approver")
    cat = category()
    rev = workflow.create_draft(
        db.session,
        all_in_one,
        clock.now(),
        title="自己审自己",
        domain=cat.domain,
        category_id=cat.id,
        scope="public",
        timeliness="standing",
    )
    workflow.propose(
        db.session,
        rev,
        all_in_one,
        clock.now(),
        note="",
        channels="大屏",
        confidentiality_checked=True,
    )
    with pytest.raises(workflow.WorkflowError, match="拟稿人"):
        workflow.review(db.session, rev, all_in_one, clock.now())
    workflow.review(db.session, rev, staff()["reviewer"], clock.now())
    with pytest.raises(workflow.WorkflowError, match="拟稿人"):
        workflow.approve(db.session, rev, all_in_one, clock.now())


def test_wrong_role_is_refused(app, clock):
    rev = draft(clock)
    propose(rev, clock)
    with pytest.raises(workflow.WorkflowError, match="审核权限"):
        workflow.review(db.session, rev, staff()["operator"], clock.now())


def test_reject_returns_to_draft_with_reason(app, clock):
    rev = draft(clock)
    propose(rev, clock)
    with pytest.raises(workflow.WorkflowError, match="退回理由"):
        workflow.reject(db.session, rev, staff()["reviewer"], clock.now(), " ")
    workflow.reject(
        db.session, rev, staff()["reviewer"], clock.now(), "涉及个人隐私，请删除身份证号"
    )
    assert rev.state == "draft" and "身份证号" in rev.rejection_reason
    propose(rev, clock)  # can go round again
    assert rev.state == "proposed" and rev.rejection_reason == ""


def test_editing_a_published_item_keeps_it_up_until_the_revision_is_approved(app, clock):
    item = publish_item(clock.now(), "原标题")
    people = staff()
    rev = workflow.new_revision(db.session, item, people["drafter"], clock.now())
    rev.title = "新标题"
    db.session.commit()
    shown = [i.title for i in db.session.execute(public_items(clock.now())).scalars()]
    assert shown == ["原标题"]
    propose(rev, clock)
    workflow.review(db.session, rev, people["reviewer"], clock.now())
    index = item.index_number
    workflow.approve(db.session, rev, people["approver"], clock.now() + timedelta(hours=1))
    db.session.commit()
    assert item.title == "新标题" and item.index_number == index
    assert [r.state for r in item.revisions] == ["superseded", "published"]


def test_index_numbers_are_sequential_and_never_reused(app, clock):
    first = publish_item(clock.now(), "一")
    second = publish_item(clock.now(), "二")
    assert first.index_number == "000014349/2026-00001"
    assert second.index_number == "000014349/2026-00002"
    workflow.archive(db.session, second, staff()["approver"], clock.now(), "过期")
    db.session.commit()
    third = publish_item(clock.now(), "三")
    assert third.index_number == "000014349/2026-00003"


def test_pre_disclosure_period_must_pass_before_approval(app, clock):
    rev = draft(clock)
    with pytest.raises(workflow.WorkflowError, match="15"):
        propose(rev, clock, comment_days=7)
    propose(rev, clock, comment_days=15)
    people = staff()
    workflow.review(db.session, rev, people["reviewer"], clock.now())
    with pytest.raises(workflow.WorkflowError, match="预公开"):
        workflow.approve(db.session, rev, people["approver"], clock.now())
    workflow.open_comment_period(db.session, rev, people["approver"], clock.now())
    db.session.commit()
    item = rev.item
    assert item.state == "pre_disclosure"
    assert [i.id for i in db.session.execute(public_items(clock.now())).scalars()] == [item.id]
    with pytest.raises(workflow.WorkflowError, match="征求意见期"):
        workflow.approve(db.session, rev, people["approver"], clock.now() + timedelta(days=14))
    workflow.approve(db.session, rev, people["approver"], clock.now() + timedelta(days=15))
    assert item.state == "published" and item.comment_until is None


def test_stale_periodic_items(app, clock):
    item = publish_item(
        clock.now() - timedelta(days=200),
        "党费半年报",
        timeliness="periodic",
        refresh_period_days=180,
    )
    fresh = publish_item(clock.now(), "党费季报", timeliness="periodic", refresh_period_days=90)
    items = db.session.execute(select(Item)).scalars().all()
    assert workflow.stale_items(items, clock.now()) == [item]
    assert fresh not in workflow.stale_items(items, clock.now())


def test_ledger_rows_cannot_be_changed_or_deleted(app, clock):
    publish_item(clock.now(), "事项")
    entry = db.session.execute(select(LedgerEntry)).scalars().first()
    entry.summary = "篡改"
    with pytest.raises(LedgerIsAppendOnly):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.execute(select(LedgerEntry)).scalars().first())
    with pytest.raises(LedgerIsAppendOnly):
        db.session.commit()
    db.session.rollback()


def test_working_days_across_golden_week_and_make_up_days(app):
    # 2026: Oct 1-7 off, Saturday Oct 10 and Sunday Sep 20 are make-up workdays.
    assert not is_working_day(date(2026, 10, 5))
    assert is_working_day(date(2026, 10, 10))
    assert is_working_day(date(2026, 9, 20))
    assert add_working_days(date(2026, 9, 30), 3) == date(2026, 10, 10)
    assert add_working_days(date(2026, 9, 30), 4) == date(2026, 10, 12)
    # Received on a holiday: the same-day limit falls on the next working day.
    assert add_working_days(date(2026, 10, 3), 0) == date(2026, 10, 8)
    assert working_days_between(date(2026, 9, 30), date(2026, 10, 12)) == 4


def test_calendar_overrides_for_unknown_years(tmp_path, clock):
    from tests.conftest import build_app

    app = build_app(
        tmp_path,
        clock,
        calendar={"extra_holidays": ["2099-01-01"], "extra_workdays": ["2099-01-03"]},
    )
    with app.app_context():
        assert not is_working_day(date(2099, 1, 1))  # a Thursday, made a holiday
        assert is_working_day(date(2099, 1, 3))  # a Saturday, made a workday
        assert is_working_day(date(2099, 1, 2))  # unknown year: Mon-Fri
        db.engine.dispose()

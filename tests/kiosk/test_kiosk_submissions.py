"""Intake of inquiries and ratings: validation, idempotency, due dates, comment windows."""

import re
import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from content_feed.db import db
from content_feed.models import Inquiry, Item, Rating, Terminal
from inquiries.receipts import normalize
from inquiries.submissions import Refused, submit_inquiry, submit_rating
from tests.conftest import build_app
from tests.kiosk.conftest import KIOSK_TOKEN, new_key, question, rating


def feedback(app, **changes):
    return {**app.config["SUNLIGHT"]["feedback"], **changes}


def kiosk():
    return db.session.execute(select(Terminal).filter_by(code="kiosk-1")).scalar_one()


def count(model):
    return db.session.execute(select(func.count(model.id))).scalar()


def refusal(payload, app, at, **settings):
    with pytest.raises(Refused) as caught:
        submit_inquiry(db.session, payload, kiosk(), feedback(app, **settings), at)
    return caught.value.errors


def test_validation_messages_are_chinese_and_name_each_field(demo_app, clock):
    errors = refusal(
        {"idempotency_key": "short", "kind": "gossip", "text": "  "}, demo_app, clock.now()
    )
    assert errors == {
        "idempotency_key": "提交编号缺失或格式不对，请返回重新填写后提交",
        "kind": "请选择类型：问询、意见建议、依申请公开、预公开意见",
        "text": "请填写您想说的内容",
    }
    errors = refusal(
        question(text="字" * 11, phone="12ab"), demo_app, clock.now(), max_text_length=10
    )
    assert errors["text"] == "内容不能超过 10 字，现在是 11 字"
    assert errors["phone"] == "电话号码格式不对，请填写 7 到 15 位数字"
    assert count(Inquiry) == 0


def test_blocked_words_are_refused_with_the_word_named(demo_app, clock):
    errors = refusal(question(text="这里有广告词"), demo_app, clock.now(), blocked_words=["广告词"])
    assert errors == {"text": "内容中含有不允许提交的词语“广告词”，请修改后再提交"}


def test_disclosure_request_needs_name_phone_and_delivery(demo_app, clock):
    errors = refusal(
        question(kind="disclosure_request", name="", phone="", delivery=""), demo_app, clock.now()
    )
    assert set(errors) == {"name", "phone", "delivery"}
    receipt = submit_inquiry(
        db.session,
        question(kind="disclosure_request", delivery="电子邮件"),
        kiosk(),
        feedback(demo_app),
        clock.now(),
    )
    assert receipt.record.delivery == "电子邮件"
    assert receipt.record.receipt_no.startswith("YS-")
    # 20 working days from Tuesday 2026-11-17.
    assert receipt.record.due_on == date(2026, 12, 15)


def test_same_key_returns_the_same_receipt_and_stores_once(demo_app, clock):
    payload = question()
    first = submit_inquiry(db.session, payload, kiosk(), feedback(demo_app), clock.now())
    again = submit_inquiry(db.session, dict(payload), kiosk(), feedback(demo_app), clock.now())
    assert first.created and not again.created
    assert again.record.receipt_no == first.record.receipt_no
    assert count(Inquiry) == 1


def test_concurrent_retries_store_once(tmp_path):
    """Eight threads send the same key at once: one row, one receipt for all."""
    from app import load_demo
    from content_feed.clock import FixedClock
    from tests.conftest import FIXED_NOW

    app = build_app(tmp_path, FixedClock(FIXED_NOW))
    with app.app_context():
        load_demo(db.session, FIXED_NOW)
    payload = question()
    receipts, barrier = [], threading.Barrier(8)

    def send():
        client = app.test_client()
        barrier.wait()
        response = client.post("/api/v1/inquiries", json=payload, headers=KIOSK_TOKEN)
        receipts.append((response.status_code, response.get_json()["receipt_no"]))

    threads = [threading.Thread(target=send) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({r for _, r in receipts}) == 1
    assert sorted(s for s, _ in receipts) == [200] * 7 + [201]
    with app.app_context():
        assert count(Inquiry) == 1
        db.engine.dispose()


def test_due_date_counts_working_days_from_the_local_date(demo_app, clock):
    # 17:30 UTC on Tuesday is 01:30 on Wednesday 2026-11-18 in Shanghai.
    at = datetime(2026, 11, 17, 17, 30, tzinfo=UTC)
    receipt = submit_inquiry(db.session, question(), kiosk(), feedback(demo_app), at)
    assert receipt.record.due_on == date(2026, 11, 23)  # Thu, Fri, Mon
    assert receipt.record.state == "pending"
    assert receipt.record.hall_id == kiosk().hall_id


def test_due_date_skips_golden_week(demo_app):
    # Wednesday 2026-09-30: the National Day holiday runs 1-7 October 2026.
    at = datetime(2026, 9, 30, 2, 0, tzinfo=UTC)
    receipt = submit_inquiry(db.session, question(), kiosk(), feedback(demo_app), at)
    assert receipt.record.due_on > date(2026, 10, 7)


def test_bad_rating_opens_a_follow_up_with_deadlines(demo_app, clock):
    receipt = submit_rating(
        db.session,
        rating(level=2, comment="等待时间太长"),
        kiosk(),
        feedback(demo_app),
        clock.now(),
    )
    r = receipt.record
    assert r.follow_up_state == "open"
    assert r.contact_due_on == date(2026, 11, 18)
    assert r.resolve_due_on == date(2026, 12, 8)
    good = submit_rating(db.session, rating(level=4), kiosk(), feedback(demo_app), clock.now())
    assert good.record.follow_up_state == ""
    assert good.record.contact_due_on is None


def test_rating_targets_must_exist_in_the_hall(demo_app, clock):
    with pytest.raises(Refused) as caught:
        submit_rating(
            db.session,
            rating(level=6, target="window", window_id=9999),
            kiosk(),
            feedback(demo_app),
            clock.now(),
        )
    assert caught.value.errors == {
        "level": "请选择满意程度：非常满意、满意、基本满意、不满意、非常不满意",
        "window_id": "请选择要评价的窗口",
    }
    window = kiosk().hall.windows[0]
    ok = submit_rating(
        db.session,
        rating(target="window", window_id=window.id),
        kiosk(),
        feedback(demo_app),
        clock.now(),
    )
    assert ok.record.window_id == window.id
    assert count(Rating) == 1


def pre_disclosure_item():
    return db.session.execute(select(Item).where(Item.state == "pre_disclosure")).scalar_one()


def test_comments_only_while_the_comment_window_is_open(demo_app, clock):
    item = pre_disclosure_item()
    payload = question(kind="comment", item_id=item.id, text="建议改为第一个星期五")
    receipt = submit_inquiry(db.session, payload, kiosk(), feedback(demo_app), clock.now())
    assert receipt.record.item_id == item.id
    assert receipt.record.receipt_no.startswith("YJ")

    late = question(kind="comment", item_id=item.id, text="迟到的意见")
    after = item.comment_until + timedelta(minutes=1)
    errors = refusal(late, demo_app, after)
    assert errors == {"item_id": "该事项不在征求意见期内，不能再提出意见"}

    published = db.session.execute(select(Item).where(Item.state == "published")).scalars().first()
    errors = refusal(question(kind="comment", item_id=published.id), demo_app, clock.now())
    assert "item_id" in errors


def test_receipt_numbers_are_unique_and_readable(demo_app, clock):
    seen = set()
    for _ in range(30):
        r = submit_inquiry(
            db.session,
            question(idempotency_key=new_key()),
            kiosk(),
            feedback(demo_app),
            clock.now(),
        )
        seen.add(r.record.receipt_no)
        assert re.fullmatch(r"WX(-[2-9A-HJ-NP-Z]{4}){3}", r.record.receipt_no)
        assert normalize(r.record.receipt_no.lower().replace("-", " ")) == r.record.receipt_no
    assert len(seen) == 30

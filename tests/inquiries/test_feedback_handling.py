"""Issue 6: from a kiosk submission to an answer, on time, with personal data masked."""

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from content_feed.db import db
from content_feed.models import Inquiry, LedgerEntry, Rating
from inquiries.handling import (
    HandlingError,
    assign,
    due_status,
    extend,
    record_contact,
    reminder_list,
    reply,
    resolve_rating,
    set_state,
)
from inquiries.statistics import inquiry_stats, public_summary, satisfaction_stats
from inquiries.submissions import submit_inquiry, submit_rating
from tests.builders import PASSWORD, make_hall, make_terminal, staff

# Wednesday 2026-09-30 10:00 in Shanghai: the day before Golden Week.
BEFORE_GOLDEN_WEEK = datetime(2026, 9, 30, 2, 0, tzinfo=UTC)


def settings(app):
    return app.config["SUNLIGHT"]["feedback"]


def kiosk():
    from content_feed.models import Terminal

    found = db.session.execute(select(Terminal).where(Terminal.code == "k1")).scalar()
    return found or make_terminal("k1", "kiosk", make_hall())


def ask(app, at, key="key-00000001", kind="question", **fields):
    payload = {
        "idempotency_key": key,
        "kind": kind,
        "text": "社保卡补办需要带什么材料？",
        "topic": "社保",
        # The asker agrees to a public answer unless a test says otherwise.
        "public_consent": True,
        **fields,
    }
    receipt = submit_inquiry(db.session, payload, kiosk(), settings(app), at)
    db.session.commit()
    return receipt.record


def rate(app, at, level, key, **fields):
    payload = {"idempotency_key": key, "level": level, "target": "hall", **fields}
    receipt = submit_rating(db.session, payload, kiosk(), settings(app), at)
    db.session.commit()
    return receipt.record


def test_question_due_in_three_working_days_across_golden_week(app):
    inq = ask(app, BEFORE_GOLDEN_WEEK)
    # Oct 1-7 are holidays; Thu 8, Fri 9 and the make-up Saturday 10 count.
    assert inq.due_on == date(2026, 10, 10)


def test_received_on_a_holiday_counts_from_the_next_working_day(app):
    inq = ask(app, datetime(2026, 10, 3, 2, 0, tzinfo=UTC))
    assert inq.due_on == date(2026, 10, 10)  # Thu 8, Fri 9, make-up Saturday 10


def test_disclosure_request_twenty_working_days_and_one_extension(app):
    inq = ask(
        app,
        BEFORE_GOLDEN_WEEK,
        kind="disclosure_request",
        name="王某某",
        phone="13812345678",
        delivery="电子邮件",
    )
    assert inq.due_on == date(2026, 11, 3)
    handler = staff()["handler"]
    with pytest.raises(HandlingError, match="延期理由"):
        extend(db.session, inq, handler, BEFORE_GOLDEN_WEEK, " ")
    extend(db.session, inq, handler, BEFORE_GOLDEN_WEEK, "需向其他机关征求意见")
    assert inq.due_on == date(2026, 12, 1) and inq.extended_days == 20
    with pytest.raises(HandlingError, match="一次"):
        extend(db.session, inq, handler, BEFORE_GOLDEN_WEEK, "再延")
    question = ask(app, BEFORE_GOLDEN_WEEK, key="key-00000002")
    with pytest.raises(HandlingError, match="依申请公开"):
        extend(db.session, question, handler, BEFORE_GOLDEN_WEEK, "理由")


def test_states_assignment_and_reasons(app, clock):
    inq = ask(app, clock.now())
    people = staff()
    with pytest.raises(HandlingError, match="办理权限"):
        set_state(db.session, inq, people["drafter"], clock.now(), "in_progress")
    with pytest.raises(HandlingError, match="只有管理员"):
        assign(
            db.session,
            inq,
            people["handler"],
            clock.now(),
            assignee=people["handler"],
            department="社保窗口",
        )
    assign(
        db.session,
        inq,
        people["admin"],
        clock.now(),
        assignee=people["handler"],
        department="社保窗口",
    )
    assert inq.state == "in_progress"
    with pytest.raises(HandlingError, match="理由"):
        set_state(db.session, inq, people["handler"], clock.now(), "cannot_handle")
    with pytest.raises(HandlingError, match="答复"):
        set_state(db.session, inq, people["handler"], clock.now(), "done")
    set_state(db.session, inq, people["handler"], clock.now(), "cannot_handle", "需市级部门解决")
    assert inq.state == "cannot_handle" and inq.closed_at == clock.now()
    db.session.commit()
    actions = db.session.execute(select(LedgerEntry.action)).scalars().all()
    assert {"inquiry.assign", "inquiry.state"} <= set(actions)


def test_public_reply_appears_masked_and_private_reply_does_not(app, client, clock):
    public = ask(
        app,
        clock.now(),
        key="key-public-1",
        text="我的电话13812345678，身份证110101199001011234，社保卡怎么补办？",
        name="张三丰",
        phone="13812345678",
    )
    private = ask(app, clock.now(), key="key-private-1", text="私下问题")
    handler = staff()["handler"]
    reply(db.session, public, handler, clock.now(), text="请携带身份证到7号窗口办理。", public=True)
    reply(db.session, private, handler, clock.now(), text="已电话答复。", public=False)
    db.session.commit()
    answers = client.get("/api/v1/answers").get_json()
    text = str(answers)
    assert "请携带身份证到7号窗口办理" in text and "已电话答复" not in text
    assert "13812345678" not in text and "110101199001011234" not in text
    assert "张三丰" not in text
    status = client.get(f"/api/v1/inquiries/{public.receipt_no}").get_json()
    assert "13812345678" not in str(status)


def test_blocked_words_refuse_a_public_reply(tmp_path, clock):
    from tests.conftest import build_app

    app = build_app(tmp_path, clock, feedback={"blocked_words": ["赌博"]})
    with app.app_context():
        inq = ask(app, clock.now(), text="附近棋牌室扰民")
        handler = staff()["handler"]
        with pytest.raises(HandlingError, match="赌博"):
            reply(db.session, inq, handler, clock.now(), text="经查不涉及赌博", public=True)
        reply(db.session, inq, handler, clock.now(), text="经查不涉及赌博", public=False)
        db.session.commit()
        db.engine.dispose()


def test_bad_rating_opens_a_follow_up_with_deadlines(app):
    good = rate(app, BEFORE_GOLDEN_WEEK, 5, "rate-00000001")
    bad = rate(app, BEFORE_GOLDEN_WEEK, 2, "rate-00000002", comment="等了两个小时")
    assert good.follow_up_state == ""
    assert bad.follow_up_state == "open"
    assert bad.contact_due_on == date(2026, 10, 8)  # 1 working day after the holiday
    assert bad.resolve_due_on == date(2026, 10, 27)  # 15 working days, make-up day included
    handler = staff()["handler"]
    with pytest.raises(HandlingError):
        record_contact(db.session, good, handler, BEFORE_GOLDEN_WEEK, "回访")
    record_contact(db.session, bad, handler, BEFORE_GOLDEN_WEEK, "已电话致歉，说明高峰原因")
    resolve_rating(db.session, bad, handler, BEFORE_GOLDEN_WEEK, "增开午间窗口")
    assert bad.follow_up_state == "resolved" and "增开午间窗口" in bad.resolution_note


def test_due_status_and_reminders(app, clock):
    today = date(2026, 11, 17)
    assert due_status(today - timedelta(days=1), today) == "overdue"
    assert due_status(today, today) == "due_today"
    assert due_status(today + timedelta(days=1), today) == ""
    assert due_status(today - timedelta(days=1), today, open_=False) == ""
    old = ask(app, clock.now() - timedelta(days=10), key="key-old-0001")
    due = ask(app, clock.now(), key="key-due-0001")
    due.due_on = today
    db.session.commit()
    reminders = reminder_list(db.session, today)
    assert reminders["overdue"] == [old] and reminders["due_today"] == [due]


def test_reminder_job_writes_the_ledger(app, clock):
    from inquiries.console.reminders import send_reminders

    ask(app, clock.now() - timedelta(days=10), key="key-old-0002")
    text = send_reminders(app, clock.now())
    assert "已超期 1 件" in text
    entry = db.session.execute(
        select(LedgerEntry).where(LedgerEntry.action == "inquiry.reminder")
    ).scalar_one()
    assert entry.summary == text


def test_ledger_statistics(app, clock):
    """The shape of seed 002's ledger: received, done, in progress, cannot handle."""
    handler = staff()["handler"]
    start = datetime(2026, 10, 12, 2, 0, tzinfo=UTC)  # a Monday
    rows = [ask(app, start + timedelta(hours=n), key=f"key-stat-{n:04d}") for n in range(6)]
    reply(db.session, rows[0], handler, start + timedelta(days=1), text="已答复", public=False)
    reply(db.session, rows[1], handler, start + timedelta(days=10), text="迟了", public=False)
    assign(db.session, rows[2], staff()["admin"], start, assignee=handler, department="")
    set_state(db.session, rows[3], handler, start, "cannot_handle", "权限外")
    db.session.commit()
    stats = inquiry_stats(db.session, date(2026, 11, 17))
    total = stats["total"]
    assert (
        total["received"],
        total["done"],
        total["in_progress"],
        total["pending"],
        total["cannot_handle"],
    ) == (6, 2, 1, 2, 1)
    assert total["overdue"] == 3  # the open ones, due on Oct 15
    assert total["on_time_share"] == 0.5
    assert total["avg_working_days_to_answer"] == 4.5  # 1 and 8 working days
    assert list(stats["by_month"]) == ["2026-10"]
    summary = public_summary(db.session, date(2026, 11, 17))
    assert summary["received"] == 6 and summary["in_progress"] == 3


def test_satisfaction_by_window_and_month(app):
    from content_feed.models import Window

    hall = kiosk().hall
    window = Window(hall=hall, number="7", name="社会保障")
    db.session.add(window)
    db.session.commit()
    rate(app, BEFORE_GOLDEN_WEEK, 5, "rate-w-0001", target="window", window_id=window.id)
    rate(app, BEFORE_GOLDEN_WEEK, 1, "rate-w-0002", target="window", window_id=window.id)
    rate(app, BEFORE_GOLDEN_WEEK, 4, "rate-h-0001")
    sat = satisfaction_stats(db.session)
    assert sat["total"]["count"] == 3
    label = "7号窗口 社会保障"
    assert sat["by_window"][label]["average"] == 3.0
    assert sat["by_window"][label]["bad"] == 1
    assert sat["by_month"]["2026-09"]["good_share"] == round(2 / 3, 3)


def login(client, username):
    page = client.get("/admin/login")
    assert page.status_code == 200
    return client.post(
        "/admin/login", data={"username": username, "password": PASSWORD}, follow_redirects=False
    )


def test_console_queue_masks_and_reveal_is_ledgered(app, client, clock):
    staff()
    db.session.commit()
    inq = ask(app, clock.now(), name="李四", phone="13900001111")
    login(client, "handler")
    queue = client.get("/admin/feedback/").get_data(as_text=True)
    assert inq.receipt_no in queue
    assert "13900001111" not in queue and "139****1111" in queue
    detail = client.get(f"/admin/feedback/{inq.id}").get_data(as_text=True)
    assert "13900001111" not in detail
    shown = client.post(f"/admin/feedback/{inq.id}/contact").get_data(as_text=True)
    assert "13900001111" in shown and "李四" in shown
    entry = db.session.execute(
        select(LedgerEntry).where(LedgerEntry.action == "personal_data.view")
    ).scalar_one()
    assert entry.actor_name == "handler" and inq.receipt_no in entry.summary


def test_console_reply_flow_and_exports(app, client, clock):
    staff()
    db.session.commit()
    inq = ask(app, clock.now())
    login(client, "handler")
    response = client.post(
        f"/admin/feedback/{inq.id}/reply", data={"text": "请到7号窗口办理", "public": "y"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Inquiry, inq.id).state == "done"
    csv = client.get("/admin/feedback/requests.csv")
    assert csv.data.startswith(b"\xef\xbb\xbf") and inq.receipt_no.encode() in csv.data
    stats = client.get("/admin/feedback/stats.csv")
    assert stats.data.startswith(b"\xef\xbb\xbf") and "合计".encode() in stats.data
    assert "<svg" in client.get("/admin/feedback/stats").get_data(as_text=True)


@pytest.mark.parametrize("username", ["drafter", "operator"])
def test_console_needs_the_handler_role(app, client, username):
    staff()
    db.session.commit()
    login(client, username)
    assert client.get("/admin/feedback/").status_code == 403
    assert client.get("/admin/feedback/stats").status_code == 403


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get("/admin/feedback/")
    assert response.status_code == 302 and "/admin/login" in response.headers["Location"]


def test_ratings_console(app, client):
    staff()
    db.session.commit()
    bad = rate(app, BEFORE_GOLDEN_WEEK, 1, "rate-c-0001", comment="态度差")
    login(client, "handler")
    assert bad.receipt_no in client.get("/admin/feedback/ratings").get_data(as_text=True)
    client.post(f"/admin/feedback/ratings/{bad.id}", data={"note": "已回访", "step": "contact"})
    db.session.expire_all()
    assert db.session.get(Rating, bad.id).follow_up_state == "contacted"


def test_public_ledger_summary_endpoint(app, client, clock):
    ask(app, clock.now(), name="王五", phone="13700001234")
    data = client.get("/api/v1/ledger-summary").get_json()
    assert data["received"] == 1 and data["in_progress"] == 1
    assert "13700001234" not in str(data) and "王五" not in str(data)


def test_dashboard_shows_the_latest_reminder(app, client, clock):
    from inquiries.console.reminders import send_reminders

    staff()
    db.session.commit()
    ask(app, clock.now() - timedelta(days=10), key="key-dash-0001")
    text = send_reminders(app, clock.now())
    login(client, "admin")
    page = client.get("/admin/").get_data(as_text=True)
    assert text in page and "待办问询按答复期限" in page


def test_csv_exports_defuse_formulas_typed_at_a_kiosk(app, client):
    """Topic, text, name and category come from the public: none runs in Excel."""
    staff()
    db.session.commit()
    at = BEFORE_GOLDEN_WEEK
    ask(
        app,
        at,
        topic='=HYPERLINK("http://x.test","点我")',
        text="+1+cmd|' /C calc'!A0",
        name="@某人",
        category="-2+3",
    )
    login(client, "handler")
    for url in ("/admin/feedback/requests.csv", "/admin/feedback/stats.csv"):
        body = client.get(url).data.decode("utf-8-sig")
        cells = [cell for row in csv.reader(io.StringIO(body)) for cell in row]
        assert not [c for c in cells if c[:1] in ("=", "+", "@") or c.startswith("-2")], url
    body = client.get("/admin/feedback/requests.csv").data.decode("utf-8-sig")
    assert "'=HYPERLINK" in body


def test_rating_page_masks_numbers_written_in_the_comment(app, client):
    staff()
    db.session.commit()
    bad = rate(
        app,
        BEFORE_GOLDEN_WEEK,
        1,
        "rate-00000009",
        comment="请回电13812345678，身份证110101199003077777",
    )
    login(client, "handler")
    page = client.get(f"/admin/feedback/ratings/{bad.id}").get_data(as_text=True)
    assert "13812345678" not in page and "110101199003077777" not in page
    assert "138****5678" in page


def test_numbers_in_the_topic_and_category_are_masked_on_every_public_surface(app, client, clock):
    """The topic and category are typed by the public too, like the question."""
    inq = ask(
        app,
        clock.now(),
        key="key-topic-01",
        topic="请回电13812345678",
        category="身份证110101199001011234",
    )
    reply(db.session, inq, staff()["handler"], clock.now(), text="已答复。", public=True)
    db.session.commit()
    make_terminal("kiosk-t", "kiosk", kiosk().hall)
    for url in (
        "/api/v1/answers",
        f"/api/v1/inquiries/{inq.receipt_no}",
        f"/kiosk/receipts/{inq.receipt_no}",
        "/kiosk/kiosk-t/bundle.json",
    ):
        body = client.get(url).get_data(as_text=True)
        assert "13812345678" not in body and "110101199001011234" not in body, url
    assert "138****5678" in client.get("/api/v1/answers").get_data(as_text=True)


def test_handler_sees_the_question_and_topic_masked(app, client, clock):
    staff()
    db.session.commit()
    inq = ask(
        app,
        clock.now(),
        key="key-console-1",
        topic="回电13812345678",
        text="社保卡丢了，电话13900001111",
        category="证件15800002222",
    )
    login(client, "handler")
    page = client.get(f"/admin/feedback/{inq.id}").get_data(as_text=True)
    assert "社保卡丢了，电话139****1111" in page  # the question is shown, masked
    queue = client.get("/admin/feedback/").get_data(as_text=True)
    exported = client.get("/admin/feedback/requests.csv").data.decode("utf-8-sig")
    stats = client.get("/admin/feedback/stats.csv").data.decode("utf-8-sig")
    for body in (page, queue, exported, stats):
        assert "13812345678" not in body and "13900001111" not in body
        assert "15800002222" not in body

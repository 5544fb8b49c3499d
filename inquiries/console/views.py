"""Console pages: the request queue, one request, bad-rating follow-ups, statistics."""

from __future__ import annotations

from types import SimpleNamespace

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, or_, select

from admin.auth import role_required
from admin.helpers import flash_form_errors
from content_feed import clock
from content_feed.db import db
from content_feed.models import Inquiry, Rating, User
from content_feed.timefmt import local, local_text
from content_feed.vocabulary import (
    INQUIRY_KINDS,
    INQUIRY_STATES,
    OPEN_INQUIRY_STATES,
    RATING_LEVELS,
    RATING_TARGETS,
)
from inquiries.console import bp
from inquiries.console.forms import AssignForm, ExtendForm, NoteForm, ReplyForm, StateForm
from inquiries.handling import (
    HandlingError,
    answered_on_time,
    assign,
    due_status,
    extend,
    follow_up_status,
    masked_contact,
    open_personal_record,
    record_contact,
    reply,
    resolve_rating,
    set_state,
)
from inquiries.privacy import mask_name, mask_phone, mask_text, parts_for
from inquiries.statistics import inquiry_stats, satisfaction_stats, stats_table
from shared.ids import db_int
from shared.spreadsheet import csv_response
from web import hall_scope

PAGE_SIZE = 50


def _today():
    return local(clock.now()).date()


def _inquiry(inquiry_id: int) -> Inquiry:
    inq = db.session.get(Inquiry, inquiry_id)
    if inq is None:
        abort(404)
    return inq


def _may_see_contact(inq: Inquiry | Rating) -> bool:
    """The handler's own record (assigned to them, or not yet assigned), or an admin."""
    user = current_user
    if user.has_role("admin"):
        return True
    owner = getattr(inq, "assignee_id", None) or getattr(inq, "handler_id", None)
    return owner in (None, user.id)


@bp.get("/")
@role_required("handler")
def queue():
    today = _today()
    stmt = select(Inquiry)
    kind, state, due = request.args.get("kind"), request.args.get("state"), request.args.get("due")
    if kind in INQUIRY_KINDS:
        stmt = stmt.where(Inquiry.kind == kind)
    if state in INQUIRY_STATES:
        stmt = stmt.where(Inquiry.state == state)
    elif state != "all":
        stmt = stmt.where(Inquiry.state.in_(OPEN_INQUIRY_STATES))
    if due == "overdue":
        stmt = stmt.where(Inquiry.due_on < today, Inquiry.state.in_(OPEN_INQUIRY_STATES))
    elif due == "today":
        stmt = stmt.where(Inquiry.due_on == today)
    if request.args.get("mine"):
        stmt = stmt.where(Inquiry.assignee_id == current_user.id)
    q = (request.args.get("q") or "").strip()
    if q:
        stmt = stmt.where(
            or_(Inquiry.receipt_no.contains(q), Inquiry.topic.contains(q), Inquiry.text.contains(q))
        )
    page = max(1, request.args.get("page", 1, type=db_int))
    rows = (
        db.session.execute(
            stmt.order_by(Inquiry.due_on.is_(None), Inquiry.due_on, Inquiry.id)
            .limit(PAGE_SIZE + 1)
            .offset((page - 1) * PAGE_SIZE)
        )
        .scalars()
        .all()
    )
    counts = dict(
        db.session.execute(select(Inquiry.state, func.count()).group_by(Inquiry.state)).all()
    )
    overdue = db.session.execute(
        select(func.count()).where(Inquiry.due_on < today, Inquiry.state.in_(OPEN_INQUIRY_STATES))
    ).scalar()
    due_today = db.session.execute(
        select(func.count()).where(Inquiry.due_on == today, Inquiry.state.in_(OPEN_INQUIRY_STATES))
    ).scalar()
    return render_template(
        "feedback/queue.html",
        rows=rows[:PAGE_SIZE],
        has_next=len(rows) > PAGE_SIZE,
        page=page,
        today=today,
        kinds=INQUIRY_KINDS,
        states=INQUIRY_STATES,
        counts=counts,
        overdue=overdue,
        due_today=due_today,
        due_status=due_status,
        mask_name=mask_name,
        mask_phone=mask_phone,
        mask_text=mask_text,
    )


def _published(inq: Inquiry) -> list[tuple[str, list]]:
    """What a public answer of ``inq`` shows, in masked parts for highlighting: the
    same function (inquiries.privacy.mask_for) that the kiosk's answers go through."""
    question = inq.public_question or inq.text
    shown = [("问题", question), ("答复", inq.reply)]
    if not inq.public_question:
        shown.insert(0, ("主题", inq.topic))
    return [(label, parts_for(inq, text)) for label, text in shown if text]


@bp.get("/<int:inquiry_id>")
@role_required("handler")
def inquiry(inquiry_id: int):
    return _inquiry_page(_inquiry(inquiry_id))


def _inquiry_page(
    inq: Inquiry,
    reply_form: ReplyForm | None = None,
    preview: Inquiry | None = None,
    status: int = 200,
    **posted,
):
    """The inquiry's page; a refused form (``reply_form`` or ``posted``) comes back
    as it was typed, a previewed reply as it will be published."""
    if reply_form is None:
        reply_form = ReplyForm(
            text=inq.reply,
            public=inq.reply_public,
            public_question=inq.public_question,
            masked_words=inq.masked_words,
        )
    handlers = (
        db.session.execute(select(User).where(User.active.is_(True)).order_by(User.username))
        .scalars()
        .all()
    )
    assign_form = AssignForm(department=inq.department)
    assign_form.assignee.choices = [(0, "（未指定）")] + [
        (u.id, u.display_name or u.username)
        for u in handlers
        if hall_scope.holds(u, "handler", inq.hall_id)
    ]
    assign_form.assignee.data = inq.assignee_id or 0
    state_form = StateForm(state=inq.state)
    return render_template(
        "feedback/inquiry.html",
        inq=inq,
        today=_today(),
        kinds=INQUIRY_KINDS,
        states=INQUIRY_STATES,
        status=due_status(inq.due_on, _today(), inq.state in OPEN_INQUIRY_STATES),
        contact=masked_contact(inq),
        masked_text=mask_text(inq.text),
        mask_text=mask_text,
        may_reveal=_may_see_contact(inq),
        **{
            "assign_form": assign_form,
            "state_form": state_form,
            "reply_form": reply_form,
            "extend_form": ExtendForm(),
            **posted,
        },
        on_time=answered_on_time(inq),
        published=_published(preview or inq),
        previewing=preview is not None,
    ), status


def _reveal(record: Inquiry | Rating, back: str) -> str:
    """Show the unmasked contact once, and record who looked."""
    if not _may_see_contact(record):
        abort(403)
    open_personal_record(db.session, record, current_user, clock.now())
    db.session.commit()
    return render_template("feedback/contact.html", record=record, back=back)


@bp.post("/<int:inquiry_id>/contact")
@role_required("handler")
def reveal_contact(inquiry_id: int):
    return _reveal(_inquiry(inquiry_id), url_for(".inquiry", inquiry_id=inquiry_id))


def _act(inq: Inquiry, form, action, name: str) -> Response:
    """Do ``action``; a refusal shows the page again with ``form`` (named ``name``
    on the page) as typed, so nothing written is lost."""
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _inquiry_page(inq, status=422, **{name: form})
    try:
        action()
        db.session.commit()
    except HandlingError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return _inquiry_page(_inquiry(inq.id), status=422, **{name: form})
    flash("已保存", "success")
    return redirect(url_for(".inquiry", inquiry_id=inq.id))


@bp.post("/<int:inquiry_id>/assign")
@role_required("handler")
def assign_inquiry(inquiry_id: int):
    inq = _inquiry(inquiry_id)
    form = AssignForm()
    form.assignee.choices = [(0, "")] + [
        (u.id, u.username)
        for u in db.session.execute(select(User).where(User.active.is_(True))).scalars()
        if hall_scope.holds(u, "handler", inq.hall_id)
    ]

    def action():
        assignee = db.session.get(User, form.assignee.data) if form.assignee.data else None
        assign(
            db.session,
            inq,
            current_user,
            clock.now(),
            assignee=assignee,
            department=form.department.data or "",
        )

    return _act(inq, form, action, "assign_form")


@bp.post("/<int:inquiry_id>/state")
@role_required("handler")
def change_state(inquiry_id: int):
    inq = _inquiry(inquiry_id)
    form = StateForm()
    return _act(
        inq,
        form,
        lambda: set_state(
            db.session, inq, current_user, clock.now(), form.state.data, form.reason.data or ""
        ),
        "state_form",
    )


@bp.post("/<int:inquiry_id>/reply")
@role_required("handler")
def reply_inquiry(inquiry_id: int):
    inq = _inquiry(inquiry_id)
    form = ReplyForm()
    if form.preview.data and form.validate_on_submit():
        # A detached copy with the form's words: shown, never stored.
        draft = SimpleNamespace(
            name=inq.name,
            topic=inq.topic,
            text=inq.text,
            reply=form.text.data,
            public_question=(form.public_question.data or "").strip(),
            masked_words=form.masked_words.data or "",
        )
        return _inquiry_page(inq, form, preview=draft)
    return _act(
        inq,
        form,
        lambda: reply(
            db.session,
            inq,
            current_user,
            clock.now(),
            text=form.text.data,
            public=form.public.data,
            public_question=form.public_question.data or "",
            masked_words=form.masked_words.data or "",
        ),
        "reply_form",
    )


@bp.post("/<int:inquiry_id>/extend")
@role_required("handler")
def extend_inquiry(inquiry_id: int):
    inq = _inquiry(inquiry_id)
    form = ExtendForm()
    return _act(
        inq,
        form,
        lambda: extend(db.session, inq, current_user, clock.now(), form.reason.data),
        "extend_form",
    )


@bp.get("/ratings")
@role_required("handler")
def ratings():
    today = _today()
    show = request.args.get("show", "follow_up")
    stmt = select(Rating).order_by(Rating.received_at.desc())
    if show == "follow_up":
        stmt = stmt.where(Rating.follow_up_state.in_(("open", "contacted")))
    rows = db.session.execute(stmt.limit(200)).scalars().all()
    due = request.args.get("due")
    if due in ("overdue", "today"):
        wanted = "overdue" if due == "overdue" else "due_today"
        rows = [r for r in rows if follow_up_status(r, today) == wanted]
    return render_template(
        "feedback/ratings.html",
        rows=rows,
        today=today,
        show=show,
        levels=RATING_LEVELS,
        targets=RATING_TARGETS,
        status=follow_up_status,
        mask_text=mask_text,
    )


def _rating(rating_id: int) -> Rating:
    found = db.session.get(Rating, rating_id)
    if found is None:
        abort(404)
    return found


@bp.post("/ratings/<int:rating_id>/contact")
@role_required("handler")
def reveal_rating_contact(rating_id: int):
    """The call-back number of a bad rating, for whoever calls back (差评回访)."""
    return _reveal(_rating(rating_id), url_for(".rating", rating_id=rating_id))


@bp.route("/ratings/<int:rating_id>", methods=["GET", "POST"])
@role_required("handler")
def rating(rating_id: int):
    item = _rating(rating_id)
    form = NoteForm()
    if request.method == "POST":
        if form.validate_on_submit():
            step = record_contact if form.step.data == "contact" else resolve_rating
            try:
                step(db.session, item, current_user, clock.now(), form.note.data)
                db.session.commit()
                flash("已保存", "success")
                return redirect(url_for(".rating", rating_id=item.id))
            except HandlingError as exc:
                db.session.rollback()
                flash(str(exc), "error")
        else:
            flash_form_errors(form)
    return render_template(
        "feedback/rating.html",
        rating=item,
        form=form,
        levels=RATING_LEVELS,
        targets=RATING_TARGETS,
        today=_today(),
        status=follow_up_status(item, _today()),
        mask_phone=mask_phone,
        mask_text=mask_text,
        may_reveal=bool(item.phone) and _may_see_contact(item),
    )


@bp.get("/stats")
@role_required("handler")
def stats():
    from admin.charts import bar_chart

    data = inquiry_stats(db.session, _today())
    sat = satisfaction_stats(db.session)
    months = list(data["by_month"].items())[-12:]
    charts = {
        "received": bar_chart([(m, b["received"]) for m, b in months], title="每月受理"),
        "done": bar_chart([(m, b["done"]) for m, b in months], title="每月办结"),
        "kinds": bar_chart(
            [(k, b["received"]) for k, b in data["by_kind"].items()], title="按类型"
        ),
        "windows": bar_chart(
            [(w, int(round((s["average"] or 0) * 20))) for w, s in sat["by_window"].items()],
            title="各窗口满意度（满分100）",
        ),
    }
    return render_template("feedback/stats.html", data=data, sat=sat, charts=charts)


@bp.get("/stats.csv")
@role_required("handler")
def stats_export():
    header, rows = stats_table(inquiry_stats(db.session, _today()))
    return csv_response(header, rows, "ledger-stats.csv", "受理情况统计.csv")


@bp.get("/requests.csv")
@role_required("handler")
def requests_export():
    """The ledger of requests (受理情况登记表), personal data masked."""
    rows = db.session.execute(select(Inquiry).order_by(Inquiry.received_at)).scalars()
    return csv_response(
        [
            "受理编号",
            "类型",
            "主题",
            "内容",
            "姓名",
            "电话",
            "受理时间",
            "答复期限",
            "状态",
            "承办部门",
            "答复时间",
            "按时办结",
        ],
        [
            [
                i.receipt_no,
                INQUIRY_KINDS.get(i.kind, i.kind),
                mask_text(i.topic),
                mask_text(i.text),
                mask_name(i.name),
                mask_phone(i.phone),
                local_text(i.received_at),
                i.due_on.isoformat() if i.due_on else "",
                INQUIRY_STATES.get(i.state, i.state),
                i.department,
                local_text(i.replied_at),
                {True: "是", False: "否", None: ""}[answered_on_time(i)],
            ]
            for i in rows
        ],
        "requests.csv",
        "受理情况登记表.csv",
    )

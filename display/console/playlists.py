"""Playlists (节目单) and their entries: fixed content and rules that fill themselves."""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from admin import changes
from admin.auth import role_required
from admin.helpers import flash_form_errors
from content_feed.clock import now
from content_feed.db import db
from content_feed.models import Category, Hall, Playlist, PlaylistEntry
from display.blueprints import console_bp
from display.console import picker
from display.console.audit import playlist_state
from display.console.forms import REFERENCE, EntryForm, PlaylistForm, refuse
from display.console.previews import led_png
from display.playlist import ENTRY_KINDS, NEEDS_APPROVAL, Resolver
from shared.ids import db_int


@console_bp.get("/playlists")
@role_required("operator")
def playlists():
    counts = dict(
        db.session.execute(
            select(PlaylistEntry.playlist_id, func.count(PlaylistEntry.id)).group_by(
                PlaylistEntry.playlist_id
            )
        ).all()
    )
    rows = db.session.execute(select(Playlist).order_by(Playlist.id)).scalars().all()
    return render_template("display/console/playlists.html", rows=rows, counts=counts)


@console_bp.post("/playlists")
@role_required("operator")
def playlist_new():
    form = PlaylistForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(url_for("display_console.playlists"))
    name = form.name.data
    hall = db.session.execute(select(Hall).order_by(Hall.id)).scalars().first()
    playlist = Playlist(name=name, hall_id=hall.id if hall else None)
    db.session.add(playlist)
    db.session.flush()
    changes.record("playlist.create", playlist, None, playlist_state(playlist), f"节目单：{name}")
    db.session.commit()
    return redirect(url_for("display_console.playlist", playlist_id=playlist.id))


def _entry_form() -> EntryForm:
    form = EntryForm()
    categories = db.session.execute(select(Category).order_by(Category.id)).scalars()
    form.category.choices = [("", "全部目录")] + [(c.code, c.name) for c in categories]
    return form


def _page(playlist: Playlist, form: EntryForm, status: int = 200):
    hall_id, at = playlist.hall_id, now()
    preview = {
        surface: Resolver(db.session, hall_id, surface, at).entries(playlist)
        for surface in ("wall", "led")
    }
    return (
        render_template(
            "display/console/playlist.html",
            playlist=playlist,
            described=[(e, picker.describe(e, hall_id, at)) for e in playlist.entries],
            kinds=ENTRY_KINDS,
            references=REFERENCE,
            own_content=picker.OWN_CONTENT,
            preview=preview,
            form=form,
            needs_approval=NEEDS_APPROVAL,
        ),
        status,
    )


@console_bp.get("/playlists/<int:playlist_id>")
@role_required("operator")
def playlist(playlist_id: int):
    return _page(db.session.get(Playlist, playlist_id) or abort(404), _entry_form())


def _picked(playlist: Playlist, form: EntryForm):
    """The content the form names (picked from the list, or typed by its exact
    title), or None with the refusal beside the title field."""
    kind = form.kind.data
    source = picker.SOURCES[picker.SOURCE_OF[kind]]
    typed = form.ref_title.data
    if form.ref_id.data is not None:
        row = db.session.get(source.model, form.ref_id.data)
        if row is not None and typed and picker.title_of(row) != typed:
            row = None  # the title was changed after the pick: go by what is typed
        elif row is None:
            return refuse(form.ref_title, f"没有找到这条{source.noun}，请从列表中选择")
    else:
        row = None
    if row is None:
        found = [r for r in picker.candidates(kind, typed, None) if picker.title_of(r) == typed]
        if not found:
            return refuse(form.ref_title, f"没有标题为“{typed}”的{source.noun}，请从列表中选择")
        fitting = [r for r in found if picker.fits_hall(r, playlist.hall_id)]
        row = (fitting or found)[0]
    if getattr(row, "scope", picker.PUBLIC) != picker.PUBLIC:
        return refuse(form.ref_title, f"“{typed}”不是向社会公开的内容，不能上屏")
    if not picker.fits_hall(row, playlist.hall_id):
        return refuse(form.ref_title, f"“{typed}”属于其他大厅，不能加入本节目单")
    return row


@console_bp.post("/playlists/<int:playlist_id>/entries")
@role_required("operator")
def entry_new(playlist_id: int):
    playlist = db.session.get(Playlist, playlist_id) or abort(404)
    form = _entry_form()
    if not form.validate_on_submit():
        return _page(playlist, form, 422)
    kind, params, seconds = form.kind.data, form.params(), form.duration_seconds.data
    if kind in REFERENCE:
        row = _picked(playlist, form)
        if not row:
            return _page(playlist, form, 422)
        params = {REFERENCE[kind]: row.id}
    before = playlist_state(playlist)
    order = max((e.sort_order for e in playlist.entries), default=-1) + 1
    playlist.entries.append(
        PlaylistEntry(
            kind=kind,
            params=params,
            duration_seconds=seconds,
            sort_order=order,
            written_by_id=current_user.id,
        )
    )
    _recorded(playlist, before)
    flash(
        "已添加节目，须经审批后才在屏幕上显示" if kind in NEEDS_APPROVAL else "已添加节目",
        "success",
    )
    return redirect(url_for("display_console.playlist", playlist_id=playlist.id))


@console_bp.get("/playlists/<int:playlist_id>/search")
@role_required("operator")
def content_search(playlist_id: int):
    """Content to pick by title, for the playlist's hall, with its LED thumbnail."""
    playlist = db.session.get(Playlist, playlist_id) or abort(404)
    kind = request.args.get("kind", "")
    words = request.args.get("q", "").strip()[:100]
    if kind in picker.OWN_CONTENT:
        return jsonify({"results": picker.own_content(kind, words)})
    if kind not in REFERENCE:
        return jsonify({"results": []})
    at, source = now(), picker.SOURCE_OF[kind]
    results = []
    for row in picker.candidates(kind, words, playlist.hall_id):
        entry = PlaylistEntry(kind=kind, params={REFERENCE[kind]: row.id})
        shown = Resolver(db.session, playlist.hall_id, "wall", at).expand(entry)
        results.append(
            {
                "id": row.id,
                "title": picker.title_of(row),
                "note": "" if shown else picker.why_not_shown(row, at),
                "thumb": url_for(THUMBS[source][0], **{THUMBS[source][1]: row.id}),
            }
        )
    return jsonify({"results": results})


def _recorded(playlist: Playlist, before: dict) -> None:
    """The change on the ledger, and saved."""
    db.session.flush()
    changes.record(
        "playlist.update", playlist, before, playlist_state(playlist), f"节目单：{playlist.name}"
    )
    db.session.commit()


def _thumb(entry: PlaylistEntry, hall_id: int | None):
    shown = picker.shape(entry, hall_id, now())
    if shown is None:
        abort(404)
    return led_png(shown, f"thumb-{entry.kind}")


@console_bp.get("/playlists/<int:playlist_id>/entries/<int:entry_id>/led.png")
@role_required("operator")
def entry_thumb(playlist_id: int, entry_id: int):
    """An entry drawn by the LED renderer, as the playlist's screens would show it."""
    playlist = db.session.get(Playlist, playlist_id) or abort(404)
    entry = next((e for e in playlist.entries if e.id == entry_id), None) or abort(404)
    return _thumb(entry, playlist.hall_id)


def content_thumb(kind: str, ident: int):
    """Content the operator may pick, drawn by the LED renderer."""
    model = picker.SOURCES[picker.SOURCE_OF[kind]].model
    row = db.session.get(model, ident) or abort(404)
    return _thumb(PlaylistEntry(kind=kind, params={REFERENCE[kind]: row.id}), None)


@console_bp.get("/preview/guides/<int:guide_id>/led.png")
@role_required("operator")
def guide_thumb(guide_id: int):
    return content_thumb("guide", guide_id)


@console_bp.get("/preview/slogans/<int:slogan_id>/led.png")
@role_required("operator")
def slogan_thumb(slogan_id: int):
    return content_thumb("slogan", slogan_id)


@console_bp.get("/preview/meetings/<int:notice_id>/led.png")
@role_required("operator")
def meeting_thumb(notice_id: int):
    return content_thumb("meeting", notice_id)


THUMBS = {
    "item": ("display_console.preview_led", "item_id"),
    "guide": ("display_console.guide_thumb", "guide_id"),
    "slogan": ("display_console.slogan_thumb", "slogan_id"),
    "meeting": ("display_console.meeting_thumb", "notice_id"),
}


@console_bp.post("/playlists/<int:playlist_id>/order")
@role_required("operator")
def entries_order(playlist_id: int):
    """The order the operator dragged the entries into (every entry, once)."""
    playlist = db.session.get(Playlist, playlist_id) or abort(404)
    entries = {e.id: e for e in playlist.entries}
    try:
        wanted = [db_int(x) for x in request.form.get("order", "").split(",") if x.strip()]
    except ValueError:
        wanted = []
    if sorted(wanted) != sorted(entries):
        flash("节目顺序没有保存：节目单已被他人修改，请刷新后重试", "error")
        return redirect(url_for("display_console.playlist", playlist_id=playlist.id))
    before = playlist_state(playlist)
    for order, ident in enumerate(wanted):
        entries[ident].sort_order = order
    _recorded(playlist, before)
    flash("节目顺序已保存", "success")
    return redirect(url_for("display_console.playlist", playlist_id=playlist.id))


@console_bp.post("/playlists/<int:playlist_id>/entries/<int:entry_id>/<action>")
@role_required("operator")
def entry_action(playlist_id: int, entry_id: int, action: str):
    playlist = db.session.get(Playlist, playlist_id) or abort(404)
    entries = list(playlist.entries)
    entry = next((e for e in entries if e.id == entry_id), None) or abort(404)
    before = playlist_state(playlist)
    n = entries.index(entry)
    if action == "delete":
        playlist.entries.remove(entry)
    elif action in ("up", "down"):
        other = n - 1 if action == "up" else n + 1
        if 0 <= other < len(entries):
            entries[n], entries[other] = entries[other], entries[n]
        for order, e in enumerate(entries):
            e.sort_order = order
    else:
        abort(404)
    _recorded(playlist, before)
    return redirect(url_for("display_console.playlist", playlist_id=playlist.id))


@console_bp.post("/playlists/<int:playlist_id>/entries/<int:entry_id>/publish")
@role_required("approver")
def entry_publish(playlist_id: int, entry_id: int):
    """审批: an operator's QR card or picture reaches the screens once an approver
    other than its writer publishes it, as a slogan does."""
    playlist = db.session.get(Playlist, playlist_id) or abort(404)
    entry = next((e for e in playlist.entries if e.id == entry_id), None) or abort(404)
    back = redirect(url_for("display_console.playlist", playlist_id=playlist.id))
    if entry.kind not in NEEDS_APPROVAL or entry.published_at is not None:
        flash("该节目无需审批或已发布", "error")
        return back
    if entry.written_by_id == current_user.id:
        flash("审批人不能是添加该节目的人本人", "error")
        return back
    before = playlist_state(playlist)
    entry.published_at, entry.published_by_id = now(), current_user.id
    db.session.flush()
    changes.record(
        "playlist.publish", playlist, before, playlist_state(playlist), f"节目单：{playlist.name}"
    )
    db.session.commit()
    flash("节目已发布，各屏幕将随即显示", "success")
    return back

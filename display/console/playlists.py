"""Playlists (节目单) and their entries: fixed content and rules that fill themselves."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import func, select

from admin import changes
from admin.auth import role_required
from admin.helpers import flash_form_errors
from content_feed.clock import now
from content_feed.db import db
from content_feed.models import Category, Hall, Playlist, PlaylistEntry
from display.blueprints import console_bp
from display.console.audit import playlist_state
from display.console.forms import EntryForm, PlaylistForm
from display.playlist import ENTRY_KINDS, NEEDS_APPROVAL, RULES, Resolver


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
    hall_id = playlist.hall_id
    preview = {
        surface: Resolver(db.session, hall_id, surface, now()).entries(playlist)
        for surface in ("wall", "led")
    }
    return (
        render_template(
            "display/console/playlist.html",
            playlist=playlist,
            kinds=ENTRY_KINDS,
            rules=RULES,
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


@console_bp.post("/playlists/<int:playlist_id>/entries")
@role_required("operator")
def entry_new(playlist_id: int):
    playlist = db.session.get(Playlist, playlist_id) or abort(404)
    form = _entry_form()
    if not form.validate_on_submit():
        return _page(playlist, form, 422)
    kind, params, seconds = form.kind.data, form.params(), form.duration_seconds.data
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
    db.session.flush()
    changes.record(
        "playlist.update", playlist, before, playlist_state(playlist), f"节目单：{playlist.name}"
    )
    db.session.commit()
    flash(
        "已添加节目，须经审批后才在屏幕上显示" if kind in NEEDS_APPROVAL else "已添加节目",
        "success",
    )
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
    db.session.flush()
    changes.record(
        "playlist.update", playlist, before, playlist_state(playlist), f"节目单：{playlist.name}"
    )
    db.session.commit()
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

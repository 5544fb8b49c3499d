"""Playlists (节目单) and their entries: fixed content and rules that fill themselves."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import func, select

from admin import changes
from content_feed.auth import role_required
from content_feed.clock import now
from content_feed.db import db
from content_feed.models import Category, Hall, Playlist, PlaylistEntry
from display.blueprints import console_bp
from display.console.audit import playlist_state
from display.console.forms import FormError, integer, optional_int, text
from display.playlist import ENTRY_KINDS, RULES, Resolver, is_local_url

# Which reference each fixed kind needs.
REFERENCE = {
    "item_headline": "item_id",
    "item_page": "item_id",
    "guide": "guide_id",
    "slogan": "slogan_id",
    "meeting": "meeting_id",
}


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
    try:
        name = text("name", required=True, limit=80, label="节目单名称")
    except FormError as exc:
        flash(exc.message, "error")
        return redirect(url_for("display_console.playlists"))
    hall = db.session.execute(select(Hall).order_by(Hall.id)).scalars().first()
    playlist = Playlist(name=name, hall_id=hall.id if hall else None)
    db.session.add(playlist)
    db.session.flush()
    changes.record("playlist.create", playlist, None, playlist_state(playlist), f"节目单：{name}")
    db.session.commit()
    return redirect(url_for("display_console.playlist", playlist_id=playlist.id))


def _params(kind: str) -> dict:
    if kind in REFERENCE:
        ident = optional_int("ref_id")
        if ident is None:
            raise FormError("ref_id", "请填写内容编号")
        return {REFERENCE[kind]: ident}
    if kind == "rule":
        rule = request.form.get("rule", "")
        if rule not in RULES:
            raise FormError("rule", "请选择规则")
        params = {"rule": rule, "limit": integer("limit", low=1, high=50, default=10, label="条数")}
        category = request.form.get("category", "")
        if rule == "newest_items" and category:
            params["category"] = category
        if request.form.get("show") == "item_page":
            params["show"] = "item_page"
        return params
    if kind == "qr_card":
        url = text("url", required=True, limit=500, label="二维码网址")
        return {
            "url": url,
            "title": text("title", limit=100, label="标题"),
            "text": text("text", limit=200, label="说明"),
            "caption": text("caption", limit=40, label="二维码下方文字"),
        }
    if kind == "image":
        url = text("url", required=True, limit=500, label="图片地址")
        if not is_local_url(url):
            raise FormError("url", "图片须来自本服务器（以 / 开头的地址），大厅内网不访问互联网")
        return {"url": url, "title": text("title", limit=100, label="标题")}
    raise FormError("kind", "节目类型无效")


def _page(playlist: Playlist, error: FormError | None = None, status: int = 200):
    hall_id = playlist.hall_id
    preview = {
        surface: Resolver(db.session, hall_id, surface, now()).entries(playlist)
        for surface in ("wall", "led")
    }
    categories = db.session.execute(select(Category).order_by(Category.id)).scalars().all()
    return (
        render_template(
            "display/console/playlist.html",
            playlist=playlist,
            kinds=ENTRY_KINDS,
            rules=RULES,
            categories=categories,
            preview=preview,
            error=error,
            form=request.form if request.method == "POST" else None,
        ),
        status,
    )


@console_bp.get("/playlists/<int:playlist_id>")
@role_required("operator")
def playlist(playlist_id: int):
    return _page(db.session.get(Playlist, playlist_id) or abort(404))


@console_bp.post("/playlists/<int:playlist_id>/entries")
@role_required("operator")
def entry_new(playlist_id: int):
    playlist = db.session.get(Playlist, playlist_id) or abort(404)
    kind = request.form.get("kind", "")
    try:
        params = _params(kind)
        seconds = integer("duration_seconds", low=1, high=3600, default=10, label="时长")
    except FormError as exc:
        return _page(playlist, exc, 422)
    before = playlist_state(playlist)
    order = max((e.sort_order for e in playlist.entries), default=-1) + 1
    playlist.entries.append(
        PlaylistEntry(kind=kind, params=params, duration_seconds=seconds, sort_order=order)
    )
    db.session.flush()
    changes.record(
        "playlist.update", playlist, before, playlist_state(playlist), f"节目单：{playlist.name}"
    )
    db.session.commit()
    flash("已添加节目", "success")
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

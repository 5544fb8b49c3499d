"""QR codes (PNG or SVG) for the online home of public items and guides."""

from __future__ import annotations

import hashlib
import io
from functools import lru_cache

import qrcode
import qrcode.image.svg
from flask import Blueprint, Response, request

from content_feed.answers import etag_matches
from content_feed.api.problems import Problem
from content_feed.clock import now
from content_feed.db import db
from content_feed.models import Guide
from content_feed.public_now import public_guide, public_item
from content_feed.urls import guide_home, item_home, public_base
from shared.ids import as_id

bp = Blueprint("qr", __name__, url_prefix="/qr")

FORMATS = {"png": "image/png", "svg": "image/svg+xml"}


@lru_cache(maxsize=512)
def render_qr(data: str, fmt: str = "png", box_size: int = 10) -> bytes:
    """The QR code for ``data``; the same input always gives the same bytes."""
    qr = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=box_size, border=4
    )
    qr.add_data(data)
    qr.make(fit=True)
    out = io.BytesIO()
    if fmt == "svg":
        qr.make_image(image_factory=qrcode.image.svg.SvgPathImage).save(out)
    else:
        qr.make_image(fill_color="black", back_color="white").save(out, format="PNG")
    return out.getvalue()


def qr_response(data: str, fmt: str) -> Response:
    if fmt not in FORMATS:
        raise Problem(404, "二维码格式只支持 png 或 svg")
    box = as_id(request.args.get("box", "10"))
    if box is None or not 2 <= box <= 40:
        raise Problem(400, "参数 box 应为 2 到 40 之间的整数", errors={"box": "取值无效"})
    etag = '"' + hashlib.sha256(f"{fmt}:{box}:{data}".encode()).hexdigest()[:32] + '"'
    headers = {"ETag": etag, "Cache-Control": "public, max-age=3600"}
    if etag_matches(request.headers.get("If-None-Match"), etag):
        return Response(status=304, headers=headers)
    return Response(render_qr(data, fmt, box), mimetype=FORMATS[fmt], headers=headers)


@bp.get("/items/<int:item_id>.<fmt>")
def item_qr(item_id: int, fmt: str):
    item = public_item(db.session, item_id, now())
    if item is None:
        raise Problem(404, f"公开事项 {item_id} 不存在或未公开")
    return qr_response(item_home(item), fmt)


def _public_guide(guide_id: int) -> Guide:
    guide = public_guide(db.session, guide_id, now())
    if guide is None:
        raise Problem(404, f"办事指南 {guide_id} 不存在或未公开")
    return guide


@bp.get("/guides/<int:guide_id>.<fmt>")
def guide_qr(guide_id: int, fmt: str):
    return qr_response(guide_home(_public_guide(guide_id)), fmt)


@bp.get("/guides/<int:guide_id>/online.<fmt>")
def guide_online_qr(guide_id: int, fmt: str):
    guide = _public_guide(guide_id)
    if not (guide.online and guide.online_url):
        raise Problem(404, "该事项暂不支持网上办理")
    return qr_response(guide.online_url, fmt)


@bp.get("/files/<int:attachment_id>.<fmt>")
def file_qr(attachment_id: int, fmt: str):
    """A guide's blank form or sample, to download on a phone (public files only)."""
    from werkzeug.exceptions import NotFound

    from content_feed.public_pages import public_attachment

    try:
        public_attachment(attachment_id)
    except NotFound:
        raise Problem(404, f"文件 {attachment_id} 不存在或未公开") from None
    return qr_response(f"{public_base()}/files/{attachment_id}", fmt)

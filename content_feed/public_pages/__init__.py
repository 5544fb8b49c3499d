"""Pages a phone opens after scanning a QR code, and public attachment files."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, render_template, send_file
from sqlalchemy import or_, select

from content_feed import pdf_pages as pdf_pages_of
from content_feed.clock import now
from content_feed.db import db
from content_feed.markup import render_markdown
from content_feed.models import Attachment, Guide, Item
from content_feed.public_now import public_guide, public_guides, public_item, public_items
from content_feed.serialize import material_files
from content_feed.timefmt import local_date
from content_feed.vocabulary import MATERIAL_FORMS, MATERIAL_NECESSITY
from content_feed.wording import visits_text

bp = Blueprint(
    "public_pages",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/p/static",
)


@bp.get("/p/items/<int:item_id>")
def item_page(item_id: int):
    item = public_item(db.session, item_id, now())
    if item is None:
        abort(404)
    return render_template(
        "public_pages/item.html",
        item=item,
        body_html=render_markdown(item.body),
        published_on=local_date(item.published_at),
    )


@bp.get("/p/guides/<int:guide_id>")
def guide_page(guide_id: int):
    guide = public_guide(db.session, guide_id, now())
    if guide is None:
        abort(404)
    files = {m.id: material_files(guide, m) for m in guide.materials}
    return render_template(
        "public_pages/guide.html",
        guide=guide,
        forms=MATERIAL_FORMS,
        necessity=MATERIAL_NECESSITY,
        files=files,
        visits_text=visits_text,
    )


def upload_folder() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"])


def public_attachment(attachment_id: int) -> Attachment:
    """An attachment of a public item's published revision, or of a public guide.

    One query whatever the id: a file that exists but is not public costs the same
    work as one that never existed and gets the same 404, so neither timing nor
    answer tells them apart (issue 20)."""
    at = now()
    public_revisions = public_items(at).with_only_columns(Item.published_revision_id)
    shown_guides = public_guides(at).with_only_columns(Guide.id)
    att = db.session.execute(
        select(Attachment).where(
            Attachment.id == attachment_id,
            or_(
                Attachment.revision_id.in_(public_revisions.order_by(None)),
                Attachment.guide_id.in_(shown_guides.order_by(None)),
            ),
        )
    ).scalar_one_or_none()
    if att is None:
        abort(404)
    return att


@bp.get("/files/<int:attachment_id>")
def attachment(attachment_id: int):
    att = public_attachment(attachment_id)
    path = upload_folder() / att.stored_name
    if not path.is_file():
        abort(404)
    return send_file(
        path,
        mimetype=att.content_type,
        download_name=att.filename,
        as_attachment=not att.is_image,
        max_age=3600,
    )


def _public_pdf(attachment_id: int) -> tuple[Path, Path, str]:
    att = public_attachment(attachment_id)
    path = upload_folder() / att.stored_name
    if att.content_type != "application/pdf" or not path.is_file():
        abort(404)
    return path, upload_folder() / "pages", att.sha256


@bp.get("/files/<int:attachment_id>/pages")
def pdf_pages(attachment_id: int):
    """How many pages a public PDF has, for the kiosk's reader."""
    path, cache, key = _public_pdf(attachment_id)
    try:
        count = pdf_pages_of.page_count(path, cache, key)
    except pdf_pages_of.PdfError:
        abort(404)
    return {"pages": count}


@bp.get("/files/<int:attachment_id>/pages/<int:number>.png")
def pdf_page(attachment_id: int, number: int):
    """One page of a public PDF as an image (rendered once, then kept)."""
    path, cache, key = _public_pdf(attachment_id)
    try:
        if not 1 <= number <= pdf_pages_of.page_count(path, cache, key):
            abort(404)
        png = pdf_pages_of.page_png(path, cache, key, number)
    except pdf_pages_of.PdfError:
        abort(404)
    return send_file(png, mimetype="image/png", max_age=3600)


@bp.get("/files/<int:attachment_id>/thumb")
def thumbnail(attachment_id: int):
    att = public_attachment(attachment_id)
    path = upload_folder() / att.thumbnail_name if att.thumbnail_name else None
    if path is None or not path.is_file():
        abort(404)
    return send_file(path, mimetype="image/jpeg", max_age=3600)

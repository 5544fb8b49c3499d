"""Database rows to the answer models of the feed API (content_feed/schemas)."""

from __future__ import annotations

from flask import url_for

from content_feed.db import db
from content_feed.markup import render_markdown
from content_feed.models import (
    Attachment,
    Category,
    Guide,
    Hall,
    Item,
    MeetingNotice,
    Slogan,
    UrgentNotice,
)
from content_feed.public_now import surfaces_of
from content_feed.schemas import feed as schema
from content_feed.time_limits import TimeLimit
from content_feed.timefmt import iso, local_date
from content_feed.urls import guide_home, item_home, public_base
from content_feed.vocabulary import (
    DISCLOSURE_MODES,
    MATERIAL_FORMS,
    MATERIAL_NECESSITY,
    TIMELINESS,
    ItemState,
)
from content_feed.wording import urgent_heading, visits_text


def category(cat: Category) -> schema.Category:
    return schema.Category(id=cat.id, code=cat.code, name=cat.name, domain=cat.domain)


def attachment(att: Attachment) -> schema.Attachment:
    return schema.Attachment(
        **{
            "id": att.id,
            "filename": att.filename,
            "content_type": att.content_type,
            "size": att.size,
            "url": url_for("public_pages.attachment", attachment_id=att.id),
            "thumbnail_url": (
                url_for("public_pages.thumbnail", attachment_id=att.id)
                if att.thumbnail_name
                else None
            ),
            "width": att.width,
            "height": att.height,
        }
    )


def _item_fields(item: Item) -> dict:
    return {
        "id": item.id,
        "index_number": item.index_number,
        "title": item.title,
        "led_text": item.led_text or item.title,
        "domain": item.domain,
        "category": category(item.category),
        "disclosure_mode": item.disclosure_mode,
        "disclosure_mode_label": DISCLOSURE_MODES.get(item.disclosure_mode, ""),
        "timeliness": item.timeliness,
        "timeliness_label": TIMELINESS.get(item.timeliness, ""),
        "refresh_period_days": item.refresh_period_days,
        "publishing_body": item.publishing_body,
        "subject": item.subject,
        "document_number": item.document_number,
        "written_on": iso(item.written_on),
        "published_on": local_date(item.published_at),
        "updated_at": iso(item.last_published_at),
        "valid_from": iso(item.valid_from),
        "valid_until": iso(item.valid_until),
        "summary": item.summary,
        "surfaces": surfaces_of(item),
        "halls": [h.code for h in item.halls],
        "online_url": item_home(item),
        "qr": url_for("qr.item_qr", item_id=item.id, fmt="png"),
        "pre_disclosure": (
            {"comment_from": iso(item.comment_from), "comment_until": iso(item.comment_until)}
            if item.state == ItemState.PRE_DISCLOSURE
            else None
        ),
    }


def item_summary(item: Item) -> schema.ItemSummary:
    return schema.ItemSummary(**_item_fields(item))


def item_detail(item: Item) -> schema.ItemDetail:
    return schema.ItemDetail(
        **_item_fields(item),
        body_html=render_markdown(item.body),
        attachments=[attachment(a) for a in item.attachments],
    )


def _guide_fields(guide: Guide) -> dict:
    return {
        "id": guide.id,
        "code": guide.code,
        "name": guide.name,
        "kind": guide.kind,
        "summary": guide.summary,
        "implementing_body": guide.implementing_body,
        "statutory_limit": guide.statutory_limit,
        "promised_limit": guide.promised_limit,
        "fee": guide.fee_text,
        "online": guide.online,
        "window": guide.window.label if guide.window else "",
        "hall": guide.hall.code if guide.hall else None,
        "page_url": guide_home(guide),
        "qr": url_for("qr.guide_qr", guide_id=guide.id, fmt="png"),
    }


def _guide_file(guide: Guide, attachment_id: int | None) -> schema.GuideFile | None:
    """A blank form or sample of ``guide``: where to download it and its QR code.
    Only the guide's own files (public with it, see content_feed.public_pages)."""
    if not attachment_id:
        return None
    att = db.session.get(Attachment, attachment_id)
    if att is None or att.guide_id != guide.id:
        return None
    return schema.GuideFile(
        **{
            "id": att.id,
            "filename": att.filename,
            "is_image": att.is_image,
            "url": url_for("public_pages.attachment", attachment_id=att.id),
            "download_url": f"{public_base()}/files/{att.id}",
            "thumb": (
                url_for("public_pages.thumbnail", attachment_id=att.id)
                if att.is_image and att.thumbnail_name
                else None
            ),
            "qr": url_for("qr.file_qr", attachment_id=att.id, fmt="png"),
        }
    )


def material_files(guide: Guide, material) -> dict[str, schema.GuideFile | None]:
    """空白表格 and 填写样例 of one material (None when the staff attached none)."""
    return {
        "blank_form": _guide_file(guide, material.blank_form_id),
        "sample": _guide_file(guide, material.sample_id),
    }


def time_limit(limit: TimeLimit) -> schema.TimeLimit:
    return schema.TimeLimit(value=limit.value, unit=limit.unit, text=str(limit))


def guide_summary(guide: Guide) -> schema.GuideSummary:
    return schema.GuideSummary(**_guide_fields(guide))


def guide_detail(guide: Guide) -> schema.GuideDetail:
    return schema.GuideDetail(
        **_guide_fields(guide),
        **{
            "basis": guide.basis,
            "conditions": guide.conditions,
            "statutory": time_limit(guide.statutory),
            "promised": time_limit(guide.promised),
            "statutory_days": guide.statutory.working_days,
            "promised_days": guide.promised.working_days,
            "is_free": guide.is_free,
            "fees": [
                {"name": f.name, "standard": f.standard, "basis": f.basis} for f in guide.fees
            ],
            "location": guide.location,
            "office_hours": guide.office_hours,
            "consult_phone": guide.consult_phone,
            "complaint_phone": guide.complaint_phone,
            "visits": guide.visits,
            "visits_text": visits_text(guide.visits),
            "online_url": guide.online_url,
            "online_qr": (
                url_for("qr.guide_online_qr", guide_id=guide.id, fmt="png")
                if guide.online and guide.online_url
                else None
            ),
            "materials": [
                {
                    "name": m.name,
                    "form": m.form,
                    "form_label": MATERIAL_FORMS.get(m.form, m.form),
                    "copies": m.copies,
                    "necessity": m.necessity,
                    "necessity_label": MATERIAL_NECESSITY.get(m.necessity, m.necessity),
                    "deferrable": m.deferrable,
                    "source": m.source,
                    "notes": m.notes,
                    **material_files(guide, m),
                }
                for m in guide.materials
            ],
            "steps": [{"title": s.title, "description": s.description} for s in guide.steps],
            "faqs": [{"question": f.question, "answer": f.answer} for f in guide.faqs],
        },
    )


def meeting(notice: MeetingNotice) -> schema.Meeting:
    return schema.Meeting(
        **{
            "id": notice.id,
            "title": notice.title,
            "meeting_at": iso(notice.meeting_at),
            "meeting_ends_at": iso(notice.meeting_ends_at),
            "place": notice.place,
            "topics": notice.topics,
            "observer_quota": notice.observer_quota,
            "eligibility": notice.eligibility,
            "how_to_register": notice.how_to_register,
            "register_until": iso(notice.register_until),
            "published_at": iso(notice.published_at),
        }
    )


def slogan(s: Slogan) -> schema.Slogan:
    return schema.Slogan(id=s.id, text=s.text)


def urgent(notice: UrgentNotice) -> schema.UrgentNotice:
    return schema.UrgentNotice(
        **{
            "id": notice.id,
            "title": notice.title,
            "heading": urgent_heading(notice.title),
            "body": notice.body,
            "starts_at": iso(notice.starts_at),
            "ends_at": iso(notice.ends_at),
            "surfaces": surfaces_of(notice),
        }
    )


def hall(h: Hall) -> schema.Hall:
    return schema.Hall(
        **{
            "code": h.code,
            "name": h.name,
            "address": h.address,
            "opening_hours": h.opening_hours,
            "phone": h.phone,
            "windows": [
                {"id": w.id, "number": w.number, "name": w.name, "services": w.services}
                for w in h.windows
            ],
        }
    )

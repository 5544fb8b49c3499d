"""Blank forms and samples attached to a guide's materials reach the kiosk and the
phone page, with a QR code to download them (issue #12)."""

from __future__ import annotations

import io

import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import select

from admin.uploads import save_upload
from content_feed.db import db
from content_feed.models import Guide

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _kiosk_token(request):
    """Kiosk requests carry the demo kiosk's token, as the kiosk page sends it."""
    if "client" in request.fixturenames:
        request.getfixturevalue("client").environ_base["HTTP_X_TERMINAL_TOKEN"] = "demo-kiosk-token"


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (120, 80), "white").save(out, format="PNG")
    return out.getvalue()


def attach_files(guide_name="不动产登记（二手房转移登记）") -> tuple[Guide, int, int]:
    guide = db.session.execute(select(Guide).where(Guide.name == guide_name)).scalar_one()
    blank = save_upload(db.session, "申请表.pdf", PDF, guide_id=guide.id)
    sample = save_upload(db.session, "填写样例.png", png_bytes(), guide_id=guide.id)
    guide.materials[0].blank_form_id = blank.id
    guide.materials[0].sample_id = sample.id
    db.session.commit()
    return guide, blank.id, sample.id


def test_kiosk_bundle_and_api_carry_the_files_with_qr_codes(demo_app, client):
    guide, blank_id, sample_id = attach_files()
    bundle = client.get("/kiosk/kiosk-1/bundle.json").get_json()
    shown = next(g for g in bundle["guides"] if g["id"] == guide.id)
    material = shown["materials"][0]
    assert material["blank_form"]["filename"] == "申请表.pdf"
    assert material["sample"]["is_image"] and material["sample"]["thumb"]
    assert shown["materials"][1]["blank_form"] is None
    qr = client.get(material["blank_form"]["qr"])
    assert qr.status_code == 200
    text = zxingcpp.read_barcodes(Image.open(io.BytesIO(qr.data)))[0].text
    assert text == f"http://hall.example.test/files/{blank_id}"
    assert client.get(f"/files/{blank_id}").data == PDF
    assert client.get(f"/files/{sample_id}/thumb").status_code == 200
    api = client.get(f"/api/v1/guides/{guide.id}").get_json()
    assert api["materials"][0]["sample"]["id"] == sample_id


def test_phone_page_links_the_files(demo_app, client):
    guide, blank_id, sample_id = attach_files()
    page = client.get(f"/p/guides/{guide.id}").get_data(as_text=True)
    assert f'href="/files/{blank_id}"' in page and "下载空白表格" in page
    assert f'href="/files/{sample_id}"' in page and "查看填写样例" in page


def test_files_of_a_guide_taken_down_are_not_offered(demo_app, client):
    guide, blank_id, _ = attach_files()
    guide.state = "draft"
    db.session.commit()
    assert client.get(f"/qr/files/{blank_id}.png").status_code == 404
    assert client.get(f"/files/{blank_id}").status_code == 404
    assert client.get("/qr/files/99999999999.png").status_code == 404

"""Attachment intake: types from the bytes, bombs refused, images re-encoded, thumbnails."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from admin import uploads
from content_feed.db import db
from content_feed.models import Attachment, Item
from tests.admin.test_admin_workflow import new_item, walk_to_publication


def png(size=(60, 40), color="red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def jpeg_with_exif() -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", (80, 50), "blue")
    exif = Image.Exif()
    exif[0x010F] = "SecretCameraMaker"  # Make
    exif[0x8825] = {2: (39.0, 54.0, 0.0)}  # a GPS IFD
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def office(member: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr(member, "<x/>")
    return out.getvalue()


def bomb() -> bytes:
    """A tiny PNG that claims 20000 × 20000 pixels (400 megapixels)."""
    out = io.BytesIO()
    Image.new("1", (20000, 20000)).save(out, "PNG")
    return out.getvalue()


def test_types_come_from_the_bytes_not_the_name(app):
    assert uploads.inspect(b"%PDF-1.7\n...").content_type == uploads.PDF
    assert uploads.inspect(office("word/document.xml")).content_type == uploads.DOCX
    assert uploads.inspect(office("xl/workbook.xml")).content_type == uploads.XLSX
    for refused in (
        b"MZ\x90\x00 an exe",
        b"<html><script>",
        office("other.xml"),
        b"PK\x03\x04junk",
    ):
        with pytest.raises(uploads.UploadError, match="不支持"):
            uploads.inspect(refused)


def test_decompression_bomb_and_broken_images_are_refused(app):
    data = bomb()
    assert len(data) < 100_000
    with pytest.raises(uploads.UploadError, match="解压炸弹"):
        uploads.inspect(data)
    with pytest.raises(uploads.UploadError, match="损坏"):
        uploads.inspect(png()[:40])


def test_size_limit(app):
    app.config["UPLOAD_MAX_BYTES"] = 1024
    with pytest.raises(uploads.UploadError, match="上限"):
        uploads.inspect(b"%PDF-" + b"0" * 2000)


def test_images_are_re_encoded_without_metadata_or_payload(app):
    payload = png() + b"<?php system($_GET['c']); ?>"
    stored = uploads.inspect(payload)
    assert stored.content_type == "image/png" and b"<?php" not in stored.data
    assert Image.open(io.BytesIO(stored.thumbnail)).format == "JPEG"
    stored = uploads.inspect(jpeg_with_exif())
    assert b"SecretCameraMaker" not in stored.data
    assert not Image.open(io.BytesIO(stored.data)).getexif()


def test_upload_through_the_console_stores_random_names_and_serves_thumbnails(app, as_role, client):
    drafter = as_role("drafter")
    item_id = new_item(drafter)
    response = drafter.post(
        f"/admin/items/{item_id}/attachments",
        data={
            "file": [
                (io.BytesIO(png()), "公示照片.png"),
                (io.BytesIO(b"MZ evil"), "说明.pdf"),
                (io.BytesIO(bomb()), "炸弹.png"),
            ]
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "已上传 公示照片.png" in page
    assert "说明.pdf：不支持的文件类型" in page and "炸弹.png：图片像素过大" in page
    att = db.session.execute(select(Attachment)).scalar_one()
    assert att.filename == "公示照片.png" and "公示" not in att.stored_name
    folder = Path(app.config["UPLOAD_FOLDER"])
    assert (folder / att.stored_name).is_file() and (folder / att.thumbnail_name).is_file()
    assert drafter.get(f"/admin/attachments/{att.id}?thumb=1").mimetype == "image/jpeg"
    # Not public until the item is.
    assert client.get(f"/files/{att.id}").status_code == 404


def test_attachments_follow_a_revision_and_become_public_with_it(app, as_role, client):
    item_id = walk_to_publication(as_role, "带附件的事项")
    drafter = as_role("drafter")
    drafter.post(f"/admin/items/{item_id}/revise")
    drafter.post(
        f"/admin/items/{item_id}/attachments",
        data={"file": (io.BytesIO(b"%PDF-1.4 test"), "附件.pdf")},
        content_type="multipart/form-data",
    )
    att = db.session.execute(select(Attachment)).scalar_one()
    assert client.get(f"/files/{att.id}").status_code == 404  # the draft's file
    from tests.admin.test_admin_workflow import propose

    propose(drafter, item_id)
    as_role("reviewer").post(f"/admin/items/{item_id}/review", data={})
    as_role("approver").post(f"/admin/items/{item_id}/approve", data={})
    assert db.session.get(Item, item_id).attachments[0].id == att.id
    response = client.get(f"/files/{att.id}")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")

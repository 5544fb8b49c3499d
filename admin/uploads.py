"""Attachment intake: size limit, type sniffed from the bytes, images re-encoded.

Nothing a browser sends is trusted: the file name only gives the download
name, the type comes from magic bytes (and for Office files, from the zip's
own table of contents), images are decoded by Pillow under a decompression
bomb guard and written anew (which drops metadata and any trailing payload),
and files are stored under random names in ``UPLOAD_FOLDER``.
"""

from __future__ import annotations

import hashlib
import io
import secrets
import zipfile
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy.orm import Session

from admin.decode_budget import Busy, budget_for
from content_feed.models import Attachment
from shared.file_modes import private_dir, write_private

# Bytes per file; MAX_CONTENT_LENGTH bounds the whole request above this.
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
# Pixels per image: a 40-megapixel photo is fine, a 1-gigapixel PNG of 1 KB is not.
MAX_PIXELS = 40_000_000
# An animated GIF is decoded frame by frame on a canvas of its full size: its
# frames × canvas pixels are bounded the same way (30 frames of 4000×4000 in a
# 388 KB file would otherwise take a minute and hundreds of MB to re-encode).
MAX_ANIMATION_PIXELS = 40_000_000
MAX_FRAMES = 300
THUMBNAIL_SIZE = (320, 320)

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
EXTENSIONS = {
    PDF: ".pdf",
    DOCX: ".docx",
    XLSX: ".xlsx",
    PPTX: ".pptx",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/gif": ".gif",
}
# Pillow format name → the format we write it back as.
IMAGE_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif"}


class UploadError(ValueError):
    """A refused file; the message is Chinese and shown to staff."""


@dataclass
class Stored:
    content_type: str
    data: bytes
    width: int | None = None
    height: int | None = None
    thumbnail: bytes | None = None


def sniff(head: bytes, data: bytes) -> str | None:
    """The content type from the bytes themselves, or None when not accepted."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head.startswith(b"PK\x03\x04"):
        return _office_type(data)
    return None


def _office_type(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    if "ppt/presentation.xml" in names:
        return PPTX
    return None


def _open_image(data: bytes) -> Image.Image:
    """Decode fully under the bomb guard; raise UploadError on anything odd.

    The header gives the size before any pixel is decoded: refuse above
    MAX_PIXELS there (Pillow's own ``Image.MAX_IMAGE_PIXELS`` guard stays on
    behind it as a second line).
    """
    try:
        with Image.open(io.BytesIO(data)) as probe:
            width, height = probe.size
            if width * height > MAX_PIXELS:
                raise UploadError("图片像素过大，疑似“解压炸弹”，已拒绝")
            probe.verify()
        image = Image.open(io.BytesIO(data))
        image.load()
    except Image.DecompressionBombError as exc:
        raise UploadError("图片像素过大，疑似“解压炸弹”，已拒绝") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        if isinstance(exc, UploadError):
            raise
        raise UploadError("图片已损坏或格式不正确") from exc
    return image


def gif_frames(data: bytes) -> tuple[int, int]:
    """(frames, pixels decoded over all frames) of a GIF, read from its block
    structure alone: no pixel is decoded. A truncated file counts what is there."""
    if len(data) < 13:
        return 0, 0
    screen = int.from_bytes(data[6:8], "little") * int.from_bytes(data[8:10], "little")
    pos = 13
    if data[10] & 0x80:
        pos += 3 * (2 ** ((data[10] & 7) + 1))
    frames = pixels = 0
    while pos < len(data):
        block = data[pos]
        if block == 0x3B:  # trailer
            break
        if block == 0x21:  # extension: label, then sub-blocks
            pos += 2
        elif block == 0x2C:  # image descriptor
            if pos + 10 > len(data):
                break
            width = int.from_bytes(data[pos + 5 : pos + 7], "little")
            height = int.from_bytes(data[pos + 7 : pos + 9], "little")
            packed = data[pos + 9]
            frames += 1
            pixels += max(screen, width * height)
            pos += 10
            if packed & 0x80:
                pos += 3 * (2 ** ((packed & 7) + 1))
            pos += 1  # LZW minimum code size
        else:
            break
        while pos < len(data) and data[pos]:  # sub-blocks up to the empty one
            pos += data[pos] + 1
        pos += 1
    return frames, pixels


def _check_animation(data: bytes) -> None:
    frames, pixels = gif_frames(data)
    if frames > MAX_FRAMES:
        raise UploadError(f"动图帧数过多（{frames} 帧，上限 {MAX_FRAMES} 帧），已拒绝")
    if pixels > MAX_ANIMATION_PIXELS:
        raise UploadError("动图的帧数 × 像素过大，疑似“解压炸弹”，已拒绝")


def _header_pixels(data: bytes) -> int:
    """Pixels the image will need, read from its header (nothing decoded)."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            return probe.size[0] * probe.size[1]
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return 1  # _open_image refuses it with the right message


def reencode_image(data: bytes) -> Stored:
    """A clean copy of the image (no metadata, no trailing bytes) and a JPEG thumbnail,
    decoded within the process's pixel budget (admin/decode_budget.py)."""
    if data[:6] in (b"GIF87a", b"GIF89a"):
        _check_animation(data)
    megapixels = current_app.config["SUNLIGHT"]["security"]["image_decode_megapixels"]
    try:
        with budget_for(megapixels).hold(_header_pixels(data)):
            return _reencode(data)
    except Busy:
        raise UploadError("服务器正在处理其他图片，请稍后再上传") from None


def _reencode(data: bytes) -> Stored:
    image = _open_image(data)
    content_type = IMAGE_FORMATS.get(image.format or "")
    if content_type is None:
        raise UploadError("只接受 PNG、JPEG、GIF 图片")
    out = io.BytesIO()
    if content_type == "image/jpeg":
        # Turn by the EXIF orientation before the metadata is dropped.
        image = ImageOps.exif_transpose(image)
        image.convert("RGB").save(out, "JPEG", quality=88, optimize=True)
    elif content_type == "image/png":
        if image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
            image = image.convert("RGBA")
        image.save(out, "PNG", optimize=True)
    else:
        image.save(out, "GIF", save_all=getattr(image, "n_frames", 1) > 1)
    thumb = image.convert("RGB")
    thumb.thumbnail(THUMBNAIL_SIZE)
    thumb_out = io.BytesIO()
    thumb.save(thumb_out, "JPEG", quality=82)
    return Stored(content_type, out.getvalue(), image.width, image.height, thumb_out.getvalue())


def inspect(data: bytes, max_bytes: int | None = None) -> Stored:
    """Check an upload's bytes and give back what to store."""
    limit = max_bytes or current_app.config.get("UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES)
    if not data:
        raise UploadError("文件是空的")
    if len(data) > limit:
        raise UploadError(f"文件超过 {limit // (1024 * 1024)} MB 的上限")
    content_type = sniff(data[:16], data)
    if content_type is None:
        raise UploadError("不支持的文件类型：只接受 PDF、Word(docx)、Excel(xlsx)、PPT(pptx) 和图片")
    if content_type.startswith("image/"):
        return reencode_image(data)
    return Stored(content_type, data)


def _safe_filename(name: str, content_type: str) -> str:
    """Keep the staff's (Chinese) name for downloads, with the extension of the real type."""
    stem = Path((name or "").replace("\\", "/")).name
    stem = "".join(ch for ch in stem if ch.isprintable() and ch not in '<>:"/|?*')
    stem = Path(stem).stem.strip(" .")[:120] or "附件"
    return stem + EXTENSIONS[content_type]


def save_upload(
    session: Session,
    filename: str,
    data: bytes,
    *,
    revision_id: int | None = None,
    guide_id: int | None = None,
) -> Attachment:
    """Check, store under a random name, and add an Attachment row (not committed)."""
    if (revision_id is None) == (guide_id is None):
        raise ValueError("an attachment belongs to exactly one revision or guide")
    stored = inspect(data)
    folder = private_dir(Path(current_app.config["UPLOAD_FOLDER"]))
    token = secrets.token_hex(16)
    stored_name = token + EXTENSIONS[stored.content_type]
    write_private(folder / stored_name, stored.data)
    thumbnail_name = ""
    if stored.thumbnail is not None:
        thumbnail_name = f"{token}.thumb.jpg"
        write_private(folder / thumbnail_name, stored.thumbnail)
    att = Attachment(
        revision_id=revision_id,
        guide_id=guide_id,
        filename=_safe_filename(filename, stored.content_type),
        content_type=stored.content_type,
        size=len(stored.data),
        sha256=hashlib.sha256(stored.data).hexdigest(),
        stored_name=stored_name,
        width=stored.width,
        height=stored.height,
        thumbnail_name=thumbnail_name,
    )
    session.add(att)
    session.flush()
    return att

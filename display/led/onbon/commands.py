"""Requests we send and answers cards give (manual §5), for BX-5 and BX-6.

Only RAM commands: the dynamic area (A7 00, "动态区域信息不能掉电保存，但可以无限次
更新"), ping (A2 00) and brightness (A2 07). Nothing here writes the card's flash.

Length fields, as we read the manuals (checked by our simulator, which reads them
back the same way):

- ``AreaDataLen`` counts every byte after itself to the end of the area's data
  (BX-5: the area's parameters and its pages; BX-6: the parameters, pages'
  parameters and the bitmap data of that area).
- ``PageDataLen`` counts every byte of the page record after itself (BX-5: the page
  parameters and its bitmap; BX-6: the page parameters and the bitmap kept after
  all parameters, whose size ``DataLen`` also gives).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

from PIL import Image

from display.led.onbon.bitmap import Layout, pack, unpack

RETURN_REQUIRED = 0x01
GROUP_ACK, CMD_ACK, CMD_NACK = 0xA0, 0x00, 0x01
GROUP_AREA, CMD_AREA_UPDATE, CMD_AREA_DELETE = 0xA7, 0x00, 0x01
GROUP_SYSTEM, CMD_PING, CMD_BRIGHTNESS = 0xA2, 0x00, 0x07
AREA_TYPE_DYNAMIC = 0x10

# Run modes (RunMode) and display modes (DisplayMode) we use.
RUN_LOOP = 0  # 动态区数据循环显示: keeps the last pushed state if we go silent
SHOW_STATIC = 0x01  # 静止显示
SHOW_CONTINUOUS_LEFT = 0x04  # 向左连移: consecutive pages move left as one strip
PLAY_ONLY_DYNAMIC = 1  # ImmePlay 1: the card's own programs pause, only the area plays

# Error register values (§5.2.2), with what an operator reads in the console.
ERRORS = {
    0: ("ERR_NO", "无错误"),
    1: ("ERR_OUTOFGROUP", "命令组错误"),
    2: ("ERR_NOCMD", "命令不存在"),
    3: ("ERR_BUSY", "控制卡忙"),
    4: ("ERR_MEMORYVOLUME", "存储容量越界（动态区数据太大）"),
    5: ("ERR_CHECKSUM", "数据包 CRC 校验错误"),
    6: ("ERR_FILENOTEXIST", "文件不存在"),
    7: ("ERR_FLASH", "Flash 访问错误"),
    8: ("ERR_FILE_DOWNLOAD", "文件下载错误"),
    9: ("ERR_FILE_NAME", "文件名错误"),
    10: ("ERR_FILE_TYPE", "文件类型错误"),
    11: ("ERR_FILE_CRC16", "文件校验错误"),
    12: ("ERR_FONT_NOT_EXIST", "字库文件不存在"),
    13: ("ERR_FIRMWARE_TYPE", "固件与控制卡类型不匹配"),
    14: ("ERR_DATE_TIME_FORMAT", "日期时间格式错误"),
    15: ("ERR_FILE_EXIST", "文件已存在"),
    16: ("ERR_FILE_BLOCK_NUM", "文件块号错误"),
    17: ("ERR_CONTROLLER_TYPE", "控制卡类型不匹配"),
    18: ("ERR_SCREEN_PARA", "控制卡参数越界或错误（请核对屏幕尺寸与颜色）"),
    19: ("ERR_CONTROLLER_ID", "控制卡 ID 错误"),
}
ERR_BUSY, ERR_MEMORY, ERR_CHECKSUM, ERR_SCREEN = 3, 4, 5, 18
RETRYABLE = {ERR_BUSY, ERR_CHECKSUM}

# Device types of the header (§4), by generation.
DEVICE_TYPES = {
    "bx5": {
        0x0154: "BX-5E1",
        0x0254: "BX-5E2",
        0x0354: "BX-5E3",
        0x1056: "BX-5Q0+",
        0x1156: "BX-5Q1+",
        0x1256: "BX-5Q2+",
    },
    "bx6": {
        0x0066: "BX-6QL",
        0x0166: "BX-6Q1",
        0x0266: "BX-6Q2",
        0x0366: "BX-6Q3",
        0x0466: "BX-6Q2L",
        0x0566: "BX-6Q3L",
        0x0174: "BX-6E1",
        0x0274: "BX-6E2",
        0x0374: "BX-6E3",
        0x0474: "BX-6E1X",
        0x0574: "BX-6E2X",
    },
}
MAX_AREAS = {"bx5": 4, "bx6": 32}
MAX_AREA_BYTES = 300 * 1024  # "每个动态区域最大容量为300K"


def full_colour(device_type: int) -> bool:
    """Q cards (5Q: low byte 0x56, 6Q: 0x66) take full colour; E cards one or two."""
    return (device_type & 0xFF) in (0x56, 0x66)


def generation_of(device_type: int) -> str | None:
    for generation, types in DEVICE_TYPES.items():
        if device_type in types:
            return generation
    return None


def error_text(code: int) -> str:
    name, text = ERRORS.get(code, (f"ERR_{code}", "未知错误"))
    return f"{text}（{name}）"


@dataclass(frozen=True)
class Page:
    """One page of a dynamic area: a picture and how the card shows it."""

    image: Image.Image
    display_mode: int = SHOW_STATIC
    stay_ms: int = 10_000  # StayTime, sent in 10 ms
    speed: int = 1  # 速度等级 of a moving page
    repeat: int = 1


@dataclass(frozen=True)
class Area:
    area_id: int
    x: int
    y: int
    width: int
    height: int
    pages: list[Page] = field(default_factory=list)
    run_mode: int = RUN_LOOP
    timeout: int = 0
    imme_play: int = PLAY_ONLY_DYNAMIC


# -- requests ---------------------------------------------------------------


def ping() -> bytes:
    return bytes((RETURN_REQUIRED, GROUP_SYSTEM, CMD_PING, 0, 0))


def brightness(level: int | list[int]) -> bytes:
    """Manual brightness 0–15, or 48 half-hour values (from 00:00) for timed brightness."""
    if isinstance(level, int):
        mode, values = 0x00, [level] * 48
    else:
        mode, values = 0x01, list(level)
    if len(values) != 48 or not all(0 <= v <= 15 for v in values):
        raise ValueError("brightness is 0–15, or 48 half-hour values of 0–15")
    return bytes((RETURN_REQUIRED, GROUP_SYSTEM, CMD_BRIGHTNESS)) + struct.pack(
        "<HB48B", 49, mode, *values
    )


def delete_areas(area_ids: list[int] | None = None) -> bytes:
    head = bytes((RETURN_REQUIRED, GROUP_AREA, CMD_AREA_DELETE, 0, 0))
    if area_ids is None:
        return head + b"\xff"
    return head + bytes((len(area_ids), *area_ids))


def _page_params(page: Page, area: Area) -> bytes:
    # PageStyle 0, DisplayMode, ClearMode 0, Speed, StayTime, RepeatTime, ValidLen.
    return struct.pack(
        "<BBBBHBH",
        0x00,
        page.display_mode,
        0x00,
        page.speed,
        max(0, min(0xFFFF, round(page.stay_ms / 10))),
        page.repeat,
        area.width,
    )


def _area_params(area: Area) -> bytes:
    # AreaId, RunMode, Timeout, RelateAllPro 1, RelateProNum 0, ImmePlay, Reserved(4),
    # AreaType, X, Y, W, H, AreaFFlag 0 (no frame).
    return struct.pack(
        "<BBHBHB4xBHHHHB",
        area.area_id,
        area.run_mode,
        area.timeout,
        1,
        0,
        area.imme_play,
        AREA_TYPE_DYNAMIC,
        area.x,
        area.y,
        area.width,
        area.height,
        0,
    )


def update_area(area: Area, layout: Layout) -> bytes:
    """A7 00 for one area, laid out for ``layout.generation``."""
    if not area.pages:
        raise ValueError("a dynamic area needs at least one page")
    bitmaps = [pack(p.image, area.x, layout) for p in area.pages]
    if sum(len(b) for b in bitmaps) > MAX_AREA_BYTES:
        raise ValueError(f"动态区数据超过 {MAX_AREA_BYTES // 1024}K：请减少页数或条屏尺寸")
    head = bytes((RETURN_REQUIRED, GROUP_AREA, CMD_AREA_UPDATE, 0, 0))
    if layout.generation == "bx5":
        body = _area_params(area) + struct.pack("<H", len(area.pages))
        for page, bitmap in zip(area.pages, bitmaps, strict=True):
            record = _page_params(page, area) + bytes(4) + bitmap
            body += struct.pack("<I", len(record)) + record
        return head + struct.pack("<I", len(body)) + body
    # BX-6: BackGroundFlag 0, Transparency 0, AreaEqual 0, SoundFlag 0, Reserved(5).
    params = _area_params(area) + struct.pack("<BBBB5x", 0, 0, 0, 0)
    params += struct.pack("<H", len(area.pages))
    offset = 0
    for page, bitmap in zip(area.pages, bitmaps, strict=True):
        record = _page_params(page, area) + bytes(9) + struct.pack("<II", offset, len(bitmap))
        params += struct.pack("<I", len(record) + len(bitmap)) + record
        offset += len(bitmap)
    body = params + b"".join(bitmaps)
    return head + struct.pack("<HI", 1, len(body)) + body


# -- answers ------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    group: int
    cmd: int
    status: int
    error: int
    data: bytes = b""

    @property
    def ack(self) -> bool:
        return not (self.status & 1) and not (self.group == GROUP_ACK and self.cmd == CMD_NACK)

    @property
    def error_text(self) -> str:
        return error_text(self.error)


def answer(group: int, cmd: int, error: int = 0, data: bytes = b"") -> bytes:
    """What a card sends back (the simulator's side)."""
    status = 1 if error or (group, cmd) == (GROUP_ACK, CMD_NACK) else 0
    return struct.pack("<BBBHHH", 0, group, cmd, status, error, len(data)) + data


def ack() -> bytes:
    return answer(GROUP_ACK, CMD_ACK)


def nack(error: int) -> bytes:
    return answer(GROUP_ACK, CMD_NACK, error)


def parse_answer(data: bytes) -> Answer:
    if len(data) < 9:
        raise ValueError(f"answer too short ({len(data)} bytes)")
    _, group, cmd, status, error, length = struct.unpack("<BBBHHH", data[:9])
    if len(data) < 9 + length:
        raise ValueError("answer shorter than its DataLen")
    return Answer(group, cmd, status, error, data[9 : 9 + length])


# -- reading requests back (the simulator's side) ----------------------------


@dataclass
class Request:
    group: int
    cmd: int
    return_required: bool
    payload: bytes


def parse_request(data: bytes) -> Request:
    if len(data) < 3:
        raise ValueError("request too short")
    return Request(data[1], data[2], data[0] == RETURN_REQUIRED, data[3:])


class _Reader:
    def __init__(self, data: bytes):
        self.data, self.pos = data, 0

    def take(self, fmt: str):
        size = struct.calcsize(fmt)
        if self.pos + size > len(self.data):
            raise ValueError(f"data ends at byte {len(self.data)}, {size} more needed")
        values = struct.unpack_from(fmt, self.data, self.pos)
        self.pos += size
        return values if len(values) > 1 else values[0]

    def raw(self, size: int) -> bytes:
        if size < 0 or self.pos + size > len(self.data):
            raise ValueError("a length field points past the end of the data")
        chunk = self.data[self.pos : self.pos + size]
        self.pos += size
        return chunk


def _read_area(r: _Reader) -> tuple[Area, int]:
    area_id, run_mode, timeout, relate_all, relate_num = r.take("<BBHBH")
    r.raw(2 * relate_num)
    imme_play = r.take("<B")
    r.raw(4)
    area_type, x, y, width, height, frame_flag = r.take("<BHHHHB")
    if area_type != AREA_TYPE_DYNAMIC:
        raise ValueError(f"area type 0x{area_type:02X} is not a dynamic area")
    if frame_flag:
        _, _, _, frame_width, _ = r.take("<BBBBH")
        r.raw(frame_width)
    area = Area(area_id, x, y, width, height, [], run_mode, timeout, imme_play)
    return area, relate_all


def parse_update(payload: bytes, layout: Layout) -> Area:
    """The area (pages decoded to pictures) of an A7 00 payload; ValueError when a
    length, size or offset does not add up."""
    r = _Reader(payload)
    r.raw(2)  # reserved
    pages: list[Page] = []
    if layout.generation == "bx5":
        area_len = r.take("<I")
        if area_len != len(payload) - r.pos:
            raise ValueError(f"AreaDataLen {area_len} ≠ {len(payload) - r.pos} bytes that follow")
        area, _ = _read_area(r)
        for _ in range(r.take("<H")):
            record = r.take("<I")
            start = r.pos
            _, mode, _, speed, stay, repeat, _ = r.take("<BBBBHBH")
            r.raw(4)
            bitmap = r.raw(record - (r.pos - start))
            image = unpack(bitmap, area.x, area.width, area.height, layout)
            pages.append(Page(image, mode, stay * 10, speed, repeat))
    else:
        area_num, area_len = r.take("<HI")
        if area_num != 1:
            raise ValueError(f"{area_num} areas in one request: we read one")
        if area_len != len(payload) - r.pos:
            raise ValueError(f"AreaDataLen {area_len} ≠ {len(payload) - r.pos} bytes that follow")
        area, _ = _read_area(r)
        _, _, _, sound = r.take("<BBBB")
        if sound:
            raise ValueError("sound is not simulated")
        r.raw(5)
        metas = []
        for _ in range(r.take("<H")):
            record = r.take("<I")
            _, mode, _, speed, stay, repeat, _ = r.take("<BBBBHBH")
            r.raw(9)
            offset, length = r.take("<II")
            if record != 26 + length:
                raise ValueError(f"PageDataLen {record} ≠ 26 + DataLen {length}")
            metas.append((mode, speed, stay, repeat, offset, length))
        data = payload[r.pos :]
        expected = 0
        for mode, speed, stay, repeat, offset, length in metas:
            if offset != expected or offset + length > len(data):
                raise ValueError(f"DataOffset {offset} does not follow the previous page")
            expected += length
            image = unpack(data[offset : offset + length], area.x, area.width, area.height, layout)
            pages.append(Page(image, mode, stay * 10, speed, repeat))
        if expected != len(data):
            raise ValueError("bitmap data longer than its pages")
        r.pos = len(payload)
    if not pages:
        raise ValueError("PageNum is 0")
    if r.pos != len(payload):
        raise ValueError(f"{len(payload) - r.pos} bytes after the last page")
    return Area(
        area.area_id,
        area.x,
        area.y,
        area.width,
        area.height,
        pages,
        area.run_mode,
        area.timeout,
        area.imme_play,
    )

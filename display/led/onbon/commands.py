"""Requests we send and answers cards give (manual §5), for BX-5 and BX-6.

Only RAM commands: the dynamic area (A7 00, "动态区域信息不能掉电保存，但可以无限次
更新"), ping (A2 00), brightness (A2 07) and the screen switched off and on (A2 05,
强制开关机). Nothing here writes the card's flash.

强制开关机 is not in the dynamic-area manuals (they list A2 00 and A2 07 only). The
vendor's SDK manual names it (``bxDual_cmd_coerceOnOff(ip, port, onOff)``, "控制器状态：
0x01 –开机 0x00 –关机"), and the vendor's own DLL builds it as group 0xA2, command 0x05,
DataLen 1 and that one byte (``bx_sdk_dual.dll`` of onbonlab/BX-V-VI, the export
``bxDual_cmd_coerceOnOff``: ``mov dl,0xa2``; ``mov r8b,0x5``; data length 1, the data
the ``onOff`` argument). docs/led-cards.md says how this was read.

Length fields:

- BX-5 (manual §5.4.1): ``AreaDataLen`` counts every byte after itself ("即下面数据的总
  长度"); ``PageDataLen`` the page record after itself, its bitmap included (the bitmap
  follows the page's parameters there).
- BX-6, as the vendor's Java SDK writes them (onbonlab/bx.dual.dyn.java,
  ``BxReqSendDynArea.build``: ``array.add(bd.para.length)``; ``BxAreaDynamic.build``:
  ``array.add(para.length + 8)``): ``AreaDataLen`` counts the area's parameters and its
  pages' parameters but not the bitmaps that come after all parameters, and
  ``PageDataLen`` is the 26 bytes of a page's parameters (18, then DataOffset and
  DataLen). ``Layout.lengths == "inclusive"`` counts the bitmaps too, as this driver
  used to: a per-card compatibility setting.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

from PIL import Image

from display.led.onbon.bitmap import Layout, pack

RETURN_REQUIRED = 0x01
GROUP_ACK, CMD_ACK, CMD_NACK = 0xA0, 0x00, 0x01
GROUP_AREA, CMD_AREA_UPDATE, CMD_AREA_DELETE = 0xA7, 0x00, 0x01
GROUP_SYSTEM, CMD_PING, CMD_SWITCH, CMD_BRIGHTNESS = 0xA2, 0x00, 0x05, 0x07
SCREEN_OFF, SCREEN_ON = 0x00, 0x01  # 强制开关机's one data byte
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


def switch(on: bool) -> bytes:
    """A2 05 强制开关机: the screen dark (the card keeps answering) or lit again."""
    return bytes((RETURN_REQUIRED, GROUP_SYSTEM, CMD_SWITCH)) + struct.pack(
        "<HB", 1, SCREEN_ON if on else SCREEN_OFF
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
    inclusive = layout.lengths == "inclusive"
    for page, bitmap in zip(area.pages, bitmaps, strict=True):
        record = _page_params(page, area) + bytes(9) + struct.pack("<II", offset, len(bitmap))
        params += struct.pack("<I", len(record) + (len(bitmap) if inclusive else 0)) + record
        offset += len(bitmap)
    data = b"".join(bitmaps)
    area_len = len(params) + (len(data) if inclusive else 0)
    return head + struct.pack("<HI", 1, area_len) + params + data


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


def parse_answer(data: bytes) -> Answer:
    if len(data) < 9:
        raise ValueError(f"answer too short ({len(data)} bytes)")
    _, group, cmd, status, error, length = struct.unpack("<BBBHHH", data[:9])
    if len(data) < 9 + length:
        raise ValueError("answer shorter than its DataLen")
    return Answer(group, cmd, status, error, data[9 : 9 + length])

"""How the simulated Onbon card reads what it is sent: from the vendor's texts alone.

Written from the manuals (github.com/onbonlab/BX-V-VI, ``bx.dual.Aux.Data/5th动态区域用户手册
.md`` and ``6th动态区域用户手册.md``) and the vendor's Java SDK (onbonlab/bx.dual.dyn.java),
table row by table row, without importing the driver (``display.led.onbon``): where the
driver misreads the vendor, this reader disagrees with it and a test fails.

- frames: §2 (8 × 0xA5 … 0x5A), §2.3 escaping, §4 header, appendix 1 CRC (computed here
  bit by bit from its polynomial, not from the driver's table);
- requests and answers: §5.1.1, §5.1.2, §5.3 (ACK/NACK), §5.2.2 error numbers;
- the dynamic area: §5.4.1 of each manual, and for BX-6 the lengths as the SDK writes
  them (``BxReqSendDynArea``, ``BxAreaDynamic``);
- page data: appendix 2, decoded pixel by pixel; multi-byte values low byte first (§1.5);
- 强制开关机: the vendor's SDK manual (``bx.dual.cplus/doc/bx_sdk_dual.dll接口说明文档.md``
  §1.1.9 ``bxDual_cmd_coerceOnOff``: "onOff 控制器状态：0x01 –开机 0x00 –关机") for the
  meaning, the vendor's ``bx_sdk_dual.dll`` (the same repository) for the bytes: that
  function sends CmdGroup 0xA2, Cmd 0x05, DataLen 1, the onOff byte.

A card's *reading* of the two places where cards and texts may differ (a BX-6 word's
byte order; the BX-6 length fields) is a setting of the simulated card, so tests can
play a card of either kind.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

from PIL import Image

# §5.2.2 error numbers the card answers with.
ERR_OUTOFGROUP, ERR_NOCMD, ERR_BUSY, ERR_CHECKSUM = 1, 2, 3, 5
ERR_CONTROLLER_TYPE, ERR_SCREEN_PARA = 17, 18


class Refused(ValueError):
    """The card answers NACK with ``error``."""

    def __init__(self, message: str, error: int = ERR_SCREEN_PARA):
        super().__init__(message)
        self.error = error


# -- frames (§2, §2.3, §4, appendix 1) ------------------------------------------------


def crc16(data: bytes) -> int:
    """Appendix 1's CRC (x^16 + x^15 + x^2 + 1, reflected, from 0), bit by bit."""
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


ESCAPES = {b"\xa6\x02": 0xA5, b"\xa6\x01": 0xA6, b"\x5b\x02": 0x5A, b"\x5b\x01": 0x5B}


def unescape(data: bytes) -> bytes:
    out, i = bytearray(), 0
    while i < len(data):
        pair = data[i : i + 2]
        if pair in ESCAPES:
            out.append(ESCAPES[pair])
            i += 2
        elif data[i] in (0xA5, 0xA6, 0x5A, 0x5B):
            raise Refused(f"byte {i} (0x{data[i]:02X}) is not escaped", ERR_CHECKSUM)
        else:
            out.append(data[i])
            i += 1
    return bytes(out)


def escape(data: bytes) -> bytes:
    back = {v: k for k, v in ESCAPES.items()}
    return b"".join(back.get(b, bytes((b,))) for b in data)


@dataclass(frozen=True)
class Header:
    dst: int
    src: int
    version: int
    device_type: int
    length: int


def read_frame(body: bytes) -> tuple[Header, bytes]:
    """(header, data field) of what came between the 0xA5s and the 0x5A."""
    raw = unescape(body)
    if len(raw) < 18:
        raise Refused("frame shorter than a header and a CRC", ERR_CHECKSUM)
    checked, crc = raw[:-2], raw[-2] | raw[-1] << 8
    if crc16(checked) != crc:
        raise Refused("CRC does not match", ERR_CHECKSUM)
    dst, src, version, _, device_type, _, length = struct.unpack("<HHBBH4sI", checked[:16])
    data = checked[16:]
    if length != len(data):
        raise Refused(f"DataLen {length}, {len(data)} bytes came", ERR_CHECKSUM)
    return Header(dst, src, version, device_type, length), data


def frame_of(data: bytes, dst: int = 0x8000, device_type: int = 0xFFFE) -> bytes:
    """A frame the card sends (an answer), header fields as in §4."""
    header = struct.pack("<HHBBH4sI", dst, 0xFFFE, 0xF0, 0, device_type, bytes(4), len(data))
    crc = crc16(header + data)
    return b"\xa5" * 8 + escape(header + data + bytes((crc & 0xFF, crc >> 8))) + b"\x5a"


class Splitter:
    """Bytes off the wire into frame bodies: 0xA5s start one, 0x5A ends it."""

    def __init__(self):
        self.buf, self.inside = bytearray(), False

    def feed(self, chunk: bytes) -> list[bytes]:
        out = []
        for b in chunk:
            if b == 0xA5:
                self.inside, self.buf = True, bytearray()
            elif self.inside and b == 0x5A:
                out.append(bytes(self.buf))
                self.inside = False
            elif self.inside:
                self.buf.append(b)
        return out


def answer(group: int, cmd: int, error: int = 0, data: bytes = b"") -> bytes:
    """§5.1.2: Reserved, CmdGroup, Cmd, Status (bit 0 = NACK), Error, DataLen, Data."""
    status = 1 if error else 0
    return struct.pack("<BBBHHH", 0, group, cmd, status, error, len(data)) + data


ACK = answer(0xA0, 0x00)


def nack(error: int) -> bytes:
    return answer(0xA0, 0x01, error)


# -- 强制开关机 (SDK manual §1.1.9; bytes from the vendor's DLL) ---------------------------


def read_switch(payload: bytes) -> bool:
    """A2 05's DataLen (2 bytes, 1) and onOff byte: True for 开机 (0x01), False for
    关机 (0x00); anything else is refused."""
    if len(payload) != 3 or payload[0] | payload[1] << 8 != 1:
        raise Refused("强制开关机 carries DataLen 1 and one byte")
    if payload[2] not in (0x00, 0x01):
        raise Refused(f"强制开关机 state 0x{payload[2]:02X} is neither 0x00 nor 0x01")
    return payload[2] == 0x01


# -- the dynamic area (§5.4.1) -----------------------------------------------------------


@dataclass(frozen=True)
class CardSetup:
    """What is set on the card in the vendor's tool, and how it reads the open points."""

    generation: str = "bx5"  # bx5 / bx6
    colour: str = "mono"  # mono / dual / full
    green_first: bool = False  # "双基色1：G+R"
    word_order: str = "lsb"  # BX-6 words as §1.5 says (low byte first), or "msb"
    lengths: str = "sdk"  # BX-6 lengths as the Java SDK writes them, or "inclusive"


@dataclass
class PageShown:
    image: Image.Image
    display_mode: int
    stay_ms: int
    speed: int
    repeat: int


@dataclass
class AreaShown:
    area_id: int
    x: int
    y: int
    width: int
    height: int
    run_mode: int
    imme_play: int
    pages: list[PageShown] = field(default_factory=list)


class _Cursor:
    def __init__(self, data: bytes):
        self.data, self.pos = data, 0

    def u8(self) -> int:
        return self.bytes(1)[0]

    def u16(self) -> int:
        b = self.bytes(2)
        return b[0] | b[1] << 8

    def u32(self) -> int:
        b = self.bytes(4)
        return b[0] | b[1] << 8 | b[2] << 16 | b[3] << 24

    def bytes(self, n: int) -> bytes:
        if n < 0 or self.pos + n > len(self.data):
            raise Refused(f"data ends at byte {len(self.data)}, {n} more wanted at {self.pos}")
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk


def _area_head(c: _Cursor) -> AreaShown:
    """AreaId … AreaFrame, the rows both manuals share."""
    area_id, run_mode = c.u8(), c.u8()
    c.u16()  # Timeout
    c.u8()  # RelateAllPro
    for _ in range(c.u16()):  # RelateProNum, then that many RelateProSerial
        c.u16()
    imme_play = c.u8()
    c.bytes(4)
    if c.u8() != 0x10:
        raise Refused("AreaType is not 0x10")
    x, y, width, height = c.u16(), c.u16(), c.u16(), c.u16()
    if c.u8():  # AreaFFlag: then DispStyle, Speed, MoveStep, Width, Backup(2), UnitData
        c.bytes(3)
        c.bytes(2 + c.u8())
    if width == 0 or height == 0:
        raise Refused("an area of no size")
    return AreaShown(area_id, x, y, width, height, run_mode, imme_play)


def _page_head(c: _Cursor) -> tuple[int, int, int, int]:
    """PageStyle … ValidLen: (DisplayMode, Speed, StayTime in ms, RepeatTime)."""
    c.u8()
    mode = c.u8()
    c.u8()
    speed = c.u8()
    stay = c.u16()
    repeat = c.u8()
    c.u16()  # ValidLen
    return mode, speed, stay * 10, repeat


def read_area(payload: bytes, setup: CardSetup) -> AreaShown:
    """An A7 00 request's data (after RtnReq, CmdGroup, Cmd) as the card shows it."""
    c = _Cursor(payload)
    c.bytes(2)  # Reserved
    if setup.generation == "bx5":
        area_len = c.u32()
        if area_len != len(payload) - c.pos:
            raise Refused(f"AreaDataLen {area_len}, {len(payload) - c.pos} bytes follow")
        area = _area_head(c)
        for _ in range(_page_count(c)):
            page_len = c.u32()
            start = c.pos
            mode, speed, stay, repeat = _page_head(c)
            c.bytes(4)
            bitmap = c.bytes(page_len - (c.pos - start))
            image = decode_page(bitmap, area.x, area.width, area.height, setup)
            area.pages.append(PageShown(image, mode, stay, speed, repeat))
    else:
        if c.u16() != 1:
            raise Refused("AreaNum other than 1")
        area_len = c.u32()
        params_start = c.pos
        area = _area_head(c)
        c.bytes(3)  # BackGroundFlag, Transparency, AreaEqual
        if c.u8():
            raise Refused("SoundFlag set: voice is not simulated")
        c.bytes(5)
        metas = []
        for _ in range(_page_count(c)):
            page_len = c.u32()
            start = c.pos
            mode, speed, stay, repeat = _page_head(c)
            c.bytes(9)
            offset, length = c.u32(), c.u32()
            params = c.pos - start  # 26
            expected = params if setup.lengths == "sdk" else params + length
            if page_len != expected:
                raise Refused(f"PageDataLen {page_len}, this card reads {expected}")
            metas.append((mode, speed, stay, repeat, offset, length))
        data = payload[c.pos :]
        params_len = c.pos - params_start
        expected = params_len if setup.lengths == "sdk" else params_len + len(data)
        if area_len != expected:
            raise Refused(f"AreaDataLen {area_len}, this card reads {expected}")
        end = 0
        for mode, speed, stay, repeat, offset, length in metas:
            if offset + length > len(data):
                raise Refused(f"DataOffset {offset} + DataLen {length} past the data")
            bitmap = data[offset : offset + length]
            end = max(end, offset + length)
            image = decode_page(bitmap, area.x, area.width, area.height, setup)
            area.pages.append(PageShown(image, mode, stay, speed, repeat))
        c.pos = c.pos + end
    if c.pos != len(payload):
        raise Refused(f"{len(payload) - c.pos} bytes after the last page")
    return area


def _page_count(c: _Cursor) -> int:
    count = c.u16()
    if count == 0:
        raise Refused("PageNum 0 (the manual: 此参数不能为0)")
    return count


def read_delete(payload: bytes) -> list[int] | None:
    """§5.4.2: the area ids to delete; None = every area (0xFF)."""
    c = _Cursor(payload)
    c.bytes(2)
    count = c.u8()
    if count == 0xFF:
        return None
    return list(c.bytes(count))


# -- page data (appendix 2) -------------------------------------------------------------


def _bits_per_row(x: int, width: int, unit: int) -> tuple[int, int]:
    """(first screen column of the row's data, units in the row): rows begin and end on
    the grid of ``unit`` screen pixels (8 on BX-5, a 32-bit word on BX-6)."""
    first = x - x % unit
    return first, -(-(x + width - first) // unit)


def _plane(data: bytes, x: int, width: int, height: int, setup: CardSetup) -> Image.Image:
    """'L' image, 255 where lit (bit 0 = lit); padding bits must be 1 (dark)."""
    unit = 8 if setup.generation == "bx5" else 32
    first, units = _bits_per_row(x, width, unit)
    size, lead = unit // 8, x - first
    # A byte holds 8 pixels, bit 7 first; a BX-6 word 32, bit 31 first, and is sent low
    # byte first (§1.5) unless the card reads it the other way: turning each word's
    # bytes round then lets a whole row read as one number, first pixel highest.
    row_size = units * size
    lit = bytearray()
    for row in range(height):
        raw = data[row * row_size : (row + 1) * row_size]
        if size == 4 and setup.word_order == "lsb":
            raw = b"".join(raw[i : i + 4][::-1] for i in range(0, row_size, 4))
        bits = format(int.from_bytes(raw, "big"), f"0{row_size * 8}b")
        if "0" in bits[:lead] + bits[lead + width :]:
            raise Refused("padding bits must be 1 (dark)")
        lit += bits[lead : lead + width].translate(_LIT).encode("latin-1")
    return Image.frombytes("L", (width, height), bytes(lit))


_LIT = str.maketrans({"0": "\xff", "1": "\x00"})


def page_size(x: int, width: int, height: int, setup: CardSetup) -> int:
    if setup.colour == "full":
        return width * height * (2 if setup.generation == "bx5" else 3)
    unit = 8 if setup.generation == "bx5" else 32
    planes = 2 if setup.colour == "dual" else 1
    return _bits_per_row(x, width, unit)[1] * unit // 8 * height * planes


def decode_page(data: bytes, x: int, width: int, height: int, setup: CardSetup) -> Image.Image:
    """The RGB picture the LEDs show for one page."""
    expected = page_size(x, width, height, setup)
    if len(data) != expected:
        raise Refused(f"page data is {len(data)} bytes, this area needs {expected}")
    if setup.colour == "full":
        image = Image.new("RGB", (width, height))
        px = image.load()
        step = 2 if setup.generation == "bx5" else 3
        for i in range(width * height):
            v = int.from_bytes(data[i * step : (i + 1) * step], "little")
            if step == 2:  # RGB565: R bits 15–11, G 10–5, B 4–0, high bits kept
                r, g, b = v >> 11, (v >> 5) & 0x3F, v & 0x1F
                rgb = (r << 3 | r >> 2, g << 2 | g >> 4, b << 3 | b >> 2)
            else:  # RGB888: R bits 0–7, G 8–15, B 16–23
                rgb = (v & 0xFF, (v >> 8) & 0xFF, v >> 16)
            px[i % width, i // width] = rgb
        return image
    if setup.colour == "mono":
        planes = [_plane(data, x, width, height, setup)]
    elif setup.generation == "bx5":  # red byte, green byte, red byte …
        planes = [_plane(data[k::2], x, width, height, setup) for k in (0, 1)]
    else:  # 先红数据，后绿数据
        half = len(data) // 2
        planes = [_plane(d, x, width, height, setup) for d in (data[:half], data[half:])]
    if setup.green_first and len(planes) == 2:
        planes.reverse()
    dark = Image.new("L", (width, height), 0)
    return Image.merge("RGB", (planes[0], planes[1] if len(planes) == 2 else dark, dark))

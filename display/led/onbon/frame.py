"""The Onbon frame (both generations, manual §2 and §4).

    8 × 0xA5 | header (16) | data (N) | CRC-16 (2) | 0x5A

The header, data and CRC are escaped (0xA5 → A6 02, 0xA6 → A6 01, 0x5A → 5B 02,
0x5B → 5B 01); the CRC (CRC-16/ARC, polynomial x^16 + x^15 + x^2 + 1, appendix 1)
covers the unescaped header and data. Every number is little-endian.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

HEAD, TAIL = 0xA5, 0x5A
PREAMBLE = bytes([HEAD]) * 8
DST_BROADCAST = 0xFFFE  # "any screen": the manual's sample frames use it
SRC_PC = 0x8000
PROTOCOL_DYNAMIC = 0xF0  # the dynamic-area protocol version
DEVICE_ANY = 0xFFFE
HEADER = struct.Struct("<HHBBHIL")  # dst, src, version, reserved, device type, reserved, length
HEADER_SIZE = HEADER.size  # 16

_ESCAPE = {0xA5: b"\xa6\x02", 0xA6: b"\xa6\x01", 0x5A: b"\x5b\x02", 0x5B: b"\x5b\x01"}
_UNESCAPE = {
    (0xA6, 0x02): 0xA5,
    (0xA6, 0x01): 0xA6,
    (0x5B, 0x02): 0x5A,
    (0x5B, 0x01): 0x5B,
}


def _crc_table() -> list[int]:
    table = []
    for n in range(256):
        crc = n
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
        table.append(crc)
    return table


CRC_TABLE = _crc_table()


def crc16(data: bytes) -> int:
    """The manual's CalcCRC: ``crc = (crc >> 8) ^ table[(crc ^ byte) & 0xFF]`` from 0."""
    crc = 0
    for byte in data:
        crc = (crc >> 8) ^ CRC_TABLE[(crc ^ byte) & 0xFF]
    return crc


def escape(data: bytes) -> bytes:
    if not any(b in data for b in _ESCAPE):
        return bytes(data)
    out = bytearray()
    for b in data:
        out += _ESCAPE.get(b, bytes((b,)))
    return bytes(out)


class FrameError(ValueError):
    """A frame that cannot be read: bad escape, wrong length, wrong CRC."""

    def __init__(self, message: str, kind: str = "format"):
        super().__init__(message)
        self.kind = kind  # format / crc


def unescape(data: bytes) -> bytes:
    out = bytearray()
    i, n = 0, len(data)
    while i < n:
        b = data[i]
        if b in (0xA6, 0x5B):
            if i + 1 >= n or (b, data[i + 1]) not in _UNESCAPE:
                raise FrameError(f"bad escape at byte {i}: {data[i : i + 2].hex(' ')}")
            out.append(_UNESCAPE[(b, data[i + 1])])
            i += 2
            continue
        if b in (0xA5, 0x5A):
            raise FrameError(f"unescaped 0x{b:02X} inside the frame at byte {i}")
        out.append(b)
        i += 1
    return bytes(out)


@dataclass(frozen=True)
class Packet:
    """One frame's content: the header fields and the data field."""

    data: bytes
    dst: int = DST_BROADCAST
    src: int = SRC_PC
    device_type: int = DEVICE_ANY
    version: int = PROTOCOL_DYNAMIC


def encode(packet: Packet) -> bytes:
    """The bytes on the wire for ``packet``."""
    header = HEADER.pack(
        packet.dst, packet.src, packet.version, 0, packet.device_type, 0, len(packet.data)
    )
    body = header + packet.data
    return PREAMBLE + escape(body + struct.pack("<H", crc16(body))) + bytes((TAIL,))


def decode_body(escaped: bytes) -> Packet:
    """A packet from what lies between the preamble and the tail (still escaped)."""
    raw = unescape(escaped)
    if len(raw) < HEADER_SIZE + 2:
        raise FrameError(f"frame too short ({len(raw)} bytes)")
    body, (crc,) = raw[:-2], struct.unpack("<H", raw[-2:])
    if crc16(body) != crc:
        raise FrameError(f"CRC {crc:04X} ≠ computed {crc16(body):04X}", kind="crc")
    dst, src, version, _, device_type, _, length = HEADER.unpack(body[:HEADER_SIZE])
    data = body[HEADER_SIZE:]
    if length != len(data):
        raise FrameError(f"header says {length} data bytes, frame has {len(data)}")
    return Packet(data, dst, src, device_type, version)


def decode(frame: bytes) -> Packet:
    """A packet from one whole frame (preamble of one or more 0xA5, tail 0x5A)."""
    start = 0
    while start < len(frame) and frame[start] == HEAD:
        start += 1
    if start == 0 or not frame.endswith(bytes((TAIL,))):
        raise FrameError("no 0xA5 preamble or no 0x5A tail")
    return decode_body(frame[start:-1])


class FrameReader:
    """Splits a byte stream into frames, as a card does: any 0xA5 starts a frame,
    the first byte that is not 0xA5 is its first byte, 0x5A ends it.

    ``feed`` returns the escaped bodies of the frames completed by ``chunk``.
    """

    def __init__(self, limit: int = 4 * 1024 * 1024):
        self.limit = limit
        self._buf = bytearray()
        self._inside = False

    @property
    def partial(self) -> bool:
        return self._inside

    def feed(self, chunk: bytes) -> list[bytes]:
        bodies = []
        for b in chunk:
            if not self._inside:
                if b == HEAD:
                    self._inside = True
                    self._buf.clear()
                continue
            if b == HEAD:
                if self._buf:  # a new preamble inside a frame: the old one was cut off
                    self._buf.clear()
                continue
            if b == TAIL:
                bodies.append(bytes(self._buf))
                self._buf.clear()
                self._inside = False
                continue
            self._buf.append(b)
            if len(self._buf) > self.limit:
                raise FrameError("frame longer than the reader's limit")
        return bodies

"""Huidu SDK 2.0 packets: ``<len u16le><cmd u16le><payload>``.

``len`` is the whole packet's length, its own two bytes included: the Go client
writes ``PutUint16(pkt[0:2], uint16(pktLen))`` with ``pktLen`` the packet's size
(``protocol.go``: the version packet is 8 bytes long and says 8) and reads
``pktLen`` bytes in all (``device.go`` ``readPacket``). The Rust client's fixtures
count two bytes fewer (``heartbeat.bin`` is ``02 00 05 20``); its author calls that
layout provisional (``huidu-proto/src/file.rs``), the Go one was run against cards.
Its heartbeat is 0x2005 where the Go client's is 0x005F: we send none (one short
session per push).

An XML command (0x2003) or answer (0x2004) carries ``<total u32le><offset u32le>`` and
a piece of the XML of at most 8000 bytes (``MaxContentLength``); the Rust client's
``sdk_hello.bin`` payload (total 5, offset 0, "hello") is a test vector of it.
"""

from __future__ import annotations

import struct

VERSION_ASK, VERSION_ANSWER = 0x2001, 0x2002
SDK_ASK, SDK_ANSWER = 0x2003, 0x2004
ERROR_ANSWER = 0x2000
FILE_START_ASK, FILE_START_ANSWER = 0x8001, 0x8002
FILE_CONTENT_ASK = 0x8003
FILE_END_ASK, FILE_END_ANSWER = 0x8005, 0x8006
TRANSPORT_VERSION = 0x1000005
MAX_CONTENT = 8000
HEAD = 4  # len + cmd

# ErrorCode of error and file answers (Go client, types.go).
ERRORS = {
    0: "成功",
    1: "文件写入完成",
    2: "流程错误",
    3: "协议版本过低",
    4: "控制卡正被其他客户端使用",
    5: "文件被占用",
    6: "读取文件请求过多",
    7: "数据包长度错误",
    8: "参数无效",
    9: "控制卡存储空间不足",
    10: "创建文件失败",
    11: "写入文件失败",
}


def packet(cmd: int, payload: bytes = b"") -> bytes:
    size = HEAD + len(payload)
    if size > 0xFFFF:
        raise ValueError(f"a Huidu packet holds at most 65535 bytes, not {size}")
    return struct.pack("<HH", size, cmd) + payload


def version_ask() -> bytes:
    return packet(VERSION_ASK, struct.pack("<I", TRANSPORT_VERSION))


def sdk_packets(xml: bytes) -> list[bytes]:
    """The XML in pieces of at most 8000 bytes, each with its total and offset."""
    return [
        packet(SDK_ASK, struct.pack("<II", len(xml), at) + xml[at : at + MAX_CONTENT])
        for at in range(0, len(xml), MAX_CONTENT)
    ]


def file_start(name: str, size: int, file_type: int, md5_hex: str) -> bytes:
    """0x8001 as ``buildFileStartPacket``: the MD5 as 32 hex characters at byte 4, the
    size (u32) at 37, the file type (u16) at 45, then the name, NUL-terminated."""
    head = bytearray(47 - HEAD)
    head[0:32] = md5_hex.encode("ascii")
    struct.pack_into("<I", head, 33, size)
    struct.pack_into("<H", head, 41, file_type)
    return packet(FILE_START_ASK, bytes(head) + name.encode("utf-8") + b"\0")


def file_contents(data: bytes) -> list[bytes]:
    return [
        packet(FILE_CONTENT_ASK, data[at : at + MAX_CONTENT])
        for at in range(0, len(data), MAX_CONTENT)
    ]


def file_end() -> bytes:
    return packet(FILE_END_ASK)


class Reader:
    """Packets out of a byte stream, as many as have arrived whole."""

    def __init__(self):
        self.buf = bytearray()

    def feed(self, chunk: bytes) -> list[tuple[int, bytes]]:
        self.buf += chunk
        out = []
        while len(self.buf) >= HEAD:
            size, cmd = struct.unpack_from("<HH", self.buf)
            if size < HEAD:
                raise ValueError(f"packet length {size} is shorter than its header")
            if len(self.buf) < size:
                break
            out.append((cmd, bytes(self.buf[HEAD:size])))
            del self.buf[:size]
        return out


class Reassembler:
    """SDK answer pieces (total, offset, XML) into the whole XML."""

    def __init__(self):
        self.buf = bytearray()
        self.total = None

    def push(self, payload: bytes) -> bytes | None:
        total, offset = struct.unpack_from("<II", payload)
        if self.total is None:
            self.total = total
        if total != self.total or offset != len(self.buf):
            raise ValueError("an XML piece out of order")
        self.buf += payload[8:]
        if len(self.buf) >= total:
            whole, self.buf, self.total = bytes(self.buf[:total]), bytearray(), None
            return whole
        return None

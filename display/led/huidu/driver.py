"""One session with one Huidu card over TCP (port 10001 by default).

A session is the Go client's ``Connect``: the transport handshake (0x2001 with
the transport version, answered 0x2002), ``GetIFVersion`` (the card hands out the
session's guid), then XML calls and file uploads, one at a time, each read back
before the next. Each push opens its own session and closes it: nothing to keep
alive between pushes (the Go client's heartbeat only keeps an idle session).
Every read has a deadline, so a vanished card answers ``DeliveryError``, never a hang.
"""

from __future__ import annotations

import hashlib
import socket
import struct
import time
from dataclasses import dataclass

from display.led.errors import DeliveryError
from display.led.huidu import frame, messages
from display.led.tcp import connect

DEFAULT_PORT = 10001


@dataclass(frozen=True)
class Card:
    host: str
    port: int = DEFAULT_PORT


class Session:
    def __init__(self, card: Card, timeout: float):
        self.card, self.timeout = card, timeout
        self.deadline = time.monotonic() + timeout
        self.reader = frame.Reader()
        self.guid = messages.NEW_SESSION
        self.sock: socket.socket | None = None

    # -- the wire ---------------------------------------------------------------

    def __enter__(self) -> Session:
        self.sock = connect(self.card.host, self.card.port, self.timeout)
        cmd, payload = self.ask(frame.version_ask())
        if cmd != frame.VERSION_ANSWER:
            self._refused(cmd, payload, "握手")
        self.guid = self.call(messages.version(), check=False).guid or self.guid
        return self

    def __exit__(self, *exc) -> None:
        if self.sock is not None:
            self.sock.close()

    def send(self, data: bytes) -> None:
        try:
            self.sock.settimeout(max(0.01, self.deadline - time.monotonic()))
            self.sock.sendall(data)
        except TimeoutError:
            raise DeliveryError(f"控制卡 {self.timeout:g} 秒内没有应答") from None
        except OSError:
            raise DeliveryError("控制卡断开了连接，未应答") from None

    def receive(self) -> tuple[int, bytes]:
        while True:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise DeliveryError(f"控制卡 {self.timeout:g} 秒内没有应答")
            try:
                self.sock.settimeout(left)
                chunk = self.sock.recv(65536)
            except TimeoutError:
                raise DeliveryError(f"控制卡 {self.timeout:g} 秒内没有应答") from None
            except OSError:
                raise DeliveryError("控制卡断开了连接，未应答") from None
            if not chunk:
                raise DeliveryError("控制卡断开了连接，未应答")
            try:
                packets = self.reader.feed(chunk)
            except ValueError as exc:
                raise DeliveryError(f"控制卡的应答无法解析：{exc}") from None
            if packets:
                return packets[0]

    def ask(self, data: bytes) -> tuple[int, bytes]:
        self.send(data)
        return self.receive()

    @staticmethod
    def _refused(cmd: int, payload: bytes, step: str):
        if cmd == frame.ERROR_ANSWER and len(payload) >= 2:
            code = struct.unpack_from("<H", payload)[0]
            text = frame.ERRORS.get(code, f"错误 {code}")
            raise DeliveryError(f"控制卡拒绝{step}：{text}", retryable=code in (4, 5))
        raise DeliveryError(f"控制卡在{step}时的应答不对（0x{cmd:04X}）")

    # -- XML calls and files ---------------------------------------------------

    def call(self, xml: bytes, check: bool = True) -> messages.Answer:
        for piece in frame.sdk_packets(xml):
            self.send(piece)
        whole = frame.Reassembler()
        while True:
            cmd, payload = self.receive()
            if cmd != frame.SDK_ANSWER:
                self._refused(cmd, payload, "命令")
            try:
                xml_back = whole.push(payload)
            except (ValueError, struct.error) as exc:
                raise DeliveryError(f"控制卡的应答无法解析：{exc}") from None
            if xml_back is not None:
                break
        try:
            reply = messages.answer(xml_back)
        except ValueError as exc:
            raise DeliveryError(str(exc)) from None
        if check and not reply.ok:
            raise DeliveryError(
                f"控制卡拒绝 {reply.method or '命令'}：{reply.result or '无结果'}",
                retryable=False,
            )
        return reply

    def method(self, name: str, *children) -> messages.Answer:
        return self.call(messages.request(self.guid, name, *children))

    def upload(self, name: str, data: bytes) -> None:
        """File start (MD5), contents, end; a file the card already holds whole (its
        answer's ``existBytes``) is not sent again."""
        md5 = hashlib.md5(data).hexdigest()  # the protocol's checksum, not security
        cmd, payload = self.ask(frame.file_start(name, len(data), messages.IMAGE_FILE, md5))
        if cmd != frame.FILE_START_ANSWER or len(payload) < 6:
            self._refused(cmd, payload, "上传文件")
        code, held = struct.unpack_from("<HI", payload)
        if code:
            self._refused(frame.ERROR_ANSWER, payload, "上传文件")
        for piece in frame.file_contents(data[held:]):
            self.send(piece)
        cmd, payload = self.ask(frame.file_end())
        if cmd != frame.FILE_END_ANSWER or len(payload) < 2:
            self._refused(cmd, payload, "上传文件")
        if struct.unpack_from("<H", payload)[0] not in (0, 1):  # ErrSuccess, ErrWriteFinish
            self._refused(frame.ERROR_ANSWER, payload, "上传文件")


def ping(card: Card, timeout: float = 2.0) -> None:
    """The handshake and GetIFVersion: the card is there and speaks SDK 2.0."""
    with Session(card, timeout):
        pass

"""Requests and answers with one Onbon card over TCP (port 5005 by default).

Each card has one connection (a ``Link``), opened on the first exchange and kept
open: a card that restarts (its RAM, and so its dynamic areas, emptied) cuts it,
and the next exchange finds the connection gone, opens a new one and says so
(``Exchange.reconnected``), so the sender can give the card its program again
within one ping. A reused connection that turns out dead is replaced once, within
the same exchange. Every step has a timeout, so a vanished card answers
``DeliveryError`` in ``timeout`` seconds, never a hang.
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass

from display.led.errors import DeliveryError
from display.led.onbon import commands, frame
from display.led.onbon.bitmap import Layout
from display.led.tcp import connect

DEFAULT_PORT = 5005


@dataclass(frozen=True)
class Card:
    host: str
    port: int = DEFAULT_PORT
    generation: str = "bx5"
    device_type: int = frame.DEVICE_ANY
    colour: str = "mono"  # mono / dual / full
    screen: int = frame.DST_BROADCAST  # DstAddr: the screen number, 0xFFFE for any
    green_first: bool = False
    word_order: str = "lsb"  # 兼容设置: a BX-6 word low byte first (§1.5) or high first
    lengths: str = "sdk"  # 兼容设置: BX-6 lengths as the vendor's SDK writes them, or not

    @property
    def layout(self) -> Layout:
        return Layout(self.generation, self.colour, self.green_first, self.word_order, self.lengths)


@dataclass(frozen=True)
class Exchange:
    answer: commands.Answer
    seconds: float
    reconnected: bool = False  # the card had cut our connection since the last exchange


class _Dropped(Exception):
    """The connection was closed or reset by the other side."""


class Link:
    """The open connection to one card (host, port); one exchange at a time."""

    def __init__(self):
        self.lock = threading.Lock()
        self.sock: socket.socket | None = None
        self.used = False  # a connection was open before: a new one means it was cut

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None


_links: dict[tuple[str, int], Link] = {}
_links_lock = threading.Lock()


def link(card: Card) -> Link:
    with _links_lock:
        return _links.setdefault((card.host, card.port), Link())


def forget(card: Card) -> None:
    """Close the connection to a card we no longer talk to."""
    with _links_lock:
        gone = _links.pop((card.host, card.port), None)
    if gone is not None:
        with gone.lock:
            gone.close()


def _request(
    sock: socket.socket, wire: bytes, deadline: float, timeout: float, where: str
) -> bytes:
    """Send one frame, return the body of the answer frame."""
    reader = frame.FrameReader()
    try:
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        sock.sendall(wire)
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise DeliveryError(f"控制卡 {timeout:g} 秒内没有应答")
            sock.settimeout(left)
            chunk = sock.recv(4096)
            if not chunk:
                raise _Dropped
            bodies = reader.feed(chunk)
            if bodies:
                return bodies[0]
    except TimeoutError:
        raise DeliveryError(f"控制卡 {timeout:g} 秒内没有应答") from None
    except (ConnectionResetError, BrokenPipeError, ConnectionAbortedError):
        raise _Dropped from None
    except OSError as exc:
        raise DeliveryError(f"与 {where} 的连接出错：{exc.strerror or exc}") from None


def exchange(card: Card, data: bytes, timeout: float = 3.0) -> Exchange:
    """Send one request frame and read the answer frame, on the card's connection."""
    wire = frame.encode(frame.Packet(data, dst=card.screen, device_type=card.device_type))
    started = time.monotonic()
    deadline = started + timeout
    conn = link(card)
    with conn.lock:
        reconnected = False
        for attempt in range(2):
            reused = conn.sock is not None
            if not reused:
                conn.sock = connect(card.host, card.port, max(0.01, deadline - time.monotonic()))
                reconnected, conn.used = reconnected or conn.used, True
            try:
                body = _request(conn.sock, wire, deadline, timeout, f"{card.host}:{card.port}")
                break
            except _Dropped:
                conn.close()
                if reused and attempt == 0:
                    continue  # cut while we were away: once more on a new connection
                raise DeliveryError("控制卡断开了连接，未应答") from None
            except DeliveryError:
                conn.close()  # an answer may still come: never read it as the next one's
                raise
    try:
        reply = commands.parse_answer(frame.decode_body(body).data)
    except ValueError as exc:
        raise DeliveryError(f"控制卡的应答无法解析：{exc}") from None
    return Exchange(reply, time.monotonic() - started, reconnected)


def _acked(result: Exchange) -> Exchange:
    if not result.answer.ack:
        code = result.answer.error
        raise DeliveryError(
            f"控制卡拒绝（NACK）：{result.answer.error_text}",
            retryable=code in commands.RETRYABLE or code not in commands.ERRORS,
            error=code,
        )
    return result


def ping(card: Card, timeout: float = 2.0) -> Exchange:
    """A2 00: any answer means the card is there (``reconnected``: it may have restarted)."""
    return exchange(card, commands.ping(), timeout)


def set_brightness(card: Card, level: int | list[int], timeout: float = 3.0) -> Exchange:
    return _acked(exchange(card, commands.brightness(level), timeout))


def switch(card: Card, on: bool, timeout: float = 3.0) -> Exchange:
    """A2 05: the screen off (dark, the card still answers) or on again."""
    return _acked(exchange(card, commands.switch(on), timeout))


def push_area(card: Card, area: commands.Area, timeout: float = 5.0) -> Exchange:
    """A7 00: replace the dynamic area's pages (RAM only); DeliveryError unless ACK."""
    return _acked(exchange(card, commands.update_area(area, card.layout), timeout))


def delete_areas(card: Card, area_ids: list[int] | None, timeout: float = 3.0) -> Exchange:
    """A7 01: remove dynamic areas (None: all of them) from the card's RAM."""
    return _acked(exchange(card, commands.delete_areas(area_ids), timeout))

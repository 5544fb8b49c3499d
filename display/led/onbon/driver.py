"""One request, one answer, with one Onbon card over TCP (port 5005 by default).

Each exchange opens its own connection and closes it: a card that rebooted, or a
connection that a switch dropped, costs nothing more than the next exchange.
Every step has a timeout, so a vanished card answers ``DeliveryError`` in
``timeout`` seconds, never a hang.
"""

from __future__ import annotations

import socket
import time
from dataclasses import dataclass

from display.led.errors import DeliveryError
from display.led.onbon import commands, frame
from display.led.onbon.bitmap import Layout

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

    @property
    def layout(self) -> Layout:
        return Layout(self.generation, self.colour, self.green_first)


@dataclass(frozen=True)
class Exchange:
    answer: commands.Answer
    seconds: float


def exchange(card: Card, data: bytes, timeout: float = 3.0) -> Exchange:
    """Send one request frame and read the answer frame."""
    packet = frame.Packet(data, dst=card.screen, device_type=card.device_type)
    started = time.monotonic()
    deadline = started + timeout
    try:
        with socket.create_connection((card.host, card.port), timeout=timeout) as sock:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            sock.sendall(frame.encode(packet))
            reader = frame.FrameReader()
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise DeliveryError(f"控制卡 {timeout:g} 秒内没有应答")
                sock.settimeout(left)
                chunk = sock.recv(4096)
                if not chunk:
                    raise DeliveryError("控制卡断开了连接，未应答")
                bodies = reader.feed(chunk)
                if bodies:
                    break
    except TimeoutError:
        raise DeliveryError(f"控制卡 {timeout:g} 秒内没有应答") from None
    except (ConnectionResetError, BrokenPipeError, ConnectionAbortedError):
        raise DeliveryError("控制卡断开了连接，未应答") from None
    except ConnectionRefusedError:
        raise DeliveryError(f"连接被拒绝：{card.host}:{card.port} 没有在监听") from None
    except OSError as exc:
        raise DeliveryError(f"无法连接 {card.host}:{card.port}：{exc.strerror or exc}") from None
    try:
        reply = commands.parse_answer(frame.decode_body(bodies[0]).data)
    except ValueError as exc:
        raise DeliveryError(f"控制卡的应答无法解析：{exc}") from None
    return Exchange(reply, time.monotonic() - started)


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
    """A2 00: any answer means the card is there."""
    return exchange(card, commands.ping(), timeout)


def set_brightness(card: Card, level: int | list[int], timeout: float = 3.0) -> Exchange:
    return _acked(exchange(card, commands.brightness(level), timeout))


def push_area(card: Card, area: commands.Area, timeout: float = 5.0) -> Exchange:
    """A7 00: replace the dynamic area's pages (RAM only); DeliveryError unless ACK."""
    return _acked(exchange(card, commands.update_area(area, card.layout), timeout))

"""Opening a TCP connection to a card, with its failures in the console's words."""

from __future__ import annotations

import socket

from display.led.errors import DeliveryError


def connect(host: str, port: int, timeout: float) -> socket.socket:
    try:
        sock = socket.create_connection((host, port), timeout=timeout)
    except TimeoutError:
        raise DeliveryError(f"控制卡 {timeout:g} 秒内没有应答") from None
    except ConnectionRefusedError:
        raise DeliveryError(f"连接被拒绝：{host}:{port} 没有在监听") from None
    except OSError as exc:
        raise DeliveryError(f"无法连接 {host}:{port}：{exc.strerror or exc}") from None
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock

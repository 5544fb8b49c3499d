"""Can a phone reach what the QR codes point to?

QR codes (items, guides, receipts) point at ``hall.public_base_url``. Left at
its default, a loopback address, while the server listens on every interface,
the kiosk and screens work but every phone that scans a code opens its own
127.0.0.1. ``make run`` and the console say so, and how to set it.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

ALL_INTERFACES = ("0.0.0.0", "::", "")


def _is_loopback(host: str) -> bool:
    if host.lower() in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def lan_address() -> str | None:
    """This machine's address on its LAN, if it has one (no packet is sent)."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("10.255.255.255", 9))
            address = s.getsockname()[0]
    except OSError:
        return None
    return None if _is_loopback(address) else address


def loopback_qr_warning(settings: dict, listen_host: str | None = None) -> str | None:
    """The warning to show, or None when QR codes point somewhere phones can reach
    (or the server itself listens on loopback only, so nothing else reaches it)."""
    base = settings["hall"]["public_base_url"]
    host = urlsplit(base).hostname or ""
    listen = settings["server"]["host"] if listen_host is None else listen_host
    if not _is_loopback(host) or _is_loopback(listen):
        return None
    if listen not in ALL_INTERFACES:
        example = f"http://{listen}:{settings['server']['port']}"
    else:
        example = f"http://{lan_address() or '192.168.1.10'}:{settings['server']['port']}"
    return (
        f"二维码指向 {base}（本机回环地址），手机扫码打不开；服务却在所有网卡上监听。"
        f"请把 hall.public_base_url 设为手机能访问的地址，例如 {example}："
        f'在实例配置文件 [hall] 中写 public_base_url = "{example}"，'
        f"或设环境变量 SUNLIGHT_HALL_PUBLIC_BASE_URL={example}"
    )

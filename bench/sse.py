"""A minimal asyncio EventSource client, for bench/push.py and the scaled tests.

Thousands of subscribers in one process: one coroutine per connection, the
HTTP/1.1 response read by hand (Nchan answers chunked), each ``data:`` line
handed on with the time it arrived.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable


async def _chunks(reader: asyncio.StreamReader, chunked: bool):
    if not chunked:
        while True:
            data = await reader.read(65536)
            if not data:
                return
            yield data
    while True:
        size_line = await reader.readline()
        if not size_line:
            return
        size = int(size_line.split(b";")[0].strip() or b"0", 16)
        if size == 0:
            return
        data = await reader.readexactly(size + 2)
        yield data[:-2]


async def subscribe(
    host: str,
    port: int,
    path: str,
    on_message: Callable[[dict, float], None],
    connected: Callable[[], None] | None = None,
) -> None:
    """Read events from ``path`` until cancelled; ``on_message(data, arrived_at)``."""
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(
            (
                f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
                "Accept: text/event-stream\r\nCache-Control: no-cache\r\n\r\n"
            ).encode()
        )
        await writer.drain()
        status = await reader.readline()
        if b" 200 " not in status:
            raise ConnectionError(f"subscription refused: {status!r}")
        chunked = False
        while True:
            line = await reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            if line.lower().startswith(b"transfer-encoding:") and b"chunked" in line.lower():
                chunked = True
        if connected is not None:
            connected()
        buffer = b""
        async for chunk in _chunks(reader, chunked):
            buffer += chunk
            while b"\n\n" in buffer:
                event, buffer = buffer.split(b"\n\n", 1)
                for line in event.split(b"\n"):
                    if line.startswith(b"data:"):
                        arrived = time.monotonic()
                        try:
                            data = json.loads(line[5:].strip())
                        except ValueError:
                            continue
                        on_message(data, arrived)
    finally:
        writer.close()

"""A Huidu SDK 2.0 card in software: ``python -m display.led.huidu_sim --port 10001``.

Built from the public descriptions of the protocol, not from our driver:
alparslanahmed/huidu-led (``protocol.go``: packets and the file-start layout;
``device.go``: the handshake, ``readPacket``, ``readSdkResponse``; ``file.go``: the
upload and its answers; ``xml.go``/``program.go``: the XML) and chrissnell/huidu-led-rs
(``huidu-proto/src/sdk_frame.rs``: the XML pieces and their reassembly, with the
``sdk_hello.bin`` fixture; ``huidu/tests/common/mod.rs``: a mock device's answers).

It answers the transport handshake, GetIFVersion (with a session guid), AddProgram
(the images it names must have been uploaded, MD5 checked), SetLuminancePloy,
SetSwitchTime and GetDeviceInfo; it keeps the uploaded files and the program, and
decodes the program's pictures so tests can compare them with the strip's PNG.
Faults: connections dropped at the next packet, slow answers, wrong answers
(``kFail``), and a restart that cuts every connection and answers none for a while
(files and programs survive it, as in the card's storage).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import logging
import socket
import struct
import time
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

from display.led.card_server import CardServer

log = logging.getLogger("sunlight.huidu_sim")

# Command words (the Go client's types.go).
VERSION_ASK, VERSION_ANSWER, SDK_ASK, SDK_ANSWER = 0x2001, 0x2002, 0x2003, 0x2004
HEARTBEAT_ASK, HEARTBEAT_ANSWER = 0x005F, 0x0060
FILE_START, FILE_START_ANSWER, FILE_CONTENT = 0x8001, 0x8002, 0x8003
FILE_END, FILE_END_ANSWER, ERROR_ANSWER = 0x8005, 0x8006, 0x2000
ERR_PROCESS, ERR_PACKET_LEN, ERR_PARAM, ERR_WRITE = 2, 7, 8, 11


@dataclass
class Faults:
    drop: int = 0  # close the connection when the next packet arrives
    delay: float = 0.0  # seconds before every answer
    wrong: int = 0  # answer the next XML calls with result="kFail"
    down_until: float = 0.0  # restarting: connections are cut at once


@dataclass
class Shown:
    image: Image.Image
    tenths: int
    effect: int


@dataclass
class CardState:
    files: dict[str, bytes] = field(default_factory=dict)
    pages: list[Shown] = field(default_factory=list)
    programs: int = 0  # AddProgram calls that succeeded
    uploads: int = 0  # files received whole
    sessions: int = 0
    brightness: int | None = None  # percent
    switch: tuple[str, str] | None = None  # (on, off) or None: the timetable is off
    refused: int = 0
    boots: int = 1


class _Connection:
    """One client's session: its guid, the XML being reassembled, the file coming in."""

    def __init__(self):
        self.buf = bytearray()
        self.xml = bytearray()
        self.xml_total = 0
        self.guid = ""
        self.file: dict | None = None


class HuiduSimulator(CardServer):
    def __init__(self, port: int = 0, host: str = "127.0.0.1", size=(128, 32), out_dir=None):
        self.size = size
        self.faults = Faults()
        self.state = CardState()
        self.out_dir = Path(out_dir) if out_dir else None
        super().__init__(host, port)

    def restart(self, down_seconds: float = 0.5) -> None:
        with self._lock:
            self.state.boots += 1
            self.faults.down_until = time.monotonic() + down_seconds
        self._cut()

    def images(self) -> list[Image.Image]:
        with self._lock:
            return [p.image for p in self.state.pages]

    def _changed(self, **values) -> None:
        with self._lock:
            for name, value in values.items():
                setattr(self.state, name, value)
            self._lock.notify_all()

    # -- the wire: <len u16le, the whole packet><cmd u16le><payload> ----------------

    def _serve(self, sock: socket.socket) -> None:
        if time.monotonic() < self.faults.down_until:
            return
        sock.settimeout(30)
        conn = _Connection()
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                return
            conn.buf += chunk
            while len(conn.buf) >= 4:
                size, cmd = struct.unpack_from("<HH", conn.buf)
                if size < 4:
                    sock.sendall(_packet(ERROR_ANSWER, struct.pack("<H", ERR_PACKET_LEN)))
                    return
                if len(conn.buf) < size:
                    break
                payload = bytes(conn.buf[4:size])
                del conn.buf[:size]
                if self._take("drop"):
                    return
                reply = self._packet(conn, cmd, payload)
                if reply:
                    if self.faults.delay:
                        time.sleep(self.faults.delay)
                    sock.sendall(reply)

    def _packet(self, conn: _Connection, cmd: int, payload: bytes) -> bytes:
        if cmd == VERSION_ASK:
            with self._lock:
                self.state.sessions += 1
            return _packet(VERSION_ANSWER, payload[:4])
        if cmd == HEARTBEAT_ASK:
            return _packet(HEARTBEAT_ANSWER)
        if cmd == SDK_ASK:
            total, offset = struct.unpack_from("<II", payload)
            if offset != len(conn.xml):
                return _packet(ERROR_ANSWER, struct.pack("<H", ERR_PROCESS))
            conn.xml += payload[8:]
            conn.xml_total = total
            if len(conn.xml) < total:
                return b""
            xml, conn.xml = bytes(conn.xml), bytearray()
            doc = self._call(conn, xml).encode("utf-8")
            return _packet(SDK_ANSWER, struct.pack("<II", len(doc), 0) + doc)
        if cmd == FILE_START:
            return self._file_start(conn, payload)
        if cmd == FILE_CONTENT:
            if conn.file is None:
                return _packet(ERROR_ANSWER, struct.pack("<H", ERR_PROCESS))
            conn.file["data"] += payload
            return b""  # the Go client reads no answer to content packets
        if cmd == FILE_END:
            return self._file_end(conn)
        return _packet(ERROR_ANSWER, struct.pack("<H", ERR_PROCESS))

    def _file_start(self, conn: _Connection, payload: bytes) -> bytes:
        # buildFileStartPacket: packet bytes 4–36 MD5 (hex text), 37–41 size, 45–47 type,
        # then the name up to a NUL; here the same less the 4 bytes of len and cmd.
        if len(payload) < 44 or 0 not in payload[43:]:
            return _packet(FILE_START_ANSWER, struct.pack("<HI", ERR_PARAM, 0))
        md5 = payload[0:32].decode("ascii", "replace")
        size = struct.unpack_from("<I", payload, 33)[0]
        name = payload[43 : payload.index(0, 43)].decode("utf-8", "replace")
        held = self.state.files.get(name)
        if held is not None and hashlib.md5(held).hexdigest() == md5:
            conn.file = {"name": name, "md5": md5, "size": size, "data": bytearray(held)}
            return _packet(FILE_START_ANSWER, struct.pack("<HI", 0, len(held)))
        conn.file = {"name": name, "md5": md5, "size": size, "data": bytearray()}
        return _packet(FILE_START_ANSWER, struct.pack("<HI", 0, 0))

    def _file_end(self, conn: _Connection) -> bytes:
        f, conn.file = conn.file, None
        if f is None:
            return _packet(FILE_END_ANSWER, struct.pack("<H", ERR_PROCESS))
        data = bytes(f["data"])
        if len(data) != f["size"] or hashlib.md5(data).hexdigest() != f["md5"]:
            with self._lock:
                self.state.refused += 1
            return _packet(FILE_END_ANSWER, struct.pack("<H", ERR_WRITE))
        with self._lock:
            self.state.files[f["name"]] = data
            self.state.uploads += 1
            self._lock.notify_all()
        return _packet(FILE_END_ANSWER, struct.pack("<H", 0))

    # -- XML ----------------------------------------------------------------------------

    def _call(self, conn: _Connection, xml: bytes) -> str:
        try:
            root = ET.fromstring(xml)
            call = root.find("in")
            method = call.get("method", "")
        except (ET.ParseError, AttributeError):
            return _out(conn.guid, "", "kFail")
        if method == "GetIFVersion":
            conn.guid = str(uuid.uuid4())
            return _out(conn.guid, method, "kSuccess", '<version value="1000000"/>')
        if root.get("guid") != conn.guid:
            return _out(conn.guid, method, "kFail")  # no GetIFVersion first
        if self._take("wrong"):
            with self._lock:
                self.state.refused += 1
            return _out(conn.guid, method, "kFail")
        try:
            result = self._method(method, call)
        except ValueError as exc:
            log.info("refused %s: %s", method, exc)
            with self._lock:
                self.state.refused += 1
            return _out(conn.guid, method, "kFail")
        return _out(conn.guid, method, "kSuccess", result)

    def _method(self, method: str, call: ET.Element) -> str:
        if method == "AddProgram":
            pages = []
            for image in call.iter("image"):
                name = image.find("file").get("name")
                data = self.state.files.get(name)
                if data is None:
                    raise ValueError(f"file {name} was not uploaded")
                effect = image.find("effect")
                picture = Image.open(io.BytesIO(data)).convert("RGB")
                pages.append(Shown(picture, int(effect.get("duration")), int(effect.get("in"))))
            with self._lock:
                self.state.pages = pages
                self.state.programs += 1
                self._lock.notify_all()
            if self.out_dir and pages:
                self._save(pages)
            return ""
        if method == "SetLuminancePloy":
            self._changed(brightness=int(call.find("default").get("value")))
            return ""
        if method == "SetSwitchTime":
            ploy = call.find("ploy")
            item = ploy.find("item") if ploy is not None else None
            if ploy is not None and ploy.get("enable") == "true" and item is not None:
                self._changed(switch=(item.get("start")[:5], item.get("end")[:5]))
            else:
                self._changed(switch=None)
            return ""
        if method == "GetDeviceInfo":
            w, h = self.size
            return f'<device model="HD-SIM"/><screen width="{w}" height="{h}"/>'
        raise ValueError(f"method {method} is not simulated")

    def _save(self, pages: list[Shown]) -> None:
        self.out_dir.mkdir(parents=True, exist_ok=True)
        width, height = pages[0].image.size
        sheet = Image.new("RGB", (width, len(pages) * (height + 2) - 2), (40, 40, 40))
        for n, page in enumerate(pages):
            sheet.paste(page.image, (0, n * (height + 2)))
        sheet = sheet.resize((sheet.width * 4, sheet.height * 4), Image.Resampling.NEAREST)
        sheet.save(self.out_dir / f"huidu-{self.port}.png", compress_level=1)


def _packet(cmd: int, payload: bytes = b"") -> bytes:
    return struct.pack("<HH", 4 + len(payload), cmd) + payload


def _out(guid: str, method: str, result: str, inner: str = "") -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\r\n'
        f'<sdk guid="{guid}"><out method="{method}" result="{result}">{inner}</out></sdk>'
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m display.led.huidu_sim", description="Huidu SDK 2.0 card simulator"
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=10001)
    parser.add_argument("--out", default="instance/huidu-sim", help="folder for the PNGs")
    parser.add_argument("--drop", type=int, default=0, help="cut this many connections")
    parser.add_argument("--delay", type=float, default=0.0, help="seconds before each answer")
    parser.add_argument("--wrong", type=int, default=0, help="answer kFail this many times")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    sim = HuiduSimulator(args.port, args.host, out_dir=args.out)
    sim.faults = Faults(args.drop, args.delay, args.wrong)
    print(f"Huidu simulator on {sim.host}:{sim.port}, PNGs in {args.out}", flush=True)
    sim.start()
    try:
        seen = 0
        while True:
            time.sleep(0.5)
            if sim.state.programs != seen:
                seen = sim.state.programs
                print(f"  program {seen}: {len(sim.state.pages)} pictures", flush=True)
    except KeyboardInterrupt:
        sim.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

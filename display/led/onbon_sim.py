"""An Onbon BX-5/BX-6 card in software: ``python -m display.led.onbon_sim --port 5005``.

It reads frames as a card does (preamble, escaping, CRC, header, lengths), answers
ACK or NACK with the manual's error codes, keeps each dynamic area in "RAM" and
draws what it received to PNG. Its reading comes from the vendor's manuals and SDK
(``display.led.onbon_sim_reader``), never from the driver. Faults can be injected:
CRC errors, busy answers, slow answers, connections dropped in the middle of a
frame, and a reboot that forgets everything and cuts every open connection. The
tests use it; so can anyone without a card.
"""

from __future__ import annotations

import argparse
import logging
import socket
import time
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

from display.led import onbon_sim_reader as card
from display.led.card_server import CardServer
from display.led.onbon_sim_reader import AreaShown, CardSetup, Refused

MAX_AREAS = {"bx5": 4, "bx6": 32}  # 动态区 numbers: BX-5 0–3, BX-6 0–31
# The model families of §4's DeviceType table: the low byte tells BX-5 from BX-6.
FAMILY = {0x54: "bx5", 0x56: "bx5", 0x66: "bx6", 0x74: "bx6"}

log = logging.getLogger("sunlight.onbon_sim")


@dataclass
class Faults:
    """What goes wrong next. Counters go down by one each time they strike."""

    crc_errors: int = 0  # answer NACK ERR_CHECKSUM as if the frame arrived damaged
    busy: int = 0  # answer NACK ERR_BUSY
    drop: int = 0  # read part of a frame, then close the connection without answering
    delay: float = 0.0  # seconds to wait before every answer
    down_until: float = 0.0  # monotonic time until which connections are cut at once
    # Restart just after acknowledging this many more areas (a power dip between
    # two commands of one push): the next command finds the connection cut.
    reboot_after_areas: int = 0


@dataclass
class Received:
    at: float  # time.monotonic()
    area: AreaShown


@dataclass
class SimState:
    areas: dict[int, AreaShown] = field(default_factory=dict)
    history: list[Received] = field(default_factory=list)
    frames: int = 0
    pings: int = 0
    nacks: int = 0
    brightness: int | None = None
    screen_on: bool = True  # 强制开关机: a dark screen still answers
    switches: list[bool] = field(default_factory=list)
    boots: int = 1
    deletes: list[list[int] | None] = field(default_factory=list)


class OnbonSimulator(CardServer):
    """One simulated card listening on ``host:port`` (0 picks a free port)."""

    def __init__(
        self,
        port: int = 0,
        host: str = "127.0.0.1",
        generation: str = "bx5",
        colour: str = "mono",
        out_dir: str | Path | None = None,
        screen: tuple[int, int] | None = None,
        green_first: bool = False,
        word_order: str = "lsb",
        lengths: str = "sdk",
    ):
        self.setup = CardSetup(generation, colour, green_first, word_order, lengths)
        self.faults = Faults()
        self.state = SimState()
        self._rebooting = False  # faults.reboot_after_areas struck: restart once answered
        self.out_dir = Path(out_dir) if out_dir else None
        self.screen = screen  # (width, height) set in the vendor's tool; None = any
        super().__init__(host, port)

    # -- what tests ask ---------------------------------------------------------

    def reboot(self, down_seconds: float = 0.5) -> None:
        """Power cycle: RAM (every dynamic area) is gone, every connection is cut, and
        none is answered while it starts."""
        with self._lock:
            self.state.areas.clear()
            self.state.boots += 1
            self.faults.down_until = time.monotonic() + down_seconds
        self._cut()

    def area(self, area_id: int = 0) -> AreaShown | None:
        with self._lock:
            return self.state.areas.get(area_id)

    def images(self, area_id: int = 0) -> list[Image.Image]:
        area = self.area(area_id)
        return [p.image for p in area.pages] if area else []

    # -- the card -----------------------------------------------------------------

    def _serve(self, sock: socket.socket) -> None:
        sock.settimeout(60)
        if time.monotonic() < self.faults.down_until:
            return  # still booting: the connection closes unanswered
        reader = card.Splitter()
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                return
            if self._take("drop"):
                return  # the first bytes of a frame, then the line goes dead
            for body in reader.feed(chunk):
                reply = self._handle(body)
                if self.faults.delay:
                    time.sleep(self.faults.delay)
                if reply is not None:
                    sock.sendall(card.frame_of(reply))
                if self._rebooting:
                    self._rebooting = False
                    self.reboot(down_seconds=0.0)
                    return

    def _nack(self, error: int) -> bytes:
        with self._lock:
            self.state.nacks += 1
            self._lock.notify_all()
        return card.nack(error)

    def _handle(self, body: bytes) -> bytes | None:
        try:
            header, data = card.read_frame(body)
        except Refused as exc:
            log.info("bad frame: %s", exc)
            return self._nack(exc.error)
        if self._take("crc_errors"):
            return self._nack(card.ERR_CHECKSUM)
        family = FAMILY.get(header.device_type & 0xFF)
        if header.device_type != 0xFFFE and family != self.setup.generation:
            return self._nack(card.ERR_CONTROLLER_TYPE)
        if len(data) < 3:
            return self._nack(card.ERR_NOCMD)
        group, cmd, payload = data[1], data[2], data[3:]
        if (group, cmd) == (0xA2, 0x00):  # §5.5.1 ping
            with self._lock:
                self.state.pings += 1
                self._lock.notify_all()
            return card.ACK
        if self._take("busy"):
            return self._nack(card.ERR_BUSY)
        try:
            if (group, cmd) == (0xA2, 0x07):  # §5.5.2 brightness: DataLen 0x31, mode, 48 values
                if len(payload) != 51 or payload[0] | payload[1] << 8 != 0x31:
                    raise Refused("brightness data is not 0x31 bytes")
                with self._lock:
                    self.state.brightness = payload[3]
                    self._lock.notify_all()
                return card.ACK
            if (group, cmd) == (0xA2, 0x05):  # 强制开关机: DataLen 1, 0x00 off / 0x01 on
                on = card.read_switch(payload)
                with self._lock:
                    self.state.screen_on = on
                    self.state.switches.append(on)
                    self._lock.notify_all()
                return card.ACK
            if (group, cmd) == (0xA7, 0x00):
                return self._update(card.read_area(payload, self.setup))
            if (group, cmd) == (0xA7, 0x01):
                ids = card.read_delete(payload)
                with self._lock:
                    self.state.deletes.append(ids)
                    for area_id in ids if ids is not None else list(self.state.areas):
                        self.state.areas.pop(area_id, None)
                    self._lock.notify_all()
                return card.ACK
        except Refused as exc:
            log.info("refused 0x%02X 0x%02X: %s", group, cmd, exc)
            return self._nack(exc.error)
        return self._nack(card.ERR_OUTOFGROUP if group not in (0xA2, 0xA7) else card.ERR_NOCMD)

    def _update(self, area: AreaShown) -> bytes:
        if area.area_id >= MAX_AREAS[self.setup.generation]:
            return self._nack(card.ERR_SCREEN_PARA)
        if self.screen and (
            area.x + area.width > self.screen[0] or area.y + area.height > self.screen[1]
        ):
            return self._nack(card.ERR_SCREEN_PARA)
        with self._lock:
            self.state.areas[area.area_id] = area
            self.state.history.append(Received(time.monotonic(), area))
            self.state.frames += 1
            self._lock.notify_all()
        if self._take("reboot_after_areas"):
            self._rebooting = True
        if self.out_dir:
            self.save_png(area)
        return card.ACK

    def save_png(self, area: AreaShown) -> Path:
        """Every page of the area, one under the other, 4× so a person can see the dots."""
        assert self.out_dir is not None
        self.out_dir.mkdir(parents=True, exist_ok=True)
        gap = 2
        sheet = Image.new(
            "RGB",
            (area.width, len(area.pages) * (area.height + gap) - gap),
            (40, 40, 40),
        )
        for n, page in enumerate(area.pages):
            sheet.paste(page.image, (0, n * (area.height + gap)))
        path = self.out_dir / f"onbon-{self.port}-area{area.area_id}.png"
        # Fast compression: the card answers after drawing, within the driver's timeout.
        big = sheet.resize((sheet.width * 4, sheet.height * 4), Image.Resampling.NEAREST)
        big.save(path, compress_level=1)
        return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m display.led.onbon_sim", description="Onbon BX-5/BX-6 card simulator"
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5005)
    parser.add_argument("--generation", choices=("bx5", "bx6"), default="bx5")
    parser.add_argument("--colour", choices=("mono", "dual", "full"), default="mono")
    parser.add_argument("--green-first", action="store_true", help="two colours as G+R")
    parser.add_argument(
        "--word-order", choices=("lsb", "msb"), default="lsb", help="how BX-6 words are read"
    )
    parser.add_argument(
        "--lengths", choices=("sdk", "inclusive"), default="sdk", help="BX-6 length fields"
    )
    parser.add_argument("--out", default="instance/onbon-sim", help="folder for the PNGs")
    parser.add_argument("--crc-errors", type=int, default=0, help="NACK this many frames (CRC)")
    parser.add_argument("--busy", type=int, default=0, help="answer busy this many times")
    parser.add_argument("--drop", type=int, default=0, help="cut this many connections")
    parser.add_argument("--delay", type=float, default=0.0, help="seconds before each answer")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    sim = OnbonSimulator(
        args.port,
        args.host,
        args.generation,
        args.colour,
        args.out,
        green_first=args.green_first,
        word_order=args.word_order,
        lengths=args.lengths,
    )
    sim.faults = Faults(args.crc_errors, args.busy, args.drop, args.delay)
    print(
        f"Onbon {args.generation.upper()} simulator ({args.colour}) on {sim.host}:{sim.port}, "
        f"PNGs in {args.out}",
        flush=True,
    )
    sim.start()
    try:
        seen = 0
        while True:
            time.sleep(0.5)
            if sim.state.frames != seen:
                seen = sim.state.frames
                for area in list(sim.state.areas.values()):
                    print(f"  area {area.area_id}: {len(area.pages)} pages received", flush=True)
    except KeyboardInterrupt:
        sim.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

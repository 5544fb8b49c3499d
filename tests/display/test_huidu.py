"""Huidu SDK 2.0 cards: packets against the public clients' bytes, the strip's frames as
an image program on the simulated card, brightness and on/off times, faults, console."""

from __future__ import annotations

import hashlib
import struct

import pytest
from sqlalchemy import select

from content_feed.db import db
from content_feed.models import LedController
from display.led.card_pages import CardPage
from display.led.errors import DeliveryError
from display.led.huidu import adapter, driver, frame, messages
from display.led.huidu_sim import HuiduSimulator
from display.led.sender import Sender
from tests.builders import make_terminal
from tests.display.test_onbon_cards import eventually
from tests.display.test_onbon_push import FAST, expected_images, led_1

# chrissnell/huidu-led-rs, crates/huidu-proto/tests/fixtures/sdk_hello.bin: the payload
# after its <len><cmd> (an XML piece: total 5, offset 0, "hello").
RS_SDK_HELLO_PAYLOAD = bytes.fromhex("0500000000000000") + b"hello"


def test_packets_are_the_go_clients():
    # protocol.go buildVersionPacket: len 8 (the whole packet), 0x2001, 0x1000005.
    assert frame.version_ask() == bytes.fromhex("0800 0120 05000001")
    assert frame.file_end() == bytes.fromhex("0400 0580")
    # buildSdkCmdPackets: len = 12 + piece, 0x2003, total, offset, piece.
    [one] = frame.sdk_packets(b"hello")
    assert one == struct.pack("<HH", 17, 0x2003) + RS_SDK_HELLO_PAYLOAD
    pieces = frame.sdk_packets(b"x" * 8001)
    assert [len(p) for p in pieces] == [8012, 13]
    assert struct.unpack_from("<II", pieces[1], 4) == (8001, 8000)


def test_the_rust_clients_xml_piece_reassembles():
    whole = frame.Reassembler()
    assert whole.push(RS_SDK_HELLO_PAYLOAD) == b"hello"
    assert whole.push(struct.pack("<II", 10, 0) + b"hello") is None
    assert whole.push(struct.pack("<II", 10, 5) + b"world") == b"helloworld"
    with pytest.raises(ValueError):
        frame.Reassembler().push(struct.pack("<II", 10, 7) + b"xyz")  # a gap


def test_file_start_is_laid_out_as_build_file_start_packet():
    md5 = hashlib.md5(b"abc").hexdigest()
    packet = frame.file_start("a.png", 3, 0, md5)
    assert struct.unpack_from("<HH", packet) == (47 + 5 + 1, 0x8001)
    assert packet[4:36] == md5.encode() and packet[36] == 0
    assert struct.unpack_from("<I", packet, 37)[0] == 3
    assert struct.unpack_from("<H", packet, 45)[0] == 0 and packet[47:] == b"a.png\0"


def test_the_stream_reader_splits_packets_by_their_whole_length():
    reader = frame.Reader()
    stream = frame.packet(0x2002, b"\x05\x00\x00\x01") + frame.packet(0x0060)
    got = []
    for b in stream:
        got += reader.feed(bytes([b]))
    assert got == [(0x2002, b"\x05\x00\x00\x01"), (0x0060, b"")]


def test_xml_requests_and_answers():
    assert messages.version().endswith(
        b'<sdk guid="##GUID"><in method="GetIFVersion"><version value="1000000"></version>'
        b"</in></sdk>"
    )
    on = messages.request("g", "SetSwitchTime", *messages.switch_time("08:00", "18:30"))
    assert b'<ploy enable="true"><item enable="true" start="08:00:00" end="18:30:00">' in on
    assert b"<ploy></ploy>" in messages.request("g", "SetLuminancePloy", *messages.luminance(7))
    reply = messages.answer(b'<sdk guid="x"><out method="AddProgram" result="kSuccess"/></sdk>')
    assert reply.ok and reply.guid == "x"
    with pytest.raises(ValueError):
        messages.answer(b"<html>")


# -- the simulated card ---------------------------------------------------------------------


@pytest.fixture
def card(demo_app):
    sims, senders = [], []

    class Card:
        def sim(self) -> HuiduSimulator:
            sim = HuiduSimulator().start()
            sims.append(sim)
            return sim

        def sender(self) -> Sender:
            sender = Sender(demo_app, FAST)
            senders.append(sender)
            return sender

    yield Card()
    for sender in senders:
        sender.stop()
    for sim in sims:
        sim.stop()


def huidu_terminal(sim, color_mode="rgb", **controller):
    terminal = make_terminal("led-hd", "led", hall=led_1().hall, width=128, height=16)
    terminal.color_mode = color_mode
    db.session.add(
        LedController(
            terminal_id=terminal.id, protocol="huidu", host=sim.host, port=sim.port, **controller
        )
    )
    db.session.commit()
    return terminal


@pytest.mark.parametrize("color_mode", ["rgb", "dual", "mono"])
def test_the_card_shows_the_strips_png_pixel_for_pixel(card, color_mode):
    sim = card.sim()
    terminal = huidu_terminal(sim, color_mode, brightness=9, screen_on="08:00", screen_off="18:30")
    sender = card.sender()
    sender.poll_once()
    assert sim.wait_for(lambda s: s.programs == 1 and s.brightness is not None, 10)
    want = [w.convert("RGB").tobytes() for w in expected_images(terminal)]
    assert [i.tobytes() for i in sim.images()] == want
    assert sim.state.brightness == 60 and sim.state.switch == ("08:00", "18:30")
    # Nothing new: the frames the card holds are not uploaded again on a refresh.
    uploads = sim.state.uploads
    adapter.HuiduPush().push(sender.workers[terminal.id].card, [], 2.0)
    assert sim.state.uploads == uploads


@pytest.mark.parametrize(
    "fault, value", [("drop", 2), ("wrong", 2), ("delay", 1.5), ("restart", 0.4)]
)
def test_faults_end_with_the_card_showing_the_program(card, fault, value):
    sim = card.sim()
    terminal = huidu_terminal(sim)
    if fault == "restart":
        sim.restart(down_seconds=value)
    else:
        setattr(sim.faults, fault, value)
    sender = card.sender()
    sender.poll_once()
    if fault == "delay":  # slower than the sender's timeout: refused, then faster
        worker = sender.workers[terminal.id]
        assert eventually(lambda: "没有应答" in worker.status.last_error)
        sim.faults.delay = 0
    assert sim.wait_for(lambda s: s.programs >= 1, 15)
    want = [w.convert("RGB").tobytes() for w in expected_images(terminal)]
    assert [i.tobytes() for i in sim.images()] == want


def test_a_corrupt_upload_is_refused_by_md5():
    sim = HuiduSimulator().start()
    try:
        with driver.Session(driver.Card(sim.host, sim.port), 2.0) as session:
            session.send(frame.file_start("x.png", 3, 0, hashlib.md5(b"abc").hexdigest()))
            session.receive()
            session.send(frame.file_contents(b"abd")[0])
            cmd, payload = session.ask(frame.file_end())
        assert cmd == frame.FILE_END_ANSWER and payload[:2] != b"\0\0"
        picture = messages.Picture("missing.png", 10)
        with (
            pytest.raises(DeliveryError, match="AddProgram"),
            driver.Session(driver.Card(sim.host, sim.port), 2.0) as session,
        ):
            session.method("AddProgram", messages.screen("p", "n", 8, 8, [picture]))
    finally:
        sim.stop()


def test_switching_to_pull_clears_our_program(card):
    sim = card.sim()
    terminal = huidu_terminal(sim)
    sender = card.sender()
    sender.poll_once()
    assert sim.wait_for(lambda s: s.programs == 1, 10)
    row = db.session.execute(
        select(LedController).where(LedController.terminal_id == terminal.id)
    ).scalar_one()
    row.protocol = "pull"
    db.session.commit()
    sender.poll_once()
    assert sim.wait_for(lambda s: s.programs == 2 and s.pages == [], 10)


def test_the_console_sets_a_huidu_card_and_tests_the_connection(card, operator):
    sim = card.sim()
    terminal = led_1()
    data = {
        "protocol": "huidu",
        "host": sim.host,
        "port": str(sim.port),
        "brightness": "",
        "screen_on": "07:30",
        "screen_off": "19:00",
        "word_order": "lsb",
        "length_form": "sdk",
        "area_id": "0",
        "area_x": "0",
        "area_y": "0",
        "speed_level": "4",
    }
    r = operator.post(f"/admin/display/terminals/{terminal.id}/delivery", data=data)
    assert r.status_code == 302
    r = operator.post(f"/admin/display/terminals/{terminal.id}/delivery/ping")
    page = operator.get(r.location).get_data(as_text=True)
    assert "连接成功" in page and "灰度" in page
    assert sim.state.sessions == 1
    r = operator.post(f"/admin/display/terminals/{terminal.id}/delivery/pattern")
    assert "校准图案已推送" in operator.get(r.location).get_data(as_text=True)
    assert sim.state.programs == 1 and len(sim.images()) == 1


def test_a_card_page_is_named_by_its_content():
    from PIL import Image

    page = CardPage(Image.new("RGB", (4, 4), (255, 0, 0)), 1000)
    data = adapter.png(page)
    assert adapter.file_name(data) == f"sl-{hashlib.md5(data).hexdigest()}.png"

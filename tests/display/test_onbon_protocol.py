"""Onbon BX-5/BX-6 protocol: golden vectors from the manuals, bitmaps from known images."""

from __future__ import annotations

import struct

import pytest
from PIL import Image

from display.led import onbon_sim_reader as card
from display.led.onbon import commands, frame
from display.led.onbon.bitmap import Layout, pack
from display.led.onbon_sim_reader import CardSetup, Refused

# §5.5.1 of both manuals (5th and 6th 动态区域用户手册), the ping "命令示例", as printed.
MANUAL_PING = bytes.fromhex(
    "a5 a5 a5 a5 a5 a5 a5 a5 fe ff 00 80 f0 00 fe ff 00 00 00 00 05 00 00 00 01 A2 00 00 00 C6 86 5a"
)


def test_ping_frame_is_the_manuals_sample_byte_for_byte():
    assert frame.encode(frame.Packet(commands.ping())) == MANUAL_PING


def test_crc_is_the_manuals_table_and_sample():
    # Appendix 1: the first and last entries of the printed table.
    assert frame.CRC_TABLE[:8] == [0x0000, 0xC0C1, 0xC181, 0x0140, 0xC301, 0x03C0, 0x0280, 0xC241]
    assert frame.CRC_TABLE[-8:] == [0x8201, 0x42C0, 0x4380, 0x8341, 0x4100, 0x81C1, 0x8081, 0x4040]
    body = MANUAL_PING[8:-3]
    assert frame.crc16(body) == 0x86C6  # sent C6 86, low byte first


def test_sample_frame_decodes_to_its_fields():
    packet = frame.decode(MANUAL_PING)
    assert (packet.dst, packet.src, packet.version, packet.device_type) == (
        0xFFFE,
        0x8000,
        0xF0,
        0xFFFE,
    )
    assert packet.data == bytes.fromhex("01 a2 00 00 00")


@pytest.mark.parametrize(
    "raw, escaped",
    [
        (b"\xa5", b"\xa6\x02"),
        (b"\xa6", b"\xa6\x01"),
        (b"\x5a", b"\x5b\x02"),
        (b"\x5b", b"\x5b\x01"),
        (b"\x01\xa5\x5a\x02", b"\x01\xa6\x02\x5b\x02\x02"),
    ],
)
def test_escaping_follows_section_2_3(raw, escaped):
    assert frame.escape(raw) == escaped
    assert frame.unescape(escaped) == raw


def test_crc_and_length_count_the_unescaped_bytes():
    data = bytes([0x01, 0xA7, 0x00, 0xA5, 0x5A, 0xA6, 0x5B])
    wire = frame.encode(frame.Packet(data))
    body = frame.unescape(wire[8:-1])
    header, payload, crc = body[:16], body[16:-2], body[-2:]
    assert struct.unpack("<I", header[12:16])[0] == len(data) == len(payload)
    assert struct.unpack("<H", crc)[0] == frame.crc16(header + payload)
    # Nothing between the preamble and the tail is a raw A5 or 5A.
    assert 0xA5 not in wire[8:-1] and 0x5A not in wire[8:-1]
    assert frame.decode(wire).data == data


def test_damaged_frames_are_refused():
    wire = bytearray(frame.encode(frame.Packet(commands.ping())))
    wire[25] ^= 0x01  # one bit of the data
    with pytest.raises(frame.FrameError) as exc:
        frame.decode(bytes(wire))
    assert exc.value.kind == "crc"
    with pytest.raises(frame.FrameError):
        frame.unescape(b"\x01\xa6\x07")  # A6 must be followed by 01 or 02


def test_reader_finds_frames_in_a_stream_cut_anywhere():
    one = frame.encode(frame.Packet(commands.ping()))
    two = frame.encode(frame.Packet(commands.brightness(7)))
    stream = b"\x00\xa5" + one + two  # noise and an extra A5 before the first frame
    reader = frame.FrameReader()
    bodies = []
    for i in range(0, len(stream), 5):
        bodies += reader.feed(stream[i : i + 5])
    assert [frame.decode_body(b).data for b in bodies] == [commands.ping(), commands.brightness(7)]


def test_brightness_command_layout():
    data = commands.brightness(9)
    assert data[:6] == bytes([0x01, 0xA2, 0x07, 0x31, 0x00, 0x00])  # DataLen 0x31, mode manual
    assert data[6:] == bytes([9]) * 48
    timed = commands.brightness([15] * 16 + [8] * 32)
    assert timed[5] == 0x01 and len(timed) == 54
    with pytest.raises(ValueError):
        commands.brightness(16)


def test_ack_and_nack_answers():
    ack = commands.parse_answer(card.ACK)  # §5.3.1, as the simulated card writes it
    assert (ack.group, ack.cmd, ack.ack) == (0xA0, 0x00, True)
    nack = commands.parse_answer(bytes.fromhex("00 a0 01 01 00 03 00 00 00"))
    assert (nack.group, nack.cmd, nack.ack, nack.error) == (0xA0, 0x01, False, 3)
    assert "控制卡忙" in nack.error_text and "ERR_BUSY" in nack.error_text
    assert card.nack(5) == bytes.fromhex("00 a0 01 01 00 05 00 00 00")


# -- bitmaps (appendix 2) ---------------------------------------------------------

RED, GREEN, YELLOW, BLACK = (255, 0, 0), (0, 255, 0), (255, 255, 0), (0, 0, 0)


def row(*pixels) -> Image.Image:
    image = Image.new("RGB", (len(pixels), 1), BLACK)
    for x, rgb in enumerate(pixels):
        image.putpixel((x, 0), rgb)
    return image


def test_bx5_single_colour_is_msb_first_and_zero_is_lit():
    image = row(RED, BLACK, BLACK, BLACK, BLACK, BLACK, BLACK, RED)
    assert pack(image, 0, Layout("bx5", "mono")) == bytes([0b01111110])


def test_bx5_pads_with_ones_when_the_area_is_off_the_byte_grid():
    # The manual's example: an area starting at x = 35 begins with 111*****.
    image = row(*[RED] * 10)
    data = pack(image, 35, Layout("bx5", "mono"))
    assert data == bytes([0b11100000, 0b00000111])


def test_bx5_two_colour_interleaves_red_and_green_bytes():
    image = row(RED, GREEN, YELLOW, BLACK, BLACK, BLACK, BLACK, BLACK)
    # red lit at 0 and 2, green lit at 1 and 2
    assert pack(image, 0, Layout("bx5", "dual")) == bytes([0b01011111, 0b10011111])
    two_rows = Image.new("RGB", (16, 2), BLACK)
    two_rows.putpixel((0, 1), RED)
    data = pack(two_rows, 0, Layout("bx5", "dual"))
    # row 0: R G R G (all dark), row 1: red byte 0 has bit 7 lit
    assert data == bytes([0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 0xFF, 0xFF, 0xFF])


def test_bx6_two_colour_separates_red_then_green_in_32_bit_words_low_byte_first():
    """Appendix 2: pixel 0 is bit 31 of word 0; §1.5: a word travels low byte first, so
    pixel 0 is bit 7 of the word's fourth byte on the wire."""
    image = row(RED, GREEN, YELLOW, BLACK, BLACK, BLACK, BLACK, BLACK)
    data = pack(image, 0, Layout("bx6", "dual"))
    assert data == bytes([0xFF, 0xFF, 0xFF, 0b01011111, 0xFF, 0xFF, 0xFF, 0b10011111])
    # Off the word grid: x = 35 leaves 3 padding pixels (bits 31–29) set: the word is
    # 0xE007FFFF, sent FF FF 07 E0 (the old driver sent E0 07 FF FF: the issue's
    # "padding bits land in the wrong byte").
    data = pack(row(*[RED] * 10), 35, Layout("bx6", "mono"))
    assert data == bytes([0xFF, 0xFF, 0b00000111, 0b11100000])


def test_bx6_word_order_compatibility_sends_high_byte_first():
    data = pack(row(*[RED] * 10), 35, Layout("bx6", "mono", word_order="msb"))
    assert data == bytes([0b11100000, 0b00000111, 0xFF, 0xFF])
    # BX-5 has no words: the setting changes nothing there.
    assert pack(row(RED), 0, Layout("bx5", "mono", word_order="msb")) == bytes([0x7F])


def test_panels_wired_green_first_get_the_colours_swapped():
    image = row(RED, GREEN, YELLOW, BLACK, BLACK, BLACK, BLACK, BLACK)
    assert pack(image, 0, Layout("bx5", "dual", green_first=True)) == bytes(
        [0b10011111, 0b01011111]
    )
    data = pack(image, 0, Layout("bx6", "dual", green_first=True))
    assert data[:4] == bytes([0xFF, 0xFF, 0xFF, 0b10011111])  # the green plane first
    back = card.decode_page(data, 0, 8, 1, CardSetup("bx6", "dual", green_first=True))
    assert back.tobytes() == image.tobytes()


def test_full_colour_layouts():
    image = row(RED, GREEN, (0, 0, 255))
    assert pack(image, 0, Layout("bx5", "full")) == bytes.fromhex("00 f8 e0 07 1f 00")  # RGB565
    assert pack(image, 0, Layout("bx6", "full")) == bytes.fromhex("ff 00 00 00 ff 00 00 00 ff")


@pytest.mark.parametrize("generation", ["bx5", "bx6"])
@pytest.mark.parametrize("colour", ["mono", "dual", "full"])
@pytest.mark.parametrize("x", [0, 3, 35])
@pytest.mark.parametrize("word_order", ["lsb", "msb"])
def test_the_card_reads_back_what_the_driver_packed(generation, colour, x, word_order):
    """The simulated card decodes from appendix 2 pixel by pixel, not with the driver."""
    image = Image.new("RGB", (45, 7), BLACK)
    for i in range(45):
        image.putpixel((i, i % 7), (RED, GREEN, YELLOW)[i % 3])
    data = pack(image, x, Layout(generation, colour, word_order=word_order))
    setup = CardSetup(generation, colour, word_order=word_order)
    assert len(data) == card.page_size(x, 45, 7, setup)
    back = card.decode_page(data, x, 45, 7, setup)
    if colour == "mono":  # one colour: lit or not
        expected = image.convert("L").point(lambda v: 255 if v else 0)
        assert back.split()[0].tobytes() == expected.tobytes()
    else:
        assert back.tobytes() == image.tobytes()


def test_a_card_reading_the_other_word_order_draws_a_scrambled_picture():
    image = Image.new("RGB", (64, 2), BLACK)
    for i in range(20):
        image.putpixel((i, i % 2), RED)
    data = pack(image, 0, Layout("bx6", "mono", word_order="msb"))
    back = card.decode_page(data, 0, 64, 2, CardSetup("bx6", "mono"))
    assert back.tobytes() != image.tobytes()


def test_wrong_padding_is_noticed():
    with pytest.raises(Refused):
        card.decode_page(bytes([0x00, 0x00]), 35, 10, 1, CardSetup("bx5", "mono"))


def test_the_simulated_cards_crc_and_escaping_match_the_vendors_examples():
    # The manual's ping (§5.5.1) and the Java SDK's BxFrameWrapperTest vectors.
    header, data = card.read_frame(MANUAL_PING[8:-1])
    assert (header.dst, header.device_type, data) == (0xFFFE, 0xFFFE, commands.ping())
    assert card.escape(bytes.fromhex("a5 5a")) == bytes.fromhex("a6 02 5b 02")
    assert card.escape(bytes.fromhex("a5 a6 00 5b 00 5a")) == bytes.fromhex(
        "a6 02 a6 01 00 5b 01 00 5b 02"
    )
    assert card.unescape(bytes.fromhex("a6 02 a6 01 00 5b 01 00 5b 02")) == bytes.fromhex(
        "a5 a6 00 5b 00 5a"
    )


# -- the dynamic area (A7 00) ------------------------------------------------------


def test_bx5_dynamic_area_golden_frame():
    """One 8×1 page, built from §5.4.1's table field by field."""
    area = commands.Area(0, 0, 0, 8, 1, [commands.Page(row(RED, *[BLACK] * 7), stay_ms=5000)])
    data = commands.update_area(area, Layout("bx5", "mono"))
    page = bytes.fromhex(
        "00"  # PageStyle
        "01"  # DisplayMode: 静止显示
        "00"  # ClearMode
        "01"  # Speed
        "f4 01"  # StayTime 500 × 10 ms
        "01"  # RepeatTime
        "08 00"  # ValidLen = area width
        "00 00 00 00"  # Reserved
        "7f"  # the bitmap: first pixel lit
    )
    area_data = (
        bytes.fromhex(
            "00"  # AreaId
            "00"  # RunMode: 循环显示
            "00 00"  # Timeout
            "01"  # RelateAllPro
            "00 00"  # RelateProNum
            "01"  # ImmePlay: only the dynamic area plays
            "00 00 00 00"  # Reserved
            "10"  # AreaType
            "00 00 00 00 08 00 01 00"  # X, Y, W, H
            "00"  # AreaFFlag: no frame
            "01 00"  # PageNum
        )
        + struct.pack("<I", len(page))
        + page
    )
    expected = bytes.fromhex("01 a7 00 00 00") + struct.pack("<I", len(area_data)) + area_data
    assert data == expected
    wire = frame.encode(frame.Packet(data, device_type=0x0154))
    assert wire[:8] == b"\xa5" * 8 and wire[-1] == 0x5A
    assert wire[8:24] == bytes.fromhex("fe ff 00 80 f0 00 54 01 00 00 00 00") + struct.pack(
        "<I", len(data)
    )
    # And the simulated card, reading §5.4.1 itself, gets the same page back.
    _, request = card.read_frame(wire[8:-1])
    back = card.read_area(request[3:], CardSetup("bx5", "mono"))
    assert back.pages[0].stay_ms == 5000 and back.pages[0].image.getpixel((0, 0)) == RED


def java_sdk_send_dyn_area(area_id, x, y, w, h, pages, speed=0, imme_play=True) -> bytes:
    """``BxReqSendDynArea.build()`` of onbonlab/bx.dual.dyn.java, transcribed line by line
    (``BxAreaDynamic.build``, ``BxPage.buildPara``, ``BxPageBmp.buildData``; every
    ``BxByteArray.add`` of a short or int is little-endian). ``pages``: (RGB image,
    DisplayMode, StayTime in 10 ms). The SDK's defaults, except that ours plays the area
    alone (``stopProToPlay``) in every program (``attachToAllPro``)."""
    para = bytearray()
    para += bytes([area_id, 0]) + struct.pack("<h", 0) + bytes([1]) + struct.pack("<h", 0)
    para += bytes([1 if imme_play else 0]) + bytes(4) + bytes([0x10])
    para += struct.pack("<hhhh", x, y, w, h)
    para += bytes([0, 0, 0, 0, 0]) + bytes(5)  # frame, background, transparent, equal, voice
    para += struct.pack("<h", len(pages))
    data = bytearray()
    for image, mode, hold in pages:
        page_para = bytes([0, mode, 0, speed]) + struct.pack("<h", hold) + bytes([1])
        page_para += struct.pack("<h", w) + bytes(9)
        para += struct.pack("<i", len(page_para) + 8) + page_para
        bitmap = b"".join(bytes(image.getpixel((i, j))) for j in range(h) for i in range(w))
        para += struct.pack("<ii", len(data), len(bitmap))
        data += bitmap
    return bytes(2) + struct.pack("<h", 1) + struct.pack("<i", len(para)) + para + data


def test_bx6_full_colour_area_is_what_the_vendors_java_sdk_builds():
    first = Image.new("RGB", (5, 2), (10, 20, 30))
    first.putpixel((4, 1), RED)
    second = Image.new("RGB", (5, 2), (0, 0, 255))
    pages = [commands.Page(first, stay_ms=3000, speed=2), commands.Page(second, speed=2)]
    data = commands.update_area(commands.Area(3, 64, 0, 5, 2, pages), Layout("bx6", "full"))
    sdk = java_sdk_send_dyn_area(3, 64, 0, 5, 2, [(first, 1, 300), (second, 1, 1000)], speed=2)
    assert data == bytes.fromhex("01 a7 00") + sdk
    # PageDataLen is the SDK's para.length + 8 = 26; AreaDataLen the parameters only.
    assert struct.unpack("<I", sdk[4:8])[0] == len(sdk) - 8 - 2 * 5 * 3 * 2
    back = card.read_area(sdk, CardSetup("bx6", "full"))
    assert (back.area_id, back.x, back.width) == (3, 64, 5)
    assert [p.image.tobytes() for p in back.pages] == [first.tobytes(), second.tobytes()]
    assert back.pages[0].stay_ms == 3000


@pytest.mark.parametrize("lengths", ["sdk", "inclusive"])
def test_bx6_length_forms_and_the_card_that_reads_the_other_one(lengths):
    pages = [commands.Page(row(RED, *[BLACK] * 7)), commands.Page(row(*[BLACK] * 7, RED))]
    data = commands.update_area(
        commands.Area(1, 0, 0, 8, 1, pages), Layout("bx6", "mono", lengths=lengths)
    )
    assert data[:5] == bytes.fromhex("01 a7 00 00 00")
    assert data[5:7] == b"\x01\x00"  # AreaNum
    bitmaps = 8  # two pages of one 4-byte word, kept after all parameters, page 0 first
    assert data[-8:] == bytes([0xFF, 0xFF, 0xFF, 0x7F, 0xFF, 0xFF, 0xFF, 0xFE])
    area_len = struct.unpack("<I", data[7:11])[0]
    page_len = struct.unpack("<I", data[-8 - 2 * 30 : -8 - 2 * 30 + 4])[0]
    if lengths == "sdk":
        assert (area_len, page_len) == (len(data) - 11 - bitmaps, 26)
    else:
        assert (area_len, page_len) == (len(data) - 11, 26 + 4)
    back = card.read_area(data[3:], CardSetup("bx6", "mono", lengths=lengths))
    assert back.area_id == 1 and back.pages[1].image.getpixel((7, 0)) == RED
    other = "inclusive" if lengths == "sdk" else "sdk"
    with pytest.raises(Refused) as refused:
        card.read_area(data[3:], CardSetup("bx6", "mono", lengths=other))
    assert refused.value.error == card.ERR_SCREEN_PARA


def test_delete_areas_is_the_manuals_and_the_sdks():
    # §5.4.2 and BxReqDelDynAreas / BxReqDelDynAll: Reserved(2), count, ids; 0xFF = all.
    assert commands.delete_areas([0, 3]) == bytes.fromhex("01 a7 01 00 00 02 00 03")
    assert commands.delete_areas() == bytes.fromhex("01 a7 01 00 00 ff")
    assert card.read_delete(commands.delete_areas([0, 3])[3:]) == [0, 3]
    assert card.read_delete(commands.delete_areas()[3:]) is None


def test_an_area_over_the_cards_capacity_is_refused():
    big = Image.new("RGB", (512, 512), RED)
    with pytest.raises(ValueError, match="300K"):
        commands.update_area(
            commands.Area(0, 0, 0, 512, 512, [commands.Page(big)] * 5), Layout("bx6", "dual")
        )


# -- what a card is given of a long text -------------------------------------------


def test_scroll_tiles_are_the_renderers_scroll_frames_at_whole_widths():
    from display.led.fonts import find_font
    from display.led.render import Page as LedPage
    from display.led.render import Panel, Renderer, scroll_step

    font = find_font(
        [
            "/usr/share/fonts/X11/misc/wenquanyi_12pt.pcf",
            "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc#2",
        ],
        16,
    )
    renderer = Renderer(Panel(128, 16, "mono", scroll_speed=32), font)
    text = "推进党务公开，打造阳光党务，服务人民群众"
    page = LedPage(text=text)
    tiles = renderer.scroll_tiles(page)
    assert len(tiles) == -(-font.width(text) // 128) == 3
    frames = renderer.page_frames(page)
    step, _ = scroll_step(32)
    for k, tile in enumerate(tiles):
        assert tile.image.tobytes() == frames[(k + 1) * 128 // step].image.tobytes()
    assert renderer.scroll_tiles(LedPage(text="党务公开")) == []  # fits: a still page

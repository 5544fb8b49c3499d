"""The LED renderer: exact size and colours, crisp distinct glyphs, scrolling, GIF, GB2312."""

import io

import pytest
from PIL import Image

from display.led.fonts import NoLedFont, find_font
from display.led.gb2312 import outside_gb2312
from display.led.render import Page, Panel, Renderer, scroll_step
from tests.conftest import OUTPUT_DIR

PCF = "/usr/share/fonts/X11/misc/wenquanyi_12pt.pcf"
SHARP = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc#2"


@pytest.fixture(params=[PCF, SHARP], ids=["bitmap-song", "zenhei-sharp"])
def font(request):
    return find_font([request.param], 16)


def colours(image: Image.Image) -> set:
    return {rgb for _, rgb in image.convert("RGB").getcolors(1 << 16)}


@pytest.mark.parametrize(
    "mode, allowed",
    [
        ("mono", {(0, 0, 0), (255, 0, 0)}),
        ("dual", {(0, 0, 0), (255, 0, 0), (0, 255, 0), (255, 255, 0)}),
    ],
)
def test_frames_have_the_panel_size_and_colour_mode(font, mode, allowed):
    renderer = Renderer(Panel(192, 32, mode), font)
    frames = renderer.frames([Page("推进党务公开", label="宣传标语")])
    image = frames[0].image
    assert image.size == (192, 32) and image.mode == "P"
    assert colours(image) <= allowed and len(colours(image)) >= 2


def test_rgb_frames_are_rgb(font):
    image = Renderer(Panel(256, 32, "rgb"), font).frames([Page("阳光公开")])[0].image
    assert image.mode == "RGB" and image.size == (256, 32)


def test_text_is_one_bit_without_grey(font):
    line = font.line("政务服务大厅")
    assert line.mode == "1" and line.height == 16
    assert set(line.convert("L").tobytes()) <= {0, 255}


def test_distinct_characters_give_distinct_non_empty_glyphs(font):
    chars = "党务公开政府信息大厅办事指南紧急通知会议"
    glyphs = {}
    for ch in chars:
        image = font.line(ch)
        assert image.getbbox() is not None, ch
        glyphs[ch] = image.tobytes()
    assert len(set(glyphs.values())) == len(chars)


def test_short_text_is_one_static_page(font):
    frames = Renderer(Panel(192, 32, "dual"), font).frames([Page("阳光公开", seconds=8)])
    assert len(frames) == 1 and frames[0].ms == 8000


def test_long_text_really_scrolls_left(font):
    text = "推行党务公开，融洽党群关系，夯实执政基础，促进科学发展"
    panel = Panel(192, 32, "mono", scroll_speed=32)
    frames = Renderer(panel, font).frames([Page(text, label="宣传标语")])
    step, ms = scroll_step(32)
    width = font.width(text)
    positions = len(range(192, -width - 1, -step))
    # Blank frames at either end may merge into one longer frame.
    assert positions - 4 <= len(frames) <= positions
    assert sum(f.ms for f in frames) == positions * ms
    assert all(f.ms == ms for f in frames[1:-1])
    # The text moves left: the leftmost lit column in the text row falls frame by frame.
    row = (0, 16, 192, 32)
    first = frames[len(frames) // 4].image.crop(row)
    later = frames[len(frames) // 4 + 10].image.crop(row)
    assert first.tobytes() != later.tobytes()
    assert frames[0].image.crop(row).getbbox() is None  # starts off the right edge
    assert frames[-1].image.crop(row).getbbox() is None  # ends past the left edge
    # The label row stays still.
    assert (
        frames[0].image.crop((0, 0, 192, 16)).tobytes()
        == frames[-1].image.crop((0, 0, 192, 16)).tobytes()
    )


def test_single_row_strip_has_no_label_row(font):
    frames = Renderer(Panel(128, 16, "mono"), font).frames([Page("八个字的一行标语", label="标语")])
    assert len(frames) == 1 and frames[0].image.size == (128, 16)


def test_no_font_is_said_clearly():
    with pytest.raises(NoLedFont, match="xfonts-wqy"):
        find_font(["/nonexistent/font.pcf", ""], 16)


def test_gb2312_flag():
    assert outside_gb2312("推进党务公开") == []
    assert outside_gb2312("𠮷野家的堃与喆") == ["𠮷", "堃", "喆"]


LED = "/display/led/led-1.{}?token=demo-led-token"


def test_endpoints_png_bmp_gif_text(demo_app, client):
    png = client.get(LED.format("png"))
    assert png.status_code == 200 and png.mimetype == "image/png"
    frame = Image.open(io.BytesIO(png.data))
    assert frame.size == (192, 32)
    OUTPUT_DIR.mkdir(exist_ok=True)
    (OUTPUT_DIR / "led-1-frame.png").write_bytes(png.data)
    bmp = client.get(LED.format("bmp"))
    assert Image.open(io.BytesIO(bmp.data)).size == (192, 32)
    gif = client.get(LED.format("gif"))
    image = Image.open(io.BytesIO(gif.data))
    count = int(png.headers["X-Frame-Count"])
    # The whole loop, with scrolling in coarser steps: small enough to hand on.
    assert 1 < image.n_frames < count
    assert len(gif.data) < 300 * 1024
    text = client.get(LED.format("txt"))
    assert text.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert text.headers["X-Outside-GB2312"] == "0"
    assert "党务公开" in text.get_data(as_text=True)
    again = client.get(LED.format("gif"), headers={"If-None-Match": gif.headers["ETag"]})
    assert again.status_code == 304
    # A format we do not make: the same empty, uncached 404 as a wrong token.
    unknown = client.get(LED.format("jpg"))
    assert unknown.status_code == 404 and unknown.data == b""
    assert unknown.headers["Cache-Control"] == "no-store"


def test_gif_frame_count_and_timing(font):
    from display.led.strip import GIF_STEP_MS, Rendered, encode_gif

    pages = [
        Page("阳光公开", seconds=3),
        Page("推进党务公开，融洽党群关系，夯实执政基础", label="标语"),
    ]
    frames = Renderer(Panel(192, 32, "dual", scroll_speed=40), font).frames(pages)
    rendered = Rendered(pages, frames)
    gif = Image.open(io.BytesIO(encode_gif(frames)))
    durations = []
    for n in range(gif.n_frames):
        gif.seek(n)
        durations.append(gif.info["duration"])
    assert durations[0] == 3000  # a still page is one frame
    assert sum(durations) == rendered.cycle_ms  # the same loop as the PNG frames
    scroll = durations[1:]
    assert len(scroll) < len(frames) - 1
    assert all(d >= GIF_STEP_MS for d in scroll[:-1])


def test_frames_are_cached_per_content_version(demo_app, client, clock):
    from flask import current_app

    from tests.builders import make_slogan

    client.get(LED.format("png"))
    cache = current_app.extensions["sunlight.led_frames"]
    renders = cache.renders
    client.get(LED.format("png"))
    client.get(LED.format("gif"))
    assert cache.renders == renders
    make_slogan("新的标语𠮷")
    r = client.get(LED.format("txt"))
    assert cache.renders == renders + 1
    assert r.headers["X-Outside-GB2312"] == "1"
    data = client.get(LED.format("json")).get_json()
    assert data["outside_gb2312"] == ["𠮷"] and not data["gb2312_safe"]


def test_save_frames_to_look_at(demo_app, client):
    """Scaled-up frames of the demo strip in test-output/ (look at them)."""
    from display.led_views import led_answer

    rendered = led_answer("led-1").extra.rendered
    picks = [0] + [
        n
        for n in range(1, len(rendered.frames))
        if rendered.frames[n].page != rendered.frames[n - 1].page
    ][:5]
    sheet = Image.new("RGB", (192 * 4 + 8, (32 * 4 + 8) * len(picks)), (60, 60, 60))
    for i, n in enumerate(picks):
        frame = rendered.frames[
            min(n + 40, len(rendered.frames) - 1) if rendered.frames[n].ms < 1000 else n
        ]
        big = frame.image.convert("RGB").resize((192 * 4, 32 * 4), Image.NEAREST)
        sheet.paste(big, (4, 4 + i * (32 * 4 + 8)))
    OUTPUT_DIR.mkdir(exist_ok=True)
    sheet.save(OUTPUT_DIR / "led-1-frames-x4.png")

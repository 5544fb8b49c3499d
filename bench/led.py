#!/usr/bin/env python3
"""LED renderer benchmark: cold and cached render time per frame, 192×32 and 256×32.

Figures are printed as ratios against a baseline measured in the same run
(Pillow drawing one ASCII line on a 192×32 image), so they compare across
machines. Run: python bench/led.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image, ImageDraw, ImageFont  # noqa: E402

from display.led.fonts import NoLedFont, find_font  # noqa: E402
from display.led.render import Page, Panel, Renderer  # noqa: E402
from display.led.strip import FrameCache, Rendered  # noqa: E402

FONTS = [
    "/usr/share/fonts/X11/misc/wenquanyi_12pt.pcf",
    "/usr/share/fonts/X11/misc/wenquanyi_12pt.pcf.gz",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc#2",
]
PAGES = [
    Page("推进党务公开，打造阳光党务", label="宣传标语", seconds=8),
    Page(
        "关于召开局党组会议邀请党员旁听的公告：2026年11月27日 09:00，市民中心三楼第一会议室",
        label="会议公告",
    ),
    Page("企业开办（设立登记）：承诺当场办结，不收费", label="办事指南"),
]


def best(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def baseline() -> float:
    font = ImageFont.load_default()

    def draw():
        for _ in range(100):
            image = Image.new("1", (192, 32))
            ImageDraw.Draw(image).text((0, 8), "Sunlight LED 0123456789", font=font, fill=1)

    return best(draw) / 100


def measure(font, width: int, base: float) -> str:
    renderer = Renderer(Panel(width, 32, "dual", scroll_speed=32), font)

    def cold() -> Rendered:
        # A new content version: lay out, draw every frame, encode every PNG.
        rendered = Rendered(PAGES, renderer.frames(PAGES))
        for i in range(len(rendered.frames)):
            rendered.png(i)
        return rendered

    n = len(cold().frames)
    cold_s = best(cold, 3) / n
    cache = FrameCache()
    cache.get(("terminal", "v1"), cold)

    def cached() -> None:
        # The same version again: what each controller pull costs.
        rendered = cache.get(("terminal", "v1"), cold)
        for i in range(n):
            rendered.png(i)

    cached_s = best(cached) / n
    return (
        f"  {width}x32: {n} frames; cold {cold_s * 1e6:.1f} µs/frame ({cold_s / base:.1f}x), "
        f"cached {cached_s * 1e6:.2f} µs/frame ({cached_s / base:.3f}x)"
    )


def main() -> int:
    base = baseline()
    print(f"baseline: one ASCII line on 192x32 = {base * 1e6:.1f} µs (1.0x)")
    for spec in FONTS:
        try:
            font = find_font([spec], 16)
        except NoLedFont:
            print(f"font {spec}: not installed, skipped")
            continue
        print(f"font {spec}")
        for width in (192, 256):
            print(measure(font, width, base))
    return 0


if __name__ == "__main__":
    sys.exit(main())

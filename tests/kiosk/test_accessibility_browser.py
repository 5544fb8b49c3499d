"""适老化, measured rather than claimed: every kiosk page, portrait and landscape, in the
normal, large-font (大字) and high-contrast (高对比) modes, is measured in Chromium with
the computed styles of what is on screen:

- text: at least 18 px, and at least 24 px (18 pt) in the large-font mode;
- touch targets: at least 44x44 px, and at least 60x60 px in the large-font mode
  (inline links inside an item's text excepted, as WCAG 2.5.8 does);
- contrast of text on what is behind it: at least 4.5:1, 3:1 for large text
  (24 px, or 18.66 px bold), as WCAG 2.2 1.4.3 and GB/T 37668-2019 level 2 ask;
- colour never the only cue: a choice made, the page one is on, the step a request is at
  and a mode switched on carry a mark or an underline as well;
- the idle reset warns, counts down and can be put off.
"""

from __future__ import annotations

import pytest

from tests.kiosk.test_kiosk_browser import ORIENTATIONS, dock, open_kiosk  # noqa: F401

pytestmark = pytest.mark.browser

MODES = {
    "normal": {"toggle": None, "min_text": 18, "min_target": 44},
    "large": {"toggle": "#toggle-large", "min_text": 24, "min_target": 60},
    "contrast": {"toggle": "#toggle-contrast", "min_text": 18, "min_target": 44},
}

# Measures what is on screen; returns the violations found.
MEASURE = """
(opts) => {
  const rgba = (text) => {
    const m = text.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (top, below) => {
    const a = top[3];
    return [0, 1, 2].map((i) => top[i] * a + below[i] * (1 - a)).concat(1);
  };
  const lum = (c) => {
    const [r, g, b] = c.slice(0, 3).map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const ratio = (a, b) => {
    const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  };
  // What is painted behind an element: its ancestors' colours and gradients, top down.
  const backgrounds = (el) => {
    const chain = [];
    for (let e = el; e; e = e.parentElement) chain.unshift(e);
    let below = [[255, 255, 255, 1]];
    for (const e of chain) {
      const cs = getComputedStyle(e);
      const colour = rgba(cs.backgroundColor);
      if (colour && colour[3] > 0) below = below.map((b) => over(colour, b));
      if (cs.backgroundImage.includes("gradient")) {
        const stops = (cs.backgroundImage.match(/rgba?\\([^)]+\\)/g) || []).map(rgba);
        if (stops.length) below = stops.flatMap((s) => below.map((b) => over(s, b)));
      }
    }
    return below;
  };
  const opacity = (el) => {
    let o = 1;
    for (let e = el; e; e = e.parentElement) o *= Number(getComputedStyle(e).opacity);
    return o;
  };
  const shown = (el) => {
    const r = el.getBoundingClientRect();
    const cs = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && cs.visibility !== "hidden" && !el.closest("[hidden]");
  };
  const name = (el) => `${el.tagName.toLowerCase()}.${[...el.classList].join(".")} "${el.textContent.trim().slice(0, 20)}"`;
  const out = [];
  const seen = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    if (!walker.currentNode.textContent.trim() || seen.has(el)) continue;
    seen.add(el);
    if (!shown(el) || el.closest("script, style, .slip") || el.closest("button:disabled")) continue;
    const cs = getComputedStyle(el);
    const size = parseFloat(cs.fontSize);
    if (size < opts.min_text - 0.05) out.push(`text ${size.toFixed(1)}px < ${opts.min_text}: ${name(el)}`);
    const large = size >= 24 || (size >= 18.66 && Number(cs.fontWeight) >= 700);
    const need = large ? 3 : 4.5;
    const alpha = opacity(el);
    for (const bg of backgrounds(el)) {
      const ink = rgba(cs.color);
      const fg = over([ink[0], ink[1], ink[2], ink[3] * alpha], bg);
      const r = ratio(fg, bg);
      if (r < need) {
        out.push(`contrast ${r.toFixed(2)} < ${need}: ${name(el)} ${cs.color} on rgb(${bg.slice(0, 3).map(Math.round)})`);
        break;
      }
    }
  }
  const targets = "button, summary, input, textarea, select, [role=radio], a[href]";
  for (const el of document.querySelectorAll(targets)) {
    if (!shown(el) || el.disabled || el.closest(".item-body")) continue;
    const r = el.getBoundingClientRect();
    if (r.width < opts.min_target - 0.5 || r.height < opts.min_target - 0.5) {
      out.push(`target ${Math.round(r.width)}x${Math.round(r.height)} < ${opts.min_target}: ${name(el)}`);
    }
  }
  return out;
}
"""

PAGES = """() => {
  const d = sunlightKiosk.store.data;
  const comment = d.items.find((i) => i.pre_disclosure);
  const withBody = d.items.find((i) => 'body_html' in i);
  return [
    '#/', `#/cat/${d.catalogue[0].code}`, `#/item/${withBody.id}`, '#/guides',
    `#/guide/${d.guides[0].id}`, d.meetings.length ? `#/meeting/${d.meetings[0].id}` : null,
    `#/window/${d.hall.windows[0].id}`, '#/answers', '#/ledger', '#/search', '#/ask',
    comment ? `#/comment/${comment.id}` : null, '#/rate', '#/lookup', '#/nothing-here',
  ].filter(Boolean);
}"""


def goto(page, hash_):
    page.evaluate("(h) => { location.hash = h; }", hash_)
    page.wait_for_function(
        "(h) => (location.hash || '#/') === h && !document.querySelector('#view .loading')",
        arg=hash_,
    )
    page.wait_for_timeout(60)


def measure(page, mode, where, problems):
    for found in page.evaluate(MEASURE, MODES[mode]):
        problems.append(f"{where}: {found}")


@pytest.mark.parametrize("orientation", ORIENTATIONS)
def test_every_kiosk_page_meets_the_figures_in_every_mode(
    open_kiosk,  # noqa: F811
    screenshot_dir,
    orientation,
):
    page = open_kiosk(ORIENTATIONS[orientation], query="?idle=3600")
    # A receipt of this visit, for the receipt, lookup and progress pages.
    dock(page, "咨询建议")
    page.fill("#f-text", "请问社保卡在哪个窗口办理？")
    page.click("button[type=submit]")
    page.wait_for_selector(".page.receipt .receipt-no")
    receipt = page.evaluate("location.hash")
    number = receipt.rsplit("/", 1)[1]
    hashes = [*page.evaluate(PAGES), receipt, f"#/lookup/{number}"]
    problems: list[str] = []
    for mode, spec in MODES.items():
        if spec["toggle"]:
            page.locator(spec["toggle"]).click()
        for hash_ in hashes:
            goto(page, hash_)
            if hash_.startswith("#/lookup/"):
                page.wait_for_selector(".lookup-answer")
            measure(page, mode, f"{orientation} {mode} {hash_}", problems)
        # States within pages: search results, a rating chosen, the keyboard folded.
        goto(page, "#/search")
        page.locator(".hot .chip").first.click()
        page.wait_for_selector(".results .result")
        measure(page, mode, f"{orientation} {mode} search results", problems)
        goto(page, "#/rate")
        page.locator(".levels [role=radio]").first.click()
        measure(page, mode, f"{orientation} {mode} rating chosen", problems)
        page.screenshot(path=screenshot_dir / f"kiosk-a11y-{orientation}-{mode}-rate.png")
        goto(page, "#/")
        page.screenshot(path=screenshot_dir / f"kiosk-a11y-{orientation}-{mode}-home.png")
        if spec["toggle"]:
            page.locator(spec["toggle"]).click()
    assert problems == [], "\n".join(problems[:60])
    assert page.errors == []


def test_state_is_never_told_by_colour_alone(open_kiosk):  # noqa: F811
    page = open_kiosk()
    dock(page, "服务评价")
    page.locator(".levels [role=radio]").first.click()
    marks = page.evaluate(
        """() => ({
        chosen: getComputedStyle(document.querySelector('[role=radio][aria-checked=true]'), '::before').content,
        dock: getComputedStyle(document.querySelector('.dock button.on')).textDecorationLine,
      })"""
    )
    assert "✓" in marks["chosen"] and marks["dock"] == "underline"
    page.locator("#toggle-large").click()
    assert "✓" in page.evaluate(
        "getComputedStyle(document.querySelector('#toggle-large'), '::before').content"
    )
    dock(page, "咨询建议")
    page.fill("#f-text", "进度显示是否只靠颜色？")
    page.click("button[type=submit]")
    page.locator("button", has_text="查询进度").click()
    page.wait_for_selector(".progress li.now")
    assert "▶" in page.evaluate(
        "getComputedStyle(document.querySelector('.progress li.now'), '::before').content"
    )
    assert page.locator(".progress li.now").get_attribute("aria-current") == "step"


def test_the_idle_reset_warns_and_can_be_put_off(open_kiosk, screenshot_dir):  # noqa: F811
    page = open_kiosk(query="?idle=2&idlewarn=3")
    dock(page, "咨询建议")
    page.fill("#f-text", "我读得慢，还没写完")
    page.wait_for_selector("#idle-warning:not([hidden])", timeout=8000)
    assert "您还在使用吗" in page.locator("#idle-warning").inner_text()
    measure(page, "normal", "idle warning", problems := [])
    assert problems == []
    page.screenshot(path=screenshot_dir / "kiosk-idle-warning.png")
    page.locator(".idle-stay").click()
    assert page.locator("#idle-warning").is_hidden()
    assert page.input_value("#f-text") == "我读得慢，还没写完"
    # Left alone: the warning comes back, counts down, and the kiosk resets.
    page.wait_for_selector("#idle-warning:not([hidden])", timeout=8000)
    page.wait_for_selector("#attract:not([hidden])", timeout=8000)
    assert page.evaluate("location.hash") in ("", "#/")
    assert page.errors == []

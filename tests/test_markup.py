"""Markdown bodies: sanitised, and nothing that makes a hall page load from the internet."""

from content_feed.markup import plain_text, render_markdown


def test_scripts_and_handlers_are_removed():
    html = render_markdown(
        "<script>alert(1)</script>[x](javascript:alert(1)) <img onerror=alert(1)>"
    )
    assert "<script" not in html and 'href="javascript' not in html and "<img" not in html


def test_images_only_from_this_server():
    html = render_markdown(
        "![a](http://cdn.example.com/a.png) ![b](/files/3) ![c](//cdn.example.com/c.png)"
        " ![d](/\\cdn.example.com/d.png)"
    )
    assert 'src="/files/3"' in html
    # Only same-server paths survive (markdown-it percent-encodes the backslash).
    assert 'src="http' not in html and 'src="//' not in html and 'src="/\\' not in html


def test_links_may_point_outside_and_tables_render():
    html = render_markdown("[政府网](https://www.gov.cn)\n\n| a | b |\n|---|---|\n| 1 | 2 |")
    assert 'href="https://www.gov.cn"' in html and "<table>" in html


def test_plain_text_unescapes():
    assert plain_text("**党费** & 收缴") == "党费 & 收缴"

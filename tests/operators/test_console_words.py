"""A crawl of the console as an administrator (every page reachable from the
navigation, and the pages those link to): what a person reads carries no raw
ids, escaped Unicode, MIME types, cron or library syntax, nor English labels."""

from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser

from tests.display.conftest import signed_in

# Words that are names, not English labels: units and formats staff know by
# these names, the demo's terminal codes and accounts, and the hall's own ids.
ALLOWED = re.compile(
    r"^(LED|PDF|Excel|CSV|URL|HTTP|HTTPS|IP|QR|TOTP|BX|Onbon|Huidu|GB2312|GBK|TCP|Markdown|"
    r"Microsoft|Google|Authenticator|FreeOTP|"
    # protocols and formats integrators know by name, and CAP 1.2's own element names
    r"CAP|WAV|PCM|SDK|POST|Authorization|Bearer|System|status|geocode|circle|polygon|expires|"
    # the queue system the hall connects and the names its own console shows
    r"NovoSGA|API|OAuth|password|numeroLocal|"
    r"wall|led|kiosk|demo|hall|admin|operator|drafter|reviewer|approver|handler|hall2|"
    r"token|sunlight|localhost|example|test|http|https|www|gov|html|xlsx|csv|png|jpg|docx|pdf)$",
    re.IGNORECASE,
)
BAD = {
    "escaped Unicode": re.compile(r"\\u[0-9a-fA-F]{4}"),
    "MIME type": re.compile(r"\b(application|image|text)/[a-z][\w.+-]+"),
    "cron syntax": re.compile(r"mon-fri|sat,sun|day_of_week|APScheduler|\*/\d|\* \* \*"),
    "raw id": re.compile(r"\{\s*\"\w+_id\"|\b\w+_id\b|#\s?\d+\b"),
}
# (the TOTP page shows the secret to type in, in letters, on purpose)
SKIP = (".csv", ".png", ".svg", ".json", "/logout", "/download", "/files/", "/account/totp")


class Visible(HTMLParser):
    """The text a person reads: no scripts, styles or hidden template bits."""

    def __init__(self):
        super().__init__()
        self.text, self.links, self._skip = [], [], 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style", "template"):
            self._skip += 1
        if tag == "a" and attrs.get("href", "").startswith("/admin"):
            self.links.append(attrs["href"].split("#")[0])
        if tag == "option" or tag == "button":
            pass

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.text.append(data.strip())


def given_names() -> set[str]:
    """Codes and accounts staff gave things (catalogue codes, terminal codes, users)."""
    from sqlalchemy import select

    from content_feed.db import db
    from content_feed.models import Category, Terminal, User

    found = set()
    for column in (Category.code, Terminal.code, User.username):
        found |= {c.lower() for c in db.session.execute(select(column)).scalars()}
    return found


def english_words(text: str, names: set[str]) -> list[str]:
    words = re.findall(r"(?<![\w./@:-])[A-Za-z]{3,}(?![\w./@-])", text)
    return [w for w in words if not ALLOWED.match(w) and w.lower() not in names]


def test_console_pages_speak_the_staffs_words(demo_app, csrf_off):
    admin = signed_in(demo_app, "admin")
    queue, seen, problems = deque(["/admin/"]), set(), []
    names = given_names()
    while queue and len(seen) < 150:
        url = queue.popleft()
        if url in seen or any(s in url for s in SKIP):
            continue
        seen.add(url)
        r = admin.get(url)
        if r.status_code != 200 or r.mimetype != "text/html":
            continue
        page = Visible()
        page.feed(r.get_data(as_text=True))
        text = "\n".join(page.text)
        for name, pattern in BAD.items():
            for hit in pattern.findall(text):
                problems.append((url, name, hit))
        for word in english_words(text, names):
            problems.append((url, "English", word))
        queue.extend(link for link in page.links if link not in seen)
    assert len(seen) > 30
    assert not problems, "\n".join(map(str, sorted(set(problems))[:80]))

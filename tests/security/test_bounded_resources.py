"""Resources bounded (issue 20, item 5): image decoding within a pixel budget with the
memory given back, proof-of-play records limited per screen and hour, and the
account page's password and code checks counted like sign-in failures."""

from __future__ import annotations

import io
import os
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import func, select

from admin import uploads
from admin.decode_budget import Busy, budget_for
from content_feed.db import db
from content_feed.models import PlayRecord
from tests.builders import PASSWORD, make_user
from tests.conftest import reconfigure

WALL = {"X-Terminal-Token": "demo-wall-token"}


def png(side: int, shade: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (side, side), (shade, 90, 160)).save(out, "PNG")
    return out.getvalue()


def rss_mb() -> float:
    with open(f"/proc/{os.getpid()}/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def test_concurrent_decodes_stay_within_the_pixel_budget_and_give_memory_back(app):
    """Four 1200×1200 uploads at once against a 3-megapixel budget: never more than
    3 MP decoded at a time, all of them stored, and rounds of it leave the memory
    where the first rounds left it."""
    reconfigure(app, security={"image_decode_megapixels": 3})
    budget = budget_for(3)
    images = [png(1200, shade) for shade in range(4)]
    results: list = []

    def upload(data: bytes) -> None:
        with app.app_context():
            results.append(uploads.inspect(data).width)

    # Four request threads for every round, as waitress keeps a fixed pool (new
    # threads each round would each take an allocator arena of their own).
    pool = ThreadPoolExecutor(max_workers=4)

    def round_of_uploads() -> None:
        list(pool.map(upload, images))

    # Two rounds warm the allocator's arenas (in a worker shared with other tests);
    # three more must not grow the process.
    for _ in range(2):
        round_of_uploads()
    after_first = rss_mb()
    for _ in range(3):
        round_of_uploads()
    assert results == [1200] * 20
    assert budget.peak <= 3_000_000 and budget.used == 0
    pool.shutdown()
    assert rss_mb() - after_first < 30, (after_first, rss_mb())


def test_an_image_waits_for_its_pixels_then_is_refused_in_chinese(app):
    reconfigure(app, security={"image_decode_megapixels": 3})
    budget = budget_for(3)
    with budget.hold(3_000_000), pytest.raises(Busy), budget.hold(1, wait=0.05):
        pass
    assert budget.used == 0


def plays(clock, n: int, start_minutes_ago: int = 30) -> list[dict]:
    start = clock.now() - timedelta(minutes=start_minutes_ago)
    return [
        {
            "key": f"e-{i}",
            "title": "标题",
            "started_at": (start + timedelta(seconds=i // 10)).isoformat(),
            "duration": 1,
        }
        for i in range(n)
    ]


def test_a_screen_cannot_store_more_plays_than_it_could_show(demo_app, client, clock):
    """The review's 8,000 invented plays in one hour: at most 720 of them are kept."""
    sent = [
        client.post(
            "/display/wall-1/plays",
            json={"batch_key": f"invented-{n:04d}", "plays": plays(clock, 500)},
            headers=WALL,
        ).get_json()
        for n in range(16)
    ]
    stored = db.session.execute(select(func.count(PlayRecord.id))).scalar()
    assert stored == 720
    assert sum(s["accepted"] for s in sent) == 720
    assert sum(s["dropped"] for s in sent) == 8000 - 720


def test_plays_sent_are_rate_limited_per_screen(demo_app, client, clock):
    reconfigure(demo_app, display={"max_plays_received_per_hour": 600})
    codes = [
        client.post(
            "/display/wall-1/plays",
            json={"batch_key": f"catch-up-{n:04d}", "plays": plays(clock, 250, 600 - 60 * n)},
            headers=WALL,
        ).status_code
        for n in range(3)
    ]
    assert codes == [200, 200, 429]


@pytest.mark.parametrize(
    ("path", "fields"),
    [
        (
            "/admin/account",
            {
                "current": "wrong-password",
                "new": "a-new-password-123",
                "repeat": "a-new-password-123",
            },
        ),
        ("/admin/account/totp/off", {"password": "wrong-password", "code": "000000"}),
    ],
)
def test_account_page_guesses_lock_like_sign_in(app, client, path, fields):
    app.config["WTF_CSRF_ENABLED"] = False
    user = make_user("guessed", "drafter")
    db.session.commit()
    client.post("/admin/login", data={"username": "guessed", "password": PASSWORD})
    user.totp_secret = "A" * 32  # turned on meanwhile, for the page that turns it off
    db.session.commit()
    limit = app.config["SUNLIGHT"]["security"]["login_max_failures"]
    for _ in range(limit):
        client.post(path, data=fields)
    # Now even the right password is not checked from this address.
    right = {**fields, "current": PASSWORD, "password": PASSWORD}
    page = client.post(path, data=right).get_data(as_text=True)
    assert "连续输错次数过多" in page

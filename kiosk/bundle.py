"""Everything a kiosk shows, in one JSON answer it keeps for when the server is gone.

One conditional GET per poll: the ETag is the feed state, so an unchanged
hall costs a 304. The kiosk stores the answer in localStorage and renders
every page from it, so browsing goes on through a server outage without a
service worker. Only what content_feed.public_now allows is in it.
"""

from __future__ import annotations

from flask import current_app, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from content_feed import serialize, topics
from content_feed.answers import PartsCache, Serialized
from content_feed.catalogue import category_tree
from content_feed.clock import now
from content_feed.db import db
from content_feed.models import Guide, Item, ItemRevision, Terminal
from content_feed.public_now import (
    current_urgent_notices,
    item_rule,
    public_answers,
    public_guides,
    public_items,
    public_meetings,
    public_slogans,
)
from content_feed.schemas import dump
from content_feed.search import (
    ABBREVIATIONS,
    guide_text,
    plain_text,
    spelled_text,
    syllables,
    window_text,
)
from content_feed.timefmt import iso
from content_feed.versioning import versions
from content_feed.vocabulary import (
    CITIZEN_DUE_LABELS,
    CITIZEN_INQUIRY_STATES,
    INQUIRY_KINDS,
    RATING_LEVELS,
    RATING_PROGRESS,
    RATING_TARGETS,
)
from inquiries.api.submissions import answer
from inquiries.submission_rules import RULES, params_for
from inquiries.submissions import DELIVERY_METHODS

SURFACE = "kiosk"
# Items whose full text travels in the bundle; older ones load on demand.
ITEMS_WITH_BODY = 300
MAX_ITEMS = 2000
MAX_ANSWERS = 100


def _pinyin(title: str) -> dict:
    sylls = syllables(title)
    return {"py": "".join(s[0] for s in sylls), "pinyin": sylls}


def bundle_topics(terminal: Terminal) -> list[str]:
    """What a kiosk's bundle reads: its own settings, its hall's public content
    and urgent notices, the public answers and the catalogue."""
    return [
        topics.terminal(terminal.id),
        *topics.of_hall(topics.CONTENT, terminal.hall_id),
        *topics.of_hall(topics.URGENT, terminal.hall_id),
        *topics.of_hall(topics.ANSWERS, terminal.hall_id),
        topics.CATALOGUE,
    ]


def urgent_notices(terminal: Terminal, at) -> list[dict]:
    """The urgent notices this kiosk shows: its hall's, and its groups' (public_now)."""
    rows = db.session.execute(
        current_urgent_notices(
            at,
            hall_id=terminal.hall_id,
            surface=SURFACE,
            group_ids=frozenset(g.id for g in terminal.groups),
        )
    ).scalars()
    return [dump(serialize.urgent(u)) for u in rows]


def hall_parts() -> PartsCache:
    return current_app.extensions.setdefault("sunlight.kiosk_parts", PartsCache())


def build(terminal: Terminal) -> dict:
    """The bundle of ``terminal``: its own name and urgent notices, and what every
    kiosk of its hall shows, read and encoded once per content state for all of them."""
    at = now()
    state = (versions().sync(), versions().next_boundary())
    hall = hall_parts().get((state, terminal.hall_id), lambda: _hall_part(terminal.hall, at))
    settings = current_app.config["SUNLIGHT"]
    return {
        "terminal": {"code": terminal.code, "name": terminal.name},
        "hall": hall["hall"],
        "timezone": settings["hall"]["timezone"],
        "generated_at": iso(at),
        "catalogue": hall["catalogue"],
        "items": hall["items"],
        "guides": hall["guides"],
        "meetings": hall["meetings"],
        "urgent_notices": urgent_notices(terminal, at),
        "slogans": hall["slogans"],
        "answers": hall["answers"],
        "vocabulary": VOCABULARY,
        "search": hall["search"],
        # What a submission must satisfy: the kiosk checks before it queues anything.
        "rules": {"rules": RULES, "params": params_for(settings["feedback"])},
        "limits": {"max_text_length": settings["feedback"]["max_text_length"]},
        "urls": {"item_api": url_for("api_v1.item", item_id=0).rsplit("/", 1)[0]},
    }


VOCABULARY = {
    "inquiry_kinds": INQUIRY_KINDS,
    "rating_levels": {str(k): v for k, v in RATING_LEVELS.items()},
    "rating_targets": RATING_TARGETS,
    "delivery_methods": list(DELIVERY_METHODS),
    # A citizen's view of progress, worded as the phone page words it.
    "progress": {
        "inquiry": CITIZEN_INQUIRY_STATES,
        "rating": RATING_PROGRESS,
        "due": CITIZEN_DUE_LABELS,
    },
}


def _hall_part(hall, at) -> dict:
    """What every kiosk of ``hall`` shows at ``at``; the long lists encoded once
    (answers.Serialized)."""
    counts = dict(
        db.session.execute(
            select(Item.category_id, func.count(Item.id))
            .where(item_rule(at, hall.id, SURFACE))
            .group_by(Item.category_id)
        ).all()
    )
    items = []
    rows = db.session.execute(
        public_items(at, hall_id=hall.id, surface=SURFACE)
        .options(
            selectinload(Item.category),
            selectinload(Item.halls),
            selectinload(Item.published_revision).selectinload(ItemRevision.attachments),
        )
        .limit(MAX_ITEMS)
    ).scalars()
    for n, item in enumerate(rows):
        with_body = n < ITEMS_WITH_BODY
        data = dump(serialize.item_detail(item) if with_body else serialize.item_summary(item))
        data.update(_pinyin(item.title))
        # What the offline search reads (content_feed.search reads the same).
        data["search"] = [item.summary or "", plain_text(item.body) if with_body else ""]
        items.append(data)
    guides = []
    for guide in db.session.execute(
        public_guides(at, hall_id=hall.id).options(
            selectinload(Guide.window),
            selectinload(Guide.materials),
            selectinload(Guide.steps),
            selectinload(Guide.fees),
            selectinload(Guide.faqs),
        )
    ).scalars():
        data = dump(serialize.guide_detail(guide))
        data["keywords"] = guide.keywords
        data.update(_pinyin(guide.name))
        data["search"] = list(guide_text(guide))
        data["spelled"] = list(spelled_text(*data["search"]))
        guides.append(data)
    windows = []
    for w in hall.windows:
        title, summary, body = window_text(w)
        windows.append(
            {
                "id": w.id,
                "title": title,
                "summary": summary,
                "body": body,
                "spelled": list(spelled_text(summary, body)),
                **_pinyin(title),
            }
        )
    return {
        "hall": dump(serialize.hall(hall)),
        "catalogue": Serialized(category_tree(counts)),
        "items": Serialized(items),
        "guides": Serialized(guides),
        "meetings": Serialized(
            dump(serialize.meeting(m))
            for m in db.session.execute(public_meetings(at, hall_id=hall.id)).scalars()
        ),
        "slogans": Serialized(
            s.text for s in db.session.execute(public_slogans(at, hall_id=hall.id)).scalars()
        ),
        "answers": Serialized(
            dump(answer(a))
            for a in db.session.execute(
                public_answers(hall_id=hall.id).limit(MAX_ANSWERS)
            ).scalars()
        ),
        "search": {"abbreviations": ABBREVIATIONS, "windows": windows},
    }

"""Search over what is public now: disclosure items and process guides.

Chinese substring search (one or two characters included), pinyin by full
syllables and by initials on titles (``bdc`` → 不动产登记, ``ylbx`` →
养老保险) and, for guides and windows, on their summaries and bodies too
(materials, steps, window services: ``hukou`` → a guide asking for the 户口簿),
and a few common abbreviations (社保 → 社会保险/社会保障; typed in full pinyin too:
``shebao``).
Several words separated by spaces (``党费 2025``, ``登记 不动产``) find the
documents holding all of them, in any order. Guides are found by their
materials, steps, conditions, FAQ and the services of their window; windows
are documents of their own (``公安户政`` by ``户籍``).

Ranking: a document's tier is its worst-placed word: title matches, then
summary and keywords, then body (for guides: materials, steps, FAQ, window);
within a tier guides first, then windows, then items newest first. Spans mark
what matched.

The kiosk's offline search (``kiosk/static/kiosk/js/searchcore.js``) applies
the same rules to its bundle; ``tests/search_vectors.json`` holds the cases
both must answer alike.

An index lives in memory per (hall, surface) and is rebuilt when the hall's
public content or the catalogue moves, or the next visibility boundary passes. Only rows chosen by :mod:`content_feed.public_now` ever
enter it, so a search can never find what a kiosk may not show.

Layout, for speed at tens of thousands of documents:

- titles (and their pinyin) are concatenated into one string per field, in
  rank order, so a title search is a few C-level ``str.find`` scans;
- summaries and bodies go through a character posting list: candidates are
  the documents holding the rarest character of the query, verified with
  ``in``, in rank order, stopping once enough are counted.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from array import array
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from flask import current_app
from pypinyin import lazy_pinyin
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from content_feed import topics
from content_feed.clock import now
from content_feed.db import db
from content_feed.models import Category, Guide, Item, Window
from content_feed.public_now import item_rule, public_guides
from content_feed.timefmt import local_date
from content_feed.versioning import versions

SEP = "\x00"
MAX_QUERY = 40
# Words of one query; more are ignored.
MAX_TERMS = 5
# Matches counted beyond the first page; past this the total reads "COUNT_CAP+".
COUNT_CAP = 1000
SNIPPET = 36

TIER_TITLE, TIER_SUMMARY, TIER_BODY = 0, 1, 2
TIER_NAMES = {TIER_TITLE: "title", TIER_SUMMARY: "summary", TIER_BODY: "body"}

# Short words people say for the long names documents use.
_SHORT_WORDS: dict[str, tuple[str, ...]] = {
    "社保": ("社会保险", "社会保障"),
    "医保": ("医疗保险", "医疗保障"),
    "低保": ("最低生活保障",),
    "公积金": ("住房公积金",),
    "房产证": ("不动产权证书", "不动产登记"),
    "营业执照": ("设立登记",),
    "户口": ("户籍", "户政"),
    "户籍": ("户口", "户政"),
    "退休金": ("养老金", "养老保险"),
}
# Fewer letters than this are not looked for in summaries and bodies: two letters of
# initials already match most guides, one would match all of them.
MIN_SPELLED = 2

_MARKDOWN = re.compile(r"!\[[^\]]*\]\([^)]*\)|\]\([^)]*\)|[#>*_`|\[\]~-]{1,}")
_SPACE = re.compile(r"\s+")


def plain_text(markdown: str) -> str:
    """Markdown source to searchable text (links keep their words, images go)."""
    return _SPACE.sub(" ", _MARKDOWN.sub(" ", markdown or "")).strip()


def normalize(query: str) -> str:
    """A query as compared: full-width to half-width, lower case, no spaces."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", query or "")).lower()


def terms(query: str) -> list[str]:
    """The words of a query, each :func:`normalize`d, in order, each once."""
    out: list[str] = []
    for part in unicodedata.normalize("NFKC", query or "").split():
        term = normalize(part)[:MAX_QUERY]
        if term and term not in out:
            out.append(term)
    return out[:MAX_TERMS]


def variants_of(term: str) -> list[str]:
    return [term, *ABBREVIATIONS.get(term, ())]


def _with_pinyin_keys(table: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """Each short word also under its full pinyin (``hukou`` → 户口 and what 户口 means),
    so a word typed on the kiosk's letter keyboard finds what the word itself finds."""
    out = dict(table)
    for word, longer in table.items():
        out.setdefault("".join(lazy_pinyin(word)), (word, *longer))
    return out


ABBREVIATIONS = _with_pinyin_keys(_SHORT_WORDS)


def is_pinyin(term: str) -> bool:
    return term.isascii() and term.isalpha()


def fold(text: str) -> str:
    """Document text as compared: like :func:`normalize` but keeping every position,
    so that spans found in the folded text mark the same characters in the original."""
    folded = unicodedata.normalize("NFKC", text).lower()
    return folded if len(folded) == len(text) else text.lower()


def _no_pinyin(chars: str) -> list[str]:
    return list(chars)


def syllables(title: str) -> list[str]:
    """One pinyin syllable per character of ``title``; letters and digits stand for
    themselves, anything else becomes a space."""
    return list(_syllables(title))


@lru_cache(maxsize=16384)
def _syllables(title: str) -> tuple[str, ...]:
    # Titles repeat in every bundle and index built: convert each once.
    out = lazy_pinyin(title, errors=_no_pinyin)
    if len(out) != len(title):
        out = [lazy_pinyin(ch, errors=_no_pinyin)[0] for ch in title]
    return tuple(s.lower() if s.isalnum() else " " for s in out)


@dataclass(slots=True, frozen=True)
class Spelling:
    """A text's pinyin: one syllable per character, as initials and run together
    (``starts``: where each character's syllable begins in ``full``)."""

    initials: str
    full: str
    starts: tuple[int, ...]


def spell(sylls: list[str] | tuple[str, ...]) -> Spelling:
    starts, pos = [], 0
    for s in sylls:
        starts.append(pos)
        pos += len(s)
    return Spelling("".join(s[0] for s in sylls), "".join(sylls), tuple(starts))


def syllable_spans(full: str, starts: tuple[int, ...], term: str) -> list[tuple[int, int]]:
    """Characters covered by ``term`` read as pinyin starting on a syllable of ``full``
    (``starts``: where each character's syllable begins)."""
    spans = []
    pos = full.find(term)
    while pos >= 0:
        index = bisect_right(starts, pos) - 1
        if index >= 0 and starts[index] == pos:
            spans.append((index, bisect_right(starts, pos + len(term) - 1)))
        pos = full.find(term, pos + 1)
    return spans


def spelled_spans(sp: Spelling | None, term: str) -> list[tuple[int, int]]:
    """Characters of the spelled text that ``term`` matches as initials or as full
    pinyin starting on a syllable."""
    if sp is None or len(term) < MIN_SPELLED:
        return []
    spans = SearchIndex._literal_spans(sp.initials, term)
    return _merge(spans + syllable_spans(sp.full, sp.starts, term))


def spelled_in(sp: Spelling | None, term: str) -> bool:
    if sp is None or len(term) < MIN_SPELLED:
        return False
    return term in sp.initials or bool(term in sp.full and spelled_spans(sp, term))


@dataclass(slots=True)
class Doc:
    kind: str  # "item", "guide" or "window"
    id: int
    title: str
    summary: str
    body: str
    info: dict
    # Normalised, lower-cased copies used for matching and spans.
    n_title: str = ""
    n_summary: str = ""
    n_body: str = ""
    initials: str = ""
    full: str = ""
    starts: tuple[int, ...] = ()
    # Pinyin of the summary and body (guides and windows only), else None.
    py_summary: Spelling | None = None
    py_body: Spelling | None = None


@dataclass
class Hit:
    doc: Doc
    tier: int
    title_spans: list[tuple[int, int]]
    snippet: str
    snippet_spans: list[tuple[int, int]]

    def to_json(self) -> dict:
        return {
            "kind": self.doc.kind,
            "id": self.doc.id,
            "title": self.doc.title,
            "title_spans": [list(s) for s in self.title_spans],
            "snippet": self.snippet,
            "snippet_spans": [list(s) for s in self.snippet_spans],
            "matched_in": TIER_NAMES[self.tier],
            **self.doc.info,
        }


@dataclass
class Results:
    query: str
    hits: list[Hit]
    total: int
    more: bool  # the total was capped

    def to_json(self) -> dict:
        return {
            "query": self.query,
            "total": self.total,
            "total_capped": self.more,
            "results": [h.to_json() for h in self.hits],
        }


class _Field:
    """One text per document, concatenated in rank order, for C-speed scanning."""

    def __init__(self, texts: list[str]):
        self.starts: list[int] = []
        pos = 0
        for text in texts:
            self.starts.append(pos)
            pos += len(text) + 1
        self.text = SEP.join(texts)

    def doc_at(self, pos: int) -> int:
        return bisect_right(self.starts, pos) - 1

    def scan(self, needle: str, cap: int = COUNT_CAP) -> list[int]:
        """The first ``cap`` documents whose text contains ``needle``, in order, each once."""
        found, pos, text = [], 0, self.text
        while len(found) < cap:
            pos = text.find(needle, pos)
            if pos < 0:
                break
            n = self.doc_at(pos)
            found.append(n)
            pos = self.starts[n + 1] if n + 1 < len(self.starts) else len(text)
        return found


class SearchIndex:
    """An immutable index of documents in rank order."""

    def __init__(self, docs: list[Doc]):
        self.docs = docs
        self.titles = _Field([d.n_title for d in docs])
        self.initials = _Field([d.initials for d in docs])
        self.full = _Field([d.full for d in docs])
        # Documents whose summary and body are spelled out in pinyin (a few hundred).
        self.spelled = [n for n, d in enumerate(docs) if d.py_summary or d.py_body]
        self.postings: dict[str, array] = {}
        # Characters of the titles not already in the summary or body, so that
        # postings ∪ title_postings covers every field (for several words).
        self.title_postings: dict[str, array] = {}
        for n, doc in enumerate(docs):
            chars = set(doc.n_summary + doc.n_body)
            for ch in chars:
                posting = self.postings.get(ch)
                if posting is None:
                    posting = self.postings[ch] = array("I")
                posting.append(n)
            for ch in set(doc.n_title) - chars:
                posting = self.title_postings.get(ch)
                if posting is None:
                    posting = self.title_postings[ch] = array("I")
                posting.append(n)

    # -- matching -------------------------------------------------------------

    def _title_hits(self, term: str) -> list[int]:
        hits = self.titles.scan(term)
        if is_pinyin(term):
            hits += self.initials.scan(term)
            hits += [n for n in self.full.scan(term) if self._full_spans(self.docs[n], term)]
        return hits

    def _other_hits(self, term: str, skip: set[int], cap: int) -> dict[int, int]:
        """Documents matching ``term`` in summary (tier 1) or body (tier 2), in order."""
        postings = [self.postings.get(ch) for ch in set(term)]
        if any(p is None for p in postings):
            return {}
        rarest = min(postings, key=len)
        found: dict[int, int] = {}
        single = len(term) == 1
        for n in rarest:
            if n in skip:
                continue
            doc = self.docs[n]
            if term in doc.n_summary:
                found[n] = TIER_SUMMARY
            elif single or term in doc.n_body:
                found[n] = TIER_BODY
            else:
                continue
            if len(found) >= cap:
                break
        return found

    def _spelled_hits(self, term: str, skip: set[int]) -> dict[int, int]:
        """Documents holding ``term`` as pinyin in summary (tier 1) or body (tier 2)."""
        found: dict[int, int] = {}
        for n in self.spelled:
            if n in skip:
                continue
            doc = self.docs[n]
            if spelled_in(doc.py_summary, term):
                found[n] = TIER_SUMMARY
            elif spelled_in(doc.py_body, term):
                found[n] = TIER_BODY
        return found

    def _candidates(self, variants: list[str]) -> set[int]:
        """Every document that may hold one of ``variants`` in some field (a superset)."""
        found: set[int] = set()
        everything = len(self.docs)
        for v in variants:
            if is_pinyin(v):
                found.update(self.initials.scan(v, everything))
                found.update(self.full.scan(v, everything))
                found.update(self.spelled)
            lists = []
            for ch in set(v):
                a, b = self.postings.get(ch), self.title_postings.get(ch)
                if a is None and b is None:
                    break
                lists.append((a or (), b or ()))
            else:
                a, b = min(lists, key=lambda pair: len(pair[0]) + len(pair[1]))
                found.update(a)
                found.update(b)
        return found

    def _tier(self, doc: Doc, variants: list[str]) -> int | None:
        """Where ``doc`` holds the best-placed of ``variants``, or None."""
        best = None
        for v in variants:
            if v in doc.n_title:
                return TIER_TITLE
            if is_pinyin(v) and (v in doc.initials or (v in doc.full and self._full_spans(doc, v))):
                return TIER_TITLE
            pinyin = is_pinyin(v)
            if v in doc.n_summary or (pinyin and spelled_in(doc.py_summary, v)):
                best = TIER_SUMMARY
            elif best is None and (v in doc.n_body or (pinyin and spelled_in(doc.py_body, v))):
                best = TIER_BODY
        return best

    def _search_words(self, query: str, words: list[str], offset: int, limit: int) -> Results:
        """Several words: documents holding all of them, ranked by the worst-placed."""
        groups = [variants_of(w) for w in words]
        candidates: set[int] | None = None
        for variants in sorted(groups, key=lambda g: not is_pinyin(g[0])):
            found = self._candidates(variants)
            candidates = found if candidates is None else candidates & found
            if not candidates:
                return Results(query, [], 0, False)
        ranked: list[tuple[int, int]] = []
        for n in candidates:
            doc, worst = self.docs[n], TIER_TITLE
            for variants in groups:
                tier = self._tier(doc, variants)
                if tier is None:
                    break
                worst = max(worst, tier)
            else:
                ranked.append((worst, n))
        ranked.sort()
        total = len(ranked)
        every = [v for g in groups for v in g]
        hits = [self._hit(self.docs[n], tier, every) for tier, n in ranked[offset : offset + limit]]
        return Results(query, hits, min(total, COUNT_CAP), total >= COUNT_CAP)

    def search(self, query: str, offset: int = 0, limit: int = 20) -> Results:
        words = terms(query)
        if not words:
            return Results(query, [], 0, False)
        if len(words) > 1:
            return self._search_words(query, words, offset, limit)
        term = words[0]
        variants = variants_of(term)
        title_set: set[int] = set()
        for v in variants:
            title_set.update(self._title_hits(v))
        titles = sorted(title_set)[:COUNT_CAP]
        others: dict[int, int] = {}
        # Past COUNT_CAP title matches nothing else can reach the pages shown.
        for v in variants if len(titles) < COUNT_CAP else ():
            found = self._other_hits(v, title_set, COUNT_CAP)
            if is_pinyin(v):
                for n, tier in self._spelled_hits(v, title_set).items():
                    found[n] = min(tier, found.get(n, tier))
            for n, tier in found.items():
                others[n] = min(tier, others.get(n, tier))
        ranked = titles + sorted(others, key=lambda n: (others[n], n))
        total = len(ranked)
        capped = total >= COUNT_CAP
        page = ranked[offset : offset + limit]
        hits = [self._hit(self.docs[n], others.get(n, TIER_TITLE), variants) for n in page]
        return Results(query, hits, min(total, COUNT_CAP), capped)

    # -- spans ------------------------------------------------------------------

    @staticmethod
    def _literal_spans(text: str, term: str) -> list[tuple[int, int]]:
        spans, pos = [], text.find(term)
        while pos >= 0:
            spans.append((pos, pos + len(term)))
            pos = text.find(term, pos + len(term))
        return spans

    @staticmethod
    def _full_spans(doc: Doc, term: str) -> list[tuple[int, int]]:
        """Title characters covered by ``term`` read as pinyin starting on a syllable."""
        return syllable_spans(doc.full, doc.starts, term)

    def _title_spans(self, doc: Doc, variants: list[str]) -> list[tuple[int, int]]:
        spans: list[tuple[int, int]] = []
        for v in variants:
            found = self._literal_spans(doc.n_title, v)
            if not found and is_pinyin(v):
                found = self._literal_spans(doc.initials, v) or self._full_spans(doc, v)
            spans += found
        return _merge(spans)

    def _hit(self, doc: Doc, tier: int, variants: list[str]) -> Hit:
        title_spans = self._title_spans(doc, variants)
        source, text, spelled = doc.n_summary, doc.summary, doc.py_summary
        if tier == TIER_BODY:
            source, text, spelled = doc.n_body, doc.body, doc.py_body
        snippet, spans = _snippet(text, source, variants, spelled)
        return Hit(doc, tier, title_spans, snippet, spans)


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(set(spans)):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _snippet(
    text: str, normalized: str, variants: list[str], spelled: Spelling | None = None
) -> tuple[str, list]:
    """A short window of ``text`` around the first match, with the spans inside it
    (``normalized`` is the :func:`fold`ed text, ``spelled`` its pinyin if any)."""
    every = [
        *(s for v in variants for s in SearchIndex._literal_spans(normalized, v)),
        *(s for v in variants if is_pinyin(v) for s in spelled_spans(spelled, v)),
    ]
    if not every:
        return text[: SNIPPET * 2], []
    first = min(a for a, _ in every)
    start = max(0, first - SNIPPET // 3)
    end = min(len(text), start + SNIPPET * 2)
    spans = _merge(
        [(max(a, start) - start, min(b, end) - start) for a, b in every if a < end and b > start]
    )
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    shift = len(prefix)
    return prefix + text[start:end] + suffix, [(a + shift, b + shift) for a, b in spans]


# -- building ----------------------------------------------------------------


class _PinyinCache:
    """Title → syllables; kept across rebuilds, since titles rarely change."""

    def __init__(self, size: int = 200_000):
        self.size = size
        self._data: dict[str, list[str]] = {}

    def get(self, title: str) -> list[str]:
        found = self._data.get(title)
        if found is None:
            if len(self._data) >= self.size:
                self._data.clear()
            found = self._data[title] = syllables(title)
        return found


def text_syllables(text: str) -> list[str]:
    """Like :func:`syllables`, for a summary or body (not kept in the title cache)."""
    out = lazy_pinyin(text, errors=_no_pinyin)
    if len(out) != len(text):
        out = [lazy_pinyin(ch, errors=_no_pinyin)[0] for ch in text]
    return [s.lower() if s.isalnum() else " " for s in out]


def make_doc(
    kind: str,
    id: int,
    title: str,
    summary: str,
    body: str,
    info: dict,
    pinyin,
    spelled: tuple[list[str], list[str]] | None = None,
) -> Doc:
    """A document; ``spelled`` is the pinyin of its summary and body (guides, windows)."""
    sylls = pinyin.get(title)
    starts, pos = [], 0
    for s in sylls:
        starts.append(pos)
        pos += len(s)
    return Doc(
        kind,
        id,
        title,
        summary,
        body,
        info,
        n_title=fold(title),
        n_summary=fold(summary),
        n_body=fold(body),
        initials="".join(s[0] for s in sylls),
        full="".join(sylls),
        starts=tuple(starts),
        py_summary=spell(spelled[0]) if spelled else None,
        py_body=spell(spelled[1]) if spelled else None,
    )


def spelled_text(summary: str, body: str) -> tuple[list[str], list[str]]:
    """The pinyin of a guide's or window's summary and body, as the bundle carries it."""
    return text_syllables(summary), text_syllables(body)


@dataclass
class _Slot:
    key: str | None = None
    index: SearchIndex | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


class SearchIndexes:
    """One index per (hall, surface), rebuilt when the feed state moves."""

    def __init__(self):
        self._slots: dict[tuple, _Slot] = {}
        self._guard = threading.Lock()
        self.pinyin = _PinyinCache()

    def get(self, session, at: datetime, state_key: str, hall_id, surface) -> SearchIndex:
        with self._guard:
            slot = self._slots.setdefault((hall_id, surface), _Slot())
        if slot.key == state_key and slot.index is not None:
            return slot.index
        with slot.lock:
            if slot.key != state_key or slot.index is None:
                slot.index = SearchIndex(load_docs(session, at, hall_id, surface, self.pinyin))
                slot.key = state_key
            return slot.index


def _join(*parts: str) -> str:
    return " ".join(p for p in parts if p)


def guide_text(guide: Guide) -> tuple[str, str]:
    """A guide's searchable summary and body: what a citizen may type to find it
    (its materials, steps, conditions, FAQ and the services of its window too)."""
    summary = _join(guide.summary, guide.keywords)
    window = guide.window
    body = _join(
        guide.conditions,
        guide.implementing_body,
        guide.location,
        window.label if window else "",
        window.services if window else "",
        *(_join(m.name, m.source, m.notes) for m in guide.materials),
        *(_join(s.title, s.description) for s in guide.steps),
        *(_join(f.question, f.answer) for f in guide.faqs),
    )
    return summary, body


def window_text(window: Window) -> tuple[str, str, str]:
    """A window's title, summary (the services it lists) and body."""
    return window.label, window.services or "", ""


def load_docs(session, at: datetime, hall_id, surface, pinyin) -> list[Doc]:
    """Public guides, then windows, then public items newest first: exactly what
    public_now allows."""
    docs: list[Doc] = []
    guides = public_guides(at, hall_id=hall_id).options(
        selectinload(Guide.window),
        selectinload(Guide.materials),
        selectinload(Guide.steps),
        selectinload(Guide.faqs),
    )
    for g in session.execute(guides).scalars():
        info = {"code": g.code, "date": local_date(g.published_at), "category": "办事指南"}
        summary, body = guide_text(g)
        spelled = spelled_text(summary, body)
        docs.append(make_doc("guide", g.id, g.name, summary, body, info, pinyin, spelled))
    windows = select(Window).order_by(Window.hall_id, Window.sort_order, Window.id)
    if hall_id is not None:
        windows = windows.where(Window.hall_id == hall_id)
    for w in session.execute(windows).scalars():
        title, summary, body = window_text(w)
        info = {"category": "办理窗口", "date": None, "number": w.number}
        spelled = spelled_text(summary, body)
        docs.append(make_doc("window", w.id, title, summary, body, info, pinyin, spelled))
    names = dict(session.execute(select(Category.id, Category.name)).all())
    rows = session.execute(
        select(
            Item.id,
            Item.title,
            Item.summary,
            Item.body,
            Item.index_number,
            Item.category_id,
            Item.published_at,
        )
        .where(item_rule(at, hall_id, surface))
        .order_by(Item.last_published_at.desc(), Item.id.desc())
    )
    for id_, title, summary, body, index_number, category_id, published_at in rows:
        info = {
            "index_number": index_number,
            "category": names.get(category_id, ""),
            "date": local_date(published_at),
        }
        docs.append(make_doc("item", id_, title, summary, plain_text(body), info, pinyin))
    return docs


def index_state(hall_id: int | None) -> str:
    """What an index reads (the hall's public content and the catalogue) and
    the next visibility boundary: the index is rebuilt when either moves."""
    state = versions()
    stamp = state.stamp([*topics.of_hall(topics.CONTENT, hall_id), topics.CATALOGUE])
    boundary = state.next_boundary()
    return f"{stamp}-{boundary.timestamp() if boundary else 0}"


def search(
    query: str, *, hall_id: int | None = None, surface: str | None = None, offset=0, limit=20
) -> Results:
    """Search what is public now for ``hall_id`` on ``surface`` (inside an app context)."""
    indexes = current_app.extensions.setdefault("sunlight.search", SearchIndexes())
    index = indexes.get(db.session, now(), index_state(hall_id), hall_id, surface)
    return index.search(query, offset, limit)

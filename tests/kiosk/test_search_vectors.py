"""One set of search cases, run against the server's search and the kiosk's offline search.

The JavaScript side runs in node (v20) on the module the kiosk loads,
``kiosk/static/kiosk/js/searchcore.js``, with the pinyin the server puts in
the bundle (content_feed.search.syllables).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from content_feed.search import (
    ABBREVIATIONS,
    SearchIndex,
    _PinyinCache,
    make_doc,
    spelled_text,
    syllables,
)

ROOT = Path(__file__).resolve().parents[2]
VECTORS = json.loads((ROOT / "tests" / "search_vectors.json").read_text("utf-8"))
CORE = ROOT / "kiosk" / "static" / "kiosk" / "js" / "searchcore.js"


def key(kind, id_):
    return f"{kind}:{id_}"


def spelled(doc: dict):
    """Guides and windows are spelled out in pinyin, as load_docs and the bundle do."""
    return spelled_text(doc["summary"], doc["body"]) if doc["kind"] != "item" else None


def python_index() -> SearchIndex:
    cache = _PinyinCache()
    docs = [
        make_doc(d["kind"], d["id"], d["title"], d["summary"], d["body"], {}, cache, spelled(d))
        for d in VECTORS["docs"]
    ]
    return SearchIndex(docs)


@pytest.mark.parametrize("case", VECTORS["cases"], ids=lambda c: c["q"])
def test_python_search_answers_every_case(case):
    index = python_index()
    found = [key(h.doc.kind, h.doc.id) for h in index.search(case["q"], limit=50).hits]
    assert found == case["expect"]


def test_kiosk_offline_search_answers_every_case(tmp_path):
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is needed to run the kiosk's search module (Debian: nodejs)")
    # node reads ES modules from .mjs files; the kiosk serves the same text as .js.
    shutil.copy(CORE, tmp_path / "searchcore.mjs")
    docs = [{**d, "pinyin": syllables(d["title"]), "spelled": spelled(d)} for d in VECTORS["docs"]]
    (tmp_path / "input.json").write_text(
        json.dumps({"docs": docs, "cases": VECTORS["cases"], "abbreviations": ABBREVIATIONS}),
        "utf-8",
    )
    (tmp_path / "run.mjs").write_text(
        """
import { readFileSync } from "node:fs";
import { makeDoc, searchDocs } from "./searchcore.mjs";
const input = JSON.parse(readFileSync(process.argv[2], "utf-8"));
const docs = input.docs.map(makeDoc);
const out = input.cases.map((c) =>
  searchDocs(docs, c.q, input.abbreviations).map((r) => `${r.kind}:${r.id}`));
process.stdout.write(JSON.stringify(out));
""",
        "utf-8",
    )
    run = subprocess.run(
        [node, str(tmp_path / "run.mjs"), str(tmp_path / "input.json")],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    answers = json.loads(run.stdout)
    for case, found in zip(VECTORS["cases"], answers, strict=True):
        assert found == case["expect"], case["q"]

"""One rule set for submissions: the same cases against the server and the kiosk.

The kiosk's module (``kiosk/static/kiosk/js/rules.js``) runs in node on the
rules and parameters the bundle carries, so a submission the kiosk queues
offline is one the server takes.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from inquiries import submission_rules

ROOT = Path(__file__).resolve().parents[2]
VECTORS = json.loads((ROOT / "tests" / "submission_vectors.json").read_text("utf-8"))
MODULE = ROOT / "kiosk" / "static" / "kiosk" / "js" / "rules.js"


@pytest.fixture(autouse=True)
def _kiosk_token(request):
    """Kiosk requests carry the demo kiosk's token, as the kiosk page sends it."""
    if "client" in request.fixturenames:
        request.getfixturevalue("client").environ_base["HTTP_X_TERMINAL_TOKEN"] = "demo-kiosk-token"


def params():
    return submission_rules.params_for(VECTORS["feedback"])


@pytest.mark.parametrize("case", VECTORS["cases"], ids=lambda c: json.dumps(c["fields"])[:40])
def test_server_rules_answer_every_case(case):
    open_ = case.get("comment_open", False)
    errors = submission_rules.check(
        case["form"], case["fields"], params(), comment_open=lambda _: open_
    )
    assert errors == case["expect"]


def test_kiosk_rules_answer_every_case(tmp_path):
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is needed to run the kiosk's rules module (Debian: nodejs)")
    shutil.copy(MODULE, tmp_path / "rules.mjs")
    (tmp_path / "input.json").write_text(
        json.dumps({"rules": submission_rules.RULES, "params": params(), **VECTORS}), "utf-8"
    )
    (tmp_path / "run.mjs").write_text(
        """
import { readFileSync } from "node:fs";
import { check } from "./rules.mjs";
const input = JSON.parse(readFileSync(process.argv[2], "utf-8"));
const out = input.cases.map((c) =>
  check(input.rules, c.form, c.fields, input.params, () => Boolean(c.comment_open)));
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
    for case, errors in zip(VECTORS["cases"], json.loads(run.stdout), strict=True):
        assert errors == case["expect"], case["fields"]


def test_the_bundle_carries_the_rules_and_their_parameters(demo_app, client):
    bundle = client.get("/kiosk/kiosk-1/bundle.json").get_json()
    assert bundle["rules"]["rules"] == submission_rules.RULES
    expected = submission_rules.params_for(demo_app.config["SUNLIGHT"]["feedback"])
    assert bundle["rules"]["params"] == expected

"""Every route of the app, given junk by a signed-in user holding every role: in the
query string, as a form, as a JSON object and as a JSON list. Nothing answers 500.

Routes come from ``app.url_map``, so a route added later is swept too. The sweep found
a JSON list posted to a console form (Flask-WTF read it as the form and crashed), a hall
code "x\\x00" that passed the uniqueness check and collided once stored as "x", and a
terminal edit posted with no fields at all (which CSRF refuses first in production)."""

from __future__ import annotations

import json
import re
from urllib.parse import urlencode

from werkzeug.routing.converters import NumberConverter

from content_feed.db import db
from tests.builders import PASSWORD, make_user
from web.extensions import limiter

# Empty, text, numbers out of every range, what Python cannot convert, control and
# markup characters, full-width digits, JSON-looking text, a date that is no date.
JUNK = ["", "x", "-1", "9" * 40, "1e999", "\x00", "<script>", "０１", "[]", "2026-13-45"]
# Field names the JSON endpoints and query strings read; the console's form fields are
# added from the pages themselves (every name="…" the sweep sees).
FIELDS = {"id", "page", "per_page", "q", "sort", "order", "state", "kind", "hall_id", "title"}
FIELDS |= {"body", "text", "name", "code", "starts_at", "ends_at", "date", "from", "to", "rev"}
FIELDS |= {"terminal", "category_id", "format", "width", "height", "box", "limit", "score"}
FIELDS |= {"phone", "consent", "key", "version", "entry", "program", "idle", "poll", "token"}
FIELDS |= {"notice_id", "kiosk", "rating", "comment", "topic", "contact", "since", "until"}
SESSION = {"admin.logout", "admin.login", "admin.login_totp"}
OWN = {"admin.account", "admin.account_totp", "admin.account_totp_off"}  # the boss's password
TOKENS = {"/kiosk": "demo-kiosk-token", "/api": "demo-kiosk-token", "/display": "demo-wall-token"}


def argument_values(rule, row_id: int) -> dict:
    values = {}
    for name in rule.arguments:
        if isinstance(rule._converters[name], NumberConverter):
            values[name] = row_id
        elif name == "fmt":
            values[name] = "json" if rule.rule.startswith("/display/led") else "svg"
            if rule.rule.startswith("/admin"):
                values[name] = "csv"
        elif name == "code":
            values[name] = "wall-1" if rule.rule.startswith("/display") else "kiosk-1"
        else:
            values[name] = "x"
    return values


def field_names(app, rules) -> set[str]:
    """Every field a page of the app names, with FIELDS."""
    client = signed_in(app)
    names = set(FIELDS)
    for rule in rules:
        if "GET" in rule.methods:
            path = app.url_map.bind("localhost").build(rule.endpoint, argument_values(rule, 1))
            response = client.get(path)
            if response.mimetype != "text/html":
                continue
            page = response.get_data(as_text=True)
            names |= set(re.findall(r'name="([^"]+)"', page)) - {"csrf_token", "viewport"}
    return names


def signed_in(app):
    client = app.test_client()
    response = client.post("/admin/login", data={"username": "boss", "password": PASSWORD})
    assert response.status_code == 302 and "login" not in response.location
    return client


def requests_for(method: str, junk: str, names: set[str]):
    # Encoded here once, not by the test client for each of thousands of requests.
    data = dict.fromkeys(names, junk)
    if method == "GET":
        yield {"query_string": urlencode(data)}
        return
    yield {"data": urlencode(data), "content_type": "application/x-www-form-urlencoded"}
    yield {"data": json.dumps(data), "content_type": "application/json"}
    if junk == JUNK[0]:  # a list is a list, whatever it holds: once per route
        yield {"data": json.dumps(["x", 1, None]), "content_type": "application/json"}


def test_no_junk_anywhere_gives_a_500(demo_app, monkeypatch):
    app = demo_app
    app.config["WTF_CSRF_ENABLED"] = False  # else every junk POST stops at the token
    monkeypatch.setattr(limiter, "enabled", False)  # else sign-ins stop at the limit
    make_user("boss", "drafter reviewer approver operator handler admin")
    db.session.commit()
    crashes, answered = [], 0
    rules = [
        r
        for r in app.url_map.iter_rules()
        if not r.endpoint.endswith("static") and r.endpoint not in SESSION | OWN
    ]
    names = field_names(app, rules)
    assert {"address", "materials-0-name", "duration_seconds"} <= names
    variants = {
        (method, junk): list(requests_for(method, junk, names))
        for method in ("GET", "POST")
        for junk in JUNK
    }
    for rule in rules:
        client = signed_in(app)
        token = next((t for p, t in TOKENS.items() if rule.rule.startswith(p)), None)
        headers = {"X-Terminal-Token": token} if token else {}
        # A row that is there and one that is not, where the path names a row: other
        # paths are the same whatever the row, and are swept once.
        numbered = any(isinstance(rule._converters[n], NumberConverter) for n in rule.arguments)
        for row_id in (1, 999999) if numbered else (1,):
            path = app.url_map.bind("localhost").build(rule.endpoint, argument_values(rule, row_id))
            for junk in JUNK:
                for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                    for request in variants["GET" if method == "GET" else "POST", junk]:
                        response = client.open(path, method=method, headers=headers, **request)
                        answered += 1
                        if response.status_code >= 500:
                            kind = request.get("content_type", "form" if method != "GET" else "")
                            crashes.append((method, path, junk, kind, response.status_code))
                            # The test's one app context keeps the failed session; a
                            # server's next request would start a new one.
                            db.session.rollback()
                        # Still signed in: a crash mid-sweep would hide the routes after it.
                        assert "/admin/login" not in response.headers.get("Location", ""), path
    assert answered > 4000, answered
    assert crashes == [], crashes

"""A member of staff at the console over HTTP, as a browser without scripts is.

Logs in, opens a form page, keeps every field the page filled in (the CSRF
token, default times, the selected hall) and submits it with the changes:
the same requests a person's browser sends, to any node or through nginx.
"""

from __future__ import annotations

import requests
from lxml import html

from demo import DEMO_PASSWORD as PASSWORD


class Console:
    def __init__(self, base: str, username: str, password: str = PASSWORD):
        self.base = base.rstrip("/")
        self.http = requests.Session()
        response = self.submit("/admin/login", {"username": username, "password": password})
        if "/admin/login" in response.url:
            raise AssertionError(f"login as {username} failed: {response.text[:300]}")

    def form_fields(self, path: str, form_index: int = -1) -> tuple[str, dict]:
        page = self.http.get(self.base + path, timeout=10)
        page.raise_for_status()
        doc = html.fromstring(page.content)
        form = [f for f in doc.forms if f.method.upper() == "POST"][form_index]
        fields = {}
        for name, value in form.form_values():
            fields[name] = value
        action = form.action or path
        return action, fields

    def submit(self, path: str, changes: dict, form_index: int = -1) -> requests.Response:
        action, fields = self.form_fields(path, form_index)
        return self.post(action, {**fields, **changes})

    def post(self, action: str, fields: dict) -> requests.Response:
        """Send a form read with ``form_fields`` (benchmarks time this part alone)."""
        fields = {k: v for k, v in fields.items() if v is not None}
        url = action if action.startswith("http") else self.base + action
        response = self.http.post(url, data=fields, timeout=30)
        response.raise_for_status()
        return response

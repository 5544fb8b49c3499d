"""The handler's reply form shows the answer exactly as it will be published, with
what was hidden marked, and takes more words to hide; the kiosk then shows the same."""

from __future__ import annotations

import re

from content_feed.db import db
from tests.builders import PASSWORD, staff
from tests.inquiries.test_feedback_handling import ask

TEXT = "我是欧阳娜娜，家住幸福小区3栋，电话138 2468 1357，邮箱 nana@example.com"


def marked(html: str) -> list[str]:
    return re.findall(r'<mark class="masked">([^<]*)</mark>', html)


def test_preview_marks_what_is_hidden_and_takes_more_words(app, client, clock):
    staff()
    inq = ask(app, clock.now(), key="key-preview-1", name="欧阳娜娜", text=TEXT)
    client.post("/admin/login", data={"username": "handler", "password": PASSWORD})
    page = client.get(f"/admin/feedback/{inq.id}").text
    assert marked(page) == ["欧***", "138 **** 1357", "n***@example.com"]
    assert "幸福小区" in page

    form = {"text": "请联系幸福小区社区。", "public": "y", "masked_words": "幸福小区"}
    preview = client.post(f"/admin/feedback/{inq.id}/reply", data={**form, "preview": "预览"})
    assert preview.status_code == 200 and "预览，尚未保存" in preview.text
    assert marked(preview.text) == ["欧***", "****", "138 **** 1357", "n***@example.com", "****"]
    db.session.refresh(inq)
    assert inq.reply == "" and inq.masked_words == ""  # a preview stores nothing

    client.post(f"/admin/feedback/{inq.id}/reply", data=form)
    answer = client.get("/api/v1/answers").get_json()["answers"][0]
    shown = [p for p in re.split(r"</?p>", preview.text) if "<strong>问题：" in p][0]
    published_question = re.sub(r"<[^>]+>", "", shown).split("问题：", 1)[1]
    assert answer["question"] == published_question
    assert answer["reply"] == "请联系****社区。"
    assert "幸福小区" not in str(answer) and "娜娜" not in str(answer)

"""The queue system proves itself with its hall's token, as a terminal does: made
once in the console, shown once, stored as its sha256, sent in ``X-Queue-Token``."""

from __future__ import annotations

import hmac

from flask import request
from sqlalchemy import select
from sqlalchemy.orm import Session

from calling.models import CallingHall
from content_feed.api.problems import Problem
from content_feed.models import Hall
from content_feed.terminals import hash_token

HEADER = "X-Queue-Token"
REFUSED = "叫号系统未通过认证：请在后台“排队叫号 › 叫号系统接入”中为本大厅生成令牌，并放在 X-Queue-Token 请求头中"


def queue_hall(session: Session, hall_code: str) -> Hall:
    """The hall whose queue-system token came with the request, else a 401."""
    token = request.headers.get(HEADER) or ""
    hall = None
    if 0 < len(hall_code) <= 40 and 0 < len(token) <= 200:
        hall = session.execute(select(Hall).where(Hall.code == hall_code)).scalar_one_or_none()
    settings = None
    if hall is not None:
        settings = session.execute(
            select(CallingHall).where(CallingHall.hall_id == hall.id)
        ).scalar_one_or_none()
    if (
        settings is None
        or not settings.token_hash
        or not hmac.compare_digest(settings.token_hash, hash_token(token))
    ):
        raise Problem(401, REFUSED, errors={"token": "大厅编号或令牌不符"})
    return hall

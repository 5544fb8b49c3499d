"""``/api/v1/search``: the public catalogue's search, for kiosks and anyone."""

from __future__ import annotations

from content_feed.api import api
from content_feed.api.args import hall_arg
from content_feed.api.caching import conditional
from content_feed.api.declare import declare
from content_feed.api.resources import content_of_hall
from content_feed.schemas.feed import SearchAnswer
from content_feed.schemas.queries import SearchQuery
from content_feed.search import search


@api.get("/search")
@conditional(depends=content_of_hall)
@declare(
    "查找公开事项和办事指南（中文、拼音全拼或首字母）", query=SearchQuery, response=SearchAnswer
)
def search_public(query: SearchQuery):
    hall = hall_arg()
    results = search(
        query.q,
        hall_id=hall.id if hall else None,
        surface=query.surface,
        offset=(query.page - 1) * query.per_page,
        limit=query.per_page,
    )
    return SearchAnswer(**results.to_json(), page=query.page, per_page=query.per_page)

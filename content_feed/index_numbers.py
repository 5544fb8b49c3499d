"""Index numbers (索引号): given at first publication, never reused.

The pattern is configuration (``feed.index_number_pattern``); the serial is
counted per organisation and year in ``index_serial``, under a row lock.

Items of the internal scopes (party, unit, specific) count in a series of their
own with a pattern of their own (``feed.internal_index_number_pattern``): the
public series then has no gaps that betray how many internal items were
published between two public ones (issue 20; docs/security.md says why).
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from content_feed.models import IndexSerial
from content_feed.timefmt import local
from content_feed.vocabulary import PUBLIC_SCOPE

INTERNAL_SERIES = "~internal"


def allocate(session: Session, at: datetime, scope: str = PUBLIC_SCOPE) -> str:
    feed = current_app.config["SUNLIGHT"]["feed"]
    org, year = feed["organisation_code"], local(at).year
    public = scope == PUBLIC_SCOPE
    series = org if public else f"{org[: 40 - len(INTERNAL_SERIES)]}{INTERNAL_SERIES}"
    row = session.execute(
        select(IndexSerial)
        .where(IndexSerial.org == series, IndexSerial.year == year)
        .with_for_update()
    ).scalar_one_or_none()
    if row is None:
        row = IndexSerial(org=series, year=year, last=0)
        session.add(row)
    row.last += 1
    session.flush()
    pattern = feed["index_number_pattern" if public else "internal_index_number_pattern"]
    return pattern.format(org=org, year=year, serial=row.last)

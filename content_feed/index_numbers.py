"""Index numbers (索引号): given at first publication, never reused.

The pattern is configuration (``feed.index_number_pattern``); the serial is
counted per organisation and year in ``index_serial``, under a row lock.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from content_feed.models import IndexSerial
from content_feed.timefmt import local


def allocate(session: Session, at: datetime) -> str:
    feed = current_app.config["SUNLIGHT"]["feed"]
    org, year = feed["organisation_code"], local(at).year
    row = session.execute(
        select(IndexSerial)
        .where(IndexSerial.org == org, IndexSerial.year == year)
        .with_for_update()
    ).scalar_one_or_none()
    if row is None:
        row = IndexSerial(org=org, year=year, last=0)
        session.add(row)
    row.last += 1
    session.flush()
    return feed["index_number_pattern"].format(org=org, year=year, serial=row.last)

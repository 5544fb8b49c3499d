"""The names of what terminal answers depend on.

A topic is a version counter for one slice of what terminals see: the public
content of one hall, its urgent notices, its public answers, one terminal's
settings, one playlist… Every answer names the topics it reads (next to the
answer: ``kiosk/bundle.py``, ``display/program.py``, ``api/resources.py``);
every model names the topics a change of one of its rows moves (next to its
columns: ``feed_topics`` on the model). versioning.py bumps exactly those in
the same transaction as the write, and a cached answer is good while none of
its topics moved.

``hall_id`` None means "every hall": content not tied to a hall (an item
targeted at no hall in particular) is shown in all of them, so each hall's
answers read both ``content:<hall>`` and ``content:*``. An answer for every
hall at once (the API without ``?hall=``) reads a whole family.
"""

from __future__ import annotations

from collections.abc import Iterable

ALL = "*"

CONTENT = "content"  # items, guides, meeting notices, slogans, the hall and its windows
URGENT = "urgent"  # urgent notices
ANSWERS = "answers"  # inquiries answered in public (问答公开)
CATALOGUE = "catalogue"  # the category tree (names travel with every item)
TERMINALS = "terminals"  # the in-memory table of terminals (any setting of any terminal)
CALLS = "calls"  # a hall's queue calls: window states, the last calls, announcements


def _hall(family: str, hall_id: int | None) -> str:
    return f"{family}:{ALL if hall_id is None else int(hall_id)}"


def content(hall_id: int | None) -> str:
    return _hall(CONTENT, hall_id)


def urgent(hall_id: int | None) -> str:
    return _hall(URGENT, hall_id)


def answers(hall_id: int | None) -> str:
    return _hall(ANSWERS, hall_id)


def calls(hall_id: int) -> str:
    """A hall's queue calls (calling/): a call moves this and nothing else."""
    return _hall(CALLS, hall_id)


def hall(hall_id: int) -> str:
    """The hall row itself: its code names it in ``?hall=``."""
    return f"hall:{int(hall_id)}"


def terminal(terminal_id: int) -> str:
    """One terminal's own settings: hall, groups, size, colours, active."""
    return f"terminal:{int(terminal_id)}"


def group(group_id: int) -> str:
    """A terminal group: its schedules and the notices aimed at it."""
    return f"group:{int(group_id)}"


def playlist(playlist_id: int) -> str:
    return f"playlist:{int(playlist_id)}"


def family(name: str) -> str:
    """Every topic of a family at once, e.g. the content of all halls."""
    return f"{name}:**"


def of_hall(name: str, hall_id: int | None) -> list[str]:
    """What a hall's answer reads of a family: the hall's own and the all-halls topic.

    ``hall_id`` None (an answer about every hall) reads the whole family.
    """
    if hall_id is None:
        return [family(name)]
    return [_hall(name, hall_id), _hall(name, None)]


def family_of(topic: str) -> str:
    return topic.split(":", 1)[0]


def halls_topics(name: str, hall_ids: Iterable[int | None]) -> set[str]:
    """A row shown in these halls (an empty list: every hall)."""
    ids = list(hall_ids)
    if not ids:
        return {_hall(name, None)}
    return {_hall(name, h) for h in ids}

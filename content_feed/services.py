"""What a Sunlight app holds beside Flask's own, in one typed object.

Made once by the factory (``app.register_extensions``) and reached with
``services(app)``: the settings, the clock, the topics' versions, the answers'
cache, the terminals' directory and their presence. Everything a request on
the terminals' fast path needs is here, so it never looks anything up by a string.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from flask import Flask, current_app

if TYPE_CHECKING:
    from collections.abc import Mapping

    from content_feed.answers import AnswerCache
    from content_feed.clock import Clock
    from content_feed.presence import PresenceBook
    from content_feed.terminals import TerminalDirectory
    from content_feed.versioning import Versions

KEY = "sunlight"


@dataclass(frozen=True)
class Services:
    settings: Mapping = field(repr=False)  # validated, frozen, in config/defaults.toml's shape
    clock: Clock
    versions: Versions
    answers: AnswerCache
    terminals: TerminalDirectory
    presence: PresenceBook


def services(app: Flask | None = None) -> Services:
    return (app or current_app).extensions[KEY]

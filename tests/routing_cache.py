"""Werkzeug compiles two URL builders per rule (an AST, then ``compile``) each time an
app is made: two thirds of the cost of the fresh app every test gets. The builder's
code depends only on the rule's text, its parsed parts and its defaults, and it reads
the rule's converters at call time through the rule it is bound to, so one compiled
builder per distinct rule serves every app of the test process."""

from __future__ import annotations

from werkzeug.routing import Rule

_compile_builder = Rule._compile_builder
_builders: dict[tuple, object] = {}


def _cached_compile_builder(self: Rule, append_unknown: bool = True):
    defaults = self.defaults or {}
    # A default for a part of the rule is written into the code as its URL form.
    written = tuple(
        (data, self._converters[data].to_url(defaults[data]))
        for dynamic, data in self._trace
        if dynamic and data in defaults
    )
    key = (append_unknown, self.rule, tuple(self._trace), tuple(defaults), written)
    builder = _builders.get(key)
    if builder is None:
        builder = _builders[key] = _compile_builder(self, append_unknown)
    return builder


def install() -> None:
    Rule._compile_builder = _cached_compile_builder

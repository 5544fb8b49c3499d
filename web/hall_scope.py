"""Hall-scoped staff: which halls a member of staff works in. The one rule; every
console page goes through it, none repeats it.

Who is what:

- **City-level staff** hold city-wide roles (``User.roles``, every account made
  before grants existed): every hall, as before.
- **Hall users** hold no city-wide role, only roles in halls (``HallGrant``, given
  by a city-level administrator on 大厅授权). An account with neither sees nothing.

On a console page (under /admin) a hall user's halls are those where they hold a
role the page requires (its ``role_required``; every granted hall on pages open to
all roles), so a drafter of hall A who handles inquiries in hall B drafts for A
and answers B's inquiries, never the other way round.

What a hall user meets, applied here to every query and every write of the request
rather than in each view, so a page added later is scoped without doing anything:

- **Reading**: the rows of their halls, and city-wide content (hall NULL: an item
  without halls, a guide, notice, slogan, playlist or group for every hall), which
  their halls show too. Inquiries, ratings and refused submissions without a hall,
  and the ledger entries of objects they cannot see, are city-level work and
  stay hidden. Lists, counts, dashboards, exports and the ledger all read through
  the same filter (``with_loader_criteria`` on each query, SQLAlchemy's own
  mechanism for this).
- **Another hall's row** answers **404** on its object routes: to a hall user it
  does not exist, as in every list they see. Row numbers are sequential, so a 403
  would confirm what another hall holds; a 404 tells nothing.
- **Changing** needs every hall of the row, before and after the change, to be
  theirs: a city-wide row, or one shared with a hall they do not hold, is
  read-only (**403**, nothing stored), and no form can move a row into a hall
  they do not hold, nor make it city-wide. Only city-level staff change those.
- A few city-level pages stay closed to hall users (403): the guide import, which
  matches guides by code across the whole city, and the admin role's pages
  (catalogue, halls, users, grants), whose role is never granted per hall.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app, flash, has_request_context, request
from sqlalchemy import Select, String, cast, event, false, inspect, or_, select
from sqlalchemy.orm import Session, with_loader_criteria
from werkzeug.exceptions import Forbidden

from content_feed import models as m

# Pages city-level staff alone may open (beside those that require "admin").
CITY_ONLY_ENDPOINTS = frozenset(
    {
        "admin.guide_imports",
        "admin.guide_import_upload",
        "admin.guide_import",
        "admin.guide_import_progress",
        "admin.guide_import_report",
        "admin.guide_import_write",
        "admin.guide_import_publish",
        # Official warnings are received once for the city and matched to halls
        # by division code (alerts/).
        "alerts_console.alerts",
        "alerts_console.alert_end",
        "alerts_console.feeds",
        "alerts_console.feed_new",
        "alerts_console.feed_edit",
        "alerts_console.feed_token",
        "alerts_console.feed_poll",
        "alerts_console.refused",
        "alerts_console.refused_document",
        "alerts_console.settings",
        "alerts_console.hall_area",
    }
)
# Roles a grant may carry: "admin" (catalogue, halls, accounts) is city-level.
GRANTABLE_ROLES = ("drafter", "reviewer", "approver", "operator", "handler")

_ENVIRON_KEY = "sunlight.hall_scope"
# Set while the rule itself reads (the user's grants, a row's halls before a write).
_unscoped = contextvars.ContextVar("hall_scope_unscoped", default=False)


class OutsideHalls(Forbidden):
    description = "这条记录不属于您所在的服务大厅，或是全市共用的内容：只能由市级工作人员修改"


# -- who ---------------------------------------------------------------------------


def is_city_level(user) -> bool:
    return bool(user.role_set)


def halls_of(user, roles=()) -> frozenset[int] | None:
    """None for city-level staff (every hall); else the halls where ``user`` holds
    one of ``roles`` (any granted role when ``roles`` is empty)."""
    if is_city_level(user):
        return None
    wanted = set(roles)
    return frozenset(g.hall_id for g in user.hall_grants if not wanted or g.role_set & wanted)


def holds(user, role: str, hall_id: int | None) -> bool:
    """Whether ``user`` holds ``role`` for a row of ``hall_id`` (None: every hall):
    city-level staff with the role, or a grant of it in that very hall. Whom an
    inquiry may be assigned to, say."""
    if is_city_level(user):
        return user.has_role(role)
    return hall_id is not None and any(
        g.hall_id == hall_id and role in g.role_set for g in user.hall_grants
    )


def console_blueprint(blueprint):
    """Mark ``blueprint`` as a console: its views read and write within the signed-in
    hall user's halls. Every console blueprint says so where it is made (a test
    checks that every route under /admin belongs to a marked one)."""
    blueprint.hall_scoped = True
    return blueprint


def is_console_view() -> bool:
    blueprint = current_app.blueprints.get(request.blueprint or "")
    return bool(getattr(blueprint, "hall_scoped", False))


def current_halls() -> frozenset[int] | None:
    """The halls of the signed-in hall user on this console request; None when
    nothing is limited (city-level staff, no user, not a console page, no request).

    Public pages and terminal answers are never limited: their answers are cached
    for everyone."""
    if _unscoped.get() or not has_request_context() or not is_console_view():
        return None
    environ = request.environ
    if _ENVIRON_KEY not in environ:
        from flask_login import current_user

        token = _unscoped.set(True)  # loading the user and its grants reads unscoped
        try:
            user = current_user._get_current_object()
            if not user.is_authenticated:
                return None
            view = current_app.view_functions.get(request.endpoint)
            roles = getattr(view, "required_roles", ()) or ()
            environ[_ENVIRON_KEY] = halls_of(user, roles)
        finally:
            _unscoped.reset(token)
    return environ[_ENVIRON_KEY]


def is_hall_user() -> bool:
    return current_halls() is not None


def refuse_city_only() -> None:
    """Called by role_required: hall users get 403 on the city-level pages."""
    if request.endpoint in CITY_ONLY_ENDPOINTS and is_hall_user():
        why = (
            "预警信息全市统一接收"
            if request.endpoint.startswith("alerts")
            else "办事指南按编码全市统一导入"
        )
        message = f"这是市级工作人员的功能（{why}），大厅账号不能使用"
        flash(message, "error")  # the console's 403 page says why
        raise Forbidden(message)


def may_choose_all_halls() -> bool:
    """Whether a form may offer "every hall" (a city-wide row): city-level staff only.
    The halls themselves are offered already filtered (Hall is scoped)."""
    return current_halls() is None


def may_change(obj) -> bool:
    """Whether the signed-in user may change ``obj`` by the write guard's rule
    (every hall of the row theirs): pages offer a row's buttons only then."""
    halls = current_halls()
    if halls is None:
        return True
    own = row_halls(obj, _now)
    return bool(own) and own <= halls


# -- what: each scoped model's way to its halls, declared once ----------------------
#
# From one declaration per model both rules are derived: the read filter (SQL,
# ``_criterion``) and the write check (a row's halls in Python, ``row_halls``).


@dataclass(frozen=True)
class OwnHall:
    """The row's own ``hall_id``. ``city_wide``: NULL means every hall (such rows
    show in the user's halls too, and only city-level staff change them)."""

    city_wide: bool


@dataclass(frozen=True)
class Through:
    """The halls of the row(s) its foreign keys point at: (column, model) pairs,
    the first one set wins. ``own_halls``: a list column of hall ids on the row
    itself, added to them (a revision's proposed halls)."""

    parents: tuple[tuple[str, type], ...]
    own_halls: str | None = None


class ItemHalls:
    """An item's halls are its links in ``item_hall`` (none: every hall)."""


class IsHall:
    """A hall is its own."""


class AboutObject:
    """A ledger entry belongs to the halls of the object it is about (read only)."""


SCOPE: dict[type, object] = {
    m.Guide: OwnHall(city_wide=True),
    m.MeetingNotice: OwnHall(city_wide=True),
    m.Slogan: OwnHall(city_wide=True),
    m.UrgentNotice: OwnHall(city_wide=True),
    m.Playlist: OwnHall(city_wide=True),
    m.TerminalGroup: OwnHall(city_wide=True),
    m.Terminal: OwnHall(city_wide=False),
    m.Window: OwnHall(city_wide=False),
    m.Inquiry: OwnHall(city_wide=False),
    m.Rating: OwnHall(city_wide=False),
    m.RefusedSubmission: OwnHall(city_wide=False),
    m.GuideImport: OwnHall(city_wide=False),
    m.Item: ItemHalls(),
    m.ItemRevision: Through((("item_id", m.Item),), own_halls="hall_ids"),
    m.Attachment: Through((("guide_id", m.Guide), ("revision_id", m.ItemRevision))),
    m.GuideRevision: Through((("guide_id", m.Guide),)),
    m.PlaylistEntry: Through((("playlist_id", m.Playlist),)),
    m.LedController: Through((("terminal_id", m.Terminal),)),
    m.PlayRecord: Through((("terminal_id", m.Terminal),)),
    m.UrgentNoticeAck: Through((("terminal_id", m.Terminal),)),
    m.RotationSchedule: Through((("terminal_id", m.Terminal), ("group_id", m.TerminalGroup))),
    m.Hall: IsHall(),
    m.LedgerEntry: AboutObject(),
}
SCOPED = tuple(SCOPE)
_BY_TABLE = {model.__table__: model for model in SCOPED}
# Ledger entries a hall user may read: those about an object they may read.
LEDGER_KINDS = tuple(k for k, rule in SCOPE.items() if not isinstance(rule, IsHall | AboutObject))


def _visible_ids(model, halls):
    return select(model.id).where(_criterion(model, halls))


def _criterion(model, halls):
    """Which rows of ``model`` a hall user with ``halls`` may read."""
    rule = SCOPE[model]
    if isinstance(rule, OwnHall):
        own = model.hall_id.in_(sorted(halls))
        return or_(model.hall_id.is_(None), own) if rule.city_wide else own
    if isinstance(rule, Through):
        # A revision's own proposed halls are not read here: its item decides.
        return or_(
            *(
                getattr(model, column).in_(_visible_ids(parent, halls))
                for column, parent in rule.parents
            )
        )
    if isinstance(rule, ItemHalls):
        # The link table, not Hall: Hall is filtered too, and an item of another
        # hall only would then look like one for every hall.
        linked = select(m.item_hall.c.item_id).where(m.item_hall.c.item_id == m.Item.id)
        return or_(
            ~linked.exists(),
            linked.where(m.item_hall.c.hall_id.in_(sorted(halls))).exists(),
        )
    if isinstance(rule, IsHall):
        return m.Hall.id.in_(sorted(halls))
    return or_(
        false(),
        *(
            (m.LedgerEntry.object_type == kind.__tablename__)
            & m.LedgerEntry.object_id.in_(
                select(cast(kind.id, String)).where(_criterion(kind, halls))
            )
            for kind in LEDGER_KINDS
        ),
    )


def declare(model, rule) -> None:
    """A capability's own model (calling/, alerts/ …) under the same rules, declared
    when its package is imported: web/ imports nothing above it."""
    global SCOPED, LEDGER_KINDS
    SCOPE[model] = rule
    SCOPED = tuple(SCOPE)
    _BY_TABLE[model.__table__] = model
    if not isinstance(rule, IsHall | AboutObject) and model not in LEDGER_KINDS:
        LEDGER_KINDS = (*LEDGER_KINDS, model)


def _one(value) -> frozenset[int]:
    return frozenset() if value is None else frozenset([value])


def _parent(obj, column: str, model, get: Callable, session: Session):
    """The row ``column`` points at; for a row not flushed yet, its relationship
    over that column (a new revision knows its item before its ``item_id``)."""
    ident = get(obj, column)
    if ident is not None:
        return session.get(model, ident)
    for relation in inspect(type(obj)).relationships:
        if [c.key for c in relation.local_columns] == [column]:
            return getattr(obj, relation.key)
    return None


def row_halls(obj, get: Callable) -> frozenset[int]:
    """The halls ``obj`` belongs to (empty: every hall). ``get(obj, name)`` reads an
    attribute as it is now or as it was committed."""
    rule = SCOPE.get(type(obj))
    if isinstance(rule, IsHall):
        return _one(obj.id)
    if isinstance(rule, ItemHalls):
        return frozenset(h.id for h in get(obj, "halls") or ())
    if isinstance(rule, Through):
        session = inspect(obj).session
        own = frozenset(get(obj, rule.own_halls) or ()) if rule.own_halls else frozenset()
        for column, parent_model in rule.parents:
            parent = _parent(obj, column, parent_model, get, session)
            if parent is not None:
                return own | row_halls(parent, _now)
        return own
    return _one(get(obj, "hall_id"))


def _now(obj, name):
    return getattr(obj, name)


def _committed(obj, name):
    history = inspect(obj).attrs[name].history
    if not history.has_changes():
        return getattr(obj, name)
    old = list(history.unchanged or ()) + list(history.deleted or ())
    if isinstance(getattr(obj, name), list):
        return old
    return old[0] if old else None


# -- the two hooks -----------------------------------------------------------------


def _is_request_session(session: Session) -> bool:
    """The request's own session (Flask-SQLAlchemy's): the rule is about what the
    console shows and changes, never about sessions of the server's own, such as
    the in-memory terminal directory's reload, which must see every hall."""
    from content_feed.db import db

    return has_request_context() and session is db.session()


def _limit_reads(state) -> None:
    """Every SELECT of a hall user's console request reads their halls only.

    Loads that follow a relationship or refresh a row start from a row the user
    already reads (a schedule's playlist, a rating's window) and are left alone."""
    if not state.is_select or state.is_column_load or state.is_relationship_load:
        return
    if state.execution_options.get("all_halls") or not _is_request_session(state.session):
        return
    halls = current_halls()
    if halls is None:
        return
    statement = state.statement
    if isinstance(statement, Select):
        # A table named only in the WHERE clause (``select(func.count()).where(
        # Inquiry.state == …)``) is no entity of the statement and would escape the
        # criteria below: name it as the entity it is (the same FROM, no join).
        seen = {mapper.class_ for mapper in state.all_mappers}
        for table in statement.get_final_froms():
            model = _BY_TABLE.get(table)
            if model is not None and model not in seen:
                statement = statement.select_from(model)
    state.statement = statement.options(
        *(
            with_loader_criteria(model, _criterion(model, halls), include_aliases=True)
            for model in SCOPED
        )
    )


def _guard_writes(session: Session, flush_context, instances) -> None:
    """Nothing a hall user's request writes may touch a hall they do not hold, or a
    city-wide row: checked on every new, changed and deleted scoped row."""
    if not _is_request_session(session):
        return
    halls = current_halls()
    if halls is None:
        return
    token = _unscoped.set(True)
    try:
        with session.no_autoflush:
            changed = [o for o in session.dirty if session.is_modified(o)]
            for obj in [*session.new, *changed, *session.deleted]:
                if not isinstance(obj, SCOPED) or isinstance(obj, m.LedgerEntry):
                    continue
                states = [row_halls(obj, _now)]
                if obj not in session.new:
                    states.append(row_halls(obj, _committed))
                for owned in states:
                    if not owned or not owned <= halls:
                        raise OutsideHalls()
    finally:
        _unscoped.reset(token)


def _rollback_and_refuse(exc: OutsideHalls):
    """Nothing of a refused change stays in the session."""
    from content_feed.db import db

    db.session.rollback()
    flash(exc.description, "error")  # the console's 403 page says why
    return current_app.handle_http_exception(Forbidden(exc.description))


def install(app) -> None:
    if not event.contains(Session, "do_orm_execute", _limit_reads):
        event.listen(Session, "do_orm_execute", _limit_reads)
        event.listen(Session, "before_flush", _guard_writes)
    app.register_error_handler(OutsideHalls, _rollback_and_refuse)

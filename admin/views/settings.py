"""The catalogue (公开目录), halls and windows, staff accounts."""

from __future__ import annotations

from flask import current_app, redirect, render_template, url_for
from sqlalchemy import func, select

from admin import bp, login_locks
from admin.auth import role_required
from admin.crud import edit_object
from admin.forms import CategoryForm, HallForm, UserForm, WindowForm
from admin.helpers import actor, get_or_404, now
from content_feed import ledger
from content_feed.db import db
from content_feed.models import Category, Hall, Item, LoginLock, User, Window
from content_feed.vocabulary import ROLES
from shared import sessions
from shared.passwords import password_problem

# -- catalogue ---------------------------------------------------------------------


@bp.get("/catalogue")
@role_required("admin")
def catalogue():
    cats = db.session.execute(select(Category).order_by(Category.sort_order)).scalars().all()
    counts = dict(
        db.session.execute(select(Item.category_id, func.count()).group_by(Item.category_id)).all()
    )
    tree: list[tuple[int, Category]] = []

    def walk(parent_id, depth):
        for c in cats:
            if c.parent_id == parent_id:
                tree.append((depth, c))
                walk(c.id, depth + 1)

    walk(None, 0)
    return render_template("admin/catalogue.html", tree=tree, counts=counts)


def _category_edit(cat: Category | None):
    form = CategoryForm(obj=cat)
    form.domain.choices = [(d, d) for d in current_app.config["SUNLIGHT"]["catalogue"]["domains"]]
    others = db.session.execute(select(Category).order_by(Category.sort_order)).scalars()
    form.parent_id.choices = [(0, "（顶级目录）")] + [
        (c.id, c.name) for c in others if cat is None or c.id != cat.id
    ]
    if cat is not None and not form.is_submitted():
        form.parent_id.data = cat.parent_id or 0

    def check(target, f):
        taken = db.session.execute(
            select(Category.id).where(Category.code == f.code.data, Category.id != (target.id or 0))
        ).first()
        if taken:
            return "目录代码已存在"
        parent = db.session.get(Category, f.parent_id.data) if f.parent_id.data else None
        while parent is not None:
            if target.id is not None and parent.id == target.id:
                return "上级目录不能是自己或自己的下级"
            parent = parent.parent
        return None

    def apply(target, f):
        f.populate_obj(target)
        target.parent_id = f.parent_id.data or None

    return edit_object(
        obj=cat,
        model=Category,
        form=form,
        kind="category",
        label="公开目录",
        back="admin.catalogue",
        apply=apply,
        check=check,
        hints={"active": "停用的目录不再出现在新建事项中，已有事项不受影响（目录不可删除）"},
    )


@bp.route("/catalogue/new", methods=["GET", "POST"])
@role_required("admin")
def category_new():
    return _category_edit(None)


@bp.route("/catalogue/<int:category_id>", methods=["GET", "POST"])
@role_required("admin")
def category_edit(category_id: int):
    return _category_edit(get_or_404(Category, category_id))


# -- halls and windows -------------------------------------------------------------


@bp.get("/halls")
@role_required("admin")
def halls():
    rows = db.session.execute(select(Hall).order_by(Hall.id)).scalars().all()
    return render_template("admin/halls.html", rows=rows)


def _hall_edit(hall: Hall | None):
    def check(target, f):
        taken = db.session.execute(
            select(Hall.id).where(Hall.code == f.code.data, Hall.id != (target.id or 0))
        ).first()
        if taken:
            return "大厅代码已存在"
        if f.timezone.data:
            from zoneinfo import ZoneInfo

            try:
                ZoneInfo(f.timezone.data)
            except (KeyError, ValueError):
                return "时区名称无效，例如 Asia/Shanghai"
        return None

    return edit_object(
        obj=hall,
        model=Hall,
        form=HallForm(obj=hall),
        kind="hall",
        label="服务大厅",
        back="admin.halls",
        check=check,
    )


@bp.route("/halls/new", methods=["GET", "POST"])
@role_required("admin")
def hall_new():
    return _hall_edit(None)


@bp.route("/halls/<int:hall_id>", methods=["GET", "POST"])
@role_required("admin")
def hall_edit(hall_id: int):
    return _hall_edit(get_or_404(Hall, hall_id))


def _window_edit(hall: Hall, window: Window | None):
    def check(target, f):
        taken = db.session.execute(
            select(Window.id).where(
                Window.hall_id == hall.id,
                Window.number == f.number.data,
                Window.id != (target.id or 0),
            )
        ).first()
        return "该大厅已有此窗口号" if taken else None

    def apply(target, f):
        f.populate_obj(target)
        target.hall_id = hall.id

    return edit_object(
        obj=window,
        model=Window,
        form=WindowForm(obj=window),
        kind="window",
        label=f"{hall.name} 窗口",
        back="admin.halls",
        apply=apply,
        check=check,
    )


@bp.route("/halls/<int:hall_id>/windows/new", methods=["GET", "POST"])
@role_required("admin")
def window_new(hall_id: int):
    return _window_edit(get_or_404(Hall, hall_id), None)


@bp.route("/halls/<int:hall_id>/windows/<int:window_id>", methods=["GET", "POST"])
@role_required("admin")
def window_edit(hall_id: int, window_id: int):
    window = get_or_404(Window, window_id)
    if window.hall_id != hall_id:
        return redirect(url_for("admin.halls"))
    return _window_edit(window.hall, window)


# -- users -------------------------------------------------------------------------

USER_FIELDS = ["username", "display_name", "department", "roles", "active"]


@bp.get("/users")
@role_required("admin")
def users():
    rows = db.session.execute(select(User).order_by(User.username)).scalars().all()
    # Locks are per account and address: how many addresses each account is locked from.
    locked = dict(
        db.session.execute(
            select(LoginLock.user_id, func.count(LoginLock.id))
            .where(LoginLock.locked_until > now())
            .group_by(LoginLock.user_id)
        ).all()
    )
    return render_template("admin/users.html", rows=rows, roles=ROLES, locked=locked)


def _user_edit(user: User | None):
    form = UserForm(obj=user)
    if user is not None and not form.is_submitted():
        form.roles.data = sorted(user.role_set)

    def check(target, f):
        taken = db.session.execute(
            select(User.id).where(
                func.lower(User.username) == f.username.data.strip().lower(),
                User.id != (target.id or 0),
            )
        ).first()
        if taken:
            return "用户名已存在"
        if target.id is None and not f.password.data:
            return "新用户须设置初始密码"
        if f.password.data:
            security = current_app.config["SUNLIGHT"]["security"]
            problem = password_problem(f.password.data, f.username.data.strip(), security)
            if problem:
                return problem
        if f.roles.data and target.id is not None and target.hall_grants:
            return "该账号已按大厅授权，不能同时持有全市角色；请先在“大厅授权”中收回其授权"
        me = actor()
        if target.id == me.id and ("admin" not in f.roles.data or not f.active.data):
            return "不能取消自己的管理员角色或停用自己"
        return None

    def apply(target, f):
        roles = " ".join(r for r in ROLES if r in f.roles.data)
        if target.id is not None and (roles != target.roles or f.active.data != target.active):
            # A role change or deactivation takes effect at once, in every session.
            target.end_sessions()
            if target.id == actor().id:
                sessions.start(target)  # this session goes on with the new roles
        target.username = f.username.data.strip()
        target.display_name = f.display_name.data or target.username
        target.department = f.department.data or ""
        target.roles = roles
        target.active = f.active.data
        if f.password.data:
            target.set_password(f.password.data)
            # Set by an administrator: the user replaces it at first sign-in.
            target.must_change_password = True
            if target.id is not None:
                target.end_sessions()
                ledger.record(
                    db.session,
                    "user.password",
                    actor=actor(),
                    obj=target,
                    summary=f"重置密码：{target.username}",
                    at=now(),
                )
        if f.clear_totp.data and target.totp_secret:
            target.totp_secret, target.totp_last_step = "", 0
            target.end_sessions()
            ledger.record(
                db.session,
                "user.totp_off",
                actor=actor(),
                obj=target,
                summary=f"管理员停用动态口令：{target.username}",
                at=now(),
            )
        if f.unlock.data and target.id is not None:
            login_locks.clear(db.session, target)

    return edit_object(
        obj=user,
        model=User,
        form=form,
        kind="user",
        label="用户",
        back="admin.users",
        apply=apply,
        check=check,
        fields=USER_FIELDS,
        hints={
            "roles": "全市角色：在所有大厅工作。只在部分大厅工作的账号不选全市角色，"
            "保存后在“大厅授权”中按大厅授予角色；两者都没有的账号什么也看不到。"
        },
    )


@bp.route("/users/new", methods=["GET", "POST"])
@role_required("admin")
def user_new():
    return _user_edit(None)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@role_required("admin")
def user_edit(user_id: int):
    return _user_edit(get_or_404(User, user_id))

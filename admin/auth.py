"""Who is signed in, and the role check every console route uses.

Shared by admin/ and the console pages other packages add (display's
terminals and playlists), so there is one rule for access.
"""

from __future__ import annotations

from functools import wraps

from flask import redirect, request, url_for
from flask_login import LoginManager, current_user
from werkzeug.exceptions import Forbidden

from content_feed.api.problems import problem_response
from web import hall_scope

login_manager = LoginManager()
login_manager.session_protection = "strong"


# Pages a signed-in user who must change their password may still open.
PASSWORD_CHANGE_ENDPOINTS = {"admin.account", "admin.logout"}


@login_manager.user_loader
def _load_user(user_id: str):
    from flask import session

    from content_feed.db import db
    from content_feed.models import User
    from shared import sessions

    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    if user is None or not user.active or not sessions.still_valid(user):
        # Ended (logout elsewhere, password or role change, idle, too old):
        # forget it, so the visitor is simply signed out.
        session.clear()
        return None
    return user


@login_manager.unauthorized_handler
def _unauthorized():
    if request.path.startswith("/api/"):
        return problem_response(401, "请先登录管理后台")
    return redirect(url_for("admin.login", next=request.full_path))


def role_required(*roles: str):
    """Signed in, and holding one of ``roles`` (admin holds every role).

    Anonymous users are sent to sign in; signed-in users without the role get 403.
    """

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if (
                current_user.must_change_password
                and request.endpoint not in PASSWORD_CHANGE_ENDPOINTS
            ):
                if request.path.startswith("/api/"):
                    return problem_response(403, "请先修改初始密码")
                return redirect(url_for("admin.account"))
            if roles and not current_user.has_role(*roles):
                raise Forbidden("您的账号没有此操作所需的角色")
            hall_scope.refuse_city_only()
            return view(*args, **kwargs)

        wrapper.required_roles = roles
        return wrapper

    return decorate

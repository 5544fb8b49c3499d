"""Staff accounts and their roles."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from content_feed.db import UTCDateTime, db
from content_feed.models._common import Timestamps


def password_method() -> str:
    """``security.password_hash_method`` of the running app (scrypt by default)."""
    from flask import current_app, has_app_context

    if has_app_context():
        return current_app.config["SUNLIGHT"]["security"]["password_hash_method"]
    return "scrypt"


class User(Timestamps, db.Model):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    display_name: Mapped[str] = mapped_column(String(60), default="")
    password_hash: Mapped[str] = mapped_column(String(256))
    # Space-separated role codes from vocabulary.ROLES.
    roles: Mapped[str] = mapped_column(String(200), default="")
    department: Mapped[str] = mapped_column(String(100), default="")
    active: Mapped[bool] = mapped_column(default=True)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Moved on logout, password change, role change and deactivation: every
    # session carries the generation it was made in and ends when it moves.
    session_generation: Mapped[int] = mapped_column(default=0)
    # Set for accounts made by the command line or an administrator: the first
    # sign-in leads to the password change before anything else.
    must_change_password: Mapped[bool] = mapped_column(default=False)
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Base32 TOTP secret (RFC 6238) once the second factor is on; empty = off.
    totp_secret: Mapped[str] = mapped_column(String(64), default="")
    # The last time step accepted, so a code cannot be used twice.
    totp_last_step: Mapped[int] = mapped_column(default=0)

    # Roles held in particular halls (web.hall_scope). An account with
    # city-wide ``roles`` is city-level staff and holds no grants.
    hall_grants: Mapped[list[HallGrant]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="HallGrant.hall_id"
    )

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method=password_method())

    def end_sessions(self) -> None:
        """Every session of this account stops working at its next request."""
        self.session_generation = (self.session_generation or 0) + 1

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def role_set(self) -> set[str]:
        return set(self.roles.split())

    @property
    def hall_role_set(self) -> set[str]:
        """Roles held in at least one hall: enough to open a route, whose rows
        web.hall_scope then limits to the halls holding them."""
        return {r for g in self.hall_grants for r in g.role_set}

    def has_role(self, *roles: str) -> bool:
        # City-wide roles or hall grants, never both (hall_scope): city-level
        # accounts never load their (absent) grants.
        mine = self.role_set or self.hall_role_set
        return "admin" in mine or bool(mine.intersection(roles))

    # Flask-Login protocol, without its mixin's extra attributes.
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)


class LoginLock(db.Model):
    """Failed sign-ins of one account from one address, and the lock they led to.

    Per account *and* address: someone guessing from one machine locks only
    themselves out, never the account's owner at their own desk.
    """

    __tablename__ = "login_lock"
    __table_args__ = (UniqueConstraint("user_id", "address"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    address: Mapped[str] = mapped_column(String(60))
    failures: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_failure_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class HallGrant(Timestamps, db.Model):
    """Roles a user holds in one hall, given by a city-level administrator."""

    __tablename__ = "hall_grant"
    __table_args__ = (UniqueConstraint("user_id", "hall_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("hall.id", ondelete="CASCADE"), index=True)
    # Space-separated role codes from vocabulary.ROLES, never "admin" (city-level only).
    roles: Mapped[str] = mapped_column(String(200), default="")

    user: Mapped[User] = relationship(back_populates="hall_grants")
    hall = relationship("Hall")

    @property
    def role_set(self) -> set[str]:
        return set(self.roles.split())

    @property
    def label(self) -> str:
        return f"{self.user.username} @ {self.hall.name}"

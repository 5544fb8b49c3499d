"""The optional second factor for the console: time-based one-time codes (RFC 6238).

Any authenticator app (FreeOTP, Google Authenticator, Microsoft Authenticator,
the 阿里云/腾讯 apps …) reads the QR code; pyotp checks the six-digit codes.
A code is accepted once (the step it belongs to is remembered), within one
30-second step either way of the server's time.
"""

from __future__ import annotations

from datetime import datetime

import pyotp

STEP = 30


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, username: str, issuer: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=issuer)


def matching_step(secret: str, code: str, at: datetime, after_step: int = 0) -> int | None:
    """The time step ``code`` belongs to (±1 step of ``at``), if later than ``after_step``."""
    code = (code or "").strip().replace(" ", "")
    if not (code.isascii() and code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    now_step = int(at.timestamp()) // STEP
    for step in (now_step, now_step - 1, now_step + 1):
        if step > after_step and pyotp.utils.strings_equal(totp.at(step * STEP), code):
            return step
    return None


def verify(user, code: str, at: datetime) -> bool:
    """Whether ``code`` is ``user``'s current code, used for the first time (remembered)."""
    if not user.totp_secret:
        return False
    step = matching_step(user.totp_secret, code, at, user.totp_last_step or 0)
    if step is None:
        return False
    user.totp_last_step = step
    return True

"""The password rule for staff accounts (等保 2.0 practice; configurable).

At least ``security.password_min_length`` characters (12), not one of the
common passwords people and cracking tools try first (the 30,000 of zxcvbn's
list, plus a few seen on Chinese sites), not the user name, and not a password
zxcvbn estimates below ``security.password_min_score`` (0–4; 0 turns it off).
"""

from __future__ import annotations

from functools import lru_cache

# Frequent on Chinese sites and in hall practice, beyond zxcvbn's English list.
LOCAL_COMMON = {
    "sunlight-demo",
    "woaini1314520",
    "woaiwojia1314",
    "qwertyuiop123",
    "aa123456789a",
    "a1234567890b",
    "zhang123456789",
    "wang123456789",
    "li12345678910",
    "admin1234567",
    "admin@123456",
    "admin1234567890",
    "administrator",
    "password1234",
    "p@ssw0rd1234",
    "abcd12345678",
    "abc123456789",
    "1234567890ab",
    "12345678900a",
    "dangwugongkai",
    "zhengwugongkai",
}


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"]) | LOCAL_COMMON


def password_problem(password: str, username: str, security: dict) -> str | None:
    """Why ``password`` may not be used (Chinese), or None when it may."""
    minimum = security["password_min_length"]
    if len(password) < minimum:
        return f"密码至少 {minimum} 位"
    if len(password) > 200:
        return "密码不能超过 200 位"
    lowered = password.lower()
    if lowered in common_passwords() or len(set(password)) <= 2:
        return "该密码过于常见，容易被猜中，请换一个"
    if len(username) >= 4 and username.lower() in lowered:
        return "密码不能包含用户名"
    min_score = security["password_min_score"]
    if min_score:
        from zxcvbn import zxcvbn

        if zxcvbn(password[:100], user_inputs=[username])["score"] < min_score:
            return "密码过于简单，容易被猜中：请用更长的、不常见的词句组合"
    return None

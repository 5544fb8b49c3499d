"""Configuration: defaults in TOML, an instance file, then single-key env overrides.

Every key must exist in ``defaults.toml``; its type there is the type it must
have everywhere. A mistake raises :class:`ConfigError` whose message is one
line naming the key, which ``run.py`` prints before exiting with code 2.
"""

from __future__ import annotations

import copy
import json
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULTS_PATH = Path(__file__).with_name("defaults.toml")
ENV_PREFIX = "SUNLIGHT_"
INSTANCE_FILE_ENV = "SUNLIGHT_CONFIG"
# SUNLIGHT_* variables that are not settings: read by the command line and tests.
NOT_SETTINGS = {
    INSTANCE_FILE_ENV,
    "SUNLIGHT_NEW_PASSWORD",
    "SUNLIGHT_CHROMIUM",
    "SUNLIGHT_INSTANCE",
}


class ConfigError(Exception):
    """A bad configuration value; ``str()`` is a one-line message naming the key."""


def _positive(key: str, value: Any) -> None:
    if value <= 0:
        raise ConfigError(f"{key}: must be greater than 0, got {value!r}")


def _non_negative(key: str, value: Any) -> None:
    if value < 0:
        raise ConfigError(f"{key}: must not be negative, got {value!r}")


def _at_least(minimum: int):
    """The floor 等保 2.0 practice sets: a value may be raised, never lowered below it."""

    def check(key: str, value: Any) -> None:
        if value < minimum:
            raise ConfigError(f"{key}: must be at least {minimum}, got {value!r}")

    return check


def _score(key: str, value: Any) -> None:
    if not 0 <= value <= 4:
        raise ConfigError(f"{key}: must be a zxcvbn score from 0 (off) to 4, got {value!r}")


def _password_method(key: str, value: str) -> None:
    from werkzeug.security import generate_password_hash

    try:
        generate_password_hash("probe", method=value)
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"{key}: not a password hashing method werkzeug knows ({exc})") from None


def _port(key: str, value: int) -> None:
    if not 1 <= value <= 65535:
        raise ConfigError(f"{key}: must be a port number from 1 to 65535, got {value!r}")


def _hour(key: str, value: int) -> None:
    if not 0 <= value <= 23:
        raise ConfigError(f"{key}: must be an hour from 0 to 23, got {value!r}")


def _timezone(key: str, value: str) -> None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"{key}: unknown time zone {value!r} (e.g. 'Asia/Shanghai')") from None


def _http_url(key: str, value: str) -> None:
    parsed = urlparse(value)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ConfigError(f"{key}: must be an http(s) URL, got {value!r}")


def _optional_http_url(key: str, value: str) -> None:
    if value:
        _http_url(key, value)


def _site_path(key: str, value: str) -> None:
    if not value.startswith("/") or "?" in value or "," in value:
        raise ConfigError(f"{key}: must be a path on the site such as '/push/sub', got {value!r}")


def _database_url(key: str, value: str) -> None:
    scheme = value.split(":", 1)[0]
    if "://" not in value or not scheme.startswith(("sqlite", "postgresql")):
        raise ConfigError(
            f"{key}: must be a sqlite:/// or postgresql+psycopg:// URL, got {value!r}"
        )


def _storage_url(key: str, value: str) -> None:
    if not value.startswith(("memory://", "redis://", "rediss://", "redis+unix://")):
        raise ConfigError(
            f"{key}: must be memory:// or a redis:// URL (redis://127.0.0.1:6379/0), got {value!r}"
        )


def _index_pattern(key: str, value: str) -> None:
    try:
        value.format(org="X", year=2026, serial=1)
    except (KeyError, IndexError, ValueError) as exc:
        raise ConfigError(
            f"{key}: bad pattern {value!r} ({exc}); use {{org}}, {{year}} and {{serial}}"
        ) from None
    if "{serial" not in value:
        raise ConfigError(f"{key}: must contain {{serial}} so numbers are never reused")


def _dates(key: str, value: list) -> None:
    from datetime import date

    for entry in value:
        try:
            date.fromisoformat(entry)
        except (TypeError, ValueError):
            raise ConfigError(f"{key}: {entry!r} is not a date YYYY-MM-DD") from None


def _categories(key: str, value: list) -> None:
    seen = set()
    for i, cat in enumerate(value):
        where = f"{key}[{i}]"
        if not isinstance(cat, dict):
            raise ConfigError(f"{where}: must be a table with code, name, domain")
        unknown = set(cat) - {"code", "name", "domain", "required", "children"}
        if unknown:
            raise ConfigError(f"{where}: unknown key {sorted(unknown)[0]!r}")
        for field in ("code", "name", "domain"):
            if not isinstance(cat.get(field), str) or not cat[field].strip():
                raise ConfigError(f"{where}.{field}: must be a non-empty string")
        if cat["code"] in seen:
            raise ConfigError(f"{where}.code: {cat['code']!r} is used twice")
        seen.add(cat["code"])
        if not isinstance(cat.get("children", []), list):
            raise ConfigError(f"{where}.children: must be a list of names")


# Checks beyond the type taken from defaults.toml.
VALIDATORS = {
    "server.port": _port,
    "server.threads": _positive,
    "server.connection_limit": _positive,
    "server.channel_timeout": _positive,
    "server.backlog": _positive,
    "server.proxies": _non_negative,
    "server.connections_per_address": _positive,
    "server.header_timeout": _positive,
    "server.request_timeout": _positive,
    "database.url": _database_url,
    "hall.timezone": _timezone,
    "hall.public_base_url": _http_url,
    "push.publish_url": _optional_http_url,
    "push.subscribe_path": _site_path,
    "feed.max_age_seconds": _non_negative,
    "feed.stale_if_error_seconds": _non_negative,
    "feed.version_ttl_seconds": _non_negative,
    "feed.page_size": _positive,
    "feed.max_page_size": _positive,
    "feed.index_number_pattern": _index_pattern,
    "feed.internal_index_number_pattern": _index_pattern,
    "security.session_lifetime_minutes": _positive,
    "security.session_idle_minutes": _positive,
    "security.password_min_length": _at_least(12),
    "security.password_min_score": _score,
    "security.password_hash_method": _password_method,
    "feedback.receipt_lookups_per_minute": _positive,
    "security.login_max_failures": _positive,
    "security.image_decode_megapixels": _positive,
    "security.login_lockout_minutes": _positive,
    "workflow.min_comment_days": _positive,
    "workflow.meeting_notice_lead_days": _non_negative,
    "backup.keep": _positive,
    "backup.hour": _hour,
    "scheduler.lead_retry_seconds": _positive,
    "rate_limits.storage_url": _storage_url,
    "kiosk.idle_seconds": _positive,
    "kiosk.idle_warn_seconds": _positive,
    "kiosk.heartbeat_seconds": _positive,
    "display.poll_seconds": _positive,
    "display.max_plays_per_hour": _positive,
    "display.max_plays_received_per_hour": _positive,
    "display.offline_after_polls": _positive,
    "display.push_tick_seconds": _positive,
    "display.push_timeout_seconds": _positive,
    "display.push_ping_seconds": _positive,
    "display.push_refresh_seconds": _positive,
    "display.push_retry_max_seconds": _positive,
    "feedback.question_days": _positive,
    "feedback.disclosure_request_days": _positive,
    "feedback.bad_rating_contact_days": _positive,
    "feedback.bad_rating_resolve_days": _positive,
    "feedback.max_text_length": _positive,
    "feedback.rate_limit_per_minute": _positive,
    "feedback.reminder_hour": _hour,
    "feedback.smtp_port": _port,
    "guide_import.max_rows": _positive,
    "guide_import.max_file_megabytes": _positive,
    "guide_import.max_unpacked_megabytes": _positive,
    "calendar.extra_holidays": _dates,
    "calendar.extra_workdays": _dates,
    "catalogue.categories": _categories,
}


def _type_name(value: Any) -> str:
    return {bool: "true or false", int: "an integer", float: "a number", str: "a string"}.get(
        type(value), "a list" if isinstance(value, list) else "a table"
    )


def _check_type(key: str, default: Any, value: Any) -> Any:
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ConfigError(f"{key}: must be true or false, got {value!r}")
    elif isinstance(default, float):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"{key}: must be a number, got {value!r}")
        value = float(value)
    elif isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{key}: must be an integer, got {value!r}")
    elif isinstance(default, str):
        if not isinstance(value, str):
            raise ConfigError(f"{key}: must be a string, got {value!r}")
    elif isinstance(default, list) and not isinstance(value, list):
        raise ConfigError(f"{key}: must be a list, got {value!r}")
    return value


def _merge(base: dict, override: dict, prefix: str = "") -> None:
    for name, value in override.items():
        key = f"{prefix}{name}"
        if name not in base:
            raise ConfigError(f"{key}: unknown key (check the spelling against defaults.toml)")
        default = base[name]
        if isinstance(default, dict):
            if not isinstance(value, dict):
                raise ConfigError(f"{key}: must be a table, got {value!r}")
            _merge(default, value, key + ".")
        else:
            base[name] = _check_type(key, default, value)


def _parse_env_value(key: str, default: Any, raw: str) -> Any:
    if isinstance(default, str):
        return raw
    if isinstance(default, bool):
        lowered = raw.strip().lower()
        if lowered in ("1", "true", "yes", "on"):
            return True
        if lowered in ("0", "false", "no", "off"):
            return False
        raise ConfigError(f"{key}: must be true or false, got {raw!r}")
    if isinstance(default, int | float):
        try:
            return type(default)(raw)
        except ValueError:
            raise ConfigError(f"{key}: must be {_type_name(default)}, got {raw!r}") from None
    try:
        return json.loads(raw)
    except json.JSONDecodeError:
        raise ConfigError(f"{key}: must be JSON ({_type_name(default)}), got {raw!r}") from None


def _env_overrides(settings: dict, environ: dict) -> dict:
    """Map SUNLIGHT_SECTION_KEY variables onto settings keys; unknown ones are errors."""
    known = {
        f"{ENV_PREFIX}{section}_{key}".upper(): (section, key)
        for section, table in settings.items()
        for key in table
    }
    result: dict = {}
    for name, raw in environ.items():
        if not name.startswith(ENV_PREFIX) or name in NOT_SETTINGS:
            continue
        if name not in known:
            raise ConfigError(f"{name}: unknown setting (see config/defaults.toml)")
        section, key = known[name]
        value = _parse_env_value(f"{section}.{key}", settings[section][key], raw)
        result.setdefault(section, {})[key] = value
    return result


def _read_toml(path: Path) -> dict:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"{INSTANCE_FILE_ENV}: file {str(path)!r} does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None


def _validate(settings: dict) -> None:
    for dotted, check in VALIDATORS.items():
        section, key = dotted.split(".")
        check(dotted, settings[section][key])
    feed = settings["feed"]
    sample = {"org": "X", "year": 2026, "serial": 1}
    if feed["index_number_pattern"].format(**sample) == feed[
        "internal_index_number_pattern"
    ].format(**sample):
        raise ConfigError(
            "feed.internal_index_number_pattern: must differ from feed.index_number_pattern"
            " so that no number is given twice"
        )


def freeze(value: Any) -> Any:
    """Settings as read-only values: read once at start, never changed while
    serving (each node, each thread must see the same settings). Tables become
    read-only mappings and lists tuples."""
    if isinstance(value, Mapping):
        return MappingProxyType({k: freeze(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(freeze(v) for v in value)
    return value


def thaw(value: Any) -> Any:
    """A changeable copy of frozen settings (to derive other settings from)."""
    if isinstance(value, Mapping):
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [thaw(v) for v in value]
    return value


def load_settings(
    environ: dict | None = None, overrides: dict | None = None, instance_file: str | None = None
) -> dict:
    """Build the settings: defaults, then the instance file, env, explicit overrides."""
    environ = os.environ if environ is None else environ
    with DEFAULTS_PATH.open("rb") as fh:
        settings = tomllib.load(fh)
    instance_file = instance_file or environ.get(INSTANCE_FILE_ENV)
    if instance_file:
        _merge(settings, _read_toml(Path(instance_file)))
    _merge(settings, _env_overrides(settings, environ))
    if overrides:
        _merge(settings, copy.deepcopy(overrides))
    _validate(settings)
    return settings

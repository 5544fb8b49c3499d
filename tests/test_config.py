"""Configuration: defaults, instance file, env overrides, and one-line errors (exit 2)."""

import subprocess
import sys
from pathlib import Path

import pytest

from config import ConfigError, load_settings

ROOT = Path(__file__).resolve().parent.parent


def test_defaults_have_chinese_catalogue():
    settings = load_settings(environ={})
    names = [c["name"] for c in settings["catalogue"]["categories"]]
    assert names[:7] == [
        "党组织建设",
        "党员发展",
        "党费收缴使用",
        "干部选任",
        "党风廉政",
        "决策部署",
        "为民服务",
    ]
    assert "党务公开" in settings["catalogue"]["domains"]
    assert settings["server"]["port"] == 8080
    assert settings["hall"]["timezone"] == "Asia/Shanghai"


def test_env_overrides_single_keys():
    settings = load_settings(
        environ={
            "SUNLIGHT_DATABASE_URL": "postgresql+psycopg://u:p@db/sunlight",
            "SUNLIGHT_SERVER_PORT": "9000",
            "SUNLIGHT_FEED_VERSION_TTL_SECONDS": "2.5",
            "SUNLIGHT_SECURITY_SESSION_COOKIE_SECURE": "yes",
            "SUNLIGHT_FEEDBACK_BLOCKED_WORDS": '["广告"]',
        }
    )
    assert settings["database"]["url"].startswith("postgresql")
    assert settings["server"]["port"] == 9000
    assert settings["feed"]["version_ttl_seconds"] == 2.5
    assert settings["security"]["session_cookie_secure"] is True
    assert settings["feedback"]["blocked_words"] == ["广告"]


def test_instance_file_then_env(tmp_path):
    f = tmp_path / "hall.toml"
    f.write_text('[server]\nport = 8181\n[hall]\nname = "东区党群服务中心"\n', encoding="utf-8")
    settings = load_settings(environ={"SUNLIGHT_CONFIG": str(f), "SUNLIGHT_SERVER_PORT": "8282"})
    assert settings["hall"]["name"] == "东区党群服务中心"
    assert settings["server"]["port"] == 8282


@pytest.mark.parametrize(
    ("environ", "content", "fragment"),
    [
        ({"SUNLIGHT_SERVER_PORT": "abc"}, None, "server.port: must be an integer"),
        ({"SUNLIGHT_SERVER_PORT": "70000"}, None, "server.port: must be a port number"),
        ({"SUNLIGHT_SERVR_PORT": "80"}, None, "SUNLIGHT_SERVR_PORT: unknown setting"),
        ({"SUNLIGHT_HALL_TIMEZONE": "Mars/Base"}, None, "hall.timezone: unknown time zone"),
        ({"SUNLIGHT_DATABASE_URL": "mysql://x"}, None, "database.url"),
        ({"SUNLIGHT_RATE_LIMITS_STORAGE_URL": "127.0.0.1:6379"}, None, "rate_limits.storage_url"),
        ({"SUNLIGHT_SCHEDULER_LEAD_RETRY_SECONDS": "0"}, None, "scheduler.lead_retry_seconds"),
        ({}, "[server]\nprot = 1\n", "server.prot: unknown key"),
        ({}, '[server]\nport = "80"\n', "server.port: must be an integer"),
        ({}, "[server\nport = 1\n", "not valid TOML"),
        ({}, '[feed]\nindex_number_pattern = "{org}-{year}"\n', "must contain {serial}"),
        ({}, '[calendar]\nextra_holidays = ["2027-13-01"]\n', "calendar.extra_holidays"),
        (
            {},
            '[[catalogue.categories]]\ncode = "a"\nname = ""\ndomain = "x"\n',
            "catalogue.categories[0].name",
        ),
    ],
)
def test_bad_values_name_the_key(tmp_path, environ, content, fragment):
    environ = dict(environ)
    if content is not None:
        f = tmp_path / "bad.toml"
        f.write_text(content, encoding="utf-8")
        environ["SUNLIGHT_CONFIG"] = str(f)
    with pytest.raises(ConfigError) as exc:
        load_settings(environ=environ)
    assert fragment in str(exc.value)
    assert "\n" not in str(exc.value)


def test_missing_instance_file():
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(environ={"SUNLIGHT_CONFIG": "/nonexistent/sunlight.toml"})


@pytest.mark.parametrize("command", [["check-config"], ["serve"], ["db", "upgrade"]])
def test_bad_config_stops_start_with_exit_2_and_one_line(command):
    env = {"PATH": "/usr/bin:/bin", "SUNLIGHT_SERVER_PORT": "eighty"}
    proc = subprocess.run(
        [sys.executable, "run.py", *command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "server.port" in lines[0] and "Traceback" not in proc.stderr


def test_check_config_ok():
    proc = subprocess.run(
        [sys.executable, "run.py", "check-config"],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert "configuration OK" in proc.stdout

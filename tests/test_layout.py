"""The layout's import rules (README.md, Layout): imports go one way.

Read from the source with ``ast``, every import of every module, at any depth
(imports inside functions count): a rule broken anywhere fails here with the
module and the import.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OURS = (
    "admin",
    "alerts",
    "calling",
    "cluster",
    "config",
    "content_feed",
    "demo",
    "display",
    "guide_import",
    "inquiries",
    "kiosk",
    "monitoring",
    "operations",
    "shared",
    "web",
    "app",
    "run",
)
CONSOLES = ("admin", "inquiries.console")


def imports_of(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return {name for name in found if name.split(".")[0] in OURS}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules(package: str):
    for path in sorted((ROOT / package.replace(".", "/")).rglob("*.py")):
        yield module_name(path), imports_of(path)


def within(name: str, *packages: str) -> bool:
    return any(name == p or name.startswith(p + ".") for p in packages)


# The layers, lowest first; the consoles sit on top. New capability packages
# (calling, alerts, monitoring) join ABOVE_CORE as they land.
ABOVE_CORE = (
    "alerts",
    "calling",
    "demo",
    "guide_import",
    "inquiries",
    "kiosk",
    "display",
    "operations",
    "web",
    "monitoring",
    "cluster",
)

# (the modules, what they must not import, the modules the rule leaves out)
RULES = [
    ("shared", tuple(p for p in OURS if p != "shared"), ()),
    ("config", tuple(p for p in OURS if p not in ("config", "shared")), ()),
    # The core imports nothing above it: no exemptions.
    ("content_feed", (*ABOVE_CORE, *CONSOLES, "app", "run"), ()),
    ("web", ("kiosk", "display", "inquiries", "demo", "guide_import", *CONSOLES), ()),
    ("operations", ("kiosk", "display", "inquiries", "demo", "guide_import", *CONSOLES), ()),
    ("guide_import", ("kiosk", "display", "inquiries", "demo", *CONSOLES), ()),
    ("inquiries", ("kiosk", "display", "demo", "guide_import", *CONSOLES), ("inquiries.console",)),
    ("kiosk", ("display", "demo", "guide_import", *CONSOLES), ()),
    ("display", ("kiosk", "demo", "guide_import"), ()),
    ("display", CONSOLES, ("display.console",)),
    # Queue calling drives the display's renderer and card drivers; its console is its own.
    (
        "calling",
        ("kiosk", "demo", "guide_import", *CONSOLES),
        ("calling.console", "calling.statistics"),
    ),
    ("display", ("calling", "alerts"), ()),
    # Official warnings become the feed's own urgent notices and slogans.
    (
        "alerts",
        ("kiosk", "display", "calling", "demo", "guide_import", *CONSOLES),
        ("alerts.console", "alerts.forms"),
    ),
    # A node's health, logs, migration lock and backups know nothing of what it serves.
    (
        "cluster",
        ("kiosk", "display", "inquiries", "calling", "alerts", "demo", "guide_import", *CONSOLES),
        (),
    ),
]


@pytest.mark.parametrize("package, forbidden, exempt", RULES)
def test_imports_go_one_way(package, forbidden, exempt):
    broken = [
        f"{name} imports {target}"
        for name, targets in modules(package)
        if not within(name, *exempt)
        for target in sorted(targets)
        if within(target, *forbidden)
    ]
    assert broken == []


def test_the_rules_see_imports():
    # A rule that reads nothing passes for nothing: the kiosk does import the feed.
    assert any(within(t, "content_feed") for _, ts in modules("kiosk") for t in ts)
    assert any(within(t, "inquiries") for _, ts in modules("kiosk") for t in ts)

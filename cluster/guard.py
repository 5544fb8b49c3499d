"""A node configured for a cluster never serves the embedded SQLite database.

Without this, a node started without the shared settings (a missing env
file, a typo) serves an empty SQLite database of its own, and its screens
go blank while it looks healthy. A node is configured for a cluster when it
says so (``[database] shared = true``, which the packaged env file sets) or
when it is given any shared service (Nchan's publisher, Redis for limits).
"""

from __future__ import annotations

from config import ConfigError


def cluster_signs(settings: dict) -> list[str]:
    signs = []
    if settings["database"].get("shared"):
        signs.append("database.shared = true")
    if settings["push"]["publish_url"]:
        signs.append("push.publish_url")
    if settings["rate_limits"]["storage_url"].startswith(("redis", "rediss")):
        signs.append("rate_limits.storage_url (Redis)")
    return signs


def refuse_embedded_database(settings: dict, database_url: str) -> None:
    """ConfigError when ``settings`` are a cluster node's and the database is SQLite."""
    signs = cluster_signs(settings)
    if signs and not database_url.startswith("postgresql"):
        raise ConfigError(
            "本节点按集群配置（" + "、".join(signs) + "），但数据库不是 PostgreSQL："
            "请设置 SUNLIGHT_DATABASE_URL（见 /etc/sunlight/sunlight.env）。"
            " / configured for a cluster but the database is the embedded SQLite:"
            " set SUNLIGHT_DATABASE_URL to the shared PostgreSQL"
        )

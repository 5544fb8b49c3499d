"""The catalogue tree (公开目录): loading it from configuration and walking it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from content_feed.db import db
from content_feed.models import Category


def seed_catalogue(session: Session, categories: list[dict]) -> int:
    """Create the configured categories that are missing; returns how many were added.

    Existing rows are left alone: staff may have renamed or reordered them.
    """
    existing = {c.code for c in session.execute(select(Category)).scalars()}
    added = 0
    for order, spec in enumerate(categories):
        parent = None
        if spec["code"] not in existing:
            parent = Category(
                code=spec["code"],
                name=spec["name"],
                domain=spec["domain"],
                required=spec.get("required", False),
                sort_order=order,
            )
            session.add(parent)
            added += 1
        else:
            parent = session.execute(
                select(Category).where(Category.code == spec["code"])
            ).scalar_one()
        for child_order, name in enumerate(spec.get("children", [])):
            code = f"{spec['code']}-{child_order + 1}"
            if code in existing:
                continue
            session.add(
                Category(
                    code=code,
                    name=name,
                    domain=spec["domain"],
                    parent=parent,
                    sort_order=child_order,
                )
            )
            added += 1
    session.flush()
    return added


def _all() -> list[Category]:
    return list(
        db.session.execute(
            select(Category)
            .where(Category.active.is_(True))
            .order_by(Category.sort_order, Category.id)
        ).scalars()
    )


def category_tree(counts: dict[int, int] | None = None) -> list[dict]:
    """Nested dicts; ``count`` includes the public items of all descendants."""
    counts = counts or {}
    cats = _all()
    by_parent: dict[int | None, list[Category]] = {}
    for c in cats:
        by_parent.setdefault(c.parent_id, []).append(c)

    def build(cat: Category) -> dict:
        children = [build(ch) for ch in by_parent.get(cat.id, [])]
        return {
            "id": cat.id,
            "code": cat.code,
            "name": cat.name,
            "domain": cat.domain,
            "required": cat.required,
            "count": counts.get(cat.id, 0) + sum(ch["count"] for ch in children),
            "children": children,
        }

    return [build(c) for c in by_parent.get(None, [])]


def descendant_ids(category: Category) -> list[int]:
    cats = _all()
    ids, frontier = [category.id], [category.id]
    while frontier:
        frontier = [c.id for c in cats if c.parent_id in frontier]
        ids.extend(frontier)
    return ids

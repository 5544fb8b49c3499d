"""Create/edit of the simple objects (slogans, notices, halls, users …) with a ledger row each."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, redirect, render_template, url_for
from wtforms.fields.core import UnboundField

from admin import changes
from admin.changes import snapshot
from content_feed.db import db


def form_fields(form_class) -> list[str]:
    """The model columns a form edits (its declared fields)."""
    return [n for n, f in vars(form_class).items() if isinstance(f, UnboundField)]


def edit_object(
    *,
    obj,
    model,
    form,
    kind: str,
    label: str,
    back: str,
    apply: Callable | None = None,
    check: Callable | None = None,
    fields: list[str] | None = None,
    template: str = "admin/simple_form.html",
    **context,
):
    """GET shows ``form``; a valid POST saves ``obj`` (new when None) and records it.

    ``apply(obj, form)`` copies the form onto the object (default populate_obj);
    ``check(obj, form)`` may return a Chinese error to refuse the save.
    """
    fields = fields or form_fields(type(form))
    if form.validate_on_submit():
        target = obj if obj is not None else model()
        error = check(target, form) if check else None
        if error:
            flash(error, "error")
        else:
            before = snapshot(obj, fields) if obj is not None else None
            (apply or (lambda o, f: f.populate_obj(o)))(target, form)
            if obj is None:
                db.session.add(target)
                db.session.flush()
            changed = changes.record(
                f"{kind}.{'create' if obj is None else 'update'}",
                target,
                before,
                snapshot(target, fields),
                summary=label_of(target, label),
            )
            db.session.commit()
            flash("已保存" if changed else "没有改动", "success")
            return redirect(url_for(back))
    return render_template(template, form=form, obj=obj, label=label, back=back, **context)


def label_of(obj, label: str) -> str:
    for name in ("title", "name", "text", "username"):
        value = getattr(obj, name, None)
        if value:
            return f"{label}：{value}"
    return label

"""The partnership's strategic priorities and their themes."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy.orm import Session

from engage.audit.services import AuditAction, record
from engage.auth.access import roles
from engage.auth.roles import DESIGNERS, STAFF
from engage.choices import choices
from engage.db import get_session
from engage.priorities import services
from engage.priorities.forms import PriorityForm
from engage.priorities.models import Priority

bp = Blueprint("priorities", __name__, url_prefix="/priorities")


@bp.get("/")
@roles(STAFF)
def index() -> ResponseReturnValue:
    return render_template("priorities/index.html", **_index_context(get_session()))


def _index_context(db: Session) -> dict[str, Any]:
    priorities = services.list_priorities(db)
    sets = services.starter_sets()
    used = {p.set_key for p in priorities if p.set_key}
    return {
        "active": [p for p in priorities if p.active],
        "retired": [p for p in priorities if not p.active],
        "starters": sets,
        "set_names": {s.key: s.short for s in sets},
        "used": used,
        # Sets in use whose wording nobody has confirmed: their notes stay on the page.
        "unverified_in_use": [s for s in sets if s.key in used and not s.verified],
        "codebook_missing": not services.mappable_themes(db),
    }


@bp.post("/starters")
@roles(DESIGNERS)
def load_starters() -> ResponseReturnValue:
    db = get_session()
    result = services.load_starter_set(db, request.form.get("set", ""))
    record(
        db,
        AuditAction.PRIORITIES_CHANGED,
        actor=current_user,
        object_type="priority_set",
        object_id=result.starter.key,
    )
    db.commit()
    for message in _load_messages(result):
        flash(message)
    return redirect(url_for("priorities.index"))


def _load_messages(result: services.LoadResult) -> list[str]:
    name = result.starter.name
    if not result.added:
        return [f"All the priorities of {name} were already loaded: nothing was added."]
    messages = [f"Loaded {len(result.added)} priorities from {name}."]
    if result.already:
        messages.append(f"{result.already} were already there and were left as they were.")
    if result.codebook_missing:
        messages.append(
            "There is no codebook yet, so no themes were mapped. Themes can be mapped once "
            "the codebook exists (it is created when someone first opens a survey's Themes page)."
        )
    elif result.skipped_themes:
        messages.append(
            "These suggested themes are not in your codebook and were skipped: "
            + ", ".join(result.skipped_themes)
            + "."
        )
    messages.append("Check the wording against your own published strategy.")
    return messages


def _form(db: Session, priority: Priority | None) -> tuple[PriorityForm, bool]:
    form = PriorityForm(obj=priority if request.method == "GET" else None)
    themes = services.mappable_themes(db)
    form.themes.choices = choices((t.id, t.name) for t in themes)
    if request.method == "GET" and priority is not None:
        form.themes.data = [t.id for t in priority.themes if t.active]
    return form, bool(themes)


def _fields(form: PriorityForm) -> services.PriorityFields:
    return services.PriorityFields(
        code=form.code.data or "",
        title=form.title.data or "",
        description=form.description.data or "",
        active=bool(form.active.data),
        theme_ids=list(form.themes.data or []),
    )


def _show(form: PriorityForm, exc: services.PriorityProblems) -> None:
    for name, message in exc.problems.items():
        form[name].errors = [*form[name].errors, message]


@bp.route("/new", methods=["GET", "POST"])
@roles(DESIGNERS)
def new() -> ResponseReturnValue:
    db = get_session()
    form, has_themes = _form(db, None)
    if form.validate_on_submit():
        try:
            priority = services.create_priority(db, _fields(form))
        except services.PriorityProblems as exc:
            _show(form, exc)
        else:
            _audit(db, priority)
            db.commit()
            flash(f"Priority {priority.code} added.")
            return redirect(url_for("priorities.index"))
    status = 422 if form.is_submitted() else 200
    return render_template(
        "priorities/form.html", form=form, priority=None, has_themes=has_themes, starter=None
    ), status


@bp.route("/<int:priority_id>", methods=["GET", "POST"])
@roles(DESIGNERS)
def edit(priority_id: int) -> ResponseReturnValue:
    db = get_session()
    priority = services.get_priority(db, priority_id)
    form, has_themes = _form(db, priority)
    if form.validate_on_submit():
        try:
            services.update_priority(db, priority, _fields(form))
        except services.PriorityProblems as exc:
            _show(form, exc)
        else:
            _audit(db, priority)
            db.commit()
            flash(f"Priority {priority.code} saved.")
            return redirect(url_for("priorities.index"))
    status = 422 if form.is_submitted() else 200
    starter = (
        next((s for s in services.starter_sets() if s.key == priority.set_key), None)
        if priority.set_key
        else None
    )
    return render_template(
        "priorities/form.html",
        form=form,
        priority=priority,
        has_themes=has_themes,
        starter=starter,
    ), status


def _audit(db: Session, priority: Priority) -> None:
    record(
        db,
        AuditAction.PRIORITIES_CHANGED,
        actor=current_user,
        object_type="priority",
        object_id=priority.id,
    )

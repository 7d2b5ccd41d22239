"""Officers choose quotes to share; each is redacted and attributed by a safe band."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from engage.audit.services import AuditAction, record
from engage.auth.access import roles
from engage.auth.roles import READERS, STAFF
from engage.db import get_session
from engage.quotes import services
from engage.surveys import services as survey_services

bp = Blueprint("quotes", __name__, url_prefix="/surveys/<int:survey_id>/quotes")


@bp.get("/")
@roles(STAFF)
def index(survey_id: int) -> ResponseReturnValue:
    db = get_session()
    survey = survey_services.get_survey(db, survey_id)
    questions = {q.id: q.text for q in survey.questions}
    return render_template(
        "quotes/index.html",
        survey=survey,
        quotes=services.list_quotes(db, survey.id),
        questions=questions,
    )


@bp.post("/")
@roles(READERS)
def choose(survey_id: int) -> ResponseReturnValue:
    db = get_session()
    survey = survey_services.get_survey(db, survey_id)
    quote = services.choose_quote(
        db,
        survey,
        request.form.get("answer_id", ""),
        chosen_by_id=current_user.id,
        threshold=current_app.config["SUPPRESSION_THRESHOLD"],
        names=services.local_names(db, current_app.instance_path),
    )
    record(
        db,
        AuditAction.QUOTE_SHARED,
        actor=current_user,
        object_type="quote",
        object_id=str(quote.id),
    )
    db.commit()
    flash(f"Added to the shared quotes, attributed to \u201c{quote.attribution}\u201d.")
    return redirect(url_for("quotes.index", survey_id=survey.id))


@bp.post("/<int:quote_id>/delete")
@roles(READERS)
def remove(survey_id: int, quote_id: int) -> ResponseReturnValue:
    db = get_session()
    services.remove_quote(db, survey_id, quote_id)
    db.commit()
    flash("Removed from the shared quotes.")
    return redirect(url_for("quotes.index", survey_id=survey_id))

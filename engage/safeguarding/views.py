"""The safeguarding lead's queue. Every view and every action is audited."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from engage.analysis.safeguarding import RISK_LABELS, Risk, triage
from engage.audit.services import AuditAction, record
from engage.auth.access import roles
from engage.auth.roles import SAFEGUARDING
from engage.db import get_session
from engage.errors import InvalidInput
from engage.i18n import get_language
from engage.safeguarding import services
from engage.safeguarding.models import FlagStatus
from engage.surveys import answer_translations as translations
from engage.surveys.answer_translations import TRANSLATION_STEPS
from engage.surveys.models import Channel, Question, Response, Survey
from engage.surveys.services import today

bp = Blueprint("safeguarding", __name__, url_prefix="/safeguarding")


def _language_name(code: str) -> str:
    language = get_language(code)
    return language.english_name if language else code


def _direction(code: str) -> str:
    language = get_language(code)
    return language.direction if language else "auto"


def _risk_labels(risks: str) -> list[str]:
    return [RISK_LABELS[Risk(r)] for r in risks.split(",") if r]


@bp.get("/")
@roles(SAFEGUARDING)
def queue() -> ResponseReturnValue:
    db = get_session()
    status = request.args.get("status") or None
    if status is not None and status not in {s.value for s in FlagStatus}:
        status = None
    flags = services.list_flags(db, status)
    titles = {
        s.id: s.title for s in db.query(Survey).filter(Survey.id.in_({f.survey_id for f in flags}))
    }
    record(
        db, AuditAction.SAFEGUARDING_VIEWED, actor=current_user, object_type="safeguarding_queue"
    )
    db.commit()
    return render_template(
        "safeguarding/queue.html",
        flags=flags,
        titles=titles,
        labels=_risk_labels,
        statuses=list(FlagStatus),
        status=status,
    )


@bp.get("/not-checked")
@roles(SAFEGUARDING)
def not_checked() -> ResponseReturnValue:
    """Written answers in another language with no translation: triage could not read them."""
    db = get_session()
    items = services.list_not_checked(db)
    record(
        db,
        AuditAction.SAFEGUARDING_VIEWED,
        actor=current_user,
        object_type="safeguarding_not_checked",
    )
    db.commit()
    return render_template("safeguarding/not_checked.html", items=items)


@bp.post("/not-checked/<answer_id>")
@roles(SAFEGUARDING)
def translate(answer_id: str) -> ResponseReturnValue:
    """The lead adds a translation; it is triaged at once, as an English answer is."""
    db = get_session()
    answer = services.get_not_checked(db, answer_id)
    try:
        translations.save_translation(
            db,
            current_app.extensions[TRANSLATION_STEPS],
            answer,
            services.survey_of(db, answer),
            request.form.get("translation", ""),
            translated_by_id=current_user.id,
            on=today(),
        )
    except InvalidInput as exc:
        db.rollback()
        flash(exc.message)
        return redirect(url_for("safeguarding.not_checked"))
    record(
        db,
        AuditAction.ANSWER_TRANSLATED,
        actor=current_user,
        object_type="answer",
        object_id=str(answer.id),
    )
    db.commit()
    flash("Translation saved and checked. The answer has left this list.")
    return redirect(url_for("safeguarding.not_checked"))


@bp.route("/<int:flag_id>", methods=["GET", "POST"])
@roles(SAFEGUARDING)
def item(flag_id: int) -> ResponseReturnValue:
    db = get_session()
    flag, answer = services.get_flag(db, flag_id)
    error = ""
    if request.method == "POST":
        try:
            services.update_flag(
                db,
                flag,
                status=request.form.get("status", ""),
                note=request.form.get("note", ""),
                author_id=current_user.id,
            )
        except InvalidInput as exc:
            error = exc.message
            db.rollback()
            flag, answer = services.get_flag(db, flag_id)
        else:
            record(
                db,
                AuditAction.SAFEGUARDING_UPDATED,
                actor=current_user,
                object_type="safeguarding_flag",
                object_id=str(flag.id),
            )
            db.commit()
            flash("Saved. The decision and your note are recorded.")
            return redirect(url_for("safeguarding.item", flag_id=flag.id))
    record(
        db,
        AuditAction.SAFEGUARDING_VIEWED,
        actor=current_user,
        object_type="safeguarding_flag",
        object_id=str(flag.id),
    )
    db.commit()
    response = db.get(Response, answer.response_id)
    question = db.get(Question, answer.question_id)
    survey = db.get(Survey, flag.survey_id)
    channel = db.get(Channel, response.channel_id) if response and response.channel_id else None
    translation = translations.get_translation(db, answer.id)
    # Triage's words are shown from the text it read: the translation where there is one.
    findings = triage(translation.text if translation else (answer.text_value or "")).findings
    language = response.language if response else "en"
    return render_template(
        "safeguarding/item.html",
        flag=flag,
        answer=answer,
        translation=translation,
        language=language,
        language_name=_language_name(language),
        direction=_direction(language),
        question=question,
        survey=survey,
        channel=channel,
        findings=findings,
        labels=_risk_labels(flag.risks),
        statuses=list(FlagStatus),
        error=error,
    ), 422 if error else 200

"""The engagement report per consultation and the overview across consultations."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user

from engage import exports
from engage.audit.services import AuditAction, record
from engage.auth.access import roles
from engage.auth.roles import DESIGNERS, STAFF
from engage.db import get_session
from engage.errors import InvalidInput
from engage.report import context, export, services
from engage.report.forms import ACTIONS, PublicPageForm
from engage.surveys import services as survey_services
from engage.surveys.models import Survey

bp = Blueprint("report", __name__)


def _threshold() -> int:
    return int(current_app.config["SUPPRESSION_THRESHOLD"])


def _min_group() -> int:
    return int(current_app.config.get("ASSEMBLY_MIN_GROUP", 5))


def _report(survey: Survey) -> context.Report:
    return context.build_report(
        get_session(), survey, threshold=_threshold(), min_group=_min_group()
    )


@bp.get("/surveys/<int:survey_id>/report")
@roles(STAFF)
def report(survey_id: int) -> ResponseReturnValue:
    survey = survey_services.get_survey(get_session(), survey_id)
    return render_template("report/report.html", report=_report(survey), survey=survey)


def _download(survey_id: int, body: bytes, mimetype: str, extension: str) -> Response:
    db = get_session()
    record(
        db,
        AuditAction.REPORT_EXPORTED,
        actor=current_user,
        object_type="survey",
        object_id=survey_id,
    )
    db.commit()
    stamp = datetime.now(UTC).strftime("%Y%m%d")
    name = f"survey-{survey_id}-report-{stamp}.{extension}"
    return Response(
        body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@bp.get("/surveys/<int:survey_id>/report.csv")
@roles(STAFF)
def report_csv(survey_id: int) -> ResponseReturnValue:
    survey = survey_services.get_survey(get_session(), survey_id)
    data = export.report_data(_report(survey))
    return _download(survey_id, export.to_csv(data), exports.CSV_MIMETYPE, "csv")


@bp.get("/surveys/<int:survey_id>/report.json")
@roles(STAFF)
def report_json(survey_id: int) -> ResponseReturnValue:
    survey = survey_services.get_survey(get_session(), survey_id)
    data = export.report_data(_report(survey))
    body = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    return _download(survey_id, body, "application/json", "json")


def _base_url() -> str:
    return str(current_app.config["PUBLIC_BASE_URL"] or request.host_url)


@bp.route("/surveys/<int:survey_id>/public", methods=["GET", "POST"])
@roles(DESIGNERS)
def public_settings(survey_id: int) -> ResponseReturnValue:
    db = get_session()
    survey = survey_services.get_survey(db, survey_id)
    page = services.get_page(db, survey.id)
    form = PublicPageForm(summary=page.summary if page else "")
    form.quotes.choices = [(q.id, q.text[:80]) for q in services.quotes_of(db, survey.id)]
    if request.method == "GET":
        form.quotes.data = services.chosen_quote_ids(page)
    error = ""
    if form.validate_on_submit():
        action = request.form.get("action", "save")
        try:
            if action not in ACTIONS:
                raise InvalidInput("Choose Save, Publish or Withdraw.")
            message = _apply(survey, form, action)
        except InvalidInput as exc:
            db.rollback()
            error = exc.message
        else:
            db.commit()
            flash(message)
            return redirect(url_for("report.public_settings", survey_id=survey.id))
    view = context.build_public_settings(
        db, survey, base_url=_base_url(), chosen=form.quotes.data or []
    )
    status = 422 if form.is_submitted() else 200
    return render_template(
        "report/public_settings.html", survey=survey, form=form, view=view, error=error
    ), status


def _apply(survey: Survey, form: PublicPageForm, action: str) -> str:
    db = get_session()
    page = services.save_settings(
        db, survey, summary=form.summary.data or "", quote_ids=form.quotes.data or []
    )
    if action == "publish":
        figures = context.build_public_figures(
            db, survey, threshold=_threshold(), min_group=_min_group()
        )
        services.publish(db, page, figures)
        record(
            db,
            AuditAction.PUBLIC_PAGE_PUBLISHED,
            actor=current_user,
            object_type="survey",
            object_id=survey.id,
        )
        return "Published. The public page now shows today's figures."
    if action == "withdraw":
        if services.page_state(page) != services.PUBLISHED:
            raise InvalidInput("The page is not published, so there is nothing to withdraw.")
        services.withdraw(page)
        record(
            db,
            AuditAction.PUBLIC_PAGE_WITHDRAWN,
            actor=current_user,
            object_type="survey",
            object_id=survey.id,
        )
        return "Withdrawn. The public address now says the page has been taken down."
    return "Saved."


@bp.get("/overview")
@roles(STAFF)
def overview() -> ResponseReturnValue:
    view = context.build_overview(get_session(), threshold=_threshold())
    return render_template("report/overview.html", view=view)

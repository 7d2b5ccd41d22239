"""Officer pages: who is and isn't being reached, and the outreach plan."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template, request
from flask.typing import ResponseReturnValue

from engage import exports
from engage.auth.access import roles
from engage.auth.roles import DESIGNERS, STAFF
from engage.db import get_session
from engage.reach.context import build_reach, outreach_plan
from engage.reach.language import build_language_reach, plan_row
from engage.surveys import services

bp = Blueprint("reach", __name__, url_prefix="/surveys/<int:survey_id>/reach")
MAX_WAVE = 1_000_000


def _planned_next() -> int | None:
    raw = request.args.get("next_wave", "").strip().replace(",", "")
    if not raw:
        return None
    if not raw.isdigit() or not 0 < int(raw) <= MAX_WAVE:
        return -1
    return int(raw)


def _minimums() -> tuple[dict[tuple[str, str], int], list[str]]:
    minimums: dict[tuple[str, str], int] = {}
    problems: list[str] = []
    for name, value in request.args.items():
        if not name.startswith("min:") or not value.strip():
            continue
        _, dimension, category = name.split(":", 2) if name.count(":") >= 2 else ("", "", "")
        if not value.strip().isdigit() or int(value) > MAX_WAVE:
            problems.append(f"The minimum for {category or name} must be a whole number.")
            continue
        minimums[(dimension, category)] = int(value)
    return minimums, problems


@bp.get("/")
@roles(STAFF)
def page(survey_id: int) -> ResponseReturnValue:
    db = get_session()
    survey = services.get_survey(db, survey_id)
    planned = _planned_next()
    error = "Enter the next wave as a whole number of responses, like 500." if planned == -1 else ""
    reach = build_reach(
        db,
        survey,
        threshold=current_app.config["SUPPRESSION_THRESHOLD"],
        planned_next=None if planned in (None, -1) else planned,
    )
    language = build_language_reach(
        db, survey, threshold=current_app.config["SUPPRESSION_THRESHOLD"]
    )
    status = 422 if error else 200
    return render_template(
        "reach/page.html", survey=survey, reach=reach, language=language, error=error
    ), status


@bp.get("/plan")
@roles(DESIGNERS)
def plan(survey_id: int) -> ResponseReturnValue:
    db = get_session()
    survey = services.get_survey(db, survey_id)
    planned = _planned_next()
    minimums, problems = _minimums()
    if planned == -1:
        problems.append("Enter the next wave as a whole number of responses, like 500.")
    rows = outreach_plan(
        db,
        survey,
        planned_next=None if planned in (None, -1) else planned,
        minimums=minimums,
        threshold=current_app.config["SUPPRESSION_THRESHOLD"],
    )
    language = build_language_reach(
        db, survey, threshold=current_app.config["SUPPRESSION_THRESHOLD"]
    )
    rows.append(plan_row(language))
    if request.args.get("format") == "csv" and not problems:
        return _csv(survey.id, rows)
    return render_template(
        "reach/plan.html",
        survey=survey,
        rows=rows,
        language=language,
        planned=planned if planned and planned > 0 else "",
        problems=problems,
        query=request.query_string.decode("ascii", "replace"),
    ), 422 if problems else 200


PLAN_COLUMNS = (
    "dimension",
    "category",
    "population_pct",
    "so_far",
    "minimum",
    "needed",
    "best_channels",
    "suggestion",
)


def _csv(survey_id: int, rows: list[dict[str, object]]) -> Response:
    # Channel names are typed by officers: escaped like every other cell.
    body = exports.csv_bytes(PLAN_COLUMNS, ([row.get(f, "") for f in PLAN_COLUMNS] for row in rows))
    return Response(
        body,
        mimetype=exports.CSV_MIMETYPE,
        headers={
            "Content-Disposition": f'attachment; filename="survey-{survey_id}-outreach-plan.csv"'
        },
    )

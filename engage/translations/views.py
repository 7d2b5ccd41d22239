"""Officer pages: the languages a survey is offered in, and its words in each of them.

Designers change languages and translations; readers (and every staff role) see what
is translated, missing or out of date, and download files for translators.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask import Response as FlaskResponse
from flask.typing import ResponseReturnValue
from flask_login import current_user

from engage import exports
from engage.audit.services import AuditAction, record
from engage.auth.access import roles
from engage.auth.roles import DESIGNERS, STAFF
from engage.db import get_session
from engage.errors import InvalidInput
from engage.i18n import LANGUAGES
from engage.surveys.content import language_codes
from engage.surveys.models import Survey
from engage.surveys.services import get_survey
from engage.translations import exchange, services
from engage.translations.services import TranslationsRefused

bp = Blueprint("translations", __name__, url_prefix="/surveys")
FIELD_PREFIX = "t:"
CONFIRM_PREFIX = "ok:"
FORMATS = {"xlf": "XLIFF 1.2", "csv": "CSV"}


def _audit(action: AuditAction, survey: Survey, language: str | None = None) -> None:
    record(
        get_session(),
        action,
        actor=current_user,
        object_type="survey",
        object_id=f"{survey.id}/{language}" if language else survey.id,
    )


@bp.get("/<int:survey_id>/translations")
@roles(STAFF)
def index(survey_id: int) -> ResponseReturnValue:
    survey = get_survey(get_session(), survey_id)
    return render_template("translations/index.html", **_index_context(survey))


def _index_context(survey: Survey, error: str = "", typed: str | None = None) -> dict[str, Any]:
    return {
        "survey": survey,
        "summaries": services.language_summaries(survey),
        "codes": typed if typed is not None else ", ".join(language_codes(survey)),
        "error": error,
        "known": list(LANGUAGES.values()),
    }


@bp.post("/<int:survey_id>/translations/languages")
@roles(DESIGNERS)
def set_languages(survey_id: int) -> ResponseReturnValue:
    db = get_session()
    survey = get_survey(db, survey_id)
    typed = request.form.get("languages", "")[:500]
    try:
        changed = services.set_languages(db, survey, services.parse_language_codes(typed))
    except InvalidInput as exc:
        db.rollback()
        survey = get_survey(db, survey_id)
        context = _index_context(survey, exc.message, typed)
        return render_template("translations/index.html", **context), 422
    if changed:
        _audit(AuditAction.SURVEY_LANGUAGES_CHANGED, survey)
    db.commit()
    flash("Languages saved." if changed else "The languages were already those.")
    return redirect(url_for("translations.index", survey_id=survey.id))


@bp.get("/<int:survey_id>/translations/<language>")
@roles(STAFF)
def language(survey_id: int, language: str) -> ResponseReturnValue:
    survey = get_survey(get_session(), survey_id)
    target = services.require_target(survey, language)
    return render_template("translations/language.html", **_language_context(survey, target.code))


def _language_context(
    survey: Survey, code: str, problems: list[str] | None = None
) -> dict[str, Any]:
    summary = next(s for s in services.language_summaries(survey) if s.language.code == code)
    return {
        "survey": survey,
        "summary": summary,
        "language": summary.language,
        "rows": services.translation_rows(survey, code),
        "prefix": FIELD_PREFIX,
        "confirm_prefix": CONFIRM_PREFIX,
        "problems": problems or [],
        "formats": FORMATS,
    }


@bp.post("/<int:survey_id>/translations/<language>")
@roles(DESIGNERS)
def save(survey_id: int, language: str) -> ResponseReturnValue:
    db = get_session()
    survey = get_survey(db, survey_id)
    code = services.require_target(survey, language).code
    items = [
        services.Incoming(
            where=f"'{key[:120]}'",
            key=key,
            text=value,
            confirm=request.form.get(CONFIRM_PREFIX + key) == "y",
        )
        for name, value in request.form.items()
        if name.startswith(FIELD_PREFIX)
        for key in [name.removeprefix(FIELD_PREFIX)]
    ]
    try:
        changed = services.apply_translations(db, survey, code, items, empty_deletes=True)
    except TranslationsRefused as exc:
        return _refused(survey_id, code, exc)
    if changed:
        _audit(AuditAction.TRANSLATIONS_EDITED, survey, code)
    db.commit()
    flash(f"Saved {changed} change{'' if changed == 1 else 's'}.")
    return redirect(url_for("translations.language", survey_id=survey.id, language=code))


def _refused(survey_id: int, code: str, exc: TranslationsRefused) -> ResponseReturnValue:
    db = get_session()
    db.rollback()
    survey = get_survey(db, survey_id)
    context = _language_context(survey, code, exc.problems)
    return render_template("translations/language.html", **context), 422


@bp.get("/<int:survey_id>/translations/<language>/export.<fmt>")
@roles(STAFF)
def export(survey_id: int, language: str, fmt: str) -> ResponseReturnValue:
    db = get_session()
    survey = get_survey(db, survey_id)
    code = services.require_target(survey, language).code
    if fmt not in FORMATS:
        raise InvalidInput("Translation files come as XLIFF (.xlf) or CSV (.csv).")
    rows = services.translation_rows(survey, code)
    if fmt == "xlf":
        body, mimetype = exchange.xliff_bytes(survey, code, rows), exchange.XLIFF_MIMETYPE
    else:
        body, mimetype = exchange.csv_file_bytes(survey, code, rows), exports.CSV_MIMETYPE
    _audit(AuditAction.TRANSLATIONS_EXPORTED, survey, code)
    db.commit()
    name = f"survey-{survey.id}-{code}.{fmt}"
    return FlaskResponse(
        body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@bp.post("/<int:survey_id>/translations/<language>/import")
@roles(DESIGNERS)
def import_file(survey_id: int, language: str) -> ResponseReturnValue:
    db = get_session()
    survey = get_survey(db, survey_id)
    code = services.require_target(survey, language).code
    upload = request.files.get("file")
    name = (upload.filename or "").lower() if upload else ""
    try:
        if upload is None or not name:
            raise TranslationsRefused(["Choose a file to import."])
        data = upload.read()
        if name.endswith((".xlf", ".xliff", ".xml")):
            items = exchange.read_xliff(data, survey, code)
        elif name.endswith(".csv"):
            items = exchange.read_csv(data, survey, code)
        else:
            raise TranslationsRefused(["Import an XLIFF (.xlf) or CSV (.csv) file."])
        changed = services.apply_translations(db, survey, code, items, empty_deletes=False)
    except TranslationsRefused as exc:
        response = _refused(survey_id, code, exc)
        # The refusal is logged on its own: nothing of the file was stored.
        _audit(AuditAction.TRANSLATIONS_IMPORT_REFUSED, get_survey(db, survey_id), code)
        db.commit()
        return response
    _audit(AuditAction.TRANSLATIONS_IMPORTED, survey, code)
    db.commit()
    flash(f"Imported: {changed} translation{'' if changed == 1 else 's'} added or changed.")
    return redirect(url_for("translations.language", survey_id=survey.id, language=code))

"""Officer pages: design consultations, share them through channels, read and export responses."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

import segno
from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask import (
    Response as FlaskResponse,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy.orm import Session
from wtforms import SelectChoice

from engage import exports
from engage.analysis.counts import counts_by_day_and_channel
from engage.audit.services import AuditAction, record
from engage.auth.access import roles
from engage.auth.roles import DESIGNERS, READERS, STAFF
from engage.choices import choices
from engage.db import get_session
from engage.errors import EngageError, InvalidInput
from engage.i18n import LANGUAGES, Message
from engage.population.areas import AREA_GROUPS, area_names
from engage.surveys import content, logic, responses, retention, services
from engage.surveys.forms import (
    ChannelForm,
    ChannelUpdateForm,
    NewSurveyForm,
    PaperResponseForm,
    QuestionForm,
    SectionForm,
    SurveySettingsForm,
)
from engage.surveys.models import Kind, Mode, Question, Status, Survey
from engage.surveys.panels import SURVEY_PANELS, SurveyPanels
from engage.surveys.pipeline import SUBMISSION_PIPELINE, store_submission

bp = Blueprint("surveys", __name__, url_prefix="/surveys")
PAGE_SIZE = 50


def _settings_from(form: SurveySettingsForm) -> services.SurveySettings:
    return services.SurveySettings(
        title=form.title.data or "",
        introduction=form.introduction.data or "",
        audience=form.audience.data or "",
        areas=form.areas.data or "",
        age_min=form.age_min.data,
        age_max=form.age_max.data,
        opens_on=form.opens_on.data,
        closes_on=form.closes_on.data,
        retention_days=form.retention_days.data,
        purge_responses=bool(form.purge_responses.data),
        thank_you=form.thank_you.data or "",
    )


def _show_error(form: Any, exc: EngageError) -> None:
    form.form_errors.append(exc.message)


@bp.get("/")
@roles(STAFF)
def index() -> ResponseReturnValue:
    return render_template("surveys/index.html", rows=services.list_surveys(get_session()))


@bp.route("/new", methods=["GET", "POST"])
@roles(DESIGNERS)
def new() -> ResponseReturnValue:
    form = NewSurveyForm()
    if request.method == "GET":
        form.audience.data = "young_people"
        form.starter.data = "young_people"
    if form.validate_on_submit():
        db = get_session()
        try:
            survey = services.create_survey(
                db,
                _settings_from(form),
                created_by_id=current_user.id,
                starter=form.starter.data or "",
            )
        except InvalidInput as exc:
            _show_error(form, exc)
        else:
            record(
                db,
                AuditAction.SURVEY_CREATED,
                actor=current_user,
                object_type="survey",
                object_id=survey.id,
            )
            db.commit()
            flash("Survey created as a draft. Check the questions, add channels, then open it.")
            return redirect(url_for("surveys.questions", survey_id=survey.id))
    status = 422 if form.is_submitted() else 200
    return render_template("surveys/new.html", form=form, area_groups=AREA_GROUPS), status


@bp.get("/<int:survey_id>")
@roles(STAFF)
def overview(survey_id: int) -> ResponseReturnValue:
    db = get_session()
    survey = services.get_survey(db, survey_id)
    return render_template("surveys/overview.html", **_overview_context(db, survey))


def _overview_context(db: Any, survey: Survey) -> dict[str, Any]:
    counts = responses.counts_frame(db, survey.id)
    table = counts_by_day_and_channel(counts[["date", "channel", "count"]])
    by_mode = counts.groupby("mode")["count"].sum().to_dict() if not counts.empty else {}
    names = area_names()
    total = int(counts["count"].sum()) if not counts.empty else 0
    panels: SurveyPanels = current_app.extensions[SURVEY_PANELS]
    return {
        "survey": survey,
        "total": total,
        "table": table,
        "by_mode": {Mode(str(k)).label: int(v) for k, v in by_mode.items()},
        "areas": [(code, names.get(code, code)) for code in survey.area_codes],
        "channel_counts": services.channel_counts(db, survey.id),
        "problems": services.publish_problems(survey)
        if survey.status == Status.DRAFT.value
        else [],
        "locked": services.has_responses(db, survey.id),
        # What the capabilities add, in the order engage/hooks.py lists them.
        "panels": panels.overview_panels(db, survey, total),
    }


@bp.route("/<int:survey_id>/settings", methods=["GET", "POST"])
@roles(DESIGNERS)
def settings(survey_id: int) -> ResponseReturnValue:
    db = get_session()
    survey = services.get_survey(db, survey_id)
    form = SurveySettingsForm(obj=survey if request.method == "GET" else None)
    if request.method == "GET":
        form.areas.data = ", ".join(survey.area_codes)
    form.retention_days.description = retention.retention_hint(
        survey.retention_days, survey.purge_responses
    )
    if form.validate_on_submit():
        try:
            services.update_settings(db, survey, _settings_from(form))
        except EngageError as exc:
            _show_error(form, exc)
        else:
            db.commit()
            flash("Settings saved.")
            return redirect(url_for("surveys.overview", survey_id=survey.id))
    status = 422 if form.is_submitted() else 200
    return render_template("surveys/settings.html", form=form, survey=survey), status


@bp.post("/<int:survey_id>/status")
@roles(DESIGNERS)
def change_status(survey_id: int) -> ResponseReturnValue:
    db = get_session()
    survey = services.get_survey(db, survey_id)
    before = survey.status
    services.set_status(db, survey, request.form.get("status", ""))
    record(
        db,
        _status_action(before, survey.status),
        actor=current_user,
        object_type="survey",
        object_id=survey.id,
    )
    db.commit()
    flash(f"The survey is now {survey.status}.")
    return redirect(url_for("surveys.overview", survey_id=survey.id))


@bp.post("/<int:survey_id>/copy")
@roles(DESIGNERS)
def copy(survey_id: int) -> ResponseReturnValue:
    db = get_session()
    survey = services.get_survey(db, survey_id)
    new_survey = services.copy_survey(db, survey, created_by_id=current_user.id)
    # The copy is the object; its copied_from_id points back at the original.
    record(
        db,
        AuditAction.SURVEY_COPIED,
        actor=current_user,
        object_type="survey",
        object_id=new_survey.id,
    )
    db.commit()
    flash("Copied. The copy is a draft with no responses, so you can change its questions.")
    return redirect(url_for("surveys.overview", survey_id=new_survey.id))


STATUS_ACTIONS: dict[Status, AuditAction] = {
    Status.CLOSED: AuditAction.SURVEY_CLOSED,
    Status.ARCHIVED: AuditAction.SURVEY_ARCHIVED,
}


def _status_action(before: str, after: str) -> AuditAction:
    if after == Status.OPEN.value:
        # Opening a draft publishes it; opening a closed survey reopens it.
        if before == Status.DRAFT.value:
            return AuditAction.SURVEY_PUBLISHED
        return AuditAction.SURVEY_REOPENED
    return STATUS_ACTIONS[Status(after)]


def _record_deletion(db: Session, action: AuditAction, survey: Survey) -> None:
    # The deleted page or question's id leads nowhere afterwards; the survey's id does.
    record(db, action, actor=current_user, object_type="survey", object_id=survey.id)


# ---------------------------------------------------------------- questions


@bp.get("/<int:survey_id>/questions")
@roles(DESIGNERS)
def questions(survey_id: int) -> ResponseReturnValue:
    db = get_session()
    survey = services.get_survey(db, survey_id)
    return render_template(
        "surveys/questions.html",
        survey=survey,
        locked=services.has_responses(db, survey.id),
        section_form=SectionForm(formdata=None),
        has_demographics=any(q.demographic for q in survey.questions),
    )


def _condition_choices(survey: Survey, before_position: int) -> list[SelectChoice]:
    earlier = [q for q in survey.questions if q.section.position < before_position]
    return choices([("", "Always show")] + [(q.key, f"{q.key}: {q.text[:60]}") for q in earlier])


def _condition_from(form: Any) -> dict[str, Any] | None:
    if not form.condition_question.data:
        return None
    return {
        "question": form.condition_question.data,
        "operator": form.condition_operator.data,
        "value": form.condition_value.data or "",
    }


@bp.post("/<int:survey_id>/sections")
@roles(DESIGNERS)
def add_section(survey_id: int) -> ResponseReturnValue:
    db = get_session()
    survey = services.get_survey(db, survey_id)
    form = SectionForm()
    if not form.validate():
        raise InvalidInput("Give the page a title.")
    services.add_section(db, survey, form.title.data or "", form.intro.data or "")
    db.commit()
    return redirect(url_for("surveys.questions", survey_id=survey.id))


@bp.route("/<int:survey_id>/sections/<int:section_id>", methods=["GET", "POST"])
@roles(DESIGNERS)
def edit_section(survey_id: int, section_id: int) -> ResponseReturnValue:
    db = get_session()
    survey = services.get_survey(db, survey_id)
    section = services.find_section(survey, section_id)
    form = SectionForm(obj=section if request.method == "GET" else None)
    form.condition_question.choices = _condition_choices(survey, section.position)
    if request.method == "GET" and section.condition_question is not None:
        form.condition_question.data = section.condition_question.key
        form.condition_operator.data = section.condition_operator
        form.condition_value.data = section.condition_value
    if form.validate_on_submit():
        try:
            services.update_section(
                db,
                survey,
                section,
                form.title.data or "",
                form.intro.data or "",
                _condition_from(form),
            )
        except EngageError as exc:
            _show_error(form, exc)
        else:
            db.commit()
            return redirect(url_for("surveys.questions", survey_id=survey.id))
    status = 422 if form.is_submitted() else 200
    return render_template(
        "surveys/section.html", survey=survey, section=section, form=form
    ), status


@bp.post("/<int:survey_id>/sections/<int:section_id>/<action>")
@roles(DESIGNERS)
def section_action(survey_id: int, section_id: int, action: str) -> ResponseReturnValue:
    db = get_session()
    survey = services.get_survey(db, survey_id)
    section = services.find_section(survey, section_id)
    if action == "delete":
        services.delete_section(db, survey, section)
        _record_deletion(db, AuditAction.SECTION_DELETED, survey)
    elif action in ("up", "down"):
        services.move_section(db, survey, section, -1 if action == "up" else 1)
    else:
        raise InvalidInput("Unknown action.")
    db.commit()
    return redirect(url_for("surveys.questions", survey_id=survey.id))


@bp.post("/<int:survey_id>/demographics")
@roles(DESIGNERS)
def add_demographics(survey_id: int) -> ResponseReturnValue:
    db = get_session()
    survey = services.get_survey(db, survey_id)
    services.ensure_questions_editable(db, survey)
    services.add_demographics(db, survey)
    db.commit()
    flash("Added the standard questions about the respondent (all optional).")
    return redirect(url_for("surveys.questions", survey_id=survey.id))


def _spec_from(form: QuestionForm, existing: Question | None) -> services.QuestionSpec:
    kind = form.kind.data or ""
    return services.QuestionSpec(
        key=form.key.data or "",
        kind=kind,
        text=form.text.data or "",
        hint=form.hint.data or "",
        required=bool(form.required.data),
        options=services.options_from_lines(form.options.data or "")
        if Kind(kind).has_options
        else [],
        max_length=form.max_length.data,
        min_value=form.min_value.data,
        max_value=form.max_value.data,
        prefer_not_option=bool(form.prefer_not_option.data),
        demographic=existing.demographic if existing else None,
        condition=_condition_from(form),
    )


@bp.route("/<int:survey_id>/sections/<int:section_id>/questions/new", methods=["GET", "POST"])
@roles(DESIGNERS)
def new_question(survey_id: int, section_id: int) -> ResponseReturnValue:
    db = get_session()
    survey = services.get_survey(db, survey_id)
    section = services.find_section(survey, section_id)
    services.ensure_questions_editable(db, survey)
    form = QuestionForm()
    form.condition_question.choices = _condition_choices(survey, section.position)
    if form.validate_on_submit():
        try:
            services.add_question(db, survey, section, _spec_from(form, None))
        except EngageError as exc:
            _show_error(form, exc)
        else:
            db.commit()
            return redirect(
                url_for("surveys.questions", survey_id=survey.id) + f"#section-{section.id}"
            )
    status = 422 if form.is_submitted() else 200
    return render_template(
        "surveys/question.html", survey=survey, section=section, form=form, question=None
    ), status


@bp.route("/<int:survey_id>/questions/<int:question_id>", methods=["GET", "POST"])
@roles(DESIGNERS)
def edit_question(survey_id: int, question_id: int) -> ResponseReturnValue:
    db = get_session()
    survey = services.get_survey(db, survey_id)
    question = services.find_question(survey, question_id)
    services.ensure_questions_editable(db, survey)
    form = QuestionForm(obj=question if request.method == "GET" else None)
    form.condition_question.choices = _condition_choices(survey, question.section.position)
    if request.method == "GET":
        form.options.data = "\n".join(f"{o.code} | {o.label}" for o in question.options)
        if question.condition_question is not None:
            form.condition_question.data = question.condition_question.key
            form.condition_operator.data = question.condition_operator
            form.condition_value.data = question.condition_value
    if form.validate_on_submit():
        try:
            services.update_question(db, survey, question, _spec_from(form, question))
        except EngageError as exc:
            _show_error(form, exc)
        else:
            db.commit()
            return redirect(url_for("surveys.questions", survey_id=survey.id) + f"#q-{question.id}")
    status = 422 if form.is_submitted() else 200
    return render_template(
        "surveys/question.html",
        survey=survey,
        section=question.section,
        form=form,
        question=question,
    ), status


@bp.post("/<int:survey_id>/questions/<int:question_id>/<action>")
@roles(DESIGNERS)
def question_action(survey_id: int, question_id: int, action: str) -> ResponseReturnValue:
    db = get_session()
    survey = services.get_survey(db, survey_id)
    question = services.find_question(survey, question_id)
    if action == "delete":
        services.delete_question(db, survey, question)
        _record_deletion(db, AuditAction.QUESTION_DELETED, survey)
    elif action in ("up", "down"):
        services.move_question(db, survey, question, -1 if action == "up" else 1)
    else:
        raise InvalidInput("Unknown action.")
    db.commit()
    return redirect(url_for("surveys.questions", survey_id=survey.id))


@bp.get("/<int:survey_id>/preview")
@roles(STAFF)
def preview(survey_id: int) -> ResponseReturnValue:
    survey = services.get_survey(get_session(), survey_id)
    return render_template("surveys/preview.html", survey=survey)


# ---------------------------------------------------------------- channels


@bp.route("/<int:survey_id>/channels", methods=["GET", "POST"])
@roles(DESIGNERS)
def channels(survey_id: int) -> ResponseReturnValue:
    db = get_session()
    survey = services.get_survey(db, survey_id)
    form = ChannelForm()
    if form.validate_on_submit():
        try:
            channel = services.add_channel(db, survey, form.name.data or "", form.cap.data)
        except EngageError as exc:
            _show_error(form, exc)
        else:
            db.commit()
            flash(f"Channel '{channel.name}' added. Its link is {_short_link(channel.code)}")
            return redirect(url_for("surveys.channels", survey_id=survey.id))
    status = 422 if form.is_submitted() else 200
    return render_template(
        "surveys/channels.html",
        survey=survey,
        form=form,
        counts=services.channel_counts(db, survey.id),
        link=_short_link,
        languages=[
            (code, LANGUAGES[code].english_name if code in LANGUAGES else code)
            for code in content.language_codes(survey)
        ],
    ), status


@bp.post("/<int:survey_id>/channels/<int:channel_id>")
@roles(DESIGNERS)
def update_channel(survey_id: int, channel_id: int) -> ResponseReturnValue:
    db = get_session()
    survey = services.get_survey(db, survey_id)
    channel = services.get_channel(survey, channel_id)
    form = ChannelUpdateForm()
    if not form.validate():
        raise InvalidInput(
            "A cap must be a whole number of at least 1, or left empty; "
            "a welcome at most 2,000 characters."
        )
    was_closed = channel.closed
    # A form without the welcome or language fields leaves them as they are.
    services.update_channel(
        channel,
        cap=form.cap.data,
        closed=bool(form.closed.data),
        welcome=form.welcome.data if "welcome" in request.form else None,
        language=form.language.data if "language" in request.form else None,
    )
    if channel.closed and not was_closed:
        record(
            db,
            AuditAction.CHANNEL_CLOSED,
            actor=current_user,
            object_type="channel",
            object_id=channel.id,
        )
    db.commit()
    flash(f"Channel '{channel.name}' updated.")
    return redirect(url_for("surveys.channels", survey_id=survey.id))


def _short_link(code: str) -> str:
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/") or request.host_url.rstrip("/")
    return f"{base}/s/{code}"


@bp.get("/<int:survey_id>/channels/<int:channel_id>/qr.<fmt>")
@roles(DESIGNERS)
def channel_qr(survey_id: int, channel_id: int, fmt: str) -> ResponseReturnValue:
    survey = services.get_survey(get_session(), survey_id)
    channel = services.get_channel(survey, channel_id)
    if fmt not in ("svg", "png"):
        raise InvalidInput("QR codes come as SVG or PNG.")
    qr = segno.make(_short_link(channel.code), error="m")
    buffer = io.BytesIO()
    if fmt == "svg":
        qr.save(buffer, kind="svg", scale=8, border=4, xmldecl=True, title=channel.name)
        mimetype = "image/svg+xml"
    else:
        qr.save(buffer, kind="png", scale=10, border=4)
        mimetype = "image/png"
    filename = f"survey-{survey.id}-{services.slugify(channel.name)}-qr.{fmt}"
    return FlaskResponse(
        buffer.getvalue(),
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


# ---------------------------------------------------------------- responses


@bp.get("/<int:survey_id>/responses")
@roles(READERS)
def response_list(survey_id: int) -> ResponseReturnValue:
    db = get_session()
    survey = services.get_survey(db, survey_id)
    page = max(1, request.args.get("page", 1, type=int) or 1)
    rows = responses.list_response_ids(
        db, survey.id, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
    )
    total = services.response_count(db, survey.id)
    return render_template(
        "surveys/responses.html",
        survey=survey,
        rows=rows,
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
        total=total,
    )


@bp.get("/<int:survey_id>/responses/<response_id>")
@roles(READERS)
def response_detail(survey_id: int, response_id: str) -> ResponseReturnValue:
    db = get_session()
    survey = services.get_survey(db, survey_id)
    response = responses.get_response(db, survey, response_id)
    by_question: dict[int, list[Any]] = {}
    for answer in response.answers:
        by_question.setdefault(answer.question_id, []).append(answer)
    items = []
    for question in survey.questions:
        given = by_question.get(question.id)
        if given:
            text_id = given[0].id if question.kind_enum is Kind.TEXT else None
            items.append((question, _display(question, given), text_id))
    return render_template(
        "surveys/response.html",
        survey=survey,
        response=response,
        items=items,
        mode=Mode(response.mode),
    )


def _display(question: Question, answers: list[Any]) -> str:
    if question.kind_enum is Kind.TEXT:
        text = answers[0].text_value
        return str(text) if text is not None else retention.REMOVED_TEXT
    values = []
    for a in answers:
        if a.option_code:
            values.append(question.option_label(a.option_code))
        elif a.number_value is not None:
            values.append(
                str(int(a.number_value))
                if float(a.number_value).is_integer()
                else str(a.number_value)
            )
    return "; ".join(values)


@bp.route("/<int:survey_id>/responses/new", methods=["GET", "POST"])
@roles(DESIGNERS)
def key_in_response(survey_id: int) -> ResponseReturnValue:
    """An officer types in a paper or face-to-face response: every page on one form."""
    db = get_session()
    survey = services.get_survey(db, survey_id)
    form = PaperResponseForm()
    form.channel.choices = choices((c.id, c.name) for c in survey.channels)
    raw: logic.RawAnswers = {}
    errors: dict[str, Message] = {}
    if form.validate_on_submit():
        try:
            raw = logic.collect_raw(survey, dict(request.form.lists()))
        except logic.UnknownQuestion as exc:
            raise InvalidInput("The form named a question that is not in this survey.") from exc
        kept, dropped = logic.prune_hidden(survey, raw)
        checked = logic.check_survey(survey, kept)
        errors = checked.errors
        if not errors:
            channel = services.get_channel(survey, form.channel.data or 0)
            store_submission(
                db,
                current_app.extensions[SUBMISSION_PIPELINE],
                survey,
                channel,
                checked.answers,
                on=services.today(),
                nonce=None,
                mode=Mode(form.mode.data),
            )
            db.commit()
            note = (
                f" {len(dropped)} answers to questions that did not apply were left out."
                if dropped
                else ""
            )
            flash(f"Response recorded as {Mode(form.mode.data).label.lower()}.{note}")
            return redirect(url_for("surveys.key_in_response", survey_id=survey.id))
    status = 422 if form.is_submitted() else 200
    return render_template(
        "surveys/key_in.html", survey=survey, form=form, raw=raw, errors=errors
    ), status


@bp.get("/<int:survey_id>/export.<fmt>")
@roles(READERS)
def export(survey_id: int, fmt: str) -> ResponseReturnValue:
    db = get_session()
    survey = services.get_survey(db, survey_id)
    if fmt not in ("csv", "xlsx"):
        raise InvalidInput("Exports come as CSV or XLSX.")
    frame = responses.export_frame(responses.responses_frame(db, survey))
    record(
        db,
        AuditAction.EXPORT_RESPONSES,
        actor=current_user,
        object_type="survey",
        object_id=survey.id,
    )
    db.commit()
    stamp = datetime.now(UTC).strftime("%Y%m%d")
    name = f"survey-{survey.id}-responses-{stamp}.{fmt}"
    if fmt == "csv":
        body, mimetype = exports.frame_csv_bytes(frame), exports.CSV_MIMETYPE
    else:
        body = exports.frame_xlsx_bytes(frame, sheet_name="Responses")
        mimetype = exports.XLSX_MIMETYPE
    return FlaskResponse(
        body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )

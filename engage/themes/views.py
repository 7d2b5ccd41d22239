"""Officer pages for coding free-text answers into themes."""

from __future__ import annotations

import uuid
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response as WerkzeugResponse

from engage import exports
from engage.analysis import codebook as cb
from engage.audit.services import AuditAction, record
from engage.auth.access import roles
from engage.auth.roles import DESIGNERS, READERS, STAFF
from engage.db import begin_write, get_session
from engage.errors import InvalidInput
from engage.quotes.services import local_names
from engage.surveys import answer_translations as translations
from engage.surveys import services as survey_services
from engage.surveys.answer_translations import TRANSLATION_STEPS
from engage.surveys.models import Question, Survey
from engage.themes import answers
from engage.themes import codebook as codebook_tasks
from engage.themes import discovery as discovery_tasks
from engage.themes import model as model_tasks
from engage.themes import reliability as reliability_tasks
from engage.themes import review as review_tasks
from engage.themes import summary as summary_tasks
from engage.themes.models import TrainedModel

bp = Blueprint("themes", __name__, url_prefix="/surveys/<int:survey_id>/themes")
MAX_UPLOAD = 1_000_000
PARTIAL_HEADER = "X-Engage-Partial"


def _ready(db: Session) -> None:
    """Create the codebook on first use. GET requests read without the write lock,
    so take it only when there is something to write."""
    if not codebook_tasks.codebook_exists(db):
        begin_write(db)
        codebook_tasks.get_codebook(db)
        db.commit()


def _survey_and_question(db: Session, survey_id: int) -> tuple[Survey, Question]:
    survey = survey_services.get_survey(db, survey_id)
    raw = request.values.get("question")
    return survey, answers.get_text_question(survey, raw)


def _names(db: Session) -> list[str]:
    return local_names(db, current_app.instance_path)


# ---------------------------------------------------------------- hub


@bp.get("/")
@roles(STAFF)
def hub(survey_id: int) -> ResponseReturnValue:
    db = get_session()
    survey = survey_services.get_survey(db, survey_id)
    _ready(db)
    return render_template(
        "themes/hub.html",
        survey=survey,
        progress=review_tasks.build_hub(db, survey),
        model=model_tasks.current_model(db),
        reviews=model_tasks.reviews_since_training(db),
        retrain_after=model_tasks.RETRAIN_AFTER,
        min_positives=model_tasks.MIN_POSITIVES,
    )


# ---------------------------------------------------------------- codebook


def _theme_fields() -> codebook_tasks.ThemeFields:
    form = request.form
    return codebook_tasks.ThemeFields(
        name=form.get("name", ""),
        definition=form.get("definition", ""),
        include=form.get("include", ""),
        exclude=form.get("exclude", ""),
        examples=form.get("examples", ""),
        seeds=form.get("seeds", ""),
        parent_id=form.get("parent_id", ""),
    )


@bp.get("/codebook")
@roles(STAFF)
def codebook(survey_id: int) -> ResponseReturnValue:
    db = get_session()
    survey = survey_services.get_survey(db, survey_id)
    _ready(db)
    return _codebook_page(db, survey)


def _codebook_page(
    db: Session, survey: Survey, problems: list[str] | None = None, status: int = 200
) -> ResponseReturnValue:
    themes = codebook_tasks.list_themes(db)
    return render_template(
        "themes/codebook.html",
        survey=survey,
        book=codebook_tasks.get_codebook(db),
        rows=codebook_tasks.codebook_rows(themes),
        options=codebook_tasks.theme_options(themes),
        problems=problems or [],
    ), status


@bp.route("/codebook/new", methods=["GET", "POST"])
@roles(DESIGNERS)
def new_theme(survey_id: int) -> ResponseReturnValue:
    db = get_session()
    survey = survey_services.get_survey(db, survey_id)
    _ready(db)
    problems: list[str] = []
    if request.method == "POST":
        try:
            theme = codebook_tasks.add_theme(db, _theme_fields())
        except codebook_tasks.ThemeProblems as exc:
            db.rollback()
            problems = exc.problems
        else:
            db.commit()
            flash(f"Added the theme \u201c{theme.name}\u201d.")
            return redirect(url_for("themes.codebook", survey_id=survey.id))
    return _theme_form(db, survey, None, problems)


@bp.route("/codebook/<int:theme_id>", methods=["GET", "POST"])
@roles(DESIGNERS)
def edit_theme(survey_id: int, theme_id: int) -> ResponseReturnValue:
    db = get_session()
    survey = survey_services.get_survey(db, survey_id)
    _ready(db)
    theme = codebook_tasks.get_theme(db, theme_id)
    problems: list[str] = []
    if request.method == "POST":
        try:
            changed = codebook_tasks.update_theme(db, theme, _theme_fields())
        except codebook_tasks.ThemeProblems as exc:
            db.rollback()
            problems = exc.problems
            theme = codebook_tasks.get_theme(db, theme_id)
        else:
            db.commit()
            flash(
                f"Saved \u201c{theme.name}\u201d (version {theme.version})."
                if changed
                else "Nothing changed."
            )
            return redirect(url_for("themes.codebook", survey_id=survey.id))
    return _theme_form(db, survey, theme, problems)


def _theme_form(
    db: Session, survey: Survey, theme: Any, problems: list[str]
) -> ResponseReturnValue:
    themes = codebook_tasks.list_themes(db)
    values = request.form if request.method == "POST" else None
    return render_template(
        "themes/theme_form.html",
        survey=survey,
        theme=theme,
        values=values,
        options=[
            (i, n)
            for i, n in codebook_tasks.theme_options(themes)
            if theme is None or i != theme.id
        ],
        problems=problems,
    ), 422 if problems else 200


@bp.post("/codebook/merge")
@roles(DESIGNERS)
def merge(survey_id: int) -> ResponseReturnValue:
    db = get_session()
    survey = survey_services.get_survey(db, survey_id)
    source_raw, target_raw = request.form.get("source", ""), request.form.get("target", "")
    if not (source_raw.isdigit() and target_raw.isdigit()):
        return _codebook_page(db, survey, ["Choose the two themes to merge."], 422)
    source = codebook_tasks.get_theme(db, int(source_raw))
    target = codebook_tasks.get_theme(db, int(target_raw))
    try:
        moved = codebook_tasks.merge_themes(db, source, target)
    except InvalidInput as exc:
        db.rollback()
        return _codebook_page(db, survey, [exc.message], 422)
    db.commit()
    flash(
        f"Merged \u201c{source.name}\u201d into \u201c{target.name}\u201d; {moved:,} codes moved."
    )
    return redirect(url_for("themes.codebook", survey_id=survey.id))


@bp.post("/codebook/import")
@roles(DESIGNERS)
def import_codebook(survey_id: int) -> ResponseReturnValue:
    db = get_session()
    survey = survey_services.get_survey(db, survey_id)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _codebook_page(db, survey, ["Choose a CSV file to import."], 422)
    raw = upload.read(MAX_UPLOAD + 1)
    if len(raw) > MAX_UPLOAD:
        return _codebook_page(db, survey, ["The file is larger than 1 MB."], 422)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return _codebook_page(db, survey, ["Save the file as CSV UTF-8 and try again."], 422)
    try:
        added, updated = codebook_tasks.import_codebook(db, text)
    except cb.CodebookError as exc:
        db.rollback()
        problems = [*exc.problems, "Nothing was imported."]
        return _codebook_page(db, survey, problems, 422)
    db.commit()
    flash(f"Imported the codebook: {added:,} themes added, {updated:,} updated.")
    return redirect(url_for("themes.codebook", survey_id=survey.id))


@bp.get("/codebook.csv")
@roles(STAFF)
def export_csv(survey_id: int) -> ResponseReturnValue:
    return _export(survey_id, "csv")


@bp.get("/codebook.qdc")
@roles(STAFF)
def export_qdc(survey_id: int) -> ResponseReturnValue:
    return _export(survey_id, "qdc")


def _export(survey_id: int, kind: str) -> ResponseReturnValue:
    db = get_session()
    survey_services.get_survey(db, survey_id)
    begin_write(db)  # the audit event is written with the export
    if kind == "csv":
        body = codebook_tasks.export_csv(db)
        mimetype, name = exports.CSV_MIMETYPE, "codebook.csv"
    else:
        body = codebook_tasks.export_qdc(db)
        mimetype, name = "application/xml", "codebook.qdc"
    record(
        db,
        AuditAction.CODEBOOK_EXPORTED,
        actor=current_user,
        object_type=f"codebook_{kind}",
        object_id=codebook_tasks.get_codebook(db).version,
    )
    db.commit()
    return Response(
        body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


# ---------------------------------------------------------------- review queue


@bp.get("/review")
@roles(READERS)
def review(survey_id: int) -> ResponseReturnValue:
    db = get_session()
    survey, question = _survey_and_question(db, survey_id)
    if model_tasks.needs_refresh(db, question):
        # New answers (or a changed codebook or model): suggest codes before showing them.
        begin_write(db)
        try:
            model_tasks.refresh_suggestions(db, question)
            db.commit()
        except IntegrityError:  # another officer refreshed the same answers just now
            db.rollback()
    queue = review_tasks.build_queue(
        db, survey, question, review_tasks.parse_filters(request.args), current_user.id
    )
    return render_template("themes/review.html", survey=survey, queue=queue)


def _back(survey_id: int, question_id: int, anchor: str = "") -> WerkzeugResponse:
    target = request.form.get("next", "")
    # Only a path within this queue: never an open redirect.
    prefix = url_for("themes.review", survey_id=survey_id)
    if not target.startswith(prefix) or "//" in target or "\\" in target:
        target = url_for("themes.review", survey_id=survey_id, question=question_id)
    return redirect(target + (f"#a-{anchor}" if anchor else ""))


def _train(db: Session) -> TrainedModel:
    """Fit a model without holding the write lock, then store it.

    Fitting takes seconds; on SQLite the request's write lock would queue every
    respondent's submission behind it. So: commit what the request did, read the
    codes, fit with no transaction open, and only then take the lock to store.
    """
    db.commit()
    texts, labels = model_tasks.training_data(db)
    db.rollback()  # ends the read snapshot; nothing was written
    model = model_tasks.fit_model(texts, labels)
    begin_write(db)
    trained = model_tasks.store_model(db, model, created_by_id=current_user.id)
    db.commit()
    return trained


def _after_decision(
    db: Session, survey: Survey, question: Question, answer_id: uuid.UUID | None
) -> ResponseReturnValue:
    db.commit()
    trained = None
    if model_tasks.retrain_due(db):
        try:
            trained = _train(db)
        except model_tasks.NotEnoughCodes:
            db.rollback()
    if trained is not None:
        flash(
            f"{model_tasks.RETRAIN_AFTER} new reviews: the model was retrained "
            f"on {trained.trained_on:,} answers."
        )
    if answer_id is not None and request.headers.get(PARTIAL_HEADER) == "card":
        card = review_tasks.build_card(db, survey, answer_id)
        themes = codebook_tasks.list_themes(db)
        return render_template(
            "themes/_card.html",
            survey=survey,
            question=question,
            card=card,
            options=codebook_tasks.theme_options(themes),
            quick=codebook_tasks.quick_themes(themes),
            next_url=request.form.get("next", ""),
        )
    return _back(survey.id, question.id, str(answer_id) if answer_id else "")


def _question_of(db: Session, survey: Survey, answer_id: uuid.UUID) -> Question:
    answer = answers.get_answer(db, survey, str(answer_id))
    question = db.get(Question, answer.question_id)
    if question is None:  # pragma: no cover - the answer's question is restricted
        abort(404)
    return question


@bp.post("/review/suggest")
@roles(READERS)
def suggest(survey_id: int) -> ResponseReturnValue:
    db = get_session()
    if request.form.get("all"):
        survey = survey_services.get_survey(db, survey_id)
        count = sum(
            model_tasks.refresh_suggestions(db, q, force=True)
            for q in answers.text_questions(survey)
        )
        db.commit()
        flash(f"Suggested codes for {count:,} answers.")
        return redirect(url_for("themes.hub", survey_id=survey.id))
    survey, question = _survey_and_question(db, survey_id)
    count = model_tasks.refresh_suggestions(db, question, force=True)
    db.commit()
    flash(f"Suggested codes for {count:,} answers.")
    return _back(survey.id, question.id)


@bp.post("/review/codes/<int:assignment_id>")
@roles(READERS)
def decide(survey_id: int, assignment_id: int) -> ResponseReturnValue:
    db = get_session()
    survey = survey_services.get_survey(db, survey_id)
    assignment = review_tasks.get_assignment(db, survey, assignment_id)
    status = request.form.get("status", "")
    if status == "toggle":
        status = "rejected" if assignment.status == "accepted" else "accepted"
    review_tasks.decide(db, assignment, status, current_user.id)
    return _after_decision(
        db, survey, _question_of(db, survey, assignment.answer_id), assignment.answer_id
    )


@bp.post("/review/answers/<answer_id>/add")
@roles(READERS)
def add_code(survey_id: int, answer_id: str) -> ResponseReturnValue:
    db = get_session()
    survey = survey_services.get_survey(db, survey_id)
    answer = answers.get_answer(db, survey, answer_id)
    raw = request.form.get("theme", "")
    if not raw.isdigit():
        flash("Choose a theme from the codebook to add.")
        return _back(survey.id, answer.question_id, str(answer.id))
    review_tasks.add_code(db, answer, codebook_tasks.get_theme(db, int(raw)), current_user.id)
    return _after_decision(db, survey, _question_of(db, survey, answer.id), answer.id)


@bp.post("/review/answers/<answer_id>/translation")
@roles(READERS)
def translate(survey_id: int, answer_id: str) -> ResponseReturnValue:
    """Add, change or remove the translation of an answer; the answer stays as written."""
    db = get_session()
    survey = survey_services.get_survey(db, survey_id)
    answer = answers.get_answer(db, survey, answer_id)
    steps = current_app.extensions[TRANSLATION_STEPS]
    on = survey_services.today()
    if request.form.get("action") == "remove":
        if translations.remove_translation(db, steps, answer, survey.id, on=on):
            record(
                db,
                AuditAction.ANSWER_TRANSLATION_REMOVED,
                actor=current_user,
                object_type="answer",
                object_id=str(answer.id),
            )
    else:
        try:
            translations.save_translation(
                db,
                steps,
                answer,
                survey.id,
                request.form.get("translation", ""),
                translated_by_id=current_user.id,
                on=on,
            )
        except InvalidInput as exc:
            db.rollback()
            flash(exc.message)
            return _back(survey.id, answer.question_id, str(answer.id))
        record(
            db,
            AuditAction.ANSWER_TRANSLATED,
            actor=current_user,
            object_type="answer",
            object_id=str(answer.id),
        )
    return _after_decision(db, survey, _question_of(db, survey, answer.id), answer.id)


@bp.post("/review/answers/<answer_id>/all")
@roles(READERS)
def decide_all(survey_id: int, answer_id: str) -> ResponseReturnValue:
    db = get_session()
    survey = survey_services.get_survey(db, survey_id)
    answer = answers.get_answer(db, survey, answer_id)
    review_tasks.decide_all(db, answer, request.form.get("status", ""), current_user.id)
    return _after_decision(db, survey, _question_of(db, survey, answer.id), answer.id)


@bp.post("/review/bulk")
@roles(READERS)
def bulk_accept(survey_id: int) -> ResponseReturnValue:
    db = get_session()
    survey, question = _survey_and_question(db, survey_id)
    try:
        minimum = review_tasks.parse_confidence(request.form.get("minimum", ""))
    except InvalidInput as exc:
        flash(exc.message)
        db.rollback()
        return _back(survey.id, question.id), 303
    theme_raw = request.form.get("theme", "")
    count = review_tasks.bulk_accept(
        db,
        question,
        minimum,
        current_user.id,
        theme_id=int(theme_raw) if theme_raw.isdigit() else None,
    )
    flash(f"Accepted {count:,} suggestions at {minimum * 100:.0f}% confidence or more.")
    return _after_decision(db, survey, question, None)


@bp.post("/train")
@roles(DESIGNERS)
def train(survey_id: int) -> ResponseReturnValue:
    db = get_session()
    survey = survey_services.get_survey(db, survey_id)
    _ready(db)
    try:
        trained = _train(db)
    except model_tasks.NotEnoughCodes as exc:
        db.rollback()
        best = sorted(exc.themes.items(), key=lambda item: -item[1])[:3]
        names = {t.key: t.name for t in codebook_tasks.list_themes(db)}
        so_far = ", ".join(f"{names.get(k, k)} {v}" for k, v in best if v) or "none yet"
        flash(
            f"Not enough confirmed codes to train a model yet: a theme needs at least "
            f"{model_tasks.MIN_POSITIVES} answers that people have coded with it "
            f"(most so far: {so_far}). Keep reviewing and try again."
        )
        return redirect(url_for("themes.hub", survey_id=survey.id)), 303
    flash(
        f"Trained model {trained.version} on {trained.trained_on:,} answers; "
        f"it predicts {len(trained.themes)} themes. New suggestions appear in the queue."
    )
    return redirect(url_for("themes.reliability", survey_id=survey.id))


# ---------------------------------------------------------------- reliability and blind coding


@bp.get("/reliability")
@roles(STAFF)
def reliability(survey_id: int) -> ResponseReturnValue:
    db = get_session()
    survey = survey_services.get_survey(db, survey_id)
    _ready(db)
    return _reliability_page(db, survey, [], 200)


def _reliability_page(
    db: Session, survey: Survey, problems: list[str], status: int
) -> ResponseReturnValue:
    view = reliability_tasks.build_reliability(db, survey, local_names=_names(db))
    return render_template(
        "themes/reliability.html",
        survey=survey,
        view=view,
        problems=problems,
        form=request.form if request.method == "POST" else {},
    ), status


@bp.post("/reliability/samples")
@roles(DESIGNERS)
def create_sample(survey_id: int) -> ResponseReturnValue:
    db = get_session()
    survey, question = _survey_and_question(db, survey_id)
    try:
        sample = reliability_tasks.create_sample(
            db,
            survey,
            question,
            first_coder_id=request.form.get("first", ""),
            second_coder_id=request.form.get("second", ""),
            size=request.form.get("size", ""),
            created_by_id=current_user.id,
        )
    except codebook_tasks.ThemeProblems as exc:
        db.rollback()
        return _reliability_page(db, survey, exc.problems, 422)
    except InvalidInput as exc:
        db.rollback()
        return _reliability_page(db, survey, [exc.message], 422)
    db.commit()
    flash(
        f"Sample {sample.id} of {len(sample.items)} answers is ready for the two coders. "
        "Each codes it on their own page without seeing any other codes."
    )
    return redirect(url_for("themes.reliability", survey_id=survey.id))


@bp.route("/blind/<int:sample_id>", methods=["GET", "POST"])
@roles(READERS)
def blind(survey_id: int, sample_id: int) -> ResponseReturnValue:
    db = get_session()
    survey = survey_services.get_survey(db, survey_id)
    sample = reliability_tasks.get_sample(db, survey, sample_id)
    if current_user.id not in (sample.first_coder_id, sample.second_coder_id):
        abort(403)
    _ready(db)
    error = ""
    position: int | None = None
    raw = request.values.get("item", "")
    if raw.isdigit():
        position = int(raw)
    if request.method == "POST":
        try:
            reliability_tasks.save_blind_codes(
                db,
                sample,
                current_user.id,
                request.form.get("answer_id", ""),
                request.form.getlist("theme"),
            )
        except InvalidInput as exc:
            db.rollback()
            error = exc.message
        else:
            db.commit()
            item = reliability_tasks.build_blind_item(db, survey, sample, current_user.id, None)
            if item.next_position is None and item.done >= item.size:
                flash("You have coded every answer in this sample. Thank you.")
                return redirect(url_for("themes.reliability", survey_id=survey.id))
            return redirect(
                url_for(
                    "themes.blind", survey_id=survey.id, sample_id=sample.id, item=item.position
                )
            )
    item = reliability_tasks.build_blind_item(db, survey, sample, current_user.id, position)
    return render_template(
        "themes/blind.html", survey=survey, item=item, error=error
    ), 422 if error else 200


# ---------------------------------------------------------------- discovery


@bp.get("/discover")
@roles(READERS)
def discover(survey_id: int) -> ResponseReturnValue:
    db = get_session()
    survey, question = _survey_and_question(db, survey_id)
    _ready(db)
    view = discovery_tasks.build_discovery(db, survey, question, local_names=_names(db))
    return render_template("themes/discover.html", survey=survey, view=view)


@bp.post("/discover/promote")
@roles(DESIGNERS)
def promote(survey_id: int) -> ResponseReturnValue:
    db = get_session()
    survey, question = _survey_and_question(db, survey_id)
    try:
        theme = discovery_tasks.promote_topic(
            db,
            name=request.form.get("name", ""),
            terms=request.form.getlist("term"),
            definition=request.form.get("definition", ""),
        )
    except codebook_tasks.ThemeProblems as exc:
        db.rollback()
        flash(" ".join(exc.problems))
        return redirect(url_for("themes.discover", survey_id=survey.id, question=question.id)), 303
    except InvalidInput as exc:
        db.rollback()
        flash(exc.message)
        return redirect(url_for("themes.discover", survey_id=survey.id, question=question.id)), 303
    # Recode with the new seeds straight away, so the queue shows the new theme.
    count = model_tasks.refresh_suggestions(db, question, force=True)
    db.commit()
    flash(
        f"Added the theme \u201c{theme.name}\u201d with seed terms "
        f"{', '.join(theme.seeds)}; suggestions redone for {count:,} answers."
    )
    return redirect(
        url_for("themes.review", survey_id=survey.id, question=question.id, theme=theme.id)
    )


# ---------------------------------------------------------------- summaries


@bp.get("/summary")
@roles(STAFF)
def summary(survey_id: int) -> ResponseReturnValue:
    db = get_session()
    survey, question = _survey_and_question(db, survey_id)
    _ready(db)
    view = summary_tasks.build_summary(
        db,
        survey,
        question,
        threshold=current_app.config["SUPPRESSION_THRESHOLD"],
        confirmed_only=request.args.get("basis") == "confirmed",
    )
    return render_template("themes/summary.html", survey=survey, view=view)

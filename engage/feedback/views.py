"""You said, we did: officers record commitments and their progress; the Assembly follows them."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy.orm import Session
from werkzeug.routing import BuildError

from engage.assembly.members import submit_comment
from engage.audit.services import AuditAction, record
from engage.auth.access import roles
from engage.auth.roles import ASSEMBLY, DESIGNERS, STAFF
from engage.choices import choices
from engage.db import get_session
from engage.errors import EngageError, InvalidInput
from engage.feedback import services
from engage.feedback.forms import CommentForm, CommitmentForm, UpdateForm, WaveForm
from engage.feedback.models import Commitment, CommitmentStatus
from engage.quotes.services import local_names
from engage.surveys import services as survey_services
from engage.surveys.models import Survey

bp = Blueprint("feedback", __name__)
NO_WAVE = ""


# ---------------------------------------------------------------- officers: commitments


@bp.get("/surveys/<int:survey_id>/commitments/")
@roles(STAFF)
def commitments(survey_id: int) -> ResponseReturnValue:
    db = get_session()
    survey = survey_services.get_survey(db, survey_id)
    return render_template("feedback/commitments.html", **_list_context(db, survey))


def _list_context(db: Session, survey: Survey, wave_form: WaveForm | None = None) -> dict[str, Any]:
    items = services.list_commitments(db, survey.id)
    previous = services.previous_wave(db, survey.id)
    if wave_form is None:
        wave_form = WaveForm(formdata=None)
        wave_form.follows.data = str(previous.id) if previous else NO_WAVE
    wave_form.follows.choices = choices(
        [(NO_WAVE, "None: this is the first wave")]
        + [(str(s.id), s.title) for s in services.wave_options(db, survey)]
    )
    counts = services.status_counts(db, [survey.id])
    return {
        "survey": survey,
        "commitments": items,
        "counts": [(CommitmentStatus(k).label, n) for k, n in counts.items()],
        "previous": previous,
        "chain": services.waves(db, survey.id),
        "wave_form": wave_form,
    }


GroupSets = list[tuple[str, list[str]]]


def _commitment_form(
    db: Session, survey: Survey, commitment: Commitment | None, *, posted: bool
) -> tuple[CommitmentForm, GroupSets]:
    """The form, with the themes and groups to offer (groups by dimension, for fieldsets).

    ``posted``: filled from this request's form; otherwise from the commitment.
    """
    form = CommitmentForm() if posted else CommitmentForm(formdata=None, obj=commitment)
    form.themes.choices = choices((t.id, t.name) for t in services.commitment_themes(db))
    offered = services.respondent_group_labels(
        db, survey, threshold=current_app.config["SUPPRESSION_THRESHOLD"]
    )
    known = [g for _, groups in offered for g in groups]
    earlier = commitment.groups if commitment else []
    # Groups typed by hand before stay choosable, so editing never drops them unseen.
    kept = [g for g in earlier if g not in known]
    form.groups.choices = choices((g, g) for g in [*known, *kept])
    if not posted and commitment is not None:
        form.themes.data = [t.id for t in commitment.themes if t.active]
        form.groups.data = list(earlier)
    return form, [*offered, *([("Named before", kept)] if kept else [])]


def _fields(form: CommitmentForm) -> services.CommitmentFields:
    typed = (form.other_groups.data or "").splitlines()
    return services.CommitmentFields(
        title=form.title.data or "",
        partner=form.partner.data or "",
        detail=form.detail.data or "",
        theme_ids=list(form.themes.data or []),
        groups=[*(form.groups.data or []), *typed],
        status=form.status.data or "",
        reason=form.reason.data or "",
        progress=form.progress.data if form.progress.data is not None else 0,
        starts_on=form.starts_on.data,
        due_on=form.due_on.data,
        done_on=form.done_on.data,
    )


def _show(form: Any, exc: services.CommitmentProblems) -> None:
    for name, message in exc.problems.items():
        target = "other_groups" if name == "groups" else name
        if target in form:
            form[target].errors = [*form[target].errors, message]
        else:
            form.form_errors.append(message)


@bp.route("/surveys/<int:survey_id>/commitments/new", methods=["GET", "POST"])
@roles(DESIGNERS)
def new_commitment(survey_id: int) -> ResponseReturnValue:
    db = get_session()
    survey = survey_services.get_survey(db, survey_id)
    form, group_sets = _commitment_form(db, survey, None, posted=request.method == "POST")
    if form.validate_on_submit():
        try:
            commitment = services.create_commitment(
                db, survey.id, _fields(form), today=survey_services.today()
            )
        except services.CommitmentProblems as exc:
            _show(form, exc)
        else:
            _audit(db, AuditAction.COMMITMENT_CREATED, commitment)
            db.commit()
            flash("Commitment added.")
            return redirect(url_for("feedback.commitments", survey_id=survey.id))
    status = 422 if form.is_submitted() else 200
    return render_template(
        "feedback/new.html", survey=survey, form=form, group_sets=group_sets
    ), status


@bp.get("/surveys/<int:survey_id>/commitments/<int:commitment_id>")
@roles(STAFF)
def commitment(survey_id: int, commitment_id: int) -> ResponseReturnValue:
    db = get_session()
    survey = survey_services.get_survey(db, survey_id)
    item = services.get_commitment(db, survey.id, commitment_id)
    return render_template("feedback/commitment.html", **_detail_context(db, survey, item))


def _update_form(item: Commitment, formdata: bool) -> UpdateForm:
    form = UpdateForm(prefix="update") if formdata else UpdateForm(prefix="update", formdata=None)
    if not formdata:
        form.on.data = survey_services.today()
        form.status.data = item.status
        form.progress.data = item.progress
    return form


def _detail_context(
    db: Session,
    survey: Survey,
    item: Commitment,
    *,
    edit: tuple[CommitmentForm, GroupSets] | None = None,
    update_form: UpdateForm | None = None,
) -> dict[str, Any]:
    if edit is None and current_user.role_enum in DESIGNERS:
        edit = _commitment_form(db, survey, item, posted=False)
    form, group_sets = edit if edit is not None else (None, [])
    return {
        "survey": survey,
        "item": item,
        "form": form,
        "group_sets": group_sets,
        "update_form": update_form or _update_form(item, formdata=False),
        "comments": services.approved_comments(db, [item.id])[item.id],
        "pending": services.pending_comment_count(db, item.id),
        "moderation_url": _optional_url("assembly.moderation"),
    }


def _optional_url(endpoint: str) -> str | None:
    """A link to another part's page, or None while that part is not there."""
    try:
        return url_for(endpoint)
    except BuildError:
        return None


@bp.post("/surveys/<int:survey_id>/commitments/<int:commitment_id>")
@roles(DESIGNERS)
def save_commitment(survey_id: int, commitment_id: int) -> ResponseReturnValue:
    db = get_session()
    survey = survey_services.get_survey(db, survey_id)
    item = services.get_commitment(db, survey.id, commitment_id)
    form, group_sets = _commitment_form(db, survey, item, posted=True)
    if form.validate_on_submit():
        try:
            services.update_commitment(db, item, _fields(form), today=survey_services.today())
        except services.CommitmentProblems as exc:
            _show(form, exc)
        else:
            _audit(db, AuditAction.COMMITMENT_UPDATED, item)
            db.commit()
            flash("Commitment saved.")
            return redirect(
                url_for("feedback.commitment", survey_id=survey.id, commitment_id=item.id)
            )
    return render_template(
        "feedback/commitment.html", **_detail_context(db, survey, item, edit=(form, group_sets))
    ), 422


@bp.post("/surveys/<int:survey_id>/commitments/<int:commitment_id>/updates")
@roles(DESIGNERS)
def add_update(survey_id: int, commitment_id: int) -> ResponseReturnValue:
    db = get_session()
    survey = survey_services.get_survey(db, survey_id)
    item = services.get_commitment(db, survey.id, commitment_id)
    form = _update_form(item, formdata=True)
    if form.validate_on_submit():
        try:
            services.add_update(
                db,
                item,
                on=form.on.data,
                text=form.text.data or "",
                status=form.status.data or "",
                progress=form.progress.data if form.progress.data is not None else item.progress,
                author_id=current_user.id,
                today=survey_services.today(),
            )
        except services.CommitmentProblems as exc:
            _show(form, exc)
        else:
            _audit(db, AuditAction.COMMITMENT_UPDATED, item)
            db.commit()
            flash("Update added to the timeline.")
            return redirect(
                url_for("feedback.commitment", survey_id=survey.id, commitment_id=item.id)
                + "#timeline"
            )
    return render_template(
        "feedback/commitment.html", **_detail_context(db, survey, item, update_form=form)
    ), 422


@bp.post("/surveys/<int:survey_id>/wave")
@roles(DESIGNERS)
def wave(survey_id: int) -> ResponseReturnValue:
    db = get_session()
    survey = survey_services.get_survey(db, survey_id)
    form = WaveForm()
    raw = form.follows.data or NO_WAVE
    try:
        if not form.validate_on_submit():
            raise InvalidInput("Choose a consultation from the list.")
        if raw != NO_WAVE and not raw.isdigit():
            raise InvalidInput("Choose a consultation from the list.")
        earlier = services.set_previous_wave(db, survey, int(raw) if raw else None)
    except EngageError as exc:
        db.rollback()
        form.follows.errors = [exc.message]
        return render_template(
            "feedback/commitments.html", **_list_context(db, survey, wave_form=form)
        ), exc.status
    db.commit()
    flash(
        f"This consultation now follows on from “{earlier.title}”."
        if earlier
        else "This consultation no longer follows on from another."
    )
    return redirect(url_for("feedback.commitments", survey_id=survey.id) + "#wave")


def _audit(db: Session, action: AuditAction, item: Commitment) -> None:
    record(db, action, actor=current_user, object_type="commitment", object_id=item.id)


# ---------------------------------------------------------------- the Youth Assembly follows them


@bp.get("/assembly/commitments")
@roles(ASSEMBLY)
def follow() -> ResponseReturnValue:
    return render_template("feedback/follow.html", **_follow_context(get_session()))


def _follow_context(
    db: Session, *, errors: dict[int, str] | None = None, typed: dict[int, str] | None = None
) -> dict[str, Any]:
    consultations = services.followed_commitments(db)
    ids = [c.id for _, items in consultations for c in items]
    return {
        "consultations": consultations,
        "comments": services.approved_comments(db, ids),
        "errors": errors or {},
        "typed": typed or {},
    }


@bp.post("/assembly/commitments/<int:commitment_id>/comments")
@roles(ASSEMBLY)
def comment(commitment_id: int) -> ResponseReturnValue:
    db = get_session()
    item = services.followable_commitment(db, commitment_id)
    form = CommentForm()
    text = form.text.data or ""
    try:
        if not form.validate_on_submit():
            raise InvalidInput("The form could not be read. Reload the page and try again.")
        # Stored redacted and pending; no row links the comment to the member who wrote it.
        submit_comment(
            db,
            text,
            names=local_names(db, current_app.instance_path),
            today=survey_services.today(),
            commitment_id=item.id,
        )
    except InvalidInput as exc:
        db.rollback()
        context = _follow_context(db, errors={item.id: exc.message}, typed={item.id: text})
        return render_template("feedback/follow.html", **context), 422
    db.commit()
    flash("Thank you. Your comment will appear here once it has been checked.")
    return redirect(url_for("feedback.follow") + f"#commitment-{item.id}")

"""Youth Assembly pages: officers prepare and moderate, members review and vote."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from engage.assembly import context, forms, services
from engage.assembly.members import participant_for, submit_comment, voter_key
from engage.assembly.models import GroupBy, Origin, Participant, Review, StatementKind
from engage.audit.services import AuditAction, record
from engage.auth.access import roles
from engage.auth.roles import ASSEMBLY, DESIGNERS, STAFF
from engage.db import get_session
from engage.errors import InvalidInput
from engage.quotes.services import local_names
from engage.surveys import services as survey_services

bp = Blueprint("assembly", __name__)


def _names() -> list[str]:
    return local_names(get_session(), current_app.instance_path)


def _threshold() -> int:
    return int(current_app.config["SUPPRESSION_THRESHOLD"])


def _min_group() -> int:
    return int(current_app.config.get("ASSEMBLY_MIN_GROUP", 5))


def _voter(review_id: int) -> str:
    return voter_key(current_app.config["SECRET_KEY"], review_id, current_user.id)


def _participant(review: Review) -> Participant:
    return participant_for(
        get_session(),
        secret=current_app.config["SECRET_KEY"],
        review_id=review.id,
        user_id=current_user.id,
    )


# ---------------------------------------------------------------- officers: reviews and packs


@bp.route("/surveys/<int:survey_id>/assembly/", methods=["GET", "POST"])
@roles(DESIGNERS)
def reviews(survey_id: int) -> ResponseReturnValue:
    db = get_session()
    survey = survey_services.get_survey(db, survey_id)
    form = forms.ReviewForm()
    if form.validate_on_submit():
        review = services.create_review(
            db,
            survey,
            title=form.title.data or "",
            introduction=form.introduction.data or "",
            group_by=form.group_by.data or "",
            created_by_id=current_user.id,
        )
        db.commit()
        flash("Review created. Choose its themes, quotes and statements, then open it.")
        return redirect(url_for("assembly.prepare", survey_id=survey.id, review_id=review.id))
    status = 422 if form.is_submitted() else 200
    listed = services.list_reviews(db, survey.id)
    return render_template(
        "assembly/reviews.html",
        survey=survey,
        reviews=listed,
        form=form,
        group_labels={g.value: g.label for g in GroupBy},
        min_group=_min_group(),
    ), status


@bp.get("/surveys/<int:survey_id>/assembly/<int:review_id>/")
@roles(DESIGNERS)
def prepare(survey_id: int, review_id: int) -> ResponseReturnValue:
    db = get_session()
    survey = survey_services.get_survey(db, survey_id)
    review = services.get_review(db, survey.id, review_id)
    return render_template(
        "assembly/prepare.html",
        survey=survey,
        view=context.build_prepare(db, review),
        form=forms.OfficerStatementForm(formdata=None),
    )


@bp.post("/surveys/<int:survey_id>/assembly/<int:review_id>/themes")
@roles(DESIGNERS)
def save_themes(survey_id: int, review_id: int) -> ResponseReturnValue:
    db = get_session()
    review = services.get_review(db, survey_id, review_id)
    services.set_pack_themes(db, review, forms.parse_theme_choices(request.form))
    db.commit()
    flash(f"Saved the pack's themes ({len(review.themes)}).")
    return redirect(url_for("assembly.prepare", survey_id=survey_id, review_id=review.id))


@bp.post("/surveys/<int:survey_id>/assembly/<int:review_id>/quotes")
@roles(DESIGNERS)
def save_quotes(survey_id: int, review_id: int) -> ResponseReturnValue:
    db = get_session()
    review = services.get_review(db, survey_id, review_id)
    services.set_pack_quotes(db, review, forms.parse_quote_choices(request.form))
    db.commit()
    flash(f"Saved the pack's quotes ({len(review.quotes)}).")
    return redirect(url_for("assembly.prepare", survey_id=survey_id, review_id=review.id))


@bp.post("/surveys/<int:survey_id>/assembly/<int:review_id>/statements")
@roles(DESIGNERS)
def seed_statement(survey_id: int, review_id: int) -> ResponseReturnValue:
    db = get_session()
    review = services.get_review(db, survey_id, review_id)
    services.require_editable(review)
    form = forms.OfficerStatementForm()
    if not form.validate_on_submit():
        survey = survey_services.get_survey(db, survey_id)
        view = context.build_prepare(db, review)
        return render_template("assembly/prepare.html", survey=survey, view=view, form=form), 422
    services.add_statement(
        db,
        review,
        form.text.data or "",
        kind=form.kind.data or "",
        origin=Origin.OFFICER,
        names=_names(),
        today=survey_services.today(),
        theme_id=forms.parse_id(
            request.form.get("theme_id"), message="Choose a theme from the pack, or none."
        ),
        officer_id=current_user.id,
    )
    db.commit()
    flash("Statement added: members can vote on it while the review is open.")
    return redirect(url_for("assembly.prepare", survey_id=survey_id, review_id=review.id))


@bp.post("/surveys/<int:survey_id>/assembly/<int:review_id>/open")
@roles(DESIGNERS)
def open_review(survey_id: int, review_id: int) -> ResponseReturnValue:
    db = get_session()
    review = services.get_review(db, survey_id, review_id)
    services.open_review(db, review)
    record(
        db, AuditAction.REVIEW_OPENED, actor=current_user, object_type="review", object_id=review.id
    )
    db.commit()
    flash("The review is open: Youth Assembly members can now see the pack and vote.")
    return redirect(url_for("assembly.prepare", survey_id=survey_id, review_id=review.id))


@bp.post("/surveys/<int:survey_id>/assembly/<int:review_id>/close")
@roles(DESIGNERS)
def close_review(survey_id: int, review_id: int) -> ResponseReturnValue:
    db = get_session()
    review = services.get_review(db, survey_id, review_id)
    services.close_review(db, review)
    record(
        db, AuditAction.REVIEW_CLOSED, actor=current_user, object_type="review", object_id=review.id
    )
    db.commit()
    flash("The review is closed. Members can still read the pack and the results.")
    return redirect(url_for("assembly.prepare", survey_id=survey_id, review_id=review.id))


@bp.get("/surveys/<int:survey_id>/assembly/<int:review_id>/results")
@roles(STAFF)
def officer_results(survey_id: int, review_id: int) -> ResponseReturnValue:
    db = get_session()
    survey = survey_services.get_survey(db, survey_id)
    review = services.get_review(db, survey.id, review_id)
    view = context.build_results(db, review, min_group=_min_group())
    return render_template("assembly/officer_results.html", survey=survey, view=view)


# ---------------------------------------------------------------- officers: moderation


def _moderation_page(error: str = "", status: int = 200) -> ResponseReturnValue:
    place = current_app.extensions.get(services.COMMITMENT_PLACE)
    items = services.pending_items(get_session(), commitment_place=place)
    return render_template("assembly/moderation.html", items=items, error=error), status


@bp.get("/assembly/moderation")
@roles(DESIGNERS)
def moderation() -> ResponseReturnValue:
    return _moderation_page()


@bp.post("/assembly/moderation/statements/<int:statement_id>")
@roles(DESIGNERS)
def moderate_statement(statement_id: int) -> ResponseReturnValue:
    db = get_session()
    statement = services.get_statement(db, statement_id)
    try:
        services.moderate_statement(
            db,
            statement,
            approve=forms.parse_decision(request.form),
            reason=request.form.get("reason", ""),
            moderator_id=current_user.id,
            names=_names(),
            text=request.form.get("text"),
        )
    except InvalidInput as exc:
        db.rollback()
        return _moderation_page(exc.message, 422)
    record(
        db, AuditAction.STATEMENT_MODERATED, actor=current_user, object_type="statement",
        object_id=statement.id,
    )  # fmt: skip
    db.commit()
    flash(f"Statement {statement.status}.")
    return redirect(url_for("assembly.moderation"))


@bp.post("/assembly/moderation/comments/<int:comment_id>")
@roles(DESIGNERS)
def moderate_comment(comment_id: int) -> ResponseReturnValue:
    db = get_session()
    comment = services.get_comment(db, comment_id)
    try:
        services.moderate_comment(
            db,
            comment,
            approve=forms.parse_decision(request.form),
            reason=request.form.get("reason", ""),
            moderator_id=current_user.id,
        )
    except InvalidInput as exc:
        db.rollback()
        return _moderation_page(exc.message, 422)
    record(
        db, AuditAction.COMMENT_MODERATED, actor=current_user, object_type="comment",
        object_id=comment.id,
    )  # fmt: skip
    db.commit()
    flash(f"Comment {comment.status}.")
    return redirect(url_for("assembly.moderation"))


# ---------------------------------------------------------------- officers: member profiles


@bp.route("/assembly/members", methods=["GET", "POST"])
@roles(DESIGNERS)
def members() -> ResponseReturnValue:
    db = get_session()
    error, status = "", 200
    if request.method == "POST":
        user_id = forms.parse_id(request.form.get("user_id"), message="Choose a member.") or 0
        try:
            services.set_profile(
                db,
                user_id,
                age_band=request.form.get("age_band", ""),
                area=request.form.get("area", ""),
            )
        except InvalidInput as exc:
            db.rollback()
            error, status = exc.message, 422
        else:
            record(
                db, AuditAction.ASSEMBLY_PROFILE_CHANGED, actor=current_user, object_type="user",
                object_id=user_id,
            )  # fmt: skip
            db.commit()
            flash("Saved the member's groups.")
            return redirect(url_for("assembly.members"))
    return render_template(
        "assembly/members.html",
        members=services.assembly_members(db),
        age_bands=services.AGE_BANDS,
        areas=services.area_suggestions(db),
        min_group=_min_group(),
        error=error,
    ), status


# ---------------------------------------------------------------- members


@bp.get("/assembly/")
@roles(ASSEMBLY)
def home() -> ResponseReturnValue:
    db = get_session()
    voters = {review.id: _voter(review.id) for review, _ in services.visible_reviews(db)}
    return render_template("assembly/home.html", reviews=context.build_home(db, voters))


@bp.get("/assembly/<int:review_id>/")
@roles(ASSEMBLY)
def pack(review_id: int) -> ResponseReturnValue:
    db = get_session()
    review = services.get_visible_review(db, review_id)
    survey = survey_services.get_survey(db, review.survey_id)
    view = context.build_pack(db, review, survey, threshold=_threshold(), voter=_voter(review.id))
    return render_template("assembly/pack.html", view=view, review=review)


@bp.post("/assembly/<int:review_id>/rate")
@roles(ASSEMBLY)
def rate(review_id: int) -> ResponseReturnValue:
    db = get_session()
    review = services.get_visible_review(db, review_id)
    services.require_open(review)
    ratings = forms.parse_ratings(request.form)
    participant = _participant(review)
    for theme_id, score in ratings.items():
        services.rate_theme(db, review, participant, theme_id, score)
    db.commit()
    flash("Saved your rating. You can change it at any time while the review is open.")
    anchor = f"theme-{next(iter(ratings))}" if len(ratings) == 1 else None
    return redirect(url_for("assembly.pack", review_id=review.id, _anchor=anchor))


@bp.get("/assembly/<int:review_id>/vote")
@roles(ASSEMBLY)
def vote(review_id: int) -> ResponseReturnValue:
    db = get_session()
    review = services.get_visible_review(db, review_id)
    voter = _voter(review.id)
    return render_template(
        "assembly/vote.html",
        review=review,
        statement=services.next_statement(db, review, voter),
        progress=services.progress_of(db, review, voter),
        kinds={k.value: k.label for k in StatementKind},
    )


@bp.post("/assembly/<int:review_id>/vote/<int:statement_id>")
@roles(ASSEMBLY)
def cast_vote(review_id: int, statement_id: int) -> ResponseReturnValue:
    db = get_session()
    review = services.get_visible_review(db, review_id)
    services.require_open(review)
    choice = request.form.get("choice", "")
    services.cast_vote(db, review, statement_id, _participant(review), choice)
    db.commit()
    return redirect(url_for("assembly.vote", review_id=review.id))


@bp.route("/assembly/<int:review_id>/statements", methods=["GET", "POST"])
@roles(ASSEMBLY)
def propose(review_id: int) -> ResponseReturnValue:
    db = get_session()
    review = services.get_visible_review(db, review_id)
    form = forms.ProposeForm()
    error = ""
    if form.validate_on_submit():
        try:
            services.add_statement(
                db,
                review,
                form.text.data or "",
                kind=form.kind.data or "",
                origin=Origin.MEMBER,
                names=_names(),
                today=survey_services.today(),
            )
        except InvalidInput as exc:
            db.rollback()
            error = exc.message
        else:
            db.commit()
            flash(
                "Thank you. Your statement will appear for everyone to vote on "
                "once it has been checked."
            )
            return redirect(url_for("assembly.vote", review_id=review.id))
    status = 422 if form.is_submitted() else 200
    return render_template("assembly/propose.html", review=review, form=form, error=error), status


@bp.route("/assembly/<int:review_id>/comments", methods=["GET", "POST"])
@roles(ASSEMBLY)
def comments(review_id: int) -> ResponseReturnValue:
    db = get_session()
    review = services.get_visible_review(db, review_id)
    form = forms.CommentForm()
    raw = (
        request.form.get("statement_id")
        if request.method == "POST"
        else request.args.get("statement")
    )
    statement_id = forms.parse_id(raw, message="That is not a statement of this review.")
    error = ""
    if form.validate_on_submit():
        services.check_comment_target(db, review, statement_id)
        try:
            submit_comment(
                db,
                form.text.data or "",
                names=_names(),
                today=survey_services.today(),
                review_id=review.id,
                statement_id=statement_id,
            )
        except InvalidInput as exc:
            db.rollback()
            error = exc.message
        else:
            db.commit()
            flash("Thank you. Your comment will appear once it has been checked.")
            return redirect(url_for("assembly.comments", review_id=review.id))
    status = 422 if form.is_submitted() else 200
    view = context.comments_page(db, review, statement_id)
    return render_template(
        "assembly/comments.html", review=review, form=form, error=error, view=view
    ), status


@bp.get("/assembly/<int:review_id>/results")
@roles(ASSEMBLY)
def results(review_id: int) -> ResponseReturnValue:
    db = get_session()
    review = services.get_visible_review(db, review_id)
    view = context.build_results(db, review, min_group=_min_group())
    return render_template("assembly/results.html", review=review, view=view)

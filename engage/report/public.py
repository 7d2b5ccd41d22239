"""The public "you said, we did" page of a consultation: no login, no JavaScript.

Figures about respondents come from the snapshot taken when an officer last
published (``FeedbackPage.snapshot``), not from the live data: they stay fixed
between publications, so nobody can compare two visits to learn about one new
response, and the snapshot holds masked display values only. The partnership's
own words (the summary, the commitments and their progress) are shown live,
and quotes are the officer-chosen shared quotes, already redacted.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue

from engage.auth.access import public
from engage.db import get_session
from engage.report import context, services
from engage.surveys.public import speak_survey_language
from engage.surveys.services import get_survey

bp = Blueprint("results", __name__)


@bp.get("/r/<code>")
@public
def page(code: str) -> ResponseReturnValue:
    db = get_session()
    feedback = services.published_page(db, code)
    survey = get_survey(db, feedback.survey_id)
    # The page's own words in one of the survey's languages; its figures stay as published.
    speak_survey_language(survey, request.args.get("lang"))
    view = context.build_public_page(db, feedback, survey)
    return render_template("results/page.html", view=view)

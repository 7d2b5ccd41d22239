"""Where each capability plugs into the rooms below it: the whole list, in order.

Surveys stores responses and draws its pages without importing any capability;
assembly moderates member text without importing feedback. Each defines slots
(a pipeline of steps, lists of panel providers, a lookup) and runs whatever is
registered in them. This file is the only place that fills those slots, so a
newcomer reads here everything that happens to a response and every panel added
to a surveys page. A new step or panel goes here, next to its neighbours.
"""

from __future__ import annotations

from flask import Flask

from engage.assembly.services import COMMITMENT_PLACE
from engage.feedback import hooks as feedback
from engage.feedback.services import commitment_place
from engage.reach import hooks as reach
from engage.safeguarding import hooks as safeguarding
from engage.surveys.answer_translations import TRANSLATION_STEPS, TranslationSteps
from engage.surveys.panels import SURVEY_PANELS, SurveyPanels
from engage.surveys.pipeline import SUBMISSION_PIPELINE, SubmissionPipeline
from engage.themes import hooks as themes


def submission_pipeline() -> SubmissionPipeline:
    """What happens to every stored response, in this order, in its transaction."""
    return SubmissionPipeline(
        (
            # Free text that may disclose current risk is flagged for the safeguarding
            # lead; the thank-you page then signposts help for the risks found.
            ("safeguarding.flag_disclosures", safeguarding.flag_disclosures_step),
        )
    )


def translation_steps() -> TranslationSteps:
    """What happens when an answer's translation is added, changed or removed, in order."""
    return TranslationSteps(
        (
            # Triage reads English only: the translation is checked as an English answer
            # is, and the answer leaves the lead's "not checked: language" list.
            ("safeguarding.triage_translation", safeguarding.triage_translation_step),
            # Coding reads the translation where there is one: redo the machine suggestions.
            ("themes.refresh_answer", themes.refresh_answer_step),
        )
    )


def survey_panels() -> SurveyPanels:
    """What the capabilities add to the thank-you page and the survey overview, in order."""
    return SurveyPanels(
        thanks=(
            # A link to what happened after the previous wave, once its page is published.
            ("feedback.last_time", feedback.last_time_panel),
        ),
        overview=(
            # Groups answering below 0.8 of their share of the local population.
            ("reach.alerts", reach.alerts_panel),
            # How many flagged answers wait for the safeguarding lead (a count, nothing more).
            ("safeguarding.waiting", safeguarding.waiting_panel),
        ),
    )


def register_hooks(app: Flask) -> None:
    app.extensions[SUBMISSION_PIPELINE] = submission_pipeline()
    app.extensions[SURVEY_PANELS] = survey_panels()
    app.extensions[TRANSLATION_STEPS] = translation_steps()
    # The Assembly's moderation queue names the commitment a member commented on.
    app.extensions[COMMITMENT_PLACE] = commitment_place

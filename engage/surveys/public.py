"""The respondent's flow: anonymous, page by page, no JavaScript, nothing kept on the server.

Answers from earlier pages travel in hidden fields and are checked again at the
end, so nothing about a half-finished response is stored against anyone. Only
the final submission writes, once, in one transaction.

The language travels the same way: ``?lang=`` on links, a hidden ``lang`` field in
the form, no cookie. Switching language mid-survey is a submit button (``_lang``)
that re-renders the current page with every answer carried.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections import OrderedDict
from urllib.parse import parse_qsl

from flask import Blueprint, current_app, render_template, request
from flask.typing import ResponseReturnValue
from itsdangerous import BadSignature, URLSafeTimedSerializer
from limits import parse as parse_limit
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from engage.auth.access import public
from engage.db import begin_write, get_session
from engage.errors import InvalidInput, NotAccepting, NotFound
from engage.gettext import use_language
from engage.i18n import LANGUAGES, N_, Language, Message, choose_language
from engage.surveys import logic, services
from engage.surveys.content import Texts, load_texts
from engage.surveys.models import Section, Survey
from engage.surveys.panels import SURVEY_PANELS, Panel, SurveyPanels
from engage.surveys.pipeline import SUBMISSION_PIPELINE, SubmissionPipeline, store_submission
from engage.surveys.services import ChannelRef
from engage.surveys.wording import Wording, survey_languages

bp = Blueprint("respond", __name__)
log = logging.getLogger(__name__)
HONEYPOT = "website"
NONCE_BYTES = 16
SURVEY_CACHE_SIZE = 64


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="engage-started")


def _load(code: str, explicit: str | None) -> tuple[Survey, ChannelRef, Wording]:
    session = get_session()
    channel, version = services.get_channel_by_code(session, code)
    survey = _cached_survey(session, channel.survey_id, version)
    language = speak_survey_language(survey, explicit, channel.language)
    wording = Wording(_cached_texts(session, survey, version, language))
    problem = services.accepting_problem(survey, channel, services.today())
    if problem:
        raise NotAccepting(problem)
    if channel.cap is not None:
        if services.channel_response_count(session, channel.id) >= channel.cap:
            raise NotAccepting(
                N_("This link has reached the number of responses it was set up for.")
            )
    return survey, channel, wording


def speak_survey_language(
    survey: Survey, explicit: str | None, channel_default: str | None = None
) -> Language:
    """Speak the survey's language this respondent asks for (see ``choose_language``)."""
    return use_language(
        choose_language(
            [lang.code for lang in survey_languages(survey)],
            explicit=explicit,
            channel_default=channel_default,
            accepted=[tag for tag, _ in request.accept_languages],
        )
    )


def _cached_survey(session: Session, survey_id: int, version: int) -> Survey:
    """The survey's pages and questions, loaded once per version per worker.

    Every change to a survey bumps its version, so a stale copy is never used.
    The cached objects are detached from any session and only ever read.
    """
    cache: OrderedDict[int, tuple[int, Survey]] = current_app.extensions.setdefault(
        "engage.survey_cache", OrderedDict()
    )
    hit = cache.get(survey_id)
    if hit is not None and hit[0] == version:
        cache.move_to_end(survey_id)
        return hit[1]
    survey = services.get_survey(session, survey_id)
    session.expunge(survey)
    cache[survey_id] = (version, survey)
    while len(cache) > SURVEY_CACHE_SIZE:
        cache.popitem(last=False)
    return survey


def _cached_texts(session: Session, survey: Survey, version: int, language: Language) -> Texts:
    """The survey's words in ``language``, loaded once per survey version and language.

    Like the survey itself: the submit path reads no translation rows per request.
    The source language has nothing to load.
    """
    if language.code == survey_languages(survey)[0].code:
        return Texts(language=language.code)
    cache: OrderedDict[tuple[int, str], tuple[int, Texts]] = current_app.extensions.setdefault(
        "engage.texts_cache", OrderedDict()
    )
    key = (survey.id, language.code)
    hit = cache.get(key)
    if hit is not None and hit[0] == version:
        cache.move_to_end(key)
        return hit[1]
    texts = load_texts(session, survey, language.code)
    cache[key] = (version, texts)
    while len(cache) > SURVEY_CACHE_SIZE * 4:
        cache.popitem(last=False)
    return texts


def choose_request_language() -> None:
    """Before a respondent or results page: speak the language the link or form asks for.

    Refined once the survey is known (its own languages only); this covers the error
    pages for a link that finds no survey.
    """
    if request.blueprint not in ("respond", "results"):
        return
    explicit = request.values.get("lang")
    use_language(
        choose_language(
            list(LANGUAGES),
            explicit=explicit,
            accepted=[tag for tag, _ in request.accept_languages],
        )
        if explicit or request.accept_languages
        else "en"
    )


@bp.get("/s/<code>")
@public
def start(code: str) -> ResponseReturnValue:
    survey, channel, wording = _load(code, request.args.get("lang"))
    return render_template(
        "public/start.html",
        survey=survey,
        channel=channel,
        w=wording,
        languages=_other_languages(survey),
    )


@bp.get("/s/<code>/start")
@public
def first_page(code: str) -> ResponseReturnValue:
    survey, channel, wording = _load(code, request.args.get("lang"))
    state = {
        "nonce": secrets.token_hex(NONCE_BYTES),
        "started": _serializer().dumps(channel.code),
    }
    sections = logic.visible_sections(survey, {})
    return _render_page(survey, channel, wording, sections[0], {}, {}, state)


@bp.post("/s/<code>")
@public
def step(code: str) -> ResponseReturnValue:
    form = request.form
    # A language button outranks the hidden field: it is the respondent's new choice.
    survey, channel, wording = _load(code, form.get("_lang") or form.get("lang"))
    state = {"nonce": form.get("nonce", ""), "started": form.get("started", "")}
    if len(state["nonce"]) != NONCE_BYTES * 2 or not state["started"]:
        raise InvalidInput(
            N_("This form is missing parts we need. Go back to the start and try again.")
        )
    try:
        raw = logic.collect_raw(survey, dict(form.lists()))
        current = services.find_section(survey, int(form.get("_page", "")))
    except (logic.UnknownQuestion, ValueError) as exc:
        raise InvalidInput(
            N_(
                "This form sent answers to questions that are not in this survey. "
                "Nothing was saved. Go back to the start and try again."
            )
        ) from exc
    except NotFound as exc:
        raise InvalidInput(N_("This form sent a page that is not in this survey.")) from exc

    pruned, dropped = logic.prune_hidden(survey, raw)
    visible = logic.visible_sections(survey, pruned)
    if form.get("_lang"):
        # The same page again in the new language, every answer carried, nothing checked.
        return _render_page(survey, channel, wording, current, pruned, {}, state)
    if form.get("_action") == "back":
        earlier = [s for s in visible if s.position < current.position]
        target = earlier[-1] if earlier else visible[0]
        return _render_page(survey, channel, wording, target, pruned, {}, state)

    if current not in visible:
        raise InvalidInput(
            N_("That page does not apply to your earlier answers. Go back and try again.")
        )
    checked = logic.check_questions(logic.visible_questions(current, pruned), pruned)
    if checked.errors:
        page = _render_page(survey, channel, wording, current, pruned, checked.errors, state)
        return page, 422
    later = [s for s in visible if s.position > current.position]
    if later:
        return _render_page(survey, channel, wording, later[0], pruned, {}, state)
    return _submit(survey, channel, wording, pruned, dropped, state)


def _other_languages(survey: Survey) -> list[Language]:
    languages = survey_languages(survey)
    return languages if len(languages) > 1 else []


def _submit(
    survey: Survey,
    channel: ChannelRef,
    wording: Wording,
    raw: logic.RawAnswers,
    dropped: list[int],
    state: dict[str, str],
) -> ResponseReturnValue:
    if dropped:
        raise InvalidInput(
            N_(
                "This form included answers to questions that did not apply. "
                "Nothing was saved. Go back to the start and try again."
            )
        )
    checked = logic.check_survey(survey, raw)
    if checked.errors:
        first_bad = next(
            s
            for s in logic.visible_sections(survey, raw)
            if any(q.field_name in checked.errors for q in s.questions)
        )
        page = _render_page(survey, channel, wording, first_bad, raw, checked.errors, state)
        return page, 422
    session = get_session()
    panels: SurveyPanels = current_app.extensions[SURVEY_PANELS]
    # Read while the request's read transaction is still open: asked after the commit,
    # it would start a second transaction and cost about a millisecond per submission.
    extras = panels.thanks_panels(session, survey.id)
    if _looks_like_a_bot(state["started"]):
        # Discarded silently: a bot learns nothing from the reply.
        return _thanks(survey, channel, wording, extras)
    if not _within_rate_limit():
        notice = N_(
            "Lots of answers have come from your connection in the last minute. "
            "Wait a minute, then press Submit again. Your answers are still here."
        )
        last = logic.visible_sections(survey, raw)[-1]
        page = _render_page(survey, channel, wording, last, raw, {}, state, notice=notice)
        return page, 429

    pipeline: SubmissionPipeline = current_app.extensions[SUBMISSION_PIPELINE]
    try:
        begin_write(session)
        outcome = store_submission(
            session,
            pipeline,
            survey,
            channel,
            checked.answers,
            on=services.today(),
            nonce=state["nonce"],
            language=wording.texts.language,
        )
        session.commit()
    except OperationalError:
        session.rollback()
        log.warning("submission not stored for survey %s: database unavailable", survey.id)
        notice = N_(
            "We could not save your answers just now, so nothing was stored. "
            "Please press Submit again in a moment. Your answers are still here."
        )
        last = logic.visible_sections(survey, raw)[-1]
        page = _render_page(survey, channel, wording, last, raw, {}, state, notice=notice)
        return page, 503
    # A form already stored (a retry or double click) shows no step's panels again.
    shown = outcome.panels if outcome is not None else ()
    return _thanks(survey, channel, wording, [*shown, *extras])


def _thanks(survey: Survey, channel: ChannelRef, wording: Wording, panels: list[Panel]) -> str:
    # The steps' panels first, then the providers' (both listed in engage/hooks.py).
    return render_template(
        "public/thanks.html", survey=survey, channel=channel, w=wording, panels=panels
    )


def _looks_like_a_bot(started: str) -> bool:
    if request.form.get(HONEYPOT):
        return True
    try:
        _, signed_at = _serializer().loads(started, return_timestamp=True)
    except BadSignature:
        return True
    elapsed = time.time() - signed_at.timestamp()
    return bool(elapsed < current_app.config["MIN_COMPLETION_SECONDS"])


def _within_rate_limit() -> bool:
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return True
    limiter = current_app.extensions["engage.limiter"]
    item = parse_limit(current_app.config["SUBMIT_RATE_LIMIT"])
    prefix = current_app.config["RATELIMIT_KEY_PREFIX"]
    # The client address is only a key in the limiter's expiring storage; never stored or logged.
    return bool(limiter.limiter.hit(item, prefix, "submit", request.remote_addr or "unknown"))


def check_body_encoding() -> None:
    """Refuse respondent posts whose percent-encoded bytes are not UTF-8.

    Werkzeug keeps undecodable sequences as literal "%E9" text, which would be
    stored as mojibake. Registered before CSRF so it sees the body first; the
    body is cached, so form parsing afterwards reads the same bytes.
    """
    if request.blueprint != bp.name or request.method != "POST":
        return
    if request.mimetype != "application/x-www-form-urlencoded":
        raise InvalidInput(N_("Send the form from the survey page. Nothing was saved."))
    body = request.get_data(cache=True)
    try:
        parse_qsl(body.decode("ascii"), keep_blank_values=True, encoding="utf-8", errors="strict")
    except (UnicodeDecodeError, ValueError) as exc:
        raise InvalidInput(
            N_(
                "Some of what was sent could not be read as text. Nothing was saved. "
                "Go back, check your answers and try again."
            )
        ) from exc


def _render_page(
    survey: Survey,
    channel: ChannelRef,
    wording: Wording,
    section: Section,
    raw: logic.RawAnswers,
    errors: dict[str, Message],
    state: dict[str, str],
    *,
    notice: str = "",
) -> str:
    visible = logic.visible_sections(survey, raw)
    if section not in visible:
        visible = [*visible, section]
        visible.sort(key=lambda s: s.position)
    index = visible.index(section)
    questions = logic.visible_questions(section, raw)
    on_page = {q.id for q in questions}
    carried = [
        (f"q{qid}", value) for qid, values in raw.items() if qid not in on_page for value in values
    ]
    return render_template(
        "public/page.html",
        survey=survey,
        channel=channel,
        w=wording,
        languages=_other_languages(survey),
        section=section,
        questions=questions,
        raw=raw,
        errors=errors,
        carried=carried,
        state=state,
        page_number=index + 1,
        page_count=len(visible),
        is_first=index == 0,
        is_last=index == len(visible) - 1,
        honeypot=HONEYPOT,
        notice=notice,
    )

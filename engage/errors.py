"""Domain exceptions and the error pages they become.

Services raise these with data, not HTML; the handlers here pick the status and
the page. A 500 rolls the session back so no half-written rows survive.

Messages and titles are English msgids (marked with ``N_`` where respondents see
them); a public page translates them when it renders, officer pages show them as
they are.
"""

from __future__ import annotations

import logging

from flask import Flask, g, render_template, request
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from engage.gettext import translate
from engage.i18n import N_, Message

log = logging.getLogger(__name__)


class EngageError(Exception):
    status = 400
    title = N_("Something is not right")

    def __init__(self, message: str | Message) -> None:
        super().__init__(str(message))
        self.message = str(message)  # English, for officer pages
        # What a public page translates (a plain string is its own msgid).
        self.translatable: str | Message = message


class NotFound(EngageError):
    status = 404
    title = N_("Page not found")


class Conflict(EngageError):
    status = 409
    title = "That cannot be changed now"


class SurveyLocked(Conflict):
    title = "Questions are locked"


class NotAccepting(EngageError):
    """A survey or channel that is closed, archived, full or not yet open."""

    status = 410
    title = N_("This survey is not taking responses")


class InvalidInput(EngageError):
    status = 422
    title = N_("There is a problem with what was sent")


class Throttled(EngageError):
    status = 429
    title = N_("Too many attempts")


HTTP_TITLES = {
    400: N_("Something is not right"),
    403: "You do not have access to this page",
    404: N_("Page not found"),
    405: N_("That is not allowed here"),
    410: N_("This page has gone"),
    413: N_("What you sent is too large"),
    415: N_("That kind of content is not accepted"),
    422: N_("There is a problem with what was sent"),
    429: N_("Too many attempts"),
}

HTTP_MESSAGES = {
    400: N_("The request could not be understood. Go back, reload the page and try again."),
    403: "Your account does not have the role this page needs.",
    404: N_("Check the address, or go back to the page you came from."),
    405: N_("That page cannot be used that way."),
    413: N_("The form was larger than we accept. Shorten your answers and try again."),
    415: N_("Send the form as a normal web form."),
    429: N_("Please wait a few minutes and try again."),
}


# Blueprints whose pages the public sees: the respondent flow and the results pages.
PUBLIC_BLUEPRINTS = frozenset({"respond", "results"})


def _render(status: int, title: str, message: str | Message) -> ResponseReturnValue:
    if request.blueprint in PUBLIC_BLUEPRINTS:
        page = render_template(
            "errors/public.html", status=status, title=translate(title), message=translate(message)
        )
    else:
        page = render_template(
            "errors/officer.html", status=status, title=title, message=str(message)
        )
    return page, status


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(EngageError)
    def engage_error(exc: EngageError) -> ResponseReturnValue:
        _rollback()
        return _render(exc.status, exc.title, exc.translatable)

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError) -> ResponseReturnValue:
        _rollback()
        return _render(
            400,
            N_("This page has expired"),
            N_(
                "For your security the form timed out or could not be checked. "
                "Go back, reload the page and try again. Nothing was saved."
            ),
        )

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> ResponseReturnValue:
        status = exc.code or 500
        if status >= 500:
            return internal_error(exc)
        if status in (301, 302, 303, 307, 308):
            return exc.get_response()
        title = HTTP_TITLES.get(status, EngageError.title)
        message = HTTP_MESSAGES.get(status) or (exc.description or "")
        response = _render(status, title, message)
        return response

    @app.errorhandler(Exception)
    def internal_error(exc: BaseException) -> ResponseReturnValue:
        _rollback()
        # The engine hides SQL parameters, so the traceback carries no answers.
        log.error(
            "unhandled %s on %s %s",
            type(exc).__name__,
            request.method,
            request.path,
            exc_info=exc,
        )
        return _render(
            500,
            N_("Sorry, something went wrong"),
            N_("Nothing was saved. Please try again in a few minutes."),
        )


def _rollback() -> None:
    session = g.get("db_session")
    if session is not None:
        session.rollback()

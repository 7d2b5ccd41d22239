"""Domain exceptions and the error pages they become.

Services raise these with data, not HTML; the handlers here pick the status and
the page. A 500 rolls the session back so no half-written rows survive.
"""

from __future__ import annotations

import logging

from flask import Flask, g, render_template, request
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


class EngageError(Exception):
    status = 400
    title = "Something is not right"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(EngageError):
    status = 404
    title = "Page not found"


class Conflict(EngageError):
    status = 409
    title = "That cannot be changed now"


class SurveyLocked(Conflict):
    title = "Questions are locked"


class NotAccepting(EngageError):
    """A survey or channel that is closed, archived, full or not yet open."""

    status = 410
    title = "This survey is not taking responses"


class InvalidInput(EngageError):
    status = 422
    title = "There is a problem with what was sent"


class Throttled(EngageError):
    status = 429
    title = "Too many attempts"


HTTP_TITLES = {
    400: "Something is not right",
    403: "You do not have access to this page",
    404: "Page not found",
    405: "That is not allowed here",
    410: "This page has gone",
    413: "What you sent is too large",
    415: "That kind of content is not accepted",
    422: "There is a problem with what was sent",
    429: "Too many attempts",
}

HTTP_MESSAGES = {
    400: "The request could not be understood. Go back, reload the page and try again.",
    403: "Your account does not have the role this page needs.",
    404: "Check the address, or go back to the page you came from.",
    405: "That page cannot be used that way.",
    413: "The form was larger than we accept. Shorten your answers and try again.",
    415: "Send the form as a normal web form.",
    429: "Please wait a few minutes and try again.",
}


# Blueprints whose pages the public sees: the respondent flow and the results pages.
PUBLIC_BLUEPRINTS = frozenset({"respond", "results"})


def _render(status: int, title: str, message: str) -> ResponseReturnValue:
    public = request.blueprint in PUBLIC_BLUEPRINTS
    template = "errors/public.html" if public else "errors/officer.html"
    return render_template(template, status=status, title=title, message=message), status


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(EngageError)
    def engage_error(exc: EngageError) -> ResponseReturnValue:
        _rollback()
        return _render(exc.status, exc.title, exc.message)

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError) -> ResponseReturnValue:
        _rollback()
        return _render(
            400,
            "This page has expired",
            "For your security the form timed out or could not be checked. "
            "Go back, reload the page and try again. Nothing was saved.",
        )

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> ResponseReturnValue:
        status = exc.code or 500
        if status >= 500:
            return internal_error(exc)
        if status in (301, 302, 303, 307, 308):
            return exc.get_response()
        title = HTTP_TITLES.get(status, "Something is not right")
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
            "Sorry, something went wrong",
            "Nothing was saved. Please try again in a few minutes.",
        )


def _rollback() -> None:
    session = g.get("db_session")
    if session is not None:
        session.rollback()

"""Refuse control characters in any part of a request before a view or the database sees them.

psycopg refuses NUL in text, so `/s/%00` used to reach PostgreSQL and fail as a 500.
No link code, id, query value or form answer needs a control character: a NUL, a C0
control other than tab, newline and carriage return, DEL or a C1 control in the path,
the query string, a field name or a field's value (respondents' answers excepted, see
below) gets the plain "could not be understood" page (400),
for every route, before routing errors, CSRF or the database.
"""

from __future__ import annotations

import re
from urllib.parse import unquote_to_bytes

from flask import abort, request

# Path and query: no control character at all. Form fields: tab, newline and carriage
# return are ordinary in free text.
_URL_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_FORM_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def has_url_control(value: str) -> bool:
    return _URL_CONTROL.search(value) is not None


def has_form_control(value: str) -> bool:
    return _FORM_CONTROL.search(value) is not None


def _query_is_clean(raw: bytes) -> bool:
    # The raw query is still percent-encoded: decode it as the views would read it.
    try:
        decoded = unquote_to_bytes(raw.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not has_url_control(decoded)


def refuse_control_characters() -> None:
    """A before_request check, registered first so every route gets it."""
    if has_url_control(request.path) or not _query_is_clean(request.query_string):
        abort(400)
    if request.method in {"POST", "PUT", "PATCH"} and request.mimetype in {
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    }:
        # A respondent's free-text answer keeps its words: the respondent form strips
        # control characters from answers before storing them (losing an answer over a
        # pasted stray byte would be worse). Its other fields, and every field of every
        # other form, are refused.
        public = request.blueprint == "respond"
        for key, value in request.form.items(multi=True):
            if has_url_control(key):
                abort(400)
            if public and key[:1] == "q" and key[1:].isdigit():  # an answer (Question.field_name)
                continue
            if has_form_control(value):
                abort(400)

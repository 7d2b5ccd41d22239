"""Engage's own words in the respondent's language: Flask-Babel and the gettext catalogues.

Catalogues live in ``translations/<locale>/LC_MESSAGES/messages.po`` (template
``translations/messages.pot``). Easy read has no CLDR locale of its own: it keeps
English's locale (numbers, dates, plural rules) and reads its own domain,
``translations/en_GB/LC_MESSAGES/easyread.po``, set per request. English itself has
no catalogue: the msgids are the English text.

Only respondent pages choose a language (``use_language``); officer pages are English.
Translations are plain text: the template callables escape the translated string
before Jinja marks it safe, so a catalogue cannot inject markup, and a translation
whose placeholders do not match the English falls back to the English text instead
of failing the page.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any, cast

from flask import Flask, g, has_request_context
from flask_babel import Babel, Domain, format_date, format_decimal, get_translations, refresh
from markupsafe import Markup, escape

from engage.i18n import EASY_READ, LANGUAGES, SOURCE, Language, Message

log = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
EASY_READ_DOMAIN = "easyread"
_EASY_READ_DOMAIN = Domain(translation_directories=[str(TRANSLATIONS)], domain=EASY_READ_DOMAIN)
babel = Babel()


def catalogue_path(language: Language) -> Path:
    """Where a shipped language's interface catalogue (.po) lives."""
    if language.code == EASY_READ:
        return TRANSLATIONS / str(language.locale) / "LC_MESSAGES" / f"{EASY_READ_DOMAIN}.po"
    return TRANSLATIONS / str(language.locale) / "LC_MESSAGES" / "messages.po"


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    app.config.setdefault("BABEL_DEFAULT_LOCALE", LANGUAGES[SOURCE].locale_id)
    babel.init_app(app, locale_selector=_locale_id)
    # Flask-Babel's Jinja callables mark the translated text safe; ours escape it.
    app.jinja_env.globals.update(
        _=_template_gettext,
        gettext=_template_gettext,
        ngettext=_template_ngettext,
        tr=translate,
        number=format_number,
    )
    app.jinja_env.globals["current_language"] = current_language

    @app.context_processor
    def language_of_page() -> dict[str, Language]:
        return {"language": current_language()}


def _locale_id() -> str:
    return current_language().locale_id


def current_language() -> Language:
    """The language of this request: a respondent's choice, otherwise English."""
    if has_request_context():
        chosen = g.get("engage_language")
        if chosen is not None:
            return cast(Language, chosen)
    return LANGUAGES[SOURCE]


def use_language(code: str) -> Language:
    """Speak ``code`` (a shipped language) for the rest of this request."""
    language = LANGUAGES.get(code, LANGUAGES[SOURCE])
    g.engage_language = language
    refresh()  # forget a locale chosen earlier in the request
    domain = _EASY_READ_DOMAIN if language.code == EASY_READ else babel.domain_instance
    domain.as_default()
    return language


def gettext(message: str, **variables: object) -> str:
    """``message`` in the request's language, with its values filled in safely."""
    return _fill(str(get_translations().ugettext(message)), message, variables)


def ngettext(singular: str, plural: str, count: int, **variables: object) -> str:
    """The plural form CLDR's rules pick for ``count`` in the request's language."""
    variables.setdefault("num", format_number(count))
    translated = str(get_translations().ungettext(singular, plural, count))
    return _fill(translated, singular if count == 1 else plural, variables)


def translate(message: Message | str) -> str:
    """A ``Message`` (or plain English msgid) in the request's language."""
    if isinstance(message, str):
        return gettext(message)
    variables = {name: _localise(value) for name, value in message.variables}
    if message.plural is not None and message.count is not None:
        return ngettext(message.text, message.plural, message.count, **variables)
    return gettext(message.text, **variables)


def format_number(value: float) -> str:
    """A number with the request locale's separators (CLDR), e.g. 2,000 or 2.000."""
    return str(format_decimal(value))


def _localise(value: object) -> object:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return format_number(value)
    if isinstance(value, datetime | date):
        return str(format_date(value, format="long"))
    return value


def _fill(translated: str, english: str, variables: Mapping[str, object]) -> str:
    if not variables:
        return translated
    try:
        return translated % variables
    except (KeyError, ValueError, TypeError):
        # A catalogue whose placeholders do not match the English: show the English.
        log.warning("translation of %r does not fit its placeholders", english[:40])
        return english % variables


def _template_gettext(message: str, **variables: Any) -> Markup:
    return _fill_markup(str(get_translations().ugettext(message)), message, variables)


def _template_ngettext(singular: str, plural: str, count: int, **variables: Any) -> Markup:
    variables.setdefault("num", format_number(count))
    translated = str(get_translations().ungettext(singular, plural, count))
    return _fill_markup(translated, singular if count == 1 else plural, variables)


def _fill_markup(translated: str, english: str, variables: Mapping[str, Any]) -> Markup:
    # escape() makes the translated text plain text; Markup's % escapes each value.
    if not variables:
        return escape(translated)
    try:
        return escape(translated) % variables
    except (KeyError, ValueError, TypeError):
        log.warning("translation of %r does not fit its placeholders", english[:40])
        return escape(english) % variables

"""A survey's own words in its other languages: which languages, what is missing, saving.

Saving from the page and importing an agency's file go through ``apply_translations``:
every item is checked first and nothing is stored unless all of them pass, so an
import is all-or-nothing within the view's one transaction. Any stored change bumps
``survey.version``, which the respondent cache keys on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.orm import Session

from engage.errors import InvalidInput, NotFound, SurveyLocked
from engage.i18n import LANGUAGES, Language, get_language
from engage.surveys.content import (
    SourceString,
    language_codes,
    missing_required,
    placeholders,
    source_hash,
    source_strings,
)
from engage.surveys.models import ContentTranslation, Status, Survey, SurveyLanguage

# Longer than any source field allows, so a wordier language still fits.
MAX_TEXT = 5000
MAX_LANGUAGES = len(LANGUAGES)


class TranslationsRefused(InvalidInput):
    """Some items could not be stored, so none were; ``problems`` names each one."""

    def __init__(self, problems: list[str]) -> None:
        shown = problems[:50]
        more = f" (and {len(problems) - 50} more)" if len(problems) > 50 else ""
        super().__init__("Nothing was saved: " + " ".join(shown) + more)
        self.problems = problems


class State(StrEnum):
    MISSING = "missing"
    OUT_OF_DATE = "out_of_date"  # the source text changed after it was translated
    DONE = "done"

    @property
    def label(self) -> str:
        return {"missing": "Missing", "out_of_date": "Out of date", "done": "Translated"}[self]


@dataclass(frozen=True)
class Row:
    string: SourceString
    text: str
    state: State


@dataclass(frozen=True)
class LanguageSummary:
    language: Language
    is_source: bool
    total: int
    done: int
    missing: int
    out_of_date: int
    missing_required: int


# ---------------------------------------------------------------- languages offered


def parse_language_codes(text: str) -> list[str]:
    """Codes typed in order, separated by commas or spaces; unknown codes refused."""
    codes: list[str] = []
    unknown: list[str] = []
    for part in re.split(r"[\s,]+", text.strip()):
        if not part:
            continue
        language = get_language(part)
        if language is None:
            unknown.append(part[:20])
        elif language.code not in codes:
            codes.append(language.code)
    if unknown:
        known = ", ".join(f"{lang.code} ({lang.english_name})" for lang in LANGUAGES.values())
        raise InvalidInput(
            f"Engage does not know the language code(s) {', '.join(unknown)}. Use: {known}."
        )
    if not codes:
        raise InvalidInput("Offer the survey in at least one language (the first is its source).")
    return codes


def set_languages(session: Session, survey: Survey, codes: list[str]) -> bool:
    """Offer the survey in these languages, in this order. Returns whether anything changed.

    A language taken off keeps its translations, so offering it again restores them.
    """
    _ensure_changeable(survey)
    if codes == language_codes(survey):
        return False
    current = {language.code: language for language in survey.languages}
    for language in list(survey.languages):
        if language.code not in codes:
            survey.languages.remove(language)
    for n, code in enumerate(codes):
        row = current.get(code)
        if row is None:
            row = SurveyLanguage(code=code)
            survey.languages.append(row)
        row.position = n
    survey.languages.sort(key=lambda language: language.position)
    session.flush()
    if survey.status == Status.OPEN.value:
        # Offering an open survey in a new language publishes it in that language: the
        # same rule as opening it (engage.surveys.services.publish_problems).
        added = [code for code in codes if code not in current]
        gaps = {code: found for code, found in missing_required(survey).items() if code in added}
        if gaps:
            named = "; ".join(
                f"{LANGUAGES[code].english_name} lacks {len(found)} required translations"
                f" (first: {found[0].key})"
                for code, found in gaps.items()
            )
            raise InvalidInput(
                f"This survey is open, so it cannot be offered in a language before its "
                f"required strings are translated: {named}. Translate them first (the "
                "language's page lists them), then offer it."
            )
    for channel in survey.channels:
        if channel.language and channel.language not in codes:
            channel.language = None  # its link falls back to the respondent's choice
    _bump(survey)
    return True


def require_target(survey: Survey, code: str) -> Language:
    """A language the survey is offered in, other than its source language."""
    language = get_language(code)
    codes = language_codes(survey)
    if language is None or language.code not in codes:
        raise NotFound("This survey is not offered in that language.")
    if language.code == codes[0]:
        raise InvalidInput(
            "That is the survey's source language: change its words on the Questions "
            "and Settings pages."
        )
    return language


# ---------------------------------------------------------------- what is translated


def _stored(survey: Survey, language: str) -> dict[str, ContentTranslation]:
    return {t.key: t for t in survey.translations if t.language == language}


def _state(string: SourceString, stored: ContentTranslation | None) -> State:
    if stored is None or not stored.text.strip():
        return State.MISSING
    if stored.source_hash != string.hash:
        return State.OUT_OF_DATE
    return State.DONE


def translation_rows(survey: Survey, language: str) -> list[Row]:
    stored = _stored(survey, language)
    rows = []
    for string in source_strings(survey):
        found = stored.get(string.key)
        rows.append(Row(string, found.text if found else "", _state(string, found)))
    return rows


def language_summaries(survey: Survey) -> list[LanguageSummary]:
    codes = language_codes(survey)
    gaps = missing_required(survey)
    summaries = []
    for n, code in enumerate(codes):
        language = LANGUAGES[code]
        rows = translation_rows(survey, code) if n else []
        states = [row.state for row in rows]
        summaries.append(
            LanguageSummary(
                language=language,
                is_source=n == 0,
                total=len(rows),
                done=states.count(State.DONE),
                missing=states.count(State.MISSING),
                out_of_date=states.count(State.OUT_OF_DATE),
                missing_required=len(gaps.get(code, [])),
            )
        )
    return summaries


# ---------------------------------------------------------------- storing


@dataclass(frozen=True)
class Incoming:
    """One translation to store: ``where`` names it in messages (a row number, a unit id)."""

    where: str
    key: str
    text: str
    # The source text the translator saw, if the file says; None: the current source.
    source: str | None = None
    # On the page: the officer says an out-of-date translation is still right.
    confirm: bool = False


def apply_translations(
    session: Session,
    survey: Survey,
    language: str,
    items: list[Incoming],
    *,
    empty_deletes: bool,
) -> int:
    """Check every item, then store them all or none. Returns how many changed.

    An empty text deletes the translation when ``empty_deletes`` (the page's form) and
    is skipped otherwise (an agency's file leaves untranslated units empty).
    """
    _ensure_changeable(survey)
    strings = {s.key: s for s in source_strings(survey)}
    problems = []
    seen: set[str] = set()
    for item in items:
        problem = _check(item, strings, seen)
        if problem:
            problems.append(f"{item.where}: {problem}")
        seen.add(item.key)
    if problems:
        raise TranslationsRefused(problems)
    stored = _stored(survey, language)
    changed = 0
    for item in items:
        text = item.text.strip()
        existing = stored.get(item.key)
        if not text:
            if existing is not None and empty_deletes:
                survey.translations.remove(existing)
                changed += 1
            continue
        fingerprint = source_hash(item.source or strings[item.key].text)
        if existing is not None and item.source is None and not item.confirm:
            if existing.text == text:
                continue  # unchanged on the page: still as out of date as it was
        if existing is None:
            survey.translations.append(
                ContentTranslation(
                    key=item.key, language=language, text=text, source_hash=fingerprint
                )
            )
            changed += 1
        elif (existing.text, existing.source_hash) != (text, fingerprint):
            existing.text, existing.source_hash = text, fingerprint
            changed += 1
    if changed:
        _bump(survey)
        session.flush()
    return changed


def _check(item: Incoming, strings: dict[str, SourceString], seen: set[str]) -> str | None:
    string = strings.get(item.key)
    if string is None:
        return f"'{item.key[:120]}' is not a string of this survey."
    if item.key in seen:
        return f"'{item.key}' appears twice."
    text = item.text.strip()
    if not text:
        return None
    if len(text) > MAX_TEXT:
        return f"the translation is longer than {MAX_TEXT:,} characters."
    want, got = placeholders(string.text), placeholders(text)
    if want - got:
        return f"the translation drops {', '.join(sorted(want - got))}, which the source has."
    if got - want:
        return f"the translation adds {', '.join(sorted(got - want))}, which the source lacks."
    return None


def _ensure_changeable(survey: Survey) -> None:
    if survey.status == Status.ARCHIVED.value:
        raise SurveyLocked("This survey is archived and cannot be changed.")


def _bump(survey: Survey) -> None:
    survey.version = (survey.version or 1) + 1

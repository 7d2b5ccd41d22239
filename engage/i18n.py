"""The languages Engage speaks to respondents in.

A language has a code (what URLs, channels and responses store), the Babel locale
whose CLDR data gives its name in its own script, its direction and its number,
date and plural rules, and whether its interface catalogue is a draft that a
fluent speaker still has to check. Easy read is simpler English with a private-use
code of its own (``en-x-easy``, RFC 5646): English's CLDR data, its own catalogue.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from babel import Locale


@dataclass(frozen=True)
class Language:
    code: str
    locale_id: str
    english_name: str
    # None: the name in its own language and script comes from CLDR.
    own_name_override: str | None = None
    # Interface catalogue drafted without a fluent speaker's check.
    draft: bool = True
    check_note: str = ""

    @cached_property
    def locale(self) -> Locale:
        return Locale.parse(self.locale_id)

    @property
    def own_name(self) -> str:
        """The language's name written in that language (for the language links)."""
        if self.own_name_override:
            return self.own_name_override
        name = self.locale.language_name or self.code
        return (
            name[:1].upper() + name[1:] if self.locale.character_order == "left-to-right" else name
        )

    @property
    def direction(self) -> str:
        """``ltr`` or ``rtl``, for ``<html dir>``."""
        return "rtl" if self.locale.character_order == "right-to-left" else "ltr"

    @property
    def html_lang(self) -> str:
        """The BCP 47 tag for ``<html lang>``."""
        return self.code


SOURCE = "en"
EASY_READ = "en-x-easy"
DRAFT_NOTE = "Drafted without a fluent speaker: check every string before using it with the public."

LANGUAGES: dict[str, Language] = {
    language.code: language
    for language in (
        Language("en", "en_GB", "English", draft=False),
        Language("cy", "cy", "Welsh", check_note=DRAFT_NOTE),
        Language("ur", "ur", "Urdu", check_note=DRAFT_NOTE),
        Language("pa", "pa_Guru", "Punjabi (Gurmukhi)", check_note=DRAFT_NOTE),
        Language("pl", "pl", "Polish", check_note=DRAFT_NOTE),
        Language("ro", "ro", "Romanian", check_note=DRAFT_NOTE),
        Language("ar", "ar", "Arabic", check_note=DRAFT_NOTE),
        Language("bn", "bn", "Bengali", check_note=DRAFT_NOTE),
        Language(
            EASY_READ,
            "en_GB",
            "Easy read",
            own_name_override="Easy read",
            check_note="Drafted without review by people with learning disabilities.",
        ),
    )
}


def get_language(code: str | None) -> Language | None:
    """The shipped language with this code (case-insensitive), or None."""
    if not code:
        return None
    return LANGUAGES.get(code.strip().lower())


def N_(message: str) -> str:
    """Mark an English message for extraction; it is translated where it is shown.

    Services and pure modules raise or return messages marked like this, so they
    need no request and no locale: the respondent pages translate at render.
    """
    return message


@dataclass(frozen=True)
class Message:
    """A message for a respondent: an English msgid and the values it names.

    ``str()`` gives the English text (officer pages, logs of ids only); the
    respondent pages translate it with ``engage.gettext.translate``, formatting
    the numbers and dates with the chosen locale's CLDR rules.
    """

    text: str
    variables: tuple[tuple[str, object], ...] = ()
    # A count's message: the English plural, and the count that picks the form (the
    # catalogue's CLDR plural rule chooses among the language's forms).
    plural: str | None = None
    count: int | None = None

    @classmethod
    def of(cls, text: str, **variables: object) -> Message:
        return cls(text, tuple(sorted(variables.items())))

    @classmethod
    def counted(cls, singular: str, plural: str, count: int, **variables: object) -> Message:
        """``%(num)s`` in either form is the count."""
        return cls(singular, tuple(sorted(variables.items())), plural=plural, count=count)

    def __str__(self) -> str:
        values = {name: _english(value) for name, value in self.variables}
        text = self.text
        if self.plural is not None and self.count is not None:
            values.setdefault("num", _english(self.count))
            text = self.text if self.count == 1 else self.plural
        return text % values if values else text


def _english(value: object) -> object:
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, date):
        return f"{value:%-d %B %Y}"
    return value


def primary_subtag(tag: str) -> str:
    return tag.strip().lower().replace("_", "-").split("-")[0]


def choose_language(
    offered: Sequence[str],
    *,
    explicit: str | None = None,
    channel_default: str | None = None,
    accepted: Sequence[str] = (),
) -> str:
    """The language to show a respondent, from the survey's offered languages.

    Precedence: the respondent's explicit choice, then the link's default, then the
    browser's Accept-Language (best first), then the survey's first language. An
    explicit code the survey does not offer (unknown, mistyped, tampered with) gives
    the survey's first language: a bad link never fails and never guesses.
    """
    codes = [code.lower() for code in offered if code.lower() in LANGUAGES] or [SOURCE]
    first = codes[0]
    if explicit:
        wanted = explicit.strip().lower()
        return wanted if wanted in codes else first
    if channel_default and channel_default.lower() in codes:
        return channel_default.lower()
    for tag in accepted:
        found = _match_tag(tag, codes)
        if found:
            return found
    return first


def _match_tag(tag: str, codes: Sequence[str]) -> str | None:
    wanted = tag.strip().lower().replace("_", "-")
    if wanted in codes:
        return wanted
    # "ur-PK" or "cy-GB" reach "ur" or "cy"; a private-use code such as easy read is
    # only ever chosen explicitly (no browser asks for it).
    primary = primary_subtag(wanted)
    return primary if primary in codes else None

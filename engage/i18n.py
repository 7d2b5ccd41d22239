"""The languages Engage speaks to respondents in.

A language has a code (what URLs, channels and responses store), the Babel locale
whose CLDR data gives its name in its own script, its direction and its number,
date and plural rules, and whether its interface catalogue is a draft that a
fluent speaker still has to check. Easy read is simpler English with a private-use
code of its own (``en-x-easy``, RFC 5646): English's CLDR data, its own catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass
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

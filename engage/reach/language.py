"""Reach by language: responses by the language they were given in and by channel,
next to the Census 2021 English-proficiency baseline of the survey's areas, and the
outreach suggestion when people who may need another language are missing.

Every count is masked here with ``suppress_counts`` before it reaches a page; a
share of responses is shown only where its count is, otherwise as a bound that
holds whatever the hidden count is. The engagement report uses this too: nothing
here is a raw count under the threshold.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engage.analysis.suppression import suppress_counts
from engage.i18n import EASY_READ, LANGUAGES, SOURCE, get_language
from engage.population import census
from engage.population.language import (
    SOURCE as CENSUS_SOURCE,
)
from engage.population.language import (
    WHICH_LANGUAGE_NOTE,
    EnglishProficiency,
    english_proficiency,
)
from engage.surveys.models import Channel, Response, Survey

# Responses in other languages below this fraction of the census share whose main
# language is not English count as "well below": the outreach plan suggests languages.
WELL_BELOW = 0.5
ENGLISH_CODES = frozenset({SOURCE, EASY_READ})
NO_CHANNEL = "(deleted channel)"


@dataclass(frozen=True)
class LanguageRow:
    code: str
    name: str
    cells: list[str]  # masked, one per channel
    total: str


@dataclass
class LanguageReach:
    """What the reach page and the report show about language, already masked."""

    total: int
    channels: list[str] = field(default_factory=list)
    rows: list[LanguageRow] = field(default_factory=list)
    totals: list[str] = field(default_factory=list)  # per channel, then the grand total
    other_language: str = "0"  # responses in a language other than English, masked
    other_language_pct: str = "–"  # their share of all responses, or a bound
    census_not_english_pct: str = "–"
    census_not_well_pct: str = "–"
    census_base: str = ""
    census_source: str = CENSUS_SOURCE
    census_note: str = WHICH_LANGUAGE_NOTE
    under_reached: bool = False
    suggestion: str = ""
    not_offered: list[str] = field(default_factory=list)
    other_language_channels: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def language_channel_counts(session: Session, survey_id: int) -> pd.DataFrame:
    """Responses by language code (rows) and channel name (columns)."""
    rows = session.execute(
        select(Response.language, Channel.name, func.count())
        .outerjoin(Channel, Channel.id == Response.channel_id)
        .where(Response.survey_id == survey_id)
        .group_by(Response.language, Channel.name)
    ).all()
    frame = pd.DataFrame(rows, columns=["language", "channel", "n"])
    if frame.empty:
        return pd.DataFrame(dtype="int64")
    frame["channel"] = frame["channel"].fillna(NO_CHANNEL)
    table = frame.pivot_table(
        index="language", columns="channel", values="n", aggfunc="sum", fill_value=0
    )
    return table.astype("int64")


def language_name(code: str) -> str:
    language = get_language(code)
    return language.english_name if language else code


def offered_languages(survey: Survey) -> list[str]:
    codes = [sl.code for sl in sorted(survey.languages, key=lambda sl: sl.position)]
    return codes or [SOURCE]


def _share(n: int, base: int) -> str:
    return f"{n / base * 100:.1f}%" if base else "–"


def _masked_share(n: int, base: int, threshold: int) -> str:
    """A share of responses, or a bound when its count (or the base) is withheld."""
    if base < threshold:
        return "–"  # no percentages on bases under the threshold
    if 0 < n < threshold:
        return f"under {(threshold - 1) / base * 100:.1f}%"
    return _share(n, base)


def build_language_reach(session: Session, survey: Survey, *, threshold: int = 10) -> LanguageReach:
    table = language_channel_counts(session, survey.id)
    total = int(table.to_numpy().sum()) if not table.empty else 0
    reach = LanguageReach(total=total)
    offered = offered_languages(survey)
    # Every language the survey is offered in has a row, answered in or not.
    wanted = list(dict.fromkeys([*offered, *(str(c) for c in table.index)]))
    table = table.reindex(wanted, fill_value=0) if not table.empty else table
    if not table.empty:
        safe = suppress_counts(table, threshold=threshold, percent_of=None)
        shown = safe.display_counts()
        reach.channels = [str(c) for c in table.columns]
        reach.rows = [
            LanguageRow(
                code=code,
                name=language_name(code),
                cells=[str(shown.loc[code, c]) for c in table.columns],
                total=str(shown.loc[code, "Total"]),
            )
            for code in wanted
        ]
        reach.totals = [str(shown.loc["Total", c]) for c in [*table.columns, "Total"]]
        other = int(table.loc[[c for c in wanted if c not in ENGLISH_CODES]].to_numpy().sum())
    else:
        other = 0
    reach.other_language = _mask_one(other, threshold)
    reach.other_language_pct = _masked_share(other, total, threshold)
    proficiency = _proficiency(survey, reach)
    if proficiency is not None:
        reach.census_not_english_pct = _share(proficiency.not_english, proficiency.total)
        reach.census_not_well_pct = _share(proficiency.not_well, proficiency.total)
        reach.census_base = f"{proficiency.total:,}"
    reach.not_offered = [
        lang.english_name
        for code, lang in LANGUAGES.items()
        if code not in offered and code not in ENGLISH_CODES
    ]
    reach.other_language_channels = sorted(
        c.name for c in survey.channels if c.language and c.language not in ENGLISH_CODES
    )
    if proficiency is not None and total >= threshold:
        reach.under_reached = other / total < WELL_BELOW * proficiency.not_english_share
    if reach.under_reached:
        reach.suggestion = _suggestion(reach)
    return reach


def _mask_one(n: int, threshold: int) -> str:
    single = pd.Series([n], name="n")
    safe = suppress_counts(single, threshold=threshold, column_totals=False, percent_of=None)
    return str(safe.display_counts().iloc[0, 0])


def _proficiency(survey: Survey, reach: LanguageReach) -> EnglishProficiency | None:
    try:
        found = english_proficiency(survey.area_codes)
    except census.UnknownAreas as exc:
        reach.problems.append(f"No Census 2021 figures for area codes {', '.join(exc.codes)}.")
        return None
    if found is None:
        reach.problems.append("No Census 2021 main language figures for this survey's areas.")
    return found


def _suggestion(reach: LanguageReach) -> str:
    text = (
        f"{reach.other_language_pct} of responses were given in a language other than English, "
        f"against {reach.census_not_english_pct} of residents aged 3 and over here whose main "
        f"language is not English ({reach.census_not_well_pct} cannot speak English well or "
        "at all). Offer the survey in more languages"
    )
    if reach.not_offered:
        text += " (not offered yet: " + ", ".join(reach.not_offered) + ")"
    text += (
        "; the census cannot say which languages are most spoken locally, so ask community "
        "groups which to add. Distribute it through channels set to those languages"
    )
    if reach.other_language_channels:
        text += " (set so far: " + ", ".join(reach.other_language_channels) + ")"
    return text + "."


def plan_row(reach: LanguageReach) -> dict[str, str]:
    """The outreach plan's row for language (its CSV too): masked like every other row."""
    return {
        "dimension": "Language",
        "dimension_key": "language",
        "category": "Responses in a language other than English",
        "population_pct": reach.census_not_english_pct,
        "so_far": reach.other_language,
        "minimum": "",
        "needed": "",
        "best_channels": "; ".join(reach.other_language_channels) or "None yet",
        "suggestion": reach.suggestion,
    }

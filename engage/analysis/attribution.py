"""How to attribute a shared quote without singling anyone out.

A quote is attributed with a band ("Female, 15-16") only when at least
``threshold`` respondents of the same survey share that band; otherwise with
a coarser one, down to the audience alone ("Young person"). Never the channel
or the date: both narrow down who wrote it.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping

import pandas as pd

AUDIENCE_NOUNS = {
    "young_people": "Young person",
    "parents": "Parent or carer",
    "community": "Community member",
    "professionals": "Professional",
    "mixed": "Respondent",
}
SEX_LABELS = {"female": "Female", "male": "Male"}
# Two-year bands for young people, wider ones for adults.
NARROW_BANDS = [(11, 12), (13, 14), (15, 16), (17, 18), (19, 20), (21, 22), (23, 25)]
WIDE_BANDS = [(0, 15), (16, 24), (25, 34), (35, 44), (45, 54), (55, 64), (65, 120)]


def _band(age: object, bands: list[tuple[int, int]]) -> str | None:
    try:
        value = float(str(age))
    except ValueError:
        return None
    if pd.isna(value):
        return None
    for low, high in bands:
        if low <= value <= high:
            return f"{low}-{high}" if high < 120 else f"{low}+"
    return None


def _keys(
    row: Mapping[Hashable, object], audience: str, areas: Mapping[str, str]
) -> list[tuple[str, ...]]:
    """Candidate bands for one respondent, most specific first."""
    sex = SEX_LABELS.get(str(row.get("sex", "")))
    narrow = _band(row.get("age"), NARROW_BANDS)
    wide = _band(row.get("age"), WIDE_BANDS)
    area = areas.get(str(row.get("area", "")))
    candidates: list[tuple[str, ...]] = []
    if audience == "young_people":
        if sex and narrow:
            candidates.append((sex, narrow))
        if narrow:
            candidates.append((narrow,))
        if sex and wide:
            candidates.append((sex, wide))
    else:
        if sex and wide:
            candidates.append((sex, wide))
        if area:
            candidates.append(("@area", area))
    return candidates


def attribute(
    respondents: pd.DataFrame,
    response_id: object,
    *,
    audience: str,
    threshold: int,
    areas: Mapping[str, str],
) -> str:
    """The attribution for the respondent ``response_id`` in ``respondents``.

    ``respondents`` has one row per respondent of the survey, a ``response_id``
    column and the stored demographic answers (``sex``, ``age``, ``area``).
    """
    noun = AUDIENCE_NOUNS.get(audience, "Respondent")
    rows = respondents[respondents["response_id"] == response_id]
    if rows.empty:
        return noun
    everyone = [
        (rid, set(_keys(row, audience, areas)))
        for rid, row in zip(respondents["response_id"], respondents.to_dict("records"), strict=True)
    ]
    for key in _keys(rows.iloc[0].to_dict(), audience, areas):
        sharing = sum(1 for _, keys in everyone if key in keys)
        if sharing >= threshold:
            if key[0] == "@area":
                return f"{noun}, {key[1]}"
            if audience == "young_people" and len(key) == 1:
                return f"{noun}, {key[0]}"
            return ", ".join(key)
    return noun

"""Survey answers to the categories of the Census 2021 baselines.

The mapping is data, not code: option codes, option labels and their census
categories come from the demographic questions (``surveys/starters/
demographics.json``, its ``census_categories``), and which answer columns feed
which dimension, the disability rule and labels other survey tools export from
``data/census_mapping.json``. This module only reads those files and applies
them. How census cells themselves group (collapsed cells, broad ethnic groups,
age bands) is ``categories``.
"""

from __future__ import annotations

import json
import math
import numbers
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import pandas as pd

from engage.population.categories import (
    MAX_AGE,
    band_label,
    category_tables,
    is_broad_ethnic,
    parse_band,
)
from engage.population.census import Baseline

PREFER_NOT_TO_SAY = "Prefer not to say"
PREFER_NOT_TO_SAY_CODE = "prefer_not_to_say"
AGE_ALLOWED = (f"a whole number of years from 0 to {MAX_AGE}", PREFER_NOT_TO_SAY)

# The answer columns ``labels_to_codes`` and ``to_census`` understand (survey
# question keys, plus ``disability`` for a single disability question).
COLUMNS: tuple[str, ...] = (
    "age",
    "sex",
    "ethnic_group",
    "religion",
    "main_language",
    "english_proficiency",
    "long_term_condition",
    "disability_impact",
    "disability",
)


class UnknownLabels(ValueError):
    """Answers that match no option code, option label or census label of a column."""

    def __init__(self, dimension: str, unknown: list[str], allowed: list[str]) -> None:
        self.dimension = dimension
        self.unknown = unknown
        self.allowed = allowed
        super().__init__(f"unknown {dimension} labels: {unknown!r}")


# ---------------------------------------------------------------- public API


def labels_to_codes(dimension: str, values: pd.Series) -> pd.Series:
    """Our option codes for answers given as codes, option labels or census labels.

    Matching ignores case and repeated spaces. Blanks become NA. ``dimension``
    is an answer column of ``COLUMNS``; for ``age`` the result holds whole
    numbers, "prefer_not_to_say" or NA. Every value that matches nothing is
    listed in one ``UnknownLabels``.
    """
    if dimension == "age":
        return _ages_to_codes(values)
    column = _column(dimension)
    distinct = pd.unique(values[values.notna()])
    codes: dict[Hashable, object] = {}
    unknown: list[str] = []
    for raw in distinct:
        text = _normalise(raw)
        if not text:
            codes[raw] = pd.NA
        elif text in column.lookup:
            codes[raw] = column.lookup[text]
        else:
            unknown.append(str(raw).strip())
    if unknown:
        raise UnknownLabels(dimension, sorted(set(unknown)), list(column.allowed))
    result = values.map(codes) if codes else pd.Series(pd.NA, index=values.index)
    result = result.astype("string")
    result.name = values.name
    return result


def to_census(
    respondents: pd.DataFrame,
    baselines: Mapping[str, Baseline],
    *,
    age_min: int | None,
    age_max: int | None,
) -> pd.DataFrame:
    """One column per baseline dimension, holding that baseline's category labels.

    ``respondents`` has one row per respondent and a column per answer (named
    as in ``COLUMNS``: survey question keys) holding option codes; labels are
    accepted too. Each output value is one of the baseline's categories,
    "Prefer not to say", or NA when the question was not answered or not
    asked (a missing column counts as not asked).

    Ages go into the bands of the age baseline; ages outside ``age_min`` to
    ``age_max`` (or outside every band) are NA there, and how many there were
    is in ``result.attrs["ages_out_of_range"]``: they are outside the
    population the survey compares with, so a caller usually leaves those
    respondents out of every dimension.

    Ethnic group follows the baseline: detailed census groups, or the five
    broad groups when the baseline has only those. A broad answer ("Asian")
    stays broad, which a detailed baseline will not accept
    (``representativeness`` raises ``UnknownCategories``): collapse that
    baseline first (``census.collapse_ethnic_groups``).

    Disability (GSS standard): no long-term condition, or one that does not
    reduce day-to-day activity, is "not disabled"; one that reduces it a lot
    or a little is "disabled"; a condition with no answer on its impact is NA.
    A single ``disability`` column with no ``disability_impact`` column is
    read as a direct yes/no disability question.
    """
    result = pd.DataFrame(index=respondents.index)
    result.attrs["ages_out_of_range"] = 0
    for dimension, baseline in baselines.items():
        if dimension == "age":
            column, outside = _map_ages(respondents, baseline, age_min, age_max)
            result.attrs["ages_out_of_range"] = outside
        elif dimension == "disability":
            column = _map_disability(respondents)
        elif dimension in _DIMENSION_COLUMN:
            column = _map_simple(respondents, dimension, baseline)
        else:
            raise ValueError(f"no answer column maps to the {dimension!r} dimension")
        result[dimension] = column
    return result


def census_category(dimension: str, label: object) -> str | None:
    """The census label for a category in an imported population file, or None.

    Accepts census labels, our option codes and labels (case-insensitive);
    ethnic group accepts the 19 detailed and the 5 broad groups, main
    language the five census cells and the two collapsed categories, age a
    year ("16"), a band ("11-14") or an open band ("90+").
    """
    if dimension == "age":
        try:
            low, high = parse_band(str(label))
        except ValueError:
            return None
        return band_label(low, high)
    return _knowledge().census_lookup.get(dimension, {}).get(_normalise(label))


# ---------------------------------------------------------------- mapping answers

_DIMENSION_COLUMN = {
    "sex": "sex",
    "ethnic_group": "ethnic_group",
    "religion": "religion",
    "main_language": "main_language",
}


def _map_simple(respondents: pd.DataFrame, dimension: str, baseline: Baseline) -> pd.Series:
    key = _DIMENSION_COLUMN[dimension]
    if key not in respondents.columns:
        return _not_asked(respondents)
    codes = labels_to_codes(key, respondents[key])
    labels = dict(_knowledge().code_labels[key])
    if dimension == "ethnic_group" and is_broad_ethnic(baseline.counts.index):
        broad_of = category_tables().broad_of
        labels = {code: broad_of.get(label, label) for code, label in labels.items()}
    labels[PREFER_NOT_TO_SAY_CODE] = PREFER_NOT_TO_SAY
    return _apply(codes, labels)


def _map_ages(
    respondents: pd.DataFrame, baseline: Baseline, age_min: int | None, age_max: int | None
) -> tuple[pd.Series, int]:
    if "age" not in respondents.columns:
        return _not_asked(respondents), 0
    ages = labels_to_codes("age", respondents["age"])
    low = 0 if age_min is None else age_min
    high = MAX_AGE if age_max is None else age_max
    bands = [(parse_band(label), str(label)) for label in baseline.counts.index]
    labels: dict[object, str] = {PREFER_NOT_TO_SAY_CODE: PREFER_NOT_TO_SAY}
    for age in pd.unique(ages[ages.notna()]):
        if age == PREFER_NOT_TO_SAY_CODE:
            continue
        label = next((text for (lo, hi), text in bands if lo <= int(age) <= hi), None)
        if label is not None and low <= int(age) <= high:
            labels[age] = label
    mapped = ages.map(labels)
    outside = int((ages.notna() & mapped.isna()).sum())
    return mapped.astype("string"), outside


def _map_disability(respondents: pd.DataFrame) -> pd.Series:
    rules = _knowledge().disability
    columns = respondents.columns
    if rules.condition_column in columns:
        condition_key: str | None = rules.condition_column
    elif "disability" in columns and rules.impact_column in columns:
        condition_key = "disability"
    else:
        condition_key = None
    if condition_key is None:
        if "disability" not in columns:
            return _not_asked(respondents)
        codes = labels_to_codes("disability", respondents["disability"])
        labels = dict(_knowledge().code_labels["disability"])
        labels[PREFER_NOT_TO_SAY_CODE] = PREFER_NOT_TO_SAY
        return _apply(codes, labels)

    condition = labels_to_codes(condition_key, respondents[condition_key])
    if rules.impact_column in columns:
        impact = labels_to_codes(rules.impact_column, respondents[rules.impact_column])
    else:
        impact = pd.Series(pd.NA, index=respondents.index, dtype="string")
    outcome = rules.outcomes
    result = pd.Series(pd.NA, index=respondents.index, dtype="string")
    for code, label in outcome.items():
        if code != rules.ask_impact_when:
            result[_is(condition, code)] = label
    result[_is(condition, PREFER_NOT_TO_SAY_CODE)] = PREFER_NOT_TO_SAY
    with_condition = _is(condition, rules.ask_impact_when)
    for code, label in outcome.items():
        result[with_condition & _is(impact, code)] = label
    result[with_condition & _is(impact, PREFER_NOT_TO_SAY_CODE)] = PREFER_NOT_TO_SAY
    return result


def _is(codes: pd.Series, code: str) -> pd.Series:
    return codes.eq(code).fillna(False).astype(bool)


def _apply(codes: pd.Series, labels: Mapping[str, str]) -> pd.Series:
    unknown = sorted(set(codes.dropna()) - set(labels))
    if unknown:
        # A code the column accepts but this dimension cannot place (an
        # English proficiency code in the main language column, say).
        raise UnknownLabels(str(codes.name), unknown, sorted(labels))
    return codes.map(labels).astype("string")


def _not_asked(respondents: pd.DataFrame) -> pd.Series:
    return pd.Series(pd.NA, index=respondents.index, dtype="string")


def _ages_to_codes(values: pd.Series) -> pd.Series:
    prefer = _knowledge().prefer_not_to_say
    codes: dict[Hashable, object] = {}
    unknown: list[str] = []
    for raw in pd.unique(values[values.notna()]):
        text = _normalise(raw)
        if not text:
            codes[raw] = pd.NA
        elif text in prefer:
            codes[raw] = PREFER_NOT_TO_SAY_CODE
        else:
            age = _whole_number(raw)
            if age is None or not 0 <= age <= MAX_AGE:
                unknown.append(str(raw).strip())
            else:
                codes[raw] = age
    if unknown:
        raise UnknownLabels("age", sorted(set(unknown)), list(AGE_ALLOWED))
    # Built by hand: ``map`` would turn the whole numbers into floats next to NA.
    return pd.Series(
        [pd.NA if _is_blank(raw) else codes[raw] for raw in values.tolist()],
        index=values.index,
        dtype="object",
        name=values.name,
    )


def _is_blank(raw: object) -> bool:
    return raw is None or raw is pd.NA or (isinstance(raw, float) and math.isnan(raw))


def _whole_number(raw: object) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, numbers.Real):
        number = float(raw)
    else:
        try:
            number = float(str(raw).strip())
        except ValueError:
            return None
    if not math.isfinite(number) or number != int(number):
        return None
    return int(number)


def _normalise(raw: object) -> str:
    text = str(raw).replace("\u2019", "'").replace("\u2018", "'")
    return " ".join(text.split()).casefold()


# ---------------------------------------------------------------- the data files


@dataclass(frozen=True)
class _Column:
    key: str
    dimension: str
    lookup: dict[str, str]  # normalised label -> option code
    allowed: tuple[str, ...]  # what to tell someone whose label matched nothing


@dataclass(frozen=True)
class _DisabilityRule:
    condition_column: str
    impact_column: str
    ask_impact_when: str
    outcomes: dict[str, str]  # condition or impact code -> census label


@dataclass(frozen=True)
class _Knowledge:
    columns: dict[str, _Column]
    code_labels: dict[str, dict[str, str]]  # column -> option code -> baseline category
    census_lookup: dict[str, dict[str, str]]  # dimension -> normalised label -> census label
    disability: _DisabilityRule
    prefer_not_to_say: frozenset[str]


def _column(key: str) -> _Column:
    try:
        return _knowledge().columns[key]
    except KeyError:
        raise ValueError(f"unknown answer column {key!r}; expected one of {COLUMNS}") from None


def _read_json(package: str, path: str) -> dict[str, Any]:
    text = resources.files(package).joinpath(path).read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@cache
def _knowledge() -> _Knowledge:
    spec = _read_json("engage.population", "data/census_mapping.json")
    demographics = _read_json("engage.surveys", "starters/demographics.json")
    census_categories: dict[str, dict[str, str]] = demographics["census_categories"]
    questions = {
        question["key"]: question
        for section in demographics["sections"]
        for question in section["questions"]
    }
    prefer = spec["prefer_not_to_say"]
    prefer_texts = frozenset(
        _normalise(text) for text in [prefer["code"], prefer["label"], *prefer["aliases"]]
    )
    tables = category_tables()
    collapse, order = tables.collapse, tables.order

    # Census labels stand for themselves first, so that the five main language
    # cells stay distinct in an imported file (they collapse only in a baseline).
    census_lookup: dict[str, dict[str, str]] = {}
    for dimension, cells in [*collapse.items(), *order.items()]:
        for label in cells:
            census_lookup.setdefault(dimension, {}).setdefault(_normalise(label), label)

    columns: dict[str, _Column] = {}
    code_labels: dict[str, dict[str, str]] = {}
    for key, entry in spec["columns"].items():
        if entry.get("kind") == "age":
            continue
        options = questions[entry["question"]]["options"] if "question" in entry else []
        code_label: dict[str, str] = {}
        if "census_categories" in entry:
            code_label.update(census_categories[entry["census_categories"]])
        code_label.update(entry.get("codes", {}))
        code_label.update(entry.get("broad_codes", {}))
        column = _build_column(
            key,
            entry,
            [*options, *entry.get("options", [])],
            code_label,
            collapse.get(entry["dimension"], {}),
            prefer,
        )
        columns[key] = column
        code_labels[key] = code_label
        census = census_lookup.setdefault(entry["dimension"], {})
        for label in code_label.values():
            census.setdefault(_normalise(label), label)
        for text, code in column.lookup.items():
            if code in code_label:
                census.setdefault(text, code_label[code])

    broad_of = tables.broad_of
    for label in [*broad_of, *broad_of.values()]:
        census_lookup["ethnic_group"].setdefault(_normalise(label), label)
    rule = spec["disability"]
    return _Knowledge(
        columns=columns,
        code_labels=code_labels,
        census_lookup=census_lookup,
        disability=_DisabilityRule(
            condition_column=rule["condition_column"],
            impact_column=rule["impact_column"],
            ask_impact_when=rule["ask_impact_when"],
            outcomes=dict(census_categories["disability"]),
        ),
        prefer_not_to_say=prefer_texts,
    )


def _build_column(
    key: str,
    entry: Mapping[str, Any],
    options: list[dict[str, str]],
    labels: Mapping[str, str],
    collapse: Mapping[str, str | None],
    prefer: Mapping[str, Any],
) -> _Column:
    lookup: dict[str, str] = {}
    allowed: list[str] = []

    def add(text: str, code: str, *, show: bool) -> None:
        if lookup.setdefault(_normalise(text), code) != code:
            raise ValueError(f"census_mapping.json: {text!r} means two {key} codes")
        if show and text not in allowed:
            allowed.append(text)

    for option in options:
        if option["code"] != prefer["code"]:
            add(option["code"], option["code"], show=False)
            add(option["label"], option["code"], show=True)
    for code, label in labels.items():
        add(code, code, show=False)
        add(label, code, show=True)
    for cell, target in collapse.items():
        # Census cells that collapse onto one of this column's categories.
        for code, label in entry.get("codes", {}).items():
            if target == label:
                add(cell, code, show=False)
    for code, aliases in entry.get("aliases", {}).items():
        for alias in aliases:
            add(alias, code, show=False)
    for text in [prefer["code"], prefer["label"], *prefer["aliases"]]:
        add(text, prefer["code"], show=False)
    allowed.append(prefer["label"])
    return _Column(key, entry["dimension"], lookup, tuple(allowed))

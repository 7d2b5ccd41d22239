"""Census 2021 population baselines for the areas and ages a survey covers.

A baseline is the population a survey's respondents are compared with: counts
per category of one dimension, pooled (summed) over the chosen local
authorities. Counts, not shares: ONS perturbs every table independently, so
each dimension is normalised by its own total by whoever uses it.

Compare like with like in age (NOTES.md, "Population baselines"): a youth
survey is compared with the census population of its ages wherever the census
files allow, and every baseline says in plain words which population it is
(``source``) and where it falls short (``warning``). The files and their
geography caveats are described in ``data/README.md``.

How census cells group into a baseline's categories and age bands is
``categories``; a baseline from an officer's own figures is ``imported``.

Source: Office for National Statistics licensed under the Open Government Licence v.3.0
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

import pandas as pd

from engage.population.areas import ATTRIBUTION, UnknownArea, area_names
from engage.population.categories import (
    MAX_AGE,
    age_bands,
    age_span,
    ages_text,
    as_counts,
    broad_ethnic_groups,
    category_order,
    is_all_ages,
    is_broad_ethnic,
    join_words,
    not_answered_share,
    not_answered_text,
    parse_band,
    pool_counts,
    sum_into_bands,
)

__all__ = [
    "ATTRIBUTION",
    "DIMENSIONS",
    "Baseline",
    "MissingBaseline",
    "UnknownAreas",
    "census_labels",
    "collapse_ethnic_groups",
    "load_baseline",
    "load_baselines",
    "resolve_areas",
]

DIMENSIONS: tuple[str, ...] = (
    "age",
    "sex",
    "ethnic_group",
    "religion",
    "disability",
    "main_language",
)

YOUTH_ETHNICITY_AGES = (10, 17)  # the only ages with ethnicity by age in the files
YOUTH_MAX_AGE = 25  # surveys up to this age compare ethnicity with ages 10-17
RELIGION_SPLIT_AGE = 16  # religion by age is published for 0-15 and 16+ only
MAIN_LANGUAGE_MIN_AGE = 3

# April 2023 unitaries: the by-age tables for religion and ethnicity use them in
# place of the districts they merged (data/README.md, "Areas").
UNITARIES_2023: dict[str, tuple[str, ...]] = {
    "E06000063": ("E07000026", "E07000028", "E07000029"),
    "E06000064": ("E07000027", "E07000030", "E07000031"),
    "E06000065": (
        "E07000163",
        "E07000164",
        "E07000165",
        "E07000166",
        "E07000167",
        "E07000168",
        "E07000169",
    ),
    "E06000066": ("E07000187", "E07000188", "E07000189", "E07000246"),
}
UNITARY_NAMES: dict[str, str] = {
    "E06000063": "Cumberland",
    "E06000064": "Westmorland and Furness",
    "E06000065": "North Yorkshire",
    "E06000066": "Somerset",
}
_UNITARY_OF = {district: unitary for unitary, ds in UNITARIES_2023.items() for district in ds}

_CENSUS = "Census 2021"


@dataclass(frozen=True, eq=False)
class Baseline:
    """The population one dimension of a survey is compared with.

    ``counts`` is indexed by category label, exactly the labels
    ``mapping.to_census`` gives the sample, in ONS order; whole numbers,
    except for an estimate mixed from two age bands (religion), which is
    fractional. ``exact_ages`` is True when the counts cover exactly the
    survey's ages; ``warning`` is for the page when they do not, or when
    the baseline is otherwise not like for like.
    """

    dimension: str
    counts: pd.Series
    source: str
    exact_ages: bool
    warning: str | None


class UnknownAreas(UnknownArea):
    """Area codes that are not Census 2021 local authorities (``codes``)."""


class MissingBaseline(ValueError):
    """No population figures for ``dimension`` in these ``areas``."""

    def __init__(self, dimension: str, areas: list[str]) -> None:
        self.dimension = dimension
        self.areas = areas
        super().__init__(f"no {dimension} figures for {', '.join(areas)}")


# ---------------------------------------------------------------- census baselines


def load_baseline(
    areas: Sequence[str], dimension: str, *, age_min: int | None, age_max: int | None
) -> Baseline:
    """The Census 2021 baseline of one dimension, pooled over ``areas``.

    Areas are 2021 local authority codes (the four 2023 unitaries are accepted
    too and stand for their districts). Raises ``UnknownAreas`` for codes that
    are neither; falls back to all ages, with a warning, where the census files
    have no figures by age for an area.
    """
    if dimension not in DIMENSIONS:
        raise ValueError(f"unknown dimension {dimension!r}; expected one of {DIMENSIONS}")
    codes = resolve_areas(areas)
    low, high = age_span(age_min, age_max)
    return _LOADERS[dimension](codes, low, high)


def load_baselines(
    areas: Sequence[str], *, age_min: int | None, age_max: int | None
) -> dict[str, Baseline]:
    """Every dimension's baseline (``load_baseline``), in ``DIMENSIONS`` order."""
    codes = resolve_areas(areas)
    low, high = age_span(age_min, age_max)
    baselines: dict[str, Baseline] = {}
    for dimension in DIMENSIONS:
        try:
            baselines[dimension] = _LOADERS[dimension](codes, low, high)
        except MissingBaseline:
            continue
    return baselines


def collapse_ethnic_groups(baseline: Baseline) -> Baseline:
    """A detailed ethnic group baseline summed into the five broad groups.

    For samples that only have broad answers, or are too small for 19 groups.
    """
    if baseline.dimension != "ethnic_group":
        raise ValueError(f"not an ethnic group baseline: {baseline.dimension!r}")
    if is_broad_ethnic(baseline.counts.index):
        return baseline
    broad_of = broad_ethnic_groups()
    unknown = [label for label in baseline.counts.index if label not in broad_of]
    if unknown:
        raise ValueError(f"not census ethnic groups: {unknown!r}")
    counts = baseline.counts.groupby(baseline.counts.index.map(broad_of), sort=False).sum()
    order = [g for g in category_order("ethnic_group") if g in counts.index]
    return Baseline(
        dimension=baseline.dimension,
        counts=as_counts(counts.reindex(order)),
        source=f"{baseline.source}, as 5 broad groups",
        exact_ages=baseline.exact_ages,
        warning=baseline.warning,
    )


def _load_age(codes: list[str], low: int, high: int) -> Baseline:
    years = _in_ages(_single_years("age", codes), low, high)
    counts = sum_into_bands(years, age_bands(low, high))
    return Baseline(
        dimension="age",
        counts=counts,
        source=f"{_CENSUS}, {ages_text(low, high)} (single year of age)",
        exact_ages=_whole_years(low, high),
        warning=None,
    )


def _load_sex(codes: list[str], low: int, high: int) -> Baseline:
    rows = _in_ages(_single_years("sex", codes), low, high)
    return Baseline(
        dimension="sex",
        counts=pool_counts(rows, "sex"),
        source=f"{_CENSUS}, {ages_text(low, high)} (sex by single year of age)",
        exact_ages=_whole_years(low, high),
        warning=None,
    )


def _load_ethnic_group(codes: list[str], low: int, high: int) -> Baseline:
    ages = ages_text(low, high)
    youth_low, youth_high = YOUTH_ETHNICITY_AGES
    if high <= YOUTH_MAX_AGE and low <= youth_high and high >= youth_low:
        usable, missing = _by_age_codes(codes, "ethnic_group_broad")
        if not missing:
            rows = _by_age("ethnic_group_broad", usable)
            exact = (low, high) == YOUTH_ETHNICITY_AGES
            warning = None
            if not exact:
                warning = (
                    "Census ethnicity by age is only published for ages 10-17 here, in 5 broad "
                    f"groups; the survey covers {ages}, so it is compared with ages 10-17."
                )
            return Baseline(
                dimension="ethnic_group",
                counts=pool_counts(rows, "ethnic_group"),
                source=f"{_CENSUS}, ages 10-17 (broad ethnic groups)",
                exact_ages=exact,
                warning=warning,
            )
        warning = (
            f"No census ethnicity by age for {_missing_text(missing)}: compared with all ages, "
            "where ethnic minority groups are usually a smaller share than among young people."
        )
    elif is_all_ages(low, high):
        warning = None
    else:
        warning = (
            "Census ethnicity by age is only published for ages 10-17 here, which does not "
            f"fit {ages}: compared with all ages."
        )
    return Baseline(
        dimension="ethnic_group",
        counts=pool_counts(_all_ages_rows("ethnic_group", codes), "ethnic_group"),
        source=f"{_CENSUS}, all ages (19 ethnic groups)",
        exact_ages=is_all_ages(low, high),
        warning=warning,
    )


def _load_religion(codes: list[str], low: int, high: int) -> Baseline:
    ages = ages_text(low, high)
    not_answered = "'Not answered' left out"
    if is_all_ages(low, high):
        rows = _all_ages_rows("religion", codes)
        return Baseline(
            dimension="religion",
            counts=pool_counts(rows, "religion"),
            source=f"{_CENSUS}, all ages (religion; {not_answered_text(rows)})",
            exact_ages=True,
            warning=None,
        )
    usable, missing = _by_age_codes(codes, "religion")
    if missing:
        rows = _all_ages_rows("religion", codes)
        return Baseline(
            dimension="religion",
            counts=pool_counts(rows, "religion"),
            source=f"{_CENSUS}, all ages (religion; {not_answered_text(rows)})",
            exact_ages=False,
            warning=f"No census religion by age for {_missing_text(missing)}: "
            "compared with all ages.",
        )
    rows = _by_age("religion", usable)
    young = rows[rows["age_band"] == "0-15"]
    adults = rows[rows["age_band"] == "16+"]
    if high < RELIGION_SPLIT_AGE or low >= RELIGION_SPLIT_AGE:
        band, used = ("0-15", young) if high < RELIGION_SPLIT_AGE else ("16+", adults)
        band_low, band_high = parse_band(band)
        exact = (low, high) == (band_low, band_high)
        warning = None
        if not exact:
            warning = (
                "Census religion by age is only split into ages 0-15 and 16 and over here: "
                f"the survey's {ages} are compared with {ages_text(band_low, band_high)}."
            )
        return Baseline(
            dimension="religion",
            counts=pool_counts(used, "religion"),
            source=f"{_CENSUS}, {ages_text(band_low, band_high)} "
            f"(religion by age; {not_answered_text(used)})",
            exact_ages=exact,
            warning=warning,
        )
    # The survey spans 16: mix the two bands' religion shares, weighted by how
    # many of the survey's ages fall either side (exact, from sex by single year).
    people = _single_years("sex", codes)
    below = float(_in_ages(people, low, RELIGION_SPLIT_AGE - 1)["count"].sum())
    above = float(_in_ages(people, RELIGION_SPLIT_AGE, high)["count"].sum())
    young_counts, adult_counts = pool_counts(young, "religion"), pool_counts(adults, "religion")
    counts = young_counts / young_counts.sum() * below + adult_counts / adult_counts.sum() * above
    refused = (not_answered_share(young) * below + not_answered_share(adults) * above) / (
        below + above
    )
    lower_ages = ages_text(low, RELIGION_SPLIT_AGE - 1)
    upper_ages = ages_text(RELIGION_SPLIT_AGE, high)
    return Baseline(
        dimension="religion",
        counts=as_counts(counts.astype("float64")),
        source=f"{_CENSUS}, {ages}: estimate from religion at ages 0-15 and 16 and over, "
        f"weighted by the population at {lower_ages} and {upper_ages} "
        f"({not_answered}, {refused:.1%})",
        exact_ages=False,
        warning=(
            "Census religion by age is only split into ages 0-15 and 16 and over: the "
            f"figures for {ages} are an estimate that gives {lower_ages} the religion mix of "
            "all 0-15 year olds and "
            f"{upper_ages} that of everyone 16 and over."
        ),
    )


def _load_disability(codes: list[str], low: int, high: int) -> Baseline:
    return Baseline(
        dimension="disability",
        counts=pool_counts(_all_ages_rows("disability", codes), "disability"),
        source=f"{_CENSUS}, all ages (disability under the Equality Act)",
        exact_ages=is_all_ages(low, high),
        warning=(
            "No age breakdown for disability in the census figures here: compared with all "
            "ages (Engage surveys ask about disability only from age 16)."
        ),
    )


def _load_main_language(codes: list[str], low: int, high: int) -> Baseline:
    exact = low <= MAIN_LANGUAGE_MIN_AGE and high >= MAX_AGE
    return Baseline(
        dimension="main_language",
        counts=pool_counts(_all_ages_rows("main_language", codes), "main_language"),
        source=f"{_CENSUS}, ages 3 and over (main language)",
        exact_ages=exact,
        warning=None
        if exact
        else "No age breakdown for main language: compared with all ages 3 and over.",
    )


_LOADERS: dict[str, Callable[[list[str], int, int], Baseline]] = {
    "age": _load_age,
    "sex": _load_sex,
    "ethnic_group": _load_ethnic_group,
    "religion": _load_religion,
    "disability": _load_disability,
    "main_language": _load_main_language,
}


# ---------------------------------------------------------------- the census files


@cache
def _read(name: str) -> pd.DataFrame:
    dtypes = {
        "area_code": "str",
        "area_name": "str",
        "dimension": "str",
        "category": "str",
        "age_band": "str",
        "count": "int64",
    }
    path = resources.files("engage.population").joinpath(f"data/{name}")
    with path.open("rb") as handle:
        frame = pd.read_csv(handle, dtype=dtypes, keep_default_na=False, na_values=[])
    return frame


@cache
def _dimension_rows(name: str, dimension: str) -> pd.DataFrame:
    frame = _read(name)
    rows = frame[frame["dimension"] == dimension].drop(columns=["area_name"])
    band_column = "category" if dimension == "age" else "age_band"
    if band_column in rows and (dimension in ("age", "sex")):
        spans = {label: parse_band(label) for label in rows[band_column].unique()}
        rows = rows.assign(
            age_low=rows[band_column].map(lambda label: spans[label][0]).astype("int64"),
            age_high=rows[band_column].map(lambda label: spans[label][1]).astype("int64"),
        )
    return rows.reset_index(drop=True)


@cache
def _by_age_area_set(dimension: str) -> frozenset[str]:
    return frozenset(_dimension_rows("la_population_by_age.csv", dimension)["area_code"])


@cache
def census_labels(dimension: str) -> tuple[str, ...]:
    """Census labels of a dimension: the cells of the census file, then the collapsed ones."""
    cells = _dimension_rows("la_population.csv", dimension)["category"]
    return tuple(dict.fromkeys([*cells, *category_order(dimension)]))


def _all_ages_rows(dimension: str, codes: list[str]) -> pd.DataFrame:
    rows = _dimension_rows("la_population.csv", dimension)
    return rows[rows["area_code"].isin(codes)]


def _single_years(dimension: str, codes: list[str]) -> pd.DataFrame:
    if dimension == "age":
        return _all_ages_rows("age", codes)
    rows = _dimension_rows("la_population_by_age.csv", dimension)
    return rows[rows["area_code"].isin(codes)]


def _by_age(dimension: str, codes: list[str]) -> pd.DataFrame:
    rows = _dimension_rows("la_population_by_age.csv", dimension)
    return rows[rows["area_code"].isin(codes)]


def _by_age_codes(codes: list[str], dimension: str) -> tuple[list[str], list[str]]:
    """Codes of the by-age table for ``codes``, and the 2021 codes it cannot give.

    A district merged in 2023 is only in the by-age table as part of its
    unitary, which can stand in for it only when every one of its districts
    was asked for (summing a part is impossible).
    """
    available = _by_age_area_set(dimension)
    asked = set(codes)
    usable: list[str] = []
    missing: list[str] = []
    for code in codes:
        unitary = _UNITARY_OF.get(code)
        if code in available:
            usable.append(code)
        elif unitary in available and asked.issuperset(UNITARIES_2023[unitary or ""]):
            if unitary not in usable:
                usable.append(unitary or "")
        else:
            missing.append(code)
    return usable, missing


def _missing_text(codes: list[str]) -> str:
    names = area_names()
    parts = []
    for code in codes:
        unitary = _UNITARY_OF.get(code)
        if unitary is None:
            parts.append(names.get(code, code))
        else:
            parts.append(
                f"{names.get(code, code)} (published only as part of {UNITARY_NAMES[unitary]}; "
                "choose all its former districts to use it)"
            )
    return join_words(parts)


def resolve_areas(areas: Sequence[str]) -> list[str]:
    """2021 local authority codes for ``areas`` (a 2023 unitary stands for its districts).

    Codes are matched ignoring case and spaces, and de-duplicated; raises
    ``UnknownAreas`` listing every code that is neither.
    """
    if isinstance(areas, str):
        areas = [areas]
    known = area_names()
    codes: list[str] = []
    unknown: list[str] = []
    for raw in areas:
        code = str(raw).strip().upper()
        if code in known:
            codes.append(code)
        elif code in UNITARIES_2023:
            codes.extend(UNITARIES_2023[code])
        elif code not in unknown:
            unknown.append(code)
    if unknown:
        raise UnknownAreas(unknown)
    if not codes:
        raise ValueError("no areas given")
    return list(dict.fromkeys(codes))


# ---------------------------------------------------------------- helpers


def _whole_years(low: int, high: int) -> bool:
    """Whether single-year counts give exactly these ages (the census top band is 90+)."""
    return low <= 90 and (high < 90 or high >= MAX_AGE)


def _in_ages(rows: pd.DataFrame, low: int, high: int) -> pd.DataFrame:
    return rows[(rows["age_low"] <= high) & (rows["age_high"] >= low)]

"""``reach``: who a survey export reaches, against Census 2021.

Works on a CSV from any survey tool (MS Forms, SmartSurvey, Citizen Space):
the officer names which column holds which demographic, the answers are mapped
to census categories (``engage.population.mapping``), and the table of
``representativeness.reach_summary`` is printed with the baseline each
dimension was compared with.
"""

from __future__ import annotations

import argparse
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, SupportsFloat, SupportsIndex, TextIO

import pandas as pd

from engage.analysis.cli.io import CliError, find_column, plural, read_answers, text_table
from engage.analysis.exceptions import UnknownCategories
from engage.analysis.representativeness import reach_summary, who_we_are_missing
from engage.population import categories, census, mapping
from engage.population.areas import ATTRIBUTION, area_names

TOP_MISSING = 5
# Answer columns an export can map (survey question keys), in report order.
COLUMN_KEYS: tuple[str, ...] = (
    "age",
    "sex",
    "ethnic_group",
    "religion",
    "disability",
    "long_term_condition",
    "disability_impact",
    "main_language",
)
_DIMENSION_OF = {
    "age": "age",
    "sex": "sex",
    "ethnic_group": "ethnic_group",
    "religion": "religion",
    "disability": "disability",
    "long_term_condition": "disability",
    "disability_impact": "disability",
    "main_language": "main_language",
}


@dataclass
class ReachReport:
    file: str
    areas: list[str]
    age_min: int | None
    age_max: int | None
    responses: int
    left_out: int
    baselines: dict[str, census.Baseline]
    summary: pd.DataFrame
    missing: pd.DataFrame
    notes: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- the command


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    reach = commands.add_parser(
        "reach",
        help="compare a survey export (CSV) with the census population of some areas",
        description=(
            "Compare the respondents in a CSV export (MS Forms, SmartSurvey, Citizen Space, "
            "Engage) with the Census 2021 population of the given local authorities."
        ),
        epilog=(
            f"Column names: {', '.join(COLUMN_KEYS)}. Answers may be Engage option codes, "
            "Engage option labels or census labels (any case); ages are whole numbers."
        ),
    )
    reach.add_argument("file", metavar="FILE.csv", help="the survey export")
    reach.add_argument(
        "--area",
        action="append",
        metavar="CODE",
        help="2021 local authority code, e.g. E08000027 (repeat, or separate with commas)",
    )
    reach.add_argument(
        "--age-range", metavar="LOW-HIGH", help="the survey's ages: 11-25, 16+ or all (default)"
    )
    reach.add_argument(
        "--column",
        action="append",
        default=[],
        metavar="NAME=HEADER",
        help="which export column holds a demographic, e.g. --column age=Age (repeat)",
    )
    reach.add_argument("--json", action="store_true", help="print JSON instead of a table")
    reach.add_argument(
        "--top", type=int, default=TOP_MISSING, help="how many missing groups to list"
    )


def run(args: argparse.Namespace) -> ReachReport:
    return run_reach(args.file, areas=args.area, age_range=args.age_range, columns=args.column)


def write(report: ReachReport, args: argparse.Namespace, out: TextIO) -> None:
    if args.json:
        out.write(json.dumps(report_json(report), indent=2, ensure_ascii=False) + "\n")
    else:
        out.write(report_text(report, top=args.top))


def run_reach(
    file: str,
    *,
    areas: Sequence[str],
    age_range: str | None,
    columns: Sequence[str],
) -> ReachReport:
    """Read, map and compare; raises ``CliError`` with a message for every bad input."""
    age_min, age_max = parse_age_range(age_range)
    mapped_columns = parse_columns(columns)
    codes = _areas(areas)
    answers = read_answers(file)
    headers = _match_headers(answers, mapped_columns, file)
    raw = pd.DataFrame({key: answers[header] for key, header in headers.items()})
    respondents = _to_codes(raw, headers)

    dimensions = [d for d in census.DIMENSIONS if d in {_DIMENSION_OF[k] for k in headers}]
    try:
        baselines = {
            d: census.load_baseline(codes, d, age_min=age_min, age_max=age_max) for d in dimensions
        }
    except census.MissingBaseline as error:
        raise CliError(
            f"no census {error.dimension} figures for {', '.join(error.areas)}"
        ) from None

    notes: list[str] = []
    mapped = mapping.to_census(respondents, baselines, age_min=age_min, age_max=age_max)
    ethnic = baselines.get("ethnic_group")
    if ethnic is not None and not categories.is_broad_ethnic(ethnic.counts.index):
        broad = set(categories.broad_ethnic_groups().values())
        if broad & set(mapped["ethnic_group"].dropna()):
            baselines["ethnic_group"] = census.collapse_ethnic_groups(ethnic)
            mapped = mapping.to_census(respondents, baselines, age_min=age_min, age_max=age_max)
            notes.append(
                "Some ethnic group answers give only a broad group, so ethnic group is "
                "compared in the 5 broad groups."
            )

    left_out = 0
    if "age" in mapped:
        ages = respondents["age"]
        outside = (ages.notna() & (ages != mapping.PREFER_NOT_TO_SAY_CODE)).to_numpy(
            dtype=bool
        ) & mapped["age"].isna().to_numpy(dtype=bool)
        left_out = int(outside.sum())
        if left_out:
            # Outside the population compared with: left out of every dimension.
            mapped = mapped[~outside]
            notes.append(
                f"{plural(left_out, 'response')} with an age outside the survey's "
                f"{_range_text(age_min, age_max)} left out of every comparison."
            )
    try:
        summary = reach_summary(mapped, {d: b.counts for d, b in baselines.items()})
    except UnknownCategories as error:
        raise CliError(
            f"answers in {error.dimension} that the census baseline has no category for: "
            f"{', '.join(map(str, error.categories))}"
        ) from None
    return ReachReport(
        file=file,
        areas=codes,
        age_min=age_min,
        age_max=age_max,
        responses=len(mapped),
        left_out=left_out,
        baselines=baselines,
        summary=summary,
        missing=who_we_are_missing(summary),
        notes=notes,
    )


# ---------------------------------------------------------------- arguments


def parse_age_range(text: str | None) -> tuple[int | None, int | None]:
    """ "11-25", "16+" or "all" (also no value) to (age_min, age_max)."""
    if text is None or text.strip().lower() in {"", "all", "all ages"}:
        return None, None
    value = text.strip()
    both = re.fullmatch(r"(\d{1,3})\s*(?:-|–|to)\s*(\d{1,3})", value)
    over = re.fullmatch(r"(\d{1,3})\s*\+", value)
    if both:
        low, high = int(both[1]), int(both[2])
    elif over:
        low, high = int(over[1]), categories.MAX_AGE
    else:
        raise CliError(f"--age-range {text!r} is not an age range: give it as 11-25, 16+ or all")
    if low > high or high > categories.MAX_AGE:
        raise CliError(
            f"--age-range {text!r} is not an age range: the ages go low to high, "
            f"0 to {categories.MAX_AGE}"
        )
    return low, (None if high >= categories.MAX_AGE else high)


def parse_columns(specs: Sequence[str]) -> dict[str, str]:
    """``--column dimension=header`` options to {key: header}."""
    if not specs:
        raise CliError(
            'name at least one column to compare, e.g. --column age="How old are you?" '
            f"(names: {', '.join(COLUMN_KEYS)})"
        )
    columns: dict[str, str] = {}
    for spec in specs:
        key, equals, header = spec.partition("=")
        key = key.strip().lower().replace("-", "_").replace(" ", "_")
        if not equals or not key or not header.strip():
            raise CliError(f"--column {spec!r} should be NAME=HEADER, e.g. age=Age")
        if key not in COLUMN_KEYS:
            raise CliError(
                f"--column {spec!r}: {key!r} is not something Engage can compare; "
                f"use one of {', '.join(COLUMN_KEYS)}"
            )
        if key in columns:
            raise CliError(f"--column {key} is given twice")
        columns[key] = header.strip()
    if "disability_impact" in columns and "long_term_condition" not in columns:
        raise CliError(
            "--column disability_impact needs --column long_term_condition too (the "
            "question it follows)"
        )
    if "disability" in columns and "long_term_condition" in columns:
        raise CliError(
            "give either --column disability (one disability question) or "
            "--column long_term_condition (with disability_impact), not both"
        )
    return columns


def _areas(areas: Sequence[str] | None) -> list[str]:
    codes = [code for value in areas or [] for code in re.split(r"[\s,]+", value) if code]
    if not codes:
        raise CliError("give at least one --area code, e.g. --area E08000027")
    try:
        return census.resolve_areas(codes)
    except census.UnknownAreas as error:
        raise CliError(
            f"unknown area code{'s' if len(error.codes) != 1 else ''}: "
            f"{', '.join(error.codes)} (use 2021 local authority codes such as E08000027)"
        ) from None


# ---------------------------------------------------------------- reading the export


def _match_headers(answers: pd.DataFrame, columns: dict[str, str], file: str) -> dict[str, str]:
    """The export's header for each named column: exact, else ignoring case and spacing."""
    headers = [str(h) for h in answers.columns]
    matched: dict[str, str] = {}
    problems: list[str] = []
    for key, wanted in columns.items():
        header = find_column(headers, wanted)
        if header is None:
            problems.append(f"--column {key}={wanted!r}: no such column in {file}")
        else:
            matched[key] = header
    if problems:
        listing = "\n".join(f"  {h}" for h in headers)
        raise CliError("\n".join(problems) + f"\nThe columns in {file} are:\n{listing}")
    return matched


def _to_codes(raw: pd.DataFrame, headers: dict[str, str]) -> pd.DataFrame:
    codes: dict[str, pd.Series] = {}
    problems: list[str] = []
    for key in raw.columns:
        try:
            codes[key] = mapping.labels_to_codes(key, raw[key])
        except mapping.UnknownLabels as error:
            unknown = ", ".join(repr(label) for label in error.unknown[:20])
            more = f" and {len(error.unknown) - 20} more" if len(error.unknown) > 20 else ""
            allowed = "\n".join(f"    {label}" for label in error.allowed)
            problems.append(
                f"column {headers[key]!r} ({key}) has answers Engage cannot place: "
                f"{unknown}{more}\n  Allowed answers:\n{allowed}"
            )
    if problems:
        raise CliError("\n".join(problems))
    return pd.DataFrame(codes, index=raw.index)


# ---------------------------------------------------------------- output


def report_text(report: ReachReport, *, top: int = TOP_MISSING) -> str:
    lines = [
        f"Reach of {plural(report.responses, 'response')} in {report.file}",
        f"against {_areas_text(report.areas)}, {_range_text(report.age_min, report.age_max)}",
    ]
    lines += [f"  {note}" for note in report.notes]
    lines.append("")
    lines += _table(report.summary)
    lines += ["", "Baselines"]
    for dimension, baseline in report.baselines.items():
        rows = report.summary[report.summary["dimension"] == dimension]
        cv = _float(rows["cv"].iloc[0]) if len(rows) else math.nan
        cv_text = "" if math.isnan(cv) else f" (CV {cv:.2f})"
        lines.append(f"  {dimension}{cv_text}: {baseline.source}")
        if baseline.warning:
            lines.append(f"    ! {baseline.warning}")
    lines += ["", "Who we are missing (most under-reached first)"]
    missing = report.missing.head(top)
    if missing.empty:
        lines.append("  No group is reached less than its share of the population.")
    for row in missing.to_dict("records"):
        shortfall = _float(row["shortfall"])
        more = 0 if math.isnan(shortfall) else max(round(shortfall), 0)
        lines.append(
            f"  {row['dimension']}: {row['category']}: {_percent(row['sample_share'])} of "
            f"responses against {_percent(row['population_share'])} of the population "
            f"(ratio {_number(row['ratio'])}; "
            f"{plural(more, 'more response')} for a proportional share)"
        )
    lines += ["", ATTRIBUTION, ""]
    return "\n".join(lines)


def _table(summary: pd.DataFrame) -> list[str]:
    headings = [
        "dimension",
        "category",
        "n",
        "sample %",
        "population %",
        "ratio",
        "gap (pp)",
        "partial CV",
    ]
    rows: list[list[str]] = []
    previous = None
    for row in summary.to_dict("records"):
        dimension = str(row["dimension"])
        rows.append(
            [
                dimension if dimension != previous else "",
                str(row["category"]),
                f"{int(row['n']):,}",
                _percent(row["sample_share"]),
                _percent(row["population_share"]),
                _number(row["ratio"]),
                _signed(_float(row["gap"]) * 100, 1),
                _signed(row["partial_cv"], 3),
            ]
        )
        previous = dimension
    return text_table(headings, rows, left_aligned=2)


def report_json(report: ReachReport) -> dict[str, Any]:
    names = area_names()
    return {
        "file": report.file,
        "responses": report.responses,
        "left_out_outside_age_range": report.left_out,
        "areas": [{"code": code, "name": names.get(code, code)} for code in report.areas],
        "age_range": {"min": report.age_min, "max": report.age_max},
        "notes": report.notes,
        "baselines": {
            dimension: {
                "source": baseline.source,
                "warning": baseline.warning,
                "exact_ages": baseline.exact_ages,
                "counts": {str(k): _plain(v) for k, v in baseline.counts.items()},
            }
            for dimension, baseline in report.baselines.items()
        },
        "rows": _records(report.summary),
        "who_we_are_missing": _records(report.missing),
        "attribution": ATTRIBUTION,
    }


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [
        {str(column): _plain(value) for column, value in record.items()}
        for record in frame.to_dict("records")
    ]


def _plain(value: object) -> object:
    """JSON has no NaN or infinity: both become null."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) or hasattr(value, "item"):
        number = value.item() if hasattr(value, "item") else value
        if isinstance(number, float) and not math.isfinite(number):
            return None
        return number
    if value is None or value is pd.NA:
        return None
    return value


def _float(value: object) -> float:
    """A table cell as a float, NaN for a blank (NA, None or NaN)."""
    if value is None or value is pd.NA:
        return math.nan
    if not isinstance(value, str | SupportsFloat | SupportsIndex):
        raise TypeError(f"not a number: {value!r}")
    return float(value)


def _percent(value: object) -> str:
    number = _float(value)
    return "" if math.isnan(number) else f"{number * 100:.1f}%"


def _number(value: object) -> str:
    number = _float(value)
    if math.isnan(number):
        return ""
    return "inf" if math.isinf(number) else f"{number:.2f}"


def _signed(value: object, places: int) -> str:
    number = _float(value)
    return "" if math.isnan(number) else f"{number:+.{places}f}"


def _areas_text(codes: list[str]) -> str:
    names = area_names()
    labels = [f"{names.get(code, code)} ({code})" for code in codes]
    if len(labels) > 8:
        labels = [*labels[:8], f"and {len(labels) - 8} more"]
    return "Census 2021 for " + ", ".join(labels)


def _range_text(age_min: int | None, age_max: int | None) -> str:
    if age_min is None and age_max is None:
        return "all ages"
    if age_max is None:
        return f"ages {age_min} and over"
    return f"ages {age_min or 0}-{age_max}"

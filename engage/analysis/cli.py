"""``python -m engage.analysis``: ``reach`` (who a survey export reaches, against
Census 2021) and ``code`` (free-text answers coded into themes).

Works on a CSV from any survey tool (MS Forms, SmartSurvey, Citizen Space):
the officer names which column holds which demographic, the answers are mapped
to census categories (``engage.population.mapping``), and the table of
``representativeness.reach_summary`` is printed with the baseline each
dimension was compared with.

``code`` adds one 0/1 column and one ``<theme>__confidence`` column per theme to
a CSV of answers: learned from a hand-coded sample (``--train``) or, with no
sample, suggested from the codebook's seed terms.

Every problem with the input is a plain message on stderr and exit status 2,
never a traceback.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO, TypeVar

import pandas as pd

from engage.analysis import codebook as codebooks
from engage.analysis.coding import NotEnoughExamples, ThemeModel, suggest_by_seeds, train_model
from engage.analysis.exceptions import UnknownCategories
from engage.analysis.representativeness import reach_summary, who_we_are_missing
from engage.population import census, mapping
from engage.population.areas import area_names

USAGE_ERROR = 2
INTERNAL_ERROR = 1
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


class CliError(Exception):
    """A problem with the command line or the input file, told to the user as it is."""


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


T = TypeVar("T")


def _guarded(run: Callable[[], T]) -> tuple[T | None, int]:
    """Run a subcommand; errors become one line on stderr and an exit status, never a traceback."""
    try:
        return run(), 0
    except CliError as error:
        print(f"error: {error}", file=sys.stderr)
        return None, USAGE_ERROR
    except Exception as error:  # never a traceback for an officer
        print(f"error: something went wrong ({type(error).__name__}: {error})", file=sys.stderr)
        return None, INTERNAL_ERROR


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # argparse has printed its message already
        return exit_.code if isinstance(exit_.code, int) else USAGE_ERROR
    if args.command == "code":
        return main_code(args, out)
    report, status = _guarded(
        lambda: run_reach(args.file, areas=args.area, age_range=args.age_range, columns=args.column)
    )
    if report is None:
        return status
    if args.json:
        out.write(json.dumps(report_json(report), indent=2, ensure_ascii=False) + "\n")
    else:
        out.write(report_text(report, top=args.top))
    return 0


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
    if ethnic is not None and not mapping.is_broad_ethnic(ethnic.counts.index):
        broad = set(mapping.broad_ethnic_groups().values())
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
                f"{_plural(left_out, 'response')} with an age outside the survey's "
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
        low, high = int(over[1]), mapping.MAX_AGE
    else:
        raise CliError(f"--age-range {text!r} is not an age range: give it as 11-25, 16+ or all")
    if low > high or high > mapping.MAX_AGE:
        raise CliError(
            f"--age-range {text!r} is not an age range: the ages go low to high, "
            f"0 to {mapping.MAX_AGE}"
        )
    return low, (None if high >= mapping.MAX_AGE else high)


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


def read_answers(file: str) -> pd.DataFrame:
    """The export's cells as text ("" blanks become NA), or ``CliError``."""
    path = Path(file)
    if not path.exists():
        raise CliError(f"{file}: no such file")
    if path.is_dir():
        raise CliError(f"{file} is a folder, not a CSV file")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise CliError(f"{file} cannot be read: {error.strerror or error}") from None
    if not data.strip():
        raise CliError(f"{file} is empty")
    if b"\x00" in data[:8192]:
        raise CliError(
            f"{file} is not a CSV file (it holds binary data); if it is a spreadsheet, "
            "save it as CSV first"
        )
    text = _decode(data, file)
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=_delimiter(text),
            dtype=str,
            keep_default_na=False,
            na_values=[""],
            skip_blank_lines=True,
        )
    except pd.errors.EmptyDataError:
        raise CliError(f"{file} is empty") from None
    except (pd.errors.ParserError, csv.Error, ValueError) as error:
        detail = " ".join(str(error).split())
        raise CliError(f"{file} is not a readable CSV file: {detail}") from None
    if frame.empty:
        raise CliError(f"{file} has a header row but no responses")
    return frame


def _decode(data: bytes, file: str) -> str:
    for encoding in ("utf-8-sig", "cp1252"):  # cp1252: Excel's "CSV" on Windows
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CliError(f"{file} is not text in a known encoding; save it as CSV (UTF-8)")


def _delimiter(text: str) -> str:
    header = text.split("\n", 1)[0]
    try:
        sniffed = csv.Sniffer().sniff(text[:65536], delimiters=",;\t").delimiter
    except csv.Error:
        return ","
    return sniffed if sniffed in header else ","


def _match_headers(answers: pd.DataFrame, columns: dict[str, str], file: str) -> dict[str, str]:
    """The export's header for each named column: exact, else ignoring case and spacing."""
    headers = [str(h) for h in answers.columns]
    loose: dict[str, list[str]] = {}
    for header in headers:
        loose.setdefault(_loose(header), []).append(header)
    matched: dict[str, str] = {}
    problems: list[str] = []
    for key, wanted in columns.items():
        if wanted in headers:
            matched[key] = wanted
        elif len(loose.get(_loose(wanted), [])) == 1:
            matched[key] = loose[_loose(wanted)][0]
        else:
            problems.append(f"--column {key}={wanted!r}: no such column in {file}")
    if problems:
        listing = "\n".join(f"  {h}" for h in headers)
        raise CliError("\n".join(problems) + f"\nThe columns in {file} are:\n{listing}")
    return matched


def _loose(text: str) -> str:
    return " ".join(text.split()).casefold()


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
        f"Reach of {_plural(report.responses, 'response')} in {report.file}",
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
            f"{_plural(more, 'more response')} for a proportional share)"
        )
    lines += ["", census.ATTRIBUTION, ""]
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
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headings)]
    left = {0, 1}

    def line(cells: list[str]) -> str:
        return "  ".join(
            cell.ljust(widths[i]) if i in left else cell.rjust(widths[i])
            for i, cell in enumerate(cells)
        ).rstrip()

    return [line(headings), line(["-" * w for w in widths]), *(line(r) for r in rows)]


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
        "attribution": census.ATTRIBUTION,
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
    return float(value)  # type: ignore[arg-type]


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


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


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


# ---------------------------------------------------------------- code: themes

# The smallest number of hand-coded examples a theme needs for `code --train`.
# An analyst's sample is small, so the CLI learns from as few as two and says
# how well each theme did out-of-fold; the web app asks for about twenty.
CLI_MIN_POSITIVES = 2
CONFIDENCE_SUFFIX = "__confidence"
_MAX_LISTED_ROWS = 10


@dataclass
class CodingReport:
    input: str
    out: str
    answers: int
    blank: int
    method: str  # "model" or "seeds"
    themes: list[str]
    counts: dict[str, int]
    trained_on: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    scores: pd.DataFrame | None = None
    version: str = ""
    codebook: str = ""


def main_code(args: argparse.Namespace, out: TextIO) -> int:
    """``code``: the CLI wrapper around ``run_code``, errors as messages."""
    report, status = _guarded(
        lambda: run_code(
            args.input,
            text_column=args.text_column,
            out_file=args.out,
            train=args.train,
            codebook_file=args.codebook,
        )
    )
    if report is None:
        return status
    if report.skipped:
        dropped = ", ".join(f"{theme} ({count})" for theme, count in report.skipped.items())
        print(
            f"warning: not learned, fewer than {CLI_MIN_POSITIVES} coded examples: {dropped}",
            file=sys.stderr,
        )
    out.write(coding_text(report))
    return 0


def run_code(
    input_file: str,
    *,
    text_column: str,
    out_file: str,
    train: str | None = None,
    codebook_file: str | None = None,
) -> CodingReport:
    """Code every answer in ``input_file`` and write the result; ``CliError`` for bad input."""
    if Path(out_file).resolve() == Path(input_file).resolve() or (
        train is not None and Path(out_file).resolve() == Path(train).resolve()
    ):
        raise CliError(f"--out {out_file} would overwrite an input file; give another name")
    if not Path(out_file).resolve().parent.is_dir():
        raise CliError(f"--out {out_file}: the folder {Path(out_file).parent} does not exist")
    answers = read_answers(input_file)
    column = _text_header(answers, text_column, input_file)
    texts = _texts(answers[column])
    if not any(text.strip() for text in texts):
        raise CliError(f"column {column!r} in {input_file} has no text to code")
    themes = _read_codebook(codebook_file) if codebook_file else None

    if train is not None:
        report, coded = _code_with_model(texts, train, text_column, themes)
    else:
        report, coded = _code_with_seeds(texts, themes)
        report.codebook = codebook_file or "the default codebook"
    clash = [name for name in coded.columns if name in answers.columns]
    if clash:
        raise CliError(
            f"{input_file} already has columns named {', '.join(map(repr, clash))}; "
            "rename or remove them, so the coded columns do not overwrite them"
        )
    blank = [not text.strip() for text in texts]
    coded.loc[blank, :] = 0  # a blank answer is coded to nothing
    result = pd.concat([answers.reset_index(drop=True), coded], axis=1)
    try:
        # utf-8-sig: Excel then opens the file with its accents and emoji intact.
        result.to_csv(out_file, index=False, encoding="utf-8-sig")
    except OSError as error:
        raise CliError(f"--out {out_file} cannot be written: {error.strerror or error}") from None
    report.input, report.out = input_file, out_file
    report.answers, report.blank = len(texts), sum(blank)
    report.counts = {
        theme: int(coded[theme].sum()) for theme in report.themes if theme in coded.columns
    }
    return report


def _code_with_model(
    texts: list[str],
    train: str,
    text_column: str,
    themes: list[codebooks.Theme] | None,
) -> tuple[CodingReport, pd.DataFrame]:
    sample = read_answers(train)
    column = _text_header(sample, text_column, train)
    if themes is not None:
        keys = {theme.key for theme in themes}
        theme_columns = [c for c in sample.columns if c != column and c in keys]
        if not theme_columns:
            raise CliError(
                f"{train} has no column named after a theme key of the codebook "
                f"({', '.join(sorted(keys))})"
            )
    else:
        theme_columns = [c for c in sample.columns if c != column]
        if not theme_columns:
            raise CliError(
                f"{train} has no theme columns: it needs the text column {column!r} "
                "and one 0/1 column per theme"
            )
    labels = _labels(sample[theme_columns], train)
    sample_texts = _texts(sample[column])
    keep = [bool(text.strip()) for text in sample_texts]
    if not any(keep):
        raise CliError(f"column {column!r} in {train} has no text to learn from")
    kept_texts = [text for text, k in zip(sample_texts, keep, strict=True) if k]
    kept_labels = labels[keep].reset_index(drop=True)
    try:
        model = train_model(kept_texts, kept_labels, min_positives=CLI_MIN_POSITIVES)
    except NotEnoughExamples as error:
        counts = ", ".join(f"{theme} ({count})" for theme, count in error.themes.items())
        raise CliError(
            f"no theme in {train} has at least {CLI_MIN_POSITIVES} coded examples "
            f"(and at least 2 answers without it) to learn from: {counts}"
        ) from None
    except ValueError as error:
        raise CliError(f"{train}: {error}") from None
    coded = _model_columns(model, texts)
    report = CodingReport(
        input="",
        out="",
        answers=0,
        blank=0,
        method="model",
        themes=list(model.themes),
        counts={},
        trained_on=model.trained_on,
        skipped=dict(model.skipped),
        scores=model.scores,
        version=model.version,
    )
    return report, coded


def _model_columns(model: ThemeModel, texts: list[str]) -> pd.DataFrame:
    proba = model.predict_proba(texts)
    columns: dict[str, pd.Series] = {}
    for theme in model.themes:
        columns[theme] = (proba[theme] >= model.thresholds[theme]).astype("int64")
        columns[theme + CONFIDENCE_SUFFIX] = proba[theme].round(3)
    return pd.DataFrame(columns)


def _code_with_seeds(
    texts: list[str], themes: list[codebooks.Theme] | None
) -> tuple[CodingReport, pd.DataFrame]:
    themes = themes if themes is not None else codebooks.default_codebook()
    suggestions = suggest_by_seeds(texts, themes)
    columns: dict[str, list[float]] = {}
    for theme in themes:
        confidence = [
            next((s.confidence for s in found if s.theme == theme.key), 0.0)
            for found in suggestions
        ]
        columns[theme.key] = [1 if value > 0 else 0 for value in confidence]
        columns[theme.key + CONFIDENCE_SUFFIX] = [round(value, 3) for value in confidence]
    report = CodingReport(
        input="",
        out="",
        answers=0,
        blank=0,
        method="seeds",
        themes=[theme.key for theme in themes],
        counts={},
    )
    return report, pd.DataFrame(columns)


def _read_codebook(file: str) -> list[codebooks.Theme]:
    path = Path(file)
    if not path.is_file():
        raise CliError(f"{file}: no such file")
    data = path.read_bytes()
    if not data.strip():
        raise CliError(f"{file} is empty")
    try:
        return codebooks.codebook_from_csv(_decode(data, file))
    except codebooks.CodebookError as error:
        problems = "\n".join(f"  {problem}" for problem in error.problems)
        raise CliError(f"{file} is not a usable codebook:\n{problems}") from None


def _text_header(frame: pd.DataFrame, wanted: str, file: str) -> str:
    headers = [str(h) for h in frame.columns]
    if wanted in headers:
        return wanted
    loose = [h for h in headers if _loose(h) == _loose(wanted)]
    if len(loose) == 1:
        return loose[0]
    listing = "\n".join(f"  {h}" for h in headers)
    raise CliError(
        f"--text-column {wanted!r}: no such column in {file}. The columns are:\n{listing}"
    )


def _texts(column: pd.Series) -> list[str]:
    return ["" if pd.isna(value) else str(value) for value in column]


def _labels(frame: pd.DataFrame, file: str) -> pd.DataFrame:
    """Theme columns as 0/1; a blank cell is 0 (not ticked). Anything else is an error."""
    labels: dict[str, pd.Series] = {}
    problems: list[str] = []
    for column in frame.columns:
        cells = frame[column].fillna("0").astype(str).str.strip()
        cells = cells.replace({"": "0", "0.0": "0", "1.0": "1"})
        bad = [(position, value) for position, value in enumerate(cells) if value not in {"0", "1"}]
        if bad:
            rows = [f"{position + 2} ({value!r})" for position, value in bad]
            more = len(rows) - _MAX_LISTED_ROWS
            listed = ", ".join(rows[:_MAX_LISTED_ROWS]) + (f" and {more} more" if more > 0 else "")
            problems.append(f"  {column!r}: rows {listed}")
        else:
            labels[str(column)] = cells.astype("int64")
    if problems:
        raise CliError(
            f"theme columns in {file} must hold only 0 or 1 (blank counts as 0); "
            "these do not (row numbers as in a spreadsheet, the header is row 1):\n"
            + "\n".join(problems)
            + "\nIf a column is not a theme, remove it from the file."
        )
    return pd.DataFrame(labels).reset_index(drop=True)


def coding_text(report: CodingReport) -> str:
    lines = [f"Coded {_plural(report.answers, 'answer')} from {report.input} into {report.out}"]
    if report.blank:
        lines.append(f"  {_plural(report.blank, 'blank answer')} coded to no theme.")
    if report.method == "model":
        lines.append(
            f"Model {report.version}, learned from {_plural(report.trained_on, 'coded answer')}."
        )
        lines.append(f"Themes learned: {', '.join(report.themes)}")
        if report.skipped:
            lines.append(
                f"Not learned (fewer than {CLI_MIN_POSITIVES} coded examples, so no column): "
                + ", ".join(f"{theme} ({count})" for theme, count in report.skipped.items())
            )
        lines += ["", "Cross-validated on the coded sample, then the answers coded:"]
        headings = ["theme", "examples", "precision", "recall", "F1", "answers coded"]
        rows = []
        scores = report.scores if report.scores is not None else pd.DataFrame()
        by_theme = scores.to_dict("index")
        for theme in report.themes:
            score = {str(column): float(value) for column, value in by_theme[theme].items()}
            rows.append(
                [
                    theme,
                    f"{int(score['support']):,}",
                    f"{score['precision']:.2f}",
                    f"{score['recall']:.2f}",
                    f"{score['f1']:.2f}",
                    f"{report.counts.get(theme, 0):,}",
                ]
            )
        lines += _simple_table(headings, rows)
        lines += [
            "",
            "Few examples give unsteady scores: check the coded answers before using them.",
        ]
    else:
        lines.append(
            f"Suggested from the seed terms of {report.codebook} "
            f"({_plural(len(report.themes), 'theme')}); check them before using them."
        )
        lines += [""]
        rows = [[theme, f"{report.counts.get(theme, 0):,}"] for theme in report.themes]
        lines += _simple_table(["theme", "answers coded"], rows)
    lines.append("")
    return "\n".join(lines)


def _simple_table(headings: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headings)]

    def line(cells: list[str]) -> str:
        return "  ".join(
            cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i])
            for i, cell in enumerate(cells)
        ).rstrip()

    return [line(headings), line(["-" * w for w in widths]), *(line(r) for r in rows)]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m engage.analysis",
        description=(
            "Who a survey reaches, against the Census 2021 population (reach), and "
            "free-text answers coded into themes (code)."
        ),
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
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
    code = commands.add_parser(
        "code",
        help="code free-text answers (CSV) into themes",
        description=(
            "Add one 0/1 column and one <theme>__confidence column (0-1) per theme to a CSV "
            "of answers. With --train, a model is learned from a sample you coded by hand; "
            "without it, themes are suggested from the codebook's seed terms."
        ),
        epilog=(
            "The --train file holds the same text column and one column per theme, 1 where "
            "the answer has the theme and 0 or blank where not (every other column is read "
            "as a theme unless --codebook is given, when only columns named after its keys "
            f"are). Themes with fewer than {CLI_MIN_POSITIVES} examples are not learned."
        ),
    )
    code.add_argument("--input", required=True, metavar="ANSWERS.csv", help="answers to code")
    code.add_argument(
        "--text-column", required=True, metavar="COLUMN", help="the column holding the answers"
    )
    code.add_argument(
        "--train", metavar="CODED.csv", help="a hand-coded sample to learn from (optional)"
    )
    code.add_argument(
        "--codebook",
        metavar="CODEBOOK.csv",
        help="a codebook exported from Engage (default: Engage's starter codebook)",
    )
    code.add_argument("--out", required=True, metavar="OUT.csv", help="where to write the result")
    return parser

"""``code``: free-text answers coded into themes.

Adds one 0/1 column and one ``<theme>__confidence`` column per theme to a CSV of
answers: learned from a hand-coded sample (``--train``) or, with no sample,
suggested from the codebook's seed terms.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import pandas as pd

from engage.analysis import codebook as codebooks
from engage.analysis.cli.io import CliError, decode, find_column, plural, read_answers, text_table
from engage.analysis.coding import NotEnoughExamples, ThemeModel, suggest_by_seeds, train_model
from engage.exports import frame_csv_bytes

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


# ---------------------------------------------------------------- the command


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
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


def run(args: argparse.Namespace) -> CodingReport:
    return run_code(
        args.input,
        text_column=args.text_column,
        out_file=args.out,
        train=args.train,
        codebook_file=args.codebook,
    )


def write(report: CodingReport, args: argparse.Namespace, out: TextIO) -> None:
    if report.skipped:
        dropped = ", ".join(f"{theme} ({count})" for theme, count in report.skipped.items())
        print(
            f"warning: not learned, fewer than {CLI_MIN_POSITIVES} coded examples: {dropped}",
            file=sys.stderr,
        )
    out.write(coding_text(report))


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
        # Through the one writer of every Engage spreadsheet: cells escaped against
        # formula injection, utf-8-sig so Excel opens accents and emoji intact.
        Path(out_file).write_bytes(frame_csv_bytes(result))
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
        return codebooks.codebook_from_csv(decode(data, file))
    except codebooks.CodebookError as error:
        problems = "\n".join(f"  {problem}" for problem in error.problems)
        raise CliError(f"{file} is not a usable codebook:\n{problems}") from None


def _text_header(frame: pd.DataFrame, wanted: str, file: str) -> str:
    headers = [str(h) for h in frame.columns]
    header = find_column(headers, wanted)
    if header is not None:
        return header
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
    lines = [f"Coded {plural(report.answers, 'answer')} from {report.input} into {report.out}"]
    if report.blank:
        lines.append(f"  {plural(report.blank, 'blank answer')} coded to no theme.")
    if report.method == "model":
        lines.append(
            f"Model {report.version}, learned from {plural(report.trained_on, 'coded answer')}."
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
        lines += text_table(headings, rows, left_aligned=1)
        lines += [
            "",
            "Few examples give unsteady scores: check the coded answers before using them.",
        ]
    else:
        lines.append(
            f"Suggested from the seed terms of {report.codebook} "
            f"({plural(len(report.themes), 'theme')}); check them before using them."
        )
        lines += [""]
        rows = [[theme, f"{report.counts.get(theme, 0):,}"] for theme in report.themes]
        lines += text_table(["theme", "answers coded"], rows, left_aligned=1)
    lines.append("")
    return "\n".join(lines)

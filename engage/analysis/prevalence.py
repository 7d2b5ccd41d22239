"""How common each theme is, overall and by group, and the tone of answers on it.

Shares are of the people who answered the question (a blank answer is not
"didn't mention the theme"), with Wilson intervals so that small groups show
how little they can tell us. Small cells are not masked here: callers pass the
counts through ``engage.analysis.suppression.suppress_counts`` before anything
leaves the officer role.
"""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path

import nltk
import numpy as np
import numpy.typing as npt
import pandas as pd
from nltk.sentiment.vader import SentimentIntensityAnalyzer

from engage.analysis.targets import wilson_interval

ALL = "All"
# NLTK data folder inside the package: sentiment/vader_lexicon/vader_lexicon.txt
NLTK_DATA = Path(__file__).parent / "data" / "nltk"
VADER_LEXICON = "sentiment/vader_lexicon/vader_lexicon.txt"
# VADER's authors' thresholds for calling a text positive or negative.
POSITIVE_FROM = 0.05
NEGATIVE_TO = -0.05

FloatArray = npt.NDArray[np.float64]


def theme_prevalence(
    coded: pd.DataFrame,
    groups: pd.DataFrame | None = None,
    *,
    weights: pd.Series | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Share of answers mentioning each theme, overall and within each group.

    ``coded``: one row per answer, one 0/1 column per theme; a row that is
    entirely missing (not coded yet) is left out of every base. ``groups``:
    one column per grouping (same index; answers missing from it or with no
    value count in "All" only). A categorical grouping keeps all its
    categories, even empty ones, in its own order; others are sorted.

    Long result, one row per (dimension, group, theme): ``dimension`` and
    ``group`` ("All" and "All" for everyone), ``theme``, ``n_answered``,
    ``n_theme``, ``share`` (NaN on an empty base), ``ci_low`` and ``ci_high``
    (Wilson at ``confidence``), and with ``weights`` also ``weighted_share``:
    the weights of answers with the theme over the weights of all answers in
    the base. The interval stays unweighted: it is the uncertainty of the
    counts actually collected.
    """
    matrix = _theme_matrix(coded)
    answered = matrix.index
    weight = _weights(weights, answered) if weights is not None else None
    frames = _prevalence_rows(matrix, weight, ALL, [(ALL, np.ones(len(answered), dtype=bool))])
    if groups is not None:
        if not groups.index.is_unique:
            raise ValueError("groups must have one row per answer")
        aligned = groups.reindex(answered)
        for dimension in aligned.columns:
            frames += _prevalence_rows(matrix, weight, str(dimension), _masks(aligned[dimension]))
    columns = ["dimension", "group", "theme", "n_answered", "n_theme", "share"]
    columns += ["ci_low", "ci_high"] + (["weighted_share"] if weight is not None else [])
    if not frames:  # no themes
        return pd.DataFrame({column: pd.Series(dtype="object") for column in columns})
    result = pd.concat(frames, ignore_index=True)
    bounds = [
        wilson_interval(int(k), int(n), confidence)
        for k, n in zip(result["n_theme"], result["n_answered"], strict=True)
    ]
    result["ci_low"] = [low for low, _ in bounds]
    result["ci_high"] = [high for _, high in bounds]
    return result[columns]


def co_occurrence(coded: pd.DataFrame) -> pd.DataFrame:
    """Theme by theme: answers coded with both (the diagonal: with the theme at all)."""
    matrix = _theme_matrix(coded).to_numpy(dtype="int64")
    counts = matrix.T @ matrix
    return pd.DataFrame(
        counts,
        index=pd.Index(coded.columns, name="theme"),
        columns=pd.Index(coded.columns, name="theme"),
    )


def tone_by_theme(texts: pd.Series, coded: pd.DataFrame) -> pd.DataFrame:
    """VADER tone of the answers coded with each theme.

    ``texts`` and ``coded`` share an index; answers without text or not coded
    are left out. Columns ``theme``, ``n``, ``mean_compound`` (-1 to 1),
    ``share_negative`` (compound <= -0.05) and ``share_positive`` (>= 0.05).
    VADER was built on social media English: it reads "bare scary" as neutral
    and misses sarcasm, so tone is a pointer to answers worth reading, never
    a finding on its own.
    """
    matrix = _theme_matrix(coded)
    if not texts.index.is_unique:
        raise ValueError("texts must have one row per answer")
    aligned = texts.reindex(matrix.index)
    has_text = np.array([isinstance(text, str) and bool(text.strip()) for text in aligned])
    analyser = vader()
    compound = np.array(
        [
            analyser.polarity_scores(text)["compound"] if keep else math.nan
            for text, keep in zip(aligned, has_text, strict=True)
        ],
        dtype="float64",
    )
    rows = []
    for theme in matrix.columns:
        chosen = compound[(matrix[theme].to_numpy() == 1) & has_text]
        n = int(chosen.size)
        rows.append(
            {
                "theme": theme,
                "n": n,
                "mean_compound": float(chosen.mean()) if n else math.nan,
                "share_negative": float((chosen <= NEGATIVE_TO).mean()) if n else math.nan,
                "share_positive": float((chosen >= POSITIVE_FROM).mean()) if n else math.nan,
            }
        )
    columns = ["theme", "n", "mean_compound", "share_negative", "share_positive"]
    return pd.DataFrame(rows, columns=columns).astype({"n": "int64"})


@lru_cache(maxsize=1)
def vader() -> SentimentIntensityAnalyzer:
    """VADER with the lexicon shipped in this package (no ``nltk.download()``).

    NLTK 3.10 loads lexicons only from its data path, so the package's own
    data folder goes at the front of it (NOTES.md, "Offline NLP").
    """
    folder = str(NLTK_DATA)
    if folder not in nltk.data.path:
        nltk.data.path.insert(0, folder)
    return SentimentIntensityAnalyzer(lexicon_file=VADER_LEXICON)


def _theme_matrix(coded: pd.DataFrame) -> pd.DataFrame:
    """The coded answers as 0/1 integers, rows that are entirely missing dropped."""
    if not coded.index.is_unique:
        raise ValueError("coded must have one row per answer")
    if not coded.columns.is_unique:
        raise ValueError("theme columns must be unique")
    numbers: pd.DataFrame = coded.apply(pd.to_numeric, errors="coerce").astype("float64")
    if numbers.shape[1] > 0:
        numbers = numbers[numbers.notna().any(axis=1)]
    bad = [theme for theme in numbers.columns if not numbers[theme].isin([0.0, 1.0]).all()]
    if bad:
        raise ValueError(f"themes with values other than 0 and 1: {bad!r}")
    return numbers.astype("int64")


def _weights(weights: pd.Series, answered: pd.Index) -> FloatArray:
    if not weights.index.is_unique:
        raise ValueError("weights must have one value per answer")
    values = pd.to_numeric(weights.reindex(answered), errors="coerce").to_numpy(dtype="float64")
    if not np.isfinite(values).all() or (values < 0).any():
        raise ValueError("every answer needs a weight of 0 or more")
    return values


def _masks(column: pd.Series) -> list[tuple[object, npt.NDArray[np.bool_]]]:
    """(group, which answers are in it) for each group in a grouping column."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        labels: list[object] = list(column.cat.categories)
    else:
        present = column.dropna().unique()
        try:
            labels = sorted(present)
        except TypeError:  # mixed types: keep the order they first appear in
            labels = list(present)
    values = column.to_numpy(dtype="object")
    return [(label, values == label) for label in labels]


def _prevalence_rows(
    matrix: pd.DataFrame,
    weight: FloatArray | None,
    dimension: str,
    masks: list[tuple[object, npt.NDArray[np.bool_]]],
) -> list[pd.DataFrame]:
    """One frame per group: counts and shares of every theme among its answers."""
    if matrix.shape[1] == 0:
        return []
    values = matrix.to_numpy(dtype="int64")
    themes = pd.Series(list(matrix.columns), dtype="object")
    frames = []
    for group, mask in masks:
        n_answered = int(mask.sum())
        n_theme = values[mask].sum(axis=0).astype("int64")
        frame = pd.DataFrame(
            {
                "dimension": pd.Series([dimension] * len(themes), dtype="object"),
                "group": pd.Series([group] * len(themes), dtype="object"),
                "theme": themes,
                "n_answered": np.full(len(themes), n_answered, dtype="int64"),
                "n_theme": n_theme,
                "share": n_theme / n_answered if n_answered else np.full(len(themes), np.nan),
            }
        )
        if weight is not None:
            total = float(weight[mask].sum())
            with_theme = weight[mask] @ values[mask]
            frame["weighted_share"] = (
                with_theme / total if total > 0 else np.full(len(themes), np.nan)
            )
        frames.append(frame)
    return frames

"""Agreement between two or more people coding the same answers.

Double-coding a sample and measuring agreement is how a codebook is shown to
be usable by someone other than its author. Per-theme Cohen's kappa says which
themes are defined too loosely; Krippendorff's alpha over the whole set of
themes per answer summarises the codebook.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping

import numpy as np
import numpy.typing as npt
import pandas as pd
from nltk.metrics.agreement import AnnotationTask
from nltk.metrics.distance import masi_distance

IntArray = npt.NDArray[np.int64]


class MismatchedCodings(ValueError):
    """Two codings that do not cover the same items and themes, or are not 0/1.

    ``only_first`` and ``only_second`` hold the items and themes found in one
    coding only; ``bad_themes`` the themes holding values other than 0 and 1.
    """

    def __init__(
        self,
        *,
        only_first: tuple[Hashable, ...] = (),
        only_second: tuple[Hashable, ...] = (),
        bad_themes: tuple[Hashable, ...] = (),
        reason: str = "",
    ) -> None:
        self.only_first = only_first
        self.only_second = only_second
        self.bad_themes = bad_themes
        detail = reason or (
            f"only in first: {list(only_first)!r}; only in second: {list(only_second)!r}; "
            f"not 0/1: {list(bad_themes)!r}"
        )
        super().__init__(f"codings do not match: {detail}")


def kappa_per_theme(first: pd.DataFrame, second: pd.DataFrame) -> pd.DataFrame:
    """Cohen's kappa, raw agreement and use of each theme by two coders.

    ``first`` and ``second``: one row per item, one 0/1 column per theme, the
    same items and themes (order may differ; ``first``'s order is kept).
    Indexed by theme, columns ``kappa``, ``agreement`` (share of items where
    both coders agree), ``n_first`` and ``n_second`` (items each coded with the
    theme). When chance agreement is total (both coders never, or both always,
    use the theme) kappa is undefined and NaN, while agreement is 1.0: report
    such themes as "not enough use to judge", not as failures.
    """
    a, b = _aligned(first, second)
    n = a.shape[0]
    with np.errstate(divide="ignore", invalid="ignore"):
        p_first = a.mean(axis=0) if n else np.full(a.shape[1], np.nan)
        p_second = b.mean(axis=0) if n else np.full(a.shape[1], np.nan)
        observed = (a == b).mean(axis=0) if n else np.full(a.shape[1], np.nan)
        expected = p_first * p_second + (1 - p_first) * (1 - p_second)
        kappa = np.where(expected < 1, (observed - expected) / (1 - expected), np.nan)
    return pd.DataFrame(
        {
            "kappa": kappa.astype("float64"),
            "agreement": observed.astype("float64"),
            "n_first": a.sum(axis=0).astype("int64"),
            "n_second": b.sum(axis=0).astype("int64"),
        },
        index=pd.Index(first.columns, name="theme"),
    )


def krippendorff_alpha(codings: Mapping[str, Mapping[Hashable, frozenset[str]]]) -> float:
    """Krippendorff's alpha over the set of themes given to each item, MASI distance.

    ``codings``: coder -> item -> the themes that coder gave the item. MASI
    gives partial credit when two coders' sets overlap. An item given no theme
    by two coders is agreement (MASI itself is undefined for two empty sets).
    Items seen by one coder only do not count. 1.0 is perfect agreement, 0 is
    chance; Krippendorff suggests relying on values of 0.8 or more and drawing
    only tentative conclusions from 0.667 to 0.8. NaN when no item has two
    coders.
    """
    data = [
        (str(coder), item, frozenset(themes))
        for coder, items in codings.items()
        for item, themes in items.items()
    ]
    coders_per_item: dict[Hashable, int] = {}
    for _, item, _ in data:
        coders_per_item[item] = coders_per_item.get(item, 0) + 1
    if not any(count >= 2 for count in coders_per_item.values()):
        return math.nan
    task = AnnotationTask(data=data, distance=_masi)
    return float(task.alpha())


def disagreements(first: pd.DataFrame, second: pd.DataFrame) -> pd.DataFrame:
    """Each (item, theme) the two coders coded differently, for them to discuss.

    Columns ``item``, ``theme``, ``first`` and ``second`` (0/1), in the order
    of ``first``'s rows and columns.
    """
    a, b = _aligned(first, second)
    rows, cols = np.nonzero(a != b)
    return pd.DataFrame(
        {
            "item": pd.Series(first.index[rows], dtype="object"),
            "theme": pd.Series(first.columns[cols], dtype="object"),
            "first": a[rows, cols].astype("int64"),
            "second": b[rows, cols].astype("int64"),
        }
    )


def _masi(first: frozenset[str], second: frozenset[str]) -> float:
    if not first and not second:
        return 0.0
    return float(masi_distance(first, second))


def _aligned(first: pd.DataFrame, second: pd.DataFrame) -> tuple[IntArray, IntArray]:
    """Both codings as 0/1 arrays, rows and columns in ``first``'s order."""
    for frame in (first, second):
        if not frame.index.is_unique or not frame.columns.is_unique:
            raise MismatchedCodings(reason="items and themes must be unique")
    only_first = tuple(first.index.difference(second.index, sort=False)) + tuple(
        first.columns.difference(second.columns, sort=False)
    )
    only_second = tuple(second.index.difference(first.index, sort=False)) + tuple(
        second.columns.difference(first.columns, sort=False)
    )
    if only_first or only_second:
        raise MismatchedCodings(only_first=only_first, only_second=only_second)
    second = second.reindex(index=first.index, columns=first.columns)
    bad = tuple(
        theme for theme in first.columns if not (_binary(first[theme]) and _binary(second[theme]))
    )
    if bad:
        raise MismatchedCodings(bad_themes=bad)
    return first.to_numpy(dtype="int64"), second.to_numpy(dtype="int64")


def _binary(column: pd.Series) -> bool:
    values = pd.to_numeric(column, errors="coerce")
    return bool(values.isin([0, 1]).all())

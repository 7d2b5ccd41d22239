"""Small-number suppression for every aggregate that leaves the officer role.

UK practice (NOTES.md, "Small numbers"): counts of 1 to 9 are withheld, zeros
are shown, a withheld cell must not be recoverable from the totals published
beside it, no percentages on bases under 10, and bases under 50 flagged as
unreliable.

``suppress_counts`` returns a ``SuppressedTable`` that holds only what may be
published: withheld counts are ``<NA>`` in it and the raw table is not kept, so
a view handed the result has no way back to the hidden numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

PercentOf = Literal["column", "row", "total"]
TOTAL = "Total"
WITHHELD = "[c]"  # ONS's marker for a confidential value
NOT_AVAILABLE = "[x]"  # ONS's marker for a value not available (base too small)

BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class SuppressedTable:
    """A count table safe to publish, with the totals and percentages that go with it.

    ``counts`` (nullable Int64) includes a ``Total`` column of row totals and a
    ``Total`` row of column totals when they were asked for; withheld cells
    are ``<NA>``. ``withheld`` marks every withheld cell and ``secondary`` those
    withheld only to protect another cell (they are at or above the
    threshold). ``percentages`` (nullable Float64, 0 to 100) are ``<NA>`` for
    withheld cells and for bases that are withheld or under the threshold.
    ``bases`` are the published bases of the percentages (the column totals for
    ``percent_of="column"``) and ``unreliable`` flags those under the reliable
    base size.
    """

    counts: pd.DataFrame
    withheld: pd.DataFrame
    secondary: pd.DataFrame
    percentages: pd.DataFrame | None
    bases: pd.Series | None
    unreliable: pd.Series | None
    threshold: int
    percent_of: PercentOf | None

    def display_counts(self) -> pd.DataFrame:
        """Counts as text: "<10" for a small count, "[c]" for one withheld to protect it."""
        small = f"<{self.threshold}"
        text = self.counts.astype("object").map(
            lambda value: WITHHELD if value is pd.NA else f"{int(value):,}"
        )
        primary = self.withheld & ~self.secondary
        return text.mask(primary, small)

    def display_percentages(self, decimals: int = 0) -> pd.DataFrame | None:
        """Percentages as text: "[c]" for a withheld cell, "[x]" where the base is too small."""
        if self.percentages is None:
            return None
        text = self.percentages.astype("object").map(
            lambda value: NOT_AVAILABLE if value is pd.NA else f"{value:.{decimals}f}%"
        )
        return text.mask(self.withheld, WITHHELD)


def suppress_counts(
    table: pd.DataFrame | pd.Series,
    *,
    threshold: int = 10,
    unreliable_base: int = 50,
    row_totals: bool = True,
    column_totals: bool = True,
    percent_of: PercentOf | None = "column",
) -> SuppressedTable:
    """Withhold small counts, and enough others that none can be worked back.

    Primary suppression: counts from 1 to ``threshold - 1`` (including totals)
    are withheld; zeros are shown. Secondary suppression: each published total
    gives an equation (the cells of its row or column add up to it). Where a
    row or column has exactly one withheld member, the next-smallest non-zero
    cell in it is withheld too (a total only when no cell is left), repeated
    to a fixed point. That rule alone can still leave a cell that follows from
    several equations taken together, so the hidden cells are then checked
    with linear algebra: while any withheld value is determined by the
    published ones, another cell beside it is withheld. In the result no
    withheld count can be computed exactly from the published counts and
    totals.

    A Series is treated as a one-column table (its name, or "count", is the
    column) with a ``Total`` row and no row totals. Percentages are of
    ``percent_of``: "column" (each column's total, the default: columns are
    groups being compared), "row", or "total" (the grand total); the matching
    totals must be published.
    """
    if threshold < 1:
        raise ValueError("threshold must be at least 1")
    if isinstance(table, pd.Series):
        frame = table.to_frame(name=table.name if table.name is not None else "count")
        row_totals = False
    else:
        frame = table
    needs_rows = percent_of in ("row", "total")
    needs_columns = percent_of in ("column", "total")
    if (needs_rows and not row_totals) or (needs_columns and not column_totals):
        raise ValueError(f"percent_of={percent_of!r} needs its totals published")
    raw = _whole_counts(frame)
    if TOTAL in frame.index or TOTAL in frame.columns:
        raise ValueError(f"the table already has a {TOTAL!r} row or column; pass it without")

    values, interior = _with_totals(raw, row_totals, column_totals)
    equations = _equations(raw.shape, row_totals, column_totals)
    primary = (values >= 1) & (values < threshold)
    withheld = _protect(values, interior, primary, equations)
    secondary = withheld & ~primary

    index = frame.index.append(pd.Index([TOTAL])) if column_totals else frame.index
    columns = frame.columns.append(pd.Index([TOTAL])) if row_totals else frame.columns
    index.name, columns.name = frame.index.name, frame.columns.name
    published = pd.DataFrame(values, index=index, columns=columns).astype("Int64")
    published = published.mask(withheld, pd.NA)

    percentages = bases = unreliable = None
    if percent_of is not None:
        percentages, bases, unreliable = _percentages(
            values, withheld, percent_of, threshold, unreliable_base, index, columns
        )
    return SuppressedTable(
        counts=published,
        withheld=pd.DataFrame(withheld, index=index, columns=columns),
        secondary=pd.DataFrame(secondary, index=index, columns=columns),
        percentages=percentages,
        bases=bases,
        unreliable=unreliable,
        threshold=threshold,
        percent_of=percent_of,
    )


def _whole_counts(frame: pd.DataFrame) -> IntArray:
    try:
        numbers = frame.to_numpy(dtype="float64", na_value=np.nan)
    except (TypeError, ValueError) as error:
        raise ValueError("counts must be numbers") from error
    if not np.isfinite(numbers).all() or (numbers < 0).any() or (numbers % 1 != 0).any():
        raise ValueError("counts must be whole numbers, 0 or more")
    return numbers.astype("int64")


def _with_totals(
    raw: IntArray, row_totals: bool, column_totals: bool
) -> tuple[IntArray, BoolArray]:
    """The table with its published totals appended, and a mask of the original cells."""
    rows, cols = raw.shape
    values = np.zeros((rows + int(column_totals), cols + int(row_totals)), dtype="int64")
    values[:rows, :cols] = raw
    if row_totals:
        values[:rows, cols] = raw.sum(axis=1)
    if column_totals:
        values[rows, :cols] = raw.sum(axis=0)
    if row_totals and column_totals:
        values[rows, cols] = raw.sum()
    interior = np.zeros(values.shape, dtype=bool)
    interior[:rows, :cols] = True
    return values, interior


def _equations(
    shape: tuple[int, ...], row_totals: bool, column_totals: bool
) -> list[tuple[npt.NDArray[np.intp], npt.NDArray[np.float64]]]:
    """Each published total as (flat positions of its cells and itself, coefficients).

    Row i: sum_j x[i, j] - x[i, Total] = 0, and likewise for columns; the total
    row and column are lines too (their cells are totals, their total is the
    grand total).
    """
    rows, cols = shape
    width = cols + int(row_totals)
    height = rows + int(column_totals)
    equations = []
    if row_totals:
        for i in range(height):
            members = np.array([i * width + j for j in range(cols)] + [i * width + cols])
            equations.append((members, np.r_[np.ones(cols), -1.0]))
    if column_totals:
        for j in range(width):
            members = np.array([i * width + j for i in range(rows)] + [rows * width + j])
            equations.append((members, np.r_[np.ones(rows), -1.0]))
    return equations


def _protect(
    values: IntArray,
    interior: BoolArray,
    primary: BoolArray,
    equations: list[tuple[npt.NDArray[np.intp], npt.NDArray[np.float64]]],
) -> BoolArray:
    """The cells to withhold: ``primary`` plus secondary suppression."""
    flat_values = values.ravel()
    flat_interior = interior.ravel()
    flat_withheld = primary.flatten()
    if not equations:
        return flat_withheld.reshape(primary.shape)
    matrix = np.zeros((len(equations), flat_values.size))
    for row, (members, coefficients) in enumerate(equations):
        matrix[row, members] = coefficients

    def withhold_beside(members: npt.NDArray[np.intp]) -> bool:
        candidates = members[~flat_withheld[members] & (flat_values[members] > 0)]
        if candidates.size == 0:
            return False
        # Smallest non-zero cell first, costing the least information; totals last.
        order = np.lexsort((flat_values[candidates], ~flat_interior[candidates]))
        flat_withheld[candidates[order[0]]] = True
        return True

    while True:
        changed = True
        while changed:
            changed = False
            for members, _ in equations:
                if flat_withheld[members].sum() == 1:
                    changed |= withhold_beside(members)
        determined = _determined(matrix, flat_withheld)
        if determined.size == 0:
            return flat_withheld.reshape(primary.shape)
        cell = determined[0]
        lines = [members for members, _ in equations if cell in members]
        if not any(withhold_beside(members) for members in lines):
            # Every neighbour is withheld or zero: fall back to the smallest
            # published non-zero cell anywhere. Once every non-zero value is
            # withheld nothing is determined, so this ends.
            withhold_beside(np.flatnonzero(~flat_withheld & (flat_values > 0)))


def _determined(matrix: npt.NDArray[np.float64], withheld: BoolArray) -> npt.NDArray[np.intp]:
    """Flat positions of withheld values that the published values pin down exactly.

    With the published values moved to the right-hand side, the withheld ones
    solve A_h x_h = b. A value is determined when every direction in the null
    space of A_h leaves it unchanged.
    """
    hidden = np.flatnonzero(withheld)
    if hidden.size == 0:
        return hidden
    reduced = matrix[:, hidden]
    _, singular, vh = np.linalg.svd(reduced, full_matrices=True)
    rank = int((singular > 1e-9 * max(singular.max(initial=0.0), 1.0)).sum())
    null_space = vh[rank:]
    if null_space.shape[0] == 0:
        return hidden
    moves: npt.NDArray[np.float64] = np.linalg.norm(null_space, axis=0)
    return hidden[moves < 1e-8]


def _percentages(
    values: IntArray,
    withheld: BoolArray,
    percent_of: PercentOf,
    threshold: int,
    unreliable_base: int,
    index: pd.Index,
    columns: pd.Index,
) -> tuple[pd.DataFrame, pd.Series, pd.Series]:
    last_row, last_col = values.shape[0] - 1, values.shape[1] - 1
    if percent_of == "column":
        base, base_withheld = values[last_row, :], withheld[last_row, :]
        base_grid = np.broadcast_to(base, values.shape)
        hidden_base = np.broadcast_to(base_withheld, values.shape)
        base_index = columns
    elif percent_of == "row":
        base, base_withheld = values[:, last_col], withheld[:, last_col]
        base_grid = np.broadcast_to(base[:, None], values.shape)
        hidden_base = np.broadcast_to(base_withheld[:, None], values.shape)
        base_index = index
    else:
        base = values[last_row, last_col : last_col + 1]
        base_withheld = withheld[last_row, last_col : last_col + 1]
        base_grid = np.broadcast_to(base, values.shape)
        hidden_base = np.broadcast_to(base_withheld, values.shape)
        base_index = pd.Index([TOTAL])
    shown = ~withheld & ~hidden_base & (base_grid >= threshold)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(shown, 100 * values / base_grid, np.nan)
    percentages = pd.DataFrame(share, index=index, columns=columns).astype("Float64")
    bases = pd.Series(base, index=base_index, name="base").astype("Int64").mask(base_withheld)
    unreliable = pd.Series(base < unreliable_base, index=base_index, name="unreliable")
    return percentages, bases, unreliable

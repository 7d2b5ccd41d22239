import dataclasses

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engage.analysis.suppression import SuppressedTable, suppress_counts


def determined_cells(result: SuppressedTable) -> list[tuple[object, object]]:
    """Withheld cells whose value follows exactly from the published counts.

    Independent of the implementation: from the published table alone, each
    row and each column with a published Total gives an equation; a withheld
    cell is determined when its unit vector lies in the row space of the
    equations restricted to the withheld cells (rank test).
    """
    table = result.counts
    rows, cols = list(table.index), list(table.columns)
    position = {(r, c): i for i, (r, c) in enumerate((r, c) for r in rows for c in cols)}
    equations = []
    if "Total" in cols:
        for r in rows:
            line = np.zeros(len(position))
            for c in cols:
                line[position[r, c]] = -1.0 if c == "Total" else 1.0
            equations.append(line)
    if "Total" in rows:
        for c in cols:
            line = np.zeros(len(position))
            for r in rows:
                line[position[r, c]] = -1.0 if r == "Total" else 1.0
            equations.append(line)
    hidden = [(r, c) for r in rows for c in cols if result.withheld.loc[r, c]]
    if not hidden or not equations:
        return []
    matrix = np.array(equations)[:, [position[cell] for cell in hidden]]
    rank = np.linalg.matrix_rank(matrix)
    determined = []
    for k, cell in enumerate(hidden):
        unit = np.zeros(len(hidden))
        unit[k] = 1.0
        if np.linalg.matrix_rank(np.vstack([matrix, unit])) == rank:
            determined.append(cell)
    return determined


def test_small_counts_are_withheld_and_zeros_shown() -> None:
    table = pd.DataFrame(
        {"Girls": [0, 12, 40], "Boys": [3, 25, 38]}, index=["Never", "Sometimes", "Often"]
    )
    before = table.copy()
    result = suppress_counts(table, row_totals=False)
    pd.testing.assert_frame_equal(table, before)  # input untouched
    display = result.display_counts()
    assert display.loc["Never", "Girls"] == "0"
    assert display.loc["Never", "Boys"] == "<10"
    # Boys' total is published, so a second Boys cell goes: the smallest, 25.
    assert display.loc["Sometimes", "Boys"] == "[c]"
    assert display.loc["Often", "Boys"] == "38"
    assert display.loc["Total", "Boys"] == "66"
    assert result.secondary.loc["Sometimes", "Boys"]
    assert not result.secondary.loc["Never", "Boys"]
    assert result.counts.loc["Never", "Boys"] is pd.NA


def test_secondary_suppression_in_rows_and_columns() -> None:
    table = pd.DataFrame({"A": [5, 20, 30], "B": [40, 25, 35], "C": [0, 12, 44]}, index=list("xyz"))
    result = suppress_counts(table)
    withheld = result.withheld
    assert withheld.loc["x", "A"]  # primary
    assert withheld.loc["x", "B"]  # the only other non-zero cell in row x
    assert withheld.to_numpy().sum() == 4  # and a rectangle closes it: y/A and y/B
    assert withheld.loc["y", "A"] and withheld.loc["y", "B"]
    assert determined_cells(result) == []
    assert result.display_counts().loc["Total"].tolist() == ["55", "100", "56", "211"]


def test_a_cell_bridging_two_protected_blocks_is_protected_too() -> None:
    # Every row and column has 0 or at least 2 small cells, yet the 5 at
    # (r1, c2) follows from rows r0-r1 and columns c0-c1 together: the rule of
    # one per line is not enough on its own.
    table = pd.DataFrame(
        [[5, 5, 50, 50], [5, 5, 5, 50], [50, 50, 5, 5], [50, 50, 5, 5]],
        index=["r0", "r1", "r2", "r3"],
        columns=["c0", "c1", "c2", "c3"],
    )
    result = suppress_counts(table)
    assert result.withheld.to_numpy().sum() > 9
    assert determined_cells(result) == []


def test_a_total_alone_in_its_line_is_protected() -> None:
    table = pd.DataFrame([[5, 0, 0], [0, 20, 0], [0, 0, 30]])
    result = suppress_counts(table)
    display = result.display_counts()
    assert display.loc[0, "Total"] == "<10"  # the row total equals the 5
    assert display.loc["Total", 0] == "<10"
    assert determined_cells(result) == []


def test_series_is_a_column_with_a_total() -> None:
    counts = pd.Series({"Yes": 3, "No": 50, "Unsure": 12}, name="Feel safe")
    result = suppress_counts(counts)
    assert list(result.counts.columns) == ["Feel safe"]
    assert result.display_counts()["Feel safe"].tolist() == ["<10", "50", "[c]", "65"]
    percentages = result.display_percentages()
    assert percentages is not None
    assert percentages["Feel safe"].tolist() == ["[c]", "77%", "[c]", "100%"]


def test_percentages_need_a_base_of_at_least_the_threshold_and_flag_small_bases() -> None:
    table = pd.DataFrame({"Small": [4, 4], "Medium": [15, 20], "Large": [200, 100]})
    result = suppress_counts(table, row_totals=False)
    assert result.percentages is not None and result.bases is not None
    assert result.unreliable is not None
    # "Small" (base 8) is itself withheld; no percentages for it.
    assert result.percentages["Small"].isna().all()
    assert result.bases["Small"] is pd.NA
    assert result.percentages.loc[0, "Medium"] == pytest.approx(100 * 15 / 35)
    assert result.percentages.loc[0, "Large"] == pytest.approx(100 * 200 / 300)
    assert result.unreliable.to_dict() == {"Small": True, "Medium": True, "Large": False}
    display = result.display_percentages(decimals=1)
    assert display is not None
    assert display.loc[0, "Small"] == "[c]"
    assert display.loc[0, "Medium"] == "42.9%"


def test_percent_of_row_and_total() -> None:
    table = pd.DataFrame({"A": [30, 10], "B": [70, 90]})
    by_row = suppress_counts(table, percent_of="row")
    assert by_row.percentages is not None
    assert by_row.percentages.loc[0].tolist() == pytest.approx([30, 70, 100])
    by_total = suppress_counts(table, percent_of="total")
    assert by_total.percentages is not None
    assert by_total.percentages.loc["Total", "Total"] == pytest.approx(100)
    assert by_total.percentages.loc[1, "B"] == pytest.approx(45)
    with pytest.raises(ValueError):
        suppress_counts(table, row_totals=False, percent_of="row")
    assert suppress_counts(table, percent_of=None).percentages is None


def test_public_result_holds_no_raw_counts() -> None:
    table = pd.DataFrame({"A": [7, 23], "B": [31, 44]})
    result = suppress_counts(table)
    published = [
        value
        for field in dataclasses.fields(result)
        for value in np.ravel(np.asarray(getattr(result, field.name), dtype=object))
    ]
    numbers = [float(v) for v in published if isinstance(v, int | float | np.number)]
    # The 7 takes 31 (its row), 23 (its column) and then 44 with it; the totals
    # stay, leaving one unknown degree of freedom.
    assert result.withheld.loc[[0, 1], ["A", "B"]].all().all()
    assert not {7.0, 23.0, 31.0, 44.0} & set(numbers)
    assert {38.0, 67.0, 30.0, 75.0, 105.0} <= set(numbers)
    assert determined_cells(result) == []


def test_rejects_what_is_not_a_count_table() -> None:
    with pytest.raises(ValueError):
        suppress_counts(pd.DataFrame({"A": [1.5]}))
    with pytest.raises(ValueError):
        suppress_counts(pd.DataFrame({"A": [-1]}))
    with pytest.raises(ValueError):
        suppress_counts(pd.DataFrame({"A": [None]}, dtype="Int64"))
    with pytest.raises(ValueError):
        suppress_counts(pd.DataFrame({"A": [1], "Total": [1]}))


count = st.one_of(st.just(0), st.integers(1, 9), st.integers(10, 80))


@st.composite
def count_tables(draw: st.DrawFn) -> pd.DataFrame:
    rows = draw(st.integers(1, 5))
    cols = draw(st.integers(1, 4))
    values = draw(st.lists(count, min_size=rows * cols, max_size=rows * cols))
    return pd.DataFrame(
        np.array(values).reshape(rows, cols),
        index=[f"r{i}" for i in range(rows)],
        columns=[f"c{j}" for j in range(cols)],
    )


@settings(max_examples=150, deadline=None)
@given(count_tables(), st.booleans(), st.booleans())
def test_nothing_under_the_threshold_leaks(
    table: pd.DataFrame, row_totals: bool, column_totals: bool
) -> None:
    result = suppress_counts(
        table, row_totals=row_totals, column_totals=column_totals, percent_of=None
    )
    shown = result.counts.to_numpy(dtype=object)
    for value in shown.ravel():
        assert value is pd.NA or value == 0 or value >= 10
    display = result.display_counts().to_numpy().ravel()
    assert all(text in ("<10", "[c]", "0") or int(text.replace(",", "")) >= 10 for text in display)
    # Published values are the true ones, and withheld ones cannot be worked out.
    interior = result.counts.loc[table.index, table.columns]
    assert ((interior == table) | interior.isna()).all().all()
    assert determined_cells(result) == []


@settings(max_examples=60, deadline=None)
@given(count_tables())
def test_percentages_never_shown_for_small_or_withheld_bases(table: pd.DataFrame) -> None:
    result = suppress_counts(table)
    assert result.percentages is not None and result.bases is not None
    for column in result.percentages.columns:
        base = result.bases[column]
        if base is pd.NA or base < 10:
            assert result.percentages[column].isna().all()
    assert (result.percentages.isna() | ~result.withheld).all().all()

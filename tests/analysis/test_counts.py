from datetime import date

import pandas as pd

from engage.analysis.counts import counts_by_day_and_channel


def test_counts_pivot_fills_gaps_and_totals() -> None:
    counts = pd.DataFrame(
        {
            "date": [date(2026, 11, 2), date(2026, 11, 2), date(2026, 11, 4)],
            "channel": ["School", "Instagram", "School"],
            "count": [5, 2, 3],
        }
    )
    table = counts_by_day_and_channel(counts)
    assert list(table.columns) == ["Instagram", "School", "Total"]
    assert list(table.index) == [date(2026, 11, 2), date(2026, 11, 3), date(2026, 11, 4), "Total"]
    assert table.loc[date(2026, 11, 3)].tolist() == [0, 0, 0]
    assert table.loc["Total"].tolist() == [2, 8, 10]
    assert counts["count"].tolist() == [5, 2, 3]  # input untouched


def test_counts_of_nothing_is_empty() -> None:
    table = counts_by_day_and_channel(pd.DataFrame(columns=["date", "channel", "count"]))
    assert table.empty

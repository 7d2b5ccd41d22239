from __future__ import annotations

import pandas as pd


def counts_by_day_and_channel(counts: pd.DataFrame) -> pd.DataFrame:
    """Pivot (date, channel, count) rows into one row per day and one column per channel.

    Days with no responses between the first and last are included as zeros, so
    a gap in arrivals is visible rather than silently skipped. A ``Total``
    column and row are added.
    """
    if counts.empty:
        return pd.DataFrame(columns=["Total"], dtype="int64")
    table = counts.pivot_table(
        index="date", columns="channel", values="count", aggfunc="sum", fill_value=0
    )
    days = pd.date_range(min(table.index), max(table.index), freq="D").date
    table = table.reindex(days, fill_value=0)
    table = table.reindex(sorted(table.columns, key=str.lower), axis=1)
    table["Total"] = table.sum(axis=1)
    table.loc["Total"] = table.sum(axis=0)
    table.index.name = "date"
    table.columns.name = None
    return table.astype("int64")

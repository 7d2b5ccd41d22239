"""Charts for the Youth Assembly's pages, drawn for phones: short label lines, room per bar."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import plotly.graph_objects as go

from engage.charts import FONT, SAMPLE, figure_json, interval_bars

LABEL_WIDTH = 22  # characters per line of a theme's name beside its bar


def theme_shares(
    themes: Sequence[str],
    share_pct: Sequence[float | None],
    low_pct: Sequence[float | None],
    high_pct: Sequence[float | None],
    *,
    title: str,
) -> str:
    """Horizontal bars: the share who mentioned each theme, with 95% intervals.

    A theme whose share is hidden (``None``: too few people) gets no bar and
    says so on hover, so the chart never shows what the figures beside it hide.
    """
    labels = ["<br>".join(textwrap.wrap(name, LABEL_WIDTH)) or name for name in themes]
    lines = sum(label.count("<br>") + 1 for label in labels)
    hover = [
        f"{name}: {pct:.0f}% (95% CI {low:.0f}–{high:.0f}%)"
        if pct is not None and low is not None and high is not None
        else f"{name}: fewer than 10 people, or too few answers for a share"
        for name, pct, low, high in zip(themes, share_pct, low_pct, high_pct, strict=True)
    ]
    figure = go.Figure(
        go.Bar(
            y=labels,
            x=list(share_pct),
            orientation="h",
            marker_color=SAMPLE,
            error_x=interval_bars(share_pct, low_pct, high_pct),
            hovertext=hover,
            hovertemplate="%{hovertext}<extra></extra>",
        )
    )
    figure.update_layout(
        title={"text": title, "font": {"size": 15}},
        height=max(220, 90 + 22 * lines + 14 * len(labels)),
        margin={"l": 10, "r": 10, "t": 40, "b": 30},
        font={"family": FONT, "size": 13},
        showlegend=False,
        bargap=0.35,
        xaxis={"ticksuffix": "%", "rangemode": "tozero", "fixedrange": True},
        yaxis={"autorange": "reversed", "automargin": True, "fixedrange": True},
        plot_bgcolor="white",
    )
    return figure_json(figure)

"""Plotly figures for officer pages, built in Python and handed to the page as JSON.

The page renders each figure from a ``<script type="application/json">`` block
with the self-hosted plotly.js, so no inline script is needed and the Content
Security Policy stays ``script-src 'self'``.
"""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

SAMPLE = "#1d4f91"
POPULATION = "#b1b4b6"
FONT = "system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif"


def figure_json(figure: go.Figure) -> str:
    # "</" would end the script block early.
    return str(figure.to_json()).replace("</", "<\\/")


def share_comparison(
    categories: Sequence[str],
    sample_pct: Sequence[float | None],
    population_pct: Sequence[float],
    *,
    title: str,
    masked: Sequence[bool],
) -> str:
    """Horizontal bars: our respondents against the population, per category.

    Masked categories (fewer than the threshold) get no respondent bar and say so
    on hover, so the chart never shows what the table hides.
    """
    hover = [
        "Respondents: fewer than 10" if hide else f"Respondents: {pct:.1f}%"
        for pct, hide in zip(sample_pct, masked, strict=True)
    ]
    figure = go.Figure(
        [
            go.Bar(
                name="Population",
                y=list(categories),
                x=list(population_pct),
                orientation="h",
                marker_color=POPULATION,
                hovertemplate="Population: %{x:.1f}%<extra></extra>",
            ),
            go.Bar(
                name="Respondents",
                y=list(categories),
                x=[None if hide else pct for pct, hide in zip(sample_pct, masked, strict=True)],
                orientation="h",
                marker_color=SAMPLE,
                hovertext=hover,
                hovertemplate="%{hovertext}<extra></extra>",
            ),
        ]
    )
    figure.update_layout(
        title={"text": title, "font": {"size": 16}},
        barmode="group",
        height=max(220, 60 + 46 * len(categories)),
        margin={"l": 10, "r": 10, "t": 40, "b": 30},
        font={"family": FONT, "size": 13},
        legend={"orientation": "h", "y": -0.12},
        xaxis={"ticksuffix": "%", "rangemode": "tozero"},
        yaxis={"autorange": "reversed", "automargin": True},
        plot_bgcolor="white",
    )
    return figure_json(figure)


def prevalence_chart(
    themes: Sequence[str],
    share_pct: Sequence[float | None],
    low_pct: Sequence[float | None],
    high_pct: Sequence[float | None],
    *,
    title: str,
) -> str:
    """Horizontal bars: the share of people mentioning each theme, with 95% intervals.

    A theme whose count is withheld (``None``) gets no bar and says so on hover,
    so the chart never shows what the table hides.
    """
    shown = [pct is not None for pct in share_pct]
    hover = [
        f"{pct:.0f}% (95% CI {low:.0f}–{high:.0f}%)"
        if pct is not None and low is not None and high is not None
        else "Fewer than 10 people, or too few answers for a share"
        for pct, low, high in zip(share_pct, low_pct, high_pct, strict=True)
    ]
    figure = go.Figure(
        go.Bar(
            y=list(themes),
            x=[pct if keep else None for pct, keep in zip(share_pct, shown, strict=True)],
            orientation="h",
            marker_color=SAMPLE,
            error_x=interval_bars(share_pct, low_pct, high_pct),
            hovertext=hover,
            hovertemplate="%{y}: %{hovertext}<extra></extra>",
        )
    )
    figure.update_layout(
        title={"text": title, "font": {"size": 16}},
        height=max(220, 60 + 30 * len(themes)),
        margin={"l": 10, "r": 10, "t": 40, "b": 30},
        font={"family": FONT, "size": 13},
        showlegend=False,
        xaxis={"ticksuffix": "%", "rangemode": "tozero"},
        yaxis={"autorange": "reversed", "automargin": True},
        plot_bgcolor="white",
    )
    return figure_json(figure)


def interval_bars(
    share_pct: Sequence[float | None],
    low_pct: Sequence[float | None],
    high_pct: Sequence[float | None],
) -> dict[str, object]:
    """Plotly error bars for confidence intervals around shares; none where a share is hidden."""
    return {
        "type": "data",
        "symmetric": False,
        "array": [
            (high - pct) if pct is not None and high is not None else None
            for pct, high in zip(share_pct, high_pct, strict=True)
        ],
        "arrayminus": [
            (pct - low) if pct is not None and low is not None else None
            for pct, low in zip(share_pct, low_pct, strict=True)
        ],
        "color": "#0b0c0c",
        "thickness": 1.2,
    }

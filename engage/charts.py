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

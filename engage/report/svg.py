"""Charts for printed documents, drawn on the server as inline SVG.

The engagement report is read on paper and saved as PDF. Plotly draws with
JavaScript after the page loads, and a browser's print preview does not always
wait for it; an SVG that is already in the HTML prints exactly as it shows,
needs no script (the page works under any CSP) and stays sharp at any size.
Every number a chart draws is also in the table beside it, and a masked count
gets no bar, so the chart never shows what the table hides.

Templates do no arithmetic: all geometry is worked out here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import count

from markupsafe import Markup, escape

SAMPLE = "#1d4f91"
POPULATION = "#b1b4b6"
INK = "#0b0c0c"
MUTED = "#484949"
SERIES = ("#1d4f91", "#d4351c", "#00703c", "#4c2c92", "#f47738", "#5694ca", "#85994b")
WIDTH = 640
LABEL_WIDTH = 210
VALUE_WIDTH = 70
FONT = 'font-family="system-ui, Arial, sans-serif"'
_ids = count(1)


@dataclass(frozen=True)
class Comparison:
    label: str
    sample: float | None  # 0-1; None when the count is masked
    population: float  # 0-1
    note: str = ""  # shown instead of a value when ``sample`` is None


@dataclass(frozen=True)
class Share:
    label: str
    share: float | None  # 0-1; None when masked
    low: float | None = None
    high: float | None = None
    note: str = ""


@dataclass(frozen=True)
class Line:
    name: str
    values: Sequence[float | None]


def _text(
    x: float,
    y: float,
    content: str,
    *,
    anchor: str = "start",
    size: int = 13,
    fill: str = INK,
    rotate: bool = False,
) -> str:
    turn = f' transform="rotate(-90 {x:.1f} {y:.1f})"' if rotate else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" '
        f'fill="{fill}"{turn} {FONT}>{escape(content)}</text>'
    )


def _open(height: float, title: str, description: str) -> tuple[str, str]:
    ident = f"chart-{next(_ids)}"
    head = (
        f'<svg class="chart-svg" viewBox="0 0 {WIDTH} {height:.0f}" width="100%" '
        f'role="img" aria-labelledby="{ident}-t {ident}-d" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{ident}-t">{escape(title)}</title>'
        f'<desc id="{ident}-d">{escape(description)}</desc>'
    )
    return head, "</svg>"


def _svg(parts: list[str]) -> Markup:
    # Safe: every piece of text went through ``escape`` in ``_text`` or ``_open``; the
    # rest is markup built here from numbers.
    return Markup("".join(parts))  # noqa: S704


def _bar_area(scale: float) -> tuple[float, float]:
    """Left edge and width of the bars, and the pixels per unit share."""
    left = LABEL_WIDTH
    width = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    return left, width / scale if scale > 0 else width


def _label(label: str, limit: int = 27) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def comparison_chart(rows: Sequence[Comparison], *, title: str) -> Markup:
    """Respondents against the population per group: a dark bar over a grey one."""
    row_height = 34
    top = 28
    height = top + row_height * len(rows) + 10
    scale = max([r.population for r in rows] + [r.sample or 0.0 for r in rows] + [0.01])
    left, per_unit = _bar_area(scale)
    head, tail = _open(
        height,
        title,
        "Dark bars: share of respondents. Grey bars: share of the population. "
        "Groups whose count is withheld have no dark bar.",
    )
    parts = [
        head,
        f'<rect x="{left}" y="4" width="12" height="12" fill="{SAMPLE}"/>',
        _text(left + 16, 15, "Respondents", size=12),
        f'<rect x="{left + 110}" y="4" width="12" height="12" fill="{POPULATION}"/>',
        _text(left + 126, 15, "Population", size=12),
    ]
    for n, row in enumerate(rows):
        y = top + n * row_height
        parts.append(_text(left - 8, y + 18, _label(row.label), anchor="end", size=12))
        parts.append(
            f'<rect x="{left}" y="{y + 17:.1f}" width="{row.population * per_unit:.1f}" '
            f'height="10" fill="{POPULATION}"/>'
        )
        if row.sample is None:
            parts.append(_text(left + 2, y + 12, row.note, size=11, fill=MUTED))
        else:
            parts.append(
                f'<rect x="{left}" y="{y + 4:.1f}" width="{row.sample * per_unit:.1f}" '
                f'height="12" fill="{SAMPLE}"/>'
            )
            parts.append(
                _text(left + row.sample * per_unit + 4, y + 14, f"{row.sample * 100:.0f}%", size=11)
            )
        parts.append(
            _text(
                left + row.population * per_unit + 4,
                y + 27,
                f"{row.population * 100:.0f}%",
                size=11,
                fill=MUTED,
            )
        )
    parts.append(tail)
    return _svg(parts)


def share_chart(rows: Sequence[Share], *, title: str) -> Markup:
    """Share of people mentioning each theme, with its 95% interval as a whisker."""
    row_height = 26
    top = 8
    height = top + row_height * len(rows) + 8
    scale = max([r.high or r.share or 0.0 for r in rows] + [0.01])
    left, per_unit = _bar_area(scale)
    head, tail = _open(
        height,
        title,
        "Bars: share of the people who wrote an answer who mentioned each theme; lines: 95% "
        "confidence intervals. Themes whose count is withheld have no bar.",
    )
    parts = [head]
    for n, row in enumerate(rows):
        y = top + n * row_height
        parts.append(_text(left - 8, y + 15, _label(row.label), anchor="end", size=12))
        if row.share is None:
            parts.append(_text(left + 4, y + 15, row.note, size=11, fill=MUTED))
            continue
        parts.append(
            f'<rect x="{left}" y="{y + 4:.1f}" width="{row.share * per_unit:.1f}" height="14" '
            f'fill="{SAMPLE}"/>'
        )
        end = row.share
        if row.low is not None and row.high is not None:
            x1, x2 = left + row.low * per_unit, left + row.high * per_unit
            parts.append(
                f'<line x1="{x1:.1f}" x2="{x2:.1f}" y1="{y + 11:.1f}" y2="{y + 11:.1f}" '
                f'stroke="{INK}" stroke-width="1.2"/>'
            )
            end = row.high
        parts.append(_text(left + end * per_unit + 6, y + 15, f"{row.share * 100:.0f}%", size=11))
    parts.append(tail)
    return _svg(parts)


def line_chart(
    x_labels: Sequence[str], lines: Sequence[Line], *, title: str, y_label: str
) -> Markup:
    """Values over successive waves: a line with markers per series (a gap where None)."""
    height = 240
    left, right, top, bottom = 56, 16, 16, 64
    inner_w = WIDTH - left - right
    inner_h = height - top - bottom
    values = [v for line in lines for v in line.values if v is not None]
    high = max([*values, 0.1]) * 1.15
    head, tail = _open(height, title, f"{y_label} for each wave, one line per series.")
    parts = [head]
    steps = 4
    for k in range(steps + 1):
        value = high * k / steps
        y = top + inner_h - inner_h * k / steps
        parts.append(
            f'<line x1="{left}" x2="{WIDTH - right}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="#e6e6e6" stroke-width="1"/>'
        )
        parts.append(_text(left - 6, y + 4, f"{value:.2f}", anchor="end", size=11, fill=MUTED))
    parts.append(
        _text(12, top + inner_h / 2, y_label, anchor="middle", size=11, fill=MUTED, rotate=True)
    )
    positions = len(x_labels)

    def x_of(i: int) -> float:
        return left + (inner_w / 2 if positions == 1 else inner_w * i / (positions - 1))

    for i, label in enumerate(x_labels):
        parts.append(
            _text(x_of(i), height - bottom + 18, _label(label, 24), anchor="middle", size=11)
        )
    for n, line in enumerate(lines):
        colour = SERIES[n % len(SERIES)]
        points = [
            (x_of(i), top + inner_h - inner_h * v / high)
            for i, v in enumerate(line.values)
            if v is not None
        ]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>'
            )
        for x, y in points:
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>')
        legend_x = left + (n % 4) * 150
        legend_y = height - 22 + (n // 4) * 14
        parts.append(
            f'<rect x="{legend_x}" y="{legend_y - 9}" width="10" height="10" fill="{colour}"/>'
        )
        parts.append(_text(legend_x + 14, legend_y, _label(line.name, 20), size=11))
    parts.append(tail)
    return _svg(parts)

"""A stacked bar chart as plain geometry, drawn by a template as inline SVG: readable without
JavaScript, no chart library, and a table alternative next to it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 640
HEIGHT = 240
LEFT = 36  # room for the axis labels
BOTTOM = 26
TOP = 8


@dataclass(frozen=True, slots=True)
class Segment:
    series: str
    value: int
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    total: int
    x: float
    segments: tuple[Segment, ...]


@dataclass(frozen=True, slots=True)
class Chart:
    bars: tuple[Bar, ...]
    ticks: tuple[tuple[float, int], ...]  # (y, value) of the horizontal grid lines
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    baseline: float = HEIGHT - BOTTOM


def _step(top: int) -> int:
    """A round grid step giving three to five lines up to `top`."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000):
        if top / step <= 5:
            return step
    return 10 ** len(str(top))


def stacked_bars(
    labels: Sequence[str], series: Sequence[str], values: Sequence[Sequence[int]]
) -> Chart:
    """`values[i][j]`: bar i, series j (stacked bottom to top in `series` order)."""
    top = max([sum(v) for v in values] + [1])
    step = _step(top)
    scale_top = ((top + step - 1) // step) * step
    plot = HEIGHT - BOTTOM - TOP
    slot = (WIDTH - LEFT) / max(len(labels), 1)
    bar_width = slot * 0.64
    bars = []
    for i, label in enumerate(labels):
        x = LEFT + i * slot + (slot - bar_width) / 2
        y = float(HEIGHT - BOTTOM)
        segments = []
        for name, value in zip(series, values[i], strict=True):
            height = plot * value / scale_top
            y -= height
            segments.append(
                Segment(
                    name, value, round(x, 1), round(y, 1), round(bar_width, 1), round(height, 1)
                )
            )
        bars.append(Bar(label, sum(values[i]), round(x, 1), tuple(segments)))
    ticks = tuple(
        (round(HEIGHT - BOTTOM - plot * v / scale_top, 1), v) for v in range(0, scale_top + 1, step)
    )
    return Chart(tuple(bars), ticks)

"""Geometry of the dashboard's SVG bar charts (drawn by templates/reports/_charts.html).

A 360-unit-wide view box reads well on a 390 px phone; colours come from CSS classes, since
the CSP forbids style attributes.
"""

from dataclasses import dataclass

from portal.reports import Bars

WIDTH = 360
LABEL_WIDTH = 130
BAR_HEIGHT = 16
GAP = 6
COLUMN_AREA = 150


@dataclass
class DrawnBar:
    """One bar: where it is and what it says."""

    label: str
    value: int
    x: float
    y: float
    width: float
    height: float


@dataclass
class DrawnChart:
    """A chart ready to draw: its bars and the view box they fit in."""

    chart: Bars
    bars: list[DrawnBar]
    height: float

    @property
    def view_box(self) -> str:
        """The SVG view box."""
        return f"0 0 {WIDTH} {self.height:g}"


def draw(chart: Bars) -> DrawnChart:
    """Horizontal bars with labels on the left, or columns over time with labels beneath."""
    return draw_columns(chart) if chart.over_time else draw_rows(chart)


def draw_rows(chart: Bars) -> DrawnChart:
    """One horizontal bar per label, scaled to the largest value."""
    largest = max((value for _label, value in chart.bars), default=0) or 1
    room = WIDTH - LABEL_WIDTH - 40
    bars = [
        DrawnBar(
            label, value, LABEL_WIDTH, i * (BAR_HEIGHT + GAP), room * value / largest, BAR_HEIGHT
        )
        for i, (label, value) in enumerate(chart.bars)
    ]
    return DrawnChart(chart, bars, max(1, len(bars)) * (BAR_HEIGHT + GAP))


def draw_columns(chart: Bars) -> DrawnChart:
    """One column per period, left to right, scaled to the largest value."""
    largest = max((value for _label, value in chart.bars), default=0) or 1
    count = max(1, len(chart.bars))
    step = (WIDTH - 20) / count
    bars = []
    for i, (label, value) in enumerate(chart.bars):
        height = COLUMN_AREA * value / largest
        bars.append(
            DrawnBar(
                label, value, 10 + i * step, 20 + COLUMN_AREA - height, max(2.0, step * 0.7), height
            )
        )
    return DrawnChart(chart, bars, COLUMN_AREA + 50)

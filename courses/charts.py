"""The progress report's two charts, drawn on the server as SVG: their data and geometry.

Coordinates are in a 360-unit-wide viewBox, about a phone's width, so that text drawn at 11–12
units reads at that size on a 390 px phone; the stylesheet caps the width on larger screens.
Colours come from CSS classes (the CSP forbids style attributes).
"""

import math
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import get_timezone
from flask_babel import gettext as _
from sqlalchemy import func, select

from courses.models import Enrolment
from courses.services.reports import NO_REGION, LearnerRow
from portal.extensions import db
from portal.models import Region, User, utcnow

WIDTH = 360
MAX_MONTHS = 24
MONTH_LABELS = 6  # at most this many month names under the bars, so they never overlap


@dataclass
class RegionCount:
    """Learners of a course from one region, and how many of them completed it."""

    code: str
    name: str
    learners: int = 0
    completed: int = 0


def learners_by_region(course, regions: list[Region], language: str) -> list[RegionCount]:
    """Every region with the course's learners and completions, in one grouped query;
    learners who gave no region come last, when there are any."""
    query = (
        select(User.region_id, func.count(), func.count(Enrolment.completed_at))
        .join(User, User.id == Enrolment.user_id)
        .where(Enrolment.course_id == course.id)
        .group_by(User.region_id)
    )
    counts = {
        region_id: (learners, done) for region_id, learners, done in db.session.execute(query)
    }
    result = [
        RegionCount(region.code, region.name_in(language), *counts.get(region.id, (0, 0)))
        for region in regions
    ]
    if None in counts:
        result.append(RegionCount(NO_REGION, _("Region not given"), *counts[None]))
    return result


def completions_by_month(rows: list[LearnerRow], now=None) -> list[tuple[date, int]]:
    """(first day of month, completions) from the first enrolment's month to this one (the
    last 24 at most), in Bishkek time."""
    if not rows:
        return []
    zone = get_timezone()
    counts: dict[date, int] = {}
    for row in rows:
        if row.completed_at is not None:
            month = row.completed_at.astimezone(zone).date().replace(day=1)
            counts[month] = counts.get(month, 0) + 1
    first = min(row.enrolled_at for row in rows).astimezone(zone).date().replace(day=1)
    last = max([(now or utcnow()).astimezone(zone).date().replace(day=1), *counts])
    return [(month, counts.get(month, 0)) for month in month_starts(first, last)[-MAX_MONTHS:]]


def month_starts(first: date, last: date) -> list[date]:
    """The first day of every month from `first` to `last`."""
    months, month = [], first
    while month <= last:
        months.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return months


def nice_top(largest: int) -> int:
    """The axis maximum: the smallest 1, 2 or 5 × 10ⁿ that holds `largest` (at least 1)."""
    if largest <= 1:
        return 1
    power = 10 ** math.floor(math.log10(largest))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= largest)


def axis_ticks(top: int) -> list[int]:
    """Values marked on the axis: zero, the middle when it is whole, and the top."""
    return [0, top // 2, top] if top % 2 == 0 else [0, top]


@dataclass
class MonthBar:
    """One month's column."""

    month: date
    value: int
    x: float
    y: float
    width: float
    height: float
    labelled: bool  # whether the month's name is written under it
    with_year: bool  # whether the year is written under the name

    @property
    def centre(self) -> float:
        """The x of the column's middle, where its texts are anchored."""
        return round(self.x + self.width / 2, 1)


@dataclass
class MonthChart:
    """Completions per month as columns over a value axis."""

    bars: list[MonthBar]
    ticks: list[tuple[int, float]]  # (value, y)
    width: int = WIDTH
    height: int = 200
    left: int = 30  # room for the axis numbers
    right: int = 14  # room for half the last month's name
    baseline: int = 160
    show_values: bool = True  # numbers above the columns, when there is room


def month_chart(counts: list[tuple[date, int]]) -> MonthChart:
    """Lay out `counts` as columns; the latest month is always named, and the year wherever
    it changes."""
    chart = MonthChart(bars=[], ticks=[])
    top = nice_top(max((value for _month, value in counts), default=0))
    plot_height = chart.baseline - 16
    chart.ticks = [
        (tick, round(chart.baseline - plot_height * tick / top, 1)) for tick in axis_ticks(top)
    ]
    slot = (chart.width - chart.left - chart.right) / max(len(counts), 1)
    every = math.ceil(len(counts) / MONTH_LABELS)
    chart.show_values = len(counts) <= 12
    named_year = None
    for index, (month, value) in enumerate(counts):
        height = round(plot_height * value / top, 1)
        labelled = (len(counts) - 1 - index) % every == 0
        x = round(chart.left + index * slot + slot * 0.15, 1)
        y = round(chart.baseline - height, 1)
        with_year = labelled and month.year != named_year
        named_year = month.year if labelled else named_year
        chart.bars.append(
            MonthBar(month, value, x, y, round(slot * 0.7, 1), height, labelled, with_year)
        )
    return chart


@dataclass
class RegionBar:
    """One region's row: its name above a bar of learners with the completed part darker."""

    count: RegionCount
    label_y: float
    bar_y: float
    learners_width: float
    completed_width: float
    current: bool  # the region the table is filtered to

    @property
    def value_x(self) -> float:
        """Where the numbers start, just right of the bar."""
        return round(self.learners_width + 6, 1)


@dataclass
class RegionChart:
    """Learners and completions per region as horizontal bars."""

    rows: list[RegionBar] = field(default_factory=list)
    width: int = WIDTH
    row_height: int = 38
    bar_height: int = 14
    value_room: int = 70  # right of the longest bar, for "learners / completed"

    @property
    def height(self) -> int:
        """The drawing's height: one row per region."""
        return self.row_height * len(self.rows) + 4


def region_chart(counts: list[RegionCount], current: str = "") -> RegionChart:
    """Lay out `counts` as rows of bars scaled to the region with the most learners."""
    chart = RegionChart()
    largest = max((count.learners for count in counts), default=0) or 1
    scale = (chart.width - chart.value_room) / largest
    for index, count in enumerate(counts):
        top = index * chart.row_height
        chart.rows.append(
            RegionBar(
                count=count,
                label_y=top + 14,
                bar_y=top + 20,
                learners_width=round(count.learners * scale, 1),
                completed_width=round(count.completed * scale, 1),
                current=count.code == current,
            )
        )
    return chart

"""The dashboard's Learning section: who registers, enrols and completes courses, where, when.

What programmes that fund municipal training report ("108 participants, 13 women") and what
trainers need. Only aggregates are shown: no learner is ever named. Breakdowns by place and
gender count learners (a person who took three courses is one participant); the course table
and the months count enrolments.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from flask import url_for
from flask_babel import get_timezone
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from courses.dashboard_queries import (
    Counts,
    CourseCounts,
    GroupKey,
    course_counts,
    districts_by_region,
    learner_groups,
    listed_courses,
    make_scope,
    median_days_to_complete,
    month_bounds,
    monthly_counts,
    months_of,
)
from courses.models import Course
from courses.services.catalogue import may_edit
from portal.models import Gender, Region
from portal.reference_data import all_regions
from portal.reports import Bars, Column, MapMeasure, ReportFilters, Section, Table
from portal.reports.filters import utc_bounds

PLACE_COLUMNS = [
    Column("registered", _l("Registered"), numeric=True),
    Column("enrolled", _l("Enrolled"), numeric=True),
    Column("completed", _l("Completed"), numeric=True),
]
PLACE_NOTE = _l(
    "Learners who registered, enrolled in a course and completed a course in the period; "
    "a learner counts once however many courses they took. The course and topic filters "
    "apply to enrolments and completions only."
)


@dataclass
class CourseLine:
    """One course's line: its title, counts and median days to complete."""

    course: Course
    title: str
    counts: CourseCounts
    median_days: float | None


def build_learning_section(filters: ReportFilters) -> Section:
    """Figures, tables, charts and map measures of learning, for the dashboard's filters."""
    regions = all_regions()
    region = next((r for r in regions if r.code == filters.region), None)
    scope = make_scope(
        *utc_bounds(filters), region.id if region else None, filters.course, filters.topic
    )
    groups = learner_groups(scope)
    lines = course_lines(scope)
    places = region_rows(groups, regions, region)
    months = month_rows(scope, filters)
    section = Section("learning", _l("Learning"), figures=headline_figures(groups, lines))
    section.tables = [
        courses_table(lines),
        regions_table(places),
        districts_table(groups, regions, region),
        genders_table(groups),
        months_table(months),
    ]
    section.charts = [completions_chart(months), learners_chart(places)]
    section.measures = region_measures(places)
    return section


def total(counts: Iterable[Counts]) -> Counts:
    """The sum of several groups' counts."""
    result = Counts()
    for item in counts:
        result.add(item)
    return result


def rolled_up(groups: dict[GroupKey, Counts], key: Callable) -> dict:
    """Groups' counts added up by `key` of their group key."""
    totals: dict = defaultdict(Counts)
    for group, counts in groups.items():
        totals[key(group)].add(counts)
    return totals


def rate(part: int, whole: int) -> float | None:
    """`part` as a percentage of `whole`, to one decimal; None when there is no whole."""
    return round(100 * part / whole, 1) if whole else None


def place_numbers(counts: Counts) -> list[int]:
    """The registered, enrolled and completed columns of a place or gender."""
    return [counts.registered, counts.enrolled, counts.completed]


def headline_figures(groups: dict[GroupKey, Counts], lines: list[CourseLine]) -> list:
    """Learners, registrations, enrolments, active learners, completions, completion rate."""
    learners = total(groups.values())
    enrolled = sum(line.counts.enrolled for line in lines)
    finished = sum(line.counts.finished for line in lines)
    return [
        (_l("Learners registered"), learners.learners),
        (_l("Registered in the period"), learners.registered),
        (_l("Enrolments in the period"), enrolled),
        (_l("Learners active in the last 30 days"), learners.active),
        (_l("Courses completed in the period"), sum(line.counts.completed for line in lines)),
        (_l("Completion rate, %"), rate(finished, enrolled)),
    ]


def course_lines(scope) -> list[CourseLine]:
    """Every course in scope that is published or has learners, most enrolments first."""
    counts = course_counts(scope)
    medians = median_days_to_complete(scope)
    lines = []
    for course in listed_courses(scope, set(counts)):
        text = course.text()
        title = text.title if text else course.slug
        numbers = counts.get(course.id, CourseCounts())
        lines.append(CourseLine(course, title, numbers, medians.get(course.id)))
    return sorted(lines, key=lambda line: (-line.counts.enrolled, line.title.casefold()))


def courses_table(lines: list[CourseLine]) -> Table:
    """Per course: enrolled, active, completed, completion rate and median days to complete."""
    links = {
        index: url_for("courses.report", slug=line.course.slug)
        for index, line in enumerate(lines)
        if may_edit(current_user, line.course)
    }
    columns = [
        Column("course", _l("Course")),
        Column("enrolled", _l("Enrolled"), numeric=True),
        Column("active", _l("Active (30 days)"), numeric=True),
        Column("completed", _l("Completed"), numeric=True),
        Column("rate", _l("Completion rate, %"), numeric=True),
        Column("days", _l("Median days to complete"), numeric=True),
    ]
    note = _l(
        "Enrolments and completions in the period; the completion rate is the share of the "
        "period's enrolments completed by its end. Active: any lesson or quiz in the last "
        "30 days. Only learner accounts count."
    )
    rows = [course_row(line) for line in lines]
    return Table("courses", _l("Learning per course"), columns, rows, note=note, links=links)


def course_row(line: CourseLine) -> list:
    """A course's cells: title, enrolled, active, completed, completion rate, median days."""
    numbers = line.counts
    completion_rate = rate(numbers.finished, numbers.enrolled)
    counts = [numbers.enrolled, numbers.active, numbers.completed]
    return [line.title, *counts, completion_rate, line.median_days]


@dataclass
class PlaceRow:
    """A region's (or "not stated") learners, with its code for the map."""

    code: str | None
    name: str
    counts: Counts


def region_rows(groups, regions: list[Region], chosen: Region | None) -> list[PlaceRow]:
    """The regions in reference order and "Region not stated"; only the chosen one if any."""
    by_region = rolled_up(groups, lambda key: key[0])
    rows = [
        PlaceRow(region.code, region.name, by_region.get(region.id, Counts()))
        for region in regions
        if chosen is None or region.id == chosen.id
    ]
    if chosen is None:
        rows.append(PlaceRow(None, str(_l("Region not stated")), by_region.get(None, Counts())))
    return rows


def regions_table(places: list[PlaceRow]) -> Table:
    """Learners registered, enrolled and completed per region."""
    rows = [[place.name, *place_numbers(place.counts)] for place in places]
    columns = [Column("region", _l("Region")), *PLACE_COLUMNS]
    return Table("regions", _l("Learners per region"), columns, rows, note=PLACE_NOTE)


def districts_table(groups, regions: list[Region], chosen: Region | None) -> Table:
    """Learners per district with any learner, under their region; then the not stated."""
    districts = districts_by_region()
    home = {district.id: region_id for region_id, found in districts.items() for district in found}

    def place(key: GroupKey) -> tuple:
        region_id, district_id = key[0], key[1]
        if region_id is None:
            return None, None
        # A district of another region is as good as none: count it, but as not stated.
        return region_id, district_id if home.get(district_id) == region_id else None

    by_place = rolled_up(groups, place)
    rows = []
    for region in regions:
        if chosen is None or region.id == chosen.id:
            rows += district_rows(region, districts[region.id], by_place)
    if (None, None) in by_place:
        rows.append([str(_l("Region not stated")), None, *place_numbers(by_place[None, None])])
    columns = [Column("region", _l("Region")), Column("district", _l("District")), *PLACE_COLUMNS]
    return Table("districts", _l("Learners per district"), columns, rows, note=PLACE_NOTE)


def district_rows(region: Region, districts: list, by_place: dict) -> list[list]:
    """A region's districts that have learners, in reference order, then "not stated"."""
    rows = [
        [region.name, district.name, *place_numbers(by_place[region.id, district.id])]
        for district in districts
        if (region.id, district.id) in by_place
    ]
    if (region.id, None) in by_place:
        # Cities have no districts: there is nothing their learners could have stated.
        unstated = str(_l("District not stated")) if districts else None
        rows.append([region.name, unstated, *place_numbers(by_place[region.id, None])])
    return rows


def genders_table(groups) -> Table:
    """Learners registered, enrolled and completed: women, men, not stated."""
    known = {Gender.FEMALE.value, Gender.MALE.value}
    by_gender = rolled_up(groups, lambda key: key[2] if key[2] in known else None)
    labels = [(Gender.FEMALE.value, _l("Women")), (Gender.MALE.value, _l("Men"))]
    labels.append((None, _l("Not stated")))
    rows = [[str(label), *place_numbers(by_gender.get(key, Counts()))] for key, label in labels]
    columns = [Column("gender", _l("Gender")), *PLACE_COLUMNS]
    return Table("genders", _l("Learners by gender"), columns, rows, note=PLACE_NOTE)


def month_rows(scope, filters: ReportFilters) -> list[list]:
    """Per month: its label (YYYY-MM), new learners, enrolments and completions."""
    today = datetime.now(get_timezone()).date()
    months = months_of(filters.start, filters.end, today)
    if not months:
        return []
    counts = monthly_counts(scope, month_bounds(months, scope.begin, scope.until))
    return [[f"{month:%Y-%m}", *numbers] for month, numbers in zip(months, counts, strict=True)]


def months_table(months: list[list]) -> Table:
    """New learners, enrolments and completions month by month."""
    columns = [
        Column("month", _l("Month")),
        Column("learners", _l("New learners"), numeric=True),
        Column("enrolments", _l("Enrolments"), numeric=True),
        Column("completions", _l("Completions"), numeric=True),
    ]
    note = _l("Month by month over the period, or over the last 24 months since the beginning.")
    return Table("months", _l("Learning over time"), columns, months, note=note)


def completions_chart(months: list[list]) -> Bars:
    """Course completions per month, as columns over time."""
    bars = [(label, completions) for label, _learners, _enrolments, completions in months]
    description = _l("Courses completed by learners, month by month.")
    return Bars("learning-completions", _l("Completions per month"), description, bars, True)


def learners_chart(places: list[PlaceRow]) -> Bars:
    """Learners registered in the period per region, as horizontal bars."""
    bars = [(place.name, place.counts.registered) for place in places]
    description = _l("Learners who registered in the period, by region.")
    return Bars("learning-regions", _l("Learners per region"), description, bars)


def region_measures(places: list[PlaceRow]) -> list[MapMeasure]:
    """Learners registered and learners who completed a course, per region code."""
    coded = [place for place in places if place.code]
    learners = {place.code: place.counts.registered for place in coded}
    completions = {place.code: place.counts.completed for place in coded}
    return [
        MapMeasure("learners", _l("Learners registered in the period"), learners),
        MapMeasure("completions", _l("Learners who completed a course in the period"), completions),
    ]

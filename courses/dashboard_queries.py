"""The numbers behind the dashboard's Learning section: a fixed handful of grouped queries.

Learners are accounts with the learner role (a trainer trying a course is not a participant).
They are counted per (region, district, gender) group; the groups partition the learners, so
the groups' distinct-learner counts add up to the regions', the genders' and the programme's.
"""

from collections import defaultdict
from dataclasses import dataclass, fields
from datetime import date, datetime, time, timedelta
from statistics import median

from flask_babel import get_timezone
from sqlalchemy import Float, Select, and_, case, func, literal, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import selectinload
from sqlalchemy.sql.expression import FunctionElement

from courses.models import Course, CourseStatus, Enrolment, course_topic
from portal.extensions import db
from portal.models import District, Role, Topic, User, utcnow

ACTIVE_DAYS = 30
SECONDS_PER_DAY = 86_400
OPEN_MONTHS = 24  # months shown when the period has no start
MAX_MONTHS = 120  # a custom period of decades still draws a readable chart

#: (region id, district id, gender) of a group of learners; None where not stated.
GroupKey = tuple[int | None, int | None, str | None]


@dataclass(frozen=True)
class Scope:
    """The dashboard's filters as SQL: the period in UTC, the region's id, the courses."""

    begin: datetime | None
    until: datetime | None
    region_id: int | None = None
    course: str = ""
    topic: str = ""
    active_since: datetime | None = None

    def within(self, column):
        """Whether a timestamp falls in the period (any timestamp, when the period is open)."""
        conditions = [column.is_not(None)]
        if self.begin is not None:
            conditions.append(column >= self.begin)
        if self.until is not None:
            conditions.append(column < self.until)
        return and_(*conditions)

    def learners(self, query: Select) -> Select:
        """Narrow a query on User to learner accounts, in the chosen region if any."""
        query = query.where(User.role == Role.LEARNER)
        return query.where(User.region_id == self.region_id) if self.region_id else query

    def courses(self, course_id) -> list:
        """Conditions that keep a course id within the chosen course and topic."""
        conditions = []
        if self.course:
            conditions.append(course_id.in_(select(Course.id).where(Course.slug == self.course)))
        if self.topic:
            topical = select(course_topic.c.course_id).join(Topic).where(Topic.code == self.topic)
            conditions.append(course_id.in_(topical))
        return conditions

    def enrolments(self, query: Select) -> Select:
        """Narrow a query on Enrolment to learners' enrolments in the chosen courses."""
        learners = Enrolment.user_id.in_(self.learners(select(User.id)))
        return query.where(learners, *self.courses(Enrolment.course_id))


def make_scope(begin, until, region_id, course: str, topic: str) -> Scope:
    """The scope of these filters; learners are active when they did anything in 30 days."""
    since = utcnow() - timedelta(days=ACTIVE_DAYS)
    return Scope(begin, until, region_id, course, topic, since)


@dataclass
class Counts:
    """Learners of a group: ever registered, and registered, enrolled, completed, active."""

    learners: int = 0
    registered: int = 0
    enrolled: int = 0
    completed: int = 0
    active: int = 0

    def add(self, other: "Counts") -> None:
        """Add another group's counts to these."""
        for item in fields(self):
            setattr(self, item.name, getattr(self, item.name) + getattr(other, item.name))


def ever(condition):
    """1 if any of a learner's enrolments meets `condition`, else 0 (an aggregate per user)."""
    return func.max(case((condition, 1), else_=0))


def learner_groups(scope: Scope) -> dict[GroupKey, Counts]:
    """Every group's counts, in one grouped query over the learners."""
    # One row per learner first, so a learner with three courses counts once in the groups.
    per_learner = (
        select(
            Enrolment.user_id,
            ever(scope.within(Enrolment.enrolled_at)).label("enrolled"),
            ever(scope.within(Enrolment.completed_at)).label("completed"),
            ever(Enrolment.last_activity_at >= scope.active_since).label("active"),
        )
        .where(*scope.courses(Enrolment.course_id))
        .group_by(Enrolment.user_id)
        .subquery()
    )
    keys = (User.region_id, User.district_id, User.gender)
    flags = (per_learner.c.enrolled, per_learner.c.completed, per_learner.c.active)
    query = select(
        *keys,
        func.count(),
        func.count(case((scope.within(User.created_at), 1))),
        *(func.coalesce(func.sum(flag), 0) for flag in flags),
    ).outerjoin(per_learner, per_learner.c.user_id == User.id)
    rows = db.session.execute(scope.learners(query).group_by(*keys))
    return {
        (region, district, gender): Counts(*numbers) for region, district, gender, *numbers in rows
    }


@dataclass
class CourseCounts:
    """One course's enrolments: in the period, active, completed in the period, and how many
    of the period's enrolments were completed by its end."""

    enrolled: int = 0
    active: int = 0
    completed: int = 0
    finished: int = 0


def course_counts(scope: Scope) -> dict[int, CourseCounts]:
    """Counts per course with any learner's enrolment, in one grouped query."""
    finished = and_(scope.within(Enrolment.enrolled_at), Enrolment.completed_at.is_not(None))
    if scope.until is not None:
        finished = and_(finished, Enrolment.completed_at < scope.until)
    query = select(
        Enrolment.course_id,
        func.count(case((scope.within(Enrolment.enrolled_at), 1))),
        func.count(case((Enrolment.last_activity_at >= scope.active_since, 1))),
        func.count(case((scope.within(Enrolment.completed_at), 1))),
        func.count(case((finished, 1))),
    ).select_from(Enrolment)
    rows = db.session.execute(scope.enrolments(query).group_by(Enrolment.course_id))
    return {course_id: CourseCounts(*numbers) for course_id, *numbers in rows}


class days_between(FunctionElement):
    """Days (with fractions) from one timestamp to another, computed by the database."""

    type = Float()
    name = "days_between"
    inherit_cache = True


@compiles(days_between, "sqlite")
def _days_between_on_sqlite(element, compiler, **kw) -> str:
    start, end = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"(julianday({end}) - julianday({start}))"


@compiles(days_between, "postgresql")
def _days_between_on_postgresql(element, compiler, **kw) -> str:
    start, end = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"(EXTRACT(EPOCH FROM ({end} - {start})) / {SECONDS_PER_DAY})"


def median_days_to_complete(scope: Scope) -> dict[int, float]:
    """Per course, the median days from enrolment to completion of the period's completions."""
    # The database subtracts: parsing two timestamps per completion in Python cost more.
    days = days_between(Enrolment.enrolled_at, Enrolment.completed_at)
    query = scope.enrolments(select(Enrolment.course_id, days))
    per_course: dict[int, list[float]] = defaultdict(list)
    for course_id, value in db.session.execute(query.where(scope.within(Enrolment.completed_at))):
        per_course[course_id].append(float(value))
    return {course_id: round(median(values), 1) for course_id, values in per_course.items()}


def listed_courses(scope: Scope, taken: set[int]) -> list[Course]:
    """Courses in scope that are published or `taken`, with their titles loaded."""
    shown = or_(Course.status == CourseStatus.PUBLISHED, Course.id.in_(taken))
    query = select(Course).where(shown, *scope.courses(Course.id))
    return list(db.session.scalars(query.options(selectinload(Course.translations))))


def slot_of(column, bounds: list[datetime], low: int, high: int):
    """The index i of the slot [bounds[i], bounds[i + 1]) that holds `column`, low <= i < high."""
    if high - low == 1:
        return literal(low)
    # Halving: about log2(months) comparisons a row instead of one per month (a third faster).
    middle = (low + high) // 2
    earlier = slot_of(column, bounds, low, middle)
    return case((column < bounds[middle], earlier), else_=slot_of(column, bounds, middle, high))


def counts_per_slot(query: Select, column, bounds: list[datetime]) -> list[int]:
    """How many rows of `query` fall in each [bounds[i], bounds[i + 1]) slot, in one query."""
    slots = len(bounds) - 1
    slot = slot_of(column, bounds, 0, slots).label("slot")
    inner = query.add_columns(slot).where(column >= bounds[0], column < bounds[-1]).subquery()
    grouped = select(inner.c.slot, func.count()).group_by(inner.c.slot)
    counts = dict(db.session.execute(grouped).all())
    return [counts.get(index, 0) for index in range(slots)]


def monthly_counts(scope: Scope, bounds: list[datetime]) -> list[tuple[int, int, int]]:
    """(new learners, enrolments, completions) per slot between `bounds`, in three queries."""
    if len(bounds) < 2:
        return []
    accounts = scope.learners(select(User.id))
    enrolments = scope.enrolments(select(Enrolment.id))
    return list(
        zip(
            counts_per_slot(accounts, User.created_at, bounds),
            counts_per_slot(enrolments, Enrolment.enrolled_at, bounds),
            counts_per_slot(enrolments, Enrolment.completed_at, bounds),
            strict=True,
        )
    )


def districts_by_region() -> dict[int, list[District]]:
    """Every district, in reference order, per region id (one query)."""
    query = select(District).order_by(District.region_id, District.position)
    grouped: dict[int, list[District]] = defaultdict(list)
    for district in db.session.scalars(query):
        grouped[district.region_id].append(district)
    return grouped


def add_months(month: date, count: int) -> date:
    """The first day of the month `count` months after `month` (before, if negative)."""
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def months_of(start: date | None, end: date | None, today: date) -> list[date]:
    """The first days of the period's months; the last 24 when the period has no start."""
    last = (end or today).replace(day=1)
    first = start.replace(day=1) if start else add_months(last, 1 - OPEN_MONTHS)
    count = (last.year - first.year) * 12 + last.month - first.month + 1
    return [add_months(first, index) for index in range(max(0, count))][-MAX_MONTHS:]


def month_bounds(months: list[date], begin, until) -> list[datetime]:
    """UTC instants where each month starts (Bishkek time), cut to the period at both ends."""
    zone = get_timezone()
    edges = [zone.localize(datetime.combine(month, time.min)) for month in months]
    edges.append(zone.localize(datetime.combine(add_months(months[-1], 1), time.min)))
    if begin is not None:
        edges[0] = max(edges[0], begin)
    if until is not None:
        edges[-1] = min(edges[-1], until)
    return edges

"""A course's progress report for its trainers: one row per enrolled learner.

The table is built once, here, and rendered twice (the page and the CSV), so both show the same
rows and numbers. A report takes a fixed handful of grouped queries, whatever the number of
learners; "% complete" and the counted quiz result follow the rules of services.progress.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo

from flask_babel import get_timezone
from flask_babel import gettext as _
from sqlalchemy import Select, func, select
from sqlalchemy.orm import aliased, selectinload

from courses.models import AttemptPolicy, Enrolment, Lesson, LessonProgress, QuizAttempt, Section
from portal.extensions import db
from portal.models import DELETED_ACCOUNT, Region, User, utcnow

ACTIVE_DAYS = 30
NO_REGION = "none"  # the region filter's value for learners who gave no region
MISSING = "—"
# Kyrgyz letters that Unicode places far from where the alphabet has them.
ALPHABET_PLACES = {"ё": "е", "ң": "н", "ө": "о", "ү": "у"}


@dataclass(frozen=True)
class Column:
    """A column of the report: its key in URLs, its heading, and how it sorts by default."""

    key: str
    label: str
    numeric: bool = False  # numbers and dates: right-aligned, largest and newest first


@dataclass
class LearnerRow:
    """One enrolled learner's line of the report."""

    user_id: int
    name: str
    municipality: str
    region: str | None
    enrolled_at: datetime
    percent: int
    last_activity_at: datetime
    completed_at: datetime | None
    quiz_scores: dict[int, int | None]

    def value(self, key: str):
        """The raw value of column `key` (None when there is nothing to show)."""
        if key.startswith("quiz-"):
            return self.quiz_scores.get(int(key.removeprefix("quiz-")))
        values = {
            "name": self.name,
            "municipality": self.municipality or None,
            "region": self.region,
            "enrolled": self.enrolled_at,
            "complete": self.percent,
            "activity": self.last_activity_at,
            "completed": self.completed_at,
        }
        return values[key]


@dataclass
class Summary:
    """The report's headline numbers."""

    enrolled: int
    active: int
    completed: int

    @property
    def completion_rate(self) -> int | None:
        """Completed learners as a share of the enrolled, in per cent."""
        return round(100 * self.completed / self.enrolled) if self.enrolled else None


@dataclass
class ReportQuery:
    """What the trainer asked for in the URL: a region and a sort column and direction."""

    region: str = ""
    sort: str = "name"
    descending: bool = False

    @classmethod
    def from_args(cls, args, columns: list[Column], region_codes: set[str]) -> "ReportQuery":
        """Read region=, sort= and order= from the query string, ignoring what makes no sense."""
        region = args.get("region", "")
        by_key = {column.key: column for column in columns}
        sort = args.get("sort", "name")
        if sort not in by_key:
            sort = "name"
        order = args.get("order", "")
        descending = order == "desc" if order in ("asc", "desc") else by_key[sort].numeric
        return cls(region if region in region_codes | {NO_REGION} else "", sort, descending)

    def as_args(self, **changes) -> dict:
        """The query as URL arguments, with `changes` applied."""
        args = {"region": self.region, "sort": self.sort}
        args["order"] = "desc" if self.descending else "asc"
        return {key: value for key, value in (args | changes).items() if value}


@dataclass
class CourseReport:
    """Everything the report page and the CSV show."""

    columns: list[Column]
    rows: list[LearnerRow]
    summary: Summary
    query: ReportQuery
    zone: tzinfo = UTC

    def cells(self, row: LearnerRow) -> list[str]:
        """A row as the texts shown in each column."""
        return [cell_text(row.value(column.key), self.zone) for column in self.columns]


def cell_text(value, zone: tzinfo) -> str:
    """How a value reads in the table: dates in the users' time zone, "—" for nothing."""
    if value is None:
        return MISSING
    if isinstance(value, datetime):
        return value.astimezone(zone).date().isoformat()
    return str(value)


def course_lessons(course) -> list[Lesson]:
    """The course's lessons in reading order, with their titles, in two queries."""
    query = (
        select(Lesson)
        .join(Section, Section.id == Lesson.section_id)
        .where(Section.course_id == course.id)
        .options(selectinload(Lesson.translations))
        .order_by(Section.position, Section.id, Lesson.position, Lesson.id)
    )
    return list(db.session.scalars(query))


def report_columns(quizzes: list[Lesson], language: str) -> list[Column]:
    """The report's columns in the user's language, with one per quiz."""
    columns = [
        Column("name", _("Name")),
        Column("municipality", _("Municipality")),
        Column("region", _("Region")),
        Column("enrolled", _("Enrolled"), True),
        Column("complete", _("Complete, %"), True),
        Column("activity", _("Last activity"), True),
    ]
    for quiz in quizzes:
        title = quiz.text(language).title if quiz.text(language) else quiz.key
        columns.append(Column(f"quiz-{quiz.id}", _("%(quiz)s, %%", quiz=title), True))
    return columns + [Column("completed", _("Completed"), True)]


@dataclass(frozen=True)
class LearnerScope:
    """The learners a report covers: a course's, optionally in one region (or in none)."""

    course_id: int
    region: str = ""
    region_id: int | None = None

    def narrow(self, query: Select) -> Select:
        """Narrow a query joined to Enrolment and User to these learners."""
        query = query.where(Enrolment.course_id == self.course_id)
        if self.region == NO_REGION:
            return query.where(User.region_id.is_(None))
        return query.where(User.region_id == self.region_id) if self.region else query

    def user_ids(self) -> Select:
        """Their user ids, as a subquery for grouped counts."""
        return self.narrow(select(Enrolment.user_id).join(User, User.id == Enrolment.user_id))


def enrolment_rows(scope: LearnerScope) -> list:
    """Each learner's name, place and dates, in one query."""
    query = select(
        Enrolment.user_id,
        User.name,
        User.deleted_at,
        User.municipality,
        User.region_id,
        Enrolment.enrolled_at,
        Enrolment.last_activity_at,
        Enrolment.completed_at,
    ).join(User, User.id == Enrolment.user_id)
    return db.session.execute(scope.narrow(query)).all()


def lessons_done(scope: LearnerScope, lesson_ids: list[int]) -> dict[int, int]:
    """How many of `lesson_ids` each learner completed, in one grouped query."""
    if not lesson_ids:
        return {}
    query = (
        select(LessonProgress.user_id, func.count())
        .where(LessonProgress.course_id == scope.course_id)
        .where(LessonProgress.lesson_id.in_(lesson_ids))
        .where(LessonProgress.user_id.in_(scope.user_ids()))
        .group_by(LessonProgress.user_id)
    )
    return dict(db.session.execute(query).all())


def counted_scores(scope: LearnerScope, quizzes: list[Lesson]) -> dict:
    """(user id, quiz id) → the percentage that counts: the best or the last attempt's."""
    if not quizzes:
        return {}
    grouped = (
        select(
            QuizAttempt.user_id,
            QuizAttempt.lesson_id,
            func.max(QuizAttempt.percent).label("best"),
            func.max(QuizAttempt.id).label("last_id"),
        )
        .where(QuizAttempt.course_id == scope.course_id)
        .where(QuizAttempt.lesson_id.in_([quiz.id for quiz in quizzes]))
        .where(QuizAttempt.user_id.in_(scope.user_ids()))
        .group_by(QuizAttempt.user_id, QuizAttempt.lesson_id)
        .subquery()
    )
    last = aliased(QuizAttempt)
    query = select(grouped.c.user_id, grouped.c.lesson_id, grouped.c.best, last.percent).join(
        last, last.id == grouped.c.last_id
    )
    best_policy = {quiz.id for quiz in quizzes if quiz.attempt_policy == AttemptPolicy.BEST}
    return {
        (user_id, quiz_id): best if quiz_id in best_policy else last_percent
        for user_id, quiz_id, best, last_percent in db.session.execute(query)
    }


def alphabetical_key(text: str) -> tuple:
    """Sort key that puts ё, ң, ө, ү right after е, н, о, у, as the Kyrgyz alphabet does."""
    return tuple(
        (ord(ALPHABET_PLACES.get(letter, letter)), letter in ALPHABET_PLACES)
        for letter in text.casefold()
    )


def sorted_rows(rows: list[LearnerRow], query: ReportQuery) -> list[LearnerRow]:
    """Rows in the asked order; ties by name; empty values last in either direction."""
    rows = sorted(rows, key=lambda row: (alphabetical_key(row.name), row.user_id))
    present = [row for row in rows if row.value(query.sort) is not None]
    missing = [row for row in rows if row.value(query.sort) is None]

    def key(row):
        value = row.value(query.sort)
        return alphabetical_key(value) if isinstance(value, str) else value

    # sorted() is stable with reverse=True too, so equal values keep the name order.
    return sorted(present, key=key, reverse=query.descending) + missing


def summary_of(rows: list[LearnerRow], now: datetime) -> Summary:
    """Enrolled, active in the last 30 days, and completed learners among `rows`."""
    since = now - timedelta(days=ACTIVE_DAYS)
    return Summary(
        enrolled=len(rows),
        active=sum(row.last_activity_at >= since for row in rows),
        completed=sum(row.completed_at is not None for row in rows),
    )


def percent_complete(finished: int, required: int) -> int:
    """Share of the required lessons finished, as CourseState.percent computes it."""
    return round(100 * finished / required) if required else 100


def quizzes_passed(scores: dict[int, int | None], quizzes: list[Lesson]) -> int:
    """How many of `quizzes` the learner passed with the result that counts."""
    return sum(
        scores[quiz.id] is not None and scores[quiz.id] >= quiz.pass_mark for quiz in quizzes
    )


def shown_name(record) -> str:
    """The learner's name, or "Deleted account" for someone who deleted theirs."""
    return str(DELETED_ACCOUNT) if record.deleted_at is not None else record.name


def learner_rows(scope: LearnerScope, lessons: list[Lesson], region_names: dict) -> list:
    """One row per learner in scope: a fixed number of queries, however many learners."""
    readings = [lesson.id for lesson in lessons if lesson.required and not lesson.is_quiz]
    quizzes = [lesson for lesson in lessons if lesson.is_quiz]
    required_quizzes = [quiz for quiz in quizzes if quiz.required]
    done, scores = lessons_done(scope, readings), counted_scores(scope, quizzes)
    rows = []
    for record in enrolment_rows(scope):
        quiz_scores = {quiz.id: scores.get((record.user_id, quiz.id)) for quiz in quizzes}
        finished = done.get(record.user_id, 0) + quizzes_passed(quiz_scores, required_quizzes)
        row = LearnerRow(
            user_id=record.user_id,
            name=shown_name(record),
            municipality=record.municipality,
            region=region_names.get(record.region_id),
            enrolled_at=record.enrolled_at,
            percent=percent_complete(finished, len(readings) + len(required_quizzes)),
            last_activity_at=record.last_activity_at,
            completed_at=record.completed_at,
            quiz_scores=quiz_scores,
        )
        rows.append(row)
    return rows


def course_report(course, args, regions: list[Region], language: str, now=None) -> CourseReport:
    """The report of `course` as the query string `args` asks for it."""
    lessons = course_lessons(course)
    columns = report_columns([lesson for lesson in lessons if lesson.is_quiz], language)
    by_code = {region.code: region for region in regions}
    query = ReportQuery.from_args(args, columns, set(by_code))
    region = by_code.get(query.region)
    scope = LearnerScope(course.id, query.region, region.id if region else None)
    names = {region.id: region.name_in(language) for region in regions}
    rows = learner_rows(scope, lessons, names)
    summary = summary_of(rows, now or utcnow())
    return CourseReport(columns, sorted_rows(rows, query), summary, query, get_timezone())

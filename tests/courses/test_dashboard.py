"""The dashboard's Learning section: every figure and cell hand-computed from a small programme.

Six learners (L1–L6) and two trainers; the period is 2025-01-01 … 2025-06-30 in Bishkek time
(UTC+6), i.e. [2024-12-31 18:00, 2025-06-30 18:00) UTC. Course A ("private-sector", by the
trainer T1, topic private-sector) and course B ("citizen-budget", topic citizen-budget) count;
course C is deleted after its enrolments; the draft D has none.

    learner  region / district       gender  registered (UTC)
    L1       Naryn / At-Bashy        female  2025-02-10
    L2       Naryn / At-Bashy        male    2024-11-01        (before the period)
    L3       Naryn / —               female  2025-03-05
    L4       Issyk-Kul / Ak-Suu      male    2024-12-31 18:00  (1 January in Bishkek)
    L5       Bishkek City            —       2025-05-01
    L6       —                       female  2025-04-01

Enrolments (E), completions (C), last activity (A, "now-5d" = active); times 06:00 UTC unless
given:

    A: L1 E 01-10 C 01-20 A now-5d | L2 E 01-31 18:30 (Feb in Bishkek) C 03-02 18:30 |
       L3 E 2024-12-20 C 01-05 | L4 E 06-20 A now-1d | L6 E 06-25 C 06-30 18:00 (July) |
       T1 E 02-01 C 02-02 A now (a trainer: never counted)
    B: L1 E 03-01 C 03-04 | L5 E 05-02 A now-2d | L3 E 04-01 C 04-11 | L2 E 2024-06-01 C 2024-07-01
    C: L1, L3, L4 enrolled and completed in the period, then the course is deleted.
"""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook
from pytz import timezone
from sqlalchemy import event, select

from courses.dashboard import build_learning_section
from courses.models import Course, Enrolment
from portal.extensions import db
from portal.models import District, Role, Topic, User, utcnow
from portal.reference_data import region_by_code
from portal.reports import ReportFilters
from tests.conftest import log_in

PERIOD = "period=custom&start=2025-01-01&end=2025-06-30"
NAMES = {
    "L1": "Aigerim Secretova",
    "L2": "Bolot Hiddenov",
    "L3": "Cholpon Privatova",
    "L4": "Daniyar Unseenov",
    "L5": "Elnura Quietova",
    "L6": "Farida Namelessova",
}
LEARNERS = {  # region, district, gender, registered
    "L1": ("naryn", "at-bashy", "female", "2025-02-10T06:00"),
    "L2": ("naryn", "at-bashy", "male", "2024-11-01T06:00"),
    "L3": ("naryn", None, "female", "2025-03-05T06:00"),
    "L4": ("issyk-kul", "ak-suu", "male", "2024-12-31T18:00"),
    "L5": ("bishkek", None, None, "2025-05-01T06:00"),
    "L6": (None, None, "female", "2025-04-01T06:00"),
}
ENROLMENTS = [  # course, who, enrolled, completed, last activity (days ago; None: at completion)
    ("A", "L1", "2025-01-10T06:00", "2025-01-20T06:00", 5),
    ("A", "L2", "2025-01-31T18:30", "2025-03-02T18:30", None),
    ("A", "L3", "2024-12-20T06:00", "2025-01-05T06:00", None),
    ("A", "L4", "2025-06-20T06:00", None, 1),
    ("A", "L6", "2025-06-25T06:00", "2025-06-30T18:00", None),
    ("A", "T1", "2025-02-01T06:00", "2025-02-02T06:00", 0),
    ("B", "L1", "2025-03-01T06:00", "2025-03-04T06:00", None),
    ("B", "L5", "2025-05-02T06:00", None, 2),
    ("B", "L3", "2025-04-01T06:00", "2025-04-11T06:00", None),
    ("B", "L2", "2024-06-01T06:00", "2024-07-01T06:00", None),
    ("C", "L1", "2025-02-01T06:00", "2025-02-05T06:00", 3),
    ("C", "L3", "2025-02-01T06:00", "2025-02-06T06:00", 3),
    ("C", "L4", "2025-02-01T06:00", "2025-02-07T06:00", 3),
]
TITLE_A, TITLE_B = "Жеке секторду тартуу", "Жарандык бюджет"


def utc(text: str) -> datetime:
    """A UTC timestamp from ISO text without a zone."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def place_ids(code: str | None, district: str | None) -> dict:
    """The region_id and district_id of a learner's profile."""
    if code is None:
        return {}
    region = region_by_code(code)
    query = select(District.id).filter_by(region_id=region.id, code=district)
    return {"region_id": region.id, "district_id": db.session.scalar(query) if district else None}


def make_learners(app, make_user) -> dict[str, int]:
    """L1–L6 with their places, genders and registration times; trainers T1 and T2."""
    ids = {}
    for key, (region, district, gender, registered) in LEARNERS.items():
        with app.app_context():
            profile = place_ids(region, district)
        ids[key], _email = make_user(Role.LEARNER, name=NAMES[key], gender=gender, **profile)
        with app.app_context():
            db.session.get(User, ids[key]).created_at = utc(registered)
            db.session.commit()
    ids["T1"], _email = make_user(Role.TRAINER, email="t1@example.kg", gender="female")
    ids["T2"], _email = make_user(Role.TRAINER, email="t2@example.kg")
    return ids


def retitle(app, course_id: int, ky: str, ru: str, topic: str) -> None:
    """Give a test course other titles and one topic."""
    with app.app_context():
        course = db.session.get(Course, course_id)
        course.translations[0].title, course.translations[1].title = ky, ru
        course.topics = [db.session.scalars(select(Topic).filter_by(code=topic)).one()]
        db.session.commit()


def enrol_all(app, ids: dict, courses: dict) -> None:
    """Insert the enrolments with their timestamps set directly."""
    now = utcnow()
    with app.app_context():
        for course, who, enrolled, completed, days_ago in ENROLMENTS:
            done = utc(completed) if completed else None
            active = now - timedelta(days=days_ago) if days_ago is not None else done
            db.session.add(
                Enrolment(
                    user_id=ids[who],
                    course_id=courses[course],
                    enrolled_at=utc(enrolled),
                    completed_at=done,
                    last_activity_at=active or utc(enrolled),
                )
            )
        db.session.commit()


@pytest.fixture
def programme(app, make_user, make_course) -> dict:
    """The learners, courses and enrolments of the module docstring (course C deleted)."""
    ids = make_learners(app, make_user)
    courses = {
        "A": make_course("private-sector", author_id=ids["T1"]),
        "B": make_course("citizen-budget"),
        "C": make_course("deleted-course", author_id=ids["T1"]),
        "D": make_course("draft-course", status="draft"),
    }
    retitle(app, courses["B"], TITLE_B, "Гражданский бюджет", "citizen-budget")
    retitle(app, courses["C"], "Өчүрүлгөн курс", "Удалённый курс", "citizen-budget")
    enrol_all(app, ids, courses)
    with app.app_context():
        db.session.delete(db.session.get(Course, courses["C"]))
        db.session.commit()
    return ids | {"courses": courses}


def table_rows(client, table: str, query: str = PERIOD) -> list[list[str]]:
    """The rows of one of the section's tables, read from its CSV download (header first)."""
    response = client.get(f"/reports/learning/{table}.csv?{query}")
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def dashboard_page(client, query: str = PERIOD) -> str:
    """The dashboard page for `query`."""
    response = client.get(f"/reports/?{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def assert_figures(page: str, expected: list[tuple[str, str]]) -> None:
    """Every headline figure of the section reads as expected."""
    for label, value in expected:
        assert f"<dt>{label}</dt><dd>{value}</dd>" in page, label


def test_the_headline_figures_of_a_period(client, login_as, programme):
    login_as(Role.ADMIN)
    assert_figures(
        dashboard_page(client),
        [
            ("Learners registered", "6"),
            ("Registered in the period", "5"),
            ("Enrolments in the period", "7"),
            ("Learners active in the last 30 days", "3"),
            ("Courses completed in the period", "5"),
            ("Completion rate, %", "57.1"),
        ],
    )


def test_the_course_table(client, login_as, programme):
    login_as(Role.ADMIN)
    rows = table_rows(client, "courses")
    assert rows == [
        [
            "Course",
            "Enrolled",
            "Active (30 days)",
            "Completed",
            "Completion rate, %",
            "Median days to complete",
        ],
        [TITLE_A, "4", "2", "3", "50.0", "16.0"],
        [TITLE_B, "3", "1", "2", "66.7", "6.5"],
    ]


def test_regions_districts_and_genders(client, login_as, programme):
    login_as(Role.TRAINER)
    assert table_rows(client, "regions") == [
        ["Region", "Registered", "Enrolled", "Completed"],
        ["Batken Region", "0", "0", "0"],
        ["Chüy Region", "0", "0", "0"],
        ["Issyk-Kul Region", "1", "1", "0"],
        ["Jalal-Abad Region", "0", "0", "0"],
        ["Naryn Region", "2", "3", "3"],
        ["Osh Region", "0", "0", "0"],
        ["Talas Region", "0", "0", "0"],
        ["Bishkek City", "1", "1", "0"],
        ["Osh City", "0", "0", "0"],
        ["Region not stated", "1", "1", "0"],
    ]
    assert table_rows(client, "districts")[1:] == [
        ["Issyk-Kul Region", "Ak-Suu District", "1", "1", "0"],
        ["Naryn Region", "At-Bashy District", "1", "2", "2"],
        ["Naryn Region", "District not stated", "1", "1", "1"],
        ["Bishkek City", "", "1", "1", "0"],
        ["Region not stated", "", "1", "1", "0"],
    ]
    assert table_rows(client, "genders") == [
        ["Gender", "Registered", "Enrolled", "Completed"],
        ["Women", "3", "3", "2"],
        ["Men", "1", "2", "1"],
        ["Not stated", "1", "1", "0"],
    ]


def test_months_are_counted_in_bishkek_time(client, login_as, programme):
    login_as(Role.TRAINER)
    assert table_rows(client, "months") == [
        ["Month", "New learners", "Enrolments", "Completions"],
        ["2025-01", "1", "1", "2"],
        ["2025-02", "1", "1", "0"],
        ["2025-03", "1", "1", "2"],
        ["2025-04", "1", "1", "1"],
        ["2025-05", "1", "1", "0"],
        ["2025-06", "0", "2", "0"],
    ]
    july = "period=custom&start=2025-07-01&end=2025-07-31"
    assert table_rows(client, "months", july)[1:] == [["2025-07", "0", "0", "1"]]
    assert table_rows(client, "courses", july)[1:] == [  # no enrolments: by title
        [TITLE_B, "0", "1", "0", "", ""],
        [TITLE_A, "0", "2", "1", "", "5.5"],
    ]
    assert_figures(dashboard_page(client, july), [("Completion rate, %", "—")])


def test_an_open_period_shows_the_last_24_months(client, login_as, programme):
    login_as(Role.TRAINER)
    assert_figures(
        dashboard_page(client, "period=all"),
        [
            ("Registered in the period", "6"),
            ("Enrolments in the period", "9"),
            ("Courses completed in the period", "7"),
            ("Completion rate, %", "77.8"),
        ],
    )
    months = [row[0] for row in table_rows(client, "months", "period=all")[1:]]
    this_month = datetime.now(UTC).astimezone(timezone("Asia/Bishkek")).date()
    assert len(months) == 24 and months[-1] == f"{this_month:%Y-%m}"


def test_the_region_filter(client, login_as, programme):
    login_as(Role.TRAINER)
    query = f"{PERIOD}&region=naryn"
    assert_figures(
        dashboard_page(client, query),
        [
            ("Learners registered", "3"),
            ("Registered in the period", "2"),
            ("Enrolments in the period", "4"),
            ("Learners active in the last 30 days", "1"),
            ("Courses completed in the period", "5"),
            ("Completion rate, %", "100"),
        ],
    )
    assert table_rows(client, "regions", query)[1:] == [["Naryn Region", "2", "3", "3"]]
    assert table_rows(client, "districts", query)[1:] == [
        ["Naryn Region", "At-Bashy District", "1", "2", "2"],
        ["Naryn Region", "District not stated", "1", "1", "1"],
    ]
    assert table_rows(client, "genders", query)[1:] == [
        ["Women", "2", "2", "2"],
        ["Men", "0", "1", "1"],
        ["Not stated", "0", "0", "0"],
    ]


def test_the_course_and_topic_filters(client, login_as, programme):
    login_as(Role.TRAINER)
    by_course = f"{PERIOD}&course=private-sector"
    assert table_rows(client, "courses", by_course)[1:] == [
        [TITLE_A, "4", "2", "3", "50.0", "16.0"]
    ]
    assert_figures(
        dashboard_page(client, by_course),
        [
            ("Learners registered", "6"),
            ("Enrolments in the period", "4"),
            ("Learners active in the last 30 days", "2"),
            ("Courses completed in the period", "3"),
            ("Completion rate, %", "50"),
        ],
    )
    naryn = table_rows(client, "regions", by_course)[5]
    assert naryn == ["Naryn Region", "2", "2", "3"]
    by_topic = f"{PERIOD}&topic=citizen-budget"
    assert table_rows(client, "courses", by_topic)[1:] == [[TITLE_B, "3", "1", "2", "66.7", "6.5"]]
    assert table_rows(client, "months", by_topic)[3] == ["2025-03", "1", "1", "1"]
    nowhere = table_rows(client, "courses", f"{PERIOD}&course=no-such-course")
    assert nowhere == nowhere[:1]


def test_titles_and_names_in_the_viewers_language(client, make_user, programme):
    _user_id, email = make_user(Role.TRAINER, language="ru")
    log_in(client, email)
    assert table_rows(client, "courses")[1][0] == "Привлечение частного сектора"
    assert table_rows(client, "regions")[5][0] == "Нарынская область"


def course_links(page: str) -> set[str]:
    """Which courses' progress reports the page links to."""
    slugs = ("private-sector", "citizen-budget", "deleted-course", "draft-course")
    return {slug for slug in slugs if f'href="/courses/{slug}/report"' in page}


def test_rows_link_to_reports_only_for_the_courses_editors(app, client, programme):
    log_in(client, "t1@example.kg")
    assert course_links(dashboard_page(client)) == {"private-sector"}
    other = app.test_client()
    log_in(other, "t2@example.kg")
    assert course_links(dashboard_page(other)) == set()


def test_administrators_get_every_link(client, login_as, programme):
    login_as(Role.ADMIN)
    assert course_links(dashboard_page(client)) == {"private-sector", "citizen-budget"}


def test_no_learner_is_named_anywhere(app, client, login_as, programme):
    login_as(Role.ADMIN)
    with app.app_context():
        emails = list(db.session.scalars(select(User.email).where(User.role == Role.LEARNER)))
    pages = [dashboard_page(client, query) for query in (PERIOD, "period=all", "period=30")]
    pages.append(client.get(f"/reports/map?{PERIOD}&measure=learners").get_data(as_text=True))
    for page in pages:
        for secret in [*NAMES.values(), *emails]:
            assert secret not in page


def test_the_deleted_course_leaves_no_trace(client, login_as, programme):
    login_as(Role.ADMIN)
    page = dashboard_page(client, "period=all")
    assert "Өчүрүлгөн курс" not in page and "draft-course" not in page


def test_the_excel_download(client, login_as, programme):
    login_as(Role.TRAINER)
    response = client.get(f"/reports/learning/courses.xlsx?{PERIOD}")
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[1:] == [[TITLE_A, 4, 2, 3, 50.0, 16.0], [TITLE_B, 3, 1, 2, 66.7, 6.5]]
    for table in ("regions", "districts", "genders", "months"):
        assert client.get(f"/reports/learning/{table}.xlsx?{PERIOD}").status_code == 200


def test_the_map_measures(app, client, login_as, programme):
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        app.preprocess_request()
        section = build_learning_section(ReportFilters(start=None, end=None))
        period = ReportFilters(datetime(2025, 1, 1).date(), datetime(2025, 6, 30).date())
        measures = {m.key: m.values for m in build_learning_section(period).measures}
    assert [m.key for m in section.measures] == ["learners", "completions"]
    zero = dict.fromkeys(measures["learners"], 0)
    assert measures["learners"] == zero | {"naryn": 2, "issyk-kul": 1, "bishkek": 1}
    assert measures["completions"] == zero | {"naryn": 3}
    assert len(zero) == 9
    login_as(Role.TRAINER)
    page = client.get(f"/reports/map?{PERIOD}&measure=completions").get_data(as_text=True)
    assert "Learners who completed a course in the period" in page


def statements_run(app, filters: ReportFilters) -> int:
    """How many SQL statements building the section takes."""
    seen = []
    with app.test_request_context("/"):
        app.preprocess_request()

        def count(*_args):
            seen.append(1)

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            build_learning_section(filters)
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
    return len(seen)


def test_a_fixed_number_of_queries(app, make_user, make_course, programme):
    filters = ReportFilters(region="naryn", topic="private-sector")
    before = statements_run(app, filters)
    extra_course = make_course("extra-course")
    with app.app_context():
        naryn = region_by_code("naryn").id
    for number in range(5):
        user_id, _email = make_user(name=f"Extra {number}", region_id=naryn, gender="male")
        with app.app_context():
            db.session.add(
                Enrolment(user_id=user_id, course_id=extra_course, completed_at=utcnow())
            )
            db.session.commit()
    assert statements_run(app, filters) == before


def test_a_district_of_another_region_counts_as_not_stated(app, client, make_user, login_as):
    with app.app_context():
        chui, at_bashy = region_by_code("chui").id, place_ids("naryn", "at-bashy")["district_id"]
    make_user(Role.LEARNER, region_id=chui, district_id=at_bashy, gender="male")
    login_as(Role.TRAINER)
    assert table_rows(client, "districts", "period=all")[1:] == [
        ["Chüy Region", "District not stated", "1", "0", "0"]
    ]

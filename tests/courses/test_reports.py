"""The trainer's progress report: every number on the page and in the CSV, hand-computed from a
small cohort; filters, sorting, CSV safety, charts, permissions and the number of queries.

The cohort takes a course of four required lessons (two readings, the quiz "Текшерүү" whose
best attempt counts, and "Final test" whose last attempt counts) and one optional reading.
The report is read on 2025-06-20 12:00 UTC; "active" means since 2025-05-21 12:00 UTC.
"""

import csv
import html
import io
import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import event, update

from courses import charts
from courses.models import Course, Enrolment, LessonTranslation, Section, SectionTranslation
from courses.services.progress import course_state, enrol, mark_lesson_complete
from courses.services.quizzes import Answers, submit_attempt
from courses.services.reports import alphabetical_key
from courses.views.reports import spreadsheet_safe
from portal.extensions import db
from portal.models import Role, User
from portal.reference_data import region_by_code
from tests.conftest import log_in
from tests.courses.conftest import quiz_lesson, reading_lesson

SLUG = "report-course"
URL = f"/courses/{SLUG}/report"
CSV_URL = f"/courses/{SLUG}/report.csv"
NOW = datetime(2025, 6, 20, 12, 0, tzinfo=UTC)
HEADER = [
    "Name",
    "Municipality",
    "Region",
    "Enrolled",
    "Complete, %",
    "Last activity",
    "Текшерүү, %",
    "Final test, %",
    "Completed",
]
# Sorted by name: "@" comes before letters. Farida finished at 20:00 UTC on 31 May, which is
# 1 June in Bishkek.
ROWS = {
    "dinara": ["@Dinara Dosova", '=HYPERLINK("http://evil.example")', "Issyk-Kul Region",
               "2025-04-01", "0", "2025-04-01", "—", "—", "—"],
    "aida": ["Aida Asanova", "Karakol", "Issyk-Kul Region",
             "2025-01-10", "100", "2025-03-15", "100", "75", "2025-03-15"],
    "bakyt": ["Bakyt Bekov", "Tokmok", "Chüy Region",
              "2025-02-01", "50", "2025-06-10", "75", "—", "—"],
    "cholpon": ["Cholpon Chynybaeva", "—", "—",
                "2025-02-20", "25", "2025-06-19", "100", "50", "—"],
    "farida": ["Farida Fomina", "Bishkek", "Bishkek City",
               "2025-01-05", "100", "2025-06-01", "75", "100", "2025-06-01"],
}  # fmt: skip
BY_NAME = ["dinara", "aida", "bakyt", "cholpon", "farida"]


def utc(text: str) -> datetime:
    """A UTC timestamp from 'YYYY-MM-DD HH:MM'."""
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=UTC)


#: name → (region, municipality, readings done, quiz results in % per attempt, dates UTC:
#: enrolled, last activity, completed)
COHORT = {
    "Aida Asanova": ("issyk-kul", "Karakol", ["why", "services"], {"check": [100], "final": [75]},
                     ("2025-01-10 12:00", "2025-03-15 09:00", "2025-03-15 09:00")),
    "Bakyt Bekov": ("chui", "Tokmok", ["why"], {"check": [50, 75]},
                    ("2025-02-01 12:00", "2025-06-10 12:00", None)),
    # Best attempt counts at "check" (100 then 25), the last at "final" (100 then 50: failed).
    "Cholpon Chynybaeva": (None, "", ["extra"], {"check": [100, 25], "final": [100, 50]},
                           ("2025-02-20 12:00", "2025-06-19 12:00", None)),
    "@Dinara Dosova": ("issyk-kul", '=HYPERLINK("http://evil.example")', [], {},
                       ("2025-04-01 12:00", "2025-04-01 12:00", None)),
    "Farida Fomina": ("bishkek", "Bishkek", ["why", "services"], {"check": [75], "final": [100]},
                      ("2025-01-05 12:00", "2025-05-31 20:00", "2025-05-31 20:00")),
}  # fmt: skip


@pytest.fixture(autouse=True)
def report_day(monkeypatch):
    """Read every report on NOW."""
    monkeypatch.setattr("courses.services.reports.utcnow", lambda: NOW)
    monkeypatch.setattr("courses.charts.utcnow", lambda: NOW)


def add_second_section(app, course_id: int) -> None:
    """An optional reading and a final quiz whose last attempt counts."""
    with app.app_context():
        course = db.session.get(Course, course_id)
        section = Section(key="more", position=1)
        course.sections.append(section)
        section.translations = [SectionTranslation(language="ky", title="Дагы")]
        extra = reading_lesson("extra", 0, "Кошумча", "Кошумча окуу.")
        extra.required = False
        final = quiz_lesson("final", 1)
        final.attempt_policy = "last"
        final.translations.append(LessonTranslation(language="en", title="Final test"))
        section.lessons = [extra, final]
        for lesson in section.lessons:
            lesson.course = course
        db.session.commit()


def answers_scoring(quiz, percent: int) -> Answers:
    """Answers that earn `percent` of the fixture quiz: its first questions right, one point
    (25 %) each, the rest left empty."""
    answers = Answers()
    for index, question in enumerate(quiz.questions):
        right = index < percent // 25
        if question.kind == "numeric":
            answers.numbers[question.id] = "108" if right else ""
        else:
            correct = [choice.id for choice in question.choices if choice.is_correct]
            answers.choices[question.id] = correct if right else []
    return answers


def take_course(app, user_id: int, course_id: int, readings, results) -> None:
    """Enrol, read and submit attempts through the learning services."""
    with app.app_context():
        user, course = db.session.get(User, user_id), db.session.get(Course, course_id)
        enrol(user, course)
        lessons = {lesson.key: lesson for lesson in course.lessons}
        for key in readings:
            mark_lesson_complete(user, lessons[key], "ky")
        for key, percents in results.items():
            for percent in percents:
                submit_attempt(user, lessons[key], answers_scoring(lessons[key], percent), "ky")


def set_dates(app, user_id: int, course_id: int, dates) -> None:
    """Move an enrolment's dates to the cohort's (the services stamp them with today)."""
    enrolled, active, completed = dates
    with app.app_context():
        db.session.execute(
            update(Enrolment)
            .filter_by(user_id=user_id, course_id=course_id)
            .values(
                enrolled_at=utc(enrolled),
                last_activity_at=utc(active),
                completed_at=utc(completed) if completed else None,
            )
        )
        db.session.commit()


def region_id(app, code):
    """The id of the region with `code`, None for no code."""
    with app.app_context():
        return region_by_code(code).id if code else None


@pytest.fixture
def cohort(app, make_user, make_course):
    """The course, its author's e-mail and the cohort's user ids by name."""
    author_id, author_email = make_user(Role.TRAINER)
    course_id = make_course(SLUG, author_id=author_id)
    add_second_section(app, course_id)
    users = {}
    for name, (region, municipality, readings, results, dates) in COHORT.items():
        user_id, _email = make_user(
            name=name, region_id=region_id(app, region), municipality=municipality
        )
        take_course(app, user_id, course_id, readings, results)
        set_dates(app, user_id, course_id, dates)
        users[name] = user_id
    stranger, _email = make_user(name="Other Course", region_id=region_id(app, "osh"))
    take_course(app, stranger, make_course("other-course"), ["why"], {})
    return {"course_id": course_id, "author": author_email, "users": users}


@pytest.fixture
def author(client, cohort):
    """The client, logged in as the course's author."""
    log_in(client, cohort["author"])
    return client


def text_of(cell_html: str) -> str:
    """A cell's visible text, without tags and sort arrows."""
    text = re.sub(r'<span aria-hidden="true">.*?</span>', "", cell_html, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", text)).strip()


def table_rows(page: str, table_marker: str) -> list[list[str]]:
    """The body rows of the table whose opening tag or caption holds `table_marker`."""
    start = page.index(table_marker)
    body = page[page.index("<tbody>", start) : page.index("</tbody>", start)]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body, flags=re.S)
    return [[text_of(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in rows]  # fmt: skip


def screen(client, query: str = "") -> tuple[int, str]:
    """The report page's status and HTML."""
    response = client.get(f"{URL}{query}")
    return response.status_code, response.get_data(as_text=True)


def learner_rows(page: str) -> list[list[str]]:
    """The learners' table as the page shows it."""
    return table_rows(page, 'class="report-table"')


def header(page: str) -> list[str]:
    """The learners' table's column headings."""
    head = page[page.index('class="report-table"') :]
    head = head[head.index("<thead>") : head.index("</thead>")]
    return [text_of(cell) for cell in re.findall(r"<th[^>]*>(.*?)</th>", head, re.S)]


def summary(page: str) -> dict[str, str]:
    """The summary's numbers by label."""
    block = page[page.index('class="report-summary"') :]
    block = block[: block.index("</dl>")]
    return dict(re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", block))


def csv_rows(client, query: str = "") -> list[list[str]]:
    """The CSV export's rows, checking the status and the byte order mark on the way."""
    response = client.get(f"{CSV_URL}{query}")
    assert response.status_code == 200
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def quiz_keys(page: str) -> dict[str, str]:
    """Sort keys of the quiz columns by heading, read from the heading links."""
    links = re.findall(r"sort=(quiz-\d+)[^\"]*\">([^<]+)", page)
    return {html.unescape(label): key for key, label in links}


def test_the_author_sees_every_learner_with_hand_computed_numbers(author):
    status, page = screen(author)
    assert status == 200
    assert header(page) == HEADER
    assert learner_rows(page) == [ROWS[key] for key in BY_NAME]
    assert summary(page) == {
        "Enrolled": "5",
        "Active in the last 30 days": "3",
        "Completed": "2",
        "Completion rate": "40%",
    }
    assert "Other Course" not in page
    assert 'aria-sort="ascending"' in page


def test_percent_complete_is_the_learner_pages_percent(app, author, cohort):
    rows = {row[0]: row[4] for row in learner_rows(screen(author)[1])}
    with app.app_context():
        course = db.session.get(Course, cohort["course_id"])
        for name, user_id in cohort["users"].items():
            state = course_state(db.session.get(User, user_id), course)
            assert rows[name] == str(state.percent), name


def test_the_csv_is_the_screen_made_safe(author):
    rows = csv_rows(author)
    assert rows[0] == HEADER
    assert rows[1:] == [[spreadsheet_safe(cell) for cell in ROWS[key]] for key in BY_NAME]
    assert rows[1][:2] == ["'@Dinara Dosova", '\'=HYPERLINK("http://evil.example")']
    response = author.get(CSV_URL)
    assert response.content_type == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=report-course-progress.csv"
    )


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ("=1+2", "'=1+2"),
        ("+996 555", "'+996 555"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("Ысык-Көл", "Ысык-Көл"),
        ("—", "—"),
        ("75", "75"),
    ],
)
def test_spreadsheet_formulas_are_defused(text, safe):
    assert spreadsheet_safe(text) == safe


@pytest.mark.parametrize(
    ("language", "region"), [("ky", "Ысык-Көл облусу"), ("ru", "Иссык-Кульская область")]
)
def test_the_report_follows_the_users_language(app, client, cohort, make_user, language, region):
    _admin_id, email = make_user(Role.ADMIN, language=language)
    log_in(client, email)
    rows = csv_rows(client)
    assert "Текшерүү, %" in rows[0]
    aida = next(row for row in rows if row[0] == "Aida Asanova")
    assert aida[2] == region
    status, page = screen(client)
    assert status == 200 and region in page and f'<html lang="{language}">' in page


@pytest.mark.parametrize(
    ("query", "names", "numbers"),
    [
        ("?region=issyk-kul", ["dinara", "aida"], ("2", "0", "1", "50%")),
        ("?region=none", ["cholpon"], ("1", "1", "0", "0%")),
        ("?region=chui", ["bakyt"], ("1", "1", "0", "0%")),
        ("?region=naryn", [], ("0", "0", "0", "—")),
    ],
)
def test_filter_by_region(author, query, names, numbers):
    status, page = screen(author, query)
    assert status == 200
    if names:
        assert learner_rows(page) == [ROWS[key] for key in names]
    else:
        assert "No learner from this region is enrolled." in page
    assert tuple(summary(page).values()) == numbers
    assert csv_rows(author, query)[1:] == [
        [spreadsheet_safe(cell) for cell in ROWS[key]] for key in names
    ]


@pytest.mark.parametrize(
    ("query", "order"),
    [
        ("?sort=complete", ["aida", "farida", "bakyt", "cholpon", "dinara"]),
        ("?sort=complete&order=asc", ["dinara", "cholpon", "bakyt", "aida", "farida"]),
        ("?sort=name&order=desc", ["farida", "cholpon", "bakyt", "aida", "dinara"]),
        ("?sort=region", ["farida", "bakyt", "dinara", "aida", "cholpon"]),
        ("?sort=region&order=desc", ["dinara", "aida", "bakyt", "farida", "cholpon"]),
        ("?sort=municipality", ["dinara", "farida", "aida", "bakyt", "cholpon"]),
        ("?sort=enrolled&order=asc", ["farida", "aida", "bakyt", "cholpon", "dinara"]),
        ("?sort=activity", ["cholpon", "bakyt", "farida", "dinara", "aida"]),
        ("?sort=completed&order=asc", ["aida", "farida", "dinara", "bakyt", "cholpon"]),
        ("?sort=completed", ["farida", "aida", "dinara", "bakyt", "cholpon"]),
    ],
)
def test_sort_by_any_column_with_empty_values_last(author, query, order):
    expected = [ROWS[key] for key in order]
    assert learner_rows(screen(author, query)[1]) == expected
    assert csv_rows(author, query)[1:] == [[spreadsheet_safe(c) for c in row] for row in expected]


def test_sort_by_quiz_scores(author):
    keys = quiz_keys(screen(author)[1])
    check, final = keys["Текшерүү, %"], keys["Final test, %"]
    by_check = learner_rows(screen(author, f"?sort={check}&order=asc")[1])
    assert [row[0] for row in by_check] == [
        "Bakyt Bekov",  # 75, ties by name
        "Farida Fomina",  # 75
        "Aida Asanova",  # 100
        "Cholpon Chynybaeva",  # 100
        "@Dinara Dosova",  # never tried: last
    ]
    by_final = learner_rows(screen(author, f"?sort={final}")[1])
    assert [row[7] for row in by_final] == ["100", "75", "50", "—", "—"]


def test_sorting_and_filtering_survive_in_the_links(author):
    page = screen(author, "?region=issyk-kul&sort=complete&order=asc")[1]
    assert 'aria-sort="ascending"' in page
    assert "report.csv?region=issyk-kul&amp;sort=complete&amp;order=asc" in page
    # The sorted column's heading reverses the order; the others keep the region.
    assert "report?region=issyk-kul&amp;sort=complete&amp;order=desc" in page
    assert "report?region=issyk-kul&amp;sort=name&amp;order=asc" in page
    assert '<option value="issyk-kul" selected>' in page


@pytest.mark.parametrize(
    "query",
    [
        "?sort=bogus&order=sideways&region=atlantis",
        "?sort=quiz-999999",
        "?sort=quiz-abc",
        "?sort=&order=&region=",
        "?page=abc",
        "?page=-4",
        "?region=%ff&sort=%C3%BC",
        "?sort=name&sort=complete",
    ],
)
def test_bad_query_parameters_are_ignored(author, query):
    status, page = screen(author, query)
    assert status == 200
    assert learner_rows(page) == [ROWS[key] for key in BY_NAME]
    assert author.get(f"{CSV_URL}{query}").status_code == 200


def test_a_nul_byte_is_refused_before_the_report(author):
    assert author.get(f"{URL}?region=%00").status_code == 400


def test_pages_of_rows_add_up_to_the_csv(author, monkeypatch):
    monkeypatch.setattr("courses.views.reports.PER_PAGE", 2)
    pages = [learner_rows(screen(author, f"?sort=complete&page={n}")[1]) for n in (1, 2, 3)]
    assert [len(rows) for rows in pages] == [2, 2, 1]
    shown = [row for rows in pages for row in rows]
    assert csv_rows(author, "?sort=complete")[1:] == [
        [spreadsheet_safe(c) for c in row] for row in shown
    ]
    status, past_the_end = screen(author, "?sort=complete&page=40")
    assert status == 200 and learner_rows(past_the_end) == pages[2]
    assert "page=2" in past_the_end and "Page 3 of 3" in past_the_end


def test_completions_per_month_chart_and_table(author):
    page = screen(author)[1]
    assert table_rows(page, 'id="months-caption"') == [
        ["June 2025", "1"],  # Farida: 31 May 20:00 UTC is June in Bishkek
        ["May 2025", "0"],
        ["April 2025", "0"],
        ["March 2025", "1"],
        ["February 2025", "0"],
        ["January 2025", "0"],
    ]
    assert '<title id="months-title">Completions per month</title>' in page
    assert 'aria-labelledby="months-title months-desc"' in page
    assert page.count('class="bar-completed"') == 2 + 2  # two months, two regions with completions
    filtered = screen(author, "?region=chui")[1]
    assert table_rows(filtered, 'id="months-caption"')[0] == ["June 2025", "0"]


def test_learners_by_region_chart_and_table(author):
    page = screen(author, "?region=issyk-kul")[1]
    assert table_rows(page, 'id="regions-caption"') == [
        ["Batken Region", "0", "0"],
        ["Chüy Region", "1", "0"],
        ["Issyk-Kul Region", "2", "1"],
        ["Jalal-Abad Region", "0", "0"],
        ["Naryn Region", "0", "0"],
        ["Osh Region", "0", "0"],
        ["Talas Region", "0", "0"],
        ["Bishkek City", "1", "1"],
        ["Osh City", "0", "0"],
        ["Region not given", "1", "0"],
    ]
    assert '<title id="regions-title">Learners and completions by region</title>' in page
    assert ">2 / 1</text>" in page and 'class="current"' in page
    assert "report?region=none&amp;sort=name&amp;order=asc" in page


def test_no_inline_styles_and_no_scripts(author):
    page = screen(author)[1]
    assert "style=" not in page
    assert "<script" not in page[page.index("<main") : page.index("</main>")]
    assert 'viewBox="0 0 360 200"' in page


def test_a_course_without_learners(app, client, make_user, make_course):
    trainer_id, email = make_user(Role.TRAINER)
    make_course("empty-course", author_id=trainer_id)
    log_in(client, email)
    page = client.get("/courses/empty-course/report").get_data(as_text=True)
    assert "No learner is enrolled in this course yet." in page
    assert 'id="months-caption"' not in page and ">0 / 0</text>" in page
    body = client.get("/courses/empty-course/report.csv").get_data().decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(body)))[0][:3] == ["Name", "Municipality", "Region"]


@pytest.mark.parametrize("path", [URL, CSV_URL])
def test_who_may_see_the_report(app, client, cohort, make_user, path):
    anonymous = client.get(path)
    assert anonymous.status_code == 302 and "/account/login" in anonymous.location
    for role, status in ((Role.LEARNER, 403), (Role.TRAINER, 403), (Role.ADMIN, 200)):
        _user_id, email = make_user(role)
        visitor = app.test_client()
        log_in(visitor, email)
        assert visitor.get(path).status_code == status, role
    log_in(client, cohort["author"])
    assert client.get(path).status_code == 200
    assert client.get(path.replace(SLUG, "no-such-course")).status_code == 404


def test_enrolled_learners_cannot_see_their_course_report(app, client, cohort):
    with app.app_context():
        email = db.session.get(User, cohort["users"]["Aida Asanova"]).email
    log_in(client, email)
    assert client.get(URL).status_code == 403


def test_a_fixed_number_of_queries_however_many_learners(app, author, cohort, make_user):
    def queries() -> int:
        statements = []
        with app.app_context():
            engine = db.engine
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            assert author.get(f"{URL}?sort=complete").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(statements)

    before = queries()
    for number in range(8):
        user_id, _email = make_user(name=f"Extra {number}", region_id=region_id(app, "naryn"))
        take_course(app, user_id, cohort["course_id"], ["why"], {"check": [25, 75]})
    assert queries() == before
    assert before <= 15


def test_kyrgyz_letters_sort_in_alphabet_order():
    names = ["Үсөн", "Өмүр", "Улан", "Орозбек", "Пайзилда", "Ңа", "Нурлан", "Ому"]
    assert sorted(names, key=alphabetical_key) == [
        "Нурлан",
        "Ңа",
        "Ому",
        "Орозбек",
        "Өмүр",
        "Пайзилда",
        "Улан",
        "Үсөн",
    ]


def test_chart_scales_and_labels():
    assert [charts.nice_top(n) for n in (0, 1, 2, 3, 7, 10, 11, 60, 101)] == [
        1, 1, 2, 5, 10, 10, 20, 100, 200
    ]  # fmt: skip
    assert charts.axis_ticks(10) == [0, 5, 10] and charts.axis_ticks(5) == [0, 5]
    months = charts.month_starts(date(2024, 11, 1), date(2025, 2, 1))
    assert months == [date(2024, 11, 1), date(2024, 12, 1), date(2025, 1, 1), date(2025, 2, 1)]
    year = charts.month_chart([(date(2024, 1, 1).replace(month=m), m % 3) for m in range(1, 13)])
    assert [bar.labelled for bar in year.bars] == [False, True] * 6  # every other, December too
    assert year.bars[1].with_year and not year.bars[3].with_year
    assert all(bar.x + bar.width <= year.width for bar in year.bars)
    assert max(bar.height for bar in year.bars) == year.baseline - year.ticks[-1][1]
    region = charts.region_chart(
        [charts.RegionCount("a", "A", 4, 1), charts.RegionCount("b", "B", 2, 2)], current="b"
    )
    widths = [(row.learners_width, row.completed_width, row.current) for row in region.rows]
    assert widths == [(290, 72.5, False), (145, 145, True)]
    assert region.height == 2 * 38 + 4

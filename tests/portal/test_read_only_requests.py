"""GET never changes the database: every GET route, for every role, leaves every table as it was.

The only writes a GET may cause are anonymous statistics kept on purpose: the search query log
and the practices' daily view counts.
"""

import pytest
from werkzeug.datastructures import MultiDict

from portal.extensions import db
from portal.models import Role
from tests.portal.test_access import ROLES, make_samples, rules

#: Tables a GET may write to: anonymous counts of what people search for and read.
STATISTICS_TABLES = {"search_query", "practice_view_count"}

#: Query strings that make list and search pages do more work (filters, sorting, paging).
QUERY_STRINGS = {
    "search.search": ["q=Каракол таштанды", "q=Karakol&type=practice&sort=date&page=2"],
    "search_api.search_api": ["q=жарык&region=issyk-kul", "q=qwertyuiop"],
    "search_api.suggest_api": ["q=Кар"],
    "practices.index": ["region=issyk-kul&topic=waste&sort=title", "page=3"],
    "courses.index": ["topic=private-sector&language=ru"],
    "reports.index": ["period=2026-01-01..2026-12-31&region=issyk-kul"],
}


def table_contents(app) -> dict:
    """Every row of every table (statistics tables left out), in a comparable form."""
    with app.app_context():
        contents = {}
        for table in db.metadata.sorted_tables:
            if table.name in STATISTICS_TABLES:
                continue
            rows = db.session.execute(table.select()).all()
            contents[table.name] = sorted((tuple(row) for row in rows), key=repr)
        return contents


def take_sample_course(app, owner_id) -> None:
    """Let the tester complete the sample course, so progress, attempts and a certificate exist."""
    from courses.models import Course
    from courses.services.progress import mark_lesson_complete
    from courses.services.quizzes import read_answers, submit_attempt
    from portal.models import User
    from tests.courses.conftest import course_ids, right_answers

    with app.app_context():
        course_id = db.session.execute(db.select(Course.id)).scalar_one()
    answers = MultiDict(right_answers(course_ids(app, course_id)))
    with app.app_context():
        user, course = db.session.get(User, owner_id), db.session.get(Course, course_id)
        for lesson in course.lessons:
            if lesson.is_quiz:
                submit_attempt(user, lesson, read_answers(lesson, answers), "ky")
            else:
                mark_lesson_complete(user, lesson, "ky")


def get_urls(app) -> list[str]:
    """Every GET route with its sample arguments, plus the query strings above."""
    urls = []
    for rule, url in rules(app):
        if "GET" in rule.methods:
            urls.append(url)
            urls.extend(f"{url}?{query}" for query in QUERY_STRINGS.get(rule.endpoint, []))
    return urls


@pytest.mark.parametrize("role", ROLES)
def test_no_get_request_changes_the_database(app, client, make_user, login_as, make_practice, role):
    make_user(Role.LEARNER)
    owner_id = login_as(role)[0] if role != "anonymous" else None
    make_samples(app, make_practice, owner_id)
    if owner_id is not None:
        take_sample_course(app, owner_id)
    before = table_contents(app)
    if owner_id is not None:  # the samples hold the records a GET could disturb
        assert before["course_lesson_progress"] and before["course_certificate"]
    statuses = {}
    for url in get_urls(app):
        with client.get(url) as response:
            statuses[url] = response.status_code
    assert all(status < 500 for status in statuses.values()), statuses
    after = table_contents(app)
    changed = [name for name in before if before[name] != after[name]]
    assert not changed, f"GET requests as {role} changed {changed}"

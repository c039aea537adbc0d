"""Practice page views are counted per day, by readers only, without any personal data."""

import logging
import multiprocessing
from datetime import date

import pytest
from sqlalchemy import event, select

from portal.extensions import db
from portal.models import Role
from practices.models import PracticeViewCount
from practices.services import bishkek_today, count_view, is_robot
from tests.conftest import app_settings, log_in

BROWSER = "Mozilla/5.0 (Linux; Android 13) AppleWebKit/537.36 Chrome/126.0 Mobile Safari/537.36"


def counts(app) -> dict[tuple[int, date], int]:
    """Every stored count: {(practice id, day): views}."""
    with app.app_context():
        rows = db.session.execute(select(PracticeViewCount)).scalars()
        return {(row.practice_id, row.day): row.views for row in rows}


def read(client, slug: str = "karakol-waste", agent: str = BROWSER, method: str = "GET"):
    """Ask for a practice's page as a browser with `agent` would."""
    response = client.open(f"/practices/{slug}", method=method, headers={"User-Agent": agent})
    assert response.status_code == 200
    return response


def test_views_are_counted_per_day_and_add_up(app, client, make_practice):
    practice_id = make_practice("karakol-waste")
    for _view in range(3):
        read(client)
    with app.app_context():
        count_view(practice_id, date(2024, 5, 1))
        count_view(practice_id, date(2024, 5, 1))
        today = bishkek_today()
    assert counts(app) == {(practice_id, today): 3, (practice_id, date(2024, 5, 1)): 2}


@pytest.mark.parametrize(
    "agent",
    [
        "",
        "   ",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; YandexBot/3.0)",
        "Mozilla/5.0 (compatible; bingbot/2.0)",
        "Mozilla/5.0 (compatible; Yahoo! Slurp)",
        "facebookexternalhit/1.1",
        "Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/126.0 Safari/537.36",
        "python-requests/2.32.3",
        "curl/8.5.0",
        "Wget/1.21.4",
        "TelegramBot (like TwitterBot)",
        "Sogou web spider/4.0",
        "Screaming Frog SEO Spider",
    ],
)
def test_robots_and_scripts_are_not_counted(app, client, make_practice, agent):
    make_practice("karakol-waste")
    read(client, agent=agent)
    assert counts(app) == {}


def test_people_in_browsers_are_not_taken_for_robots():
    for agent in (
        BROWSER,
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Safari/604.1",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0",
    ):
        assert not is_robot(agent), agent


def test_head_requests_are_not_counted(app, client, make_practice):
    make_practice("karakol-waste")
    read(client, method="HEAD")
    assert counts(app) == {}


def test_editors_are_not_counted_but_other_accounts_are(app, make_user, make_practice):
    author_id, author_email = make_user(Role.TRAINER)
    _reviewer_id, reviewer_email = make_user(Role.ADMIN)
    _learner_id, learner_email = make_user(Role.LEARNER)
    practice_id = make_practice("karakol-waste", author_id=author_id)
    for email in (author_email, reviewer_email):
        editor = app.test_client()
        log_in(editor, email)
        read(editor)
    assert counts(app) == {}
    learner = app.test_client()
    log_in(learner, learner_email)
    read(learner)
    with app.app_context():
        today = bishkek_today()
    assert counts(app) == {(practice_id, today): 1}


def test_drafts_and_archived_practices_are_not_counted(app, client, make_user, make_practice):
    author_id, author_email = make_user(Role.TRAINER)
    make_practice("draft", author_id=author_id, status="draft")
    make_practice("archived", status="archived")
    read(client, "archived")  # archived pages stay readable, but are no longer in the library
    log_in(client, author_email)
    read(client, "draft")
    assert counts(app) == {}


def test_nothing_personal_is_kept(app, client, make_practice):
    make_practice("karakol-waste")
    read(client)
    columns = set(PracticeViewCount.__table__.columns.keys())
    assert columns == {"id", "practice_id", "day", "views"}


def test_a_failure_to_count_never_breaks_the_page(app, client, make_practice, caplog):
    make_practice("karakol-waste")
    with app.app_context():
        PracticeViewCount.__table__.drop(db.engine)
    with caplog.at_level(logging.ERROR):
        page = read(client).get_data(as_text=True)
    assert "Вывоз мусора" in page or "Таштандыларды" in page
    assert "Could not count a view" in caplog.text


def test_counting_adds_at_most_one_statement(app, client, make_practice):
    make_practice("karakol-waste")
    read(client)  # warm caches, so both runs below do the same work
    statements = []
    with app.app_context():
        engine = db.engine

    def listener(_connection, _cursor, statement, *_args):
        # On SQLite the count begins a transaction of its own (BEGIN IMMEDIATE, after the page's
        # deferred reads): transaction control, not a statement of work.
        if not statement.startswith("BEGIN"):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", listener)
    try:
        read(client, agent="Googlebot/2.1")
        robot = len(statements)
        statements.clear()
        read(client)
        person = len(statements)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert person - robot <= 1, statements


def _read_many_times(settings: dict, practice_id: int, times: int) -> None:
    from portal import create_app

    app = create_app(settings)
    with app.test_request_context():
        for _view in range(times):
            assert count_view(practice_id, date(2024, 5, 1))
            db.session.remove()


def test_four_processes_reading_at_once_lose_no_view(app, make_practice, tmp_path):
    practice_id = make_practice("karakol-waste")
    context = multiprocessing.get_context("spawn")
    workers = [
        context.Process(target=_read_many_times, args=(app_settings(tmp_path), practice_id, 25))
        for _ in range(4)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0
    assert counts(app) == {(practice_id, date(2024, 5, 1)): 100}

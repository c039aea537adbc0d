"""Quizzes are graded on the server: the page never holds the answers, attempts are kept,
tampered forms are refused, and passing completes the course once."""

import re

from sqlalchemy import func, select

from courses.models import Course, Enrolment, Lesson, QuizAttempt
from portal.extensions import db
from tests.conftest import post_form
from tests.courses.conftest import course_ids, right_answers, wrong_answers

SLUG = "private-sector"


def lesson_url(lesson_id: int) -> str:
    return f"/courses/{SLUG}/lessons/{lesson_id}"


def start(app, client, login_as, make_course, **settings):
    """A logged-in learner enrolled in the fixture course; returns (user id, ids)."""
    user_id, _ = login_as()
    ids = course_ids(app, make_course(SLUG, **settings))
    post_form(client, f"/courses/{SLUG}/enrol", {}, token_from=f"/courses/{SLUG}")
    return user_id, ids


def submit(client, ids, answers):
    return post_form(
        client, f"{lesson_url(ids['check'])}/attempts", answers, token_from=lesson_url(ids["why"])
    )


def complete_readings(client, ids):
    for key in ("why", "services"):
        post_form(client, f"{lesson_url(ids[key])}/complete", {}, token_from=lesson_url(ids[key]))


def attempts(app) -> list[tuple[int, bool]]:
    with app.app_context():
        rows = db.session.execute(select(QuizAttempt.percent, QuizAttempt.passed)).all()
        return [tuple(row) for row in rows]


def test_the_quiz_page_never_contains_the_answers(app, client, login_as, make_course):
    _user, ids = start(app, client, login_as, make_course)
    page = client.get(lesson_url(ids["check"])).get_data(as_text=True)
    assert "Ким таштанды чогултат?" in page and "Жеке ишкана" in page
    assert "Пикир:" not in page and "Түшүндүрмө:" not in page  # feedback only after grading
    assert "correct" not in page.lower() and "108" not in page
    assert "Pass mark: 70%." in page and "Unlimited attempts." in page


def test_fail_then_pass_with_feedback_and_completion(app, client, login_as, make_course):
    user_id, ids = start(app, client, login_as, make_course)
    complete_readings(client, ids)
    failed = submit(client, ids, wrong_answers(ids))
    assert failed.status_code == 303
    result = client.get(failed.location).get_data(as_text=True)
    assert "Not passed: 1.0 of 4.0 points (25%); 70% is needed." in result
    assert "Пикир: Салык" in result  # feedback of the choice picked
    assert "Түшүндүрмө: Канча катышуучу болгон?" in result
    assert "Your answer: 12,5. Right answer: 108.0." in result
    assert "Try again" in result
    page = client.get(f"/courses/{SLUG}").get_data(as_text=True)
    assert "67% done" in page and "Left to complete the course" in page

    passed = submit(client, ids, right_answers(ids))
    assert "Passed: 4.0 of 4.0 points (100%)." in client.get(passed.location).get_data(as_text=True)
    assert attempts(app) == [(25, False), (100, True)]
    with app.app_context():
        enrolment = db.session.scalars(select(Enrolment)).one()
        assert enrolment.completed_at is not None
    page = client.get(f"/courses/{SLUG}").get_data(as_text=True)
    assert "You completed this course on" in page and "100% done" in page
    assert "Download your certificate (PDF)" in page
    code = re.search(r"/certificates/([A-Z0-9-]+)", page).group(1)
    verified = client.get(f"/certificates/{code}").get_data(as_text=True)
    assert "This certificate is valid." in verified and "Жеке секторду тартуу" in verified


def test_multiple_choice_earns_partial_points(app, client, login_as, make_course):
    _user, ids = start(app, client, login_as, make_course)
    half = right_answers(ids) | {f"q{ids['q2']}": [str(ids["q2.0"])]}
    result = client.get(submit(client, ids, half).location).get_data(as_text=True)
    assert "Passed: 3.5 of 4.0 points (88%)." in result and "Partly right" in result
    # A wrong pick cancels a right one: 1 right - 1 wrong of 2 right choices is nothing.
    cancelled = right_answers(ids) | {f"q{ids['q2']}": [str(ids["q2.0"]), str(ids["q2.2"])]}
    result = client.get(submit(client, ids, cancelled).location).get_data(as_text=True)
    assert "Passed: 3.0 of 4.0 points (75%)." in result


def test_the_last_attempt_counts_when_the_quiz_says_so(app, client, login_as, make_course):
    _user, ids = start(app, client, login_as, make_course)
    with app.app_context():
        db.session.get(Lesson, ids["check"]).attempt_policy = "last"
        db.session.commit()
    submit(client, ids, right_answers(ids))
    submit(client, ids, wrong_answers(ids))
    page = client.get(lesson_url(ids["check"])).get_data(as_text=True)
    assert "Not passed yet: 25% counts now." in page and "Your last attempt counts." in page


def test_an_attempts_limit_is_kept(app, client, login_as, make_course):
    _user, ids = start(app, client, login_as, make_course)
    with app.app_context():
        db.session.get(Lesson, ids["check"]).max_attempts = 1
        db.session.commit()
    assert "1 attempt left." in client.get(lesson_url(ids["check"])).get_data(as_text=True)
    submit(client, ids, wrong_answers(ids))
    refused = submit(client, ids, right_answers(ids))
    assert refused.status_code == 303 and refused.location.endswith(lesson_url(ids["check"]))
    page = client.get(lesson_url(ids["check"])).get_data(as_text=True)
    assert "You have used every attempt this quiz allows." in page
    assert "Send my answers" not in page
    assert attempts(app) == [(25, False)]


def test_tampered_answers_are_refused(app, client, login_as, make_course):
    _user, ids = start(app, client, login_as, make_course)
    tampered = [
        right_answers(ids) | {f"q{ids['q1']}": str(ids["q2.0"])},  # a choice of another question
        right_answers(ids) | {f"q{ids['q1']}": [str(ids["q1.0"]), str(ids["q1.1"])]},  # two
        right_answers(ids) | {f"q{ids['q3']}": "not-a-number"},
    ]
    for answers in tampered:
        assert submit(client, ids, answers).status_code == 400
    assert attempts(app) == []


def test_a_number_that_is_not_a_number_is_asked_again_keeping_the_answers(
    app, client, login_as, make_course
):
    _user, ids = start(app, client, login_as, make_course)
    answers = right_answers(ids) | {f"q{ids['q4']}": "сто сегиз"}
    response = submit(client, ids, answers)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Please type a number" in page and 'value="сто сегиз"' in page
    assert re.search(rf'id="c{ids["q1.0"]}"[^>]*checked', page)
    assert attempts(app) == []


def test_another_learners_attempt_is_not_shown(app, client, login_as, make_course, make_user):
    _user, ids = start(app, client, login_as, make_course)
    attempt_url = submit(client, ids, wrong_answers(ids)).location
    client.post("/account/logout", data={"csrf_token": ""})
    other = app.test_client()
    _id, email = make_user()
    from tests.conftest import log_in

    log_in(other, email)
    assert other.get(attempt_url).status_code == 404


def test_a_quiz_of_an_unpublished_course_is_closed(app, client, login_as, make_course):
    _user, ids = start(app, client, login_as, make_course)
    with app.app_context():
        db.session.scalars(select(Course)).one().status = "draft"
        db.session.commit()
    assert submit(client, ids, right_answers(ids)).status_code in (400, 404)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(QuizAttempt)) == 0


def test_an_attempt_at_a_quiz_that_changed_since_still_shows(app, client, login_as, make_course):
    _user, ids = start(app, client, login_as, make_course)
    attempt_url = submit(client, ids, right_answers(ids)).location
    with app.app_context():
        from courses.models import Question

        db.session.delete(db.session.get(Question, ids["q2"]))
        db.session.commit()
    page = client.get(attempt_url).get_data(as_text=True)
    assert "Passed: 4.0 of 4.0 points (100%)." in page
    assert "The quiz has changed since this attempt" in page
    assert "Кайсылар кызмат?" not in page and "Ким таштанды чогултат?" in page

"""The demo courses: complete, in the promised languages, loaded twice safely, and passable."""

import json
from pathlib import Path

import pytest

from courses import demo
from courses.models import Choice, Course, Lesson, Question, QuizAttempt
from courses.records import course_to_record
from portal.extensions import db
from tests.conftest import log_in, post_form

PRACTICES_FILE = Path(__file__).parents[2] / "practices" / "demo" / "practices.json"
PRIVATE_SECTOR = "private-sector-local-services"
JOINT_PLANS = "joint-action-plans"


def row_counts() -> tuple[int, ...]:
    """How many courses, lessons, questions and choices there are."""
    return tuple(
        db.session.scalar(db.select(db.func.count()).select_from(model))
        for model in (Course, Lesson, Question, Choice)
    )


def course(slug: str) -> Course:
    """A demo course by slug."""
    return db.session.execute(db.select(Course).filter_by(slug=slug)).scalar_one()


def quiz_of(item: Course) -> Lesson:
    """The course's quiz lesson."""
    (quiz,) = [lesson for lesson in item.lessons if lesson.is_quiz]
    return quiz


def test_demo_loads_twice_without_duplicates(app):
    with app.app_context():
        assert demo.load() == "2 demo courses (2 new)"
        counts = row_counts()
        records = [course_to_record(c) for c in db.session.scalars(db.select(Course))]
        assert demo.load() == "2 demo courses (0 new)"
        assert row_counts() == counts
        assert [course_to_record(c) for c in db.session.scalars(db.select(Course))] == records


def test_demo_file_is_what_export_writes(app):
    with app.app_context():
        demo.load()
        file = json.loads(demo.DEMO_FILE.read_text(encoding="utf-8"))
        exported = [course_to_record(c) for c in db.session.scalars(db.select(Course))]
    assert [record | {"author": None} for record in file] == exported  # no demo accounts here


def test_private_sector_course_is_complete_in_three_languages(app):
    with app.app_context():
        demo.load()
        item = course(PRIVATE_SECTOR)
        assert (item.status, item.enrolment, item.certificate) == ("published", "open", True)
        assert item.organisation and item.hours
        assert "private-sector" in {topic.code for topic in item.topics}
        assert item.languages == ["ky", "ru", "en"]
        reading = [lesson for lesson in item.lessons if not lesson.is_quiz]
        assert len(reading) >= 5
        assert all(lesson.languages == ["ky", "ru", "en"] for lesson in item.lessons)
        questions = quiz_of(item).questions
        assert len(questions) >= 8
        assert {q.kind for q in questions} == {"single", "multiple", "true_false", "numeric"}
        for question in questions:
            assert all(t.explanation for t in question.translations), question.key
            assert question.languages == ["ky", "ru", "en"], question.key
            if question.kind in ("single", "multiple"):
                assert all(t.feedback for c in question.choices for t in c.translations)
                assert all(c.languages == ["ky", "ru", "en"] for c in question.choices)
        assert 108 in {q.numeric_answer for q in questions}


def test_joint_action_plans_course_is_short_and_in_kyrgyz_and_russian(app):
    with app.app_context():
        demo.load()
        item = course(JOINT_PLANS)
        assert item.languages == ["ky", "ru"]
        assert all(lesson.languages == ["ky", "ru"] for lesson in item.lessons)
        assert 2 <= len([lesson for lesson in item.lessons if not lesson.is_quiz]) <= 3
        assert len(quiz_of(item).questions) >= 3
        assert "joint-action-plan" in {topic.code for topic in item.topics}


def test_cited_practices_exist_in_the_demo_library(app):
    library = {record["slug"] for record in json.loads(PRACTICES_FILE.read_text("utf-8"))}
    with app.app_context():
        demo.load()
        cited = {
            s
            for c in db.session.scalars(db.select(Course))
            for x in c.lessons
            for s in x.practice_slugs
        }
    assert cited and cited <= library
    with app.app_context():
        cases = next(x for x in course(PRIVATE_SECTOR).lessons if x.key == "regional-cases")
        assert len(cases.practice_slugs) >= 2


def test_flask_demo_loads_courses_with_their_author_twice(app, runner):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert "courses: 2 demo courses (2 new)" in first.output
    second = runner.invoke(args=["demo"])
    assert "courses: 2 demo courses (0 new)" in second.output
    with app.app_context():
        assert course(PRIVATE_SECTOR).author.email == "trainer@demo.portal.kg"


def right_answers(quiz: Lesson) -> dict:
    """Form fields that answer every question of the quiz right, read from the database."""
    answers = {}
    for question in quiz.questions:
        field = f"q{question.id}"
        if question.kind == "numeric":
            answers[field] = f"{question.numeric_answer:g}"
        else:
            answers[field] = [str(c.id) for c in question.choices if c.is_correct]
    return answers


@pytest.mark.parametrize("slug", [PRIVATE_SECTOR, JOINT_PLANS])
def test_a_learner_can_pass_the_demo_quiz(app, client, make_user, slug):
    with app.app_context():
        demo.load()
        quiz = quiz_of(course(slug))
        answers, quiz_id = right_answers(quiz), quiz.id
    _user_id, email = make_user()
    log_in(client, email)
    enrolled = post_form(client, f"/courses/{slug}/enrol", {}, token_from=f"/courses/{slug}")
    assert enrolled.status_code in (302, 303)
    path = f"/courses/{slug}/lessons/{quiz_id}"
    graded = post_form(client, f"{path}/attempts", answers, token_from=path)
    assert graded.status_code == 303, graded.get_data(as_text=True)
    with app.app_context():
        attempt = db.session.execute(db.select(QuizAttempt)).scalar_one()
        assert attempt.passed and attempt.percent == 100

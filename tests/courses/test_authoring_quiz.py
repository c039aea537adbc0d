"""The quiz editor: questions of each kind, their answers, checks, order and deletion."""

from sqlalchemy import select

from courses.models import Course, Lesson, Question, QuizAttempt
from portal.extensions import db
from portal.models import Role
from tests.conftest import post_form
from tests.courses.conftest import course_ids

BASE = "/courses/private-sector/lessons"


def quiz_id(app, slug: str = "private-sector") -> int:
    """The id of the fixture course's quiz."""
    with app.app_context():
        course = db.session.execute(select(Course).filter_by(slug=slug)).scalar_one()
        return next(lesson.id for lesson in course.lessons if lesson.is_quiz)


def questions(app, lesson_id: int) -> list[dict]:
    """The quiz's questions in order, with their answers."""
    with app.app_context():
        lesson = db.session.get(Lesson, lesson_id)
        return [question_facts(question) for question in lesson.questions]


def question_facts(question: Question) -> dict:
    """What the tests compare of a question."""
    return {
        "id": question.id,
        "key": question.key,
        "position": question.position,
        "kind": question.kind,
        "points": question.points,
        "texts": {t.language: t.text for t in question.translations},
        "numeric": (question.numeric_answer, question.numeric_tolerance),
        "choices": [
            (c.id, c.position, c.is_correct, {t.language: t.text for t in c.translations})
            for c in question.choices
        ],
    }


def question_form(kind: str = "single", **fields) -> dict:
    """A question form in Kyrgyz with two answers, the first one correct."""
    data = {"kind": kind, "points": "2", "ky-text": "Ким?", "ky-explanation": "", "ru-text": ""}
    if kind in ("single", "multiple"):
        data |= answer_row(0, "Айыл өкмөтү", correct=True) | answer_row(1, "Эч ким")
    return data | fields


def answer_row(index: int, text: str, correct: bool = False, **extra) -> dict:
    """The fields of one answer row."""
    row = {f"choices-{index}-ky-text": text, f"choices-{index}-ky-feedback": ""}
    if correct:
        row[f"choices-{index}-correct"] = "y"
    return row | {f"choices-{index}-{name}": value for name, value in extra.items()}


def new_question(client, lesson_id: int, data: dict):
    """Send the new-question form."""
    return post_form(client, f"{BASE}/{lesson_id}/questions/new", data)


def test_a_single_choice_question_is_added_at_the_end(app, client, login_as, make_course):
    trainer_id, _ = login_as(Role.TRAINER)
    make_course("private-sector", author_id=trainer_id)
    lesson_id = quiz_id(app)
    page = client.get(f"{BASE}/{lesson_id}/questions/new?kind=single").get_data(as_text=True)
    assert 'name="choices-3-ky-text"' in page and 'name="choices-3-ru-text"' in page
    assert 'name="choices-0-en-text"' not in page
    response = new_question(client, lesson_id, question_form())
    assert response.status_code == 303 and response.location.endswith(
        f"#question-{questions(app, lesson_id)[-1]['id']}"
    )
    added = questions(app, lesson_id)[-1]
    assert added["key"].startswith("question-") and added["position"] == 4
    assert (added["kind"], added["points"], added["texts"]) == ("single", 2, {"ky": "Ким?"})
    assert [(c[1], c[2], c[3]) for c in added["choices"]] == [
        (0, True, {"ky": "Айыл өкмөтү"}),
        (1, False, {"ky": "Эч ким"}),
    ]
    assert client.get(f"{BASE}/{lesson_id}/questions/new?kind=essay").status_code == 400


def test_answers_are_checked_for_each_kind(app, client, login_as, make_course):
    trainer_id, _ = login_as(Role.TRAINER)
    make_course("private-sector", author_id=trainer_id)
    lesson_id = quiz_id(app)
    one_answer = question_form() | answer_row(1, "")
    no_right_answer = question_form("multiple")
    del no_right_answer["choices-0-correct"]
    cases = [
        (one_answer, "Give at least two answers."),
        (
            question_form() | answer_row(1, "Эч ким", correct=True),
            "Mark exactly one answer as correct.",
        ),
        (
            no_right_answer,
            "Mark at least one answer as correct.",
        ),
        (question_form(**{"ky-text": ""}), "Write the texts in at least one language."),
        (question_form("true_false"), "Choose whether the statement is true or false."),
        (question_form("numeric"), "Type the right answer."),
        (
            question_form("numeric", numeric_answer="twelve"),
            "Type a number, for example 12 or 3,5.",
        ),
        (
            question_form("numeric", numeric_answer="1", numeric_tolerance="-1"),
            "cannot be negative",
        ),
        (question_form(points="0"), "Number must be between 1 and 100."),
    ]
    for data, message in cases:
        response = new_question(client, lesson_id, data)
        page = response.get_data(as_text=True)
        assert response.status_code == 422, message
        assert message in page, message
        assert ("Ким?" if data["ky-text"] else "Айыл өкмөтү") in page, message
    assert len(questions(app, lesson_id)) == 4


def test_numbers_accept_a_decimal_comma(app, client, login_as, make_course):
    trainer_id, _ = login_as(Role.TRAINER)
    make_course("private-sector", author_id=trainer_id)
    lesson_id = quiz_id(app)
    data = question_form("numeric", numeric_answer="12,5", numeric_tolerance="0,5")
    assert new_question(client, lesson_id, data).status_code == 303
    added = questions(app, lesson_id)[-1]
    assert added["numeric"] == (12.5, 0.5) and added["choices"] == []
    page = client.get(f"{BASE}/{lesson_id}/questions/{added['id']}/edit").get_data(as_text=True)
    assert 'value="12.5"' in page


def test_true_false_questions_keep_their_two_answers(app, client, login_as, make_course):
    trainer_id, _ = login_as(Role.TRAINER)
    course_id = make_course("private-sector", author_id=trainer_id)
    lesson_id = quiz_id(app)
    assert (
        new_question(
            client, lesson_id, question_form("true_false", true_answer="false")
        ).status_code
        == 303
    )
    added = questions(app, lesson_id)[-1]
    assert [(c[1], c[2], c[3]) for c in added["choices"]] == [(0, False, {}), (1, True, {})]
    found = course_ids(app, course_id)
    edit = f"{BASE}/{lesson_id}/questions/{found['q3']}/edit"
    page = client.get(edit).get_data(as_text=True)
    assert 'checked id="true_answer-0"' in page
    before = [c[0] for c in questions(app, lesson_id)[2]["choices"]]
    data = question_form(
        "true_false", true_answer="false", **{"ky-text": "Жеке сектор чыгымды азайтат."}
    )
    assert post_form(client, edit, data).status_code == 303
    after = questions(app, lesson_id)[2]["choices"]
    assert [c[0] for c in after] == before  # the same answers: earlier attempts still name them
    assert [c[2] for c in after] == [False, True]


def test_editing_answers_keeps_removes_and_adds(app, client, login_as, make_course):
    trainer_id, _ = login_as(Role.TRAINER)
    course_id = make_course("private-sector", author_id=trainer_id)
    lesson_id = quiz_id(app)
    found = course_ids(app, course_id)
    edit = f"{BASE}/{lesson_id}/questions/{found['q2']}/edit"
    page = client.get(edit).get_data(as_text=True)
    assert 'value="Жарык"' in page and f'value="{found["q2.0"]}"' in page
    data = {"kind": "multiple", "points": "3", "ky-text": "Кайсылар кызмат?", "ky-explanation": ""}
    data |= answer_row(0, "Жарык", correct=True, choice_id=found["q2.0"])
    data |= answer_row(1, "Таштанды", correct=True, choice_id=found["q2.1"], remove="y")
    data |= answer_row(2, "Салык (өзгөртүлдү)", choice_id=found["q2.2"])
    data |= answer_row(3, "Суу", correct=True)
    assert post_form(client, edit, data).status_code == 303
    saved = questions(app, lesson_id)[1]
    assert saved["points"] == 3
    assert [(c[0], c[1], c[2], c[3]["ky"]) for c in saved["choices"][:2]] == [
        (found["q2.0"], 0, True, "Жарык"),
        (found["q2.2"], 1, False, "Салык (өзгөртүлдү)"),
    ]
    assert saved["choices"][2][1:] == (2, True, {"ky": "Суу"})


def test_more_rows_and_another_kind_are_shown_without_saving(app, client, login_as, make_course):
    trainer_id, _ = login_as(Role.TRAINER)
    make_course("private-sector", author_id=trainer_id)
    lesson_id = quiz_id(app)
    more = new_question(
        client, lesson_id, question_form(add_choice="1") | answer_row(2, "") | answer_row(3, "")
    )
    page = more.get_data(as_text=True)
    assert more.status_code == 200 and 'name="choices-4-ky-text"' in page
    assert 'value="Айыл өкмөтү"' in page
    other_kind = new_question(client, lesson_id, question_form(kind="numeric", change_kind="1"))
    page = other_kind.get_data(as_text=True)
    assert other_kind.status_code == 200 and 'name="numeric_answer"' in page
    assert 'name="choices-0-ky-text"' not in page and "Ким?" in page
    assert len(questions(app, lesson_id)) == 4


def test_questions_move_and_are_deleted(app, client, login_as, make_course):
    trainer_id, _ = login_as(Role.TRAINER)
    course_id = make_course("private-sector", author_id=trainer_id)
    lesson_id = quiz_id(app)
    found = course_ids(app, course_id)
    token_page = f"{BASE}/{lesson_id}/edit"
    move = f"{BASE}/{lesson_id}/questions/{found['q4']}/move"
    response = post_form(client, move, {"direction": "up"}, token_from=token_page)
    assert response.status_code == 303 and response.location.endswith(f"#question-{found['q4']}")
    assert [q["key"] for q in questions(app, lesson_id)] == ["q1", "q2", "q4", "q3"]
    delete = f"{BASE}/{lesson_id}/questions/{found['q1']}/delete"
    assert post_form(client, delete, {}, token_from=token_page).status_code == 303
    remaining = questions(app, lesson_id)
    assert [(q["key"], q["position"]) for q in remaining] == [("q2", 0), ("q4", 1), ("q3", 2)]


def test_ids_of_other_questions_and_lessons_are_not_found(app, client, login_as, make_course):
    trainer_id, _ = login_as(Role.TRAINER)
    course_id = make_course("private-sector", author_id=trainer_id)
    other_id = make_course("other-course", author_id=trainer_id)
    lesson_id = quiz_id(app)
    own, other = course_ids(app, course_id), course_ids(app, other_id)
    assert client.get(f"{BASE}/{lesson_id}/questions/{other['q1']}/edit").status_code == 404
    assert client.get(f"{BASE}/{own['why']}/questions/new").status_code == 404
    foreign_answer = question_form() | answer_row(0, "x", correct=True, choice_id=other["q1.0"])
    edit = f"{BASE}/{lesson_id}/questions/{own['q1']}/edit"
    assert post_form(client, edit, foreign_answer).status_code == 404
    sibling_answer = question_form() | answer_row(0, "x", correct=True, choice_id=own["q2.0"])
    assert post_form(client, edit, sibling_answer).status_code == 404
    token_page = f"{BASE}/{lesson_id}/edit"
    for action, data in (("move", {"direction": "up"}), ("delete", {})):
        path = f"{BASE}/{lesson_id}/questions/{other['q1']}/{action}"
        assert post_form(client, path, data, token_from=token_page).status_code == 404
    assert len(questions(app, quiz_id(app, "other-course"))) == 4


def test_the_editor_warns_when_learners_have_answered(
    app, client, login_as, make_user, make_course
):
    trainer_id, _ = login_as(Role.TRAINER)
    course_id = make_course("private-sector", author_id=trainer_id)
    lesson_id = quiz_id(app)
    learner_id, _ = make_user(Role.LEARNER)
    with app.app_context():
        attempt = QuizAttempt(user_id=learner_id, lesson_id=lesson_id, course_id=course_id)
        attempt.score, attempt.max_score, attempt.percent, attempt.passed = 1, 4, 25, False
        db.session.add(attempt)
        db.session.commit()
    page = client.get(f"{BASE}/{lesson_id}/edit").get_data(as_text=True)
    assert "Learners have submitted 1 attempt at this quiz." in page

"""The outline editor: sections and lessons added, renamed, moved and deleted; ids checked."""

from sqlalchemy import func, select

from courses.models import Course, Enrolment, LessonProgress
from portal.extensions import db
from portal.models import Role
from tests.conftest import post_form

EDIT = "/courses/private-sector/edit"


def outline(app, slug: str = "private-sector") -> list[tuple[str, list[str]]]:
    """The course's sections in order, each with its lessons' keys in order."""
    with app.app_context():
        course = db.session.execute(select(Course).filter_by(slug=slug)).scalar_one()
        return [(s.key, [lesson.key for lesson in s.lessons]) for s in course.sections]


def ids(app, slug: str = "private-sector") -> dict[str, int]:
    """Section and lesson ids by key."""
    with app.app_context():
        course = db.session.execute(select(Course).filter_by(slug=slug)).scalar_one()
        found = {section.key: section.id for section in course.sections}
        return found | {lesson.key: lesson.id for lesson in course.lessons}


def positions(app, slug: str = "private-sector") -> list[list[int]]:
    """The stored positions of each section's lessons (always 0, 1, 2… in order)."""
    with app.app_context():
        course = db.session.execute(select(Course).filter_by(slug=slug)).scalar_one()
        return [[lesson.position for lesson in s.lessons] for s in course.sections]


def section_texts(app, section_id: int) -> dict:
    """A section's titles by language."""
    from courses.models import Section

    with app.app_context():
        return {t.language: t.title for t in db.session.get(Section, section_id).translations}


def post(client, path, data=None):
    """POST from the course editor, with its CSRF token."""
    return post_form(client, path, data or {}, token_from=EDIT)


def lesson_form(title: str = "Жаңы сабак", **overrides) -> dict:
    """A reading lesson's form, written in Kyrgyz."""
    data = {"ky-title": title, "ky-body": "Текст.", "ru-title": "", "ru-body": ""}
    return data | {"minutes": "15", "required": "y", "practices": ""} | overrides


def add_lesson(client, section_id: int, kind: str = "text", **fields):
    """Create a lesson through the new-lesson form."""
    path = f"/courses/private-sector/sections/{section_id}/lessons/new?kind={kind}"
    return post_form(client, path, lesson_form(**fields))


def test_sections_are_added_renamed_and_moved(app, client, login_as, make_course):
    trainer_id, _ = login_as(Role.TRAINER)
    make_course("private-sector", author_id=trainer_id)
    page = client.get(EDIT).get_data(as_text=True)
    assert 'name="section-ky-title"' in page and 'name="section-ru-title"' in page
    assert 'name="section-en-title"' not in page  # the course is not written in English
    empty = post(client, "/courses/private-sector/sections", {"section-ky-title": " "})
    assert empty.status_code == 422
    assert "Write the texts in at least one language." in empty.get_data(as_text=True)
    added = post(client, "/courses/private-sector/sections", {"section-ky-title": "Практика"})
    assert added.status_code == 303 and added.location.endswith("#outline-end")
    (first, _), (second, lessons) = outline(app)
    assert first == "basics" and second.startswith("section-") and lessons == []
    section_id = ids(app)[second]
    rename = f"/courses/private-sector/sections/{section_id}/edit"
    assert "Практика" in client.get(rename).get_data(as_text=True)
    renamed = post_form(client, rename, {"ky-title": "Тажрыйба", "ru-title": "Практика"})
    assert renamed.status_code == 303
    assert section_texts(app, section_id) == {"ky": "Тажрыйба", "ru": "Практика"}
    assert post_form(client, rename, {"ky-title": "", "ru-title": ""}).status_code == 422
    move = f"/courses/private-sector/sections/{section_id}/move"
    assert post(client, move, {"direction": "up"}).status_code == 303
    assert [key for key, _ in outline(app)] == [second, "basics"]
    assert post(client, move, {"direction": "sideways"}).status_code == 400
    post(client, move, {"direction": "down"})
    assert [key for key, _ in outline(app)] == ["basics", second]


def test_a_section_is_deleted_only_when_empty(app, client, login_as, make_course):
    trainer_id, _ = login_as(Role.TRAINER)
    make_course("private-sector", author_id=trainer_id)
    post(client, "/courses/private-sector/sections", {"section-ky-title": "Бош"})
    empty_key = outline(app)[1][0]
    refused = post(client, f"/courses/private-sector/sections/{ids(app)['basics']}/delete")
    assert refused.status_code == 303
    assert "Move or delete the section" in client.get(EDIT).get_data(as_text=True)
    post(client, f"/courses/private-sector/sections/{ids(app)[empty_key]}/delete")
    assert [key for key, _ in outline(app)] == ["basics"]


def test_lessons_are_added_at_the_end_with_keys_never_used_before(
    app, client, login_as, make_course
):
    trainer_id, _ = login_as(Role.TRAINER)
    make_course("private-sector", author_id=trainer_id)
    section_id = ids(app)["basics"]
    new = f"/courses/private-sector/sections/{section_id}/lessons/new"
    assert client.get(f"{new}?kind=text").status_code == 200
    assert client.get(f"{new}?kind=podcast").status_code == 400
    created = add_lesson(client, section_id)
    assert created.status_code == 303 and "/edit" in created.location
    keys = outline(app)[0][1]
    assert keys[:3] == ["why", "services", "check"] and keys[3].startswith("lesson-")
    assert positions(app) == [[0, 1, 2, 3]]
    seen = set(keys)
    for _round in range(3):  # delete the newest lesson and add one again: a fresh key each time
        post_form(client, f"/courses/private-sector/lessons/{ids(app)[keys[-1]]}/delete", {})
        add_lesson(client, section_id)
        keys = outline(app)[0][1]
        assert keys[-1] not in seen
        seen.add(keys[-1])


def test_the_new_lesson_form_returns_what_was_wrong(app, client, login_as, make_course):
    trainer_id, _ = login_as(Role.TRAINER)
    make_course("private-sector", author_id=trainer_id)
    section_id = ids(app)["basics"]
    no_title = add_lesson(client, section_id, title="", **{"ky-body": "Сакталган текст"})
    page = no_title.get_data(as_text=True)
    assert no_title.status_code == 422
    assert "Fill this in too, or clear this language." in page and "Сакталган текст" in page
    wrong_minutes = add_lesson(client, section_id, minutes="many")
    assert wrong_minutes.status_code == 422
    assert "Not a valid integer value." in wrong_minutes.get_data(as_text=True)
    assert len(outline(app)[0][1]) == 3


def test_lessons_move_up_down_and_to_another_section(app, client, login_as, make_course):
    trainer_id, _ = login_as(Role.TRAINER)
    make_course("private-sector", author_id=trainer_id)
    post(client, "/courses/private-sector/sections", {"section-ky-title": "Экинчи"})
    found = ids(app)
    move = "/courses/private-sector/lessons/{}/move"
    post(client, move.format(found["check"]), {"direction": "up"})
    assert outline(app)[0][1] == ["why", "check", "services"]
    post(client, move.format(found["why"]), {"direction": "up"})  # already first: nothing moves
    assert outline(app)[0][1] == ["why", "check", "services"]
    second = outline(app)[1][0]
    post(client, move.format(found["why"]), {"section": str(found[second])})
    post(client, move.format(found["services"]), {"section": str(found[second])})
    assert outline(app) == [("basics", ["check"]), (second, ["why", "services"])]
    assert positions(app) == [[0], [0, 1]]
    assert post(client, move.format(found["why"]), {}).status_code == 400


def test_deleting_a_lesson_says_how_many_learners_completed_it(
    app, client, login_as, make_user, make_course
):
    trainer_id, _ = login_as(Role.TRAINER)
    course_id = make_course("private-sector", author_id=trainer_id)
    lesson_id = ids(app)["why"]
    for _number in range(2):
        learner_id, _ = make_user(Role.LEARNER)
        with app.app_context():
            db.session.add(Enrolment(user_id=learner_id, course_id=course_id))
            db.session.add(
                LessonProgress(user_id=learner_id, course_id=course_id, lesson_id=lesson_id)
            )
            db.session.commit()
    path = f"/courses/private-sector/lessons/{lesson_id}/delete"
    question = client.get(path).get_data(as_text=True)
    assert "2 learners have completed this lesson." in question
    assert "cannot be restored" in question
    assert outline(app)[0][1] == ["why", "services", "check"]
    response = post_form(client, path, {})
    assert response.status_code == 303
    assert outline(app)[0][1] == ["services", "check"] and positions(app) == [[0, 1]]
    with app.app_context():
        left = db.session.scalar(select(func.count()).select_from(LessonProgress))
    assert left == 0


def test_ids_of_another_course_are_not_found(app, client, login_as, make_course):
    trainer_id, _ = login_as(Role.TRAINER)
    make_course("private-sector", author_id=trainer_id)
    make_course("other-course", author_id=trainer_id)
    other = ids(app, "other-course")
    own = ids(app)
    base = "/courses/private-sector"
    section, lesson = other["basics"], other["why"]
    gets = [
        f"{base}/sections/{section}/edit",
        f"{base}/sections/{section}/lessons/new?kind=text",
        f"{base}/lessons/{lesson}/edit",
        f"{base}/lessons/{lesson}/delete",
    ]
    for path in gets:
        assert client.get(path).status_code == 404, path
    posts = [
        (f"{base}/sections/{section}/move", {"direction": "up"}),
        (f"{base}/sections/{section}/delete", {}),
        (f"{base}/lessons/{lesson}/move", {"direction": "up"}),
        (f"{base}/lessons/{own['why']}/move", {"section": str(section)}),
        (f"{base}/lessons/{lesson}/delete", {}),
    ]
    for path, data in posts:
        assert post(client, path, data).status_code == 404, path
    assert outline(app, "other-course") == [("basics", ["why", "services", "check"])]

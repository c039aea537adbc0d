"""Courses and their lessons are found by the portal's search, once published."""

from courses.models import Course, Lesson
from portal.extensions import db
from tests.courses.conftest import course_ids


def found(client, query: str) -> list[tuple[str, str]]:
    data = client.get("/api/search", query_string={"q": query}).get_json()
    return [(result["type"], result["slug"]) for result in data["results"]]


def test_published_courses_and_lessons_are_found(app, client, make_course):
    ids = course_ids(app, make_course("private-sector"))
    results = found(client, "жеке сектор")
    assert ("course", "private-sector") in results
    assert ("lesson", f"private-sector/{ids['why']}") in found(client, "кызматтарды")
    data = client.get("/api/search?q=кызматтарды").get_json()
    lesson = next(r for r in data["results"] if r["slug"] == f"private-sector/{ids['why']}")
    assert f"/courses/private-sector/lessons/{ids['why']}?lang=" in lesson["url"]
    assert client.get("/api/search?q=кызматтарды").get_json()["facets"]["type"]["lesson"] >= 1


def test_drafts_are_not_found_until_published(app, client, make_course):
    course_id = make_course("hidden", status="draft")
    assert found(client, "кызматтарды") == []
    with app.app_context():
        db.session.get(Course, course_id).status = "published"
        db.session.commit()
    assert ("course", "hidden") in found(client, "Жеке секторду тартуу")
    assert any(kind == "lesson" for kind, _slug in found(client, "кызматтарды"))


def test_quiz_questions_are_not_indexed(app, client, make_course):
    make_course("private-sector")
    assert found(client, "катышуучу") == []  # a word only in a quiz question


def test_a_lesson_edit_reaches_the_index(app, client, make_course):
    ids = course_ids(app, make_course("private-sector"))
    with app.app_context():
        lesson = db.session.get(Lesson, ids["services"])
        lesson.translation("ky").body = "Жаңы сабак: күн панелдери."
        db.session.commit()
    assert ("lesson", f"private-sector/{ids['services']}") in found(client, "панелдери")

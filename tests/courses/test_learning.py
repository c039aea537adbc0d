"""A learner finds a course, enrols, takes lessons, and sees what is left; others cannot."""

import re

from sqlalchemy import func, select

from courses.models import Course, Enrolment, LessonProgress
from portal.extensions import db
from portal.models import Role
from tests.conftest import post_form
from tests.courses.conftest import course_ids


def lesson_url(slug: str, lesson_id: int) -> str:
    return f"/courses/{slug}/lessons/{lesson_id}"


def enrol(client, slug="private-sector"):
    return post_form(client, f"/courses/{slug}/enrol", {}, token_from=f"/courses/{slug}")


def complete(client, slug, lesson_id):
    return post_form(
        client,
        f"{lesson_url(slug, lesson_id)}/complete",
        {},
        token_from=lesson_url(slug, lesson_id),
    )


def progress_rows(app, user_id) -> int:
    with app.app_context():
        query = select(func.count()).select_from(LessonProgress).filter_by(user_id=user_id)
        return db.session.scalar(query)


def test_catalogue_lists_published_courses_with_length_and_languages(client, make_course):
    make_course("private-sector")
    make_course("secret-draft", status="draft")
    page = client.get("/courses/").get_data(as_text=True)
    assert "/courses/private-sector" in page and "secret-draft" not in page
    assert "3 lessons" in page and "about 25 min" in page
    assert "Кыргызча" in page and "Русский" in page
    assert "/courses/private-sector" in client.get("/courses/?topic=private-sector").get_data(
        as_text=True
    )
    for filtered in ("/courses/?topic=culture", "/courses/?lang=en"):
        assert "/courses/private-sector" not in client.get(filtered).get_data(as_text=True)
    assert client.get("/courses/secret-draft").status_code == 404


def test_the_api_lists_the_catalogue(client, make_course):
    make_course("private-sector")
    data = client.get("/api/courses?lang=ru").get_json()
    (course,) = data["results"]
    assert course["title"] == "Привлечение частного сектора"
    assert (course["lessons"], course["minutes"], course["languages"]) == (3, 25, ["ky", "ru"])
    assert course["url"].endswith("/courses/private-sector")


def test_anonymous_visitors_see_the_outline_and_are_asked_to_log_in(client, make_course):
    make_course("private-sector")
    page = client.get("/courses/private-sector").get_data(as_text=True)
    assert "Log in to enrol" in page and "Эмне үчүн?" in page
    ids = course_ids(client.application, 1)
    response = client.get(lesson_url("private-sector", ids["why"]))
    assert response.status_code == 302 and "/account/login" in response.location


def test_enrol_take_lessons_and_see_what_is_left(app, client, login_as, make_course):
    user_id, _ = login_as()
    ids = course_ids(app, make_course("private-sector"))
    not_enrolled = client.get(lesson_url("private-sector", ids["why"]))
    assert not_enrolled.status_code == 302 and not_enrolled.location.endswith("/private-sector")
    started = enrol(client)
    assert started.location.endswith(lesson_url("private-sector", ids["why"]))
    assert enrol(client).status_code == 302  # a second click changes nothing
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Enrolment)) == 1
    page = client.get("/courses/private-sector").get_data(as_text=True)
    assert "Start the course" in page and "0% done" in page
    assert "Left to complete the course" in page and "pass with at least 70%" in page

    done = complete(client, "private-sector", ids["why"])
    assert done.status_code == 303
    assert done.location.endswith(lesson_url("private-sector", ids["services"]))
    assert complete(client, "private-sector", ids["why"]).status_code == 303  # double submit
    assert progress_rows(app, user_id) == 1
    page = client.get("/courses/private-sector").get_data(as_text=True)
    assert "Continue where you left off" in page and "33% done" in page
    assert re.search(r'class="done">\s*<span class="tick" aria-hidden="true">✓', page)
    lesson = client.get(lesson_url("private-sector", ids["why"])).get_data(as_text=True)
    assert "Completed" in lesson and "Saved: lesson completed." not in lesson


def test_lesson_page_renders_markdown_and_navigation(app, client, login_as, make_course):
    login_as()
    ids = course_ids(app, make_course("private-sector"))
    enrol(client)
    page = client.get(lesson_url("private-sector", ids["services"])).get_data(as_text=True)
    assert "<h1>Кайсы кызматтар?</h1>" in page
    assert f'rel="prev" href="{lesson_url("private-sector", ids["why"])}"' in page
    assert f'rel="next" href="{lesson_url("private-sector", ids["check"])}"' in page
    first = client.get(lesson_url("private-sector", ids["why"])).get_data(as_text=True)
    assert "<strong>кызматтарды</strong>" in first


def test_switching_language_keeps_progress(app, client, login_as, make_course):
    login_as()
    ids = course_ids(app, make_course("private-sector"))
    enrol(client)
    complete(client, "private-sector", ids["why"])
    russian = client.get("/courses/private-sector?lang=ru").get_data(as_text=True)
    assert "Привлечение частного сектора" in russian and "33% done" in russian
    lesson = client.get(lesson_url("private-sector", ids["why"])).get_data(as_text=True)
    assert "Эмне үчүн? (ru)" in lesson  # the chosen course language is remembered


def test_invitation_only_courses_refuse_self_enrolment(app, client, login_as, make_course):
    login_as()
    make_course("closed", enrolment="invitation")
    page = client.get("/courses/closed").get_data(as_text=True)
    assert "by invitation" in page and "Enrol and start" not in page
    response = enrol(client, "closed")
    assert response.status_code == 303
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Enrolment)) == 0


def test_lessons_of_another_course_and_unknown_ids_are_404(app, client, login_as, make_course):
    login_as()
    ids = course_ids(app, make_course("private-sector"))
    other = course_ids(app, make_course("other-course"))
    enrol(client)
    assert client.get(lesson_url("private-sector", other["why"])).status_code == 404
    assert client.get(lesson_url("private-sector", 999_999)).status_code == 404
    not_enrolled = post_form(
        client,
        f"{lesson_url('other-course', other['why'])}/complete",
        {},
        token_from=lesson_url("private-sector", ids["why"]),
    )
    assert not_enrolled.status_code == 403
    response = post_form(
        client,
        f"{lesson_url('private-sector', other['why'])}/complete",
        {},
        token_from=lesson_url("private-sector", ids["why"]),
    )
    assert response.status_code == 404


def test_a_quiz_cannot_be_marked_complete_by_hand(app, client, login_as, make_course):
    login_as()
    ids = course_ids(app, make_course("private-sector"))
    enrol(client)
    response = post_form(
        client,
        f"{lesson_url('private-sector', ids['check'])}/complete",
        {},
        token_from=lesson_url("private-sector", ids["why"]),
    )
    assert response.status_code == 409


def test_unpublished_course_closes_its_lessons(app, client, login_as, make_course):
    login_as()
    course_id = make_course("private-sector")
    ids = course_ids(app, course_id)
    enrol(client)
    with app.app_context():
        db.session.get(Course, course_id).status = "draft"
        db.session.commit()
    assert client.get("/courses/private-sector").status_code == 404
    assert client.get(lesson_url("private-sector", ids["why"])).status_code == 404


def test_my_learning_lists_courses_in_progress(app, client, login_as, make_course):
    login_as()
    ids = course_ids(app, make_course("private-sector"))
    enrol(client)
    complete(client, "private-sector", ids["why"])
    page = client.get("/courses/mine").get_data(as_text=True)
    assert "Жеке секторду тартуу" in page and "33% done" in page
    assert "No course completed yet." in page


def test_trainers_preview_their_draft_without_enrolling(app, client, login_as, make_course):
    trainer_id, _ = login_as(Role.TRAINER)
    ids = course_ids(app, make_course("mine-draft", status="draft", author_id=trainer_id))
    assert client.get("/courses/mine-draft").status_code == 200
    page = client.get(lesson_url("mine-draft", ids["check"])).get_data(as_text=True)
    assert "Preview: enrolled learners answer here." in page


def attach_video(app, lesson_id: int, size: int = 300_000) -> bytes:
    """Store a (fake but well-headed) MP4 and make the lesson a video lesson."""
    import io

    from werkzeug.datastructures import FileStorage

    from courses.models import Lesson
    from portal.uploads import store_video_upload

    data = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * (size // 256)
    with app.app_context():
        stored = store_video_upload(FileStorage(io.BytesIO(data), "lesson.mp4"))
        lesson = db.session.get(Lesson, lesson_id)
        lesson.kind, lesson.video_file = "video", stored
        db.session.commit()
    return data


def test_videos_are_served_in_ranges_and_never_preloaded(app, client, login_as, make_course):
    login_as()
    ids = course_ids(app, make_course("private-sector"))
    data = attach_video(app, ids["why"])
    enrol(client)
    page = client.get(lesson_url("private-sector", ids["why"])).get_data(as_text=True)
    assert 'preload="none"' in page and "Download the video (0.3 MB)" in page
    video = f"{lesson_url('private-sector', ids['why'])}/video"
    part = client.get(video, headers={"Range": "bytes=100-199"})
    assert part.status_code == 206 and part.data == data[100:200]
    assert part.headers["Content-Type"] == "video/mp4"
    assert part.headers["Content-Range"] == f"bytes 100-199/{len(data)}"
    whole = client.get(f"{video}?download=1")
    assert whole.data == data and "attachment" in whole.headers["Content-Disposition"]
    assert client.get(f"{lesson_url('private-sector', ids['services'])}/video").status_code == 404


def test_videos_and_files_are_for_enrolled_learners(app, client, login_as, make_course):
    login_as()
    ids = course_ids(app, make_course("private-sector"))
    attach_video(app, ids["why"])
    assert client.get(f"{lesson_url('private-sector', ids['why'])}/video").status_code == 403

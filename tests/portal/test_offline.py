"""Offline reading: the service worker's headers, the offline page, fresh form tokens, and the
manifests "Save for offline" downloads for courses and practices."""

import pytest

from courses.models import Course, LessonProgress
from portal.extensions import db
from portal.models import Role
from portal.offline import FILE_CAP_BYTES, TOTAL_CAP_BYTES, OfflineManifest, format_size
from tests.courses.conftest import add_lesson_picture, enrolled_learner

COURSE = "/courses/private-sector"


def lesson_urls(app) -> list[str]:
    with app.app_context():
        course = db.session.scalars(db.select(Course)).one()
        return [f"{COURSE}/lessons/{lesson.id}" for lesson in course.lessons]


def test_service_worker_is_served_from_the_root_and_always_revalidated(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert "javascript" in response.content_type
    assert response.headers["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response.headers["Cache-Control"]
    assert b'addEventListener("fetch"' in response.data


def test_offline_page_explains_and_pages_load_the_offline_script(client):
    page = client.get("/offline").get_data(as_text=True)
    assert "data-offline-page" in page
    assert "You are offline" in page
    home = client.get("/").get_data(as_text=True)
    assert 'data-sw="/sw.js"' in home
    assert "portal.js?v=" in home


def test_form_token_is_for_logged_in_users_and_sends_a_form(app, client, login_as, make_course):
    assert client.get("/offline/token").status_code == 302
    make_course()
    user_id = enrolled_learner(app, login_as)
    answer = client.get("/offline/token").get_json()
    assert answer["user"] == user_id
    first = lesson_urls(app)[0]
    data = {"csrf_token": answer["token"], "offline_queue": str(user_id)}
    assert client.post(f"{first}/complete", data=data).status_code == 303


def test_a_completion_sent_twice_is_recorded_once(app, client, login_as, make_course):
    make_course()
    user_id = enrolled_learner(app, login_as)
    first = lesson_urls(app)[0]
    token = client.get("/offline/token").get_json()["token"]
    for _attempt in range(2):
        client.post(f"{first}/complete", data={"csrf_token": token, "offline_queue": user_id})
    with app.app_context():
        rows = db.session.scalars(db.select(LessonProgress).filter_by(user_id=user_id)).all()
    assert len(rows) == 1


def test_lesson_page_marks_its_completion_form_for_the_offline_queue(
    app, client, login_as, make_course
):
    make_course()
    user_id = enrolled_learner(app, login_as)
    page = client.get(lesson_urls(app)[0]).get_data(as_text=True)
    assert f'name="offline_queue" value="{user_id}"' in page
    assert 'data-offline-queue="completion-queued"' in page
    assert 'id="completion-queued"' in page


def test_course_manifest_lists_pages_files_and_size(app, client, login_as, make_course):
    make_course()
    picture = add_lesson_picture(app)
    enrolled_learner(app, login_as)
    manifest = client.get(f"{COURSE}/offline.json").get_json()
    assert manifest["cache"] == "offline-course-private-sector"
    assert manifest["urls"][0] == COURSE
    assert set(lesson_urls(app)) <= set(manifest["urls"])
    assert manifest["urls"].count(picture) == 1
    assert manifest["bytes"] > len(lesson_urls(app)) * 1024
    assert manifest["size"].endswith("KB")


def test_course_page_offers_saving_with_its_size_to_enrolled_learners_only(
    app, client, login_as, make_course
):
    make_course()
    login_as(Role.LEARNER)
    assert "data-offline-manifest" not in client.get(COURSE).get_data(as_text=True)
    assert client.get(f"{COURSE}/offline.json").status_code == 403
    client.post("/account/logout", data={"csrf_token": client.get("/offline/token").json["token"]})
    enrolled_learner(app, login_as)
    page = client.get(COURSE).get_data(as_text=True)
    assert "data-offline-manifest" in page
    assert "Save for offline (" in page


def test_course_manifest_refuses_anonymous_and_hidden_courses(client, login_as, make_course):
    make_course(status="draft")
    assert client.get(f"{COURSE}/offline.json").status_code == 302
    login_as(Role.LEARNER)
    assert client.get(f"{COURSE}/offline.json").status_code == 404
    assert client.get("/courses/no-such-course/offline.json").status_code == 404


def test_practice_manifest_is_public_and_the_page_offers_saving(client, make_practice):
    make_practice("karakol-waste")
    manifest = client.get("/practices/karakol-waste/offline.json").get_json()
    assert manifest["cache"] == "offline-practice-karakol-waste"
    assert manifest["urls"] == ["/practices/karakol-waste"]
    assert manifest["bytes"] > 0
    assert "Save for offline (" in client.get("/practices/karakol-waste").get_data(as_text=True)
    assert client.get("/practices/no-such/offline.json").status_code == 404


def test_draft_practice_manifest_is_hidden_from_readers(client, make_practice):
    make_practice("draft-one", status="draft")
    assert client.get("/practices/draft-one/offline.json").status_code == 404


def test_manifest_leaves_out_files_too_large_for_a_phone():
    manifest = OfflineManifest(cache="offline-test")
    manifest.add_file("/big", FILE_CAP_BYTES + 1)
    for number in range(TOTAL_CAP_BYTES // FILE_CAP_BYTES + 1):
        manifest.add_file(f"/file-{number}", FILE_CAP_BYTES)
    assert "/big" not in manifest.urls
    assert manifest.bytes <= TOTAL_CAP_BYTES
    assert len(manifest.urls) == TOTAL_CAP_BYTES // FILE_CAP_BYTES


def test_manifest_keeps_only_this_sites_pictures_once():
    manifest = OfflineManifest(cache="offline-test")
    manifest.add_pictures(["![a](/x.png) ![b](https://elsewhere.example/y.png) ![c](/x.png)"])
    assert manifest.urls == ["/x.png"]


@pytest.mark.parametrize(
    ("size", "shown"), [(300, "1 KB"), (850 * 1024, "850 KB"), (1_258_291, "1.2 MB")]
)
def test_sizes_read_as_people_write_them(app, size, shown):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert format_size(size) == shown


def test_pages_name_the_account_they_were_made_for(client, login_as):
    assert client.get("/").headers["X-Portal-Account"] == "anonymous"
    assert "X-Portal-Account" not in client.get("/api/courses").headers
    user_id, _email = login_as(Role.LEARNER)
    assert client.get("/").headers["X-Portal-Account"] == str(user_id)

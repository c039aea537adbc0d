"""Route × role matrix: every route in app.url_map is classified and checked for every role.

A new route fails this test until it is added to ACCESS with the roles that may use it.
"""

import pytest

from portal.models import Role
from tests.conftest import csrf_token

PUBLIC, LOGGED_IN, TRAINER, ADMIN = "public", "logged-in", "trainer", "admin"
ROLES = ("anonymous", Role.LEARNER, Role.TRAINER, Role.ADMIN)
ALLOWED = {
    PUBLIC: set(ROLES),
    LOGGED_IN: {Role.LEARNER, Role.TRAINER, Role.ADMIN},
    TRAINER: {Role.TRAINER, Role.ADMIN},
    ADMIN: {Role.ADMIN},
}

#: endpoint → (who may use it, sample URL arguments)
ACCESS = {
    "static": (PUBLIC, {"filename": "style.css"}),
    "main.home": (PUBLIC, {}),
    "health.healthz": (PUBLIC, {}),
    "search_api.search_api": (PUBLIC, {}),
    "search_api.suggest_api": (PUBLIC, {}),
    "main.set_language": (PUBLIC, {}),
    "auth.register": (PUBLIC, {}),
    "auth.login": (PUBLIC, {}),
    "auth.logout": (LOGGED_IN, {}),
    "auth.profile": (LOGGED_IN, {}),
    "auth.change_password": (LOGGED_IN, {}),
    "auth.request_reset": (PUBLIC, {}),
    "auth.reset_password": (PUBLIC, {"token": "invalid"}),
    "admin.users": (ADMIN, {}),
    "admin.edit_user": (ADMIN, {"user_id": 1}),
    "privacy.download_data": (LOGGED_IN, {}),
    "privacy.delete_account": (LOGGED_IN, {}),
    "privacy.admin_delete_account": (ADMIN, {"user_id": 1}),
    "audit.audit_trail": (ADMIN, {}),
    "main.sitemap": (PUBLIC, {}),
    "main.openapi": (PUBLIC, {}),
    "courses.index": (PUBLIC, {}),
    "practices.index": (PUBLIC, {}),
    "practices.detail": (PUBLIC, {"slug": "sample"}),
    "practices.attachment": (PUBLIC, {"slug": "sample", "attachment_id": 1}),
    "practices.cover": (PUBLIC, {"slug": "sample"}),
    "practices.download_practice": (PUBLIC, {"slug": "sample", "extension": "pdf"}),
    "practices.map_view": (PUBLIC, {}),
    "practices.feed": (PUBLIC, {}),
    "practices.collections": (PUBLIC, {}),
    "practices.collection": (PUBLIC, {"slug": "sample-collection"}),
    "practices.mark_useful": (LOGGED_IN, {"slug": "sample"}),
    "practices.mark_applied": (LOGGED_IN, {"slug": "sample"}),
    "practices.mine": (TRAINER, {}),
    "practices.create": (TRAINER, {}),
    "practices.edit": (TRAINER, {"slug": "sample"}),
    "practices.submit": (TRAINER, {"slug": "sample"}),
    "practices.upload_attachment": (TRAINER, {"slug": "sample"}),
    "practices.delete_attachment": (TRAINER, {"slug": "sample", "attachment_id": 1}),
    "practices.history": (TRAINER, {"slug": "sample"}),
    "practices.revision": (TRAINER, {"slug": "sample", "revision_id": 1}),
    "practices.review_queue": (TRAINER, {}),
    "practices.decide": (TRAINER, {"slug": "sample"}),
    "practices.new_collection": (TRAINER, {}),
    "practices.edit_collection": (TRAINER, {"slug": "sample-collection"}),
    "practices_api.list_practices": (PUBLIC, {}),
    "search.search": (PUBLIC, {}),
    "courses.detail": (PUBLIC, {"slug": "sample-course"}),
    "courses.enrol_self": (LOGGED_IN, {"slug": "sample-course"}),
    "courses.my_learning": (LOGGED_IN, {}),
    "courses.leave_course": (LOGGED_IN, {"slug": "sample-course"}),
    "courses.lesson": (LOGGED_IN, {"slug": "sample-course", "lesson_id": 1}),
    "courses.complete_lesson": (LOGGED_IN, {"slug": "sample-course", "lesson_id": 1}),
    "courses.submit_quiz": (LOGGED_IN, {"slug": "sample-course", "lesson_id": 3}),
    "courses.attempt": (LOGGED_IN, {"slug": "sample-course", "lesson_id": 3, "attempt_id": 1}),
    "courses.lesson_file": (LOGGED_IN, {"slug": "sample-course", "lesson_id": 1, "file_id": 1}),
    "courses.lesson_video": (LOGGED_IN, {"slug": "sample-course", "lesson_id": 1}),
    "courses.certificate_pdf": (LOGGED_IN, {"slug": "sample-course"}),
    "courses.download_course": (LOGGED_IN, {"slug": "sample-course", "extension": "pdf"}),
    "certificates.verify": (PUBLIC, {"code": "7KQM-3XRT-HW9P"}),
    "certificates.revoke": (ADMIN, {"code": "7KQM-3XRT-HW9P"}),
    "certificates.reinstate": (ADMIN, {"code": "7KQM-3XRT-HW9P"}),
    "courses.manage": (TRAINER, {}),
    "courses.create": (TRAINER, {}),
    "courses.edit": (TRAINER, {"slug": "sample-course"}),
    "courses.publish": (TRAINER, {"slug": "sample-course"}),
    "courses.duplicate": (TRAINER, {"slug": "sample-course"}),
    "courses.learners": (TRAINER, {"slug": "sample-course"}),
    "courses.remove_learner": (TRAINER, {"slug": "sample-course", "user_id": 1}),
    "courses.delete": (TRAINER, {"slug": "sample-course"}),
    "courses.report": (TRAINER, {"slug": "sample-course"}),
    "courses.report_csv": (TRAINER, {"slug": "sample-course"}),
    "courses.add_section": (TRAINER, {"slug": "sample-course"}),
    "courses.edit_section": (TRAINER, {"slug": "sample-course", "section_id": 1}),
    "courses.move_section": (TRAINER, {"slug": "sample-course", "section_id": 1}),
    "courses.delete_section": (TRAINER, {"slug": "sample-course", "section_id": 1}),
    "courses.create_lesson": (TRAINER, {"slug": "sample-course", "section_id": 1}),
    "courses.edit_lesson": (TRAINER, {"slug": "sample-course", "lesson_id": 1}),
    "courses.move_lesson": (TRAINER, {"slug": "sample-course", "lesson_id": 1}),
    "courses.delete_lesson": (TRAINER, {"slug": "sample-course", "lesson_id": 2}),
    "courses.upload_video": (TRAINER, {"slug": "sample-course", "lesson_id": 1}),
    "courses.remove_video": (TRAINER, {"slug": "sample-course", "lesson_id": 1}),
    "courses.upload_lesson_file": (TRAINER, {"slug": "sample-course", "lesson_id": 1}),
    "courses.delete_lesson_file": (
        TRAINER,
        {"slug": "sample-course", "lesson_id": 1, "file_id": 1},
    ),
    "courses.create_question": (TRAINER, {"slug": "sample-course", "lesson_id": 3}),
    "courses.edit_question": (
        TRAINER,
        {"slug": "sample-course", "lesson_id": 3, "question_id": 1},
    ),
    "courses.move_question": (
        TRAINER,
        {"slug": "sample-course", "lesson_id": 3, "question_id": 1},
    ),
    "courses.delete_question": (
        TRAINER,
        {"slug": "sample-course", "lesson_id": 3, "question_id": 2},
    ),
    "courses_api.list_courses": (PUBLIC, {}),
    "reports.index": (TRAINER, {}),
    "reports.map_view": (TRAINER, {}),
    "reports.table_as_csv": (TRAINER, {"section_key": "search", "table_key": "gaps"}),
    "reports.table_as_xlsx": (TRAINER, {"section_key": "search", "table_key": "frequent"}),
    "practices_api.get_practice": (PUBLIC, {"slug": "sample"}),
    "offline.service_worker": (PUBLIC, {}),
    "offline.offline_page": (PUBLIC, {}),
    "offline.form_token": (LOGGED_IN, {}),
    "courses.offline_manifest": (LOGGED_IN, {"slug": "sample-course"}),
    "practices.offline_manifest": (PUBLIC, {"slug": "sample"}),
}


#: Trainer routes that also need review rights (403 for trainers without them).
REVIEWER_ONLY = {"practices.review_queue", "practices.decide"}


def test_every_route_is_classified(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    unclassified = endpoints - ACCESS.keys()
    assert not unclassified, f"classify these routes in ACCESS: {sorted(unclassified)}"
    assert not ACCESS.keys() - endpoints, "ACCESS names routes that no longer exist"


def rules(app) -> list:
    """Every (rule, URL) pair of the app, built with the sample arguments.

    Built as a list: a request context kept open while the client sends requests would be
    shared by them all, with one database session (and its lock) across requests.
    """
    from flask import url_for

    # Logging out ends the session the other checks need, so it goes last.
    ordered = sorted(app.url_map.iter_rules(), key=lambda rule: rule.endpoint == "auth.logout")
    with app.test_request_context():
        return [(rule, url_for(rule.endpoint, **ACCESS[rule.endpoint][1])) for rule in ordered]


def make_samples(app, make_practice, owner_id):
    """The practice, collection and course the sample URLs point to, owned by the tester, who
    is also enrolled in the course (its learner routes are for enrolled learners)."""
    from courses.models import Course
    from courses.services.progress import enrol
    from portal.extensions import db
    from portal.models import User
    from practices.models import Collection, CollectionTranslation
    from tests.courses.conftest import build_course

    make_practice("sample", author_id=owner_id)
    with app.app_context():
        collection = Collection(slug="sample-collection", owner_id=owner_id)
        collection.translations.append(CollectionTranslation(language="ky", title="Топтом"))
        db.session.add(collection)
        db.session.add(build_course("sample-course", author_id=owner_id))
        db.session.commit()
        if owner_id is not None:
            course = db.session.scalars(db.select(Course)).one()
            enrol(db.session.get(User, owner_id), course)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_the_routes_it_may_use(
    app, client, make_user, login_as, make_practice, role
):
    make_user(Role.LEARNER)  # user 1, the sample for admin.edit_user
    owner_id = login_as(role)[0] if role != "anonymous" else None
    make_samples(app, make_practice, owner_id)
    for rule, url in rules(app):
        kind, _arguments = ACCESS[rule.endpoint]
        method = "GET" if "GET" in rule.methods else "POST"
        data = {"csrf_token": csrf_token(client)} if method == "POST" else None
        with client.open(url, method=method, data=data) as response:
            status, location = response.status_code, response.location
        allowed = role in ALLOWED[kind]
        if allowed:
            acceptable = {200, 302, 303, 400, 404, 409, 422}
            if rule.endpoint in REVIEWER_ONLY and role == Role.TRAINER:
                acceptable.add(403)
            assert status in acceptable, (role, url, status)
        elif role == "anonymous":
            assert status == 302, (role, url, status)
            assert "/account/login" in location
        else:
            assert status == 403, (role, url, status)


def test_every_post_route_refuses_a_missing_csrf_token(app, client, login_as):
    login_as(Role.ADMIN)
    for rule, url in rules(app):
        if "POST" in rule.methods:
            assert client.post(url, data={}).status_code == 400, url

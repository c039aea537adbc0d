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
    "search.search": (PUBLIC, {}),
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
    "main.sitemap": (PUBLIC, {}),
    "main.openapi": (PUBLIC, {}),
    "courses.index": (PUBLIC, {}),
    "practices.index": (PUBLIC, {}),
    "practices.detail": (PUBLIC, {"slug": "sample"}),
    "practices.attachment": (PUBLIC, {"slug": "sample", "attachment_id": 1}),
    "practices.cover": (PUBLIC, {"slug": "sample"}),
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
    "practices_api.get_practice": (PUBLIC, {"slug": "sample"}),
}


#: Trainer routes that also need review rights (403 for trainers without them).
REVIEWER_ONLY = {"practices.review_queue", "practices.decide"}


def test_every_route_is_classified(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    unclassified = endpoints - ACCESS.keys()
    assert not unclassified, f"classify these routes in ACCESS: {sorted(unclassified)}"
    assert not ACCESS.keys() - endpoints, "ACCESS names routes that no longer exist"


def rules(app):
    """Every (rule, URL) pair of the app, built with the sample arguments."""
    with app.test_request_context():
        from flask import url_for

        # Logging out ends the session the other checks need, so it goes last.
        ordered = sorted(app.url_map.iter_rules(), key=lambda rule: rule.endpoint == "auth.logout")
        for rule in ordered:
            _kind, arguments = ACCESS[rule.endpoint]
            yield rule, url_for(rule.endpoint, **arguments)


def make_samples(app, make_practice, owner_id):
    """The practice and collection that the sample URLs point to, owned by the tester."""
    from portal.extensions import db
    from practices.models import Collection, CollectionTranslation

    make_practice("sample", author_id=owner_id)
    with app.app_context():
        collection = Collection(slug="sample-collection", owner_id=owner_id)
        collection.translations.append(CollectionTranslation(language="ky", title="Топтом"))
        db.session.add(collection)
        db.session.commit()


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
            acceptable = {200, 302, 400, 404, 409, 422}
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

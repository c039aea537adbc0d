"""Accounts as people use them: register, log in, lock-out, logout, passwords, reset links."""

import os
import re
import uuid

import pytest

from portal.extensions import db
from portal.mail import outbox
from portal.models import District, Region, User
from tests.conftest import TEST_PASSWORD, log_in, post_form

NEW_PASSWORD = {"password": "new password 123", "confirm": "new password 123"}


def region_and_district(app, region_code="issyk-kul", district_code="ak-suu"):
    with app.app_context():
        region = db.session.execute(db.select(Region).filter_by(code=region_code)).scalar_one()
        district = db.session.execute(
            db.select(District).filter_by(region_id=region.id, code=district_code)
        ).scalar_one()
        return str(region.id), str(district.id)


def registration(app, **overrides):
    region_id, district_id = region_and_district(app)
    return {
        "name": "Айгүл Асанова",
        "email": "Aigul@Example.kg",
        "password": "a long enough password",
        "confirm": "a long enough password",
        "region": region_id,
        "district": district_id,
        "municipality": "Ак-Суу айыл аймагы",
        "position": "Адис",
        "gender": "female",
        "language": "ru",
    } | overrides


def test_register_creates_a_learner_and_logs_in(app, client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "ky"
    response = post_form(client, "/account/register", registration(app))
    assert response.status_code == 302
    with app.app_context():
        user = db.session.execute(db.select(User)).scalar_one()
        assert user.email == "aigul@example.kg"
        assert user.role == "learner"
        assert user.password_hash.startswith("$argon2id$")
        assert user.district.code == "ak-suu" and user.region.code == "issyk-kul"
        assert user.gender == "female" and user.language == "ru"
    home = client.get("/").get_data(as_text=True)
    assert "Айгүл Асанова" in home
    assert 'lang="ru"' in home


def test_register_without_optional_fields(app, client):
    data = registration(app, region="", district="", gender="", municipality="", position="")
    assert post_form(client, "/account/register", data).status_code == 302
    with app.app_context():
        user = db.session.execute(db.select(User)).scalar_one()
        assert user.gender is None and user.region_id is None


def test_district_alone_sets_its_region(app, client):
    _region_id, district_id = region_and_district(app, "naryn", "at-bashy")
    data = registration(app, region="", district=district_id)
    assert post_form(client, "/account/register", data).status_code == 302
    with app.app_context():
        assert db.session.execute(db.select(User)).scalar_one().region.code == "naryn"


def test_register_rejects_bad_input_with_messages(app, client):
    naryn_region, _ = region_and_district(app, "naryn", "at-bashy")
    _, issyk_kul_district = region_and_district(app)
    cases = [
        ({"email": "not-an-address"}, "Invalid email address."),
        ({"password": "short", "confirm": "short"}, "between 10 and 200 characters"),
        ({"confirm": "something else entirely"}, "The passwords differ."),
        ({"name": ""}, "This field is required."),
        ({"region": naryn_region, "district": issyk_kul_district}, "not in the chosen region"),
        ({"district": "99999"}, "valid choice"),
        ({"district": "abc"}, "valid choice"),
        ({"gender": "other"}, "valid choice"),
        ({"language": "de"}, "valid choice"),
        ({"name": "x" * 500}, "longer than 120"),
    ]
    for overrides, message in cases:
        response = post_form(client, "/account/register", registration(app, **overrides))
        assert response.status_code == 422, overrides
        assert message in response.get_data(as_text=True), overrides
    with app.app_context():
        assert db.session.execute(db.select(User)).first() is None


def test_register_keeps_what_was_typed_when_rejected(app, client):
    response = post_form(client, "/account/register", registration(app, confirm="mismatch"))
    page = response.get_data(as_text=True)
    assert 'value="Ак-Суу айыл аймагы"' in page and 'value="aigul@example.kg"' in page.lower()


def test_register_refuses_a_taken_email(app, client, make_user):
    make_user(email="aigul@example.kg")
    response = post_form(client, "/account/register", registration(app))
    assert response.status_code == 422
    assert "already exists" in response.get_data(as_text=True)


def test_login_and_wrong_password(client, make_user):
    _id, email = make_user()
    wrong = post_form(client, "/account/login", {"email": email, "password": "nope"})
    assert wrong.status_code == 422
    assert "wrong" in wrong.get_data(as_text=True)
    unknown = post_form(client, "/account/login", {"email": "ghost@x.kg", "password": "nope"})
    assert unknown.status_code == 422
    assert log_in(client, email.upper()).headers["Location"] == "/"


def test_login_redirects_only_to_local_next(client, make_user):
    _id, email = make_user()
    data = {"email": email, "password": TEST_PASSWORD}
    response = post_form(client, "/account/login?next=/account/profile", data, token_from="/")
    assert response.headers["Location"] == "/account/profile"
    client.post("/account/logout", data={"csrf_token": _token(client)})
    response = post_form(client, "/account/login?next=//evil.example/x", data, token_from="/")
    assert response.headers["Location"] == "/"


def _token(client):
    from tests.conftest import csrf_token

    return csrf_token(client)


def test_account_locks_after_repeated_failures(app, client, make_user):
    _id, email = make_user()
    for _attempt in range(app.config["MAX_FAILED_LOGINS"]):
        post_form(client, "/account/login", {"email": email, "password": "wrong"})
    locked = post_form(client, "/account/login", {"email": email, "password": TEST_PASSWORD})
    assert locked.status_code == 422
    assert "locked" in locked.get_data(as_text=True)


def test_logout_invalidates_the_old_session_cookie(app, client, make_user):
    _id, email = make_user()
    log_in(client, email)
    stolen_cookie = client.get_cookie("session").value
    client.post("/account/logout", data={"csrf_token": _token(client)})
    thief = app.test_client()
    thief.set_cookie("session", stolen_cookie)
    assert thief.get("/account/profile").status_code == 302


def test_logout_needs_post_and_csrf(client, login_as):
    login_as()
    assert client.get("/account/logout").status_code == 405
    assert client.post("/account/logout").status_code == 400
    assert client.get("/account/profile").status_code == 200


def test_password_change_ends_other_sessions(app, client, make_user):
    _id, email = make_user()
    log_in(client, email)
    other_device = app.test_client()
    other_device.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    log_in(other_device, email)
    data = {"current_password": TEST_PASSWORD} | NEW_PASSWORD
    assert post_form(client, "/account/password", data).status_code == 302
    assert client.get("/account/profile").status_code == 200
    assert other_device.get("/account/profile").status_code == 302
    client.post("/account/logout", data={"csrf_token": _token(client)})
    log_in(client, email, "new password 123")


def test_password_change_checks_the_current_password(client, login_as):
    login_as()
    data = {"current_password": "wrong"} | NEW_PASSWORD
    response = post_form(client, "/account/password", data)
    assert response.status_code == 422
    assert "current password is wrong" in response.get_data(as_text=True)


def test_password_reset_link_works_once(app, client, make_user):
    _id, email = make_user()
    response = post_form(client, "/account/reset", {"email": email})
    assert response.status_code == 302
    with app.app_context():
        (message,) = outbox()
        link = re.search(r"http://\S+/account/reset/\S+", message.get_content()).group(0)
    path = link.split("localhost", 1)[1]
    data = {"password": "brand new password", "confirm": "brand new password"}
    assert post_form(client, path, data).status_code == 302
    log_in(client, email, "brand new password")
    client.post("/account/logout", data={"csrf_token": _token(client)})
    reused = client.get(path)
    assert reused.status_code == 302 and "/account/reset" in reused.headers["Location"]


def test_password_reset_does_not_reveal_accounts(app, client):
    response = post_form(client, "/account/reset", {"email": "nobody@example.kg"})
    assert response.status_code == 302
    with app.app_context():
        assert outbox() == []


def test_tampered_reset_token_is_refused(client):
    assert client.get("/account/reset/not-a-token").status_code == 302


def test_profile_edit(app, client, login_as):
    user_id, _email = login_as()
    region_id, district_id = region_and_district(app, "talas", "manas")
    data = {
        "name": "Жаңы Аты",
        "region": region_id,
        "district": district_id,
        "municipality": "Манас",
        "position": "Башчы",
        "gender": "",
        "language": "en",
    }
    assert post_form(client, "/account/profile", data).status_code == 302
    with app.app_context():
        user = db.session.get(User, user_id)
        assert (user.name, user.district.code, user.language) == ("Жаңы Аты", "manas", "en")
    assert 'lang="en"' in client.get("/account/profile").get_data(as_text=True)


def redis_available() -> bool:
    """Whether the Redis server the production settings would use answers on loopback."""
    import redis

    try:
        return bool(redis.Redis(host="127.0.0.1", port=6379, socket_timeout=1).ping())
    except redis.RedisError:
        return False


def assert_eleventh_login_is_refused(app):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    responses = [
        post_form(client, "/account/login", {"email": "a@b.kg", "password": "x"})
        for _attempt in range(11)
    ]
    assert [response.status_code for response in responses[:10]] == [422] * 10
    assert responses[-1].status_code == 429
    assert "Too many requests" in responses[-1].get_data(as_text=True)


def test_login_is_rate_limited(make_app):
    assert_eleventh_login_is_refused(make_app(RATELIMIT_ENABLED=True))


@pytest.mark.skipif(not redis_available() and not os.environ.get("CI"), reason="no Redis here")
def test_rate_limits_can_live_in_redis_for_several_workers(make_app):
    prefix = f"portal-test-{uuid.uuid4().hex}"
    app = make_app(
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/15",
        RATELIMIT_KEY_PREFIX=prefix,
    )
    assert_eleventh_login_is_refused(app)

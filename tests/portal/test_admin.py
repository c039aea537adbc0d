"""Administrators manage accounts and roles."""

from portal.extensions import db
from portal.models import Role, User, utcnow
from tests.conftest import log_in, post_form


def test_user_list_filters_by_role_and_text(client, login_as, make_user):
    login_as(Role.ADMIN)
    make_user(Role.TRAINER, name="Бакыт Trainer", email="bakyt@example.kg")
    make_user(Role.LEARNER, name="Гүлнара Learner", municipality="Чаек")
    page = client.get("/admin/users?role=trainer").get_data(as_text=True)
    assert "Бакыт Trainer" in page and "Гүлнара Learner" not in page
    page = client.get("/admin/users?q=чаек").get_data(as_text=True)
    assert "Гүлнара Learner" in page and "Бакыт Trainer" not in page
    assert client.get("/admin/users?page=999").status_code == 404


def test_admin_changes_a_role(app, client, login_as, make_user):
    login_as(Role.ADMIN)
    user_id, _email = make_user()
    response = post_form(client, f"/admin/users/{user_id}", {"role": "trainer", "active": "y"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, user_id).role == Role.TRAINER


def test_deactivating_ends_the_users_sessions(app, client, login_as, make_user):
    login_as(Role.ADMIN)
    user_id, email = make_user()
    other = app.test_client()
    log_in(other, email)
    assert post_form(client, f"/admin/users/{user_id}", {"role": "learner"}).status_code == 302
    assert other.get("/account/profile").status_code == 302
    failed = post_form(other, "/account/login", {"email": email, "password": "x"})
    assert failed.status_code == 422


def test_unlock_clears_a_login_lock(app, client, login_as, make_user):
    login_as(Role.ADMIN)
    user_id, _email = make_user()
    with app.app_context():
        db.session.get(User, user_id).locked_until = utcnow().replace(year=2100)
        db.session.commit()
    data = {"role": "learner", "active": "y", "unlock": "y"}
    assert post_form(client, f"/admin/users/{user_id}", data).status_code == 302
    with app.app_context():
        assert db.session.get(User, user_id).locked_until is None


def test_admin_cannot_demote_themselves(app, client, login_as):
    admin_id, _email = login_as(Role.ADMIN)
    response = post_form(client, f"/admin/users/{admin_id}", {"role": "learner", "active": "y"})
    assert response.status_code == 422
    with app.app_context():
        assert db.session.get(User, admin_id).role == Role.ADMIN


def test_bad_role_and_unknown_user(client, login_as, make_user):
    login_as(Role.ADMIN)
    user_id, _email = make_user()
    response = post_form(client, f"/admin/users/{user_id}", {"role": "superuser", "active": "y"})
    assert response.status_code == 422
    assert "valid choice" in response.get_data(as_text=True)
    assert client.get("/admin/users/99999").status_code == 404

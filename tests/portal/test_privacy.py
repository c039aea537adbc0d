"""Right of access and erasure: download my data, delete my account, the source registry."""

import json
import re
import threading

import pytest
from sqlalchemy import select

from portal.audit import ACCOUNT_DELETED, DATA_EXPORTED, AuditEvent
from portal.auth.services import make_reset_token
from portal.extensions import db
from portal.mail import outbox
from portal.models import Region, Role, User
from portal.privacy import personal_data_sources, register_personal_data
from portal.privacy.services import LastAdministrator, delete_account
from tests.conftest import POSTGRES_URL, TEST_PASSWORD, csrf_token, log_in, post_form
from tests.portal.privacy_helpers import (
    columns_containing,
    delete_own_account,
    download_data,
)

NAME = "Айгүл Өмүрбекова"
EMAIL = "aigul@example.kg"


@pytest.fixture
def learner(app, make_user):
    """A learner from Naryn with a Kyrgyz name, a municipality and a position: (id, e-mail)."""
    with app.app_context():
        naryn = db.session.scalars(select(Region).filter_by(code="naryn")).one()
        district_id = naryn.districts[0].id
        profile = {"region_id": naryn.id, "district_id": district_id, "gender": "female"}
    return make_user(
        name=NAME, email=EMAIL, municipality="Ак-Муз айыл аймагы", position="Бухгалтер", **profile
    )


def account_of(app, user_id: int) -> User:
    """The account row, detached from any session."""
    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.expunge(user)
        return user


def events(app, action: str) -> list[AuditEvent]:
    """The audit events of one action, detached."""
    with app.app_context():
        found = db.session.scalars(select(AuditEvent).filter_by(action=action)).all()
        db.session.expunge_all()
        return found


def test_every_column_that_refers_to_an_account_is_covered_by_a_source(app):
    with app.app_context():
        declared = {pair for source in personal_data_sources() for pair in source.covers}
        referring = {
            (table.name, column.name)
            for table in db.metadata.sorted_tables
            for column in table.columns
            for key in column.foreign_keys
            if key.column.table.name == "user_account"
        }
        tables = {table.name: table for table in db.metadata.sorted_tables}
    assert referring, "the schema has account references; the scan found none"
    assert referring - declared == set(), "declare these columns in a personal-data source"
    assert all(column in tables[table].columns for table, column in declared)


def test_a_new_column_left_undeclared_is_noticed(app):
    with app.app_context():
        declared = {pair for source in personal_data_sources() for pair in source.covers}
    assert ("course_enrolment", "user_id") in declared
    assert ("practice_useful_vote", "user_id") in declared
    assert ("audit_event", "actor_id") in declared


def test_the_download_page_explains_each_section_and_needs_login(client, learner):
    assert "/account/login" in client.get("/account/data").location
    assert client.post("/account/data").status_code in (302, 400)
    log_in(client, EMAIL)
    page = client.get("/account/data").get_data(as_text=True)
    for heading in ("Your account", "Courses", "Best-practice library", "Audit trail", "Searches"):
        assert heading in page
    assert "Searches are logged without your name or account" in page


def test_the_download_refuses_a_missing_csrf_token(client, learner):
    log_in(client, EMAIL)
    assert client.post("/account/data", data={}).status_code == 400


def test_the_download_is_a_readable_json_attachment_without_secrets(app, client, learner):
    log_in(client, EMAIL)
    response = post_form(client, "/account/data", {})
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.mimetype_params["charset"] == "utf-8"
    assert response.headers["Cache-Control"] == "no-store"
    disposition = response.headers["Content-Disposition"]
    assert re.fullmatch(
        r'attachment; filename="?portal-data-\d{4}-\d{2}-\d{2}\.json"?', disposition
    )
    text = response.data.decode("utf-8")
    assert NAME in text and "\n  " in text  # Cyrillic unescaped, indented for people
    account = json.loads(text)["sections"]["account"]
    assert (account["name"], account["email"], account["role"]) == (NAME, EMAIL, "learner")
    assert account["region"]["code"] == "naryn" and account["gender"] == "female"
    stored = account_of(app, learner[0])
    assert stored.password_hash not in text and stored.session_token not in text
    assert "password" not in text and "session_token" not in text


def test_the_download_holds_nothing_of_another_account(client, learner, make_user):
    other_id, other_email = make_user(name="Бакыт Асанов", municipality="Кочкор")
    log_in(client, EMAIL)
    text = json.dumps(download_data(client), ensure_ascii=False)
    assert other_email not in text and "Бакыт Асанов" not in text and "Кочкор" not in text


def test_the_download_is_recorded_in_the_audit_trail(app, client, learner):
    log_in(client, EMAIL)
    download_data(client)
    [event] = events(app, DATA_EXPORTED)
    assert event.actor_id == event.subject_user_id == learner[0]


def test_a_wrong_password_deletes_nothing(app, client, learner):
    log_in(client, EMAIL)
    response = delete_own_account(client, password="not my password")
    assert response.status_code == 422
    assert "The password is wrong" in response.get_data(as_text=True)
    user = account_of(app, learner[0])
    assert (user.name, user.email, user.is_active_account, user.deleted_at) == (
        NAME,
        EMAIL,
        True,
        None,
    )
    assert events(app, ACCOUNT_DELETED) == []
    assert client.get("/account/profile").status_code == 200


def test_deletion_scrubs_the_account_and_keeps_what_statistics_need(app, client, learner):
    before = account_of(app, learner[0])
    log_in(client, EMAIL)
    response = delete_own_account(client)
    assert response.status_code == 302 and response.location.endswith("/")
    assert "Your account has been deleted" in client.get("/").get_data(as_text=True)
    user = account_of(app, learner[0])
    assert user.name == "" and user.email == f"deleted-{user.id}@deleted.invalid"
    assert user.municipality == "" and user.position == ""
    assert not user.is_active_account and user.deleted_at is not None
    assert user.session_token != before.session_token
    assert user.password_hash != before.password_hash
    kept = (user.region_id, user.district_id, user.gender, user.role, user.language)
    assert kept == (before.region_id, before.district_id, "female", Role.LEARNER, "en")
    assert columns_containing(app, NAME, EMAIL, "Ак-Муз айыл аймагы", "Бухгалтер") == []


def test_deletion_is_audited_without_personal_data(app, client, learner):
    log_in(client, EMAIL)
    delete_own_account(client, keep_name=True)
    [event] = events(app, ACCOUNT_DELETED)
    assert event.actor_id == event.subject_user_id == learner[0]
    assert event.details == {"by_self": True, "name_kept_on_certificates": True}


def test_after_deletion_every_session_ends_and_the_password_no_longer_works(app, client, learner):
    other_device = app.test_client()
    log_in(other_device, EMAIL)
    log_in(client, EMAIL)
    delete_own_account(client)
    assert "/account/login" in client.get("/account/profile").location
    assert "/account/login" in other_device.get("/account/profile").location
    response = post_form(client, "/account/login", {"email": EMAIL, "password": TEST_PASSWORD})
    assert response.status_code == 422


def test_the_address_can_register_again(app, client, learner):
    log_in(client, EMAIL)
    delete_own_account(client)
    form = {"email": EMAIL, "name": "Айгүл", "password": TEST_PASSWORD, "confirm": TEST_PASSWORD}
    response = post_form(client, "/account/register", form | {"language": "en"})
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        found = db.session.scalars(select(User).filter_by(email=EMAIL)).one()
        assert found.id != learner[0] and found.deleted_at is None


def test_the_last_active_administrator_cannot_delete_their_account(app, client, make_user):
    admin_id, admin_email = make_user(Role.ADMIN)
    log_in(client, admin_email)
    assert "only active administrator" in client.get("/account/delete").get_data(as_text=True)
    token = csrf_token(client, "/account/profile")
    response = client.post("/account/delete", data={"csrf_token": token, "password": TEST_PASSWORD})
    assert response.status_code == 409
    assert account_of(app, admin_id).deleted_at is None
    make_user(Role.ADMIN)
    assert delete_own_account(client).status_code == 302
    assert account_of(app, admin_id).deleted_at is not None


def test_an_administrator_deletes_an_account_and_is_recorded_as_the_actor(
    app, client, learner, login_as
):
    admin_id, _email = login_as(Role.ADMIN)
    page = f"/admin/users/{learner[0]}/delete"
    assert post_form(client, page, {}).status_code == 422  # the confirmation is required
    assert account_of(app, learner[0]).deleted_at is None
    response = post_form(client, page, {"confirm": "y"})
    assert response.status_code == 302
    assert account_of(app, learner[0]).deleted_at is not None
    [event] = events(app, ACCOUNT_DELETED)
    assert (event.actor_id, event.subject_user_id) == (admin_id, learner[0])
    assert event.details["by_self"] is False
    listing = client.get("/admin/users").get_data(as_text=True)
    assert "Deleted account" in listing and NAME not in listing and EMAIL not in listing


def test_a_deleted_account_cannot_be_reactivated(app, client, learner, login_as):
    login_as(Role.ADMIN)
    post_form(client, f"/admin/users/{learner[0]}/delete", {"confirm": "y"})
    page = f"/admin/users/{learner[0]}"
    assert "This account was deleted" in client.get(page).get_data(as_text=True)
    token = csrf_token(client, "/admin/users")
    data = {"csrf_token": token, "role": "learner", "active": "y"}
    assert client.post(page, data=data).status_code == 409
    assert account_of(app, learner[0]).is_active_account is False


def test_an_administrator_deleting_themselves_goes_through_the_password_page(client, login_as):
    admin_id, _email = login_as(Role.ADMIN)
    response = client.get(f"/admin/users/{admin_id}/delete")
    assert response.status_code == 302 and response.location.endswith("/account/delete")


def test_a_failing_eraser_rolls_the_whole_deletion_back(app, learner):
    def failing_eraser(user, keep_name_on_certificates):
        raise RuntimeError("disk full")

    register_personal_data(app, "broken", lambda user: {}, failing_eraser, (), order=50)
    with app.app_context():
        user = db.session.get(User, learner[0])
        with pytest.raises(RuntimeError):
            delete_account(user, user)
    user = account_of(app, learner[0])
    assert (user.name, user.deleted_at) == (NAME, None)
    assert events(app, ACCOUNT_DELETED) == []


def test_the_profile_links_to_the_download_and_the_deletion(client, learner):
    log_in(client, EMAIL)
    page = client.get("/account/profile").get_data(as_text=True)
    assert 'href="/account/data"' in page and 'href="/account/delete"' in page


def test_the_download_says_that_searches_are_logged_without_identity(client, learner):
    log_in(client, EMAIL)
    client.get("/search?q=таштанды")
    searches = download_data(client)["sections"]["search"]
    assert searches["searches"] == []
    assert searches["note"].startswith("Searches are logged without your name or account")


def test_a_password_reset_for_a_deleted_account_sends_nothing_and_says_the_usual(
    app, client, learner
):
    log_in(client, EMAIL)
    with app.app_context():
        old_link = make_reset_token(db.session.get(User, learner[0]))
    delete_own_account(client)
    response = post_form(client, "/account/reset", {"email": EMAIL})
    assert response.status_code == 302 and response.location.endswith("/account/login")
    page = client.get("/account/login").get_data(as_text=True)
    assert "If an account uses this address, a reset link is on its way." in page
    placeholder = account_of(app, learner[0]).email  # .invalid: not even accepted as an address
    assert post_form(client, "/account/reset", {"email": placeholder}).status_code == 422
    with app.app_context():
        assert outbox() == []
    response = client.get(f"/account/reset/{old_link}")
    assert response.status_code == 302 and "/account/reset" in response.location


def test_a_deleted_account_stays_unable_to_log_in_even_if_marked_active(app, learner):
    with app.app_context():
        user = db.session.get(User, learner[0])
        delete_account(user, user)
        user.is_active_account = True  # as a faulty script might
        assert user.is_active is False


def test_the_service_refuses_to_delete_the_last_administrator(app, make_user):
    admin_id, _email = make_user(Role.ADMIN)
    with app.app_context():
        admin = db.session.get(User, admin_id)
        with pytest.raises(LastAdministrator):
            delete_account(admin, admin)
    assert account_of(app, admin_id).deleted_at is None
    assert events(app, ACCOUNT_DELETED) == []


def test_a_deleted_administrator_does_not_count_as_another_administrator(app, make_user):
    first_id, _email = make_user(Role.ADMIN)
    second_id, _email = make_user(Role.ADMIN)
    with app.app_context():
        first, second = db.session.get(User, first_id), db.session.get(User, second_id)
        delete_account(first, first)
        with pytest.raises(LastAdministrator):
            delete_account(second, second)


@pytest.mark.skipif(not POSTGRES_URL, reason="row locks: PostgreSQL only")
def test_two_administrators_deleting_themselves_at_once_leave_one(app, make_user):
    first_id, _email = make_user(Role.ADMIN)
    second_id, _email = make_user(Role.ADMIN)
    inside, release = threading.Event(), threading.Event()

    def hold_the_first_deletion_open(user, keep_name_on_certificates):
        if user.id == first_id:
            inside.set()
            release.wait(30)

    register_personal_data(app, "slow", lambda user: {}, hold_the_first_deletion_open, (), 50)
    outcomes = {}

    def delete(user_id):
        with app.app_context():
            user = db.session.get(User, user_id)
            try:
                delete_account(user, user)
                outcomes[user_id] = "deleted"
            except LastAdministrator:
                outcomes[user_id] = "refused"

    first = threading.Thread(target=delete, args=(first_id,))
    first.start()
    assert inside.wait(30)
    second = threading.Thread(target=delete, args=(second_id,))
    second.start()
    second.join(1)  # waits on the first deletion's lock
    release.set()
    first.join(30)
    second.join(30)
    assert outcomes == {first_id: "deleted", second_id: "refused"}
    assert account_of(app, second_id).deleted_at is None

"""The audit trail: what administrators change is recorded with the change, and listed for them."""

import pytest
from sqlalchemy import select

from portal.audit import (
    ACTIVATED,
    DEACTIVATED,
    REVIEWER_CHANGED,
    ROLE_CHANGED,
    AuditEvent,
    record_audit_event,
)
from portal.extensions import db
from portal.models import Role, User
from tests.conftest import log_in, post_form


def recorded(app) -> list[tuple]:
    """Every event as (action, actor id, subject id, details), oldest first."""
    with app.app_context():
        query = select(AuditEvent).order_by(AuditEvent.id)
        return [
            (event.action, event.actor_id, event.subject_user_id, event.details)
            for event in db.session.scalars(query)
        ]


def save_user(client, user_id: int, **fields):
    """Submit the admin's account form; booleans are sent only when true, as browsers do."""
    data = {"role": fields.pop("role", "learner")}
    data |= {name: "y" for name, value in fields.items() if value}
    return post_form(client, f"/admin/users/{user_id}", data)


@pytest.fixture
def admin_and_learner(login_as, make_user):
    """A logged-in administrator and an active learner: (admin id, learner id)."""
    learner_id, _email = make_user(name="Нурлан Осмонов")
    admin_id, _email = login_as(Role.ADMIN)
    return admin_id, learner_id


def test_a_role_change_is_recorded_with_the_admin_and_both_roles(app, client, admin_and_learner):
    admin_id, learner_id = admin_and_learner
    assert save_user(client, learner_id, role="trainer", active=True).status_code == 302
    assert recorded(app) == [
        (ROLE_CHANGED, admin_id, learner_id, {"old": "learner", "new": "trainer"})
    ]


def test_activation_and_review_rights_are_recorded(app, client, admin_and_learner):
    admin_id, learner_id = admin_and_learner
    save_user(client, learner_id, role="trainer", active=False, reviewer=True)
    save_user(client, learner_id, role="trainer", active=True, reviewer=True)
    actions = [(action, details) for action, _actor, _subject, details in recorded(app)]
    assert actions == [
        (ROLE_CHANGED, {"old": "learner", "new": "trainer"}),
        (DEACTIVATED, {}),
        (REVIEWER_CHANGED, {"old": False, "new": True}),
        (ACTIVATED, {}),
    ]


def test_saving_without_changes_records_nothing(app, client, admin_and_learner):
    _admin_id, learner_id = admin_and_learner
    save_user(client, learner_id, role="learner", active=True)
    assert recorded(app) == []


def test_a_refused_change_records_nothing(app, client, admin_and_learner):
    admin_id, _learner_id = admin_and_learner
    assert save_user(client, admin_id, role="learner", active=True).status_code == 422
    assert recorded(app) == []


def test_an_unregistered_action_is_refused(app):
    with app.app_context(), pytest.raises(ValueError):
        record_audit_event("user.renamed", None)


def test_the_audit_page_lists_newest_first_with_translated_actions_and_names(
    app, client, admin_and_learner
):
    _admin_id, learner_id = admin_and_learner
    save_user(client, learner_id, role="trainer", active=True)
    save_user(client, learner_id, role="trainer", active=False)
    page = client.get("/admin/audit").get_data(as_text=True)
    rows = page.split("<tbody>")[1]
    assert rows.index("Account deactivated") < rows.index("Role changed")
    assert "Нурлан Осмонов" in rows and "Test Admin" in rows
    assert "user.role_changed" not in rows  # the code is shown as its label


def test_the_audit_page_filters_by_action_and_by_actor(app, client, admin_and_learner, make_user):
    admin_id, learner_id = admin_and_learner
    other_admin_id, _email = make_user(Role.ADMIN, name="Second Admin")
    with app.app_context():
        other = db.session.get(User, other_admin_id)
        learner = db.session.get(User, learner_id)
        record_audit_event(DEACTIVATED, other, learner)
        db.session.commit()
    save_user(client, learner_id, role="trainer", active=True)
    by_action = client.get(f"/admin/audit?action={ROLE_CHANGED}").get_data(as_text=True)
    assert (
        "Role changed" in by_action and "Account deactivated" not in by_action.split("<tbody>")[1]
    )
    by_actor = client.get(f"/admin/audit?actor={other_admin_id}").get_data(as_text=True)
    rows = by_actor.split("<tbody>")[1]
    assert "Account deactivated" in rows and "Role changed" not in rows
    assert client.get("/admin/audit?actor=9999").status_code == 404
    assert client.get("/admin/audit?action=nonsense").status_code == 200


def test_deleted_accounts_are_shown_as_such_in_the_trail(app, client, admin_and_learner):
    _admin_id, learner_id = admin_and_learner
    post_form(client, f"/admin/users/{learner_id}/delete", {"confirm": "y"})
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "Account deleted" in page and "Deleted account" in page
    assert "Нурлан Осмонов" not in page


@pytest.mark.parametrize("role", [Role.LEARNER, Role.TRAINER])
def test_only_administrators_see_the_trail(client, make_user, role):
    assert "/account/login" in client.get("/admin/audit").location
    _user_id, email = make_user(role)
    log_in(client, email)
    assert client.get("/admin/audit").status_code == 403


def test_the_trail_is_linked_from_the_admin_navigation(client, login_as):
    login_as(Role.ADMIN)
    assert 'href="/admin/audit"' in client.get("/admin/users").get_data(as_text=True)

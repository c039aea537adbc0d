"""Trainers write practices; reviewers publish them; every change keeps who and when."""

from portal.extensions import db
from portal.models import Role, User
from practices.models import Practice, PracticeRevision, Status
from tests.conftest import log_in, post_form

NEW_PRACTICE = {
    "slug": "balykchy-lighting",
    "region": "issyk-kul",
    "district": "",
    "municipality": "Балыкчы шаары",
    "topics": ["street-lighting", "private-sector"],
    "year": "2020",
    "ky-title": "Балыкчыда көчө жарыгы",
    "ky-summary": "Жеке компания менен келишим.",
    "ky-body": "## Эмне кылынды\n\nКөчө жарыгы оңдолду.",
    "ru-title": "",
    "en-title": "",
}


def practice(app, slug="balykchy-lighting") -> Practice:
    with app.app_context():
        found = db.session.execute(db.select(Practice).filter_by(slug=slug)).scalar_one_or_none()
        if found is not None:
            db.session.expunge(found)
        return found


def revisions(app, slug="balykchy-lighting") -> list[tuple[str, list]]:
    with app.app_context():
        rows = db.session.execute(
            db.select(PracticeRevision)
            .join(Practice)
            .where(Practice.slug == slug)
            .order_by(PracticeRevision.id)
        ).scalars()
        return [(row.action, row.changed_fields) for row in rows]


def test_trainer_creates_a_draft(app, client, login_as):
    trainer_id, _email = login_as(Role.TRAINER)
    response = post_form(client, "/practices/new", NEW_PRACTICE)
    assert response.status_code == 302, response.get_data(as_text=True)
    created = practice(app)
    assert created.status == Status.DRAFT and created.author_id == trainer_id
    assert revisions(app)[0][0] == "created"
    page = client.get("/practices/mine").get_data(as_text=True)
    assert "Балыкчыда көчө жарыгы" in page and "Draft" in page


def test_preview_renders_markdown_and_saves_nothing(app, client, login_as):
    login_as(Role.TRAINER)
    response = post_form(client, "/practices/new", NEW_PRACTICE | {"preview": "1"})
    assert response.status_code == 200
    assert "<h2>Эмне кылынды</h2>" in response.get_data(as_text=True)
    assert practice(app) is None


def test_editor_rejects_bad_input_with_messages(client, login_as, make_practice):
    make_practice("taken")
    login_as(Role.TRAINER)
    cases = [
        ({"slug": "taken"}, "already uses this web address"),
        ({"slug": "Not A Slug"}, "lower-case latin letters"),
        ({"ky-title": ""}, "at least one language"),
        ({"ky-body": ""}, "Write the full text"),
        ({"ky-summary": "x" * 301}, "longer than 300"),
        ({"district": "at-bashy"}, "not in the chosen region"),
        ({"year": "1700"}, "between 1991 and 2100"),
        ({"year": "soon"}, "Not a valid integer value"),
        ({"topics": ["space"]}, "valid choice"),
        ({"region": "atlantis"}, "valid choice"),
    ]
    for overrides, message in cases:
        response = post_form(client, "/practices/new", NEW_PRACTICE | overrides)
        assert response.status_code == 422, overrides
        assert message in response.get_data(as_text=True), overrides


def test_edit_keeps_history_and_restores(app, client, login_as):
    login_as(Role.TRAINER)
    post_form(client, "/practices/new", NEW_PRACTICE)
    changed = NEW_PRACTICE | {"ky-title": "Жаңы аталыш", "year": "2021"}
    assert post_form(client, "/practices/balykchy-lighting/edit", changed).status_code == 302
    history = revisions(app)
    assert history[-1] == ("edited", ["year", "ky.title"])
    with app.app_context():
        first_id = db.session.execute(db.select(PracticeRevision.id)).scalars().first()
    page = client.get("/practices/balykchy-lighting/history").get_data(as_text=True)
    assert "ky.title" in page
    path = f"/practices/balykchy-lighting/history/{first_id}"
    assert post_form(client, path, {}).status_code == 302
    restored = practice(app)
    assert restored.year == 2020
    assert revisions(app)[-1][0] == "restored"


def test_others_cannot_edit_and_learners_cannot_write(app, client, login_as, make_user):
    _id, author_email = make_user(Role.TRAINER)
    log_in(client, author_email)
    post_form(client, "/practices/new", NEW_PRACTICE)
    for role, status in [(Role.LEARNER, 403), (Role.TRAINER, 403)]:
        other = app.test_client()
        _id, email = make_user(role)
        log_in(other, email)
        assert other.get("/practices/balykchy-lighting/edit").status_code == status
    learner = app.test_client()
    _id, email = make_user(Role.LEARNER)
    log_in(learner, email)
    assert learner.get("/practices/new").status_code == 403


def make_reviewer(app, make_user, role=Role.TRAINER):
    user_id, email = make_user(role)
    with app.app_context():
        db.session.get(User, user_id).is_reviewer = True
        db.session.commit()
    return user_id, email


def test_review_flow_publish_return_archive(app, client, login_as, make_user):
    login_as(Role.TRAINER)
    post_form(client, "/practices/new", NEW_PRACTICE | {"submit_for_review": "1"})
    assert practice(app).status == Status.REVIEW
    reviewer = app.test_client()
    reviewer.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    log_in(reviewer, make_reviewer(app, make_user)[1])
    queue = reviewer.get("/practices/review").get_data(as_text=True)
    assert "Балыкчыда көчө жарыгы" in queue
    decide = "/practices/balykchy-lighting/review"
    data = {"action": "return", "comment": "Сандарды кошуңуз."}
    assert post_form(reviewer, decide, data, token_from="/").status_code == 302
    assert practice(app).status == Status.DRAFT
    assert "Сандарды кошуңуз." in client.get("/practices/balykchy-lighting/edit").get_data(
        as_text=True
    )
    post_form(client, "/practices/balykchy-lighting/submit", {}, token_from="/")
    post_form(reviewer, decide, {"action": "publish"}, token_from="/")
    published = practice(app)
    assert published.status == Status.PUBLISHED and published.published_at is not None
    assert "balykchy-lighting" in client.get("/practices/").get_data(as_text=True)
    post_form(reviewer, decide, {"action": "archive"}, token_from="/")
    assert practice(app).status == Status.ARCHIVED
    actions = [action for action, _fields in revisions(app)]
    assert actions == ["created", "submit", "return", "submit", "publish", "archive"]


def test_reviewers_do_not_publish_their_own_work(app, client, make_user):
    _id, email = make_reviewer(app, make_user)
    log_in(client, email)
    post_form(client, "/practices/new", NEW_PRACTICE | {"submit_for_review": "1"})
    response = post_form(
        client, "/practices/balykchy-lighting/review", {"action": "publish"}, token_from="/"
    )
    assert response.status_code == 409
    assert practice(app).status == Status.REVIEW


def test_trainers_without_review_rights_cannot_review(client, login_as, make_practice):
    make_practice("waiting", status="review")
    login_as(Role.TRAINER)
    assert client.get("/practices/review").status_code == 403
    response = post_form(client, "/practices/waiting/review", {"action": "publish"}, token_from="/")
    assert response.status_code == 403


def test_unknown_review_action_is_refused(app, client, make_user, make_practice):
    make_practice("waiting", status="review")
    log_in(client, make_reviewer(app, make_user)[1])
    response = post_form(client, "/practices/waiting/review", {"action": "delete"}, token_from="/")
    assert response.status_code == 400

"""The course editor: creating, editing, listing, publishing and duplicating courses, and who
may do it."""

from sqlalchemy import func, select

from courses.models import Course, Enrolment, Lesson, LessonProgress
from portal.extensions import db
from portal.models import Role
from tests.conftest import csrf_token, log_in, post_form

EMPTY_LANGUAGE = {"title": "", "summary": "", "description": ""}


def course_form(slug: str = "budget-basics", **overrides) -> dict:
    """The new-course form filled in Kyrgyz only."""
    data = {
        "slug": slug,
        "enrolment": "open",
        "topics": ["citizen-budget"],
        "organisation": "Training Centre",
        "hours": "",
        "certificate": "y",
        "ky-title": "Бюджет негиздери",
        "ky-summary": "Кыска курс.",
        "ky-description": "## Башы\n\nБюджет **маанилүү**.",
    }
    for code in ("ru", "en"):
        data |= {f"{code}-{name}": value for name, value in EMPTY_LANGUAGE.items()}
    return data | overrides


def log_out(client) -> None:
    """End the test client's session, so that another user can log in."""
    client.post("/account/logout", data={"csrf_token": csrf_token(client)})


def create_course(client, slug: str = "budget-basics", **overrides):
    """Send the new-course form as a logged-in trainer."""
    return post_form(client, "/courses/new", course_form(slug, **overrides))


def course_named(app, slug: str) -> dict:
    """The facts of a stored course that the tests compare."""
    with app.app_context():
        course = db.session.execute(select(Course).filter_by(slug=slug)).scalar_one_or_none()
        if course is None:
            return {}
        return {
            "id": course.id,
            "status": course.status,
            "author_id": course.author_id,
            "enrolment": course.enrolment,
            "hours": course.hours,
            "certificate": course.certificate,
            "topics": [topic.code for topic in course.topics],
            "texts": {t.language: (t.title, t.summary, t.description) for t in course.translations},
        }


def test_trainer_creates_a_draft_course(app, client, login_as):
    trainer_id, _email = login_as(Role.TRAINER)
    assert client.get("/courses/new").status_code == 200
    response = create_course(client, hours="12,5")
    assert response.status_code == 303
    assert response.location.endswith("/courses/budget-basics/edit#outline")
    stored = course_named(app, "budget-basics")
    assert stored["status"] == "draft" and stored["author_id"] == trainer_id
    assert stored["hours"] == 12.5 and stored["certificate"] is True
    assert stored["topics"] == ["citizen-budget"]
    assert stored["texts"] == {
        "ky": ("Бюджет негиздери", "Кыска курс.", course_form()["ky-description"])
    }
    page = client.get("/courses/budget-basics/edit").get_data(as_text=True)
    assert "Бюджет негиздери" in page and "Draft" in page


def test_bad_settings_come_back_with_messages_and_what_was_typed(client, login_as, make_course):
    login_as(Role.TRAINER)
    make_course("taken-slug")
    cases = [
        ({"slug": "Bad Slug!"}, "Use lower-case latin letters, digits and hyphens only."),
        ({"slug": "manage"}, "This web address is taken."),
        ({"slug": "new"}, "This web address is taken."),
        ({"slug": "taken-slug"}, "This web address is taken."),
        ({"ky-title": "", "ky-summary": "", "ky-description": ""}, "at least one language"),
        ({"ky-title": ""}, "Fill this in too, or clear this language."),
        ({"ky-summary": "x" * 301}, "Field cannot be longer than 300 characters."),
        ({"hours": "a lot"}, "Type a number, for example 12 or 3,5."),
        ({"hours": "5000"}, "Between 0.5 and 1000 hours."),
        ({"enrolment": "secret"}, "Not a valid choice."),
    ]
    for overrides, message in cases:
        response = create_course(client, **({"organisation": "Кенеш академиясы"} | overrides))
        page = response.get_data(as_text=True)
        assert response.status_code == 422, overrides
        assert message in page, overrides
        assert "Кенеш академиясы" in page, overrides
    assert client.get("/courses/manage").get_data(as_text=True).count("/edit") == 0


def test_preview_renders_the_description_and_saves_nothing(app, client, login_as):
    login_as(Role.TRAINER)
    response = create_course(client, preview="1")
    assert response.status_code == 200
    assert "<strong>маанилүү</strong>" in response.get_data(as_text=True)
    assert course_named(app, "budget-basics") == {}


def test_editing_settings_saves_texts_and_drops_a_cleared_language(app, client, login_as):
    login_as(Role.TRAINER)
    create_course(client, **{"ru-title": "Основы бюджета", "ru-summary": "Курс."})
    assert set(course_named(app, "budget-basics")["texts"]) == {"ky", "ru"}
    edited = course_form(
        "budget-101",
        enrolment="invitation",
        topics=[],
        certificate="",
        **{"en-title": "Budget basics", "ky-title": "Бюджет 101"},
    )
    response = post_form(client, "/courses/budget-basics/edit", edited)
    assert response.status_code == 303 and "/courses/budget-101/edit" in response.location
    stored = course_named(app, "budget-101")
    assert set(stored["texts"]) == {"ky", "en"}
    assert stored["texts"]["ky"][0] == "Бюджет 101"
    assert stored["enrolment"] == "invitation" and stored["certificate"] is False
    assert stored["topics"] == []
    page = client.get("/courses/budget-101/edit").get_data(as_text=True)
    assert 'value="Budget basics"' in page


def test_edit_preview_and_errors_keep_the_editor(client, login_as):
    login_as(Role.TRAINER)
    create_course(client)
    preview = post_form(client, "/courses/budget-basics/edit", course_form(preview="1"))
    assert preview.status_code == 200 and "<h2>Башы</h2>" in preview.get_data(as_text=True)
    wrong = post_form(client, "/courses/budget-basics/edit", course_form(slug="mine"))
    assert wrong.status_code == 422
    assert "This web address is taken." in wrong.get_data(as_text=True)


def test_manage_lists_own_courses_for_trainers_and_all_for_admins(
    app, client, make_user, make_course
):
    trainer_id, trainer_email = make_user(Role.TRAINER)
    _admin_id, admin_email = make_user(Role.ADMIN)
    make_course("mine-one", author_id=trainer_id)
    make_course("someone-elses")
    learner_id, _ = make_user(Role.LEARNER)
    with app.app_context():
        course = db.session.execute(select(Course).filter_by(slug="mine-one")).scalar_one()
        db.session.add(Enrolment(user_id=learner_id, course_id=course.id))
        db.session.commit()
    log_in(client, trainer_email)
    page = client.get("/courses/manage").get_data(as_text=True)
    assert "/courses/mine-one/edit" in page and "someone-elses" not in page
    assert '/courses/mine-one/learners">1</a>' in page
    assert "Published" in page and "Кыргызча" in page and "Русский" in page
    assert "/courses/new" in page
    log_out(client)
    log_in(client, admin_email)
    page = client.get("/courses/manage").get_data(as_text=True)
    assert "/courses/mine-one/edit" in page and "/courses/someone-elses/edit" in page


def test_learners_get_403_and_anonymous_visitors_the_login(client, make_course, login_as):
    make_course("private-sector")
    pages = ["/courses/manage", "/courses/new", "/courses/private-sector/edit"]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 302 and "/account/login" in response.location, path
    login_as(Role.LEARNER)
    for path in pages + ["/courses/private-sector/learners"]:
        assert client.get(path).status_code == 403, path
    token = csrf_token(client)
    response = client.post("/courses/private-sector/publish", data={"csrf_token": token})
    assert response.status_code == 403


def test_trainers_edit_only_their_own_courses_and_admins_all(
    client, make_user, make_course, login_as
):
    owner_id, _ = make_user(Role.TRAINER)
    make_course("private-sector", author_id=owner_id)
    login_as(Role.TRAINER)
    assert client.get("/courses/private-sector/edit").status_code == 403
    assert client.get("/courses/no-such-course/edit").status_code == 404
    token = csrf_token(client)
    assert (
        client.post("/courses/private-sector/duplicate", data={"csrf_token": token}).status_code
        == 403
    )
    log_out(client)
    login_as(Role.ADMIN)
    assert client.get("/courses/private-sector/edit").status_code == 200


def test_posts_without_the_csrf_token_are_refused(client, login_as, make_course):
    trainer_id, _ = login_as(Role.TRAINER)
    make_course("private-sector", author_id=trainer_id)
    for path in ["/courses/new", "/courses/private-sector/publish", "/courses/private-sector/edit"]:
        assert client.post(path, data=course_form(action="publish")).status_code == 400, path


def test_publish_shows_the_course_in_the_catalogue_and_unpublish_hides_it(
    app, client, login_as, make_course
):
    trainer_id, _ = login_as(Role.TRAINER)
    make_course("private-sector", author_id=trainer_id, status="draft")
    catalogue = client.get("/courses/").get_data(as_text=True)
    assert "/courses/private-sector" not in catalogue
    edit = "/courses/private-sector/edit"
    response = post_form(
        client, "/courses/private-sector/publish", {"action": "publish"}, token_from=edit
    )
    assert response.status_code == 303
    assert course_named(app, "private-sector")["status"] == "published"
    anonymous = app.test_client()
    assert "/courses/private-sector" in anonymous.get("/courses/").get_data(as_text=True)
    post_form(client, "/courses/private-sector/publish", {"action": "unpublish"}, token_from=edit)
    assert course_named(app, "private-sector")["status"] == "draft"
    assert "/courses/private-sector" not in anonymous.get("/courses/").get_data(as_text=True)
    assert anonymous.get("/courses/private-sector").status_code == 404
    odd = post_form(
        client, "/courses/private-sector/publish", {"action": "archive"}, token_from=edit
    )
    assert odd.status_code == 400


def test_an_empty_course_cannot_be_published(app, client, login_as):
    login_as(Role.TRAINER)
    create_course(client)
    response = post_form(
        client, "/courses/budget-basics/publish", {"action": "publish"}, token_from="/courses/new"
    )
    assert response.status_code == 422
    assert "Add at least one lesson." in response.get_data(as_text=True)
    assert course_named(app, "budget-basics")["status"] == "draft"


def course_outline(app, slug: str) -> list:
    """Everything a copy must repeat: texts, sections, lessons, questions, answers, files."""
    with app.app_context():
        course = db.session.execute(select(Course).filter_by(slug=slug)).scalar_one()
        return [
            sorted((t.language, t.title, t.summary) for t in course.translations),
            (course.enrolment, course.organisation, course.hours, course.certificate),
            [topic.code for topic in course.topics],
            [
                (
                    section.key,
                    [t.title for t in section.translations],
                    [lesson_outline(lesson) for lesson in section.lessons],
                )
                for section in course.sections
            ],
        ]


def lesson_outline(lesson) -> tuple:
    """A lesson's settings, texts, files and quiz, without ids."""
    questions = [
        (
            q.key,
            q.kind,
            q.points,
            q.numeric_answer,
            [t.text for t in q.translations],
            [(c.position, c.is_correct, [t.text for t in c.translations]) for c in q.choices],
        )
        for q in lesson.questions
    ]
    settings = (lesson.key, lesson.kind, lesson.position, lesson.minutes, lesson.pass_mark)
    return (
        settings,
        [t.body for t in lesson.translations],
        [f.title for f in lesson.files],
        questions,
    )


def test_duplicate_keeps_the_content_but_not_the_learners(
    app, client, login_as, make_user, make_course
):
    owner_id, _ = make_user(Role.TRAINER)
    course_id = make_course("private-sector", author_id=owner_id)
    learner_id, _ = make_user(Role.LEARNER)
    with app.app_context():
        course = db.session.get(Course, course_id)
        db.session.add(Enrolment(user_id=learner_id, course_id=course_id))
        db.session.add(
            LessonProgress(user_id=learner_id, course_id=course_id, lesson_id=course.lessons[0].id)
        )
        db.session.commit()
    admin_id, _ = login_as(Role.ADMIN)
    token_page = "/courses/private-sector/edit"
    first = post_form(client, "/courses/private-sector/duplicate", {}, token_from=token_page)
    assert first.status_code == 303 and first.location.endswith("/courses/private-sector-copy/edit")
    second = post_form(client, "/courses/private-sector/duplicate", {}, token_from=token_page)
    assert second.location.endswith("/courses/private-sector-copy-2/edit")
    assert course_outline(app, "private-sector-copy") == course_outline(app, "private-sector")
    copy = course_named(app, "private-sector-copy")
    assert copy["status"] == "draft" and copy["author_id"] == admin_id
    with app.app_context():
        enrolled = db.session.scalar(
            select(func.count()).select_from(Enrolment).filter_by(course_id=copy["id"])
        )
        done = db.session.scalar(
            select(func.count()).select_from(LessonProgress).filter_by(course_id=copy["id"])
        )
    assert enrolled == 0 and done == 0
    assert course_named(app, "private-sector")["status"] == "published"


def test_publishing_names_quizzes_without_questions(app, client, login_as, make_course):
    trainer_id, _ = login_as(Role.TRAINER)
    course_id = make_course("private-sector", author_id=trainer_id, status="draft")
    with app.app_context():
        quiz = db.session.scalars(select(Lesson).filter_by(course_id=course_id, kind="quiz")).one()
        quiz.questions = []
        db.session.commit()
    edit = "/courses/private-sector/edit"
    response = post_form(
        client, "/courses/private-sector/publish", {"action": "publish"}, token_from=edit
    )
    assert response.status_code == 422
    assert "The quiz “Текшерүү” has no questions." in response.get_data(as_text=True)
    with app.app_context():
        db.session.get(Course, course_id).status = "published"
        db.session.commit()
    page = client.get(edit).get_data(as_text=True)
    assert "Learners cannot complete the course until you fix this:" in page

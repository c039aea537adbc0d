"""A learner takes a course on a phone: enrols, completes lessons, fails then passes the quiz,
downloads the certificate, and the verification page confirms it."""

import re

from playwright.sync_api import expect

from portal.models import Role
from tests.browser.test_library_flow import log_in
from tests.courses.conftest import course_ids

SLUG = "private-sector"


def answer_quiz(page, ids, right: bool) -> None:
    """Pick answers on the quiz page and send them."""
    page.check(f"#c{ids['q1.0']}")
    page.check(f"#c{ids['q2.0']}")
    if right:
        page.check(f"#c{ids['q2.1']}")
    page.check(f"#c{ids['q3.0' if right else 'q3.1']}")
    page.fill(f"input[name=q{ids['q4']}]", "108" if right else "12")
    page.click("button:has-text('Send my answers')")


def test_learner_completes_a_course_and_gets_a_certificate(
    app, live_server, page, make_user, make_course, tmp_path
):
    ids = course_ids(app, make_course(SLUG))
    _id, email = make_user(Role.LEARNER, name="Айнура Өмүрбекова")
    log_in(page, live_server, email)
    page.goto(f"/courses/{SLUG}")
    page.click("button:has-text('Enrol and start')")
    expect(page.locator("h1")).to_have_text("Эмне үчүн?")
    page.click("button:has-text('Mark as complete')")
    expect(page.locator(".flash-success")).to_contain_text("Saved")
    expect(page.locator("h1")).to_have_text("Кайсы кызматтар?")
    page.click("button:has-text('Mark as complete')")
    expect(page.locator("h1")).to_have_text("Текшерүү")

    answer_quiz(page, ids, right=False)
    expect(page.locator("p[role=status]")).to_contain_text("Not passed")
    page.click("a:has-text('Try again')")
    answer_quiz(page, ids, right=True)
    expect(page.locator("p[role=status]")).to_contain_text("Passed: 4.0 of 4.0")

    page.click("a:has-text('Back to the course')")
    expect(page.locator(".course-status")).to_contain_text("You completed this course")
    with page.expect_download() as download:
        page.click("a:has-text('Download your certificate')")
    pdf = tmp_path / "certificate.pdf"
    download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    page.click("a:has-text('Verification page')")
    expect(page).to_have_url(re.compile(r"/certificates/[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$"))
    expect(page.locator("p[role=status]")).to_have_text("This certificate is valid.")
    expect(page.locator("main")).to_contain_text("Айнура Өмүрбекова")


def add_lesson(page, kind: str, title: str, body: str = "") -> None:
    """From the course editor, add a lesson of `kind` to the first section and save it."""
    page.select_option("select[name=kind]", kind)
    page.click("button:has-text('Add a lesson')")
    page.fill("input[name=ky-title]", title)
    if body:
        page.fill("textarea[name=ky-body]", body)
    page.click("button[name=save]")
    expect(page.locator(".flash-success")).to_be_visible()


def test_trainer_builds_a_course_and_sees_the_learner_in_the_report(
    app, live_server, new_page, make_user
):
    _id, trainer = make_user(Role.TRAINER, name="Тренер Асель")
    _id, learner = make_user(Role.LEARNER, name="Бакыт Осмонов")
    page = new_page()
    log_in(page, live_server, trainer)
    page.goto("/courses/new")
    page.fill("input[name=slug]", "budget-basics")
    page.check("input[name=topics][value=citizen-budget]")
    page.fill("input[name=ky-title]", "Бюджет негиздери")
    page.fill("textarea[name=ky-summary]", "Жергиликтүү бюджет боюнча кыска курс.")
    page.click("button[name=save]")
    expect(page).to_have_url(re.compile(r"/courses/budget-basics/edit"))

    page.fill("#outline-end input[name=section-ky-title]", "Негиздер")
    page.click("button:has-text('Add the section')")
    add_lesson(page, "text", "Бюджет деген эмне?", "Бюджет — **план**.")
    page.click("nav.breadcrumbs a")
    add_lesson(page, "text", "Жарандык бюджет")
    page.click("nav.breadcrumbs a")
    add_lesson(page, "quiz", "Текшерүү")
    page.select_option("#question-kind", "single")
    page.click("button:has-text('Add a question')")
    page.fill("textarea[name=ky-text]", "Бюджетти ким бекитет?")
    page.fill("[name=choices-0-ky-text]", "Жергиликтүү кеңеш")
    page.check("[name=choices-0-correct]")
    page.fill("[name=choices-1-ky-text]", "Эч ким")
    page.click("button:has-text('Save the question')")
    expect(page.locator(".flash-success")).to_be_visible()
    page.goto("/courses/budget-basics/edit")
    page.click("button:has-text('Publish')")
    expect(page.locator(".flash-success")).to_be_visible()

    student = new_page()
    log_in(student, live_server, learner)
    student.goto("/courses/budget-basics")
    student.click("button:has-text('Enrol and start')")
    expect(student.locator("h1")).to_have_text("Бюджет деген эмне?")
    student.click("button:has-text('Mark as complete')")
    expect(student.locator(".flash-success")).to_contain_text("Saved")

    page.goto("/courses/budget-basics/report")
    row = page.locator("tr", has_text="Бакыт Осмонов")
    expect(row).to_contain_text("33")
    with page.expect_download() as download:
        page.click("a:has-text('CSV')")
    assert "Бакыт Осмонов" in download.value.path().read_text(encoding="utf-8-sig")

"""Offline reading on a phone: a saved lesson opens without a connection, a completion pressed
offline waits on the device and reaches the server once the connection is back, and what was
typed in a form survives a submit that failed for want of a connection."""

import time

from playwright.sync_api import expect

from courses.models import LessonProgress
from portal.extensions import db
from portal.models import Role
from tests.browser.test_library_flow import log_in

SLUG = "private-sector"


def completed_lesson_ids(app, user_id: int) -> set[int]:
    """Lessons the server has recorded as completed by the user."""
    with app.app_context():
        query = db.select(LessonProgress.lesson_id).filter_by(user_id=user_id)
        return set(db.session.scalars(query))


def wait_until(page, expression: str, seconds: float = 10) -> None:
    """Poll an expression that returns a promise until it resolves to something true
    (wait_for_function takes the promise itself for the answer)."""
    deadline = time.monotonic() + seconds
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"still false after {seconds} s: {expression}"
        time.sleep(0.2)


def wait_for_worker(page) -> None:
    """Wait until the service worker controls the page and has the offline page in its cache
    (the worker is registered once a page has loaded; the next page fills the cache)."""
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    wait_until(page, "() => caches.match('/offline', {ignoreSearch: true}).then(Boolean)")


def enrol_in_the_course(page) -> str:
    """Enrol through the course page; the address of the first lesson it opens."""
    page.goto(f"/courses/{SLUG}")
    page.click("button:has-text('Enrol and start')")
    lesson_url = page.url
    page.goto(f"/courses/{SLUG}")
    return lesson_url


def test_saved_lesson_opens_offline_and_queued_completion_is_sent(
    app, live_server, page, make_user, make_course
):
    make_course(SLUG)
    user_id, email = make_user(Role.LEARNER)
    log_in(page, live_server, email)
    lesson_url = enrol_in_the_course(page)
    wait_for_worker(page)
    save = page.locator("[data-save]")
    expect(save).to_contain_text("Save for offline (")
    save.click()
    expect(page.locator(".offline-save [role=status]")).to_contain_text("Saved for offline")
    expect(save).to_be_hidden()
    expect(page.locator("[data-remove]")).to_be_visible()

    page.context.set_offline(True)
    page.goto(lesson_url)
    expect(page.locator("h1")).to_have_text("Эмне үчүн?")
    page.click("button:has-text('Mark as complete')")
    expect(page.locator("#completion-queued")).to_be_visible()
    assert completed_lesson_ids(app, user_id) == set()

    page.context.set_offline(False)
    deadline = time.monotonic() + 10
    while not completed_lesson_ids(app, user_id) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(completed_lesson_ids(app, user_id)) == 1
    expect(page.locator(".lesson-actions")).to_contain_text("Completed")


def test_typed_text_survives_a_failed_submit_and_a_reload(app, live_server, page, make_user):
    _user_id, email = make_user(Role.LEARNER)
    log_in(page, live_server, email)
    page.goto("/account/profile")
    wait_for_worker(page)
    page.fill("input[name=name]", "")
    page.fill("input[name=name]", "Айгүл Токтогулова")

    page.context.set_offline(True)
    page.click("main form.stacked button[type=submit]")
    expect(page.locator("[data-offline-page]")).to_be_visible()
    page.context.set_offline(False)
    page.goto("/account/profile")
    page.reload()
    expect(page.locator("input[name=name]")).to_have_value("Айгүл Токтогулова")


def test_saved_practice_opens_offline_and_can_be_removed(live_server, page, make_practice):
    make_practice("karakol-waste")
    page.goto("/practices/karakol-waste")
    wait_for_worker(page)
    page.click("[data-save]")
    expect(page.locator(".offline-save [role=status]")).to_contain_text(
        "Интернетсиз окуу үчүн сакталды"
    )

    page.context.set_offline(True)
    page.goto("/practices/karakol-waste")
    expect(page.locator("h1")).to_contain_text("Караколдо")
    page.goto("/practices/")
    expect(page.locator("[data-offline-page]")).to_be_visible()

    page.context.set_offline(False)
    page.goto("/practices/karakol-waste")
    page.click("[data-remove]")
    expect(page.locator("[data-save]")).to_be_visible()
    assert not page.evaluate("() => caches.has('offline-practice-karakol-waste')")


def has_cache(page, name: str) -> bool:
    return page.evaluate("(name) => caches.has(name)", name)


def test_an_expired_session_forgets_what_its_account_saved(
    app, live_server, page, make_user, make_course, make_practice
):
    make_practice("karakol-waste")
    make_course(SLUG)
    page.goto("/practices/karakol-waste")
    wait_for_worker(page)
    page.click("[data-save]")
    expect(page.locator("[data-remove]")).to_be_visible()
    _user_id, email = make_user(Role.LEARNER)
    log_in(page, live_server, email)
    lesson_url = enrol_in_the_course(page)
    page.click("[data-save]")
    expect(page.locator("[data-remove]")).to_be_visible()
    assert has_cache(page, "offline-practice-karakol-waste")  # saved before logging in: kept

    page.context.clear_cookies()  # the session ends without a logout, as on a shared phone
    page.goto("/")
    saved = "() => caches.keys().then(names => !names.some(n => n.startsWith('offline-')))"
    wait_until(page, saved)
    wait_until(page, "() => caches.match('/offline', {ignoreSearch: true}).then(Boolean)")
    page.context.set_offline(True)
    page.goto(lesson_url)
    expect(page.locator("[data-offline-page]")).to_be_visible()

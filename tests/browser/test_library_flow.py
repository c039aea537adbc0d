"""A trainer writes a practice with a file, a reviewer publishes it, a visitor reads it in ru."""

import re

from playwright.sync_api import expect

from portal.extensions import db
from portal.models import Role, User
from tests.conftest import TEST_PASSWORD

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def log_in(page, base_url, email):
    page.goto(f"{base_url}/account/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("main form button[type=submit]")
    expect(page.locator("form[action$='/account/logout'] button")).to_be_visible()


def log_out(page):
    page.click("form[action$='/account/logout'] button")
    # The page script clears offline copies before the form is sent: wait for the logout.
    expect(page.locator("header a[href$='/account/login']")).to_be_visible()


def write_practice(page, base_url, tmp_path):
    page.goto(f"{base_url}/practices/new")
    page.fill("input[name=slug]", "balykchy-lighting")
    page.select_option("select[name=region]", "issyk-kul")
    page.select_option("select[name=topics]", ["street-lighting", "private-sector"])
    page.fill("input[name=year]", "2020")
    page.fill("input[name=ky-title]", "Балыкчыда көчө жарыгы")
    page.fill("textarea[name=ky-body]", "Көчө жарыгы жеке компания менен оңдолду.")
    page.fill("input[name=ru-title]", "Уличное освещение в Балыкчы")
    page.fill("textarea[name=ru-summary]", "Частная компания отремонтировала фонари.")
    page.fill("textarea[name=ru-body]", "## Что сделали\n\nОтремонтировали **фонари**.")
    page.click("button[name=preview]")
    expect(page.locator(".preview h2", has_text="Что сделали")).to_be_visible()
    page.click("button[name=save]")
    expect(page.locator(".flash-success")).to_be_visible()
    report = tmp_path / "contract.pdf"
    report.write_bytes(PDF)
    page.fill("#files input[name=title]", "Договор")
    page.set_input_files("#files input[name=file]", str(report))
    page.click("#files button[type=submit]")
    expect(page.locator("#files a", has_text="Договор")).to_be_visible()
    page.click("button[name=submit_for_review]")
    expect(page.locator(".flash-success")).to_be_visible()


def test_trainer_writes_reviewer_publishes_visitor_reads(
    app, live_server, page, make_user, tmp_path
):
    _id, trainer = make_user(Role.TRAINER)
    reviewer_id, reviewer = make_user(Role.TRAINER)
    with app.app_context():
        db.session.get(User, reviewer_id).is_reviewer = True
        db.session.commit()

    log_in(page, live_server, trainer)
    write_practice(page, live_server, tmp_path)
    log_out(page)

    log_in(page, live_server, reviewer)
    page.goto(f"{live_server}/practices/review")
    page.fill("textarea[name=comment]", "Жакшы.")
    page.click("button[name=action][value=publish]")
    expect(page.locator(".flash-success")).to_be_visible()
    log_out(page)

    page.goto(f"{live_server}/practices/")
    page.select_option("select[name=region]", "issyk-kul")
    page.select_option("select[name=topic]", "street-lighting")
    page.click("form.filters button[type=submit]")
    expect(page).to_have_url(re.compile(r"region=issyk-kul"))
    page.click("button[name=language][value=ru]")
    page.click("a[href^='/practices/balykchy-lighting']")
    expect(page.locator("h1")).to_have_text("Уличное освещение в Балыкчы")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    with page.expect_download() as download:
        page.click("#files a")
    assert download.value.suggested_filename == "Договор.pdf"

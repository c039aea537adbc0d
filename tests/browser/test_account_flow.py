"""A municipal employee registers, logs in, switches language and logs out in a real browser."""

import re

from playwright.sync_api import expect

from tests.conftest import TEST_PASSWORD

LOGOUT = "form[action$='/account/logout'] button"


def test_register_log_in_switch_language_log_out(live_server, page):
    page.goto(live_server + "/")
    expect(page.locator("html")).to_have_attribute("lang", "ky")
    page.click("a[href='/account/register']")
    page.fill("input[name=name]", "Айгүл Асанова")
    page.fill("input[name=email]", "aigul@example.kg")
    page.fill("input[name=password]", "a long enough password")
    page.fill("input[name=confirm]", "a long enough password")
    page.select_option("select[name=region]", label="Ысык-Көл облусу")
    page.select_option("select[name=district]", label="Ак-Суу району")
    page.fill("input[name=municipality]", "Ак-Суу айыл аймагы")
    page.select_option("select[name=language]", "ky")
    page.click("main form button[type=submit]")
    expect(page.locator(".account-nav")).to_contain_text("Айгүл Асанова")

    page.click(LOGOUT)
    page.click("a[href='/account/login']")
    page.fill("input[name=email]", "aigul@example.kg")
    page.fill("input[name=password]", "a long enough password")
    page.click("main form button[type=submit]")
    expect(page.locator(".account-nav")).to_contain_text("Айгүл Асанова")

    page.goto(live_server + "/practices/")
    page.click("button[name=language][value=ru]")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page).to_have_url(re.compile(r"/practices/$"))
    expect(page.locator("h1")).to_have_text("Библиотека лучших практик")
    page.click("button[name=language][value=en]")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Best-practice library")

    page.click(LOGOUT)
    expect(page.locator("a[href='/account/login']")).to_be_visible()


def test_log_in_without_javascript(browser, live_server, make_user):
    _id, email = make_user()
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server + "/account/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("main form button[type=submit]")
    expect(page.locator(".account-nav")).to_contain_text("Test Learner")
    context.close()

"""A municipal employee registers, logs in, switches language and logs out in a real browser."""

from playwright.sync_api import Locator, Page, expect

from tests.conftest import TEST_PASSWORD

NAME = "Айгүл Асанова"
EMAIL = "aigul@example.kg"
PASSWORD = "a long enough password"
LOG_OUT = "form[action$='/account/logout'] button"


def account_nav(page: Page) -> Locator:
    """The header's account links: log in and register, or the name and log out."""
    return page.locator(".account-nav")


def submit(page: Page) -> None:
    """Press the submit button of the page's main form."""
    page.locator("main form button[type=submit]").click()


def register(page: Page) -> None:
    """Fill in the registration form as an ayil aimak employee in Issyk-Kul and send it."""
    page.fill("input[name=name]", NAME)
    page.fill("input[name=email]", EMAIL)
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=confirm]", PASSWORD)
    page.select_option("select[name=region]", label="Ысык-Көл облусу")
    page.select_option("select[name=district]", label="Ак-Суу району")
    page.fill("input[name=municipality]", "Теплоключенка айыл аймагы")
    page.fill("input[name=position]", "Адис")
    page.select_option("select[name=language]", "ky")
    submit(page)


def log_in(page: Page, email: str, password: str) -> None:
    """Fill in the login form and send it."""
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    submit(page)


def log_out(page: Page) -> None:
    """Press the header's log-out button and wait until the header offers to log in."""
    page.click(LOG_OUT)
    expect(account_nav(page).locator("a[href$='/account/login']")).to_be_visible()


def switch_language(page: Page, language: str) -> None:
    """Press a language button in the header and wait for the page in that language."""
    page.click(f"button[name=language][value={language}]")
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator(f"button[name=language][value={language}]")).to_have_attribute(
        "aria-current", "true"
    )


def test_register_log_in_switch_language_log_out(page: Page):
    """Register, log out, log in again, switch to Russian and English, and log out."""
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "ky")

    account_nav(page).locator("a[href$='/account/register']").click()
    register(page)
    expect(page).to_have_url("/")
    expect(page.locator(".flash-success")).to_be_visible()
    expect(account_nav(page)).to_contain_text(NAME)

    log_out(page)
    account_nav(page).locator("a[href$='/account/login']").click()
    log_in(page, EMAIL, PASSWORD)
    expect(account_nav(page)).to_contain_text(NAME)

    # Not the home page: the switcher's fallback target, which would hide a lost `next`.
    page.locator(".main-nav a[href$='/practices/']").click()
    expect(page).to_have_url("/practices/")
    for language in ("ru", "en"):
        switch_language(page, language)
        expect(page).to_have_url("/practices/")
        expect(account_nav(page)).to_contain_text(NAME)

    log_out(page)


def test_log_in_without_javascript(new_page, make_user):
    """The login form and the header work with JavaScript switched off."""
    _id, email = make_user(name="Бакыт Токтогулов")
    page = new_page(java_script_enabled=False)
    page.goto("/account/login")
    log_in(page, email, TEST_PASSWORD)
    expect(account_nav(page)).to_contain_text("Бакыт Токтогулов")

"""Three languages: locale choice, the switcher, complete catalogs, local date formats."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from portal.config import LANGUAGES, PROJECT_ROOT
from tests.conftest import csrf_token, log_in, post_form

NAV_COURSES = {"ky": "Курстар", "ru": "Курсы", "en": "Courses"}


def page_language(html: str) -> str:
    return re.search(r'<html lang="([a-z]+)"', html).group(1)


def test_kyrgyz_is_the_default(app):
    html = app.test_client().get("/").get_data(as_text=True)
    assert page_language(html) == "ky"
    assert NAV_COURSES["ky"] in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_accept_language_picks_the_interface(app, language):
    client = app.test_client()
    html = client.get("/", headers={"Accept-Language": f"{language},de;q=0.5"}).get_data(
        as_text=True
    )
    assert page_language(html) == language
    assert f">{NAV_COURSES[language]}<" in html


def test_pages_differ_between_languages(app):
    client = app.test_client()
    pages = {
        language: client.get("/account/login", headers={"Accept-Language": language}).data
        for language in LANGUAGES
    }
    assert len(set(pages.values())) == 3


def test_switcher_keeps_the_page_and_remembers_the_choice(client):
    token = csrf_token(client, "/practices/?page=2")
    response = client.post(
        "/language", data={"csrf_token": token, "language": "ru", "next": "/practices/?page=2"}
    )
    assert response.status_code == 302
    assert response.location == "/practices/?page=2"
    assert page_language(client.get("/").get_data(as_text=True)) == "ru"


def test_switcher_refuses_unknown_languages_and_foreign_redirects(client):
    token = csrf_token(client)
    assert client.post("/language", data={"csrf_token": token, "language": "de"}).status_code == 400
    response = client.post(
        "/language",
        data={"csrf_token": token, "language": "en", "next": "https://evil.example/"},
    )
    assert response.location == "/"


def test_user_preference_beats_browser_and_is_updated_by_switcher(app, client, make_user):
    _id, email = make_user(language="ru")
    log_in(client, email)
    assert page_language(client.get("/").get_data(as_text=True)) == "ru"
    client.post("/language", data={"csrf_token": csrf_token(client), "language": "ky"})
    other_device = app.test_client()
    log_in(other_device, email)
    html = other_device.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert page_language(html) == "ky"


def test_dates_are_formatted_per_locale(client, make_user):
    _id, email = make_user(language="ru")
    log_in(client, email)
    html = client.get("/account/profile").get_data(as_text=True)
    month_names_ru = (
        "января",
        "февраля",
        "марта",
        "апреля",
        "мая",
        "июня",
        "июля",
        "августа",
        "сентября",
        "октября",
        "ноября",
        "декабря",
    )
    assert any(month in html for month in month_names_ru)


def test_error_pages_are_translated(app):
    client = app.test_client()
    titles = {
        language: client.get("/missing", headers={"Accept-Language": language}).data
        for language in LANGUAGES
    }
    assert "Страница не найдена".encode() in titles["ru"]
    assert b"Page not found" in titles["en"]
    assert len(set(titles.values())) == 3


def source_messages() -> set[str]:
    """Every msgid marked in the code and templates, as `flask translate extract` finds them."""
    with open(PROJECT_ROOT / "babel.cfg", encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None}
    found = extract_from_dir(str(PROJECT_ROOT), method_map, options_map, keywords=keywords)
    ignored = (".venv", "tests", "test-artifacts")
    messages = set()
    for filename, _lineno, message, _comments, _context in found:
        if Path(filename).parts[0] in ignored:
            continue
        messages.add(message[0] if isinstance(message, tuple) else message)
    return messages


@pytest.fixture(scope="module")
def catalogs():
    """The three catalogs as Babel reads them."""
    result = {}
    for language in LANGUAGES:
        path = PROJECT_ROOT / "translations" / language / "LC_MESSAGES" / "messages.po"
        with open(path, "rb") as po_file:
            result[language] = read_po(po_file, locale=language)
    return result


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_is_complete(catalogs, language):
    catalog = catalogs[language]
    in_catalog = {
        message.id[0] if isinstance(message.id, tuple) else message.id
        for message in catalog
        if message.id
    }
    missing = source_messages() - in_catalog
    assert not missing, f"{language}: run `flask translate update`; missing {sorted(missing)[:5]}"
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"{language}: untranslated {message.id!r}"
        assert not message.fuzzy, f"{language}: fuzzy {message.id!r}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_their_placeholders(catalogs, language):
    placeholder = re.compile(r"%\(\w+\)[sd]")
    for message in catalogs[language]:
        if not message.id:
            continue
        source = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set(placeholder.findall(source[-1]))
        for translated in strings:
            assert set(placeholder.findall(translated)) <= expected | set(
                placeholder.findall(source[0])
            ), f"{language}: {message.id!r}"
            assert expected - {"%(num)d", "%(count)d"} <= set(placeholder.findall(translated)), (
                f"{language}: {message.id!r} lost a placeholder"
            )


def test_messages_after_login_speak_the_accounts_language(app, make_user):
    _id, email = make_user(language="ru")
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "ky"
    response = post_form(
        client, "/account/login", {"email": email, "password": "correct horse battery"}
    )
    assert response.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert page_language(page) == "ru" and "Вы вошли в систему." in page
    logout = client.post("/account/logout", data={"csrf_token": csrf_token(client)})
    assert logout.status_code == 302
    assert page_language(client.get("/").get_data(as_text=True)) == "ru"

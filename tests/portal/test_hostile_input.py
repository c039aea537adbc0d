"""Garbage in every form field gives a 4xx or a redirect with a message, never a 500."""

import pytest

from portal.models import Role
from tests.conftest import csrf_token

NASTY_VALUES = [
    "",
    " ",
    "x" * 10_000,
    "\x00\x01\x1b[31m",
    "line\r\nInjected-Header: yes",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "ӨҮҢ өүң ѳ ё",
    "-1",
    "99999999999999999999999",
    "1.5",
    "\ud800".encode("utf-8", "surrogatepass").decode("utf-8", "replace"),
]

FORMS = {
    "/account/register": [
        "name",
        "email",
        "password",
        "confirm",
        "region",
        "district",
        "municipality",
        "position",
        "gender",
        "language",
    ],
    "/account/login": ["email", "password", "remember"],
    "/account/reset": ["email"],
    "/account/reset/some-token": ["password", "confirm"],
    "/language": ["language", "next"],
}
LOGGED_IN_FORMS = {
    "/account/profile": FORMS["/account/register"][:1] + FORMS["/account/register"][4:],
    "/account/password": ["current_password", "password", "confirm"],
    "/admin/users/1": ["role", "active", "unlock"],
}


def send_garbage(client, path, fields):
    for value in NASTY_VALUES:
        data = {field: value for field in fields} | {"csrf_token": csrf_token(client)}
        status = client.post(path, data=data).status_code
        assert status < 500, (path, value)
        assert status in {200, 302, 400, 404, 413, 422}, (path, value, status)


@pytest.mark.parametrize("path", FORMS)
def test_anonymous_forms_survive_garbage(client, path):
    send_garbage(client, path, FORMS[path])


@pytest.mark.parametrize("path", LOGGED_IN_FORMS)
def test_logged_in_forms_survive_garbage(client, login_as, path):
    login_as(Role.ADMIN)
    send_garbage(client, path, LOGGED_IN_FORMS[path])


def test_query_strings_survive_garbage(client, login_as):
    login_as(Role.ADMIN)
    for value in NASTY_VALUES:
        for path in ("/search", "/admin/users"):
            for parameter in ("q", "role", "page", "per_page"):
                status = client.get(path, query_string={parameter: value}).status_code
                assert status in {200, 400, 404}, (path, parameter, value)

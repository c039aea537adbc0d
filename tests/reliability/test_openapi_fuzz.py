"""Schemathesis against /api/openapi.json, through the WSGI app: every operation of the public
API gets generated valid and invalid parameters, and each answer must be no 5xx and must
match what the description promises (status codes, content type, headers, body schema).

The run is reproducible (derandomized); FUZZ_EXAMPLES raises the examples per operation. The
operations are driven through schemathesis's Python API: its pytest integration
(`schemathesis.pytest.from_fixture`) does not run under pytest 9.
"""

import json
import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from portal.models import Role
from tests.portal.test_access import make_samples

pytestmark = pytest.mark.fuzz

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12")) * 5
PLAIN = {"Accept-Encoding": "identity"}
#: No 5xx, and every answer as described: a documented status code and content type, the
#: documented headers and a body that matches its schema. Not checked: that every value the
#: schema allows is accepted and every other refused. The API is lenient on purpose (a page
#: below 1 shows the first page, an unknown topic finds nothing) and refuses a few values the
#: schema cannot express (a NUL character, pages past the 500th result) with a documented 400.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
DESCRIPTION = os.path.join(os.path.dirname(__file__), "../../portal/data/openapi.json")


def operations() -> list[tuple[str, str, GenerationMode]]:
    """(method, path, mode) for every operation the API description lists: valid parameters,
    and invalid ones where there is a query parameter to spoil (any text is a valid slug)."""
    with open(DESCRIPTION, encoding="utf-8") as file:
        paths = json.load(file)["paths"]
    found = []
    for path, item in paths.items():
        for method, operation in item.items():
            found.append((method.upper(), path, GenerationMode.POSITIVE))
            if any(parameter["in"] == "query" for parameter in operation.get("parameters", [])):
                found.append((method.upper(), path, GenerationMode.NEGATIVE))
    return found


@pytest.fixture
def api_schema(app, make_user, make_practice):
    """The API description as the running app serves it, with content to list and show."""
    owner_id = make_user(Role.TRAINER)[0]
    make_samples(app, make_practice, owner_id)
    make_practice("second", status="published", author_id=owner_id)
    # Fetched with the suite's closing client (schemathesis.openapi.from_wsgi leaves the
    # served file open); the loaded schema then calls the same WSGI app.
    with app.test_client().get("/api/openapi.json") as response:
        assert response.status_code == 200
        loaded = schemathesis.openapi.from_dict(response.get_json())
    loaded.app = app
    return loaded


@pytest.mark.parametrize(("method", "path", "mode"), operations())
def test_the_api_answers_as_described(api_schema, method, path, mode):
    operation = api_schema[path][method]
    calls = []

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def check(case):
        # The WSGI transport does not decompress: ask for plain bodies.
        response = case.call_and_validate(headers=PLAIN, checks=CHECKS)
        calls.append(response.status_code)

    check()
    assert calls, "no request was sent"

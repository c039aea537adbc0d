"""Hostile values in every form and query string: never a 500, never a logged exception.

Every route of app.url_map is visited by each role: an anonymous visitor, a learner and an
admin, each owning the sample content, and a trainer ("intruder") who replays what the admin's
pages offered against the admin's objects, by their real ids. The forms and links of the pages
found give each route's field and parameter names, and hypothesis sends generated values to
each (with a valid CSRF token): control characters, huge and unicode text, numbers out of
range, missing and duplicated fields, ids of other objects and hostile file names.

The run is reproducible: each form or route has its own fixed seed. The default run sends more
than 10,000 values (each role asserts its share and prints its count). For a longer random run
set FUZZ_SEED (any integer: a new set of inputs) and FUZZ_EXAMPLES (examples per form or route,
default 12), e.g. `FUZZ_SEED=$RANDOM FUZZ_EXAMPLES=100 .venv/bin/pytest tests/reliability -m fuzz`.
"""

import logging
import os
import random
import zlib
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from flask_babel import force_locale
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from markupsafe import escape
from werkzeug.datastructures import MultiDict

from portal.models import Role
from tests.conftest import csrf_token, log_in
from tests.portal.test_access import make_samples
from tests.reliability.pages import PageForm, parse_page, query_names
from tests.reliability.site import endpoint_of, sample_url
from tests.reliability.strategies import (
    COMMON_NAMES,
    field_values,
    hostile_values,
    names,
    uploads,
)

pytestmark = pytest.mark.fuzz

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))
BASE_SEED = int(os.environ.get("FUZZ_SEED", "0"))
INTRUDER = "intruder"
#: Generated values (fields and parameters) each role must send at the default EXAMPLES.
MIN_INPUTS = {"anonymous": 800, Role.LEARNER: 1_200, Role.ADMIN: 4_000, INTRUDER: 4_000}
assert sum(MIN_INPUTS.values()) >= 10_000, "the issue asks for 10,000 generated inputs a run"
MAX_PAGES = 150
#: Forms that remove the samples other forms need, then the one that ends the session: last.
FUZZ_ORDER = ("delete", "logout")
LANGUAGES = st.sampled_from(["ky", "ru", "en", "ky-KG,ru;q=0.8", "", "xx", "*;q=abc", "ӨҮ"])


@dataclass
class FuzzReport:
    """What a run sent and what went wrong."""

    role: str = ""
    inputs: int = 0
    requests: int = 0
    csrf_refusals: int = 0
    csrf_texts: list[str] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)


class ExceptionLog(logging.Handler):
    """Keep every log record that carries an exception (or says the search index broke)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        """Remember the record if it reports an exception or a broken search index."""
        if record.exc_info or record.name.startswith("portal.search"):
            self.records.append(record)


@pytest.fixture
def exception_log(app):
    """Every logged exception during the test, whichever logger (app, library) logged it."""
    handler = ExceptionLog()
    root = logging.getLogger()
    root.addHandler(handler)
    yield handler
    root.removeHandler(handler)


@dataclass
class Site:
    """What crawling the portal as one role found: pages per GET route, forms, parameters."""

    get_urls: dict[str, str] = field(default_factory=dict)
    parameters: dict[str, set[str]] = field(default_factory=dict)
    forms: dict[tuple, PageForm] = field(default_factory=dict)


def crawl(app, client, logged_in: bool) -> Site:
    """Visit every GET route, then the links found, and collect forms and parameter names;
    POST routes without a form on any page are added for logged-in users."""
    site = Site()
    with app.test_request_context():
        rules = list(app.url_map.iter_rules())
        queue = [sample_url(rule) for rule in rules if "GET" in rule.methods]
        post_only = {rule.endpoint: sample_url(rule) for rule in rules if "GET" not in rule.methods}
    seen: set[str] = set()
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        endpoint = endpoint_of(app, url)
        path = urlsplit(url).path
        if endpoint is None or path in seen or endpoint == "static" or "logout" in endpoint:
            continue
        seen.add(path)
        response = client.get(url)
        if "/account/login" not in (response.location or ""):
            site.get_urls.setdefault(endpoint, path)
        if response.mimetype == "text/html" and response.status_code == 200:
            queue.extend(learn_from_page(app, site, url, response.get_data(as_text=True)))
    for endpoint, url in post_only.items() if logged_in else ():
        if not any(
            endpoint_of(app, form.action, "POST") == endpoint for form in site.forms.values()
        ):
            site.forms[("POST", url, ())] = PageForm(url, "POST")
    return site


def learn_from_page(app, site: Site, url: str, html: str) -> list[str]:
    """Record the page's forms and query parameter names; return the links to visit."""
    parsed = parse_page(url, html)
    for link in parsed.links:
        endpoint = endpoint_of(app, link)
        if endpoint:
            site.parameters.setdefault(endpoint, set()).update(query_names(link))
    for form in parsed.forms:
        if form.method == "GET":
            endpoint = endpoint_of(app, form.action)
            if endpoint:
                site.parameters.setdefault(endpoint, set()).update(form.fields)
        elif endpoint_of(app, form.action, "POST"):
            site.forms.setdefault(form.signature, form)
    return parsed.links


@st.composite
def form_submissions(draw, form: PageForm) -> list[tuple[str, object]]:
    """(name, value) pairs for a form: its fields, sometimes missing or repeated, plus extras."""
    pairs: list[tuple[str, object]] = []
    for control in form.fields.values():
        if control.name.endswith("csrf_token"):
            continue
        if control.kind == "file":
            if draw(st.booleans()):
                pairs.append((control.name, draw(uploads())))
        else:
            pairs.extend((control.name, value) for value in draw(field_values(control)))
    extras = draw(st.lists(st.tuples(names, hostile_values), max_size=2))
    return pairs + extras


@st.composite
def query_strings(draw, known: list[str]) -> list[tuple[str, str]]:
    """(name, value) pairs for a query string: known names, repeated names, random names."""
    chosen = draw(st.lists(st.sampled_from(known), min_size=1, max_size=4)) if known else []
    extras = draw(st.lists(names, max_size=2))
    return [(name, draw(hostile_values)) for name in chosen + extras]


def run_examples(report: FuzzReport, label: str, strategy, send) -> None:
    """Send `EXAMPLES` generated inputs through `send`; record a failure instead of raising."""

    @seed(BASE_SEED + zlib.crc32(f"{report.role} {label}".encode()))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy, LANGUAGES)
    def example(pairs, language):
        # Hypothesis seeds the global `random` identically before every example. Whoosh names
        # each new index segment from it, so two examples that both write would create
        # segments of the same name, and the second commit fails an assertion (the index is
        # then rebuilt and a warning logged). A real process never reseeds `random`; give each
        # example fresh entropy as a process would have. The inputs come from hypothesis's own
        # generator and stay reproducible.
        random.seed()
        send(pairs, language)

    try:
        example()
    except Exception as error:  # noqa: BLE001 - report every failing route, not only the first
        report.failures.append(f"{label}: {error}")


def csrf_messages(app) -> list[str]:
    """The CSRF refusal as each language's error page shows it."""
    from portal.errors import CSRF_MESSAGE

    messages = []
    with app.test_request_context():
        for language in ("ky", "ru", "en"):
            with force_locale(language):
                messages.append(str(escape(str(CSRF_MESSAGE))))
    return messages


def checked_sender(report: FuzzReport, exception_log: ExceptionLog, label: str, request):
    """A `send(pairs, language)` that counts inputs and fails on 5xx or a logged exception."""

    def send(pairs, language):
        exception_log.records.clear()
        response = request(pairs, {"Accept-Language": language})
        report.inputs += len(pairs)
        report.requests += 1
        report.statuses[response.status_code] += 1
        if response.status_code == 400:
            body = response.get_data(as_text=True)
            # Only the logout form may be refused: its first example ended the session.
            refused = any(text in body for text in report.csrf_texts)
            report.csrf_refusals += refused and "logout" not in label
        assert response.status_code < 500, (label, response.status_code)
        assert not exception_log.records, exception_log.records[0].getMessage()

    return send


def fuzz_queries(client, site: Site, report: FuzzReport, exception_log: ExceptionLog) -> None:
    """Generated query strings on every GET route found."""
    for endpoint, path in sorted(site.get_urls.items()):
        known = sorted(site.parameters.get(endpoint, set()) | set(COMMON_NAMES))

        def request(pairs, headers, path=path):
            return client.get(path, query_string=pairs, headers=headers)

        label = f"GET {path}"
        send = checked_sender(report, exception_log, label, request)
        run_examples(report, label, query_strings(known), send)


def fuzz_forms(client, site: Site, report: FuzzReport, exception_log: ExceptionLog) -> None:
    """Generated submissions of every POST form found, the session-ending ones last."""
    token = csrf_token(client)
    forms = sorted(site.forms.values(), key=lambda form: (fuzz_rank(form), form.action))
    for form in forms:
        path = urlsplit(form.action).path

        def request(pairs, headers, path=path, form=form):
            tokens = [(name, token) for name in form.fields if name.endswith("csrf_token")]
            data = MultiDict([*(tokens or [("csrf_token", token)]), *pairs])
            return client.post(path, data=data, headers=headers)

        label = f"POST {path} {sorted(form.fields)}"
        send = checked_sender(report, exception_log, label, request)
        run_examples(report, label, form_submissions(form), send)


def fuzz_rank(form: PageForm) -> int:
    """0 for most forms; higher for those that delete samples or end the session."""
    path = urlsplit(form.action).path
    return max((rank for rank, word in enumerate(FUZZ_ORDER, 1) if word in path), default=0)


def intruder_client(app, make_user):
    """A second browser, logged in as a trainer who owns nothing and reviews nothing."""
    intruder = app.test_client()
    intruder.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    log_in(intruder, make_user(Role.TRAINER)[1])
    return intruder


@pytest.mark.parametrize("role", list(MIN_INPUTS))
def test_hostile_values_never_cause_a_server_error(
    app, client, make_user, login_as, make_practice, exception_log, role
):
    make_user(Role.LEARNER)  # user 1, the sample for admin.edit_user
    owner_role = Role.ADMIN if role == INTRUDER else role
    owner_id = login_as(owner_role)[0] if role != "anonymous" else None
    make_samples(app, make_practice, owner_id)
    site = crawl(app, client, logged_in=role != "anonymous")
    if role == INTRUDER:
        # The admin's pages were crawled; a trainer now sends everything they offered, so
        # every id in those URLs and forms is another user's object.
        client = intruder_client(app, make_user)
    report = FuzzReport(role=str(role), csrf_texts=csrf_messages(app))
    fuzz_queries(client, site, report, exception_log)
    fuzz_forms(client, site, report, exception_log)
    print(f"\n{role}: {report.requests} requests, {report.inputs} inputs, {report.statuses}")
    assert not report.failures, "\n\n".join(report.failures)
    assert report.csrf_refusals == 0, "every form was sent with a valid token"
    if EXAMPLES >= 12:
        assert report.inputs >= MIN_INPUTS[role], (role, report.inputs)

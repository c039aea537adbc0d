"""Every payload of xss_payloads.txt in every user-authored field, rendered in Chromium:
no script runs, and no payload leaves markup that could run one.

The sample world (tests/reliability/world.py) gets clones, learners, certificates, files,
replications and logged searches, and every text column anyone can type into is filled with
the corpus: columns without a length limit get all of it, shorter ones a share per row, with
enough rows that every payload that fits is stored (asserted from the database). Values are
written past the forms, so nothing but the output escaping stands between them and the page.

An admin's browser then opens every page kind the crawl finds (a few of each, and every page
that alone shows some rows), every form sent back with the corpus in each text field (how
a refused form shows what was typed), and every route with query parameters set to the corpus.
The browser context bypasses the Content-Security-Policy, which would otherwise hide an
escaping bug: the policy is the second line of defence, escaping the first.
"""

import random
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from sqlalchemy import String, Text, select

from courses.models import (
    Certificate,
    ChoiceTranslation,
    Course,
    CourseTranslation,
    Lesson,
    LessonFile,
    LessonTranslation,
    QuestionTranslation,
    Section,
    SectionTranslation,
)
from courses.services.certificates import new_code
from courses.services.progress import enrol
from portal.extensions import db
from portal.models import Role, Topic, User, utcnow
from portal.search.models import SearchQuery
from portal.uploads.models import StoredFile
from practices.models import (
    Collection,
    CollectionTranslation,
    Practice,
    PracticeAttachment,
    PracticeRevision,
    Replication,
)
from tests.browser.test_library_flow import log_in
from tests.conftest import csrf_token
from tests.conftest import log_in as log_in_client
from tests.reliability.pages import parse_page, query_names
from tests.reliability.site import endpoint_of, sample_url
from tests.reliability.world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.fuzz]

PAYLOADS = [
    line
    for line in Path(__file__).with_name("xss_payloads.txt").read_text("utf-8").splitlines()
    if line.strip() not in ("", "#") and not line.startswith("# ")
]
#: Columns people type into that the test fills, with the rows it writes them to.
AUTHORED = {
    "course.organisation",
    "course_certificate.learner_name",
    "course_certificate.course_title",
    "course_certificate.organisation",
    "course_certificate.revoked_reason",
    "course_choice_translation.text",
    "course_choice_translation.feedback",
    "course_lesson.video_url",
    "course_lesson_file.title",
    "course_lesson_translation.title",
    "course_lesson_translation.body",
    "course_question_translation.text",
    "course_question_translation.explanation",
    "course_section_translation.title",
    "course_translation.title",
    "course_translation.summary",
    "course_translation.description",
    "practice.municipality",
    "practice.contact_organisation",
    "practice.contact_person",
    "practice.contact_phone",
    "practice.partners",
    "practice.review_comment",
    "practice_attachment.title",
    "practice_collection_translation.title",
    "practice_collection_translation.introduction",
    "practice_replication.municipality",
    "practice_replication.note",
    "practice_revision.comment",
    "practice_translation.title",
    "practice_translation.summary",
    "practice_translation.problem",
    "practice_translation.actions",
    "practice_translation.results",
    "practice_translation.lessons",
    "practice_translation.body",
    "search_query.text",
    "stored_file.text",
    "user_account.name",
    "user_account.municipality",
    "user_account.position",
}
#: Text columns no one types free text into: codes, states, hashes, reference data, and
#: addresses that must validate as e-mail addresses.
NOT_AUTHORED = {
    "audit_event.action",
    "course.slug",
    "course.status",
    "course.enrolment",
    "course_certificate.code",
    "course_certificate.language",
    "course_choice_translation.language",
    "course_lesson.key",
    "course_lesson.kind",
    "course_lesson.attempt_policy",
    "course_lesson_translation.language",
    "course_question.key",
    "course_question.kind",
    "course_question_translation.language",
    "course_quiz_attempt.language",
    "course_section.key",
    "course_section_translation.language",
    "course_translation.language",
    "district.code",
    "district.name_ky",
    "district.name_ru",
    "district.name_en",
    "practice.slug",
    "practice.status",
    "practice.contact_email",
    "practice.budget_source",
    "practice_collection.slug",
    "practice_collection_translation.language",
    "practice_revision.action",
    "practice_translation.language",
    "region.code",
    "region.name_ky",
    "region.name_ru",
    "region.name_en",
    "search_changelog.kind",
    "search_query.language",
    "search_query.source",
    "stored_file.sha256",
    "stored_file.content_type",
    "stored_file.extension",
    "stored_file.kind",
    "stored_file_variant.extension",
    "stored_file_variant.sha256",
    "topic.code",
    "topic.name_ky",
    "topic.name_ru",
    "topic.name_en",
    "user_account.email",
    "user_account.password_hash",
    "user_account.role",
    "user_account.gender",
    "user_account.language",
    "user_account.session_token",
}
#: A web address must start with https://; the payloads ride in its fragment.
URL_PREFIX = "https://example.kg/#"
#: Columns too short for a share of every payload on the rows there are (one per practice).
PARTLY_COVERED = {"practice.contact_phone"}
PRACTICES, COURSES, LEARNERS = 34, 27, 45
#: Pages of one endpoint opened in the browser, beyond those the world asks for.
PER_ENDPOINT = 2
#: Tabs that render at once (the server answers one while the others lay out).
TABS = 3
TEMPLATE_RESULTS = ("823543", "tplXXX", "SECRET_KEY", "<class '")
#: Text of the payloads that survives HTML escaping but not URL encoding: a page that
#: contains none of it shows nothing that was sent, except inside addresses.
TRACES = ("alert(", "alert`", "__xss=", "*117649", "msgbox(")

#: Runs before any page script: payloads that run anything leave a mark.
HOOKS = """
window.__xss = 0;
for (const name of ["alert", "confirm", "prompt", "print"]) {
  window[name] = () => { window.__xss += 1; };
}
"""
#: What an injected payload would leave in the DOM, whether or not it ran.
INSPECT = """
(results) => {
  const problems = [];
  if (window.__xss) problems.push(`a payload ran (window.__xss = ${window.__xss})`);
  const urlNames = ["href", "src", "action", "formaction", "xlink:href", "data", "poster",
                    "background", "ping", "lowsrc", "dynsrc", "srcset"];
  const foreign = ["IFRAME", "FRAME", "FRAMESET", "OBJECT", "EMBED", "APPLET", "BASE"];
  for (const el of document.querySelectorAll("*")) {
    const tag = el.tagName.toUpperCase();
    if (foreign.includes(tag)) problems.push(`<${tag.toLowerCase()}> element`);
    if (tag === "SCRIPT" && !el.src && !/json/.test(el.type)) {
      problems.push(`inline <script>: ${el.textContent.slice(0, 80)}`);
    }
    if (tag === "SCRIPT" && el.src && new URL(el.src).origin !== location.origin) {
      problems.push(`<script src=${el.src.slice(0, 60)}>`);
    }
    if (tag === "META" && /refresh/i.test(el.httpEquiv)) problems.push("<meta refresh>");
    for (const attribute of el.attributes) {
      const name = attribute.name.toLowerCase();
      if (name.startsWith("on")) problems.push(`${name} on <${tag.toLowerCase()}>`);
      if (name === "srcdoc") problems.push(`srcdoc on <${tag.toLowerCase()}>`);
      if (!urlNames.includes(name)) continue;
      let scheme;
      try { scheme = new URL(attribute.value, location.href).protocol; } catch { continue; }
      if (scheme === "javascript:" || scheme === "vbscript:" ||
          (scheme === "data:" && !["IMG", "SOURCE", "LINK"].includes(tag))) {
        problems.push(`${name}=${attribute.value.slice(0, 60)} on <${tag.toLowerCase()}>`);
      }
    }
  }
  const text = document.body ? document.body.textContent : "";
  for (const result of results) {
    if (text.includes(result)) problems.push(`a template was evaluated: ${result}`);
  }
  return problems;
}
"""


class Corpus:
    """The payloads in shares that fit a column: each share a mix of kinds of payload."""

    def __init__(self, payloads: list[str]) -> None:
        self.payloads = payloads
        self._shares: dict[int, list[str]] = {}
        self._used: Counter = Counter()

    @property
    def whole(self) -> str:
        """Every payload, each in its own paragraph (Markdown needs some at a line start)."""
        return "\n\n".join(self.payloads)

    def shares(self, limit: int, payloads: list[str] | None = None) -> list[str]:
        """The payloads that fit `limit` characters, packed into as few values as possible."""
        if payloads is None and limit in self._shares:
            return self._shares[limit]
        fitting = [payload for payload in payloads or self.payloads if len(payload) <= limit]
        random.Random(limit).shuffle(fitting)  # the same mix every run
        packed: list[str] = []
        for payload in sorted(fitting, key=len, reverse=True):  # first fit, longest first
            for index, value in enumerate(packed):
                if len(value) + 1 + len(payload) <= limit:
                    packed[index] = f"{value} {payload}"
                    break
            else:
                packed.append(payload)
        if payloads is None:
            self._shares[limit] = packed
        return packed

    def next(self, column: str, limit: int) -> str:
        """The next share for a row of `column`: rows take the shares in turn."""
        shares = self.shares(limit)
        value = shares[self._used[column] % len(shares)]
        self._used[column] += 1
        return value

    def url(self, number: int) -> str:
        """A web address whose fragment carries payloads without spaces."""
        solid = [payload for payload in self.payloads if not re.search(r"\s", payload)]
        shares = self.shares(500 - len(URL_PREFIX), [p.replace(" ", "") for p in solid])
        return URL_PREFIX + shares[number % len(shares)].replace(" ", "")


def text_columns() -> dict[str, int | None]:
    """Every String and Text column of the schema, with its length (None: unlimited)."""
    return {
        f"{table.name}.{column.name}": getattr(column.type, "length", None)
        for table in db.metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, String | Text)
    }


@dataclass
class World:
    """What the browser must open besides what the crawl finds."""

    pages: list[str] = field(default_factory=list)


def fill_world(app, corpus: Corpus, admin_id: int) -> World:
    """Clones, learners and rows enough for every column to hold every payload."""
    world = World()
    with app.app_context():
        limits = text_columns()
        value = lambda column: corpus.next(column, limits[column])  # noqa: E731
        admin = db.session.get(User, admin_id)
        sample_course = db.session.scalars(select(Course).filter_by(slug="sample-course")).one()
        sample_file = db.session.scalars(select(StoredFile)).first()
        topic = db.session.scalars(select(Topic)).first()
        add_practices(corpus, value, admin, sample_file, world)
        add_courses(corpus, value, admin, topic, world)
        add_learners(value, sample_course, world)
        add_collections(corpus, value, admin)
        for lesson_file_number in range(PRACTICES):
            lesson = sample_course.sections[0].lessons[0]
            lesson.files.append(
                LessonFile(
                    stored_file=sample_file,
                    title=value("course_lesson_file.title"),
                    position=10 + lesson_file_number,
                )
            )
        for _number in range(PRACTICES):
            db.session.add(
                SearchQuery(
                    text=value("search_query.text"), language="ky", results=0, duration_ms=3
                )
            )
        fill_whole_columns(corpus)
        db.session.commit()
        from portal.search import engine

        engine.rebuild()
    world.pages += [
        "/courses/sample-course/lessons/3",
        "/courses/sample-course/lessons/3/attempts/1",
        "/courses/sample-course/lessons/1",
        "/courses/sample-course/learners",
        "/courses/sample-course/report",
        "/practices/?per_page=50",
        "/practices/mine",
        "/practices/review",
        "/practices/collections/",
        "/courses/",
        "/courses/manage",
        "/courses/mine",
        "/admin/users?per_page=100",
        "/reports/",
        *(f"/search?q={word}" for word in ("alert", "script", "onerror", "javascript", "svg")),
    ]
    return world


def add_practices(corpus: Corpus, value, admin: User, stored: StoredFile, world: World) -> None:
    """Published and returned practices, each with an attachment and an applied note."""
    from practices.services import save_practice
    from tests.conftest import practice_record

    for number in range(PRACTICES):
        translations = {
            language: {
                "title": value("practice_translation.title"),
                "summary": value("practice_translation.summary"),
                **dict.fromkeys(("problem", "actions", "results", "lessons", "body"), corpus.whole),
            }
            for language in ("ky", "ru", "en")
        }
        contact = {
            "organisation": value("practice.contact_organisation"),
            "person": value("practice.contact_person"),
            "phone": value("practice.contact_phone"),
            "email": "info@example.kg",
        }
        returned = number % 5 == 4  # a draft with the reviewer's comment
        record = practice_record(
            f"xss-{number}",
            municipality=value("practice.municipality"),
            contact=contact,
            partners=corpus.whole,
            translations=translations,
            status="draft" if returned else "published",
        )
        practice = Practice(author_id=admin.id)
        save_practice(practice, record, admin, "imported")
        practice.review_comment = corpus.whole if returned else ""
        practice.attachments.append(
            PracticeAttachment(stored_file=stored, title=value("practice_attachment.title"))
        )
        world.pages.append(f"/practices/xss-{number}")
    db.session.flush()


def add_courses(corpus: Corpus, value, admin: User, topic: Topic, world: World) -> None:
    """Published courses, each with a section and a video lesson linked by address."""
    for number in range(COURSES):
        course = Course(
            slug=f"xss-course-{number}",
            status="published",
            author_id=admin.id,
            organisation=value("course.organisation"),
            published_at=utcnow(),
        )
        course.topics = [topic]
        course.translations = [
            CourseTranslation(
                language=language,
                title=value("course_translation.title"),
                summary=value("course_translation.summary"),
                description=corpus.whole,
            )
            for language in ("ky", "ru")
        ]
        section = Section(key="part", position=0)
        section.translations = [
            SectionTranslation(language="ky", title=value("course_section_translation.title"))
        ]
        lesson = Lesson(key="watch", position=0, kind="video", video_url=corpus.url(number))
        lesson.translations = [
            LessonTranslation(
                language="ky", title=value("course_lesson_translation.title"), body=corpus.whole
            )
        ]
        lesson.course = course
        section.lessons = [lesson]
        course.sections = [section]
        db.session.add(course)
        db.session.flush()
        enrol(admin, course)
        world.pages.append(f"/courses/xss-course-{number}")
        if number < 3:
            world.pages.append(f"/courses/xss-course-{number}/lessons/{lesson.id}")


def add_learners(value, course: Course, world: World) -> None:
    """Learners with hostile names, enrolled, each with a certificate (some revoked)."""
    from portal.auth.services import create_user

    for number in range(LEARNERS):
        learner = create_user(
            f"xss-learner-{number}@example.kg",
            "correct horse battery",
            value("user_account.name"),
            role=Role.LEARNER,
            language="ky",
        )
        learner.municipality = value("user_account.municipality")
        learner.position = value("user_account.position")
        enrol(learner, course)
        revoked = number % 2 == 1
        certificate = Certificate(
            code=new_code(),
            user_id=learner.id,
            course_id=course.id,
            learner_name=learner.name,
            course_title=value("course_certificate.course_title"),
            organisation=value("course_certificate.organisation"),
            language="ky",
            hours=2,
            revoked_at=utcnow() if revoked else None,
            revoked_reason=value("course_certificate.revoked_reason") if revoked else "",
        )
        db.session.add(certificate)
        if number < PRACTICES:
            practice = db.session.scalars(select(Practice).filter_by(slug="sample")).one()
            db.session.add(
                Replication(
                    practice_id=practice.id,
                    user_id=learner.id,
                    municipality=value("practice_replication.municipality"),
                    note=value("practice_replication.note"),
                )
            )
        world.pages.append(f"/certificates/{certificate.code}")
        if number < 2:
            world.pages.append(f"/admin/users/{learner.id}")


def add_collections(corpus: Corpus, value, admin: User) -> None:
    """Collections whose titles hold the corpus; their introductions hold all of it."""
    practices = db.session.scalars(select(Practice).filter_by(status="published")).all()
    for number in range(COURSES):
        collection = Collection(slug=f"xss-collection-{number}", owner_id=admin.id)
        collection.translations = [
            CollectionTranslation(
                language=language,
                title=value("practice_collection_translation.title"),
                introduction=corpus.whole,
            )
            for language in ("ky", "ru")
        ]
        db.session.add(collection)
        db.session.flush()
        from practices.models import CollectionItem

        for position, practice in enumerate(practices[:3]):
            db.session.add(
                CollectionItem(
                    collection_id=collection.id, practice_id=practice.id, position=position
                )
            )


def fill_whole_columns(corpus: Corpus) -> None:
    """Unlimited columns of rows the sample world made: every one holds the whole corpus."""
    for model, columns in (
        (QuestionTranslation, ("text", "explanation")),
        (ChoiceTranslation, ("text", "feedback")),
        (LessonTranslation, ("body",)),
        (PracticeRevision, ("comment",)),
        (StoredFile, ("text",)),
    ):
        for row in db.session.scalars(select(model)):
            for column in columns:
                setattr(row, column, corpus.whole)


def assert_every_payload_is_stored(app, corpus: Corpus) -> None:
    """Each authored column holds each payload that fits it, on some row."""
    with app.app_context():
        columns = text_columns()
        unclassified = columns.keys() - AUTHORED - NOT_AUTHORED
        assert not unclassified, f"classify these text columns in test_xss: {unclassified}"
        missing = {}
        for name in sorted(AUTHORED):
            table, column = name.split(".")
            values = [
                text or ""
                for text in db.session.execute(
                    select(db.metadata.tables[table].c[column])
                ).scalars()
            ]
            stored = "\n".join(values)
            limit = columns[name] or 10**9
            if name == "course_lesson.video_url":
                wanted = [
                    p.replace(" ", "")
                    for p in corpus.payloads
                    if not re.search(r"\s", p) and len(p) <= limit - len(URL_PREFIX)
                ]
            else:
                wanted = [p for p in corpus.payloads if len(p) <= limit]
            absent = [p for p in wanted if p.strip() not in stored]  # fields are trimmed
            if name in PARTLY_COVERED:
                assert len(wanted) - len(absent) >= len(values), name
            elif absent:
                missing[name] = absent[:3]
        assert not missing, f"payloads not stored: {missing}"


def crawl(app, client, must: list[str]) -> tuple[list[str], list, dict[str, set[str]]]:
    """HTML pages to open (`must`, then a few of every page kind), the POST forms found,
    and each GET endpoint's query parameter names with one of its pages."""
    with app.test_request_context():
        seeds = [sample_url(rule) for rule in app.url_map.iter_rules() if "GET" in rule.methods]
    queue, seen, pages = list(must) + seeds, set(), []
    tried: Counter = Counter()
    html_endpoints: set[str] = set()
    forms: dict[tuple, object] = {}
    parameters: dict[str, tuple[str, set[str]]] = {}
    while queue:
        url = queue.pop(0)
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        endpoint = endpoint_of(app, url)
        if endpoint in (None, "static", "auth.logout") or path in seen:
            continue
        seen.add(path)
        if url not in must and tried[endpoint] >= PER_ENDPOINT:
            continue
        tried[endpoint] += 1
        with client.get(path) as response:
            ok = response.status_code == 200 and response.mimetype == "text/html"
            ok = ok and "attachment" not in response.headers.get("Content-Disposition", "")
            html = response.get_data().decode("utf-8", "replace")
        if not ok:
            continue
        html_endpoints.add(endpoint)
        pages.append(path)
        parsed = parse_page(f"http://localhost{path}", html)
        parameters.setdefault(endpoint, (parts.path, set()))
        for link in parsed.links:
            linked = endpoint_of(app, link)
            if linked:
                parameters.setdefault(linked, (urlsplit(link).path, set()))[1].update(
                    query_names(link)
                )
        for form in parsed.forms:
            target = endpoint_of(app, form.action, form.method)
            if target and form.method == "GET":
                named = parameters.setdefault(target, (urlsplit(form.action).path, set()))
                named[1].update(name for name in form.fields if name != "csrf_token")
            elif target:
                forms.setdefault((target, form.signature[2]), form)
        queue.extend(parsed.links)
    named = {
        endpoint: value
        for endpoint, value in parameters.items()
        if value[1] and endpoint in html_endpoints
    }
    return pages, list(forms.values()), named


TEXT_KINDS = {"text", "textarea", "search", "email", "url", "tel", "number"}


def send_back(client, forms, corpus: Corpus) -> list[str]:
    """Each form sent with the corpus in every text field; the HTML pages that came back."""
    token = csrf_token(client)
    returned = []
    for form in forms:
        texts = [f for f in form.fields.values() if f.kind in TEXT_KINDS]
        path = urlsplit(form.action).path
        if not texts or re.search(r"/(delete|logout|remove)\b", path):
            continue
        data = {name: token for name in form.fields if name.endswith("csrf_token")}
        data.setdefault("csrf_token", token)
        for control in form.fields.values():
            if control.kind in TEXT_KINDS:
                data[control.name] = corpus.whole
            elif control.kind == "select" and control.options:
                data[control.name] = control.options[-1]
        buttons = {f.name for f in form.fields.values() if f.kind == "submit"}
        if "preview" in buttons:
            data["preview"] = "1"
        with client.post(path, data=data) as response:
            if response.mimetype == "text/html" and response.status_code != 302:
                returned.append(response.get_data(as_text=True))
    return returned


def query_pages(client, parameters: dict[str, tuple[str, set[str]]], corpus: Corpus):
    """URLs that send every payload in every known query parameter of every HTML route, kept
    when the page shows some of what was sent (a page that shows none of it cannot run it)."""
    slices = corpus.shares(1500)
    urls = []
    for _endpoint, (path, names) in sorted(parameters.items()):
        ordered = sorted(names)
        for start in range(len(slices)):
            query = {name: slices[(start + k) % len(slices)] for k, name in enumerate(ordered)}
            url = f"{path}?{urlencode(query)}"
            with client.get(url) as response:
                body = response.get_data().decode("utf-8", "replace")
            if any(trace in body for trace in TRACES):
                urls.append(url)
    return urls


class Tab:
    """A browser tab that notes dialogs and script errors until its page is inspected."""

    def __init__(self, page) -> None:
        self.page, self.dialogs, self.errors = page, [], []
        page.on("dialog", self.on_dialog)
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def on_dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def inspect(self, label: str, problems: dict[str, list[str]]) -> None:
        """Record what a payload did or left in the page now shown, under `label`."""
        found = self.page.evaluate(INSPECT, list(TEMPLATE_RESULTS))
        found += [f"dialog: {text}" for text in self.dialogs]
        found += [f"script error: {text}" for text in self.errors]
        self.dialogs.clear()
        self.errors.clear()
        if found:
            problems[label] = sorted(set(found))[:5]


def fulfil_with(html: str):
    """A route handler that answers with `html` as if the server had sent it."""

    def fulfil(route) -> None:
        route.fulfill(body=html, content_type="text/html; charset=utf-8")

    return fulfil


def test_no_payload_runs_in_any_page(app, client, make_user, make_practice, live_server, new_page):
    corpus = Corpus(PAYLOADS)
    assert len(PAYLOADS) >= 100
    admin_id, email = make_user(Role.ADMIN, language="ky")
    log_in_client(client, email)
    build_world(app, make_practice, client, admin_id)
    world = fill_world(app, corpus, admin_id)
    assert_every_payload_is_stored(app, corpus)
    pages, forms, parameters = crawl(app, client, world.pages)
    queries = query_pages(client, parameters, corpus)

    page = new_page(bypass_csp=True, service_workers="block")
    page.context.add_init_script(HOOKS)
    log_in(page, live_server, email)
    tabs = [Tab(page)] + [Tab(page.context.new_page()) for _ in range(TABS - 1)]
    problems: dict[str, list[str]] = {}
    urls = [live_server + path for path in pages + queries]
    for start in range(0, len(urls), TABS):
        batch = list(zip(tabs, urls[start : start + TABS], strict=False))
        for tab, url in batch:  # the tabs render while the next page is requested
            tab.page.goto(url, wait_until="commit")
        for tab, url in batch:
            tab.page.wait_for_load_state("domcontentloaded")
            tab.inspect(url.removeprefix(live_server), problems)
    returned = send_back(client, forms, corpus)
    for number, html in enumerate(returned):
        url = f"{live_server}/__returned__/{number}"
        page.route(url, fulfil_with(html))
        page.goto(url)
        title = re.search(r"<title>(.*?)</title>", html, re.S)
        tabs[0].inspect(f"form sent back #{number}: {title[1].strip() if title else ''}", problems)
    print(f"\n{len(pages)} pages, {len(returned)} forms sent back, {len(parameters)} query routes")
    assert not problems, "\n".join(f"{label}: {found}" for label, found in problems.items())
    assert len(pages) > 100 and len(returned) > 10

"""GET /api/courses: the catalogue as JSON, filtered like the page, as the OpenAPI file says."""

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from courses.models import Course, CourseTranslation
from portal.extensions import db
from portal.models import Topic


@pytest.fixture
def catalogue(app, make_course):
    """Two published courses (one also in English, on another topic) and a draft."""
    make_course("private-sector")
    make_course("joint-plans")
    make_course("draft", status="draft")
    with app.app_context():
        plans = db.session.execute(db.select(Course).filter_by(slug="joint-plans")).scalar_one()
        topic = db.session.execute(
            db.select(Topic).filter_by(code="joint-action-plan")
        ).scalar_one()
        plans.topics = [topic]
        plans.translations.append(
            CourseTranslation(language="en", title="Joint action plans", summary="Plan together.")
        )
        db.session.commit()


def slugs(data: dict) -> list[str]:
    """The slugs of a page of results."""
    return [item["slug"] for item in data["results"]]


def test_published_courses_with_the_documented_fields(client, catalogue):
    data = client.get("/api/courses?lang=ru").get_json()
    assert (data["total"], data["page"], data["per_page"]) == (2, 1, 20)
    item = next(item for item in data["results"] if item["slug"] == "private-sector")
    assert item["title"] == "Привлечение частного сектора" and item["language"] == "ru"
    assert item["languages"] == ["ky", "ru"] and item["topics"] == ["private-sector"]
    assert (item["lessons"], item["minutes"]) == (3, 25)
    assert item["url"].endswith("/courses/private-sector")


def test_filters_by_topic_and_language(client, catalogue):
    assert slugs(client.get("/api/courses?topic=joint-action-plan").get_json()) == ["joint-plans"]
    english = client.get("/api/courses?lang=en").get_json()
    assert slugs(english) == ["joint-plans"] and english["results"][0]["language"] == "en"
    assert client.get("/api/courses?topic=nothing").get_json()["results"] == []


def test_pages_and_caps_the_page_size(client, catalogue):
    data = client.get("/api/courses?per_page=1&page=2").get_json()
    assert data["total"] == 2 and len(data["results"]) == 1 and data["page"] == 2
    assert client.get("/api/courses?per_page=5000").get_json()["per_page"] == 50
    assert client.get("/api/courses?page=99").get_json()["results"] == []


def test_the_openapi_description_matches_real_responses(client, catalogue):
    spec = client.get("/api/openapi.json").get_json()
    validate(spec)
    operation = spec["paths"]["/api/courses"]["get"]
    parameters = {p["name"]: p["schema"] for p in operation["parameters"]}
    assert set(parameters) == {"topic", "lang", "page", "per_page"}
    assert parameters["per_page"]["maximum"] == 50
    schema = {"$ref": "#/components/schemas/CourseList", "components": spec["components"]}
    validator = Draft202012Validator(schema)
    for query in ("", "?lang=en", "?topic=joint-action-plan&per_page=1", "?page=5", "?lang=ky"):
        validator.validate(client.get(f"/api/courses{query}").get_json())
    missing = client.get("/api/courses?page=100000")
    assert missing.status_code == 404 and "404" in operation["responses"]
    error = {"$ref": "#/components/schemas/Error", "components": spec["components"]}
    Draft202012Validator(error).validate(missing.get_json())

"""The read-only JSON API and its OpenAPI description."""

from openapi_spec_validator import validate


def test_list_returns_the_documented_fields(client, make_practice):
    make_practice("karakol-waste")
    make_practice("draft", status="draft")
    data = client.get("/api/practices?lang=ru").get_json()
    assert (data["total"], data["page"], data["per_page"]) == (1, 1, 20)
    (item,) = data["results"]
    assert item["title"] == "Вывоз мусора в Караколе"
    assert item["region"] == "issyk-kul" and item["district"] == "ak-suu"
    assert item["topics"] == ["waste-management", "private-sector"]
    assert item["languages"] == ["ky", "ru"] and item["year"] == 2019
    assert item["url"].endswith("/practices/karakol-waste")


def test_list_pages_and_caps_page_size(client, make_practice):
    for number in range(3):
        make_practice(f"p-{number}")
    data = client.get("/api/practices?per_page=2&page=2").get_json()
    assert data["total"] == 3 and len(data["results"]) == 1
    assert client.get("/api/practices?per_page=5000").get_json()["per_page"] == 50
    assert client.get("/api/practices?page=999").get_json()["results"] == []


def test_filters_like_the_library(client, make_practice):
    make_practice("karakol-waste")
    make_practice("naryn-plan", region="naryn", district=None, topics=["joint-action-plan"])
    slugs = [r["slug"] for r in client.get("/api/practices?region=naryn").get_json()["results"]]
    assert slugs == ["naryn-plan"]


def test_one_practice_with_all_translations(client, make_practice):
    make_practice("karakol-waste")
    data = client.get("/api/practices/karakol-waste").get_json()
    assert set(data["translations"]) == {"ky", "ru"}
    assert data["budget"] == {"amount": 450000, "source": "mixed"}
    assert "author" not in data


def test_unknown_or_unpublished_practice_is_a_json_404(client, make_practice):
    make_practice("secret", status="draft")
    for slug in ("secret", "nothing-here"):
        response = client.get(f"/api/practices/{slug}")
        assert response.status_code == 404 and response.get_json()["error"]


def test_openapi_document_is_valid(client):
    with client.get("/api/openapi.json") as response:
        spec = response.get_json()
    validate(spec)
    assert {"/api/practices", "/api/practices/{slug}"} <= set(spec["paths"])


def test_every_operation_documents_the_400_it_answers(client):
    # Found by tests/reliability/test_openapi_fuzz.py: any operation refuses a NUL character
    # with a JSON 400, which the description did not list.
    with client.get("/api/openapi.json") as response:
        spec = response.get_json()
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            assert "400" in operation["responses"], (method, path)
    response = client.get("/api/practices?topic=a%00b")
    assert response.status_code == 400 and response.get_json()["error"]

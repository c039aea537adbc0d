"""Trainers group practices into ordered collections that anyone can read."""

from portal.models import Role
from tests.conftest import log_in, post_form

COLLECTION = {
    "slug": "waste-toolkit",
    "title_ky": "Таштанды боюнча топтом",
    "title_ru": "Набор по отходам",
    "title_en": "",
    "introduction_ky": "Бул топтомдо **эки** практика бар.",
    "introduction_ru": "",
    "introduction_en": "",
    "practices": "second\nfirst\n",
}


def test_trainer_builds_an_ordered_collection(client, login_as, make_practice):
    make_practice("first")
    make_practice("second", region="naryn", district=None)
    login_as(Role.TRAINER)
    response = post_form(client, "/practices/collections/new", COLLECTION)
    assert response.status_code == 302, response.get_data(as_text=True)
    page = client.get(
        "/practices/collections/waste-toolkit?lang=ky", headers={"Accept-Language": "ky"}
    ).get_data(as_text=True)
    assert page.index("/practices/second") < page.index("/practices/first")
    assert "<strong>эки</strong>" in client.get("/practices/collections/waste-toolkit").get_data(
        as_text=True
    )
    listing = client.get("/practices/collections/").get_data(as_text=True)
    assert "/practices/collections/waste-toolkit" in listing


def test_collection_form_rejects_unknown_practices_and_missing_title(
    client, login_as, make_practice
):
    make_practice("first")
    make_practice("draft", status="draft")
    login_as(Role.TRAINER)
    response = post_form(client, "/practices/collections/new", COLLECTION | {"practices": "draft"})
    assert response.status_code == 422
    assert "No published practice has these addresses: draft" in response.get_data(as_text=True)
    empty_titles = COLLECTION | {"title_ky": "", "title_ru": "", "practices": "first"}
    response = post_form(client, "/practices/collections/new", empty_titles)
    assert response.status_code == 422
    assert "title in at least one language" in response.get_data(as_text=True)


def test_only_owner_or_reviewer_edits_a_collection(app, client, login_as, make_practice, make_user):
    make_practice("first")
    login_as(Role.TRAINER)
    post_form(client, "/practices/collections/new", COLLECTION | {"practices": "first"})
    other = app.test_client()
    log_in(other, make_user(Role.TRAINER)[1])
    assert other.get("/practices/collections/waste-toolkit/edit").status_code == 403
    assert client.get("/practices/collections/waste-toolkit/edit").status_code == 200

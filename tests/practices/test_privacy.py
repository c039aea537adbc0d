"""The library and personal data: the download, and what deleting an account leaves behind."""

import json

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import Region, Role, User
from portal.reports import ReportFilters
from practices.dashboard import build_library_section
from practices.models import Collection, CollectionTranslation, Practice, PracticeRevision
from practices.records import practice_to_record
from practices.services import save_practice, useful_count
from tests.conftest import log_in, post_form
from tests.portal.privacy_helpers import columns_containing, delete_own_account, download_data

TRAINER_NAME, TRAINER_EMAIL = "Гүлнара Токтогулова", "gulnara@example.kg"
LEARNER_NAME, LEARNER_EMAIL = "Эрлан Жумабеков", "erlan@example.kg"
NOTE = "Биз да ушундай кылдык, Эрлан."


@pytest.fixture
def library(app, make_user, make_practice, client):
    """A practice by a trainer (also its contact, then edited by them) with a collection; a
    learner from Talas who marked it applied, with a note, and useful. Returns the ids."""
    trainer_id, _email = make_user(Role.TRAINER, name=TRAINER_NAME, email=TRAINER_EMAIL)
    contact = {"organisation": "Мэрия", "person": TRAINER_NAME, "phone": "", "email": TRAINER_EMAIL}
    practice_id = make_practice("karakol-waste", author_id=trainer_id, contact=contact)
    with app.app_context():
        practice, trainer = db.session.get(Practice, practice_id), db.session.get(User, trainer_id)
        record = practice_to_record(practice) | {"partners": "Helvetas, GIZ"}
        save_practice(practice, record, trainer, "edited")
        collection = Collection(slug="waste-kit", owner_id=trainer_id)
        collection.translations.append(CollectionTranslation(language="ky", title="Таштанды"))
        db.session.add(collection)
        db.session.commit()
        talas = db.session.scalars(select(Region).filter_by(code="talas")).one().id
    learner_id, _email = make_user(name=LEARNER_NAME, email=LEARNER_EMAIL, region_id=talas)
    log_in(client, LEARNER_EMAIL)
    post_form(client, "/practices/karakol-waste/applied", {"note": NOTE})
    post_form(client, "/practices/karakol-waste/useful", {}, token_from="/practices/karakol-waste")
    post_form(client, "/account/logout", {}, token_from="/")
    return {"practice": practice_id, "trainer": trainer_id, "learner": learner_id}


def test_the_learners_download_holds_their_marks_and_nothing_of_the_author(client, library):
    log_in(client, LEARNER_EMAIL)
    section = download_data(client)["sections"]["practices"]
    [applied] = section["applied"]
    assert (applied["practice"], applied["note"], applied["region"]) == (
        "karakol-waste",
        NOTE,
        "talas",
    )
    assert [mark["practice"] for mark in section["marked_useful"]] == ["karakol-waste"]
    assert section["practices_written"] == [] and section["collections"] == []
    text = json.dumps(section, ensure_ascii=False)
    assert TRAINER_NAME not in text and TRAINER_EMAIL not in text


def test_the_authors_download_holds_what_they_wrote_and_changed(client, library):
    log_in(client, TRAINER_EMAIL)
    section = download_data(client)["sections"]["practices"]
    [written] = section["practices_written"]
    assert written["practice"] == "karakol-waste" and written["status"] == "published"
    assert [change["action"] for change in section["changes_made"]] == ["edited"]
    assert section["changes_made"][0]["changed_fields"] == ["partners"]
    assert [found["collection"] for found in section["collections"]] == ["waste-kit"]
    assert section["applied"] == [] and NOTE not in json.dumps(section, ensure_ascii=False)


def test_a_deleted_authors_practice_stays_and_names_nobody(app, client, library, login_as):
    assert "practice_revision.snapshot" in columns_containing(app, TRAINER_EMAIL)
    log_in(client, TRAINER_EMAIL)
    assert delete_own_account(client).status_code == 302
    assert columns_containing(app, TRAINER_NAME, TRAINER_EMAIL) == []
    page = client.get("/practices/karakol-waste")
    assert page.status_code == 200 and TRAINER_NAME not in page.get_data(as_text=True)
    login_as(Role.ADMIN)
    history = client.get("/practices/karakol-waste/history").get_data(as_text=True)
    assert "Deleted account" in history and TRAINER_NAME not in history
    with app.app_context():
        practice = db.session.get(Practice, library["practice"])
        assert practice.author_id == library["trainer"] and practice.status == "published"
        revisions = db.session.scalars(select(PracticeRevision)).all()
        assert all(revision.snapshot["author"] is None for revision in revisions)
        assert revisions[-1].snapshot["partners"] == "Helvetas, GIZ"  # content stays
        assert db.session.scalars(select(Collection)).one().owner_id == library["trainer"]


def library_numbers(app) -> dict:
    """The library dashboard's figures and table rows over all time."""
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        app.preprocess_request()
        section = build_library_section(ReportFilters())
        figures = [str(value) for _label, value in section.figures]
        return {"figures": figures} | {table.key: table.rows for table in section.tables}


def test_a_deleted_learners_marks_stay_counted_without_the_note(app, client, library):
    before = library_numbers(app)
    assert "1" in before["figures"]
    log_in(client, LEARNER_EMAIL)
    delete_own_account(client)
    assert library_numbers(app) == before
    assert columns_containing(app, LEARNER_NAME, LEARNER_EMAIL, NOTE) == []
    page = client.get("/practices/karakol-waste").get_data(as_text=True)
    assert "Applied by 1 municipality" in page and NOTE not in page
    with app.app_context():
        assert useful_count(db.session.get(Practice, library["practice"])) == 1


def test_an_exported_practice_does_not_point_to_a_deleted_author(app, client, library):
    log_in(client, TRAINER_EMAIL)
    delete_own_account(client)
    with app.app_context():
        record = practice_to_record(db.session.get(Practice, library["practice"]))
    assert record["author"] is None

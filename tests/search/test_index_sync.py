"""The index follows the database: changelog rows, catching up, rebuilding, a broken index."""

import io
import shutil
from pathlib import Path

from fpdf import FPDF
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Role
from portal.search import engine
from portal.search.models import SearchChange
from portal.search.results import SearchRequest
from practices.models import Practice
from tests.conftest import post_form

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def found(client, query: str) -> list[str]:
    data = client.get("/api/search", query_string={"q": query}).get_json()
    return [result["slug"] for result in data["results"]]


def changelog(app) -> list[tuple[str, int]]:
    with app.app_context():
        rows = db.session.execute(select(SearchChange.kind, SearchChange.entity_id)).all()
        return [tuple(row) for row in rows]


def in_step(app) -> bool:
    with app.app_context():
        return engine.status().in_step


def test_every_committed_change_leaves_a_changelog_row(app, make_practice):
    practice_id = make_practice("karakol-waste")
    assert ("practice", practice_id) in changelog(app)
    with app.app_context():
        before = len(changelog(app))
        practice = db.session.get(Practice, practice_id)
        practice.translation("ky").title = "Жаңы аталыш"
        db.session.rollback()  # a change that is rolled back leaves nothing behind
        assert len(changelog(app)) == before
        practice = db.session.get(Practice, practice_id)
        practice.translation("ky").title = "Жаңы аталыш"
        db.session.commit()
    assert len(changelog(app)) == before + 1


def test_edits_unpublishing_and_deletion_reach_the_index(app, client, make_practice):
    practice_id = make_practice("karakol-waste")
    assert found(client, "Каракол") == ["karakol-waste"]
    with app.app_context():
        practice = db.session.get(Practice, practice_id)
        practice.translation("ru").title = "Уличное освещение в Токмоке"
        db.session.commit()
    assert found(client, "Токмок") == ["karakol-waste"]
    with app.app_context():
        db.session.get(Practice, practice_id).status = "archived"
        db.session.commit()
    assert found(client, "Токмок") == []
    with app.app_context():
        db.session.get(Practice, practice_id).status = "published"
        db.session.commit()
    assert found(client, "Токмок") == ["karakol-waste"]
    with app.app_context():
        db.session.delete(db.session.get(Practice, practice_id))
        db.session.commit()
    assert found(client, "Токмок") == []
    assert in_step(app)


def test_a_trainer_publishing_through_the_web_is_found_at_once(app, client, login_as):
    login_as(Role.ADMIN)
    form = {
        "slug": "tokmok-lights",
        "region": "chui",
        "district": "",
        "topics": ["street-lighting"],
        "year": "2022",
        "ru-title": "Фонари в Токмоке",
        "ru-body": "Город установил фонари на главных улицах Токмока.",
        "ky-title": "",
        "en-title": "",
    }
    created = post_form(client, "/practices/new", form)
    assert created.status_code == 302, created.get_data(as_text=True)
    assert found(client, "фонарей") == []  # a draft is not searchable
    decided = post_form(
        client, "/practices/tokmok-lights/review", {"action": "publish"}, token_from="/"
    )
    assert decided.status_code == 302
    assert found(client, "фонарей") == ["tokmok-lights"]


def test_attached_pdf_text_is_searchable(app, client, login_as, make_practice):
    trainer_id, _ = login_as(Role.TRAINER)
    make_practice("karakol-waste", author_id=trainer_id)
    pdf = FPDF()
    pdf.add_font("DejaVu", fname=FONT)
    pdf.set_font("DejaVu", size=12)
    pdf.add_page()
    pdf.cell(text="Келишимдин үлгүсү: жеке операторго төлөм тартиби")
    response = post_form(
        client,
        "/practices/karakol-waste/files",
        {"title": "Келишим", "file": (io.BytesIO(bytes(pdf.output())), "contract.pdf")},
        token_from="/practices/karakol-waste/edit",
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert found(client, "операторго") == ["karakol-waste"]
    assert found(client, "tolom") == ["karakol-waste"]  # төлөм, typed in Latin


def test_cli_rebuild_status_and_apply(app, runner, make_practice):
    make_practice("karakol-waste")
    make_practice("naryn-plan", region="naryn", district=None)
    status = runner.invoke(args=["search", "status"])
    assert status.exit_code == 0, status.output
    assert "practice: 2 in the database, 2 in the index" in status.output
    shutil.rmtree(app.config["SEARCH_INDEX_DIR"])
    broken = runner.invoke(args=["search", "status"])
    assert broken.exit_code != 0 and "flask search rebuild" in broken.output
    rebuilt = runner.invoke(args=["search", "rebuild"])
    assert rebuilt.exit_code == 0 and "2 entities, 4 documents" in rebuilt.output
    assert runner.invoke(args=["search", "status"]).exit_code == 0
    applied = runner.invoke(args=["search", "apply"])
    assert applied.exit_code == 0 and "Applied 0 change(s)" in applied.output


def test_apply_is_idempotent_and_catches_up_after_missed_changes(app, make_practice):
    app.config["SEARCH_APPLY_AFTER_REQUEST"] = False  # as if every worker died after commit
    make_practice("karakol-waste")
    make_practice("naryn-plan", region="naryn", district=None)
    assert not in_step(app)
    with app.app_context():
        first = engine.apply_changes()
        second = engine.apply_changes()
        assert first.entities == 2 and second.rows == 0
        assert (
            first.watermark
            == second.watermark
            == db.session.scalar(select(func.max(SearchChange.id)))
        )
    assert in_step(app)


def test_applying_with_nothing_new_leaves_the_index_untouched(app, make_practice):
    # A follower applies every two seconds; a commit each time would make every web worker
    # reopen its searcher and start cold (measured under load: search p50 rose to 0.8 s).
    make_practice("karakol-waste")
    with app.app_context():
        engine.apply_changes()
        generation = engine.search_index().open().latest_generation()
        report = engine.apply_changes()
        assert report.rows == 0
        assert report.watermark == db.session.scalar(select(func.max(SearchChange.id)))
        assert engine.search_index().open().latest_generation() == generation


def test_old_changelog_rows_are_pruned(app, runner, make_practice):
    from datetime import timedelta

    from portal.models import utcnow

    make_practice("karakol-waste")
    with app.app_context():
        for row in db.session.scalars(select(SearchChange)):
            row.created_at = utcnow() - timedelta(days=31)
        db.session.commit()
    result = runner.invoke(args=["search", "apply"])
    assert "Pruned 1 changelog row(s)" in result.output
    assert changelog(app) == []


def test_a_deleted_index_gives_a_clear_message_then_comes_back(app, client, make_practice):
    make_practice("karakol-waste")
    shutil.rmtree(app.config["SEARCH_INDEX_DIR"])
    page = client.get("/search?q=Каракол")
    assert page.status_code == 503 and "Retry-After" in page.headers
    assert "Search is being prepared" in page.get_data(as_text=True)
    assert found(client, "Каракол") == ["karakol-waste"]  # rebuilt after that response


def test_a_corrupt_index_is_rebuilt_not_a_500(app, client, make_practice):
    make_practice("karakol-waste")
    index_dir = Path(app.config["SEARCH_INDEX_DIR"])
    for path in index_dir.iterdir():
        path.write_bytes(b"\x00garbage")
    api = client.get("/api/search?q=Каракол")
    assert api.status_code == 503 and "message" in api.get_json()
    assert found(client, "Каракол") == ["karakol-waste"]
    with app.app_context():
        request = SearchRequest(text="Каракол")
        with app.test_request_context():
            assert engine.search(request).total == 1

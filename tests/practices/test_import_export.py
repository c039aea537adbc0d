"""flask practices import|export: positions in errors, strictness, idempotence, round trips."""

import json

from portal.extensions import db
from practices.models import Practice, PracticeRevision
from tests.conftest import practice_record


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(model))


def write_json(path, records) -> str:
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_import_a_json_array_then_again_updates_without_duplicates(app, runner, tmp_path):
    records = [practice_record("one"), practice_record("two", related=["one"])]
    file = write_json(tmp_path / "p.json", records)
    first = runner.invoke(args=["practices", "import", file])
    assert first.exit_code == 0, first.output
    assert "2 new, 0 updated, 0 skipped" in first.output
    revisions = count(app, PracticeRevision)
    second = runner.invoke(args=["practices", "import", file])
    assert "0 new, 2 updated" in second.output
    assert count(app, Practice) == 2
    assert count(app, PracticeRevision) == revisions  # nothing changed, no new history


def test_import_json_lines_reports_bad_records_with_their_line(app, runner, tmp_path):
    lines = [
        json.dumps(practice_record("good")),
        "{not json",
        json.dumps(practice_record("bad-region", region="atlantis")),
        json.dumps(practice_record("bad-topic", topics=["space"])),
        json.dumps(practice_record("no-title", translations={"ru": {"body": "x"}})),
        json.dumps(practice_record("good")),
    ]
    file = tmp_path / "p.jsonl"
    file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(args=["practices", "import", str(file)])
    assert result.exit_code == 0
    assert "line 2: not valid JSON" in result.output
    assert "line 3: region: unknown code 'atlantis'" in result.output
    assert "line 4: topics: unknown code 'space'" in result.output
    assert "line 5: translations.ru.title: required" in result.output
    assert "line 6: slug: 'good' appears earlier" in result.output
    assert count(app, Practice) == 1


def test_strict_import_writes_nothing_when_one_record_is_bad(app, runner, tmp_path):
    file = write_json(tmp_path / "p.json", [practice_record("ok"), {"slug": "Bad Slug"}])
    result = runner.invoke(args=["practices", "import", "--strict", file])
    assert result.exit_code != 0
    assert "record 2" in result.output and "nothing imported" in result.output
    assert count(app, Practice) == 0


def test_minimal_records_and_unknown_fields(app, runner, tmp_path):
    minimal = {
        "slug": "minimal",
        "region": "talas",
        "topics": ["water-supply"],
        "year": 2021,
        "status": "published",
        "translations": {"ky": {"title": "Суу", "body": "Таза суу."}},
        "rating": 5,
    }
    result = runner.invoke(args=["practices", "import", write_json(tmp_path / "m.json", [minimal])])
    assert result.exit_code == 0, result.output
    assert "unknown field 'rating' ignored" in result.output
    assert count(app, Practice) == 1


def test_export_then_import_round_trips_exactly(app, runner, tmp_path, make_practice):
    make_practice("one")
    make_practice("two", status="draft", related=["one"], region="osh-city", district=None)
    for suffix in (".json", ".jsonl"):
        exported = tmp_path / f"all{suffix}"
        assert runner.invoke(args=["practices", "export", str(exported)]).exit_code == 0
        with app.app_context():
            db.session.execute(db.delete(Practice))
            db.session.commit()
        result = runner.invoke(args=["practices", "import", str(exported)])
        assert result.exit_code == 0, result.output
        again = tmp_path / f"again{suffix}"
        runner.invoke(args=["practices", "export", str(again)])
        assert again.read_text(encoding="utf-8") == exported.read_text(encoding="utf-8")


def test_export_by_status(runner, tmp_path, make_practice):
    make_practice("one")
    make_practice("two", status="draft")
    file = tmp_path / "published.json"
    runner.invoke(args=["practices", "export", "--status", "published", str(file)])
    assert [r["slug"] for r in json.loads(file.read_text(encoding="utf-8"))] == ["one"]


def test_unreadable_file_fails_with_one_line(runner, tmp_path):
    file = tmp_path / "broken.json"
    file.write_text("[{oops", encoding="utf-8")
    result = runner.invoke(args=["practices", "import", str(file)])
    assert result.exit_code != 0 and "not valid JSON" in result.output

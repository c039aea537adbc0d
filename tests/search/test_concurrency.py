"""Several processes change the library at once, and one dies while indexing: nothing is lost."""

import multiprocessing
import os
import signal

import pytest
from sqlalchemy import func, select

from portal import create_app
from portal.extensions import db
from portal.search import engine
from portal.search.models import SearchChange
from tests.conftest import app_settings, practice_record

WORKERS = 4
PRACTICES_PER_WORKER = 8


def _write_practices(settings: dict, worker: int) -> None:
    """Create practices, then edit, unpublish and delete some, each in its own transaction."""
    from practices.models import Practice
    from practices.services import practice_by_slug, save_practice

    app = create_app(settings)
    slugs = [f"worker-{worker}-practice-{number}" for number in range(PRACTICES_PER_WORKER)]
    for slug in slugs:
        with app.app_context():  # each context's end applies its changes, as a request's does
            save_practice(Practice(), practice_record(slug), None, "imported")
    for slug, change in zip(slugs, ("edit", "unpublish", "delete"), strict=False):
        with app.app_context():
            practice = practice_by_slug(slug)
            if change == "edit":
                practice.translation("ru").title = f"Изменено {slug}"
            elif change == "unpublish":
                practice.status = "draft"
            else:
                db.session.delete(practice)
            db.session.commit()


def run_processes(target, argument_lists) -> list[int]:
    """Start one spawned process per argument list; return their exit codes."""
    context = multiprocessing.get_context("spawn")
    processes = [context.Process(target=target, args=args) for args in argument_lists]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=300)
    return [process.exitcode for process in processes]


def test_four_processes_writing_at_once_leave_the_index_equal_to_the_database(app, tmp_path):
    settings = app_settings(tmp_path)
    codes = run_processes(_write_practices, [(settings, worker) for worker in range(WORKERS)])
    assert codes == [0] * WORKERS
    with app.app_context():
        report = engine.status()
        expected = WORKERS * (PRACTICES_PER_WORKER - 2)  # one unpublished, one deleted each
        assert report.counts["practice"] == (expected, expected), report
        assert report.in_step, report
    with app.test_request_context():
        from portal.search.results import SearchRequest

        edited = engine.search(SearchRequest(text="Изменено", per_page=50))
        assert edited.total == WORKERS


def _apply_and_die(settings: dict, where: str) -> None:
    """Apply the changelog, killing this process at `where` before the commit completes."""
    from whoosh.writing import SegmentWriter

    def die(*_args, **_kwargs):
        os.kill(os.getpid(), signal.SIGKILL)

    if where == "documents-added":
        SegmentWriter.commit = die
    else:  # segment files written, table of contents not yet
        SegmentWriter._commit_toc = die
    app = create_app(settings)
    with app.app_context():
        engine.apply_changes()


@pytest.mark.parametrize("where", ["documents-added", "mid-commit"])
def test_a_process_killed_while_applying_loses_nothing(app, make_practice, tmp_path, where):
    app.config["SEARCH_APPLY_AFTER_REQUEST"] = False
    for number in range(20):
        make_practice(f"practice-{number}", region="naryn", district=None)
    settings = app_settings(tmp_path)
    assert run_processes(_apply_and_die, [(settings, where)]) == [-signal.SIGKILL]
    with app.app_context():
        assert not engine.status().in_step  # the dead process committed nothing
        report = engine.apply_changes(timeout=5)  # the lock died with the process
        assert report is not None and report.entities == 20
        assert engine.status().in_step
        assert report.watermark == db.session.scalar(select(func.max(SearchChange.id)))

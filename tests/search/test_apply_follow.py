"""`flask search apply --follow` outlives a database outage (measured in benchmarks/load: a
follower that died when PostgreSQL stopped for 10 s left the index to the web workers)."""

import pytest
from sqlalchemy.exc import OperationalError, ProgrammingError

from portal.search import cli, engine


class StopFollowing(Exception):
    """Raised from the follower's sleep to end the endless loop in a test."""


def database_down():
    raise OperationalError("SELECT 1", {}, Exception("connection refused"))


@pytest.fixture
def rounds(monkeypatch):
    """Replace the follower's sleep: it counts rounds and ends the loop after three."""
    slept = []

    def sleep(seconds):
        slept.append(seconds)
        if len(slept) == 3:
            raise StopFollowing

    monkeypatch.setattr(cli.time, "sleep", sleep)
    return slept


def test_the_follower_waits_for_the_database_and_then_applies(
    app, runner, make_practice, monkeypatch, rounds
):
    app.config["SEARCH_APPLY_AFTER_REQUEST"] = False  # the follower is the one to apply it
    make_practice("karakol-waste")
    real_apply = engine.apply_changes
    answers = iter([database_down, database_down, real_apply])
    monkeypatch.setattr(engine, "apply_changes", lambda: next(answers)())
    result = runner.invoke(args=["search", "apply", "--follow", "--interval", "0.5"])
    assert isinstance(result.exception, StopFollowing)
    waiting = (
        "The database cannot be reached (Exception: connection refused); trying again in 0.5 s."
    )
    assert result.output.count(waiting) == 2
    assert "Applied 1 change(s)" in result.output
    with app.app_context():
        assert engine.status().in_step


def test_other_database_errors_still_stop_the_follower(runner, monkeypatch, rounds):
    def broken_query():
        raise ProgrammingError("SELECT nothing", {}, Exception("no such column"))

    monkeypatch.setattr(engine, "apply_changes", broken_query)
    result = runner.invoke(args=["search", "apply", "--follow"])
    assert isinstance(result.exception, ProgrammingError)
    assert rounds == []


def test_a_single_apply_reports_the_outage_as_a_failure(runner, monkeypatch):
    monkeypatch.setattr(engine, "apply_changes", database_down)
    result = runner.invoke(args=["search", "apply"])
    assert result.exit_code != 0
    assert isinstance(result.exception, OperationalError)

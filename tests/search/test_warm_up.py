"""The server's master process warms the search up before forking, and never fails doing so."""

import logging

from portal.search import engine
from portal.search.engine import EXTENSION_KEY, warm_up


def test_warm_up_searches_then_leaves_no_index_open(app, make_practice, caplog):
    make_practice("karakol-waste")
    caplog.set_level(logging.INFO, logger="portal.search.engine")
    warm_up(app)
    assert "Search warmed up in " in caplog.text
    assert "(2 result texts read)" in caplog.text  # the practice's ky and ru versions
    assert EXTENSION_KEY not in app.extensions
    with app.test_request_context("/search"):
        assert engine.search(engine.SearchRequest(text="Каракол")).total >= 1
    app.config["SEARCH_WARM_UP_SECONDS"] = 0
    warm_up(app)
    assert "(0 result texts read)" in caplog.text


def test_warm_up_without_an_index_only_warns(app, caplog, monkeypatch):
    def unavailable(_request):
        raise engine.SearchUnavailable("index missing")

    monkeypatch.setattr(engine, "search", unavailable)
    warm_up(app)
    assert "Search not warmed up: index missing" in caplog.text
    assert EXTENSION_KEY not in app.extensions

"""The Whoosh fork the engine depends on compiles cleanly on this Python.

whoosh-reloaded is no longer actively maintained; the original 2.7.4 emits SyntaxWarnings
(invalid escape sequences) that later Pythons turn into errors. Compiling, from source and not
from __pycache__, every Whoosh module a search loads catches a regression or a wrong
distribution at once. (The fork still ships an unused copy of pyparsing that would fail.)
"""

import sys
import warnings
from importlib.metadata import distribution
from pathlib import Path

import whoosh


def test_the_installed_whoosh_is_the_reloaded_fork():
    assert distribution("whoosh-reloaded").version == "2.7.5"
    assert Path(whoosh.__file__).parent.name == "whoosh"


def test_every_whoosh_module_a_search_loads_compiles_without_syntax_warnings(client):
    client.get("/search?q=Каракол")
    client.get("/api/search/suggest?q=Кара")
    loaded = [
        Path(module.__file__)
        for name, module in list(sys.modules.items())
        if name.split(".")[0] == "whoosh" and getattr(module, "__file__", None)
    ]
    assert len(loaded) > 30
    with warnings.catch_warnings():
        warnings.simplefilter("error", SyntaxWarning)
        for source in loaded:
            compile(source.read_text(encoding="utf-8"), str(source), "exec")

"""Static files are versioned by content and cached for a year; text responses are compressed."""

import gzip
import re

import brotli

STYLESHEET = re.compile(r'href="(/static/style\.css\?v=([0-9a-f]{12}))"')


def stylesheet_url(client) -> tuple[str, str]:
    """The versioned stylesheet URL the home page links to, and its version."""
    match = STYLESHEET.search(client.get("/").get_data(as_text=True))
    assert match, "the page links the stylesheet with a content version"
    return match.group(1), match.group(2)


def test_pages_link_static_files_by_content_version(client):
    url, _version = stylesheet_url(client)
    page = client.get("/").get_data(as_text=True)
    assert re.search(r'src="/static/portal\.js\?v=[0-9a-f]{12}"', page)
    assert client.get(url).status_code == 200


def test_versioned_static_files_are_cached_for_a_year(client):
    url, _version = stylesheet_url(client)
    response = client.get(url)
    assert response.cache_control.max_age == 365 * 24 * 3600
    assert response.cache_control.public
    assert "immutable" in response.headers["Cache-Control"]


def test_outdated_or_missing_versions_are_cached_only_briefly(client):
    for url in ("/static/style.css", "/static/style.css?v=000000000000"):
        response = client.get(url)
        assert response.status_code == 200
        assert response.cache_control.max_age == 300
        assert "immutable" not in response.headers["Cache-Control"]


def test_an_edited_file_gets_a_new_version(app, client, tmp_path):
    app.static_folder = str(tmp_path)
    asset = tmp_path / "style.css"
    asset.write_text("body { color: black }")
    _url, first = stylesheet_url(client)
    asset.write_text("body { color: navy; margin: 0 }")
    _url, second = stylesheet_url(client)
    assert first != second


def test_pages_are_sent_compressed_to_browsers_that_accept_it(client):
    plain = client.get("/").get_data()
    response = client.get("/", headers={"Accept-Encoding": "br, gzip"})
    assert response.headers["Content-Encoding"] == "br"
    assert brotli.decompress(response.get_data()) == plain
    assert len(response.get_data()) < len(plain) / 2
    assert "Accept-Encoding" in response.headers["Vary"]

    response = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.get_data()) == plain


def test_clients_that_do_not_ask_get_plain_responses(client):
    response = client.get("/")
    assert "Content-Encoding" not in response.headers
    assert response.get_data(as_text=True).lstrip().startswith("<!doctype html>")


def test_static_files_are_sent_compressed_too(client):
    url, _version = stylesheet_url(client)
    plain = client.get(url).get_data()
    response = client.get(url, headers={"Accept-Encoding": "br"})
    assert response.headers["Content-Encoding"] == "br"
    assert brotli.decompress(response.get_data()) == plain
    response.close()

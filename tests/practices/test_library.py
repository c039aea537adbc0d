"""Visitors browse, filter and read the library without logging in."""

import json
import re

import feedparser

from portal.models import Role
from tests.conftest import log_in, post_form


def test_list_shows_published_practices_newest_first(client, make_practice):
    make_practice("first", year=2018)
    make_practice("second", translations={"ru": {"title": "Второй", "body": "Текст"}})
    make_practice("hidden-draft", status="draft")
    page = client.get("/practices/").get_data(as_text=True)
    assert page.index("/practices/second") < page.index("/practices/first")
    assert "hidden-draft" not in page
    assert "2 practices found" in page


def test_filters_narrow_the_list(client, make_practice):
    make_practice("waste-in-karakol")
    make_practice(
        "naryn-plan",
        region="naryn",
        district="at-bashy",
        topics=["joint-action-plan"],
        year=2021,
        year_end=None,
    )
    cases = {
        "region=naryn": "naryn-plan",
        "district=ak-suu": "waste-in-karakol",
        "topic=joint-action-plan": "naryn-plan",
        "year=2020": "waste-in-karakol",
        "year=2021": "naryn-plan",
    }
    for query, expected in cases.items():
        page = client.get(f"/practices/?{query}").get_data(as_text=True)
        other = ({"waste-in-karakol", "naryn-plan"} - {expected}).pop()
        assert f"/practices/{expected}" in page and f"/practices/{other}" not in page, query


def test_language_filter_and_garbage_filters(client, make_practice):
    make_practice("both")
    make_practice("russian-only", translations={"ru": {"title": "Только", "body": "Текст"}})
    page = client.get("/practices/?lang=ky").get_data(as_text=True)
    assert "/practices/both" in page and "russian-only" not in page
    for query in ("year=abc", "region=nowhere", "sort=evil", "page=-3", "lang=xx"):
        assert client.get(f"/practices/?{query}").status_code == 200


def test_practice_in_the_visitors_language_with_other_versions(client, make_practice):
    make_practice("karakol-waste")
    page = client.get("/practices/karakol-waste", headers={"Accept-Language": "ru"}).get_data(
        as_text=True
    )
    assert "<h1>Вывоз мусора в Караколе</h1>" in page
    assert "/practices/karakol-waste?lang=ky" in page
    kyrgyz = client.get("/practices/karakol-waste?lang=ky").get_data(as_text=True)
    assert "<h1>Таштандыларды чогултуу Караколдо</h1>" in kyrgyz


def test_missing_language_falls_back_and_says_so(client, make_practice):
    make_practice("karakol-waste")
    page = client.get("/practices/karakol-waste").get_data(as_text=True)  # English asked
    assert "<h1>Таштандыларды чогултуу Караколдо</h1>" in page
    assert "not available in English; it is shown in Кыргызча" in page


def test_markdown_body_is_rendered_and_sanitised(client, make_practice):
    body = "## Plan\n\n<script>alert(1)</script> [x](javascript:alert(1)) **bold**"
    make_practice("md", translations={"en": {"title": "Markdown", "body": body}})
    page = client.get("/practices/md").get_data(as_text=True)
    assert "<h2>Plan</h2>" in page and "<strong>bold</strong>" in page
    assert "<script>alert(1)" not in page and 'href="javascript' not in page


def test_page_carries_json_ld_and_description(client, make_practice):
    make_practice("karakol-waste")
    page = client.get("/practices/karakol-waste?lang=ru").get_data(as_text=True)
    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)[1]
    )
    assert data["@type"] == "Article" and data["headline"] == "Вывоз мусора в Караколе"
    assert data["inLanguage"] == "ru"
    assert '<meta name="description" content="Частная компания.">' in page


def test_drafts_are_visible_only_to_their_author_and_reviewers(app, make_practice, make_user):
    author_id, author_email = make_user(Role.TRAINER)
    _id, other_email = make_user(Role.TRAINER)
    _id, admin_email = make_user(Role.ADMIN)
    make_practice("draft-one", status="draft", author_id=author_id)
    assert app.test_client().get("/practices/draft-one").status_code == 404
    for email, status in [(other_email, 404), (author_email, 200), (admin_email, 200)]:
        client = app.test_client()
        log_in(client, email)
        assert client.get("/practices/draft-one").status_code == status, email


def test_archived_practice_stays_readable_but_unlisted(client, make_practice):
    make_practice("old-one", status="archived")
    assert "old-one" not in client.get("/practices/").get_data(as_text=True)
    page = client.get("/practices/old-one").get_data(as_text=True)
    assert "no longer listed" in page


def test_unknown_practice_is_404(client):
    assert client.get("/practices/no-such-practice").status_code == 404


def test_atom_feed_validates_and_filters(client, make_practice):
    make_practice("karakol-waste")
    make_practice("naryn-plan", region="naryn", district=None, topics=["joint-action-plan"])
    response = client.get("/practices/feed.atom?lang=ru")
    assert response.headers["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.data)
    assert not feed.bozo, feed.get("bozo_exception")
    assert len(feed.entries) == 2
    assert "Вывоз мусора в Караколе" in {entry.title for entry in feed.entries}
    filtered = feedparser.parse(client.get("/practices/feed.atom?topic=joint-action-plan").data)
    assert [entry.link.split("?")[0].rsplit("/", 1)[1] for entry in filtered.entries] == [
        "naryn-plan"
    ]


def test_sitemap_lists_published_practices(client, make_practice):
    make_practice("karakol-waste")
    make_practice("secret-draft", status="draft")
    xml = client.get("/sitemap.xml").get_data(as_text=True)
    assert "/practices/karakol-waste</loc>" in xml and "secret-draft" not in xml


def test_map_shades_regions_and_links_them(client, make_practice):
    make_practice("one")
    make_practice("two")
    make_practice("three", region="naryn", district=None)
    page = client.get("/practices/map").get_data(as_text=True)
    assert 'href="/practices/?region=issyk-kul"' in page
    assert re.search(r'aria-label="Issyk-Kul Region: 2"', page)
    assert re.search(r'aria-label="Naryn Region: 1"', page)
    assert "shade-4" in page and "shade-0" in page


def test_useful_votes_count_once_per_account(client, make_practice, login_as):
    make_practice("karakol-waste")
    login_as()
    for _attempt in range(3):
        response = post_form(client, "/practices/karakol-waste/useful", {}, token_from="/")
        assert response.status_code == 302
    assert "1 person found this useful." in client.get("/practices/karakol-waste").get_data(
        as_text=True
    )


def test_replication_is_listed_with_the_learners_municipality(client, make_practice, login_as):
    make_practice("karakol-waste")
    login_as(municipality="Чаек айыл аймагы")
    data = {"note": "Биз дагы ушундай кылдык."}
    response = post_form(client, "/practices/karakol-waste/applied", data, token_from="/")
    assert response.status_code == 302
    page = client.get("/practices/karakol-waste").get_data(as_text=True)
    assert "Applied by 1 municipality" in page and "Чаек айыл аймагы" in page
    too_long = post_form(
        client, "/practices/karakol-waste/applied", {"note": "x" * 501}, token_from="/"
    )
    assert too_long.status_code == 422


def test_sort_by_most_useful_and_most_applied(app, client, make_practice, make_user, login_as):
    make_practice("popular", year=2015)
    make_practice("newer")
    login_as()
    post_form(client, "/practices/popular/useful", {}, token_from="/")
    post_form(client, "/practices/popular/applied", {"note": ""}, token_from="/")
    for sort in ("useful", "applied"):
        page = client.get(f"/practices/?sort={sort}").get_data(as_text=True)
        assert page.index("/practices/popular") < page.index("/practices/newer"), sort


def test_reuse_needs_an_account(client, make_practice):
    make_practice("karakol-waste")
    response = post_form(client, "/practices/karakol-waste/useful", {}, token_from="/")
    assert response.status_code == 302 and "/account/login" in response.location

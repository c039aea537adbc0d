"""The search page, the search API and completions, as visitors and programs use them."""

import re

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.search.models import SearchQuery

RU_ONLY = {"ru": {"title": "Уличное освещение в Балыкчы", "body": "Фонари на улицах Балыкчы."}}
NARYN_PLAN = {
    "ky": {
        "title": "Ак-Муз айыл аймагынын биргелешкен аракеттер планы",
        "summary": "Активисттер жана депутаттар менен талкуу.",
        "body": "Ак-Муздо биргелешкен аракеттер планы 2019-2020-жылдарга талкууланды.",
    }
}


@pytest.fixture
def library(make_practice):
    """Three published practices and a draft, in different regions, topics and languages."""
    make_practice("karakol-waste")
    make_practice(
        "balykchy-lights",
        municipality="Балыкчы шаары",
        translations=RU_ONLY,
        topics=["street-lighting"],
        year=2021,
    )
    make_practice(
        "ak-muz-plan",
        municipality="Ак-Муз айыл аймагы",
        partners="",
        region="naryn",
        district="at-bashy",
        topics=["joint-action-plan"],
        year=2019,
        year_end=2020,
        translations=NARYN_PLAN,
    )
    make_practice("secret-draft", status="draft")


def api(client, **params):
    response = client.get("/api/search", query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def slugs(data) -> list[str]:
    return [result["slug"] for result in data["results"]]


def test_a_practice_in_two_languages_is_one_result_in_the_visitors_language(client, library):
    ky = api(client, q="Каракол")
    assert slugs(ky) == ["karakol-waste"] and ky["total"] == 1
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "ru"
    ru = api(client, q="Каракол")
    assert ru["results"][0]["language"] == "ru"
    assert ru["results"][0]["url"].endswith("/practices/karakol-waste?lang=ru")
    assert ru["facets"]["language"] == {"ky": 1, "ru": 1}


def test_drafts_never_appear(client, library):
    assert "secret-draft" not in slugs(api(client, q="мусор Каракол таштанды"))


def test_inflected_folded_and_latin_queries_find_the_practice(client, library):
    for query in ("Караколдо", "таштандыларды", "Karakol", "караколдогу", "KARAKOL"):
        assert slugs(api(client, q=query))[:1] == ["karakol-waste"], query
    for query in ("Хельветас", "Helvetas", "ХЕЛВЕТАС"):
        assert "karakol-waste" in slugs(api(client, q=query)), query
    for query in ("Акмуз", "Ak-Muz", "Ак Муз", "ак-муздун"):
        assert slugs(api(client, q=query))[:1] == ["ak-muz-plan"], query
    assert slugs(api(client, q="аймагы"))[:1] == ["ak-muz-plan"]
    assert slugs(api(client, q="биргелешкен аракеттер планын"))[:1] == ["ak-muz-plan"]


def test_facets_filters_and_sorting(client, library):
    everything = api(client, q="Каракол Балыкчы Ак-Муз")
    assert everything["total"] == 3
    assert everything["facets"]["region"] == {"issyk-kul": 2, "naryn": 1}
    assert everything["facets"]["year"] == {"2019": 2, "2021": 1}
    assert everything["facets"]["type"] == {"practice": 3}
    assert slugs(api(client, q="Каракол Балыкчы Ак-Муз", region="naryn")) == ["ak-muz-plan"]
    assert slugs(api(client, q="Каракол Балыкчы Ак-Муз", topic="street-lighting")) == [
        "balykchy-lights"
    ]
    assert slugs(api(client, q="Каракол Балыкчы Ак-Муз", lang="ru", year=2021)) == [
        "balykchy-lights"
    ]
    newest = api(client, q="Каракол Балыкчы Ак-Муз", sort="date")
    assert slugs(newest)[0] == "ak-muz-plan"  # created last


def test_paging_and_caps(client, library):
    first = api(client, q="Каракол Балыкчы Ак-Муз", per_page=2)
    second = api(client, q="Каракол Балыкчы Ак-Муз", per_page=2, page=2)
    assert len(first["results"]) == 2 and len(second["results"]) == 1
    assert set(slugs(first)).isdisjoint(slugs(second))
    assert api(client, q="Каракол", per_page=1000)["per_page"] == 50
    deep = client.get("/api/search", query_string={"q": "Каракол", "page": 60})
    assert deep.status_code == 400 and "first 500 results" in deep.get_json()["message"]


def test_snippets_are_escaped_and_highlighted(client, make_practice):
    body = "Караколдо <script>alert(1)</script> Таштандыларды чогултуу."
    make_practice("xss", translations={"ky": {"title": "<b>Таштанды</b>", "body": body}})
    data = api(client, q="таштанды")
    snippet = data["results"][0]["snippet"]
    assert "<script>" not in snippet and "&lt;script&gt;" in snippet
    assert "<mark>Таштандыларды</mark>" in snippet
    page = client.get("/search?q=таштанды").get_data(as_text=True)
    assert "<b>Таштанды</b>" not in page and "&lt;b&gt;Таштанды&lt;/b&gt;" in page
    assert "<mark>Таштандыларды</mark>" in page


def test_search_page_shows_results_facets_and_filters(client, library):
    page = client.get("/search?q=Каракол+Балыкчы+Ак-Муз").get_data(as_text=True)
    assert "3 results" in page
    assert page.count('class="search-hit"') == 3
    assert 'href="/search?q=%D0%9A' in page and "region=naryn" in page  # facet links
    filtered = client.get("/search?q=Каракол+Балыкчы+Ак-Муз&region=naryn").get_data(as_text=True)
    assert "1 result" in filtered and "Filtered by:" in filtered
    assert "/practices/ak-muz-plan" in filtered and "/practices/karakol-waste" not in filtered


def test_nothing_found_offers_spelling_relaxed_queries_and_topics(client, library):
    typo = client.get("/search?q=таштандылардды").get_data(as_text=True)
    assert "/practices/karakol-waste" in typo  # a typo of two letters still finds the word
    nothing = client.get("/search?q=Каракол+zzqxj&region=naryn").get_data(as_text=True)
    assert "Nothing found" in nothing
    assert "Search again without the filters" in nothing
    assert "Search only for “каракол”" in nothing
    assert "/practices/?topic=waste-management" in nothing


def test_spelling_suggestion_for_a_misspelt_word(client, library):
    data = api(client, q="Караколл")
    assert slugs(data)[:1] == ["karakol-waste"]
    assert data["suggestion"] == "каракол"


HOSTILE = [
    '"unbalanced',
    "AND OR NOT",
    "*",
    "**",
    "?",
    "a" * 10_000,
    "таштанды " * 2_000,
    "\x01\x02\x1b[31m",
    "'; DROP TABLE practice; --",
    "<script>alert(1)</script>",
    "title:(x",
    "())(()",
    "-",
    "ӨҮҢ ѳ ё",
    "\u202eташтанды",
    "🙂🙂🙂",
    "x*",
    'ab* "cd ef" gh~2 ^3',
]


@pytest.mark.parametrize("query", HOSTILE)
def test_any_query_string_is_answered_sensibly(client, library, query):
    for path in ("/search", "/api/search", "/api/search/suggest"):
        response = client.get(path, query_string={"q": query})
        assert response.status_code == 200, (path, query, response.status_code)


def test_garbage_parameters_are_ignored_or_refused_with_a_message(client, library):
    for params in (
        {"page": "abc"},
        {"page": "-1"},
        {"per_page": "0"},
        {"year": "x"},
        {"type": "user"},
        {"region": "mars"},
        {"sort": "evil"},
        {"lang": "xx"},
        {"page": "99999999999999999999"},
    ):
        response = client.get("/api/search", query_string={"q": "Каракол", **params})
        assert response.status_code in (200, 400), params
        if response.status_code == 200:
            assert slugs(response.get_json()) == ["karakol-waste"], params


def test_queries_are_logged_without_identity(app, client, login_as, library):
    login_as()
    api(client, q="  Караколдо   ТАШТАНДЫ ")
    api(client, q="Караколдо", page=2)  # paging is not a new search
    client.get("/search?q=zzqxj")
    with app.app_context():
        rows = db.session.scalars(select(SearchQuery).order_by(SearchQuery.id)).all()
        assert [(r.text, r.results, r.source) for r in rows] == [
            ("караколдо таштанды", 1, "api"),
            ("zzqxj", 0, "web"),
        ]
        assert {column.name for column in SearchQuery.__table__.columns}.isdisjoint(
            {"user_id", "ip", "session"}
        )


def test_search_is_rate_limited(make_app):
    app = make_app(RATELIMIT_ENABLED=True, SEARCH_RATE_LIMIT="3 per minute")
    client = app.test_client()
    codes = [client.get("/api/search?q=x").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert client.get("/search?q=x").status_code == 429


def test_completions_of_titles(client, library):
    data = client.get("/api/search/suggest", query_string={"q": "Ак-Муз айыл айм"}).get_json()
    assert [s["title"] for s in data["suggestions"]] == [NARYN_PLAN["ky"]["title"]]
    folded = client.get("/api/search/suggest", query_string={"q": "уличное осв"}).get_json()
    assert folded["suggestions"][0]["url"].endswith("/practices/balykchy-lights?lang=ru")
    assert client.get("/api/search/suggest?q=a").get_json()["suggestions"] == []


def test_every_page_has_the_search_box_with_completion(client):
    page = client.get("/").get_data(as_text=True)
    assert re.search(r'<input id="site-search"[^>]+list="search-suggestions"', page)
    assert 'data-endpoint="/api/search/suggest"' in page and "portal.js" in page
    empty = client.get("/search").get_data(as_text=True)
    assert "names in Latin letters" in empty


def test_search_pages_speak_the_visitors_language(client, library):
    page = client.get("/search?q=zzqxj", headers={"Accept-Language": "ky"})
    assert "табылган жок" in page.get_data(as_text=True)
    data = client.get("/api/search?q=Каракол&page=60", headers={"Accept-Language": "ru"})
    assert "Показываются только первые 500" in data.get_json()["message"]


def test_responses_match_the_openapi_description(client, library):
    from jsonschema import Draft202012Validator
    from openapi_spec_validator import validate

    spec = client.get("/api/openapi.json").get_json()
    validate(spec)

    def check(schema_name: str, data: dict) -> None:
        schema = {"$ref": f"#/components/schemas/{schema_name}", "components": spec["components"]}
        Draft202012Validator(schema).validate(data)

    check("SearchResults", api(client, q="Каракол Балыкчы", region="issyk-kul"))
    check("SearchResults", api(client, q="zzqxj"))
    check("Suggestions", client.get("/api/search/suggest?q=Ак-Муз").get_json())
    for path in ("/api/search", "/api/search/suggest"):
        assert "get" in spec["paths"][path]


def test_hyphenated_names_and_words_with_digits_match_whole_and_in_parts(client, make_practice):
    texts = {
        "ky": {
            "title": "COVID-19 учурунда видео-сабактар",
            "body": "Ак-Муз айыл аймагы COVID-19 пандемиясы учурунда видео-сабактарды жаздырды.",
        }
    }
    make_practice("video-lessons", municipality="", partners="", translations=texts)
    for query in (
        "COVID-19",
        "covid19",
        "covid",
        "видео-сабактар",
        "видеосабак",
        "сабактар",
        "Ак-Муз",
        "акмуз",
        "Ак Муз",
        "муз",
    ):
        assert slugs(api(client, q=query)) == ["video-lessons"], query


def test_typos_of_one_or_two_letters_still_find_the_word(client, library):
    for typo in ("таштандылрды", "таштандыларлы", "Каракл", "Kаракол", "биргелешкен аракетр"):
        assert slugs(api(client, q=typo))[:1] in (["karakol-waste"], ["ak-muz-plan"]), typo
    assert slugs(api(client, q="таштнадыларды"))[:1] == ["karakol-waste"]  # two letters swapped

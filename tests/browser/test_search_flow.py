"""A visitor searches from the header box, gets completions, narrows by facets, and recovers
from a query that finds nothing; the same works with JavaScript off."""

import re

from playwright.sync_api import expect

NARYN = {
    "ky": {
        "title": "Ак-Муз айыл аймагынын биргелешкен аракеттер планы",
        "summary": "Активисттер жана депутаттар менен талкуу.",
        "body": "Ак-Муздо биргелешкен аракеттер планы тургундар менен талкууланды.",
    }
}


def library(make_practice):
    make_practice("karakol-waste")
    make_practice(
        "ak-muz-plan",
        region="naryn",
        district=None,
        municipality="Ак-Муз айыл аймагы",
        topics=["joint-action-plan"],
        translations=NARYN,
    )


def test_visitor_searches_with_completion_and_facets(live_server, page, make_practice):
    library(make_practice)
    page.goto("/")
    box = page.locator("#site-search")
    box.press_sequentially("Ак-Муз айыл", delay=30)
    option = page.locator("#search-suggestions option")
    expect(option).to_have_count(1)
    assert option.get_attribute("value") == NARYN["ky"]["title"]

    box.fill("Караколдо таштанды")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search\?q="))
    hits = page.locator(".search-hit")
    expect(hits).to_have_count(1)
    expect(hits.first.locator("mark").first).to_be_visible()

    page.fill("#search-q", "Karakol Ak-Muz")
    page.click(".search-form button[type=submit]")
    expect(hits).to_have_count(2)
    page.click(".facets a[href*='region=naryn']")
    expect(hits).to_have_count(1)
    expect(page.locator(".active-filters")).to_be_visible()
    page.click(".search-hit h2 a")
    expect(page.locator("h1")).to_have_text(NARYN["ky"]["title"])


def test_nothing_found_leads_somewhere_without_javascript(new_page, make_practice):
    library(make_practice)
    page = new_page(java_script_enabled=False)
    page.goto("/")
    page.fill("#site-search", "Караколдо zzqxj")
    page.click(".search-box button[type=submit]")
    expect(page.locator(".search-hit")).to_have_count(1)  # not every word has to match
    page.fill("#search-q", "zzqxj")
    page.click(".search-form button[type=submit]")
    expect(page.locator(".nothing-found")).to_be_visible()
    page.click(".nothing-found a[href*='topic=waste-management']")
    expect(page).to_have_url(re.compile(r"/practices/\?topic=waste-management"))
    expect(page.locator("a[href^='/practices/karakol-waste']")).to_be_visible()

"""The programme dashboard: who may see it, its filters in the URL, exports, the map, and what
people search for and do not find."""

import io
from datetime import timedelta
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from portal.extensions import db
from portal.models import Role, utcnow
from portal.reports import Column, Table
from portal.reports.exports import table_csv, table_xlsx
from portal.search.models import SearchQuery


def log_searches(app, rows):
    """Store search log rows: (text, language, results, days ago)."""
    with app.app_context():
        for text, language, results, days_ago in rows:
            db.session.add(
                SearchQuery(
                    text=text,
                    language=language,
                    results=results,
                    duration_ms=5,
                    created_at=utcnow() - timedelta(days=days_ago),
                )
            )
        db.session.commit()


SEARCHES = [
    ("таштанды", "ky", 4, 1),
    ("таштанды", "ky", 4, 2),
    ("таштанды", "ky", 5, 3),
    ("көпүрө", "ky", 0, 1),
    ("көпүрө", "ky", 0, 5),
    ("мост", "ru", 1, 2),
    ("мост", "ru", 1, 200),  # outside the last 30 days
    ("bridge", "en", 0, 400),  # outside the last year
]


def test_only_trainers_and_admins_see_the_dashboard(client, login_as):
    assert client.get("/reports/").status_code == 302
    login_as(Role.LEARNER)
    assert client.get("/reports/").status_code == 403
    assert client.get("/reports/search/gaps.csv").status_code == 403


def test_search_gaps_per_period(app, client, login_as):
    log_searches(app, SEARCHES)
    login_as(Role.TRAINER)
    page = client.get("/reports/?period=30").get_data(as_text=True)
    assert "Searches that found little: practices to write next" in page
    month = client.get("/reports/search/frequent.csv?period=30").get_data(as_text=True)
    lines = month.lstrip("\ufeff").splitlines()
    assert lines[0] == "Language,Search,Searches,Results"
    assert lines[1:] == ["ky,таштанды,3,5", "ky,көпүрө,2,0", "ru,мост,1,1"]
    gaps = client.get("/reports/search/gaps.csv?period=365").get_data(as_text=True)
    assert gaps.lstrip("\ufeff").splitlines()[1:] == ["көпүрө,ky,2,0", "мост,ru,2,1"]
    everything = client.get("/reports/search/gaps.csv?period=all").get_data(as_text=True)
    assert "bridge,en,1,0" in everything
    assert "/practices/new?title=%D0%BA%D3%A9%D0%BF%D2%AF%D1%80%D3%A9&amp;lang=ky" in page


def test_searches_are_counted_in_the_figures(app, client, login_as):
    log_searches(app, SEARCHES)
    login_as(Role.ADMIN)
    page = client.get("/reports/?period=30").get_data(as_text=True)
    assert "<dt>Searches</dt><dd>6</dd>" in page
    assert "<dt>Searches that found nothing</dt><dd>2</dd>" in page


def test_a_custom_period_and_nonsense_filters(app, client, login_as):
    log_searches(app, SEARCHES)
    login_as(Role.TRAINER)
    # The dashboard's days are Bishkek's (UTC+6): after 18:00 UTC its today is tomorrow in UTC.
    today = utcnow().astimezone(ZoneInfo(app.config["BABEL_DEFAULT_TIMEZONE"])).date()
    start, end = today - timedelta(days=2), today - timedelta(days=1)
    url = f"/reports/search/frequent.csv?period=custom&start={end}&end={start}"  # reversed
    rows = client.get(url).get_data(as_text=True).lstrip("\ufeff").splitlines()[1:]
    assert sorted(rows) == sorted(["ky,таштанды,2,4", "ky,көпүрө,1,0", "ru,мост,1,1"])
    for query in ("period=forever", "region=mars", "topic=x", "start=nonsense&period=custom"):
        assert client.get(f"/reports/?{query}").status_code == 200, query
    assert client.get("/reports/search/nothing.csv").status_code == 404
    assert client.get("/reports/nowhere/gaps.xlsx").status_code == 404


def test_the_filters_stay_in_every_link(app, client, login_as):
    login_as(Role.TRAINER)
    page = client.get("/reports/?period=90&region=naryn").get_data(as_text=True)
    assert "/reports/search/gaps.csv?period=90&amp;region=naryn" in page
    assert 'value="naryn" selected' in page


def test_exports_are_what_the_table_holds_and_safe_in_spreadsheets():
    table = Table(
        "sample",
        "Үлгү: таблица",
        [Column("name", "Аты"), Column("count", "Саны", numeric=True)],
        [['=HYPERLINK("x")', 3], ["Өзгөн", 12], ["+996", None]],
    )
    text = table_csv(table)
    assert text.startswith("\ufeffАты,Саны\r\n")
    assert "'=HYPERLINK" in text and "Өзгөн,12" in text and "'+996," in text
    sheet = load_workbook(io.BytesIO(table_xlsx(table))).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows == [["Аты", "Саны"], ['\'=HYPERLINK("x")', 3], ["Өзгөн", 12], ["'+996", None]]
    assert sheet.title == "Үлгү- таблица" and sheet["A1"].font.bold


def test_the_xlsx_download_opens(app, client, login_as):
    log_searches(app, SEARCHES)
    login_as(Role.TRAINER)
    response = client.get("/reports/search/frequent.xlsx?period=30")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert 'filename="frequent.xlsx"' in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet["B2"].value == "таштанды" and sheet["C2"].value == 3

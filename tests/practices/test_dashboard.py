"""The library's section of the programme dashboard, checked against hand-computed fixtures.

The period is the first quarter of 2024, Bishkek time (UTC+6): 2023-12-31 18:00 UTC is
already 1 January there, and 2024-03-31 18:00 UTC is already 1 April.
"""

import io
import re
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook

from portal.extensions import db
from portal.models import Role
from portal.reference_data import region_by_code
from portal.reports.filters import filters_from_request
from practices.dashboard import build_library_section
from practices.models import Practice, PracticeViewCount, Replication

QUARTER = "period=custom&start=2024-01-01&end=2024-03-31"
SECRET_NAMES = ("Айгүл Секреттүү", "Бакыт Жашыруун")
REGIONS = [
    "Batken Region",
    "Chüy Region",
    "Issyk-Kul Region",
    "Jalal-Abad Region",
    "Naryn Region",
    "Osh Region",
    "Talas Region",
    "Bishkek City",
    "Osh City",
]

#: slug: (region, topics, status, published_at in UTC, English title)
PRACTICES = {
    "karakol-waste": ("issyk-kul", ["waste-management", "private-sector"], "published",
                      datetime(2024, 1, 10, 10, 0, tzinfo=UTC), "Waste in Karakol"),
    "naryn-plan": ("naryn", ["joint-action-plan"], "published",
                   datetime(2024, 2, 15, 9, 0, tzinfo=UTC), "Naryn plan"),
    "osh-lights": ("osh-city", ["street-lighting", "waste-management"], "published",
                   datetime(2024, 3, 31, 18, 0, tzinfo=UTC), "Osh lights"),
    "chui-waste": ("chui", ["waste-management"], "archived",
                   datetime(2024, 3, 1, 6, 0, tzinfo=UTC), "Chüy waste"),
    "batken-draft": ("batken", ["culture"], "draft", None, "Batken draft"),
    "talas-budget": ("talas", ["citizen-budget"], "published",
                     datetime(2023, 12, 31, 18, 0, tzinfo=UTC), "Talas budget"),
    "bishkek-old": ("bishkek", ["waste-management"], "published",
                    datetime(2023, 6, 1, 6, 0, tzinfo=UTC), "Bishkek old"),
}  # fmt: skip

#: slug: [(day, views)]
VIEWS = {
    "karakol-waste": [(date(2024, 1, 5), 3), (date(2024, 2, 10), 2),
                      (date(2024, 4, 1), 5), (date(2023, 12, 31), 4)],
    "naryn-plan": [(date(2024, 3, 31), 7)],
    "chui-waste": [(date(2024, 2, 1), 4)],
    "osh-lights": [(date(2024, 4, 2), 6)],
    "bishkek-old": [(date(2024, 1, 20), 2)],
}  # fmt: skip

#: (practice, region of the applying municipality or None, created_at in UTC)
REPLICATIONS = [
    ("karakol-waste", "naryn", datetime(2024, 1, 15, 8, 0, tzinfo=UTC)),
    ("karakol-waste", "osh", datetime(2024, 2, 20, 8, 0, tzinfo=UTC)),
    ("naryn-plan", "naryn", datetime(2024, 3, 10, 8, 0, tzinfo=UTC)),
    ("naryn-plan", None, datetime(2024, 3, 11, 8, 0, tzinfo=UTC)),
    ("karakol-waste", "chui", datetime(2024, 4, 5, 8, 0, tzinfo=UTC)),
    ("chui-waste", "naryn", datetime(2024, 1, 3, 8, 0, tzinfo=UTC)),
]


def texts(english: str) -> dict:
    """Titles in three languages, told apart by their first word."""
    body = {"body": "Текст."}
    return {
        "ky": {"title": f"Кыргызча {english}", **body},
        "ru": {"title": f"Русский {english}", **body},
        "en": {"title": english, **body},
    }


@pytest.fixture
def library(app, make_practice, make_user):
    """The practices, views and replications above; returns {slug: id}."""
    ids = {}
    for slug, (region, topics, status, published_at, title) in PRACTICES.items():
        ids[slug] = make_practice(
            slug, region=region, district=None, topics=topics, translations=texts(title)
        )
        with app.app_context():
            practice = db.session.get(Practice, ids[slug])
            practice.status, practice.published_at = status, published_at
            db.session.commit()
    users = [make_user(Role.LEARNER, name=SECRET_NAMES[n % 2])[0] for n in range(len(REPLICATIONS))]
    with app.app_context():
        for slug, days in VIEWS.items():
            for day, views in days:
                db.session.add(PracticeViewCount(practice_id=ids[slug], day=day, views=views))
        for user_id, (slug, region, created_at) in zip(users, REPLICATIONS, strict=True):
            region_id = region_by_code(region).id if region else None
            db.session.add(
                Replication(
                    practice_id=ids[slug], user_id=user_id, region_id=region_id,
                    created_at=created_at,
                )
            )  # fmt: skip
        db.session.commit()
    return ids


def section_for(app, query: str, language: str = "en"):
    """The library section built for the dashboard URL's query string."""
    with app.test_request_context(f"/reports/?{query}", headers={"Accept-Language": language}):
        filters, _period = filters_from_request()
        section = build_library_section(filters)
        return section, {table.key: table for table in section.tables}


def column(table, index: int = -1) -> list:
    """One column of a table's rows."""
    return [row[index] for row in table.rows]


def test_figures_in_the_period(app, library):
    section, _tables = section_for(app, QUARTER)
    assert [(str(label), value) for label, value in section.figures] == [
        ("Practices published", 4),  # karakol, naryn, archived chui, talas (1 Jan in Bishkek)
        ("Practice page views", 18),  # 3 + 2 karakol, 7 naryn, 4 archived chui, 2 bishkek-old
        ("“Our municipality applied this” marks", 5),
    ]


def test_published_per_topic_and_region(app, library):
    _section, tables = section_for(app, QUARTER)
    topics = dict(tables["published-by-topic"].rows)
    assert topics["Solid waste collection"] == 2  # karakol and the archived chui one
    assert topics["Private-sector engagement"] == 1
    assert topics["Joint action plans"] == 1
    assert topics["Citizen budget and budget hearings"] == 1
    assert topics["Street lighting"] == 0  # osh-lights: 1 April in Bishkek
    assert topics["Culture and leisure"] == 0  # a draft
    assert sum(topics.values()) == 5 and len(topics) == 14
    regions = tables["published-by-region"]
    assert column(regions, 0) == REGIONS
    assert column(regions) == [0, 1, 1, 0, 1, 0, 1, 0, 0]
    assert "archived ones included" in str(regions.note)


def test_most_read_and_views_per_month(app, library):
    section, tables = section_for(app, QUARTER)
    most_read = tables["most-read"]
    assert most_read.rows == [
        ["Naryn plan", "Naryn Region", 7],
        ["Waste in Karakol", "Issyk-Kul Region", 5],
        ["Chüy waste (archived)", "Chüy Region", 4],
        ["Bishkek old", "Bishkek City", 2],
    ]
    assert most_read.links == {
        0: "/practices/naryn-plan",
        1: "/practices/karakol-waste",
        2: "/practices/chui-waste",
        3: "/practices/bishkek-old",
    }
    by_region, by_month = section.charts
    assert not by_region.over_time and by_month.over_time
    assert by_region.bars == list(zip(REGIONS, [0, 1, 1, 0, 1, 0, 1, 0, 0], strict=True))
    assert by_month.bars == [("2024-01", 5), ("2024-02", 6), ("2024-03", 7)]


def test_applied_per_region_of_the_applying_municipality_and_per_practice(app, library):
    _section, tables = section_for(app, QUARTER)
    by_region = tables["applied-by-region"]
    assert column(by_region, 0) == REGIONS + ["Not stated"]
    assert column(by_region) == [0, 0, 0, 0, 3, 1, 0, 0, 0, 1]
    assert tables["applied-by-practice"].rows == [
        ["Waste in Karakol", "Issyk-Kul Region", 2],
        ["Naryn plan", "Naryn Region", 2],
        ["Chüy waste (archived)", "Chüy Region", 1],
    ]
    assert tables["applied-by-practice"].links[1] == "/practices/naryn-plan"


def test_the_map_shades_published_practices_per_region(app, client, login_as, library):
    section, _tables = section_for(app, QUARTER)
    (measure,) = section.measures
    assert measure.key == "library-published"
    assert measure.values == {
        "batken": 0, "chui": 1, "issyk-kul": 1, "jalal-abad": 0, "naryn": 1,
        "osh": 0, "talas": 1, "bishkek": 0, "osh-city": 0,
    }  # fmt: skip
    login_as(Role.TRAINER)
    page = client.get(f"/reports/map?measure=library-published&{QUARTER}")
    html = page.get_data(as_text=True)
    assert 'aria-label="Talas Region: 1"' in html and 'aria-label="Osh City: 0"' in html


def test_the_region_filter(app, library):
    section, tables = section_for(app, f"{QUARTER}&region=naryn")
    assert [value for _label, value in section.figures] == [1, 7, 3]
    assert column(tables["published-by-region"]) == [0, 0, 0, 0, 1, 0, 0, 0, 0]
    assert column(tables["most-read"], 0) == ["Naryn plan"]
    # For "applied", the region is the applying municipality's, not the practice's.
    assert column(tables["applied-by-region"]) == [0, 0, 0, 0, 3, 0, 0, 0, 0, 0]
    assert tables["applied-by-practice"].rows == [
        ["Waste in Karakol", "Issyk-Kul Region", 1],
        ["Naryn plan", "Naryn Region", 1],
        ["Chüy waste (archived)", "Chüy Region", 1],
    ]
    assert "the region filter selects that region too" in str(tables["applied-by-region"].note)


def test_the_topic_filter(app, library):
    section, tables = section_for(app, f"{QUARTER}&topic=waste-management")
    assert [value for _label, value in section.figures] == [2, 11, 3]
    topics = dict(tables["published-by-topic"].rows)
    assert topics["Solid waste collection"] == 2 and topics["Private-sector engagement"] == 1
    assert topics["Joint action plans"] == 0
    assert column(tables["most-read"]) == [5, 4, 2]
    assert column(tables["applied-by-region"]) == [0, 0, 0, 0, 2, 1, 0, 0, 0, 0]


def test_the_whole_history(app, library):
    section, tables = section_for(app, "period=all")
    assert [value for _label, value in section.figures] == [6, 33, 6]
    assert column(tables["published-by-region"]) == [0, 1, 1, 0, 1, 0, 1, 1, 1]
    by_month = dict(section.charts[1].bars)
    assert list(by_month)[0] == "2023-12"  # from the first month anyone read a practice
    assert by_month["2023-12"] == 4 and by_month["2024-04"] == 11
    assert sum(by_month.values()) == 33


def test_names_in_the_viewers_language(app, library):
    _section, tables = section_for(app, QUARTER, language="ru")
    assert tables["most-read"].rows[0] == ["Русский Naryn plan", "Нарынская область", 7]
    assert column(tables["published-by-region"], 0)[-2:] == ["город Бишкек", "город Ош"]
    assert tables["published-by-topic"].rows[0] == ["Сбор твёрдых бытовых отходов", 2]


def test_an_empty_library_shows_zeros(app):
    section, tables = section_for(app, QUARTER)
    assert [value for _label, value in section.figures] == [0, 0, 0]
    assert tables["most-read"].rows == [] and tables["applied-by-practice"].rows == []
    assert section.charts[1].bars == [("2024-01", 0), ("2024-02", 0), ("2024-03", 0)]
    assert section_for(app, "period=all")[0].charts[1].bars == []


def csv_lines(client, table: str, query: str = QUARTER) -> list[str]:
    """A library table downloaded as CSV, line by line, without the byte order mark."""
    response = client.get(f"/reports/library/{table}.csv?{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True).lstrip("\ufeff").splitlines()


def test_csv_downloads(client, login_as, library):
    login_as(Role.TRAINER)
    assert csv_lines(client, "most-read") == [
        "Practice,Region,Page views",
        "Naryn plan,Naryn Region,7",
        "Waste in Karakol,Issyk-Kul Region,5",
        "Chüy waste (archived),Chüy Region,4",
        "Bishkek old,Bishkek City,2",
    ]
    assert csv_lines(client, "published-by-region")[:3] == [
        "Region,Practices",
        "Batken Region,0",
        "Chüy Region,1",
    ]
    assert csv_lines(client, "applied-by-region")[-1] == "Not stated,1"
    assert csv_lines(client, "applied-by-practice")[1] == "Waste in Karakol,Issyk-Kul Region,2"
    assert "Solid waste collection,2" in csv_lines(client, "published-by-topic")
    assert csv_lines(client, "most-read", f"{QUARTER}&region=naryn")[1:] == [
        "Naryn plan,Naryn Region,7"
    ]


def test_xlsx_downloads(client, login_as, library):
    login_as(Role.ADMIN)
    response = client.get(f"/reports/library/applied-by-region.xlsx?{QUARTER}")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == ["Region", "Marks"]
    assert rows[1:] == [[name, count] for name, count in zip(
        REGIONS + ["Not stated"], [0, 0, 0, 0, 3, 1, 0, 0, 0, 1], strict=True
    )]  # fmt: skip
    response = client.get(f"/reports/library/most-read.xlsx?{QUARTER}")
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert [cell.value for cell in sheet[2]] == ["Naryn plan", "Naryn Region", 7]


def test_the_dashboard_page_shows_the_section_and_no_person(app, client, login_as, library):
    _user_id, own_email = login_as(Role.TRAINER)
    page = client.get(f"/reports/?{QUARTER}").get_data(as_text=True)
    assert '<section class="report-section" id="library">' in page
    assert "<dt>Practice page views</dt><dd>18</dd>" in page
    assert '<a href="/practices/naryn-plan">Naryn plan</a>' in page
    assert "/reports/library/most-read.csv?period=custom" in page
    downloads = [
        client.get(f"/reports/library/{key}.csv?{QUARTER}").get_data(as_text=True)
        for key in ("applied-by-region", "applied-by-practice", "most-read")
    ]
    for text in [page, *downloads]:
        for name in SECRET_NAMES:
            assert name not in text
        assert "@example.kg" not in text.replace(own_email, "")


def title_inputs(client, query: str) -> dict[str, str]:
    """The values of the three title fields of the new-practice form opened with `query`."""
    html = client.get(f"/practices/new?{query}").get_data(as_text=True)
    found = re.findall(r'<input id="(ky|ru|en)-title"[^>]* value="([^"]*)"', html)
    return dict(found)


def test_a_search_starts_a_practice_with_its_title(client, login_as):
    login_as(Role.TRAINER)
    assert title_inputs(client, "title=көпүрө&lang=ky") == {"ky": "көпүрө", "ru": "", "en": ""}
    assert title_inputs(client, "title=мост&lang=ru")["ru"] == "мост"
    assert title_inputs(client, "title=bridge&lang=fr") == {"ky": "", "ru": "", "en": ""}
    assert title_inputs(client, "title=bridge") == {"ky": "", "ru": "", "en": ""}
    long = title_inputs(client, "title=" + "ө" * 300 + "&lang=ky")["ky"]
    assert long == "ө" * 200


def test_the_prefilled_title_is_plain_text(client, login_as):
    login_as(Role.TRAINER)
    query = "title=%3Cscript%3Ealert(1)%3C/script%3E%0A%09жол%1B&lang=en"
    assert title_inputs(client, query)["en"] == "&lt;script&gt;alert(1)&lt;/script&gt; жол"
    assert "<script>alert(1)" not in client.get(f"/practices/new?{query}").get_data(as_text=True)

"""The library on the programme dashboard: what was published, read and applied, and where.

Only aggregates: view counts hold no person, and "applied" marks are counted per region and
practice, never listed with the accounts that made them.
"""

from datetime import date

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, extract, func, select
from sqlalchemy.orm import joinedload, selectinload

from portal.extensions import db
from portal.i18n import pick_translation
from portal.models import Region, Topic
from portal.reference_data import all_regions, all_topics
from portal.reports import Bars, Column, MapMeasure, ReportFilters, Section, Table
from portal.reports.filters import utc_bounds
from practices.models import Practice, PracticeViewCount, Replication, Status, practice_topic
from practices.services import bishkek_today

TOP = 20
#: Archived practices are no longer listed, but they were published: they count.
WAS_PUBLISHED = (Status.PUBLISHED, Status.ARCHIVED)


def build_library_section(filters: ReportFilters) -> Section:
    """Practices published, read and applied in the period, per topic, region and practice."""
    regions = all_regions()
    per_region = published_per_region(filters, regions)
    names = {region.code: region.name for region in regions}
    section = Section("library", _l("Library"))
    section.figures = [
        (_l("Practices published"), count_rows(published_in_period(filters))),
        (_l("Practice page views"), total_views(filters)),
        (_l("“Our municipality applied this” marks"), count_rows(applied_in_period(filters))),
    ]
    section.tables = [
        topic_table(filters),
        region_table(per_region, names),
        most_read_table(filters),
        applied_region_table(filters, regions),
        applied_practice_table(filters),
    ]
    section.charts = [region_chart(per_region, names), views_chart(filters)]
    section.measures = [MapMeasure("library-published", _l("Practices published"), per_region)]
    return section


def in_range(query: Select, column, begin, until) -> Select:
    """Keep rows with begin <= column < until (None: open on that side)."""
    if begin is not None:
        query = query.where(column >= begin)
    if until is not None:
        query = query.where(column < until)
    return query


def region_id(code: str):
    """The id of the region with `code`, as a subquery."""
    return select(Region.id).where(Region.code == code).scalar_subquery()


def in_scope(query: Select, filters: ReportFilters, practice_region: bool = True) -> Select:
    """Keep practices of the filters' topic and, unless told otherwise, of their region."""
    if filters.region and practice_region:
        query = query.where(Practice.region_id == region_id(filters.region))
    if filters.topic:
        with_topic = (
            select(practice_topic.c.practice_id)
            .join(Topic, Topic.id == practice_topic.c.topic_id)
            .where(Topic.code == filters.topic)
        )
        query = query.where(Practice.id.in_(with_topic))
    return query


def published_in_period(filters: ReportFilters) -> Select:
    """(id, region_id) of the practices first published in the period, archived ones too."""
    query = select(Practice.id, Practice.region_id).where(
        Practice.status.in_(WAS_PUBLISHED), Practice.published_at.is_not(None)
    )
    return in_scope(in_range(query, Practice.published_at, *utc_bounds(filters)), filters)


def applied_in_period(filters: ReportFilters) -> Select:
    """The "applied" marks made in the period; the region filter means the applying region."""
    query = select(Replication.id, Replication.practice_id, Replication.region_id).join(
        Practice, Practice.id == Replication.practice_id
    )
    query = in_range(query, Replication.created_at, *utc_bounds(filters))
    if filters.region:
        query = query.where(Replication.region_id == region_id(filters.region))
    return in_scope(query, filters, practice_region=False)


def views_in_period(columns: list, filters: ReportFilters) -> Select:
    """`columns` over the daily view counts of the period, for practices in the filters' scope."""
    query = select(*columns).select_from(PracticeViewCount)
    query = query.join(Practice, Practice.id == PracticeViewCount.practice_id)
    if filters.start:
        query = query.where(PracticeViewCount.day >= filters.start)
    if filters.end:
        query = query.where(PracticeViewCount.day <= filters.end)
    return in_scope(query, filters)


def count_rows(query: Select) -> int:
    """How many rows `query` gives."""
    return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0


def total_views(filters: ReportFilters) -> int:
    """Practice page views in the period."""
    views = db.session.scalar(views_in_period([func.sum(PracticeViewCount.views)], filters))
    return int(views or 0)


def published_per_region(filters: ReportFilters, regions: list[Region]) -> dict[str, int]:
    """Practices published in the period per region code, every region listed."""
    published = published_in_period(filters).subquery()
    rows = db.session.execute(
        select(Region.code, func.count(published.c.id))
        .outerjoin(published, published.c.region_id == Region.id)
        .group_by(Region.code)
    )
    counts = dict(rows.all())
    return {region.code: counts.get(region.code, 0) for region in regions}


def topic_table(filters: ReportFilters) -> Table:
    """Practices published in the period per topic, in the topics' reference order."""
    published = published_in_period(filters).subquery()
    rows = db.session.execute(
        select(practice_topic.c.topic_id, func.count())
        .join(published, published.c.id == practice_topic.c.practice_id)
        .group_by(practice_topic.c.topic_id)
    )
    counts = dict(rows.all())
    return Table(
        "published-by-topic",
        _l("Practices published per topic"),
        [Column("topic", _l("Topic")), Column("practices", _l("Practices"), numeric=True)],
        [[topic.name, counts.get(topic.id, 0)] for topic in all_topics()],
        note=_l(
            "Practices first published in the period, archived ones included. A practice with "
            "several topics counts under each of them."
        ),
    )


def region_table(per_region: dict[str, int], names: dict[str, str]) -> Table:
    """Practices published in the period per region, in the regions' reference order."""
    return Table(
        "published-by-region",
        _l("Practices published per region"),
        [Column("region", _l("Region")), Column("practices", _l("Practices"), numeric=True)],
        [[names[code], count] for code, count in per_region.items()],
        note=_l(
            "By the region of the practice. Practices first published in the period, archived "
            "ones included."
        ),
    )


def region_chart(per_region: dict[str, int], names: dict[str, str]) -> Bars:
    """Practices published per region, as horizontal bars."""
    return Bars(
        "library-by-region",
        _l("Practices published per region"),
        _l("Number of practices first published in the period, per region of the practice."),
        [(names[code], count) for code, count in per_region.items()],
    )


def practice_title(practice: Practice) -> str:
    """The practice's title in the viewer's language (or the nearest), marked when archived."""
    translation = pick_translation(practice.translations)
    title = translation.title if translation else practice.slug
    if practice.status == Status.ARCHIVED:
        return _("%(title)s (archived)", title=title)
    return title


def top_practices(counted: Select) -> list[tuple[Practice, int]]:
    """The TOP practices by the (practice_id, total) rows of `counted`, largest first."""
    totals = counted.subquery()
    query = (
        select(Practice, totals.c.total)
        .join(totals, totals.c.practice_id == Practice.id)
        .options(selectinload(Practice.translations), joinedload(Practice.region))
        .order_by(totals.c.total.desc(), Practice.id)
        .limit(TOP)
    )
    return [(practice, int(total)) for practice, total in db.session.execute(query).all()]


def practice_rows(counted: Select) -> tuple[list[list], dict[int, str]]:
    """Rows of (title, region, number) and the link of each title, for the top practices."""
    rows, links = [], {}
    for index, (practice, total) in enumerate(top_practices(counted)):
        rows.append([practice_title(practice), practice.region.name, total])
        links[index] = url_for("practices.detail", slug=practice.slug)
    return rows, links


def most_read_table(filters: ReportFilters) -> Table:
    """The practices read most in the period."""
    total = func.sum(PracticeViewCount.views).label("total")
    counted = views_in_period([PracticeViewCount.practice_id, total], filters)
    rows, links = practice_rows(counted.group_by(PracticeViewCount.practice_id))
    return Table(
        "most-read",
        _l("Practices read most"),
        [
            Column("practice", _l("Practice")),
            Column("region", _l("Region")),
            Column("views", _l("Page views"), numeric=True),
        ],
        rows,
        note=_l(
            "Views of the practice's page in the period, without search robots, link previews "
            "and the practice's editors; no visitor is recorded. Archived practices keep their "
            "views."
        ),
        links=links,
    )


def views_chart(filters: ReportFilters) -> Bars:
    """Practice page views per month of the period, as columns over time."""
    year, month = extract("year", PracticeViewCount.day), extract("month", PracticeViewCount.day)
    query = views_in_period([year, month, func.sum(PracticeViewCount.views)], filters)
    rows = db.session.execute(query.group_by(year, month))
    totals = {(int(y), int(m)): int(n) for y, m, n in rows}
    bars = [(f"{y}-{m:02d}", totals.get((y, m), 0)) for y, m in months(filters, totals)]
    return Bars(
        "library-views",
        _l("Practice page views per month"),
        _l("Views of practice pages by readers, per month of the period."),
        bars,
        over_time=True,
    )


def months(filters: ReportFilters, totals: dict) -> list[tuple[int, int]]:
    """Every (year, month) of the period; an open period starts at the first month viewed."""
    first = filters.start or (date(*min(totals), 1) if totals else None)
    last = filters.end or bishkek_today()
    if first is None:
        return []
    year, month = first.year, first.month
    found = []
    while (year, month) <= (last.year, last.month):
        found.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def applied_region_table(filters: ReportFilters, regions: list[Region]) -> Table:
    """Marks in the period per region of the applying municipality, "not stated" last."""
    marks = applied_in_period(filters).subquery()
    query = select(marks.c.region_id, func.count()).group_by(marks.c.region_id)
    counts = dict(db.session.execute(query).all())
    rows = [[region.name, counts.get(region.id, 0)] for region in regions]
    return Table(
        "applied-by-region",
        _l("Practices applied, per region of the applying municipality"),
        [Column("region", _l("Region")), Column("marks", _l("Marks"), numeric=True)],
        rows + [[_("Not stated"), counts.get(None, 0)]],
        note=_l(
            "“Our municipality applied this” marks made in the period, by the region of the "
            "municipality that applied the practice; the region filter selects that region "
            "too. Accounts without a region are counted as not stated."
        ),
    )


def applied_practice_table(filters: ReportFilters) -> Table:
    """The practices applied most in the period."""
    marks = applied_in_period(filters).subquery()
    counted = select(marks.c.practice_id, func.count().label("total")).group_by(marks.c.practice_id)
    rows, links = practice_rows(counted)
    return Table(
        "applied-by-practice",
        _l("Practices applied most"),
        [
            Column("practice", _l("Practice")),
            Column("region", _l("Region of the practice")),
            Column("marks", _l("Marks"), numeric=True),
        ],
        rows,
        note=_l(
            "“Our municipality applied this” marks made in the period; the region filter "
            "selects the region of the municipality that applied the practice."
        ),
        links=links,
    )

"""Reading the dashboard's filters from the query string, so every report can be bookmarked."""

from datetime import date, datetime, time, timedelta

from flask import request
from flask_babel import get_timezone

from portal.reference_data import all_regions, all_topics
from portal.reports import ReportFilters

#: The period choices, in days back from today (None: since the beginning).
PERIODS = {"30": 30, "90": 90, "365": 365, "all": None}
DEFAULT_PERIOD = "365"
MAX_SLUG = 80


def filters_from_request() -> tuple[ReportFilters, str]:
    """(filters, period key) from ?period=30|90|365|all|custom&start=&end=&region=&course=&topic=.

    Nonsense is ignored, never an error: a report link that outlived a region code still opens.
    """
    period = request.args.get("period", DEFAULT_PERIOD)
    start, end = period_dates(period)
    if period == "custom":
        start, end = parse_date(request.args.get("start")), parse_date(request.args.get("end"))
        if start and end and start > end:
            start, end = end, start
    elif period not in PERIODS:
        period = DEFAULT_PERIOD
    region = request.args.get("region", "")
    topic = request.args.get("topic", "")
    filters = ReportFilters(
        start=start,
        end=end,
        region=region if region in {r.code for r in all_regions()} else "",
        course=request.args.get("course", "")[:MAX_SLUG],
        topic=topic if topic in {t.code for t in all_topics()} else "",
    )
    return filters, period


def period_dates(period: str) -> tuple[date | None, date | None]:
    """(first day, last day) of a preset period ending today, Bishkek time."""
    days = PERIODS.get(period)
    if days is None:
        return None, None
    today = datetime.now(get_timezone()).date()
    return today - timedelta(days=days - 1), today


def parse_date(text: str | None) -> date | None:
    """A YYYY-MM-DD date, or None for anything else."""
    try:
        return date.fromisoformat((text or "")[:10])
    except ValueError:
        return None


def filter_args(filters: ReportFilters, period: str) -> dict[str, str]:
    """The query-string arguments that reproduce these filters."""
    args = {"period": period, "region": filters.region, "course": filters.course}
    args |= {"topic": filters.topic}
    if period == "custom":
        args |= {"start": str(filters.start or ""), "end": str(filters.end or "")}
    return {key: value for key, value in args.items() if value}


def utc_bounds(filters: ReportFilters) -> tuple[datetime | None, datetime | None]:
    """The period as UTC instants [from, until) for comparing stored timestamps."""
    zone = get_timezone()
    begin = until = None
    if filters.start:
        begin = zone.localize(datetime.combine(filters.start, time.min))  # pytz: not tzinfo=
    if filters.end:
        until = zone.localize(datetime.combine(filters.end + timedelta(days=1), time.min))
    return begin, until

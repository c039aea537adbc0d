"""The dashboard pages: every section, one table's exports, and the map of a measure."""

import time

from flask import Blueprint, Response, abort, current_app, render_template, request
from werkzeug.utils import secure_filename

from portal.auth.decorators import role_required
from portal.maps import region_map
from portal.models import Role
from portal.reference_data import all_regions, all_topics
from portal.reports import Section, section_sources
from portal.reports.charts import draw
from portal.reports.exports import table_csv, table_xlsx
from portal.reports.filters import PERIODS, filter_args, filters_from_request

bp = Blueprint("reports", __name__, url_prefix="/reports")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def built_sections(filters) -> list[Section]:
    """Every registered section, built for the filters (and timed, for the log)."""
    sections = []
    for source in section_sources():
        started = time.perf_counter()
        sections.append(source.build(filters))
        elapsed = (time.perf_counter() - started) * 1000
        current_app.logger.debug("Report section %s built in %.0f ms", source.key, elapsed)
    return sections


@bp.route("/")
@role_required(Role.TRAINER)
def index():
    """Who learns, where; the library's use; what people search for and do not find."""
    filters, period = filters_from_request()
    sections = built_sections(filters)
    return render_template(
        "reports/index.html",
        sections=sections,
        filters=filters,
        period=period,
        periods=list(PERIODS) + ["custom"],
        args=filter_args(filters, period),
        regions=all_regions(),
        topics=all_topics(),
        measures=[m for section in sections for m in section.measures],
        draw=draw,
    )


def requested_table(section_key: str, table_key: str):
    """(filters, table) named in the URL, built with the URL's filters; 404 if unknown."""
    filters, _period = filters_from_request()
    source = next((s for s in section_sources() if s.key == section_key), None)
    table = source.build(filters).table(table_key) if source else None
    if table is None:
        abort(404)
    return table


@bp.route("/<section_key>/<table_key>.csv")
@role_required(Role.TRAINER)
def table_as_csv(section_key: str, table_key: str):
    """One table as CSV (UTF-8 with BOM), exactly as the page shows it."""
    table = requested_table(section_key, table_key)
    return download(table_csv(table), "text/csv; charset=utf-8", f"{table_key}.csv")


@bp.route("/<section_key>/<table_key>.xlsx")
@role_required(Role.TRAINER)
def table_as_xlsx(section_key: str, table_key: str):
    """One table as an Excel workbook."""
    table = requested_table(section_key, table_key)
    return download(table_xlsx(table), XLSX_TYPE, f"{table_key}.xlsx")


def download(content, mimetype: str, name: str) -> Response:
    """A file to save, named after the table."""
    filename = secure_filename(name) or "report"
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    return Response(content, mimetype=mimetype, headers=headers)


@bp.route("/map")
@role_required(Role.TRAINER)
def map_view():
    """The regions shaded by one measure (learners, completions, practices…), with its table."""
    filters, period = filters_from_request()
    measures = [m for section in built_sections(filters) for m in section.measures]
    if not measures:
        abort(404)
    wanted = request.args.get("measure", "")
    measure = next((m for m in measures if m.key == wanted), measures[0])
    return render_template(
        "reports/map.html",
        measure=measure,
        measures=measures,
        region_map=region_map(measure.values),
        args=filter_args(filters, period),
    )

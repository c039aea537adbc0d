"""The trainer's progress report of a course: the page with its charts, and the same table
as CSV for Excel."""

import csv
import io
import math
from dataclasses import dataclass

from flask import Response, render_template, request
from werkzeug.utils import secure_filename

from courses import charts
from courses.services.reports import CourseReport, LearnerRow, course_report
from courses.views import bp
from courses.views.helpers import editable_course
from portal.auth.decorators import role_required
from portal.i18n import current_language
from portal.models import Role
from portal.paging import requested_page
from portal.reference_data import all_regions

PER_PAGE = 50
# Spreadsheets run cells that begin like a formula; OWASP's list, tab and carriage return too.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BYTE_ORDER_MARK = "\ufeff"  # without it Excel reads UTF-8 as the local code page


@dataclass
class RowPage:
    """One page of report rows, shaped like Flask-SQLAlchemy's pagination for the macro."""

    items: list[LearnerRow]
    page: int
    pages: int

    @property
    def has_prev(self) -> bool:
        """Whether a page comes before this one."""
        return self.page > 1

    @property
    def has_next(self) -> bool:
        """Whether a page comes after this one."""
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        """The number of the page before."""
        return self.page - 1

    @property
    def next_num(self) -> int:
        """The number of the page after."""
        return self.page + 1


def page_of(rows: list[LearnerRow]) -> RowPage:
    """The requested page of `rows`; a number past the end shows the last page."""
    pages = max(1, math.ceil(len(rows) / PER_PAGE))
    number = min(requested_page(), pages)
    return RowPage(rows[(number - 1) * PER_PAGE : number * PER_PAGE], number, pages)


@bp.route("/<slug>/report")
@role_required(Role.TRAINER)
def report(slug: str):
    """Enrolled learners' progress, a summary and two charts, for the course's trainers."""
    course = editable_course(slug)
    language, regions = current_language(), all_regions()
    table = course_report(course, request.args, regions, language)
    by_region = charts.learners_by_region(course, regions, language)
    return render_template(
        "courses/report.html",
        course=course,
        title=course.text(language).title,
        report=table,
        page=page_of(table.rows),
        regions=by_region,
        month_chart=charts.month_chart(charts.completions_by_month(table.rows)),
        region_chart=charts.region_chart(by_region, table.query.region),
    )


@bp.route("/<slug>/report.csv")
@role_required(Role.TRAINER)
def report_csv(slug: str):
    """The report's table as CSV, with the page's filter and order, every page at once."""
    course = editable_course(slug)
    table = course_report(course, request.args, all_regions(), current_language())
    response = Response(BYTE_ORDER_MARK + csv_text(table), mimetype="text/csv")
    filename = secure_filename(f"{course.slug}-progress.csv") or "progress.csv"
    response.headers.set("Content-Disposition", "attachment", filename=filename)
    return response


def csv_text(table: CourseReport) -> str:
    """The headings and every row, as the page shows them, made safe for spreadsheets."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(spreadsheet_safe(column.label) for column in table.columns)
    for row in table.rows:
        writer.writerow(spreadsheet_safe(text) for text in table.cells(row))
    return out.getvalue()


def spreadsheet_safe(text: str) -> str:
    """`text`, with an apostrophe in front when a spreadsheet would take it for a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text

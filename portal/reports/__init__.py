"""The programme dashboard at /reports/: sections that features register, one filter for all.

Each feature builds its own numbers (courses: learning; practices: the library) and registers
a section builder here; the core adds what people search for. The dashboard renders, exports
and maps whatever the sections return, so no feature imports another.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import Flask, current_app

SECTIONS_KEY = "portal.report_sections"


@dataclass
class Column:
    """A table column: its key, heading and whether it holds numbers (right-aligned)."""

    key: str
    label: Any
    numeric: bool = False


@dataclass
class Table:
    """A report table. Cells are plain values (str, int, float, date or None for "—");
    `links` optionally maps a row index to the address its first cell links to."""

    key: str
    title: Any
    columns: list[Column]
    rows: list[list[Any]]
    note: Any = ""
    links: dict[int, str] = field(default_factory=dict)


@dataclass
class Bars:
    """A bar chart: labelled values, drawn as horizontal bars, or as columns over time."""

    key: str
    title: Any
    description: Any
    bars: list[tuple[str, int]]
    over_time: bool = False


@dataclass
class MapMeasure:
    """A value per region code that the dashboard's map can shade."""

    key: str
    label: Any
    values: dict[str, int]


@dataclass
class Section:
    """What one feature contributes: headline figures, tables, charts and map measures."""

    key: str
    title: Any
    figures: list[tuple[Any, Any]] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[Bars] = field(default_factory=list)
    measures: list[MapMeasure] = field(default_factory=list)

    def table(self, key: str) -> Table | None:
        """The table called `key`, if the section has it."""
        return next((table for table in self.tables if table.key == key), None)


@dataclass
class ReportFilters:
    """The period and the narrowing that every section applies (all from the URL)."""

    start: date | None = None  # inclusive, Bishkek time
    end: date | None = None  # inclusive
    region: str = ""
    course: str = ""
    topic: str = ""


@dataclass
class SectionSource:
    """A registered section: its key, order, and the function that builds it."""

    key: str
    order: int
    build: Callable[[ReportFilters], Section]


def register_report_section(
    app: Flask, key: str, build: Callable[[ReportFilters], Section], order: int = 100
) -> None:
    """Let a feature add a section to the dashboard; `build` gets the filters."""
    app.extensions.setdefault(SECTIONS_KEY, {})[key] = SectionSource(key, order, build)


def section_sources() -> list[SectionSource]:
    """The registered sections in display order."""
    sources = current_app.extensions.get(SECTIONS_KEY, {}).values()
    return sorted(sources, key=lambda source: (source.order, source.key))


def init_app(app: Flask) -> None:
    """Add the dashboard's routes and the core's own section (what people search for)."""
    from portal.reports import search_gaps, views

    app.register_blueprint(views.bp)
    register_report_section(app, "search", search_gaps.build_section, order=90)

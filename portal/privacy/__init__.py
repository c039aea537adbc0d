"""Personal data: each component declares, exports and erases what it holds about a person.

As in Moodle's privacy API, the core does not know the features' tables: every component
registers a source naming the (table, column) pairs that point at an account, a function that
exports that person's rows and one that erases them when the account is deleted. A test
compares the declared columns with the schema, so a new column that refers to an account fails
until some source covers it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app
from flask_babel import lazy_gettext as _l

from portal.models import User

SOURCES_KEY = "portal.personal_data_sources"

Exporter = Callable[[User], dict[str, Any]]
Eraser = Callable[[User, bool], None]


@dataclass(frozen=True)
class PersonalDataSource:
    """One component's personal data: where it lives, how to export it and how to erase it.

    `erase(user, keep_name_on_certificates)` runs inside the deletion's transaction and must
    not commit; sources are exported in `order` and erased in the reverse order, so the core
    account, exported first, is scrubbed last, after the features have read what they need.
    """

    section: str
    export: Exporter
    erase: Eraser
    covers: tuple[tuple[str, str], ...]
    title: Any = ""
    description: Any = ""
    order: int = 100


def register_personal_data(
    app: Flask,
    section: str,
    export: Exporter,
    erase: Eraser,
    covers: tuple[tuple[str, str], ...],
    title: Any = "",
    description: Any = "",
    order: int = 100,
) -> None:
    """Let a component export and erase its rows about a person; `covers` names the columns.

    `title` and `description` tell the person, on the download page, what the section holds.
    """
    source = PersonalDataSource(section, export, erase, tuple(covers), title, description, order)
    app.extensions.setdefault(SOURCES_KEY, {})[section] = source


def personal_data_sources() -> list[PersonalDataSource]:
    """The registered sources in export order."""
    sources = current_app.extensions.get(SOURCES_KEY, {}).values()
    return sorted(sources, key=lambda source: (source.order, source.section))


def init_app(app: Flask) -> None:
    """Register the account pages and the core's own personal data (the account itself)."""
    from portal.privacy import account, views

    app.register_blueprint(views.bp)
    register_personal_data(
        app,
        "account",
        account.export_account,
        account.scrub_account,
        account.COVERS,
        title=_l("Your account"),
        description=_l("Your profile: name, e-mail, place of work, role and language."),
        order=0,
    )

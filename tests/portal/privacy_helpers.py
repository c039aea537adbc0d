"""Helpers for the privacy tests of every package: download, delete, scan the database."""

import json

from sqlalchemy import JSON, String, Text, cast, or_, select

from portal.extensions import db
from tests.conftest import TEST_PASSWORD, post_form


def download_data(client) -> dict:
    """Download the logged-in user's data through the page's form; the parsed JSON."""
    response = post_form(client, "/account/data", {})
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return json.loads(response.get_data(as_text=True))


def delete_own_account(client, password: str = TEST_PASSWORD, keep_name: bool = False):
    """Submit the deletion form of the logged-in user."""
    data = {"password": password} | ({"keep_name": "y"} if keep_name else {})
    return post_form(client, "/account/delete", data)


def as_stored(text: str) -> set[str]:
    """`text` as it may sit in a column: as is, or JSON-escaped inside a JSON document."""
    return {text, json.dumps(text)[1:-1]}


def text_columns():
    """Every (table, column) of the schema that can hold text, JSON included."""
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, String | Text | JSON):
                yield table, column


def columns_containing(app, *texts: str) -> list[str]:
    """The "table.column" names in which any of `texts` is still stored, in any row."""
    needles = {needle for text in texts for needle in as_stored(text)}
    found = []
    with app.app_context():
        for table, column in text_columns():
            value = cast(column, String) if isinstance(column.type, JSON) else column
            hit = or_(*(value.contains(needle, autoescape=True) for needle in needles))
            if db.session.execute(select(table).where(hit).limit(1)).first() is not None:
                found.append(f"{table.name}.{column.name}")
    return found

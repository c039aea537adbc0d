"""The best-practice library: case studies from municipalities, searchable by anyone."""

from flask import Flask
from flask_babel import lazy_gettext as _l

from portal.cards import register_card_source
from portal.demo import register_demo_loader
from portal.privacy import register_personal_data
from portal.reports import register_report_section
from portal.search import register_searchable
from portal.sitemap import register_sitemap_source


def init_app(app: Flask) -> None:
    """Register the library's models, blueprints, CLI, sitemap entries, demo content and
    personal data."""
    from practices import cli, demo, models, privacy, views  # noqa: F401  (models: the tables)
    from practices.dashboard import build_library_section
    from practices.pictures import register_pictures
    from practices.search import SEARCHABLE_PRACTICE, practice_card
    from practices.views.feeds import sitemap_urls

    app.register_blueprint(views.bp)
    app.register_blueprint(views.api)
    app.cli.add_command(cli.practices_cli)
    register_sitemap_source(app, sitemap_urls)
    register_demo_loader(app, "practices", demo.load)
    register_pictures(app)
    register_searchable(SEARCHABLE_PRACTICE)
    register_card_source(app, "practice", practice_card)
    register_report_section(app, "library", build_library_section, order=20)
    register_personal_data(
        app,
        "practices",
        privacy.export_library,
        privacy.erase_library,
        privacy.COVERS,
        title=_l("Best-practice library"),
        description=_l(
            "Practices you wrote or changed, practices you marked as applied (with your notes) "
            "or as useful, and collections you made."
        ),
    )

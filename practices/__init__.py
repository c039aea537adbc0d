"""The best-practice library: case studies from municipalities, searchable by anyone."""

from flask import Flask

from portal.demo import register_demo_loader


def init_app(app: Flask) -> None:
    """Register the practices blueprint and its demo content."""
    from practices import demo, views

    app.register_blueprint(views.bp)
    register_demo_loader(app, "practices", demo.load)

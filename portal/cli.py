"""Command-line tools: flask --app portal init | create-admin | demo | translate …"""

from pathlib import Path

import click
from babel.messages.frontend import CommandLineInterface
from email_validator import EmailNotValidError, validate_email
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from flask_migrate import upgrade

from portal import demo
from portal.auth.services import create_user, find_user_by_email
from portal.backup.cli import backup_cli
from portal.config import PROJECT_ROOT
from portal.models import Role
from portal.reference_data import load_reference_data
from portal.search import engine as search_engine


def init_app(app: Flask) -> None:
    """Register the portal's commands."""
    app.cli.add_command(init_command)
    app.cli.add_command(create_admin_command)
    app.cli.add_command(demo_command)
    app.cli.add_command(translate)
    app.cli.add_command(backup_cli)


@click.command("init")
@with_appcontext
def init_command() -> None:
    """Create or upgrade the database and load regions and topics (safe to run again)."""
    try:
        upgrade()
    except Exception as error:  # noqa: BLE001 - one clear line instead of a traceback
        raise click.ClickException(f"database upgrade failed: {error}") from error
    click.echo(f"Database is up to date; {load_reference_data()} loaded.")
    report = search_engine.apply_changes()
    if report is None:
        click.echo("Search index built from the database.")
    else:
        click.echo(f"Search index is up to date ({report.rows} new change(s) applied).")


@click.command("create-admin")
@with_appcontext
@click.option("--email", prompt=True, help="E-mail address of the new administrator.")
@click.option("--name", default="Administrator", show_default=True)
@click.option(
    "--password-file",
    type=click.File("r", encoding="utf-8"),
    help="Read the password from this file (first line) instead of prompting.",
)
def create_admin_command(email: str, name: str, password_file) -> None:
    """Create an administrator account."""
    try:
        email = validate_email(email, check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise click.ClickException(f"invalid e-mail address: {error}") from error
    if find_user_by_email(email):
        raise click.ClickException(f"an account with {email} already exists")
    password = _read_password(password_file)
    create_user(email, password, name, role=Role.ADMIN)
    click.echo(f"Administrator {email} created.")


def _read_password(password_file) -> str:
    if password_file is not None:
        password = password_file.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        raise click.ClickException(f"the password must have at least {minimum} characters")
    return password


@click.command("demo")
@with_appcontext
@click.option("--reset-passwords", is_flag=True, help="Give existing demo accounts new passwords.")
def demo_command(reset_passwords: bool) -> None:
    """Load demo accounts and every feature's demo content (running it again adds nothing twice)."""
    load_reference_data()
    click.echo("Demo accounts:")
    for email, role, password in demo.ensure_demo_accounts(reset_passwords):
        shown = password or "(unchanged; use --reset-passwords for a new one)"
        click.echo(f"  {role:<8} {email:<28} password: {shown}")
    for name, loader in demo.demo_loaders().items():
        click.echo(f"{name}: {loader()}")


TRANSLATIONS_DIR = PROJECT_ROOT / "translations"
TEMPLATE_FILE = TRANSLATIONS_DIR / "messages.pot"


@click.group(cls=AppGroup)
def translate() -> None:
    """Extract, update and compile the interface translations."""


def run_pybabel(*arguments: str) -> None:
    """Run a pybabel command in-process, turning its failure into one clear line."""
    try:
        CommandLineInterface().run(["pybabel", "-q", *arguments])
    except SystemExit as exit_:
        if exit_.code:
            raise click.ClickException(f"pybabel {arguments[0]} failed") from exit_


@translate.command("extract")
def translate_extract() -> None:
    """Collect every marked string into translations/messages.pot."""
    run_pybabel(
        "extract",
        "-F",
        str(PROJECT_ROOT / "babel.cfg"),
        "-k",
        "_l",
        "-k",
        "lazy_ngettext:1,2",
        "--no-location",
        "--sort-output",
        "-o",
        str(TEMPLATE_FILE),
        str(PROJECT_ROOT),
    )
    click.echo(f"Extracted messages into {TEMPLATE_FILE.relative_to(PROJECT_ROOT)}.")


@translate.command("update")
def translate_update() -> None:
    """Extract, then merge new strings into the ky, ru and en catalogs."""
    translate_extract.callback()
    run_pybabel(
        "update",
        "-i",
        str(TEMPLATE_FILE),
        "-d",
        str(TRANSLATIONS_DIR),
        "--no-fuzzy-matching",
        "--ignore-obsolete",
    )
    click.echo("Catalogs updated; translate the new entries, then run `flask translate compile`.")


@translate.command("compile")
def translate_compile() -> None:
    """Compile the catalogs into the .mo files the portal reads."""
    run_pybabel("compile", "-d", str(TRANSLATIONS_DIR), "--statistics")
    languages = sorted(p.name for p in Path(TRANSLATIONS_DIR).iterdir() if p.is_dir())
    click.echo(f"Compiled catalogs: {', '.join(languages)}.")

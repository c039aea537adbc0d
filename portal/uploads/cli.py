"""flask uploads make-variants | prune: web sizes for images stored before they were made at
upload, and the space of files nothing uses any more."""

from datetime import timedelta

import click
from flask import current_app
from flask.cli import AppGroup
from PIL import Image

from portal.extensions import db
from portal.uploads.checks import IMAGE_DECODE_ERRORS, UploadRejected
from portal.uploads.models import StoredFile
from portal.uploads.pruning import prune
from portal.uploads.variants import make_variants

uploads_cli = AppGroup("uploads", help="Maintain uploaded files.")
VARIANT_ERRORS = (UploadRejected, Image.DecompressionBombWarning, *IMAGE_DECODE_ERRORS)


@uploads_cli.command("make-variants")
def make_variants_command() -> None:
    """Store the missing web sizes of every uploaded image; images that have them are skipped."""
    image_ids = db.session.execute(
        db.select(StoredFile.id).filter_by(kind="image").order_by(StoredFile.id)
    ).scalars()
    added, failed = 0, []
    with click.progressbar(list(image_ids), label="Making web sizes") as progress:
        for image_id in progress:
            try:
                added += make_variants(db.session.get(StoredFile, image_id))
                db.session.commit()  # one image at a time: an interrupted run keeps its work
            except VARIANT_ERRORS as error:
                db.session.rollback()
                current_app.logger.warning("No web sizes for stored file %s: %s", image_id, error)
                failed.append(image_id)
    click.echo(f"{added} web sizes added.")
    if failed:
        raise click.ClickException(
            f"{len(failed)} images could not be resized (stored files {failed[:10]}); see the log"
        )


@uploads_cli.command("prune")
@click.option("--dry-run", is_flag=True, help="Only say what would be removed.")
@click.option(
    "--min-age-days",
    type=click.FloatRange(min=0),
    default=1,
    show_default=True,
    help="Keep files stored more recently than this (uploads may still be being attached).",
)
def prune_command(dry_run: bool, min_age_days: float) -> None:
    """Remove stored files nothing uses (of deleted lessons and courses, files taken off a
    lesson), their web sizes, and stray or temporary files under UPLOAD_DIR."""
    report = prune(timedelta(days=min_age_days), dry_run=dry_run)
    verb = "Would remove" if dry_run else "Removed"
    megabytes = report.bytes / 2**20
    click.echo(
        f"{verb} {report.unused_files} unused stored file(s) and {report.stray_files} stray "
        f"file(s): {megabytes:.1f} MB."
    )
    if report.refused:
        click.echo(f"Kept {len(report.refused)} file(s) that came into use meanwhile.")

"""flask uploads make-variants: web sizes for images stored before they were made at upload."""

import click
from flask import current_app
from flask.cli import AppGroup
from PIL import Image

from portal.extensions import db
from portal.uploads.checks import IMAGE_DECODE_ERRORS, UploadRejected
from portal.uploads.models import StoredFile
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

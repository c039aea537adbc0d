"""Uploaded images get web sizes (480/960/1600 px, WebP with a JPEG or PNG fallback), served
like their original and shown as sized, lazy <picture> elements."""

import io
import re

import pytest
from PIL import Image
from PIL.JpegImagePlugin import JpegImageFile
from werkzeug.datastructures import FileStorage

from courses.models import Course, LessonFile
from courses.services.progress import enrol
from portal.extensions import db
from portal.models import Role, User
from portal.uploads import StoredFile, UploadRejected, save_content, store_upload, stored_file_path
from portal.uploads.checks import check_content
from portal.uploads.variants import make_variants
from practices.models import Practice, PracticeAttachment

IMAGES = {"jpg", "png", "webp"}
ONE_YEAR = 365 * 24 * 3600


def image_bytes(size, mode="RGB", file_format="JPEG") -> bytes:
    """A picture of `size` in `mode`, encoded as `file_format`."""
    colour = (30, 120, 200, 128) if mode == "RGBA" else (30, 120, 200)
    output = io.BytesIO()
    Image.new(mode, size, colour).save(output, file_format)
    return output.getvalue()


def upload_image(app, data: bytes, name: str = "photo.jpg") -> int:
    """Store an image as a trainer's upload does; return its stored file id."""
    with app.test_request_context():
        stored = store_upload(FileStorage(io.BytesIO(data), name), IMAGES)
        db.session.commit()
        return stored.id


def store_without_variants(app, data: bytes, extension: str = "jpg") -> int:
    """Store an image the way uploads were stored before web sizes existed."""
    with app.app_context():
        stored = save_content(check_content(data, extension, app.config))
        db.session.commit()
        return stored.id


def variant_table(app, stored_id: int) -> set[tuple[int, int, str]]:
    """(width, height, extension) of every recorded variant, each checked against its bytes."""
    found = set()
    with app.app_context():
        for variant in db.session.get(StoredFile, stored_id).variants:
            with Image.open(stored_file_path(variant)) as image:
                assert image.size == (variant.width, variant.height)
                assert (
                    image.format == {"webp": "WEBP", "jpg": "JPEG", "png": "PNG"}[variant.extension]
                )
            found.add((variant.width, variant.height, variant.extension))
    return found


def practice_with_picture(app, slug: str, stored_id: int) -> str:
    """Make `stored_id` the cover and an attachment shown in the practice body; its address."""
    with app.app_context():
        practice = db.session.execute(db.select(Practice).filter_by(slug=slug)).scalar_one()
        picture = db.session.get(StoredFile, stored_id)
        practice.cover = picture
        attachment = PracticeAttachment(stored_file=picture, title="Сүрөт", position=0)
        practice.attachments.append(attachment)
        db.session.flush()
        address = f"/practices/{slug}/files/{attachment.id}"
        for translation in practice.translations:
            translation.body += f'\n\n![Бак "Жашыл"]({address} "Аталышы")'
        db.session.commit()
        return address


def lesson_with_picture(app, stored_id: int) -> tuple[str, str]:
    """A lesson file shown in the first lesson's text: (lesson address, picture address)."""
    with app.app_context():
        course = db.session.scalars(db.select(Course)).one()
        lesson = course.lessons[0]
        item = LessonFile(lesson_id=lesson.id, stored_file_id=stored_id, title="Сүрөт")
        db.session.add(item)
        db.session.flush()
        base = f"/courses/{course.slug}/lessons/{lesson.id}"
        for translation in lesson.translations:
            translation.body += f"\n\n![Сүрөт]({base}/files/{item.id})"
        db.session.commit()
        return base, f"{base}/files/{item.id}"


def test_web_sizes_are_made_at_upload_without_upscaling(app):
    large = upload_image(app, image_bytes((2400, 1200)))  # re-encoded to 1600 × 800
    assert variant_table(app, large) == {
        (width, width // 2, extension)
        for width in (480, 960, 1600)
        for extension in ("webp", "jpg")
    }
    medium = upload_image(app, image_bytes((1000, 500)))
    assert {width for width, _height, _ext in variant_table(app, medium)} == {480, 960, 1000}
    small = upload_image(app, image_bytes((300, 200)))
    assert variant_table(app, small) == {(300, 200, "webp"), (300, 200, "jpg")}


def test_large_original_is_decoded_at_a_reduced_scale(app, monkeypatch):
    app.config["UPLOAD_IMAGE_MAX_SIDE"] = 4000
    stored_id = upload_image(app, image_bytes((3200, 1600)))
    decoded = []
    monkeypatch.setattr(JpegImageFile, "draft", recorded_draft(decoded))
    with app.test_request_context():
        stored = db.session.get(StoredFile, stored_id)
        stored.variants.clear()
        db.session.flush()
        assert make_variants(stored) == 6
    assert decoded == [(1600, 800)]  # scaled by 1/2 while decoding
    assert {width for width, _h, _e in variant_table(app, stored_id)} == {480, 960, 1600}


def recorded_draft(calls: list):
    """JpegImageFile.draft that records the size the decoder will produce."""
    original = JpegImageFile.draft

    def draft(image, mode, size):
        result = original(image, mode, size)
        calls.append(image.size)
        return result

    return draft


def test_largest_fallback_reuses_the_original_file(app):
    stored_id = upload_image(app, image_bytes((800, 600)))
    with app.app_context():
        stored = db.session.get(StoredFile, stored_id)
        same = [v for v in stored.variants if v.width == 800 and v.extension == "jpg"]
        assert same[0].sha256 == stored.sha256 and same[0].size == stored.size


def test_transparent_png_keeps_png_fallback_and_opaque_png_gets_jpeg(app):
    transparent = upload_image(app, image_bytes((600, 400), "RGBA", "PNG"), "logo.png")
    assert {ext for _w, _h, ext in variant_table(app, transparent)} == {"webp", "png"}
    with app.app_context():
        webp = next(
            v for v in db.session.get(StoredFile, transparent).variants if v.extension == "webp"
        )
        with Image.open(stored_file_path(webp)) as image:
            assert image.mode == "RGBA" and image.getpixel((1, 1))[3] < 255
    opaque = upload_image(app, image_bytes((600, 400), "RGB", "PNG"), "chart.png")
    assert {ext for _w, _h, ext in variant_table(app, opaque)} == {"webp", "jpg"}


def test_documents_get_no_variants(app):
    with app.test_request_context():
        stored = store_upload(FileStorage(io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "a.pdf"), {"pdf"})
        assert stored.variants == [] and make_variants(stored) == 0


def test_variant_is_served_like_its_original(app, client, make_practice):
    make_practice("karakol-waste")
    stored_id = upload_image(app, image_bytes((1200, 900)))
    address = practice_with_picture(app, "karakol-waste", stored_id)
    for path in (address, "/practices/karakol-waste/cover"):
        response = client.get(f"{path}?width=480&format=webp")
        assert response.status_code == 200 and response.mimetype == "image/webp"
        assert Image.open(io.BytesIO(response.data)).size == (480, 360)
        assert response.cache_control.public and response.cache_control.max_age == ONE_YEAR
        assert response.cache_control.immutable
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response.headers["Content-Security-Policy"]
        assert "attachment" not in response.headers.get("Content-Disposition", "")
    jpeg = client.get(f"{address}?width=960&format=jpg")
    assert jpeg.status_code == 200 and jpeg.mimetype == "image/jpeg"


@pytest.mark.parametrize(
    "query", ["width=123&format=webp", "width=480&format=gif", "width=abc&format=jpg", "width=480"]
)
def test_unknown_variant_is_not_found(app, client, make_practice, query):
    make_practice("karakol-waste")
    practice_with_picture(app, "karakol-waste", upload_image(app, image_bytes((1200, 900))))
    assert client.get(f"/practices/karakol-waste/cover?{query}").status_code == 404


def test_variants_of_a_draft_are_hidden_like_the_original(app, client, make_practice):
    make_practice("karakol-draft", status="draft")
    address = practice_with_picture(
        app, "karakol-draft", upload_image(app, image_bytes((900, 600)))
    )
    for path in (address, "/practices/karakol-draft/cover"):
        assert client.get(path).status_code == 404
        assert client.get(f"{path}?width=480&format=webp").status_code == 404


def test_lesson_picture_variants_need_an_enrolment(app, client, login_as, make_course):
    make_course()
    _lesson, picture = lesson_with_picture(app, upload_image(app, image_bytes((900, 600))))
    for path in (picture, f"{picture}?width=480&format=webp"):
        assert client.get(path).status_code in (302, 401)
    login_as(Role.LEARNER)
    for path in (picture, f"{picture}?width=480&format=webp"):
        assert client.get(path).status_code == 403


def test_practice_page_shows_sized_lazy_pictures(app, client, make_practice):
    make_practice("karakol-waste")
    address = practice_with_picture(
        app, "karakol-waste", upload_image(app, image_bytes((1600, 1000)))
    )
    page = client.get("/practices/karakol-waste?lang=ky").get_data(as_text=True)
    body_picture = re.search(r"<picture>.*?</picture>", page.split('class="body"')[1])[0]
    webp = re.search(r'<source type="image/webp" srcset="([^"]+)" sizes="[^"]+">', body_picture)
    assert webp[1] == ", ".join(
        f"{address}?width={width}&amp;format=webp {width}w" for width in (480, 960, 1600)
    )
    img = re.search(r"<img [^>]+>", body_picture)[0]
    assert f'src="{address}?width=960&amp;format=jpg"' in img
    assert f"{address}?width=1600&amp;format=jpg 1600w" in img
    assert 'width="1600" height="1000"' in img
    assert 'loading="lazy" decoding="async"' in img
    assert 'alt="Бак &#34;Жашыл&#34;"' in img and 'title="Аталышы"' in img
    cover = re.search(r'<picture><source [^>]+><img [^>]*class="cover"[^>]*>', page)[0]
    assert "/practices/karakol-waste/cover?v=" in cover and "width=480&amp;format=webp" in cover


def test_lesson_page_shows_sized_lazy_pictures(app, client, login_as, make_course):
    make_course()
    lesson, picture = lesson_with_picture(app, upload_image(app, image_bytes((700, 350))))
    user_id, _email = login_as(Role.LEARNER)
    with app.app_context():
        enrol(db.session.get(User, user_id), db.session.scalars(db.select(Course)).one())
    page = client.get(f"{lesson}?lang=ky").get_data(as_text=True)
    assert f'srcset="{picture}?width=480&amp;format=webp 480w, {picture}?width=700' in page
    assert 'width="700" height="350" loading="lazy" decoding="async" alt="Сүрөт"' in page
    assert client.get(f"{picture}?width=700&format=webp").mimetype == "image/webp"


def test_picture_without_variants_falls_back_to_the_sized_original(app, client, make_practice):
    make_practice("karakol-waste")
    stored_id = store_without_variants(app, image_bytes((640, 480)))
    address = practice_with_picture(app, "karakol-waste", stored_id)
    page = client.get("/practices/karakol-waste?lang=ky").get_data(as_text=True)
    assert "<picture>" not in page
    assert f'<img src="{address}" width="640" height="480" loading="lazy"' in page


def test_outside_pictures_are_left_alone(app, client, make_practice):
    make_practice("karakol-waste")
    with app.app_context():
        practice = db.session.execute(db.select(Practice)).scalar_one()
        for translation in practice.translations:
            translation.body = "![far](https://example.org/far.png) ![x](/practices/none/cover)"
        db.session.commit()
    page = client.get("/practices/karakol-waste?lang=ky").get_data(as_text=True)
    assert '<img src="https://example.org/far.png" alt="far">' in page
    assert "<picture>" not in page


def test_make_variants_command_is_idempotent(app, runner, client, make_practice):
    first = store_without_variants(app, image_bytes((1200, 800)))
    second = store_without_variants(app, image_bytes((300, 200), "RGBA", "PNG"), "png")
    result = runner.invoke(args=["uploads", "make-variants"])
    assert result.exit_code == 0, result.output
    assert "8 web sizes added." in result.output  # 3 widths × 2 formats, then 1 × 2
    assert {w for w, _h, _e in variant_table(app, first)} == {480, 960, 1200}
    assert variant_table(app, second) == {(300, 200, "webp"), (300, 200, "png")}
    again = runner.invoke(args=["uploads", "make-variants"])
    assert again.exit_code == 0 and "0 web sizes added." in again.output


def test_make_variants_command_reports_images_it_cannot_read(app, runner):
    stored_id = store_without_variants(app, image_bytes((1200, 800)))
    with app.app_context():
        stored_file_path(db.session.get(StoredFile, stored_id)).unlink()
    result = runner.invoke(args=["uploads", "make-variants"])
    assert result.exit_code != 0
    assert f"1 images could not be resized (stored files [{stored_id}])" in result.output


def test_variants_are_decoded_within_the_pixel_limit(app):
    stored_id = store_without_variants(app, image_bytes((1200, 800)))
    app.config["UPLOAD_MAX_IMAGE_PIXELS"] = 1000
    with app.test_request_context(), pytest.raises(UploadRejected, match="0.001"):
        make_variants(db.session.get(StoredFile, stored_id))


def test_printable_practice_embeds_one_picture_and_no_sources(app, client, make_practice):
    make_practice("karakol-waste")
    practice_with_picture(app, "karakol-waste", upload_image(app, image_bytes((900, 600))))
    html = client.get("/practices/karakol-waste/download.html?lang=ky").get_data(as_text=True)
    assert "<source" not in html and "<picture" not in html
    assert re.search(r'<img src="data:image/jpeg;base64,[^"]+" alt="Бак', html)

"""Signatures and seals become private files of their template (issue 13, finding 16).

They were Wagtail images: anyone could fetch them under /media/original_images/ (and their
renditions under /media/images/), and every editor could pick them in the image chooser. Each
one is copied into the private folder (certificates/marks/, internal in nginx); the Wagtail image
is then deleted with its renditions unless something besides certificate templates refers to it.
The old columns go in the next migration (its own transaction: PostgreSQL refuses to alter a table
with pending trigger events).
"""
import uuid
from pathlib import PurePosixPath

import django.core.validators
from django.core.files.base import ContentFile
from django.db import migrations, models

import certificates.models


def _copy_to_private(template, source, field_name, storage):
    if source is None or not source.file:
        return
    try:
        with storage.open(source.file.name, "rb") as handle:
            content = handle.read()
    except OSError:
        return  # the image file is gone: nothing to print anyway
    extension = PurePosixPath(source.file.name).suffix.lower() or ".png"
    name = f"{certificates.models.PRIVATE_MARKS_FOLDER}/{uuid.uuid4().hex}{extension}"
    setattr(template, field_name, storage.save(name, ContentFile(content)))


def move_marks(apps, schema_editor):
    from django.core.files.storage import default_storage

    Template = apps.get_model("certificates", "CertificateTemplate")
    Image = apps.get_model("wagtailimages", "Image")
    Rendition = apps.get_model("wagtailimages", "Rendition")
    ContentType = apps.get_model("contenttypes", "ContentType")
    ReferenceIndex = apps.get_model("wagtailcore", "ReferenceIndex")
    moved = set()
    for template in Template.objects.exclude(seal_image=None, signature_image=None):
        _copy_to_private(template, template.seal_image, "seal", default_storage)
        _copy_to_private(template, template.signature_image, "signature", default_storage)
        template.save(update_fields=["seal", "signature"])
        moved |= {template.seal_image_id, template.signature_image_id} - {None}
    if not moved:
        return
    template_type = ContentType.objects.filter(app_label="certificates", model="certificatetemplate").first()
    image_type = ContentType.objects.filter(app_label="wagtailimages", model="image").first()
    backgrounds = set(Template.objects.exclude(background_image=None).values_list("background_image_id", flat=True))
    for image in Image.objects.filter(pk__in=moved - backgrounds):
        others = ReferenceIndex.objects.filter(to_content_type=image_type, to_object_id=str(image.pk))
        if template_type is not None:
            others = others.exclude(base_content_type=template_type)
        if others.exists():
            continue  # used by a page or another object too: left to the editors
        for rendition in Rendition.objects.filter(image=image):
            if rendition.file:
                default_storage.delete(rendition.file.name)
        if image.file:
            default_storage.delete(image.file.name)
        image.delete()


class Migration(migrations.Migration):

    dependencies = [
        ("certificates", "0002_pdf_fingerprint_index"),
        ("wagtailimages", "0027_image_description"),
        ("wagtailcore", "0096_referenceindex_referenceindex_source_object_and_more"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="certificatetemplate",
            name="seal",
            field=models.ImageField(blank=True, help_text="PNG or JPEG, best with a transparent background. Kept private: printed on certificates only.", upload_to=certificates.models.private_mark_path, validators=[django.core.validators.FileExtensionValidator(["png", "jpg", "jpeg"])], verbose_name="seal"),
        ),
        migrations.AddField(
            model_name="certificatetemplate",
            name="signature",
            field=models.ImageField(blank=True, help_text="PNG or JPEG, best with a transparent background. Kept private: printed on certificates only.", upload_to=certificates.models.private_mark_path, validators=[django.core.validators.FileExtensionValidator(["png", "jpg", "jpeg"])], verbose_name="signature"),
        ),
        migrations.RunPython(move_marks, migrations.RunPython.noop),
    ]

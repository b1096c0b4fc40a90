"""Signatures and seals of certificate templates are private files (issue 13, finding 16).

Before: they were Wagtail images, fetched by anyone under /media/original_images/ (these tests
failed then: the seal had an original_images address and no private field existed)."""
import importlib
import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import clear_url_caches, reverse
from PIL import Image as PILImage

from certificates.models import PRIVATE_MARKS_FOLDER, CertificateTemplate
from certificates.pdf import render_sample
from people.models import Role
from tests.factories import make_staff

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def png(colour=(200, 0, 0, 255)) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGBA", (60, 60), colour).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def debug_media(settings):
    """make_run's server: DEBUG serves MEDIA_ROOT's public folders by path."""
    import lms.urls

    settings.DEBUG = True
    importlib.reload(lms.urls)
    clear_url_caches()
    yield
    settings.DEBUG = False
    importlib.reload(lms.urls)
    clear_url_caches()


def test_a_seal_uploaded_in_the_admin_is_private_and_still_printed(client, province, debug_media):
    # given a manager who uploads a seal and a signature with a new template
    client.force_login(make_staff(Role.UNIT_MANAGER, province["dako"]))
    data = {"name": "Mẫu xã", "course": "", "training_class": "", "issuing_unit": province["dako"].pk,
            "title": "GIẤY CHỨNG NHẬN", "body": "Chào {learner_name}", "decision_number": "",
            "number_prefix": "DAKO", "place": "", "signer_name": "", "signer_title": "",
            "orientation": "landscape",
            "seal": SimpleUploadedFile("con-dau.png", png(), content_type="image/png"),
            "signature": SimpleUploadedFile("chu-ky.png", png((0, 0, 200, 255)), content_type="image/png")}
    response = client.post(reverse("wagtailsnippets_certificates_certificatetemplate:add"), data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    template = CertificateTemplate.objects.get()
    assert template.seal.name.startswith(PRIVATE_MARKS_FOLDER + "/")
    assert "con-dau" not in template.seal.name  # a random name, not guessable from the upload

    # the edit form names the file without a link to it
    edit = client.get(reverse("wagtailsnippets_certificates_certificatetemplate:edit", args=[template.pk]))
    assert template.seal.url not in edit.content.decode()

    # when anyone asks for the files by address
    client.logout()
    for url in (template.seal.url, template.signature.url):
        assert client.get(url).status_code == 404

    # then the certificate still carries them
    with_marks = render_sample(template)
    assert len(re.findall(rb"/Subtype\s*/Image", with_marks)) >= 2
    template.seal, template.signature = "", ""
    assert not re.search(rb"/Subtype\s*/Image", render_sample(template))


def test_nginx_and_make_run_keep_the_marks_folder_private():
    folder = PRIVATE_MARKS_FOLDER.split("/")[0]
    assert folder not in settings.MEDIA_PUBLIC_FOLDERS
    nginx = (ROOT / "deploy" / "nginx.conf").read_text()
    assert re.search(rf"location \^~ /media/{folder}/ {{\s*internal;", nginx)


def test_the_template_form_has_no_image_chooser_for_marks(client, province):
    client.force_login(make_staff(Role.UNIT_MANAGER, province["dako"]))
    form = client.get(reverse("wagtailsnippets_certificates_certificatetemplate:add")).context["form"]
    assert {"seal", "signature"} <= set(form.fields)
    assert "seal_image" not in form.fields and "signature_image" not in form.fields


@pytest.mark.django_db(transaction=True)
def test_existing_wagtail_image_marks_move_to_private_files(province):
    """The migration: each seal/signature image is copied into the private folder, and the public
    image (file, renditions, row) is deleted when nothing else uses it."""
    from django.core.files.storage import default_storage
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate([("certificates", "0002_pdf_fingerprint_index")])
    try:
        apps = executor.loader.project_state([("certificates", "0002_pdf_fingerprint_index")]).apps
        Image = apps.get_model("wagtailimages", "Image")
        Template = apps.get_model("certificates", "CertificateTemplate")
        seal = Image.objects.create(title="Con dấu", width=60, height=60,
                                    file=default_storage.save("original_images/con-dau.png", io.BytesIO(png())))
        Template.objects.create(name="Cũ", issuing_unit_id=province["dako"].pk, seal_image=seal)
        public = seal.file.name
        assert default_storage.exists(public)

        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes("certificates"))
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    template = CertificateTemplate.objects.get(name="Cũ")
    assert template.seal.name.startswith(PRIVATE_MARKS_FOLDER + "/") and not template.signature
    assert template.seal.read() == png()
    assert not default_storage.exists(public)
    from wagtail.images import get_image_model

    assert not get_image_model().objects.filter(title="Con dấu").exists()

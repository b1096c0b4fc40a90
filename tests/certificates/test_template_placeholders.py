"""Certificate template bodies take plain {name} placeholders only (issue 13, finding 14).

Before: {learner_name:>50000000} was accepted and str.format built a 50-million-character string
in the worker for every certificate; {learner_name!r} and friends were accepted too."""
import time

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from certificates.models import CertificateTemplate, validate_body
from certificates.pdf import body_text, sample_facts
from tests.factories import make_certificate_template
from people.models import Role
from tests.factories import make_staff

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("body", [
    "{learner_name:>50000000}", "{hours:,}", "{learner_name!r}", "{learner_name.__class__}", "{course[0]}",
    "{score:{hours}}",
])
def test_format_specs_conversions_and_attribute_access_are_refused(body):
    with pytest.raises(ValidationError) as error:
        validate_body(f"Học viên {body} đã hoàn thành.")
    assert error.value.code in ("placeholder_format", "braces")


@pytest.mark.parametrize("body", ["{learner_name} — {course} ({hours} giờ)", "Dấu {{ngoặc}} {class_title}", ""])
def test_plain_placeholders_and_doubled_braces_are_accepted(body):
    validate_body(body)


def test_the_admin_form_explains_the_refusal_in_vietnamese(client, province):
    client.force_login(make_staff(Role.UNIT_MANAGER, province["dako"]))
    data = {"name": "Mẫu", "course": "", "training_class": "", "issuing_unit": province["dako"].pk,
            "title": "GIẤY CHỨNG NHẬN", "body": "Chào {learner_name:>50000000}", "decision_number": "",
            "number_prefix": "DAKO", "place": "", "signer_name": "", "signer_title": "",
            "orientation": "landscape"}
    response = client.post(reverse("wagtailsnippets_certificates_certificatetemplate:add"), data)
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["body"])
    assert "không dùng được {learner_name:>50000000}" in errors
    assert not CertificateTemplate.objects.exists()


def test_a_body_saved_before_the_rule_renders_its_spec_as_text_without_expanding_it(province):
    facts = sample_facts(make_certificate_template(province["dako"]))
    started = time.perf_counter()
    text = body_text("Chào {learner_name:>50000000} {{x}} {learner_name}", facts)
    assert time.perf_counter() - started < 0.1
    assert text == "Chào {learner_name:>50000000} {x} " + facts.learner_name

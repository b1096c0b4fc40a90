"""The demo (`make run`) has a certificate to look at: the demo learner's, for the conference they attended."""
import pytest
from django.contrib.auth import get_user_model

from certificates.demo import seed_certificates
from certificates.models import Certificate
from courses.demo import seed_courses
from enrollment.demo import seed_training
from people.demo import seed_people

from .helpers import pdf_text

pytestmark = pytest.mark.django_db


def test_the_demo_learner_has_a_certificate_in_my_certificates(client):
    seed_people(learners=30)
    seed_courses()
    seed_training()
    seed_certificates()
    seed_certificates()  # idempotent

    learner = get_user_model().objects.get(username="hocvien")
    [certificate] = Certificate.objects.filter(learner=learner)
    assert certificate.is_valid and certificate.course_title == "Hội nghị phổ biến các luật mới năm 2026"
    assert certificate.issuing_unit_name == "Sở Tư pháp"  # the demo template's unit
    with certificate.pdf.open("rb") as handle:
        assert "Nguyễn Thị Hường" in pdf_text(handle.read())
    client.force_login(learner)
    assert certificate.number in client.get("/certificates/").content.decode()
    # the course page says it is completed, with no "continue" button to a course without lessons
    page = client.get(certificate.enrollment.course.url).content.decode()
    assert "Đã hoàn thành ngày" in page and "Học tiếp từ chỗ đã dừng" not in page

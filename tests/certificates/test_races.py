"""Two workers issuing the same certificate at once end with one certificate and no gap in the numbers."""
import threading

import pytest
from django.db import connection
from django.utils import timezone

from certificates import services
from certificates.models import Certificate
from tests.factories import make_catalog, make_completed_enrollment, make_course, make_profile, make_user, make_unit


@pytest.mark.django_db(transaction=True)
def test_concurrent_issues_give_one_certificate(settings, tmp_path):
    settings.CERTIFICATE_SIGNING_KEY_FILE = str(tmp_path / "issuer.pem")
    unit = make_unit("Xã Tân An", "XA-TANAN")
    course = make_course(make_catalog(), title="Kỹ năng hòa giải")
    user = make_user()
    make_profile(unit, "Nguyễn Thị Hường", user=user)
    enrollment = make_completed_enrollment(user, course)
    barrier, results, errors = threading.Barrier(2), [], []

    def issue():
        try:
            barrier.wait()
            results.append(services.certificate_issue(enrollment_id=enrollment.pk).pk)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(set(results)) == 1 and Certificate.objects.count() == 1
    # the loser's number was rolled back: the next certificate takes the next number
    other = make_user()
    make_profile(unit, "Đặng Văn Ước", user=other)
    following = services.certificate_issue(enrollment_id=make_completed_enrollment(other, course).pk)
    assert following.number == f"STP-{timezone.localdate().year}-000002"

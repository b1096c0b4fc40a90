"""The demo's year of training (manage.py seed_demo): figures to look at, once."""
import pytest
from django.contrib.auth import get_user_model

from people.demo import seed_people
from people.models import ProfileMembership
from reporting.demo import seed_reporting
from reporting.periods import default_period
from reporting.selectors import dashboard
from tests.factories import make_catalog, make_course

pytestmark = pytest.mark.django_db


def test_the_demo_gives_the_department_admin_a_report_to_read():
    seed_people(learners=60)
    make_course(make_catalog(), title="Chuyển đổi số trong công tác phổ biến, giáo dục pháp luật")
    assert seed_reporting() > 0
    assert seed_reporting() == 0  # idempotent
    admin = get_user_model().objects.get(username="sotuphap.admin")
    board = dashboard(user=admin, period=default_period())
    assert board.node.code == "TINH-LS"
    assert 0 < board.node.figures.trained < board.node.figures.population
    assert board.node.figures.activities >= 1 and board.node.figures.respondents is not None
    assert ProfileMembership.objects.count() == 1  # the official who moved from Xã Tân An to Xã Đắk Ơ

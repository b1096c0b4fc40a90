"""Fixtures shared by the enrollment tests: an in-person course with a class in Xã Tân An."""
import datetime as dt

import pytest
from django.utils import timezone

from enrollment import services
from people.models import Category, Role
from tests.factories import make_catalog, make_course, make_profile, make_staff, make_user


@pytest.fixture
def tanan_manager(province):
    return make_staff(Role.UNIT_MANAGER, province["tanan"], username="tanan.quanly")


@pytest.fixture
def trainer(province):
    return make_staff(Role.TRAINER, province["justice"], username="giangvien")


@pytest.fixture
def in_person_course(db):
    """A course held in person only: no lessons, completed through attendance."""
    return make_course(make_catalog(), title="Kỹ năng hòa giải ở cơ sở", modality="in_person")


@pytest.fixture
def learners(province):
    """Three people of Xã Tân An with accounts (diacritics in every name)."""
    people = []
    for name in ("Nguyễn Thị Hường", "Đặng Văn Ước", "Lê Thị Ánh"):
        user = make_user()
        people.append(make_profile(province["tanan"], full_name=name, user=user,
                                   category=Category.GRASSROOTS_MEDIATOR))
    return people


@pytest.fixture
def klass(tanan_manager, trainer, in_person_course, province):
    """A class of the in-person course with two in-person sessions; 50% attendance completes."""
    today = timezone.localdate()
    training_class = services.class_create(
        by=tanan_manager, course=in_person_course, title="Lớp hòa giải viên Tân An 2026", org_unit=province["tanan"],
        starts_on=today, ends_on=today + dt.timedelta(days=30), trainer=trainer, min_attendance_percent=50)
    start = timezone.now() + dt.timedelta(days=1)
    training_class.sessions_made = [
        services.session_create(by=trainer, training_class=training_class, title=f"Buổi {n}", modality="in_person",
                                starts_at=start + dt.timedelta(days=n), ends_at=start + dt.timedelta(days=n, hours=3),
                                place="Hội trường UBND xã Tân An")
        for n in (1, 2)]
    return training_class

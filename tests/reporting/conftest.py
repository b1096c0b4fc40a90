import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from people.models import OrgUnit, Role
from tests.factories import login_verified, make_catalog, make_course, make_staff, make_survey, make_unit  # noqa: F401

TZ = timezone.get_fixed_timezone(7 * 60)  # Asia/Ho_Chi_Minh has no DST: UTC+7 all year


def at(year, month, day, hour=9):
    return dt.datetime(year, month, day, hour, tzinfo=TZ)


@dataclass
class World:
    units: dict
    counting: object        # a course that counts toward the target
    stopped: object         # a course that counted, then stopped counting
    not_counting: object    # a course that never counted
    survey: object
    admin: object
    tanan_manager: object
    dako_manager: object


@pytest.fixture
def world(province):
    from reporting.services import plan_phases_ensure

    plan_phases_ensure()  # seeded by a migration, gone after another test's flush
    units = dict(province)
    units["empty"] = make_unit("Xã Không Người", "XA-TRONG", units["province"])
    # siblings are kept in name order, so adding one may move others: read the paths back
    units = {key: OrgUnit.objects.get(pk=unit.pk) for key, unit in units.items()}
    catalog = make_catalog()
    counting = make_course(catalog, title="Chuyển đổi số trong PBGDPL", counts_toward_target=True)
    stopped = make_course(catalog, title="Kỹ năng số cho hòa giải viên", counts_toward_target=True)
    not_counting = make_course(catalog, title="Luật Đất đai 2024", counts_toward_target=False, topic="law_knowledge")
    return World(
        units=units, counting=counting, stopped=stopped, not_counting=not_counting,
        survey=make_survey(units["province"]),
        admin=make_staff(Role.DEPARTMENT_ADMIN, units["province"], "so.admin"),
        tanan_manager=make_staff(Role.UNIT_MANAGER, units["tanan"], "tanan.ql"),
        dako_manager=make_staff(Role.UNIT_MANAGER, units["dako"], "dako.ql"),
    )




@pytest.fixture
def people_2026(world):
    """Trained and untrained people in Tân An and Đắk Ơ (2026), names with diacritics."""
    from django.contrib.auth import get_user_model

    from people.models import Profile
    from tests.factories import make_enrollment_row

    User = get_user_model()
    made = {}
    rows = [("tanan", "Nguyễn Thị Hường", True), ("tanan", "Trần Văn Ước", False), ("tanan", "Lê Đức Ánh", False),
            ("dako", "Y Đắk Ơ Niê", True), ("dako", "H'Hen Ksor", False), ("hamlet", "Rơ Châm Ớt", True)]
    for number, (unit, name, trained) in enumerate(rows):
        user = User.objects.create(username=f"hv{number}")
        profile = Profile.objects.create(full_name=name, id_code=f"0790{number:08d}", org_unit=world.units[unit],
                                         category="legal_reporter", area="rural", in_target_population=True,
                                         user=user, ethnic_minority_area=unit != "tanan")
        Profile.objects.filter(pk=profile.pk).update(created_at=at(2025, 1, 1))
        if trained:
            make_enrollment_row(user, world.counting, completed_at=at(2026, 3, 1 + number),
                                modality="online_self_paced", counted=True)
        made[name] = profile
    return made

"""Demo data for the people app: a sample province, ~200 learners, one user per role.

Idempotent: running it again changes nothing. Used by ``manage.py seed_demo``.
"""
from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .models import Area, Category, OrgUnit, Profile, Role
from .services import org_unit_create, role_assign

DEMO_PASSWORD = "HocTap@2026"

PROVINCE = ("UBND tỉnh Lâm Sơn", "TINH-LS", "Tỉnh")
DEPARTMENTS = [
    ("Sở Tư pháp", "SO-TP"), ("Sở Giáo dục và Đào tạo", "SO-GDDT"),
    ("Công an tỉnh", "CA-TINH"), ("Bộ Chỉ huy Quân sự tỉnh", "BCH-QS"),
]
# name, code, area, ethnic-minority area
COMMUNES = [
    ("Phường Hòa Bình", "PHUONG-HB", Area.URBAN, False), ("Phường Đông Tiến", "PHUONG-DT", Area.URBAN, False),
    ("Xã Tân An", "XA-TANAN", Area.RURAL, False), ("Xã Quảng Phú", "XA-QPHU", Area.RURAL, False),
    ("Xã Đắk Ơ", "XA-DAKO", Area.RURAL, True), ("Xã Mường Lống", "XA-MLONG", Area.RURAL, True),
]
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương"]
MIDDLE = ["Thị", "Văn", "Hữu", "Minh", "Ngọc", "Thanh", "Đức", "Quốc", "Thu", "Xuân"]
GIVEN = ["Hường", "Ước", "An", "Bình", "Cường", "Dũng", "Giang", "Hạnh", "Hiếu", "Khánh", "Lan", "Linh",
         "Mai", "Nghĩa", "Oanh", "Phúc", "Quyên", "Sơn", "Thảo", "Trang", "Tuấn", "Uyên", "Việt", "Yến"]
STAFF_CATEGORIES = [Category.CBCCVC, Category.CBCCVC, Category.LEGAL_REPORTER, Category.LEGAL_PROPAGANDIST,
                    Category.GRASSROOTS_MEDIATOR, Category.LLVT, Category.TEACHER]

# login -> (full name, ID code, role or None, org unit code)
DEMO_USERS = {
    "sotuphap.admin": ("Trần Minh Quân", "079080000001", Role.DEPARTMENT_ADMIN, "TINH-LS"),
    "tanan.quanly": ("Lê Thị Ngọc Ánh", "079080000002", Role.UNIT_MANAGER, "XA-TANAN"),
    "giangvien": ("Phạm Đức Thắng", "079080000003", Role.TRAINER, "SO-TP"),
    "hocvien": ("Nguyễn Thị Hường", "079080000004", None, "XA-TANAN"),
}


def _units() -> dict[str, OrgUnit]:
    province = org_unit_create(name=PROVINCE[0], code=PROVINCE[1], level_name=PROVINCE[2])
    for name, code in DEPARTMENTS:
        org_unit_create(name=name, code=code, level_name="Sở, ban, ngành", parent=province)
    for name, code, _area, _ethnic in COMMUNES:
        org_unit_create(name=name, code=code, level_name="Xã, phường", parent=province)
    return {unit.code: unit for unit in OrgUnit.objects.all()}


@transaction.atomic
def seed_people(learners: int = 200) -> list[tuple[str, str, str]]:
    """Create the demo province; returns (login, password, role label) for each demo user."""
    units = _units()
    rng = random.Random(2026)
    communes = {code: (area, ethnic) for _n, code, area, ethnic in COMMUNES}
    unit_codes = [code for _n, code in DEPARTMENTS] + list(communes)
    profiles = []
    for number in range(1, learners + 1):
        code = unit_codes[number % len(unit_codes)]
        area, ethnic = communes.get(code, (Area.URBAN, False))
        category = rng.choice(STAFF_CATEGORIES) if number % 10 else rng.choice([Category.CITIZEN, Category.BUSINESS])
        profiles.append(Profile(
            full_name=f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
            id_code=f"0791{number:08d}", org_unit=units[code], category=category, area=area,
            ethnic_minority_area=ethnic, in_target_population=category not in (Category.CITIZEN, Category.BUSINESS),
            date_of_birth=dt.date(1970 + number % 30, 1 + number % 12, 1 + number % 28),
        ))
    Profile.objects.bulk_create(profiles, ignore_conflicts=True)

    User = get_user_model()
    logins = []
    for login, (full_name, id_code, role, unit_code) in DEMO_USERS.items():
        user, created = User.objects.get_or_create(username=login, defaults={"email": f"{login}@example.org"})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.last_name, user.first_name = full_name.rsplit(" ", 1)
            user.save()
        Profile.objects.update_or_create(id_code=id_code, defaults={
            "user": user, "full_name": full_name, "org_unit": units[unit_code], "email": user.email,
            "category": Category.CBCCVC, "area": communes.get(unit_code, (Area.URBAN, False))[0],
            "in_target_population": True, "date_of_birth": dt.date(1985, 5, 20),
        })
        if role:
            role_assign(user=user, role=role, org_unit=units[unit_code])
        logins.append((login, DEMO_PASSWORD, str(Role(role).label) if role else str(_("Learner"))))
    return logins

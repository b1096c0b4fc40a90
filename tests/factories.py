"""Test data builders (plain functions: few models, no factory library needed yet)."""
from __future__ import annotations

import itertools

from django.contrib.auth import get_user_model

from people.models import Category, OrgUnit, Profile
from people.services import org_unit_create, role_assign

_seq = itertools.count(1)


def make_unit(name: str, code: str | None = None, parent: OrgUnit | None = None) -> OrgUnit:
    return org_unit_create(name=name, code=code or f"U{next(_seq)}", parent=parent)


def make_user(username: str | None = None, password: str = "Pass-word-123", **extra):
    username = username or f"user{next(_seq)}"
    user = get_user_model().objects.create_user(username=username, password=password, **extra)
    return user


def make_profile(unit: OrgUnit, full_name: str = "Nguyễn Văn An", user=None, **extra) -> Profile:
    extra.setdefault("category", Category.CBCCVC)
    extra.setdefault("id_code", f"ID{next(_seq):010d}")
    return Profile.objects.create(full_name=full_name, org_unit=unit, user=user, **extra)


def make_staff(role: str, unit: OrgUnit, username: str | None = None):
    user = make_user(username)
    role_assign(user=user, role=role, org_unit=unit)
    return user

"""Writes of the people app: roles, roster imports, accounts.

Every function is keyword-only and runs inside a transaction where it writes
more than one row. Views, forms, tasks and commands call these and nothing else.
"""
from __future__ import annotations

import logging
import secrets
import zipfile
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.text import nfc

from . import crypto, roster
from .models import OrgUnit, Profile, ProfileMembership, Role, RoleAssignment, RosterImport
from .selectors import WITHOUT_OWN_ACCOUNT, managed_paths, visible_profiles

logger = logging.getLogger(__name__)
User = get_user_model()

# --- roles ------------------------------------------------------------------

def _crud(app_label: str, *models: str) -> list[str]:
    """The view/add/change/delete permission names of ``models`` (by name: no import of other apps)."""
    return [f"{app_label}.{action}_{model}" for model in models for action in ("view", "add", "change", "delete")]


VIDEO_AUTHORING = _crud("media_pipeline", "video")
ASSESSMENT_AUTHORING = _crud("assessments", "questioncategory", "question", "quiz", "contest", "contestround",
                             "survey")

ROLE_GROUPS: dict[str, tuple[str, list[str]]] = {
    # role -> (group name, "app_label.codename" permissions)
    Role.DEPARTMENT_ADMIN: ("Department admins", [
        "wagtailadmin.access_admin",
        *_crud("people", "orgunit", "profile", "roleassignment"),
        "people.view_rosterimport", "people.add_rosterimport",
        *VIDEO_AUTHORING, "media_pipeline.manage_all_videos",
        *ASSESSMENT_AUTHORING,
        *_crud("reporting", "phase"),  # the plan's targets
    ]),
    Role.UNIT_MANAGER: ("Unit managers", [
        "wagtailadmin.access_admin",
        "people.view_orgunit",
        "people.view_profile", "people.add_profile", "people.change_profile",
        "people.view_rosterimport", "people.add_rosterimport",
    ]),
    Role.TRAINER: ("Trainers", ["wagtailadmin.access_admin", *VIDEO_AUTHORING, *ASSESSMENT_AUTHORING]),
}


def role_groups_ensure() -> dict[str, Group]:
    """Create or refresh the Django groups that carry each role's admin permissions."""
    groups = {}
    for role, (name, perms) in ROLE_GROUPS.items():
        group, _created = Group.objects.get_or_create(name=name)
        wanted = []
        for perm in perms:
            app_label, codename = perm.split(".")
            wanted.extend(Permission.objects.filter(content_type__app_label=app_label, codename=codename))
        group.permissions.set(wanted)
        groups[role] = group
    return groups


def role_groups_sync(user) -> None:
    """Put ``user`` in exactly the admin groups of the roles they hold."""
    groups = role_groups_ensure()
    held = set(RoleAssignment.objects.filter(user=user).values_list("role", flat=True))
    for role, group in groups.items():
        if role in held:
            user.groups.add(group)
        else:
            user.groups.remove(group)
    user.__dict__.pop("_role_assignments_cache", None)


@transaction.atomic
def role_assign(*, user, role: str, org_unit: OrgUnit) -> RoleAssignment:
    """Give ``user`` ``role`` over ``org_unit``'s subtree (idempotent)."""
    if role not in Role.values:
        raise ValidationError(_("Unknown role."), code="invalid_role")
    assignment, _created = RoleAssignment.objects.get_or_create(user=user, role=role, org_unit=org_unit)
    role_groups_sync(user)
    return assignment


@transaction.atomic
def role_revoke(*, user, role: str, org_unit: OrgUnit) -> None:
    RoleAssignment.objects.filter(user=user, role=role, org_unit=org_unit).delete()
    role_groups_sync(user)


# --- org units ----------------------------------------------------------------

@transaction.atomic
def org_unit_create(*, name: str, code: str, level_name: str = "", parent: OrgUnit | None = None) -> OrgUnit:
    """Create an org unit under ``parent`` (a root when None); idempotent on ``code``."""
    existing = OrgUnit.objects.filter(code=code).first()
    if existing:
        return existing
    fields = {"name": nfc(name), "code": code, "level_name": nfc(level_name)}
    if parent is None:
        return OrgUnit.add_root(**fields)
    return OrgUnit.objects.get(pk=parent.pk).add_child(**fields)


# --- roster import --------------------------------------------------------------

ROSTER_EXTENSIONS = (".xlsx", ".csv")
ROSTER_BATCH = 1000
UPDATABLE_FIELDS = [
    "full_name", "date_of_birth", "email", "phone", "org_unit", "category", "area",
    "ethnic_minority_area", "in_target_population",
]


def roster_import_create(*, uploaded_file, user=None, enqueue: bool = True) -> RosterImport:
    """Store an uploaded roster and (unless ``enqueue`` is False) queue its validation and import.

    Raises ValidationError (translated) for a file that is not XLSX/CSV or too large.
    """
    name = Path(uploaded_file.name).name
    if not name.lower().endswith(ROSTER_EXTENSIONS):
        raise ValidationError(_("Upload an .xlsx or .csv file."), code="bad_extension")
    limit = settings.ROSTER_MAX_UPLOAD_MB * 1024 * 1024
    if uploaded_file.size > limit:
        raise ValidationError(
            _("The file is larger than %(limit)s MB.") % {"limit": settings.ROSTER_MAX_UPLOAD_MB},
            code="too_large",
        )
    if not uploaded_file.size:
        raise ValidationError(_("The file is empty."), code="empty")
    if name.lower().endswith(".xlsx"):
        head = uploaded_file.read(4)
        uploaded_file.seek(0)
        if head != b"PK\x03\x04":
            raise ValidationError(_("This is not a real .xlsx file. Save it again from Excel."), code="not_xlsx")
    from .tasks import import_roster

    with transaction.atomic():
        job = RosterImport(original_name=name, uploaded_by=user if user and user.pk else None)
        job.file.save(name, uploaded_file, save=False)
        job.save()
        if enqueue:
            transaction.on_commit(lambda: import_roster.delay(job.pk))
    return job


def _progress(job_id: int, **fields) -> None:
    RosterImport.objects.filter(pk=job_id).update(**fields)


def roster_import_run(*, import_id: int) -> RosterImport:
    """Validate the whole file, then import it in batches; a no-op once finished.

    Rows are upserted by ID code, so a rerun after a crash ends in the same
    state and re-importing an updated roster never duplicates a person.
    """
    with transaction.atomic():
        job = RosterImport.objects.select_for_update().get(pk=import_id)
        if job.status in (RosterImport.Status.DONE, RosterImport.Status.REJECTED):
            return job
        job.status = RosterImport.Status.VALIDATING
        job.save(update_fields=["status"])

    allowed = managed_paths(job.uploaded_by) if job.uploaded_by_id else None
    unit_paths = dict(OrgUnit.objects.values_list("code", "path"))
    # keyed by the blind index: the ID codes themselves are encrypted and need not be decrypted here
    existing = {
        row["id_code_index"]: row for row in Profile.objects.values(
            "id", "id_code_index", "org_unit__path", "is_active",
            *[f if f != "org_unit" else "org_unit_id" for f in UPDATABLE_FIELDS]
        )
    }
    try:
        result = roster.validate_roster(
            roster.read_rows(job.file.path, job.original_name),
            unit_paths=unit_paths, allowed_paths=allowed,
            existing_paths={digest: row["org_unit__path"] for digest, row in existing.items()},
            on_progress=lambda n: _progress(import_id, total_rows=n),
        )
    except (zipfile.BadZipFile, KeyError, ValueError, UnicodeDecodeError, OSError) as exc:
        result = roster.ValidationResult()
        result.add(1, "", "unreadable", detail=str(exc)[:200])
    if result.errors:
        _progress(import_id, status=RosterImport.Status.REJECTED, errors=result.errors[:5000],
                  total_rows=result.total_rows, finished_at=timezone.now())
        return RosterImport.objects.get(pk=import_id)

    _progress(import_id, status=RosterImport.Status.IMPORTING, total_rows=result.total_rows, processed_rows=0)
    unit_ids = dict(OrgUnit.objects.values_list("code", "id"))
    created = updated = processed = 0
    for start in range(0, len(result.rows), ROSTER_BATCH):
        batch = result.rows[start:start + ROSTER_BATCH]
        to_write, moved = [], []
        for row in batch:
            values = {
                "full_name": row.full_name, "date_of_birth": row.date_of_birth, "email": row.email,
                "phone": row.phone, "org_unit_id": unit_ids[row.org_unit_code], "category": row.category,
                "area": row.area, "ethnic_minority_area": row.ethnic_minority_area,
                "in_target_population": row.in_target_population,
            }
            before = existing.get(row.id_code_index)
            if before is None:
                created += 1
            elif all(before[key] == value for key, value in values.items()):
                continue
            else:
                updated += 1
                if membership_state(before) != membership_state({**values, "is_active": True}):
                    moved.append((before["id"], before))
            to_write.append(Profile(id_code=row.id_code, is_active=True, **values))
        with transaction.atomic():
            Profile.objects.bulk_create(
                to_write, update_conflicts=True, unique_fields=["id_code_index"],
                update_fields=UPDATABLE_FIELDS + ["is_active", "updated_at"],
            )
            memberships_record(changes=moved)  # the upsert sends no signals
        processed += len(batch)
        _progress(import_id, processed_rows=processed, created_count=created, updated_count=updated)
    _progress(import_id, status=RosterImport.Status.DONE, finished_at=timezone.now())
    return RosterImport.objects.get(pk=import_id)


def roster_import_fail(*, import_id: int, reason: str) -> None:
    """Mark a job failed after an unexpected error (the task calls this)."""
    _progress(import_id, status=RosterImport.Status.FAILED, failure_reason=reason[:2000],
              finished_at=timezone.now())


# --- accounts -------------------------------------------------------------------

INVITE_SALT = "people.invitation"
VERIFY_SALT = "people.email-verification"


class AccountError(ValidationError):
    """A translated, user-facing reason why an account action could not be done."""


def _create_user_for_profile(profile: Profile, *, password: str, email: str = "") -> User:
    held = profile.user if profile.user_id and not profile.user.has_usable_password() else None
    if held is None and User.objects.filter(username__iexact=profile.id_code).exists():
        raise AccountError(_("An account with this ID code already exists. Log in or reset your password."),
                           code="exists")
    user = held or User(username=profile.id_code)
    user.email = email or profile.email or user.email
    parts = profile.full_name.rsplit(" ", 1)
    user.first_name, user.last_name = (parts[-1], parts[0]) if len(parts) == 2 else (profile.full_name, "")
    user.set_password(password)
    user.is_active = True
    user.save()
    profile.user = user
    if email:
        profile.email = email
    profile.save(update_fields=["user", "email", "updated_at"])
    return user


def profile_account_hold(*, profile: Profile) -> User:
    """An inactive account held for a rostered person who has not signed in yet, so a trainer can
    enrol them in a class and record their in-person attendance. Claiming the profile or accepting
    an invitation later turns it into their own account, with that history."""
    if profile.user_id:
        return profile.user
    user = User(username=profile.id_code, email=profile.email, is_active=False)
    user.set_unusable_password()
    parts = profile.full_name.rsplit(" ", 1)
    user.first_name, user.last_name = (parts[-1], parts[0]) if len(parts) == 2 else (profile.full_name, "")
    user.save()
    Profile.objects.filter(pk=profile.pk).update(user=user)
    profile.user = user
    return user


def _has_own_account(profile: Profile) -> bool:
    return bool(profile.user_id) and profile.user.has_usable_password()


@transaction.atomic
def profile_claim(*, id_code: str, date_of_birth, password: str, email: str = "") -> User:
    """A rostered person takes their profile with ID code + date of birth.

    The error never says which of the two was wrong, so the form cannot be
    used to find out who is on the roster.
    """
    profile = (Profile.objects.select_for_update()
               .filter(id_code=id_code.strip().upper(), is_active=True).first())
    if profile is not None and profile.date_of_birth != date_of_birth:
        profile = None  # encrypted at rest: the date is compared after decryption
    if profile is None:
        raise AccountError(_("No roster entry matches this ID code and date of birth. "
                             "Check both, or ask your unit's manager."), code="no_match")
    if _has_own_account(profile):
        raise AccountError(_("This profile already has an account. Log in or reset your password."),
                           code="claimed")
    return _create_user_for_profile(profile, password=password, email=email)


def invitation_token(profile: Profile) -> str:
    return signing.dumps({"profile": profile.pk}, salt=INVITE_SALT, compress=True)


def invitation_profile(token: str) -> Profile:
    """The profile an invitation token names; raises AccountError when invalid or expired."""
    try:
        data = signing.loads(token, salt=INVITE_SALT, max_age=settings.ACCOUNT_INVITATION_MAX_AGE)
    except signing.SignatureExpired:
        raise AccountError(_("This invitation has expired. Ask your unit's manager for a new one."),
                           code="expired") from None
    except signing.BadSignature:
        raise AccountError(_("This invitation link is not valid."), code="invalid") from None
    profile = Profile.objects.filter(pk=data.get("profile"), is_active=True).first()
    if profile is None:
        raise AccountError(_("This invitation link is not valid."), code="invalid")
    if _has_own_account(profile):
        raise AccountError(_("This profile already has an account. Log in or reset your password."),
                           code="claimed")
    return profile


@transaction.atomic
def invitation_accept(*, token: str, password: str) -> User:
    profile = invitation_profile(token)
    profile = Profile.objects.select_for_update().get(pk=profile.pk)
    return _create_user_for_profile(profile, password=password)


def invitations_send(*, profiles: Iterable[Profile]) -> int:
    """E-mail an invitation to each profile that has an address and no account yet;
    records when, so a second click sends to nobody twice."""
    sent = 0
    for profile in profiles:
        if _has_own_account(profile) or not profile.email:
            continue
        link = settings.SITE_URL + reverse("people:invitation", args=[invitation_token(profile)])
        send_mail(
            subject=_("Your account on the legal-education training platform"),
            message=_(
                "Hello %(name)s,\n\nYour unit has registered you for online training. "
                "Open this link to set your password (valid for 14 days):\n%(link)s\n\n"
                "Your login name is your ID code: %(id_code)s"
            ) % {"name": profile.full_name, "link": link, "id_code": profile.id_code},
            from_email=None, recipient_list=[profile.email],
        )
        Profile.objects.filter(pk=profile.pk).update(invited_at=timezone.now())
        sent += 1
    return sent


def invitations_send_for(*, user_id: int) -> int:
    """Invite everyone in ``user_id``'s subtrees who has an e-mail, no account and no invitation yet."""
    user = User.objects.get(pk=user_id)
    pending = visible_profiles(user).filter(invited_at__isnull=True).filter(WITHOUT_OWN_ACCOUNT).exclude(email="")
    return invitations_send(profiles=pending.iterator(chunk_size=500))


@transaction.atomic
def public_learner_register(*, full_name: str, email: str, password: str, category: str,
                            org_unit: OrgUnit) -> User:
    """A citizen or business registers; the account stays inactive until the e-mail is verified."""
    from .models import Category

    if category not in (Category.CITIZEN, Category.BUSINESS):
        raise AccountError(_("Self-registration is open to citizens and businesses only."), code="category")
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists() or User.objects.filter(username__iexact=email).exists():
        raise AccountError(_("This e-mail address is already registered. Log in or reset your password."),
                           code="exists")
    user = User(username=email, email=email, is_active=False)
    user.set_password(password)
    user.save()
    Profile.objects.create(
        user=user, full_name=nfc(full_name), id_code=f"TK{secrets.token_hex(6).upper()}", email=email,
        org_unit=org_unit, category=category, in_target_population=False,
    )
    link = settings.SITE_URL + reverse("people:verify_email", args=[
        signing.dumps({"user": user.pk}, salt=VERIFY_SALT)])
    send_mail(
        subject=_("Confirm your e-mail address"),
        message=_("Hello %(name)s,\n\nOpen this link to activate your account:\n%(link)s") % {
            "name": nfc(full_name), "link": link},
        from_email=None, recipient_list=[email],
    )
    return user


def email_verify(*, token: str) -> User:
    try:
        data = signing.loads(token, salt=VERIFY_SALT, max_age=settings.PASSWORD_RESET_TIMEOUT)
    except signing.BadSignature:
        raise AccountError(_("This activation link is not valid or has expired."), code="invalid") from None
    user = User.objects.filter(pk=data.get("user")).first()
    if user is None:
        raise AccountError(_("This activation link is not valid or has expired."), code="invalid")
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
    return user


# --- membership history (reports on past periods) ----------------------------------

MEMBERSHIP_FIELDS = ("org_unit_id", "category", "area", "ethnic_minority_area", "in_target_population", "is_active")


def membership_state(profile) -> dict:
    """The tracked fields of a profile (a model instance or a ``values()`` row)."""
    get = profile.get if isinstance(profile, dict) else lambda name: getattr(profile, name)
    return {name: get(name) for name in MEMBERSHIP_FIELDS}


def memberships_record(*, changes: list[tuple[int, dict]], at=None) -> int:
    """Close the current stretch of each changed profile: ``changes`` is (profile id, the
    tracked fields *before* the change); each becomes a past stretch ending ``at`` (now).

    The stretch starts where the profile's previous one ended, or when the profile was
    created. Returns how many stretches were written.
    """
    if not changes:
        return 0
    at = at or timezone.now()
    ids = [profile_id for profile_id, _before in changes]
    ends = dict(ProfileMembership.objects.filter(profile_id__in=ids).values("profile_id")
                .annotate(last=Max("valid_to")).values_list("profile_id", "last"))
    created = dict(Profile.objects.filter(pk__in=ids).values_list("pk", "created_at"))
    rows = []
    for profile_id, before in changes:
        start = ends.get(profile_id) or created.get(profile_id) or at
        rows.append(ProfileMembership(profile_id=profile_id, valid_from=min(start, at), valid_to=at,
                                      **membership_state(before)))
    ProfileMembership.objects.bulk_create(rows)
    return len(rows)


# --- personal data keys ----------------------------------------------------------

PERSONAL_FIELDS = ("id_code", "date_of_birth", "phone")


def personal_data_rotate(*, batch_size: int = 1000) -> tuple[int, int]:
    """Re-encrypt every profile's ID code, date of birth and phone with the newest key of
    PERSONAL_DATA_KEYS and recompute its blind index under PERSONAL_DATA_INDEX_KEY; returns
    (profiles rewritten, profiles read).

    Idempotent and batched: a profile already under the newest key with a current index is left
    alone, and each batch commits on its own, so a stopped run is finished by running it again.
    """
    newest = crypto.keyring().newest_id
    as_stored = {f"stored_{name}": crypto.stored(name) for name in PERSONAL_FIELDS}
    last = rewritten = read = 0
    while True:
        with transaction.atomic():
            batch = list(Profile.objects.select_for_update().filter(pk__gt=last).order_by("pk")
                         .annotate(**as_stored)[:batch_size])
            if not batch:
                return rewritten, read
            stale = []
            for profile in batch:
                index = crypto.blind_index(profile.id_code)
                keys = {crypto.key_id_of(getattr(profile, name)) for name in as_stored} - {None}
                if keys - {newest} or profile.id_code_index != index:
                    profile.id_code_index = index
                    stale.append(profile)
            # every encrypted field is written again, so it is encrypted with the newest key
            Profile.objects.bulk_update(stale, [*PERSONAL_FIELDS, "id_code_index"], batch_size=250)
        rewritten += len(stale)
        read += len(batch)
        last = batch[-1].pk

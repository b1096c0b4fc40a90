"""Writes of the people app: roles, roster imports, accounts.

Every function is keyword-only and runs inside a transaction where it writes
more than one row. Views, forms, tasks and commands call these and nothing else.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import secrets
import zipfile
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _

from lms import audit
from lms.text import fold, nfc

from . import crypto, roster
from .models import AccountActivation, OrgUnit, Profile, ProfileMembership, Role, RoleAssignment, RosterImport
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
    probes = sum(1 for error in result.errors if error["code"] == "person_out_of_scope")
    if probes:
        audit.record(action="person.probe", actor=job.uploaded_by, subject=job.original_name,
                     subject_id=str(job.pk), details={"rows": probes})
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

# Activation codes: Crockford's base 32 (no I, L, O, U: nothing to misread on paper), 10 characters
# (50 bits), printed as XXXXX-XXXXX; guessing is capped per address by lms.ratelimit.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 10
CODE_READING = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})


class AccountError(ValidationError):
    """A translated, user-facing reason why an account action could not be done."""


def _secret_hash(secret: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), secret.encode(), hashlib.sha256).hexdigest()


def printed_code(code: str) -> str:
    """A code as printed for people to type: ``7KQ2MXW9PD`` -> ``7KQ2M-XW9PD``."""
    return f"{code[:5]}-{code[5:]}"


def normalise_activation_code(text: str) -> str:
    """An activation code as typed (spaces, dashes, lower case, O for 0) in its printed form's letters."""
    return "".join(ch for ch in text.upper() if ch.isalnum()).translate(CODE_READING)


def _new_username(full_name: str) -> str:
    """A login name from the person's name (``nguyenvanan.4821``), never their ID code."""
    base = "".join(ch for ch in fold(full_name) if ch.isalnum())[:20] or "hocvien"
    while True:
        candidate = f"{base}.{secrets.randbelow(10000):04d}"
        if not User.objects.filter(username__iexact=candidate).exists():
            return candidate


def _split_name(full_name: str) -> tuple[str, str]:
    parts = full_name.rsplit(" ", 1)
    return (parts[-1], parts[0]) if len(parts) == 2 else (full_name, "")


def _create_user_for_profile(profile: Profile, *, password: str, email: str = "") -> User:
    held = profile.user if profile.user_id and not profile.user.has_usable_password() else None
    user = held or User(username=_new_username(profile.full_name))
    user.email = email or profile.email or user.email
    user.first_name, user.last_name = _split_name(profile.full_name)
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
    enrol them in a class and record their in-person attendance. Activating the profile later
    turns it into their own account, with that history."""
    if profile.user_id:
        return profile.user
    user = User(username=_new_username(profile.full_name), email=profile.email, is_active=False)
    user.set_unusable_password()
    user.first_name, user.last_name = _split_name(profile.full_name)
    user.save()
    Profile.objects.filter(pk=profile.pk).update(user=user)
    profile.user = user
    return user


def _has_own_account(profile: Profile) -> bool:
    return bool(profile.user_id) and profile.user.has_usable_password()


def activation_issue(*, profile: Profile, kind: str, created_by=None) -> str:
    """A new one-time secret for ``profile`` (returned once, stored as a hash); it replaces the
    person's earlier unused secret of the same kind."""
    now = timezone.now()
    if kind == AccountActivation.Kind.CODE:
        secret = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        max_age = settings.ACCOUNT_ACTIVATION_CODE_MAX_AGE
    else:
        secret = secrets.token_urlsafe(32)
        max_age = settings.ACCOUNT_INVITATION_MAX_AGE
    with transaction.atomic():
        AccountActivation.objects.filter(profile=profile, kind=kind, used_at__isnull=True,
                                         revoked_at__isnull=True).update(revoked_at=now)
        AccountActivation.objects.create(profile=profile, kind=kind, secret_hash=_secret_hash(secret),
                                         created_by=created_by if getattr(created_by, "pk", None) else None,
                                         expires_at=now + dt.timedelta(seconds=max_age))
    return secret


def _activation(secret: str, kind: str, *, lock: bool = False) -> AccountActivation:
    """The live activation ``secret`` opens; AccountError (one message for every reason) otherwise."""
    rows = AccountActivation.objects.select_related("profile", "profile__user")
    if lock:
        # only the activation row: the person's account is an outer join PostgreSQL cannot lock
        rows = rows.select_for_update(of=("self",))
    found = rows.filter(secret_hash=_secret_hash(secret), kind=kind).first()
    invalid = (_("This activation code is not valid or has expired. Check it, or ask your unit's manager for a "
                 "new one.") if kind == AccountActivation.Kind.CODE else
               _("This invitation link is not valid or has expired. Ask your unit's manager for a new one."))
    if (found is None or found.used_at or found.revoked_at or found.expires_at <= timezone.now()
            or not found.profile.is_active):
        raise AccountError(invalid, code="invalid")
    if _has_own_account(found.profile):
        raise AccountError(_("This profile already has an account. Log in or reset your password."),
                           code="claimed")
    return found


@transaction.atomic
def _activation_redeem(secret: str, kind: str, *, password: str, email: str = "") -> User:
    activation = _activation(secret, kind, lock=True)
    user = _create_user_for_profile(activation.profile, password=password, email=email)
    AccountActivation.objects.filter(profile=activation.profile, used_at__isnull=True,
                                     revoked_at__isnull=True).exclude(pk=activation.pk).update(
        revoked_at=timezone.now())
    activation.used_at = timezone.now()
    activation.save(update_fields=["used_at"])
    return user


def activation_code_redeem(*, code: str, password: str, email: str = "") -> User:
    """A rostered person sets up their account with the code printed on their activation sheet."""
    return _activation_redeem(normalise_activation_code(code), AccountActivation.Kind.CODE, password=password,
                              email=email)


def invitation_profile(token: str) -> Profile:
    """The profile an invitation link opens; raises AccountError when used, replaced or expired."""
    return _activation(token, AccountActivation.Kind.LINK).profile


def invitation_accept(*, token: str, password: str) -> User:
    return _activation_redeem(token, AccountActivation.Kind.LINK, password=password)


def invitations_send(*, profiles: Iterable[Profile], created_by=None) -> int:
    """E-mail a one-time invitation link to each profile that has an address and no account yet;
    records when, so a second click sends to nobody twice."""
    sent = 0
    for profile in profiles:
        if _has_own_account(profile) or not profile.email:
            continue
        token = activation_issue(profile=profile, kind=AccountActivation.Kind.LINK, created_by=created_by)
        link = settings.SITE_URL + reverse("people:invitation", args=[token])
        send_mail(
            subject=_("Your account on the legal-education training platform"),
            message=_(
                "Hello %(name)s,\n\nYour unit has registered you for online training. "
                "Open this link to set your password (it works once, for 14 days):\n%(link)s\n\n"
                "Afterwards you log in with your ID code (or your e-mail address) and that password."
            ) % {"name": profile.full_name, "link": link},
            from_email=None, recipient_list=[profile.email],
        )
        Profile.objects.filter(pk=profile.pk).update(invited_at=timezone.now())
        sent += 1
    return sent


def invitations_send_for(*, user_id: int) -> int:
    """Invite everyone in ``user_id``'s subtrees who has an e-mail, no account and no invitation yet."""
    user = User.objects.get(pk=user_id)
    pending = visible_profiles(user).filter(invited_at__isnull=True).filter(WITHOUT_OWN_ACCOUNT).exclude(email="")
    return invitations_send(profiles=pending.iterator(chunk_size=500), created_by=user)


def activation_sheet_create(*, user, unit: OrgUnit, include_subunits: bool = True) -> list[tuple[Profile, str]]:
    """New activation codes for everyone of ``unit`` (and the units below it) who has no account of
    their own yet, for the sheet the unit manager prints and hands out. Codes printed before for
    these people stop working. Refused (PermissionDenied) outside ``user``'s subtrees."""
    from django.core.exceptions import PermissionDenied

    paths = managed_paths(user)
    if paths is not None and not any(unit.path.startswith(path) for path in paths):
        raise PermissionDenied
    people = Profile.objects.filter(is_active=True).filter(WITHOUT_OWN_ACCOUNT).select_related("org_unit")
    people = people.filter(org_unit__path__startswith=unit.path) if include_subunits else people.filter(org_unit=unit)
    return [(profile, activation_issue(profile=profile, kind=AccountActivation.Kind.CODE, created_by=user))
            for profile in people.order_by("org_unit__path", "full_name")]


class EmailVerificationTokens(PasswordResetTokenGenerator):
    """Activation links of self-registration: the hash covers the account's state, so a link works
    once (activating changes ``is_active`` and ``last_login``), dies with a password change and never
    reactivates an account an administrator deactivated after it was used."""

    key_salt = "people.email-verification"

    def _make_hash_value(self, user, timestamp):
        login = "" if user.last_login is None else user.last_login.replace(microsecond=0, tzinfo=None)
        return f"{user.pk}{user.password}{login}{timestamp}{user.is_active}{user.email}"


email_verification_tokens = EmailVerificationTokens()


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
        f"{urlsafe_base64_encode(force_bytes(user.pk))}-{email_verification_tokens.make_token(user)}"])
    send_mail(
        subject=_("Confirm your e-mail address"),
        message=_("Hello %(name)s,\n\nOpen this link to activate your account:\n%(link)s") % {
            "name": nfc(full_name), "link": link},
        from_email=None, recipient_list=[email],
    )
    return user


def email_verify(*, token: str) -> User:
    """Activate a self-registered account from its e-mailed link (once; see EmailVerificationTokens)."""
    invalid = AccountError(_("This activation link is not valid or has expired."), code="invalid")
    encoded_pk, _sep, check = token.partition("-")
    try:
        pk = int(force_str(urlsafe_base64_decode(encoded_pk)))
    except (ValueError, TypeError, OverflowError):
        raise invalid from None
    user = User.objects.filter(pk=pk).first()
    if user is None or user.is_active or user.last_login is not None \
            or not email_verification_tokens.check_token(user, check):
        raise invalid
    user.is_active = True
    user.save(update_fields=["is_active"])
    return user


# --- second factor ------------------------------------------------------------------

BACKUP_DEVICE = "backup-codes"
SETUP_DEVICE = "setup-code"   # unconfirmed: it never counts as a second factor, only as setup proof
BACKUP_CODE_COUNT = 10
SETUP_EMAIL_SECONDS = 15 * 60


def _short_code(length: int) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


@transaction.atomic
def backup_codes_create(*, user) -> list[str]:
    """Ten new single-use backup codes for ``user`` (the old ones stop working); shown once."""
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    device, _created = StaticDevice.objects.get_or_create(user=user, name=BACKUP_DEVICE,
                                                           defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [_short_code(8) for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def backup_codes_left(*, user) -> int:
    from django_otp.plugins.otp_static.models import StaticToken

    return StaticToken.objects.filter(device__user=user, device__name=BACKUP_DEVICE).count()


def second_factor_verify(*, user, token: str):
    """The device that accepts ``token`` (an authenticator code, or a backup code, used up), or None."""
    from django_otp import match_token

    token = token.strip().replace(" ", "")
    return match_token(user, token.upper() if not token.isdigit() else token)


@transaction.atomic
def second_factor_reset(*, user, by) -> str:
    """A department admin resets ``user``'s second factor (lost phone): every authenticator and backup
    code goes, and a one-time setup code is returned for the admin to hand over; with it the person
    sets up a new authenticator. Refused outside ``by``'s subtrees or for oneself."""
    from django.core.exceptions import PermissionDenied
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from .selectors import is_department_admin, roles_of

    if by.pk == user.pk or not is_department_admin(by):
        raise PermissionDenied
    paths = managed_paths(by)
    if paths is not None and not any(a.org_unit.path.startswith(p) for a in roles_of(user) for p in paths):
        raise PermissionDenied
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    code = _short_code(CODE_LENGTH)
    device = StaticDevice.objects.create(user=user, name=SETUP_DEVICE, confirmed=False)
    StaticToken.objects.create(device=device, token=code)
    return code


def setup_code_consume(*, user, code: str) -> bool:
    """True (and the code is used up) when ``code`` is the setup code an admin gave ``user``."""
    from django_otp.plugins.otp_static.models import StaticToken

    code = normalise_activation_code(code)
    return StaticToken.objects.filter(device__user=user, device__name=SETUP_DEVICE, token=code).delete()[0] > 0


def setup_email_send(*, user) -> tuple[str, float] | None:
    """E-mail a 6-digit confirmation code for setting up the first authenticator; returns (its hash,
    expiry) for the session, or None when the account has no address."""
    import time

    if not user.email:
        return None
    code = f"{secrets.randbelow(10 ** 6):06d}"
    send_mail(subject=_("Your confirmation code"),
              message=_("Hello,\n\nSomeone (we hope you) is setting up two-factor authentication for your account "
                        "%(username)s. The confirmation code is: %(code)s\n\nIt is valid for 15 minutes. If this "
                        "was not you, change your password now and tell your department admin.") % {
                  "username": user.get_username(), "code": code},
              from_email=None, recipient_list=[user.email])
    return _secret_hash(f"{user.pk}:{code}"), time.time() + SETUP_EMAIL_SECONDS


def setup_email_matches(*, user, code: str, stored) -> bool:
    import time

    if not stored:
        return False
    digest, expires = stored
    return time.time() < expires and hmac.compare_digest(digest, _secret_hash(f"{user.pk}:{code.strip()}"))


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

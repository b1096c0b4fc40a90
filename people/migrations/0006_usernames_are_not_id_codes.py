"""Accounts made before activation codes carried the person's ID code as their username, which
other people see (rosters, class lists, history). Give them a login name from their name; they
may still log in with their ID code (people.backends.IdCodeBackend)."""
import secrets

from django.db import migrations

from lms.text import fold


def rename(apps, schema_editor):
    Profile = apps.get_model("people", "Profile")
    User = apps.get_model("auth", "User")
    taken = set(User.objects.values_list("username", flat=True))
    for profile in Profile.objects.filter(user__isnull=False).select_related("user").iterator(chunk_size=500):
        user = profile.user
        if not profile.id_code or user.username.strip().upper() != str(profile.id_code).strip().upper():
            continue
        base = "".join(ch for ch in fold(profile.full_name) if ch.isalnum())[:20] or "hocvien"
        candidate = f"{base}.{secrets.randbelow(10000):04d}"
        while candidate in taken:
            candidate = f"{base}.{secrets.randbelow(10000):04d}"
        taken.add(candidate)
        User.objects.filter(pk=user.pk).update(username=candidate)


class Migration(migrations.Migration):
    dependencies = [("people", "0005_account_activation")]
    operations = [migrations.RunPython(rename, migrations.RunPython.noop)]

"""Encrypt every profile's ID code, date of birth and phone in place, and build the blind index.

Rows are read as stored (plain text before this migration), encrypted with the newest key of
PERSONAL_DATA_KEYS and written back in batches with one executemany each (an ORM bulk_update's
CASE per row is quadratic in the batch on PostgreSQL). Reversible: going back writes the plain
values again, so an old release can run on the data.
"""
import datetime as dt

from django.db import migrations, models

import people.crypto

BATCH = 1000


def _write(schema_editor, rows: list[tuple]) -> None:
    """UPDATE people_profile SET id_code, date_of_birth, phone, id_code_index WHERE id, for each row."""
    q = schema_editor.quote_name
    sql = (f"UPDATE {q('people_profile')} SET {q('id_code')} = %s, {q('date_of_birth')} = %s, "
           f"{q('phone')} = %s, {q('id_code_index')} = %s WHERE {q('id')} = %s")
    with schema_editor.connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _batches(queryset):
    last = 0
    while True:
        batch = list(queryset.filter(pk__gt=last).order_by("pk")[:BATCH])
        if not batch:
            return
        yield batch
        last = batch[-1][0]


def encrypt_rows(apps, schema_editor):
    Profile = apps.get_model("people", "Profile")
    connection = schema_editor.connection
    fields = {name: Profile._meta.get_field(name) for name in ("id_code", "date_of_birth", "phone")}
    plain = Profile.objects.using(connection.alias).annotate(
        plain_code=people.crypto.stored("id_code"), plain_birth=people.crypto.stored("date_of_birth"),
        plain_phone=people.crypto.stored("phone"),
    ).values_list("pk", "plain_code", "plain_birth", "plain_phone")
    seen: dict[str, int] = {}
    for batch in _batches(plain):
        rows = []
        for pk, code, birth, phone in batch:
            index = people.crypto.blind_index(code)
            if index in seen:  # the index ignores case and surrounding spaces; the old column did not
                raise RuntimeError(f"Profiles {seen[index]} and {pk} have the same ID code once case and "
                                   "spaces are ignored: correct one of them, then migrate again.")
            seen[index] = pk
            birth = dt.date.fromisoformat(str(birth)[:10]) if birth else None
            rows.append((
                fields["id_code"].get_db_prep_save(code, connection),
                fields["date_of_birth"].get_db_prep_save(birth, connection),
                fields["phone"].get_db_prep_save(phone or "", connection),
                index, pk,
            ))
        _write(schema_editor, rows)
    _fire_pending_checks(schema_editor)


def _fire_pending_checks(schema_editor) -> None:
    """PostgreSQL queues the deferred foreign-key checks of every updated row until commit, and will
    not ALTER a table with checks pending (the unique index comes next): run them now."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        schema_editor.execute("SET CONSTRAINTS ALL DEFERRED")


def decrypt_rows(apps, schema_editor):
    Profile = apps.get_model("people", "Profile")
    decrypted = Profile.objects.using(schema_editor.connection.alias).values_list(
        "pk", "id_code", "date_of_birth", "phone")
    for batch in _batches(decrypted):
        _write(schema_editor, [(code, birth.isoformat() if birth else None, phone or "", None, pk)
                               for pk, code, birth, phone in batch])
    _fire_pending_checks(schema_editor)


class Migration(migrations.Migration):

    dependencies = [
        ("people", "0003_profilemembership"),
    ]

    operations = [
        migrations.AddField(
            model_name="profile",
            name="id_code_index",
            field=people.crypto.BlindIndexField(max_length=64, null=True, source="id_code",
                                                verbose_name="ID code index"),
        ),
        migrations.AlterField(
            model_name="profile",
            name="date_of_birth",
            field=people.crypto.EncryptedDateField(blank=True, null=True, verbose_name="date of birth"),
        ),
        migrations.AlterField(
            model_name="profile",
            name="id_code",
            field=people.crypto.EncryptedCharField(
                help_text="Personal identification number, unique in the province.", index_field="id_code_index",
                max_length=32, verbose_name="ID code"),
        ),
        migrations.AlterField(
            model_name="profile",
            name="phone",
            field=people.crypto.EncryptedCharField(blank=True, max_length=32, verbose_name="phone"),
        ),
        migrations.RunPython(encrypt_rows, decrypt_rows, elidable=False),
        migrations.AlterField(
            model_name="profile",
            name="id_code_index",
            field=people.crypto.BlindIndexField(max_length=64, source="id_code", unique=True,
                                                verbose_name="ID code index"),
        ),
    ]

"""Personal identifiers encrypted at rest (issue 13, item 4): ID code, date of birth and phone are
ciphertext in the database, found by ID code through the blind index; keys rotate."""
import datetime as dt
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from people import crypto
from people.models import Profile, Role
from people.selectors import population_at, profile_by_id_code
from people.services import personal_data_rotate
from tests.factories import login_verified, make_profile, make_staff, make_user

from .roster_files import xlsx_upload
from .test_roster import run_import

pytestmark = pytest.mark.django_db
PASSWORD = "Hoc-tap-2026!"
OLD_KEY, NEW_KEY = crypto.new_key(), crypto.new_key()


def stored_row(profile_id: int) -> tuple:
    """The profile's personal columns as the database holds them (raw SQL, no ORM conversion)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_code, date_of_birth, phone, id_code_index FROM people_profile WHERE id = %s",
                       [profile_id])
        return cursor.fetchone()


@pytest.fixture
def huong(province):
    return make_profile(province["tanan"], "Nguyễn Thị Hường", id_code="079190000001",
                        date_of_birth=dt.date(1988, 3, 12), phone="0912345678")


def test_the_database_holds_no_plaintext_identifier(huong):
    # given a person saved through the ORM
    # when the row is read with raw SQL
    code, birth, phone, index = stored_row(huong.pk)
    # then none of the three values is there in any usual spelling
    raw = " ".join(str(value) for value in (code, birth, phone, index))
    for secret in ("079190000001", "1988-03-12", "12/03/1988", "1988", "0912345678"):
        assert secret not in raw
    # and the application still sees them
    again = Profile.objects.get(pk=huong.pk)
    assert (again.id_code, again.date_of_birth, again.phone) == ("079190000001", dt.date(1988, 3, 12), "0912345678")
    assert list(Profile.objects.filter(pk=huong.pk).values_list("id_code", "phone")) == [("079190000001", "0912345678")]


def test_bulk_created_profiles_are_encrypted_and_indexed(province):
    Profile.objects.bulk_create([Profile(full_name="A", id_code="B100", org_unit=province["tanan"], category="cbccvc",
                                         phone="0900")])
    profile = Profile.objects.get(id_code="b100 ")  # case and surrounding spaces do not matter
    code, _birth, phone, index = stored_row(profile.pk)
    assert "B100" not in code and "0900" not in phone and index == crypto.blind_index("B100")


def test_encrypted_columns_refuse_lookups_that_would_compare_ciphertext(huong):
    with pytest.raises(FieldError):
        list(Profile.objects.filter(phone="0912345678"))
    with pytest.raises(FieldError):
        list(Profile.objects.filter(date_of_birth=dt.date(1988, 3, 12)))
    with pytest.raises(FieldError):
        list(Profile.objects.filter(id_code__startswith="0791"))
    assert Profile.objects.filter(date_of_birth__isnull=False).count() == 1


def test_a_person_is_found_by_exact_id_code(huong, province):
    make_profile(province["tanan"], "Người khác", id_code="079190000011")
    assert profile_by_id_code("079190000001") == huong
    assert profile_by_id_code(" 079190000001 ") == huong
    assert profile_by_id_code("07919000000") is None  # no partial match
    assert profile_by_id_code("") is None
    assert set(Profile.objects.filter(id_code__in=["079190000001", "nobody"])) == {huong}
    assert Profile.objects.filter(id_code__iexact="079190000001").get() == huong


def test_admin_search_by_exact_id_code_finds_the_person(client, huong, province):
    # given a department admin and two people
    make_profile(province["tanan"], "Trần Văn Bình", id_code="079190000002")
    login_verified(client, make_staff(Role.DEPARTMENT_ADMIN, province["province"]))
    # when the admin types an ID code into the profile list's search box
    response = client.get(reverse("wagtailsnippets_people_profile:list"), {"q": "079190000001"})
    # then exactly that person is listed
    assert response.status_code == 200
    content = response.content.decode()
    assert "Nguyễn Thị Hường" in content and "Trần Văn Bình" not in content
    # and a name still finds by name
    response = client.get(reverse("wagtailsnippets_people_profile:list"), {"q": "Bình"})
    assert "Trần Văn Bình" in response.content.decode()


@pytest.mark.django_db(transaction=True)  # the import task is queued on commit
def test_roster_reimport_updates_the_same_person_by_id_code(province):
    # given a person imported from a roster
    row = ["079190000001", "Nguyễn Thị Hường", "12/03/1988", "XA-TANAN", "CBCCVC", "", "", "", "", "0912345678"]
    header = ["Mã định danh", "Họ và tên", "Ngày sinh", "Mã đơn vị", "Đối tượng", "Khu vực", "Vùng DTTS",
              "Thuộc diện chỉ tiêu", "Email", "Điện thoại"]
    run_import(xlsx_upload([row], header=header))
    first = Profile.objects.get(id_code="079190000001")
    # when the roster comes again, the code in lower case with spaces, with a new phone and unit
    changed = [" 079190000001", "Nguyễn Thị Hường", "12/03/1988", "SO-TP", "CBCCVC", "", "", "", "", "0987654321"]
    job = run_import(xlsx_upload([changed], header=header))
    # then the same person is updated, never duplicated, and the new values are encrypted too
    assert (job.created_count, job.updated_count) == (0, 1)
    again = Profile.objects.get()
    assert (again.pk, again.phone, again.org_unit.code) == (first.pk, "0987654321", "SO-TP")
    assert "0987654321" not in stored_row(again.pk)[2]


def test_a_duplicate_id_code_is_a_form_error_not_a_server_error(client, huong, province):
    login_verified(client, make_staff(Role.DEPARTMENT_ADMIN, province["province"]))
    data = {"full_name": "Người trùng mã", "id_code": "079190000001 ", "org_unit": province["tanan"].pk,
            "category": "cbccvc", "area": "", "email": "", "phone": "", "date_of_birth": ""}
    response = client.post(reverse("wagtailsnippets_people_profile:add"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["id_code"]
    assert Profile.objects.count() == 1


def test_str_names_the_person_and_unit_never_the_id_code(huong):
    assert str(huong) == "Nguyễn Thị Hường — Xã Tân An"
    assert "079190000001" not in str(huong)


def test_report_lists_decrypt_the_id_code_after_the_query(huong):
    # raw SQL built from population_at gets the ciphertext; the ORM gets the code
    Profile.objects.filter(pk=huong.pk).update(in_target_population=True)
    rows = list(population_at(dt.datetime(2100, 1, 1, tzinfo=dt.UTC)).current.values("person_code"))
    assert rows == [{"person_code": "079190000001"}]


def test_people_log_in_with_their_id_code(client, huong):
    # given a person whose login name is not their ID code
    huong.user = make_user("huong.nguyen", password=PASSWORD)
    huong.save()
    # when they type their ID code as the login name
    client.post(reverse("login"), {"username": "079190000001", "password": PASSWORD})
    # then they are logged in as themselves
    assert client.session["_auth_user_id"] == str(huong.user.pk)


def test_id_code_login_with_a_wrong_password_fails_and_is_locked_out(client, settings, huong):
    huong.user = make_user("huong.nguyen", password=PASSWORD)
    huong.save()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "079190000001", "password": "wrong"})
    assert "_auth_user_id" not in client.session
    response = client.post(reverse("login"), {"username": "079190000001", "password": PASSWORD})
    assert response.status_code == 429  # django-axes still counts what was typed
    assert "_auth_user_id" not in client.session


def test_rotation_re_encrypts_with_the_newest_key_and_old_data_stays_readable(settings, huong, province):
    # given data written under an old key (and huong under the test settings' key)
    default_keys = list(settings.PERSONAL_DATA_KEYS)
    settings.PERSONAL_DATA_KEYS = [OLD_KEY]
    old = make_profile(province["dako"], "Đặng Văn Ước", id_code="079190000002", date_of_birth=dt.date(1979, 11, 2),
                       phone="0900000002")
    old_key_id = crypto.key_id_of(stored_row(old.pk)[0])
    # when a new key is put first, the old one still decrypts
    settings.PERSONAL_DATA_KEYS = [NEW_KEY, OLD_KEY, *default_keys]
    assert Profile.objects.get(pk=old.pk).date_of_birth == dt.date(1979, 11, 2)
    # and the rotation command re-encrypts every row with the new key
    call_command("rotate_personal_data_keys", batch_size=1, stdout=io.StringIO())
    new_key_id = crypto.keyring().newest_id
    for profile in (old, huong):
        code, birth, phone, _index = stored_row(profile.pk)
        assert {crypto.key_id_of(code), crypto.key_id_of(birth), crypto.key_id_of(phone)} == {new_key_id}
    assert new_key_id != old_key_id
    # running it again rewrites nothing (idempotent)
    assert personal_data_rotate() == (0, 2)
    # then the old keys can go and everything still reads
    settings.PERSONAL_DATA_KEYS = [NEW_KEY]
    assert (Profile.objects.get(id_code="079190000002").phone, Profile.objects.get(pk=huong.pk).phone) \
        == ("0900000002", "0912345678")


def test_a_dropped_key_is_a_clear_error_not_garbage(settings, huong):
    settings.PERSONAL_DATA_KEYS = [NEW_KEY]
    with pytest.raises(crypto.PersonalDataError, match="PERSONAL_DATA_KEYS"):
        Profile.objects.get(pk=huong.pk)


def test_a_new_index_key_takes_effect_after_rotation(settings, huong):
    settings.PERSONAL_DATA_INDEX_KEY = NEW_KEY
    assert profile_by_id_code("079190000001") is None  # the index was built with the old key
    call_command("rotate_personal_data_keys", stdout=io.StringIO())
    assert profile_by_id_code("079190000001") == huong


@pytest.mark.django_db(transaction=True)
def test_migration_encrypts_existing_plaintext_rows(province):
    # given the schema before encryption, with a plain row as an old var/ holds it
    executor = MigrationExecutor(connection)
    executor.migrate([("people", "0003_profilemembership")])
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO people_profile (full_name, id_code, date_of_birth, email, phone, org_unit_id, category, area,"
            " ethnic_minority_area, in_target_population, is_active, created_at, updated_at)"
            " VALUES (%s, %s, %s, '', %s, %s, 'cbccvc', '', %s, %s, %s, %s, %s)",
            ["Lê Văn Tám", "079190000008", "1990-02-28", "0911000008", province["tanan"].pk, False, True, True,
             "2026-01-01 00:00:00", "2026-01-01 00:00:00"])
    try:
        # when the migration runs
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    # then the row is ciphertext, indexed, and reads as before
    tam = profile_by_id_code("079190000008")
    assert (tam.full_name, tam.date_of_birth, tam.phone) == ("Lê Văn Tám", dt.date(1990, 2, 28), "0911000008")
    code, birth, phone, index = stored_row(tam.pk)
    assert "079190000008" not in code and "1990" not in birth and "0911000008" not in phone
    assert index == crypto.blind_index("079190000008")


def test_production_refuses_to_start_without_personal_data_keys():
    root = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PERSONAL_DATA")}
    env.update(DJANGO_SECRET_KEY="x" * 60, DJANGO_SETTINGS_MODULE="lms.settings.production")
    command = [sys.executable, "-c", "import lms.settings.production"]
    refused = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True)
    assert refused.returncode != 0 and "PERSONAL_DATA_KEYS" in refused.stderr
    env.update(PERSONAL_DATA_KEYS=f"{NEW_KEY},{OLD_KEY}", PERSONAL_DATA_INDEX_KEY=crypto.new_key())
    assert subprocess.run(command, cwd=root, env=env, capture_output=True, text=True).returncode == 0

"""People who move: the history of a person's unit and flags, however the profile was changed,
and the reports that place them in the unit they belonged to at the end of the period."""
import pytest
import time_machine

from people.models import Profile, ProfileMembership
from people.selectors import population_at
from people.services import roster_import_create, roster_import_run
from reporting.periods import period_from_key
from reporting.selectors import dashboard
from tests.factories import make_enrollment_row, make_profile, make_user
from tests.people.roster_files import xlsx_upload
from tests.reporting.conftest import at

pytestmark = pytest.mark.django_db


def figures(board, code):
    return next(row.figures for row in board.children if row.code == code)


def test_a_profile_edit_closes_the_old_stretch_and_reports_follow_it(world):
    user = make_user()
    with time_machine.travel(at(2025, 3, 1), tick=False):
        person = make_profile(world.units["tanan"], "Võ Thị Ửng", user=user, in_target_population=True)
    make_enrollment_row(user, world.counting, completed_at=at(2025, 6, 1), modality="in_person", counted=True)
    with time_machine.travel(at(2026, 5, 10), tick=False):
        person.org_unit = world.units["dako"]
        person.save()  # what the Wagtail snippet form does
    past = ProfileMembership.objects.get(profile=person)
    assert (past.org_unit_id, past.valid_from, past.valid_to) == (world.units["tanan"].pk, at(2025, 3, 1),
                                                                  at(2026, 5, 10))
    # 2025 ended with the person in Tân An, trained there
    year_2025 = dashboard(user=world.admin, period=period_from_key("2025"), now=at(2026, 11, 1))
    assert (figures(year_2025, "XA-TANAN").population, figures(year_2025, "XA-TANAN").trained) == (1, 1)
    assert figures(year_2025, "XA-DAKO").population == 0
    # 2026 ends (so far) with them in Đắk Ơ, not trained in 2026
    year_2026 = dashboard(user=world.admin, period=period_from_key("2026"), now=at(2026, 11, 1))
    assert figures(year_2026, "XA-TANAN").population == 0
    assert (figures(year_2026, "XA-DAKO").population, figures(year_2026, "XA-DAKO").trained) == (1, 0)


def test_saving_without_a_change_or_other_fields_writes_no_history(world):
    person = make_profile(world.units["tanan"], in_target_population=True)
    person.full_name = "Phạm Thị Ơn"
    person.save()
    person.save(update_fields=["email"])
    assert not ProfileMembership.objects.exists()
    person.in_target_population = False
    person.save(update_fields=["in_target_population"])
    assert ProfileMembership.objects.get().in_target_population is True


def test_a_second_change_starts_where_the_first_ended(world):
    with time_machine.travel(at(2025, 1, 1), tick=False):
        person = make_profile(world.units["tanan"], in_target_population=True)
    for moment, unit in ((at(2025, 6, 1), "dako"), (at(2026, 2, 1), "hamlet")):
        with time_machine.travel(moment, tick=False):
            person.org_unit = world.units[unit]
            person.save()
    stretches = list(ProfileMembership.objects.filter(profile=person).values_list("org_unit_id", "valid_from",
                                                                                 "valid_to"))
    assert stretches == [(world.units["tanan"].pk, at(2025, 1, 1), at(2025, 6, 1)),
                         (world.units["dako"].pk, at(2025, 6, 1), at(2026, 2, 1))]
    where = {moment: [row["unit_id"] for part in population_at(moment).parts for row in part.values("unit_id")]
             for moment in (at(2025, 3, 1), at(2025, 6, 1), at(2025, 6, 2), at(2026, 3, 1), at(2024, 12, 1))}
    assert where == {at(2025, 3, 1): [world.units["tanan"].pk], at(2025, 6, 1): [world.units["tanan"].pk],
                     at(2025, 6, 2): [world.units["dako"].pk], at(2026, 3, 1): [world.units["hamlet"].pk],
                     at(2024, 12, 1): []}


def test_a_roster_reimport_that_moves_people_records_where_they_were(world):
    row = ["079190000001", "Nguyễn Thị Hường", "12/03/1988", "XA-TANAN", "Tuyên truyền viên pháp luật", "nông thôn",
           "không", "có", ""]
    with time_machine.travel(at(2025, 2, 1), tick=False):
        job = roster_import_create(uploaded_file=xlsx_upload([row]), enqueue=False)
        roster_import_run(import_id=job.pk)
    with time_machine.travel(at(2026, 4, 1), tick=False):
        job = roster_import_create(uploaded_file=xlsx_upload([row[:3] + ["XA-DAKO"] + row[4:]]), enqueue=False)
        roster_import_run(import_id=job.pk)
        # re-importing the same file changes nothing and records nothing
        job = roster_import_create(uploaded_file=xlsx_upload([row[:3] + ["XA-DAKO"] + row[4:]]), enqueue=False)
        roster_import_run(import_id=job.pk)
    person = Profile.objects.get(id_code="079190000001")
    assert person.org_unit == world.units["dako"]
    past = ProfileMembership.objects.get(profile=person)
    assert (past.org_unit_id, past.valid_from, past.valid_to) == (world.units["tanan"].pk, at(2025, 2, 1),
                                                                  at(2026, 4, 1))

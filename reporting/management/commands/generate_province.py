"""Create a province-sized dataset for benchmarks and demos (see reporting/province.py)."""
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from reporting.province import AlreadyGenerated, generate


class Command(BaseCommand):
    help = "Create a province-sized dataset: org units, courses, people, enrolments, attendance, survey answers."

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=50000)
        parser.add_argument("--units", type=int, default=300)
        parser.add_argument("--courses", type=int, default=120)
        parser.add_argument("--enrolments-per-person", type=float, default=11.5)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, people, units, courses, enrolments_per_person, seed, **options):
        if people < 1 or units < 30 or courses < 1:
            raise CommandError(_("Give at least 1 person, 30 units and 1 course."))
        started = time.monotonic()
        try:
            summary = generate(people=people, units=units, courses=courses,
                               enrolments_per_person=enrolments_per_person, seed=seed,
                               log=lambda message: self.stdout.write(
                                   f"  {time.monotonic() - started:6.0f} s  {message}"))
        except AlreadyGenerated:
            raise CommandError(_("The generated province already exists (org unit GEN-TINH). "
                                 "Use a fresh database to generate it again.")) from None
        self.stdout.write(self.style.SUCCESS(
            _("Generated in %(seconds).0f s: %(units)s units, %(courses)s courses, %(people)s people, "
              "%(enrollments)s enrolments.") % {
                "seconds": time.monotonic() - started, "units": summary.units, "courses": summary.courses,
                "people": summary.people, "enrollments": summary.enrollments}))

"""Seed the demo: a sample province with learners and one user per role (idempotent).

The composition root calls each app's demo seeder, lowest layer first.
"""
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from django.contrib.auth import get_user_model

from assessments.demo import seed_assessments
from certificates.demo import seed_certificates
from courses.demo import seed_courses
from enrollment.demo import seed_training
from media_pipeline.demo import seed_media
from people.demo import seed_people
from reporting.demo import seed_reporting


class Command(BaseCommand):
    help = "Create demo content (idempotent) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--learners", type=int, default=200)

    def handle(self, *args, learners, **options):
        logins = seed_people(learners=learners)
        video = seed_media(owner=get_user_model().objects.filter(username="giangvien").first())
        self.stdout.write(_("Demo lecture: %(url)s") % {"url": f"/video/{video.pk}/"})
        for label, url in seed_assessments().items():
            self.stdout.write(f"{label}: {url}")
        seed_courses()
        seed_training()
        seed_certificates()
        seed_reporting()
        self.stdout.write(_("Training targets report: %(url)s") % {"url": "/reports/"})
        self.stdout.write(self.style.SUCCESS(_("Demo content is ready. Logins:")))
        for login, password, role in logins:
            self.stdout.write(f"  {role:<18} {login:<16} {password}")
        self.stdout.write(_("The department admin sets up an authenticator app (TOTP) at the first login, confirmed by a "
                            "code sent by e-mail: with make run, e-mails are printed in this terminal."))

"""Re-encrypt people's identifiers with the newest personal-data key (people.crypto).

Rotation: put a new key first in PERSONAL_DATA_KEYS (keep the old ones after it), restart, run
this command, then remove the old keys. Also rebuilds the ID-code blind index, which is how a
new PERSONAL_DATA_INDEX_KEY takes effect. Safe to stop and run again.
"""
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from people import crypto
from people.services import personal_data_rotate


class Command(BaseCommand):
    help = "Re-encrypt every profile's ID code, date of birth and phone with the newest key; rebuild the index."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=1000)
        parser.add_argument("--new-key", action="store_true",
                            help="Only print a new random key (for PERSONAL_DATA_KEYS or PERSONAL_DATA_INDEX_KEY).")

    def handle(self, *args, batch_size: int, new_key: bool, **options):
        if new_key:
            self.stdout.write(crypto.new_key())
            return
        rewritten, read = personal_data_rotate(batch_size=batch_size)
        self.stdout.write(_("Re-encrypted %(rewritten)s of %(read)s profiles with the newest key.")
                          % {"rewritten": rewritten, "read": read})

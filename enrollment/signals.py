"""``course_completed(sender=Enrollment, enrollment=...)``: sent once per completion, on commit.
certificates/ and reporting/ listen to it."""
from django.dispatch import Signal

course_completed = Signal()

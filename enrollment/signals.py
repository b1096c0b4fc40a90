"""Signals of the enrollment app, sent on commit; certificates/ and reporting/ listen.

``course_completed(sender=Enrollment, enrollment=...)``: once per completion.
``completion_revoked(sender=Enrollment, enrollment=...)``: a manager withdrew a completion
(for example, attendance recorded by mistake).
"""
from django.dispatch import Signal

course_completed = Signal()
completion_revoked = Signal()

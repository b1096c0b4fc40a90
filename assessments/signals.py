"""Signals for the layers above (enrollment listens; this app never imports it).

``attempt_finished(sender=Attempt, attempt=...)`` is sent once per graded
attempt, after the transaction that graded it commits.
"""
from django.dispatch import Signal

attempt_finished = Signal()

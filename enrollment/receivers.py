"""Quiz results from assessments/ re-check the completion of the learner's enrolments."""
from django.dispatch import receiver

from assessments.signals import attempt_finished

from .models import Enrollment
from .services import LIVE, completion_evaluate


@receiver(attempt_finished, dispatch_uid="enrollment_attempt_finished")
def on_attempt_finished(sender, attempt, **kwargs):
    if not attempt.user_id:  # an anonymous contest entry
        return
    for enrollment_id in Enrollment.objects.filter(user_id=attempt.user_id, status__in=LIVE).values_list(
            "pk", flat=True):
        completion_evaluate(enrollment_id=enrollment_id)

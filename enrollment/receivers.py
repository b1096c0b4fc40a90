"""What enrollment/ does when lower apps (or itself) report something.

- assessments' ``attempt_finished``: re-check completion of the learner's enrolments;
- a profile gets an account (people's Profile saved with a user): enrol it in the
  courses assigned before it had one;
- ``course_completed``: congratulate the learner (a task, on commit), unless an app above tells the
  learner itself (the ``enrollment_completion_notice`` hook: certificates/ e-mails the certificate);
- a page published, unpublished or moved: forget cached lesson -> course facts.
"""
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from wagtail.signals import page_published, page_unpublished, post_page_move

from assessments.signals import attempt_finished
from people.models import Profile

from .models import Assignment, Enrollment
from .services import LIVE, assignments_materialise, completion_evaluate
from .signals import course_completed


@receiver(attempt_finished, dispatch_uid="enrollment_attempt_finished")
def on_attempt_finished(sender, attempt, **kwargs):
    if not attempt.user_id:  # an anonymous contest entry
        return
    for enrollment_id in Enrollment.objects.filter(user_id=attempt.user_id, status__in=LIVE).values_list(
            "pk", flat=True):
        completion_evaluate(enrollment_id=enrollment_id)


@receiver(post_save, sender=Profile, dispatch_uid="enrollment_profile_claimed")
def on_profile_saved(sender, instance: Profile, **kwargs):
    if instance.user_id and Assignment.objects.filter(profile_id=instance.pk).exists():
        profile_id = instance.pk
        transaction.on_commit(lambda: assignments_materialise(profile_id=profile_id))


@receiver(course_completed, dispatch_uid="enrollment_congratulate")
def on_course_completed(sender, enrollment, **kwargs):
    from .hooks import completion_noticed_elsewhere
    from .tasks import send_completion_email

    if completion_noticed_elsewhere(enrollment):
        return
    send_completion_email.delay(enrollment.pk)


@receiver(page_published, dispatch_uid="enrollment_forget_lesson_published")
@receiver(page_unpublished, dispatch_uid="enrollment_forget_lesson_unpublished")
@receiver(post_page_move, dispatch_uid="enrollment_forget_lesson_moved")
def forget_lesson_course(sender, instance, **kwargs):
    """Heartbeats cache a lesson's course and its coverage threshold; publishing, unpublishing or
    moving a lesson or any page above it forgets them."""
    pks = instance.get_descendants(inclusive=True).values_list("pk", flat=True)
    cache.delete_many([f"enrollment:lesson-course:{pk}" for pk in pks])

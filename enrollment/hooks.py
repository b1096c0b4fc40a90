"""Hooks enrollment/ asks of the apps above it (it never imports them).

``enrollment_completion_notice``: ``fn(enrollment) -> bool``. An app answering True tells the learner about
the completion itself (certificates/ e-mails the certificate with the congratulation), so enrollment's own
congratulation is not sent: one e-mail per completion, not two.
"""
from wagtail import hooks

COMPLETION_NOTICE_HOOK = "enrollment_completion_notice"


def completion_noticed_elsewhere(enrollment) -> bool:
    return any(fn(enrollment) for fn in hooks.get_hooks(COMPLETION_NOTICE_HOOK))

"""Writes of the enrollment app (a package: progress, activities, assignments, notifications)."""
from .activities import (  # noqa: F401
    attendance_import, attendance_record, attendance_sheet_validate, attendance_template, can_run_class,
    class_create, class_join, self_paced_session_ensure, session_create,
)
from .assignments import (  # noqa: F401
    AssignResult, assign, assign_by_unit, assignment_import, assignment_sheet_validate, assignments_materialise,
)
from .notifications import (  # noqa: F401
    assignment_emails_send, completion_email_send, due_reminders_send, email_stop_url, preferences_for,
    preferences_update,
    unsubscribe_read, unsubscribe_token,
)
from .progress import (  # noqa: F401
    CURRENT, LIVE, completion_evaluate, completion_revoke, enroll, enrollment_decide, heartbeat, lesson_requirements,
    lesson_visit, withdraw,
)

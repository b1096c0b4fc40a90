"""The definitions behind every figure, worded once for the dashboard, the files and the API.

docs/REPORTING.md says the same at length; tests/reporting computes each figure
independently from these words.
"""
from __future__ import annotations

from django.utils.translation import gettext as _


def definitions() -> list[tuple[str, str]]:
    return [
        (_("Target population"),
         _("People marked as in the plan's target population and active at the end of the period (today while "
           "it runs), each counted once, in the org unit they belonged to then.")),
        (_("Trained"),
         _("Of them, those who in the period completed a course that counts toward the target (as the course "
           "was set when the completion was recorded; revoked completions do not count) or were present at a "
           "session of a class whose course counts toward the target. Someone who moved during the period counts "
           "in the unit they belonged to at its end.")),
        (_("Held online (%)"),
         _("The plan's measure: training activities held online / all training activities in the period. A "
           "training activity is a session of a class whose course counts toward the target: the run of an "
           "online course is one self-paced activity, live online sessions are online, in-person sessions are "
           "not. An activity counts in the unit that organised the class.")),
        (_("Trained online, of those trained (%)"),
         _("The same by participants: of the people trained, those who completed a counting course online "
           "(self-paced or live) or were present at a live online session.")),
        (_("Satisfaction (%)"),
         _("Share of survey respondents who answered 4 or 5 of 5 to the overall question, among the answers "
           "given in the period in the unit and the units below it.")),
        (_("Against the target"),
         _("Target reached: at least the target. On track (while the period runs): the share trained is at least "
           "the target pro-rated to the time elapsed. Behind: below that, or below the target for the other "
           "figures. Target missed: the period is over and the target was not reached. Figures count what has "
           "happened up to now.")),
    ]

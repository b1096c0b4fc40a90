"""Question banks, quizzes and attempts, online legal-knowledge contests, satisfaction surveys.

Layer 2: imports lms and people only. Higher layers embed quizzes through the
snippet chooser, read results with ``selectors.best_result`` and listen to
``signals.attempt_finished``.
"""

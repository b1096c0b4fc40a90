"""Enrolments, progress (lesson visits, watched video coverage, quiz results) and course completion."""

"""Courses (layer 3): the editorial content of training as Wagtail pages.

CatalogPage -> CoursePage -> ModulePage -> LessonPage. ``selectors`` builds the
catalog (filters, diacritics-insensitive search) and a course's outline in one
query; ``services`` sets up authoring (trainers add and edit only the courses
they own, a "Sở Tư pháp duyệt" (department approval) workflow) and copies a course for a new run;
``hooks`` are the points where enrollment/ adds progress ticks, the enrol box and
lesson scripts; ``api`` serves the public catalog and outlines to other portals.
"""

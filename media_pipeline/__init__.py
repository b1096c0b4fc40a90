"""Video lectures: resumable upload, probing, one-pass HLS ladder, captions, player.

Reusable and independent of courses: a course embeds a video through the chooser.
"""

"""StreamField blocks of a lesson: text, video, audio, document, image, quiz, legal
citation and callout. Each renders through its own small template."""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock

from media_pipeline.wagtail_hooks import video_chooser_viewset

BaseVideoChooserBlock = video_chooser_viewset.get_block_class(
    name="BaseVideoChooserBlock", module_path="courses.blocks",
)


class VideoBlock(BaseVideoChooserBlock):
    """A video lecture: the HLS player (quality, speed, captions) and transcript downloads."""

    class Meta:
        icon = "media"
        label = _("Video lecture")
        template = "courses/blocks/video.html"


class AudioBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"))
    file = DocumentChooserBlock(label=_("audio file"), help_text=_("An MP3 or M4A file uploaded as a document."))

    class Meta:
        icon = "media"
        label = _("Audio")
        template = "courses/blocks/audio.html"


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("document"))
    description = blocks.CharBlock(label=_("description"), required=False)

    class Meta:
        icon = "doc-full"
        label = _("Document (downloadable)")
        template = "courses/blocks/document.html"


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("image"))
    alt_text = blocks.CharBlock(label=_("alternative text"),
                                help_text=_("What the image shows, for readers who cannot see it."))
    caption = blocks.CharBlock(label=pgettext_lazy("image", "caption"), required=False)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "courses/blocks/image.html"


class QuizBlock(blocks.StructBlock):
    quiz = SnippetChooserBlock("assessments.Quiz", label=_("quiz"))
    intro = blocks.CharBlock(label=_("introduction"), required=False)
    must_pass = blocks.BooleanBlock(label=_("must be passed to complete the course"), required=False, default=True)

    class Meta:
        icon = "tasks"
        label = _("Quiz")
        template = "courses/blocks/quiz.html"


class LegalCitationBlock(blocks.StructBlock):
    document = blocks.CharBlock(label=_("law or decree"),
                                help_text=_("For example: Luật Hòa giải ở cơ sở số 35/2013/QH13."))
    article = blocks.CharBlock(label=_("article"), required=False, help_text=_("For example: Điều 7, khoản 2."))
    quotation = blocks.TextBlock(label=_("quoted text"), required=False)
    url = blocks.URLBlock(label=_("link to the national legal database"), required=False)

    class Meta:
        icon = "openquote"
        label = _("Legal citation")
        template = "courses/blocks/legal_citation.html"


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(label=_("kind"), default="note", choices=[
        ("note", _("Note")), ("tip", _("Tip")), ("warning", _("Important")),
    ])
    text = blocks.RichTextBlock(label=_("text"), features=["bold", "italic", "link", "ol", "ul"])

    class Meta:
        icon = "warning"
        label = _("Callout")
        template = "courses/blocks/callout.html"


class LessonBodyBlock(blocks.StreamBlock):
    text = blocks.RichTextBlock(label=_("Text"), features=["h2", "h3", "bold", "italic", "link", "ol", "ul",
                                                          "blockquote"])
    video = VideoBlock()
    audio = AudioBlock()
    document = DocumentBlock()
    image = ImageBlock()
    quiz = QuizBlock()
    legal_citation = LegalCitationBlock()
    callout = CalloutBlock()

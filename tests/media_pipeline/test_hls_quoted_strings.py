"""A caption label cannot add lines to master.m3u8 (issue 13, finding 11; RFC 8216 quoted-string).

A label with a line break used to be written as it was, so a trainer could inject playlist tags
(another variant, a foreign URI) into the master playlist that every learner's player reads.
"""
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from media_pipeline import hls, services
from media_pipeline.models import Caption, Video
from people.models import Role
from tests.factories import make_staff, make_unit

pytestmark = pytest.mark.django_db

VTT = "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nXin chào các học viên\n".encode()
INJECTED = 'Tiếng Việt"\n#EXT-X-STREAM-INF:BANDWIDTH=1\nhttps://evil.example/x.m3u8\n#'


def test_the_caption_form_refuses_a_label_with_a_line_break_in_vietnamese(client):
    # given a trainer's own video
    trainer = make_staff(Role.TRAINER, make_unit("Sở Tư pháp", "SO-TP"))
    video = Video.objects.create(title="Chuyển đổi số", original="videos/originals/a.mp4", owner=trainer)
    client.force_login(trainer)

    # when the caption form is posted with a label that carries playlist lines
    response = client.post(reverse("media_pipeline_admin_caption", args=[video.pk]), {
        "caption-language": "vi", "caption-label": INJECTED,
        "caption-file": SimpleUploadedFile("phu-de.vtt", VTT)}, follow=True)

    # then nothing is stored and the trainer reads why
    assert not Caption.objects.exists()
    assert "Không được dùng dấu xuống dòng" in response.content.decode()


@pytest.mark.parametrize("label", ["Tiếng\nViệt", "Tiếng\rViệt", 'Tiếng "Việt"'])
def test_the_service_refuses_line_breaks_and_double_quotes_before_storing_anything(label):
    video = Video.objects.create(title="Chuyển đổi số", original="videos/originals/a.mp4")
    with pytest.raises(ValidationError) as raised:
        services.caption_add(video=video, language="vi", label=label, content=VTT)
    assert raised.value.error_list[0].code == "hls_quoted_string"
    assert not Caption.objects.exists()


def test_the_master_playlist_never_lets_a_stored_value_break_a_line():
    # a label stored before validation existed (or written around it) is still written on one line
    master = hls.master_playlist(
        [hls.MasterVariant(uri="v0/index.m3u8", peak_bps=1000, average_bps=900, codecs="avc1.64001f")],
        [hls.SubtitleTrack(uri="subs/vi.m3u8", language="vi\r\n", name=INJECTED, default=True)])
    lines = master.splitlines()
    assert [line for line in lines if line.startswith("#EXT-X-STREAM-INF")] == [lines[-2]]
    assert "https://evil.example/x.m3u8" not in [line.strip() for line in lines]
    media = next(line for line in lines if line.startswith("#EXT-X-MEDIA:"))
    assert media.count('"') == 2 * media.count('="')  # every quoted-string closes on its own line
    assert 'NAME="Tiếng Việt\' #EXT-X-STREAM-INF:BANDWIDTH=1 https://evil.example/x.m3u8 #"' in media

"""S3 storage against a real S3 endpoint on loopback (moto in server mode), not mocks."""
import boto3
import pytest
import requests

from media_pipeline import selectors, services
from media_pipeline.models import Video

pytestmark = pytest.mark.django_db

BUCKET = "lms-media-test"


@pytest.fixture(scope="session")
def s3_endpoint():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_storage(settings, s3_endpoint):
    credentials = {"aws_access_key_id": "test", "aws_secret_access_key": "test", "region_name": "us-east-1"}
    client = boto3.client("s3", endpoint_url=s3_endpoint, **credentials)
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {"bucket_name": BUCKET, "endpoint_url": s3_endpoint, "access_key": "test", "secret_key": "test",
                    "region_name": "us-east-1", "querystring_auth": True, "querystring_expire": 600,
                    "default_acl": None, "file_overwrite": False, "signature_version": "s3v4"}}}
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def keys(client) -> list[str]:
    return sorted(item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []))


def test_pipeline_on_s3_end_to_end(client, s3_storage, clip_copy, django_capture_on_commit_callbacks):
    video = services.video_create_from_path(path=clip_copy, filename="a.mp4", title="S3", enqueue=False)
    assert any(key.startswith("videos/originals/") for key in keys(s3_storage))
    video = services.video_process(video_id=video.pk)
    assert video.status == Video.Status.READY, (video.failure_code, video.failure_detail)
    stored = keys(s3_storage)
    assert f"{video.hls_key}/master.m3u8" in stored and f"{video.hls_key}/v0/seg_00000.m4s" in stored

    # playlists come from the app; segments redirect to an expiring signed S3 link that works
    video.is_public = True  # an unbound link (links to private videos: tests/media_pipeline/test_playback.py)
    video.save(update_fields=["is_public"])
    master = client.get(selectors.stream_url(video))
    assert master.status_code == 200 and b"#EXT-X-STREAM-INF" in master.content
    token = selectors.stream_token(video)
    redirect = client.get(f"/video/{token}/v0/seg_00000.m4s")
    assert redirect.status_code == 302
    assert "X-Amz-Signature=" in redirect["Location"] and "X-Amz-Expires=600" in redirect["Location"]
    fetched = requests.get(redirect["Location"], timeout=10)
    assert fetched.status_code == 200 and len(fetched.content) > 1000
    # the bucket itself is not public: the same object without a signature is refused
    assert requests.get(redirect["Location"].split("?")[0], timeout=10).status_code == 403

    with django_capture_on_commit_callbacks(execute=True):
        services.video_delete(video=video)
    assert keys(s3_storage) == []

"""The Open Badges 3.0 export, checked with an independent verifier (openbadgeslib's OB3Verifier)."""
import base64
import json
from urllib.parse import urlparse

import pytest
from django.test import Client
from django.urls import reverse
from openbadgeslib.ob3 import OB3Verifier, OB3VerificationError

from certificates import openbadges, services
from tests.factories import make_completed_enrollment

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(learner, course):
    return services.certificate_issue(enrollment_id=make_completed_enrollment(learner, course).pk)


@pytest.fixture
def exported(client, learner, certificate):
    client.force_login(learner)
    response = client.get(reverse("certificates:openbadge", args=[certificate.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/vc+jwt"
    return response.content.decode()


def published_key(client) -> dict:
    return client.get(reverse("certificates:jwks")).json()["keys"][0]


def test_the_export_verifies_with_the_published_key(client, exported, certificate):
    key = published_key(client)
    assert key["kty"] == "OKP" and key["crv"] == "Ed25519"

    credential = OB3Verifier(openbadges.public_key_pem()).verify(exported)

    assert credential.id == f"http://testserver/verify/{certificate.code}/"
    assert credential.achievement.name == "Chuyển đổi số trong công tác phổ biến, giáo dục pháp luật"
    assert credential.issuer.id == "http://testserver/verify/issuer.json"
    assert [i.identity_hash for i in credential.identifiers if i.identity_type == "name"] == ["Nguyễn Thị Hường"]
    assert credential.credits_earned == 6


def flip(token: str, position: int) -> str:
    chars = list(token)
    chars[position] = "A" if chars[position] != "A" else "B"
    return "".join(chars)


@pytest.mark.parametrize("part", ["payload", "signature"])
def test_changing_one_byte_fails_verification(exported, part):
    header, payload, signature = exported.split(".")
    if part == "payload":
        # change one byte of the decoded credential: the learner's name
        data = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        tampered = data.replace("Hường".encode(), "Hưởng".encode())
        assert tampered != data and len(tampered) == len(data)
        token = ".".join([header, base64.urlsafe_b64encode(tampered).rstrip(b"=").decode(), signature])
    else:
        token = flip(exported, len(header) + len(payload) + 5)
    with pytest.raises(OB3VerificationError):
        OB3Verifier(openbadges.public_key_pem()).verify(token)


def test_another_key_does_not_verify_it(exported, settings, tmp_path):
    settings.CERTIFICATE_SIGNING_KEY_FILE = str(tmp_path / "other.pem")
    with pytest.raises(OB3VerificationError):
        OB3Verifier(openbadges.public_key_pem()).verify(exported)


def test_a_revocation_made_after_export_fails_the_status_check(exported, certificate):
    anonymous = Client()

    def download(url: str) -> bytes:
        response = anonymous.get(urlparse(url).path)
        assert response.status_code == 200
        return response.content

    verifier = OB3Verifier(openbadges.public_key_pem())
    verifier.verify(exported, check_status=True, verify_status_list=True, download=download)

    services.certificate_revoke(certificate_id=certificate.pk, by=None, reason="Thu hồi")

    with pytest.raises(OB3VerificationError, match="revocation"):
        verifier.verify(exported, check_status=True, verify_status_list=True, download=download)


def test_the_issuer_profile_is_published(client):
    profile = client.get(reverse("certificates:issuer")).json()
    assert profile["id"] == "http://testserver/verify/issuer.json" and profile["type"] == ["Profile"]


def test_the_key_is_generated_once_and_kept(settings, tmp_path):
    settings.CERTIFICATE_SIGNING_KEY_FILE = str(tmp_path / "k" / "issuer.pem")
    first = openbadges.public_key_pem()
    openbadges._signing_key.cache_clear()
    assert openbadges.public_key_pem() == first
    assert oct((tmp_path / "k" / "issuer.pem").stat().st_mode & 0o777) == "0o600"
    header = json.loads(base64.urlsafe_b64decode(openbadges.sign_jwt({"a": 1}).split(".")[0] + "=="))
    assert header["alg"] == "EdDSA" and "d" not in header["jwk"]

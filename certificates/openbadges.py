"""Open Badges 3.0: each certificate as a signed OpenBadgeCredential (VC-JWT, EdDSA / Ed25519).

OB 3.0 §8.2 (VC-JWT): the JWT payload *is* the credential, with the registered
claims ``iss`` (issuer id), ``jti`` (credential id) and ``nbf`` (validFrom)
beside it; the JOSE header carries the issuer's public key as a ``jwk``. The
credential's ``credentialStatus`` points at our Bitstring Status List, so a
verifier that checks status sees a revocation made after the export.

Signed with ``cryptography`` alone (no JOSE library at run time). The issuer key
is an Ed25519 private key in PEM: the file named by CERTIFICATE_SIGNING_KEY_FILE,
generated on first use (mode 0600) when it does not exist — set the variable
to a shared secret file when several servers issue or export certificates.
"""
from __future__ import annotations

import base64
import datetime as dt
import gzip
import hashlib
import json
import os
import uuid
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_SCHEMA = {"id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json",
             "type": "1EdTechJsonSchemaValidator2019"}
STATUS_LIST_BITS = 131072  # the minimum size of a Bitstring Status List (16 KB): hides how many exist
STATUS_LIST_VALIDITY = dt.timedelta(days=1)  # a copy older than this is refused by verifiers


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _key_path() -> Path:
    return Path(settings.CERTIFICATE_SIGNING_KEY_FILE)


def _load_or_create_key(path: Path) -> Ed25519PrivateKey:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        try:
            # O_EXCL: two processes starting together keep one key (the loser reads the winner's).
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "wb") as handle:
                handle.write(pem)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} must hold an Ed25519 private key (PEM)")
    return key


@lru_cache(maxsize=4)
def _signing_key(path: str) -> Ed25519PrivateKey:
    return _load_or_create_key(Path(path))


def signing_key() -> Ed25519PrivateKey:
    return _signing_key(str(_key_path()))


def public_key_pem() -> bytes:
    return signing_key().public_key().public_bytes(serialization.Encoding.PEM,
                                                   serialization.PublicFormat.SubjectPublicKeyInfo)


def public_jwk() -> dict:
    raw = signing_key().public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    jwk = {"kty": "OKP", "crv": "Ed25519", "x": _b64url(raw)}
    thumbprint = hashlib.sha256(json.dumps(jwk, separators=(",", ":"), sort_keys=True).encode()).digest()
    return {**jwk, "kid": _b64url(thumbprint), "use": "sig", "alg": "EdDSA"}


def sign_jwt(payload: dict) -> str:
    """A compact JWS (EdDSA) of ``payload`` with the public key in the header."""
    jwk = public_jwk()
    header = {"alg": "EdDSA", "typ": "JWT", "kid": jwk["kid"],
              "jwk": {k: jwk[k] for k in ("kty", "crv", "x")}}
    signing_input = ".".join(_b64url(json.dumps(part, ensure_ascii=False, separators=(",", ":")).encode())
                             for part in (header, payload))
    signature = signing_key().sign(signing_input.encode("ascii"))
    return f"{signing_input}.{_b64url(signature)}"


def issuer_id() -> str:
    return settings.SITE_URL + reverse("certificates:issuer")


def issuer_profile() -> dict:
    return {"@context": [VC_CONTEXT, OB_CONTEXT], "id": issuer_id(), "type": ["Profile"],
            "name": settings.CERTIFICATE_ISSUER_NAME, "url": settings.SITE_URL + "/"}


def status_list_url() -> str:
    return settings.SITE_URL + reverse("certificates:status_list")


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def credential(certificate, verify_url: str) -> dict:
    """The OpenBadgeCredential document of a certificate (unsigned)."""
    achievement_id = uuid.uuid5(uuid.NAMESPACE_URL, f"{settings.SITE_URL}/course/{certificate.enrollment.course_id}")
    hours = float(certificate.hours)
    with translation.override(settings.LANGUAGE_CODE):
        criteria = _("Completed the course as its completion rule requires.")
    subject = {
        "type": ["AchievementSubject"],
        "identifier": [{"type": "IdentityObject", "identityType": "name", "hashed": False,
                        "identityHash": certificate.learner_name}],
        "creditsEarned": int(hours) if hours.is_integer() else hours,
        "achievement": {
            "id": f"urn:uuid:{achievement_id}",
            "type": ["Achievement"],
            "achievementType": "Certificate",
            "name": certificate.course_title,
            "description": certificate.course_title,
            "criteria": {"narrative": criteria},
            "creditsAvailable": int(hours) if hours.is_integer() else hours,
        },
    }
    email = (certificate.learner.email or "").strip().lower()
    if email:
        salt = certificate.number
        subject["identifier"].append({
            "type": "IdentityObject", "identityType": "emailAddress", "hashed": True, "salt": salt,
            "identityHash": "sha256$" + hashlib.sha256((email + salt).encode()).hexdigest()})
    return {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": verify_url,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"{certificate.course_title} — {certificate.number}",
        "issuer": issuer_profile(),
        "validFrom": _iso(certificate.issued_at),
        "credentialSubject": subject,
        "credentialSchema": [OB_SCHEMA],
        "credentialStatus": {
            "id": f"{status_list_url()}#{certificate.pk}", "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation", "statusListIndex": str(certificate.pk),
            "statusListCredential": status_list_url(),
        },
    }


def credential_jwt(certificate, verify_url: str) -> str:
    """The signed OpenBadgeCredential (VC-JWT)."""
    document = credential(certificate, verify_url)
    payload = {**document, "iss": document["issuer"]["id"], "jti": document["id"],
               "nbf": int(certificate.issued_at.timestamp())}
    return sign_jwt(payload)


def status_list_jwt(revoked_indices: list[int], now: dt.datetime | None = None) -> str:
    """The signed revocation list (W3C Bitstring Status List, MSB first, gzip, multibase base64url)."""
    now = now or timezone.now()
    size = max(STATUS_LIST_BITS, ((max(revoked_indices, default=0) // 8) + 1) * 8)
    bits = bytearray(size // 8)
    for index in revoked_indices:
        bits[index // 8] |= 0x80 >> (index % 8)
    url = status_list_url()
    document = {
        "@context": [VC_CONTEXT], "id": url, "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_profile(), "validFrom": _iso(now), "validUntil": _iso(now + STATUS_LIST_VALIDITY),
        "credentialSubject": {"id": f"{url}#list", "type": "BitstringStatusList", "statusPurpose": "revocation",
                              "encodedList": "u" + _b64url(gzip.compress(bytes(bits), mtime=0))},
    }
    return sign_jwt({**document, "iss": document["issuer"]["id"], "jti": url, "nbf": int(now.timestamp()),
                     "exp": int((now + STATUS_LIST_VALIDITY).timestamp())})

"""Personal identifiers encrypted at rest, and the keyed blind index that finds a person by ID code.

A province's roster holds the ID code, date of birth and phone of every official (Decree 13/2023
calls them personal data); a copied database file or backup must not reveal them. So:

* ``EncryptedCharField`` / ``EncryptedDateField`` store AES-256-GCM ciphertexts
  (``<key id>$<base64url(nonce || ciphertext || tag)>``) under the newest key of
  ``settings.PERSONAL_DATA_KEYS``; any listed key still decrypts, which is how keys rotate
  (``manage.py rotate_personal_data_keys``). The column's name is the associated data, so a
  ciphertext copied into another column does not decrypt. Python sees plain values:
  ``profile.id_code``, ``values_list("id_code")`` and ``F("id_code")`` annotations decrypt after
  the query. Empty strings and NULL are stored as they are (``isnull`` still works).
* The database cannot compare ciphertexts (each has a random nonce), so an ID code is found through
  ``BlindIndexField``: an HMAC-SHA256 of the normalised code (stripped, upper case) under the
  separate ``settings.PERSONAL_DATA_INDEX_KEY``, kept in a unique indexed column and filled in by
  ``pre_save`` (``save()`` and ``bulk_create``; ``QuerySet.update(id_code=...)`` does not, so do
  not update ID codes that way). ``filter(id_code=...)``, ``iexact``, ``in`` and ``icontains``
  (the admin's search box) are rewritten to exact matches on that column: there is no partial
  match, and every other lookup on an encrypted field is refused with a FieldError rather than
  silently comparing ciphertext. Ordering by an encrypted column is meaningless; sort in Python.

AES-GCM rather than Fernet: reports decrypt tens of thousands of codes, and GCM costs about a
microsecond per value where Fernet costs fifteen (measured with bench/reporting.py).
"""
from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import models
from django.db.models.expressions import Col
from django.db.models.lookups import Exact, In, IsNull

NONCE_BYTES = 12
SEPARATOR = "$"


class PersonalDataError(Exception):
    """A stored value that none of the configured keys decrypts (a key was dropped too early)."""


def decode_key(text: str) -> bytes:
    """A key as configured: URL-safe base64 of 32 random bytes (``manage.py rotate_personal_data_keys
    --new-key`` prints one). Raises ImproperlyConfigured for anything else."""
    try:
        raw = base64.urlsafe_b64decode(text.strip() + "=" * (-len(text.strip()) % 4))
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32:
        raise ImproperlyConfigured("Personal-data keys must be URL-safe base64 of 32 random bytes.")
    return raw


def new_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class Keyring:
    newest_id: str
    ciphers: dict  # key id -> AESGCM
    index_key: bytes


_cache: tuple[tuple, Keyring] | None = None


def keyring() -> Keyring:
    """The configured keys, built once per settings value (tests override the settings)."""
    global _cache
    source = (tuple(settings.PERSONAL_DATA_KEYS), settings.PERSONAL_DATA_INDEX_KEY)
    if _cache is None or _cache[0] != source:
        keys, index_key = source
        if not keys:
            raise ImproperlyConfigured("PERSONAL_DATA_KEYS is empty.")
        ciphers = {}
        for text in keys:
            raw = decode_key(text)
            ciphers.setdefault(hashlib.sha256(b"key-id:" + raw).hexdigest()[:8], AESGCM(raw))
        newest_id = hashlib.sha256(b"key-id:" + decode_key(keys[0])).hexdigest()[:8]
        _cache = (source, Keyring(newest_id=newest_id, ciphers=ciphers, index_key=decode_key(index_key)))
    return _cache[1]


def encrypt(plaintext: str, *, context: str) -> str:
    ring = keyring()
    nonce = os.urandom(NONCE_BYTES)
    sealed = ring.ciphers[ring.newest_id].encrypt(nonce, plaintext.encode(), context.encode())
    return f"{ring.newest_id}{SEPARATOR}{_b64(nonce + sealed)}"


def decrypt(stored: str, *, context: str) -> str:
    key_id, _sep, body = stored.partition(SEPARATOR)
    cipher = keyring().ciphers.get(key_id)
    if cipher is None or not body:
        raise PersonalDataError(f"No configured personal-data key decrypts a value of {context} (key id "
                                f"{key_id[:8]!r}); add the old key back to PERSONAL_DATA_KEYS.")
    data = _unb64(body)
    try:
        return cipher.decrypt(data[:NONCE_BYTES], data[NONCE_BYTES:], context.encode()).decode()
    except InvalidTag as exc:
        raise PersonalDataError(f"A value of {context} was altered or belongs to another column.") from exc


def key_id_of(stored: str | None) -> str | None:
    """The id of the key that encrypted ``stored`` (None for an empty value)."""
    return stored.partition(SEPARATOR)[0] if stored else None


def normalise_id_code(code: str) -> str:
    return (code or "").strip().upper()


def blind_index(code: str) -> str:
    """HMAC-SHA256 (hex) of the normalised ID code: equal codes, equal digests; nothing else leaks."""
    return hmac.new(keyring().index_key, normalise_id_code(code).encode(), hashlib.sha256).hexdigest()


def stored(field_name: str) -> models.ExpressionWrapper:
    """An expression reading a column as stored (the ciphertext), without decrypting it."""
    return models.ExpressionWrapper(models.F(field_name), output_field=models.TextField())


# --- fields ---------------------------------------------------------------------------------------

class _Encrypted:
    """Mixin: encrypt on the way to the database, decrypt on the way back; a text column."""

    @property
    def context(self) -> str:
        return f"{self.model._meta.label_lower}.{self.name}"

    def get_internal_type(self) -> str:
        return "TextField"  # ciphertexts are longer than the plain value's max_length

    def get_db_prep_value(self, value, connection, prepared=False):
        value = self.get_prep_value(value) if not prepared else value
        return value  # the parent classes' adapters (dates) would mangle the ciphertext

    def get_prep_value(self, value):
        value = self.to_plain_text(super().get_prep_value(value))
        if value is None or value == "":
            return value
        return encrypt(value, context=self.context)

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return self.from_plain_text(decrypt(value, context=self.context))

    def decrypt(self, value: str | None):
        """A value as raw SQL returns it, decrypted (``reporting`` reads people through raw SQL)."""
        return self.from_db_value(value, None, None)

    def get_lookup(self, lookup_name):
        if lookup_name == "isnull":
            return IsNull
        return None  # anything else would compare ciphertexts: refused (FieldError)

    def get_transform(self, lookup_name):
        return None

    def to_plain_text(self, value):
        return value

    def from_plain_text(self, text: str):
        return text


class EncryptedCharField(_Encrypted, models.CharField):
    """Text encrypted at rest; ``max_length`` bounds the plain value (forms, validation)."""

    def __init__(self, *args, index_field: str = "", **kwargs):
        self.index_field = index_field
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.index_field:
            kwargs["index_field"] = self.index_field
        return name, path, args, kwargs

    def get_lookup(self, lookup_name):
        if self.index_field and lookup_name in _INDEX_LOOKUPS:
            return _INDEX_LOOKUPS[lookup_name]
        return super().get_lookup(lookup_name)


class EncryptedDateField(_Encrypted, models.DateField):
    """A date encrypted at rest as ISO text (YYYY-MM-DD)."""

    def to_plain_text(self, value):
        return value.isoformat() if isinstance(value, dt.date) else value

    def from_plain_text(self, text: str):
        return dt.date.fromisoformat(text)


class BlindIndexField(models.CharField):
    """The HMAC of another field's ID code, recomputed on every save (not editable)."""

    def __init__(self, *args, source: str, **kwargs):
        self.source = source
        kwargs.setdefault("max_length", 64)
        kwargs["editable"] = False
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        kwargs.pop("editable", None)
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        value = blind_index(getattr(model_instance, self.source))
        setattr(model_instance, self.attname, value)
        return value


# --- lookups through the blind index -------------------------------------------------------------

def _index_column(lhs) -> Col:
    if not isinstance(lhs, Col):
        raise FieldError("An encrypted ID code can only be compared as a column, through its blind index.")
    field = lhs.target
    index = field.model._meta.get_field(field.index_field)
    return Col(lhs.alias, index)


def _plain(value) -> str:
    if hasattr(value, "resolve_expression"):
        raise FieldError("An encrypted ID code can only be compared with plain values, not expressions.")
    return str(value)


class BlindIndexExact(Exact):
    """``id_code=...`` (also ``iexact`` and ``icontains``): the whole normalised code, by its digest.

    The SQL is always the index's plain ``=`` (one B-tree probe), whatever name it was asked by."""

    def __init__(self, lhs, rhs):
        # None stays None: Django then turns ``id_code=None`` into ``isnull`` on the column itself
        super().__init__(_index_column(lhs), None if rhs is None else blind_index(_plain(rhs)))


class BlindIndexIn(In):
    def __init__(self, lhs, rhs):
        if hasattr(rhs, "resolve_expression"):
            raise FieldError("An encrypted ID code can only be matched against a list of plain values.")
        super().__init__(_index_column(lhs), [blind_index(_plain(value)) for value in rhs if value is not None])


_INDEX_LOOKUPS = {"exact": BlindIndexExact, "iexact": BlindIndexExact, "icontains": BlindIndexExact,
                  "in": BlindIndexIn, "isnull": IsNull}

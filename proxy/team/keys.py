"""Virtual keys: format, hashing and constant-time lookup.

A key looks like `bwk_<id>_<64 hex>`. The id part lets us find the one record to check
(no scan over every hash); the 256-bit random secret is what proves possession.

Stored form: `sha256$<salt hex>$<hex HMAC-SHA256(pepper, salt || key)>`. Why not bcrypt or
scrypt: those slow down guessing of *low-entropy* passwords; a 256-bit random key cannot be
guessed, so a slow hash would only add latency to every proxied request. The per-key salt
makes equal keys hash differently across deployments; the pepper (a server secret from an
environment variable, never in the config or the database) means a leaked config or
database alone is not enough to check a guessed key. Comparison is `hmac.compare_digest`.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

KEY_PREFIX = "bwk_"
_KEY_SHAPE = re.compile(r"^bwk_([a-z0-9][a-z0-9-]{0,62})_([0-9a-f]{64})$")
_DUMMY_HASH = "sha256$00$" + "0" * 64


@dataclass(frozen=True)
class Principal:
    """Who is calling: a key's id, the person holding it, its team and roles."""

    key_id: str
    owner: str
    team: str
    roles: frozenset[str]
    revoked: bool = False

    def has(self, role: str) -> bool:
        return role in self.roles or "admin" in self.roles

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles


@dataclass(frozen=True)
class KeyRecord:
    principal: Principal
    hash: str


def new_key(key_id: str) -> str:
    return f"{KEY_PREFIX}{key_id}_{secrets.token_hex(32)}"


def key_id_of(presented: str) -> str | None:
    match = _KEY_SHAPE.match(presented)
    return match.group(1) if match else None


def hash_key(key: str, pepper: bytes, salt: bytes | None = None) -> str:
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hmac.new(pepper, salt + key.encode(), hashlib.sha256).hexdigest()
    return f"sha256${salt.hex()}${digest}"


def verify(key: str, stored: str, pepper: bytes) -> bool:
    try:
        scheme, salt_hex, _ = stored.split("$")
        salt = bytes.fromhex(salt_hex)
    except ValueError:
        return False
    if scheme != "sha256":
        return False
    return hmac.compare_digest(hash_key(key, pepper, salt), stored)


class KeyRing:
    """An in-memory view of all keys (config + store), so a lookup never touches the database."""

    def __init__(self, pepper: bytes) -> None:
        self.pepper = pepper
        self._records: dict[str, KeyRecord] = {}

    def replace(self, records: Iterable[KeyRecord]) -> None:
        self._records = {r.principal.key_id: r for r in records}

    def put(self, record: KeyRecord) -> None:
        self._records = {**self._records, record.principal.key_id: record}

    def get(self, key_id: str) -> Principal | None:
        record = self._records.get(key_id)
        return record.principal if record else None

    def all(self) -> list[Principal]:
        return [r.principal for r in self._records.values()]

    def authenticate(self, presented: str | None) -> Principal | None:
        """The key's principal, or None for a malformed, unknown, wrong or revoked key."""
        key_id = key_id_of(presented or "")
        record = self._records.get(key_id) if key_id else None
        # Hash even when the id is unknown so timing does not reveal which ids exist.
        ok = verify(presented or "", record.hash if record else _DUMMY_HASH, self.pepper)
        if record is None or not ok or record.principal.revoked:
            return None
        return record.principal

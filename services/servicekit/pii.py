"""Personal information handling (design.md §5): masking for display and logs, encryption at rest.

ID numbers are stored encrypted, looked up by a keyed hash and shown masked (``4201**********1234``)
unless a registrar needs the whole number; they are never logged unmasked. This module gives the
pieces for that: :func:`mask_id`, :func:`mask_text` (scrubs free text such as log lines and JSON
bodies), :func:`mask_name` and :class:`PiiCipher`. No I/O; keys come from settings.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
from collections import deque

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

__all__ = [
    "PiiCipher",
    "PiiDecryptionError",
    "decode_key",
    "generate_key",
    "parse_retired_keys",
    "mask_id",
    "mask_name",
    "mask_text",
    "mask_deep",
]

# --------------------------------------------------------------------------------------------
# Masking
# --------------------------------------------------------------------------------------------

_KEEP = 4  # characters kept visible at each end of an ID number
_MIN_PARTLY_SHOWN = 15  # shorter values are hidden completely: 4 + 4 would reveal most of them

_MONTH_DAY = r"(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])"
# 18 characters: address, separator?, birth date 18xx–20xx, same separator?, sequence, check.
# The check character is not verified: a mistyped number is still someone's personal data.
_ID18 = (
    r"(?<![0-9])[0-9]{6}(?P<sep18>[ -]?)(?:18|19|20)[0-9]{2}" + _MONTH_DAY
    + r"(?P=sep18)[0-9]{3}(?:[0-9](?![0-9])|[Xx])"
)
# 15 digits (legacy): address, separator?, YYMMDD, same separator?, sequence.
_ID15 = r"(?<![0-9])[0-9]{6}(?P<sep15>[ -]?)[0-9]{2}" + _MONTH_DAY + r"(?P=sep15)[0-9]{3}(?![0-9])"
_ID_IN_TEXT = re.compile(f"{_ID18}|{_ID15}")
_WIDE = re.compile("[\uff10-\uff19\uff38\uff58\u3000\uff0d]")  # full-width digits, Ｘ/ｘ, space, hyphen
_TO_NARROW = str.maketrans({**{chr(0xFF10 + d): str(d) for d in range(10)},
                            "\uff38": "X", "\uff58": "x", "\u3000": " ", "\uff0d": "-"})
_SHORTEST_ID = 15  # characters: the 15-digit legacy form without separators

_NAME_SEPARATORS = frozenset(" ·•・")
# Common two-character surnames (复姓): the whole surname stays visible, as in "欧阳**".
_COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 轩辕 令狐 端木 独孤 南宫 西门 "
    "百里 呼延 澹台 公冶 太史 申屠 钟离 闻人 赫连 万俟 淳于 单于 濮阳 拓跋 第五 左丘 东郭 公羊 司空 "
    "亓官 司寇 仉督 子车 颛孙 巫马 公西 漆雕 乐正 壤驷 公良 宰父 谷梁 段干 南门 羊舌 梁丘 东门".split()
)


def mask_id(number: str) -> str:
    """Mask an ID number for display, keeping the length and the first and last 4 characters.

    Values shorter than a 15-digit ID are starred completely, so a short or truncated value never
    shows more than it hides; longer odd values still show at most 4 + 4 characters.
    """
    if len(number) < _MIN_PARTLY_SHOWN:
        return "*" * len(number)
    return number[:_KEEP] + "*" * (len(number) - 2 * _KEEP) + number[-_KEEP:]


def mask_text(text: str) -> str:
    """Mask every resident ID number embedded in free text (log lines, JSON, error messages).

    Matches on the shape of an ID — 6 digits, a plausible birth date, sequence and check, bounded
    by non-digits, optionally grouped with spaces or hyphens — so phone numbers and certificate
    numbers pass through unchanged while IDs with a wrong check digit are still masked.
    """
    if len(text) < _SHORTEST_ID:  # too short to hold one (most log values and keys)
        return text
    if not _WIDE.search(text):
        return _ID_IN_TEXT.sub(lambda m: mask_id(m.group(0)), text)
    # Full-width digits (a Chinese input method's ４２１２…): matched on an ASCII copy — the same
    # length, character for character — and masked in place; the rest of the text stays as typed.
    narrow, out, last = text.translate(_TO_NARROW), [], 0
    for found in _ID_IN_TEXT.finditer(narrow):
        out += [text[last:found.start()], mask_id(found.group(0))]
        last = found.end()
    return "".join(out) + text[last:]


def mask_deep(value: object) -> object:
    """``value`` with ``mask_text`` applied to every string in it, at any depth of dicts and lists
    (an audit snapshot): free text typed by staff may hold an ID number."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {key: mask_deep(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [mask_deep(item) for item in value]
    return value


def _is_cjk(ch: str) -> bool:
    """CJK unified ideographs (basic block and extension A), i.e. a Chinese-character name."""
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def _star_after(name: str, keep: int) -> str:
    """Keep ``keep`` leading characters, star the rest but leave separators (·, space) visible."""
    tail = "".join(ch if ch in _NAME_SEPARATORS else "*" for ch in name[keep:])
    return name[:keep] + tail


def mask_name(name: str) -> str:
    """Mask a person's name for lists and logs: keep the surname (Chinese) or the first letter.

    A one-character value is starred completely; a compound surname is kept only when a given
    name follows it, so the mask never shows the whole value.
    """
    name = name.strip()
    if len(name) <= 1:
        return "*" * len(name)
    keep = 1
    if _is_cjk(name[0]) and name[:2] in _COMPOUND_SURNAMES and len(name) > 2:
        keep = 2
    return _star_after(name, keep)


# --------------------------------------------------------------------------------------------
# Encryption at rest and keyed look-up hashes
# --------------------------------------------------------------------------------------------

_KEY_BYTES = 32
_NONCE_BYTES = 12
# First byte of every blob: the version of the key that wrote it, so the key can be rotated (a new
# key gets the next version; blobs of retired versions stay readable until they are re-encrypted).
# Version 1 is the first key, and what the settings default to.
_FIRST_VERSION = 1
_MAX_VERSION = 255
_TAG_BYTES = 16


# Nonces are cut from os.urandom in blocks (one system call per _NONCE_BLOCK encryptions, not one
# each: a historical import encrypts millions of values). Every nonce is still fresh random bytes,
# handed out once: deque.popleft is atomic, so two threads never get the same one, and a forked
# child drops the nonces it inherited, so it never repeats one its parent uses.
_NONCE_BLOCK = 256
_nonces: deque[bytes] = deque()
_next_nonce = _nonces.popleft
os.register_at_fork(after_in_child=_nonces.clear)


def _fresh_nonce() -> bytes:
    """The next nonce when none is left: another block of them (kept apart from ``encrypt``)."""
    block = os.urandom(_NONCE_BYTES * _NONCE_BLOCK)
    _nonces.extend([block[i : i + _NONCE_BYTES] for i in range(0, len(block), _NONCE_BYTES)])
    return _next_nonce()


class PiiDecryptionError(ValueError):
    """A blob that is not ours, was tampered with, or was written with another key."""


def generate_key() -> str:
    """A fresh random 32-byte key, base64-encoded, for settings and secrets."""
    return base64.b64encode(os.urandom(_KEY_BYTES)).decode("ascii")


def decode_key(value: str, name: str) -> bytes:
    """Strict base64 decoding: a mangled secret must fail at start-up, not corrupt data."""
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(f"{name} is not valid base64") from None


def _check_version(version: int, name: str) -> int:
    if isinstance(version, bool) or not isinstance(version, int) \
            or not _FIRST_VERSION <= version <= _MAX_VERSION:
        raise ValueError(f"{name}: key version must be an integer from {_FIRST_VERSION} to {_MAX_VERSION}")
    return version


def parse_retired_keys(text: str, name: str = "retired keys") -> dict[int, bytes]:
    """``"1:<base64>,2:<base64>"`` → ``{1: key, 2: key}``: keys that decrypt but no longer encrypt.

    Strict, for start-up: a malformed entry, a bad version or a version listed twice is an error
    naming the entry's position and version, never the key. An empty text means no retired keys.
    """
    keys: dict[int, bytes] = {}
    for position, entry in enumerate((e.strip() for e in text.split(",") if e.strip()), start=1):
        version_text, sep, key_text = entry.partition(":")
        if not sep or not version_text.strip().isdigit():
            raise ValueError(f"{name}: entry {position} is not <version>:<base64 key>")
        version = _check_version(int(version_text.strip()), f"{name} entry {position}")
        if version in keys:
            raise ValueError(f"{name}: version {version} is listed twice")
        keys[version] = decode_key(key_text.strip(), f"{name} version {version}")
    return keys


class PiiCipher:
    """AES-256-GCM for stored personal data plus HMAC-SHA256 digests for equality look-ups.

    Blob layout: version byte | 12-byte random nonce | ciphertext and tag. The version byte names
    the encryption key and is also authenticated as associated data, so it cannot be swapped.
    :meth:`encrypt` always writes with the current key (``version``, 1 unless rotated);
    :meth:`decrypt` reads the current and every retired key, chosen by the blob's version byte, so
    a key can be rotated while old blobs are re-encrypted in the background (servicekit.rekey).
    The digest key is separate from the encryption keys: a unique index on digests reveals nothing
    about the ciphertexts. It is not versioned: changing it means recomputing every digest.
    """

    def __init__(self, enc_key: bytes, hash_key: bytes, *, version: int = _FIRST_VERSION,
                 retired: dict[int, bytes] | None = None) -> None:
        version = _check_version(version, "PiiCipher")
        retired = dict(retired or {})
        for key in (enc_key, hash_key, *retired.values()):
            if len(key) != _KEY_BYTES:
                raise ValueError("PiiCipher keys must be exactly 32 bytes each")
        if version in retired:
            raise ValueError(f"PiiCipher: the current key version {version} is also listed as retired")
        for old_version, old_key in retired.items():
            _check_version(old_version, "PiiCipher retired key")
            if hmac.compare_digest(old_key, enc_key):
                raise ValueError(f"PiiCipher: the current key is the retired key of version {old_version}:"
                                 " a rotation needs a new key")
        if any(hmac.compare_digest(key, hash_key) for key in (enc_key, *retired.values())):
            raise ValueError("PiiCipher needs different keys for encryption and hashing")
        self._version = version
        self._version_byte = bytes([version])
        self._aead = AESGCM(bytes(enc_key))
        # version byte (an int, as blob[0] gives it) → (AEAD, associated data) for decrypt
        self._readers = {v: (AESGCM(bytes(k)), bytes([v])) for v, k in retired.items()}
        self._readers[version] = (self._aead, self._version_byte)
        self._hash_key = bytes(hash_key)
        # HMAC-SHA256 (RFC 2104) = H(key ^ opad || H(key ^ ipad || value)): the two keyed states are
        # hashed once here and copied per digest, instead of re-keying for every value.
        block = self._hash_key.ljust(hashlib.sha256().block_size, b"\0")
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in block))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in block))
        if self.digest("0") != hmac.new(self._hash_key, b"0", hashlib.sha256).digest():
            raise AssertionError("PiiCipher digest disagrees with hmac")

    @classmethod
    def from_base64(cls, enc_b64: str, hash_b64: str, *, version: int = _FIRST_VERSION,
                    retired: str = "") -> PiiCipher:
        """Build from the strings kept in settings (see :func:`generate_key`); ``retired`` as
        :func:`parse_retired_keys` reads it."""
        return cls(decode_key(enc_b64, "enc_key"), decode_key(hash_b64, "hash_key"), version=version,
                   retired=parse_retired_keys(retired))

    def __repr__(self) -> str:
        return f"PiiCipher(version={self._version}, retired={sorted(set(self._readers) - {self._version})}," \
               " <keys hidden>)"

    @property
    def version(self) -> int:
        """The version :meth:`encrypt` writes (the blob's first byte)."""
        return self._version

    @property
    def readable_versions(self) -> frozenset[int]:
        """Every version :meth:`decrypt` reads: the current one and the retired ones."""
        return frozenset(self._readers)

    def is_current(self, blob: bytes) -> bool:
        """Whether ``blob`` was written with the current key (nothing to re-encrypt)."""
        return blob[:1] == self._version_byte

    def encrypt(self, plain: str) -> bytes:
        """Encrypt with a fresh random nonce: the same value gives a different blob every time."""
        try:
            nonce = _next_nonce()
        except IndexError:
            nonce = _fresh_nonce()
        version = self._version_byte
        return version + nonce + self._aead.encrypt(nonce, plain.encode("utf-8"), version)

    def decrypt(self, blob: bytes) -> str:
        """Decrypt a blob from :meth:`encrypt` with the key its version byte names (current or
        retired); an unknown version or any tampering raises :class:`PiiDecryptionError`."""
        if len(blob) < 1 + _NONCE_BYTES + _TAG_BYTES:
            raise PiiDecryptionError("encrypted value is too short")
        reader = self._readers.get(blob[0])
        if reader is None:
            raise PiiDecryptionError(f"unknown encryption version {blob[:1].hex()}")
        aead, version = reader
        try:
            return aead.decrypt(blob[1 : 1 + _NONCE_BYTES], blob[1 + _NONCE_BYTES :], version).decode("utf-8")
        except InvalidTag:
            raise PiiDecryptionError("encrypted value failed authentication") from None

    def digest(self, value: str) -> bytes:
        """Keyed hash of a value for look-ups and unique constraints.

        The caller passes the canonical form (e.g. ``parse_resident_id(...).number``), so that
        ``x`` and ``X`` or a 15-digit and 18-digit spelling of the same number hash alike.
        """
        inner = self._inner.copy()
        inner.update(value.encode("utf-8"))
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.digest()

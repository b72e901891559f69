"""Members' SSH public keys: what a valid key is, and its SHA256 fingerprint.

A key is stored as OpenSSH writes it in ``authorized_keys`` or a ``.pub``
file, without options: ``type base64 [comment]``.  Two spellings of one key
(another comment, other spaces) are the same key: a key's identity is its
type and its decoded blob, and its fingerprint is OpenSSH's
(``ssh-keygen -l``): ``SHA256:`` and the unpadded base64 of the blob's
SHA-256.
"""

from __future__ import annotations

import base64
import binascii
import re
import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

#: The key types OpenSSH accepts for user authentication.  DSA keys are gone
#: from OpenSSH since 9.8 and refused here too.
KEY_TYPES = (
    "ssh-ed25519",
    "ssh-rsa",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
    "sk-ssh-ed25519@openssh.com",
    "sk-ecdsa-sha2-nistp256@openssh.com",
)
#: More keys than a person has devices: a bound on what one member record holds.
MAX_KEYS = 32
#: An RSA key of 16,384 bits is about 2,800 characters of base64.
_MAX_BASE64 = 4096
_BASE64 = re.compile(r"[A-Za-z0-9+/]+={0,2}\Z")
_COMMENT = re.compile(r"[^\x00-\x1f\x7f-\x9f]{0,200}\Z")
_FINGERPRINT = re.compile(r"SHA256:[A-Za-z0-9+/]{43}\Z")


class BadKey(ValueError):
    """A key that is not a valid OpenSSH public key, with the reason."""


@dataclass(frozen=True)
class PublicKey:
    type: str
    base64: str
    comment: str

    @property
    def identity(self) -> str:
        """``type base64``: the same for every spelling of this key."""
        return f"{self.type} {self.base64}"

    @property
    def text(self) -> str:
        """The key as stored and as written into ``authorized_keys``."""
        return f"{self.identity} {self.comment}" if self.comment else self.identity

    @property
    def fingerprint(self) -> str:
        return fingerprint_of(self.base64)


def fingerprint_of(blob_base64: str) -> str:
    import hashlib  # as in ``records.derived_id``: only a key's fingerprint needs it

    digest = hashlib.sha256(base64.b64decode(blob_base64)).digest()
    return "SHA256:" + base64.b64encode(digest).decode().rstrip("=")


def parse_key(text: str) -> PublicKey:
    """A public key from one line of a ``.pub`` file; ``BadKey`` says what is wrong."""
    if not isinstance(text, str):
        raise BadKey(f"expected an SSH public key as text, got {type(text).__name__}")
    _refuse_other_formats(text)
    words = text.strip().split(None, 2)
    if len(words) < 2:
        raise BadKey("not an SSH public key: expected 'TYPE BASE64 [COMMENT]', e.g. 'ssh-ed25519 AAAAC3Nz... ana@laptop'")
    key_type, blob_text = words[0], words[1]
    comment = " ".join(words[2].split()) if len(words) > 2 else ""
    if key_type not in KEY_TYPES:
        hint = (
            " (authorized_keys options such as restrict or command= are crewdeck's to write)" if "=" in key_type or "," in key_type else ""
        )
        raise BadKey(f"{key_type[:40]!r} is not an SSH key type (types: {', '.join(KEY_TYPES)}){hint}")
    if len(blob_text) > _MAX_BASE64 or not _BASE64.match(blob_text):
        raise BadKey(f"the {key_type} key's data is not base64")
    try:
        blob = base64.b64decode(blob_text, validate=True)
    except (binascii.Error, ValueError):
        raise BadKey(f"the {key_type} key's data is not base64") from None
    _check_blob(key_type, blob)
    if not _COMMENT.match(comment):
        raise BadKey("the key's comment holds control characters or is longer than 200 characters")
    normal = base64.b64encode(blob).decode()
    return PublicKey(key_type, normal, comment)


def _refuse_other_formats(text: str) -> None:
    """A private key, or a public key in the SSH2 (PuTTY) format: said what to give instead, the text never echoed."""
    head = text.lstrip()
    if head.startswith("-----BEGIN") or "PRIVATE KEY" in head[:80]:
        raise BadKey(
            "this is a private key: give the public one (the line of the .pub file, e.g. ~/.ssh/id_ed25519.pub), "
            "and keep the private key to yourself"
        )
    if head.startswith("---- BEGIN SSH2 PUBLIC KEY"):
        raise BadKey(
            "this is a public key in the SSH2 (PuTTY) format: give it as OpenSSH writes it, from: ssh-keygen -i -f KEYFILE "
            '(or PuTTYgen\'s "Public key for pasting into OpenSSH authorized_keys file")'
        )


def _check_blob(key_type: str, blob: bytes) -> None:
    """The key's data, field by field as OpenSSH reads it: a key pasted with the wrong type, cut short or
    with bytes after it is caught here, rather than written into a line no login ever matches."""
    fields = _read_fields(blob, len(_SHAPES[key_type]))
    if not fields or fields[0] != key_type.encode():
        raise BadKey(f"the key's data is not a {key_type} key (was it cut short, or pasted with another type?)")
    if len(fields) < len(_SHAPES[key_type]) or not all(fits(field) for fits, field in zip(_SHAPES[key_type], fields, strict=False)):
        raise BadKey(f"the {key_type} key's data is cut short (was the whole key pasted?)")
    if sum(4 + len(field) for field in fields) < len(blob):
        raise BadKey(f"the {key_type} key's data is followed by more than a key holds (was something pasted after it?)")
    if key_type == "ssh-rsa":
        bits = int.from_bytes(fields[2], "big").bit_length()
        if bits < _MIN_RSA_BITS:
            raise BadKey(f"the ssh-rsa key has {bits} bits: OpenSSH takes RSA keys of {_MIN_RSA_BITS} bits or more")


def _read_fields(blob: bytes, most: int) -> list[bytes]:
    """Up to ``most`` of the length-prefixed strings the blob starts with, as far as they are whole."""
    fields: list[bytes] = []
    at = 0
    while len(fields) < most and at + 4 <= len(blob):
        (length,) = struct.unpack(">I", blob[at : at + 4])
        if at + 4 + length > len(blob):
            break
        fields.append(blob[at + 4 : at + 4 + length])
        at += 4 + length
    return fields


def _any(field: bytes) -> bool:
    return True


def _ed25519(field: bytes) -> bool:
    return len(field) == 32


def _positive(field: bytes) -> bool:
    """An SSH mpint that is more than zero."""
    return bool(field) and field[0] < 0x80 and any(field)


def _curve(name: str, point: int) -> tuple[Callable[[bytes], bool], Callable[[bytes], bool]]:
    """A curve's name, then its uncompressed point (0x04, x and y) of ``point`` bytes."""

    def is_name(field: bytes) -> bool:
        return field == name.encode()

    def is_point(field: bytes) -> bool:
        return len(field) == point and field[:1] == b"\x04"

    return is_name, is_point


#: Each key type's data, field by field (the type first), as OpenSSH's sshkey.c reads it.
_SHAPES: dict[str, tuple[Callable[[bytes], bool], ...]] = {
    "ssh-ed25519": (_any, _ed25519),
    "ssh-rsa": (_any, _positive, _positive),
    "ecdsa-sha2-nistp256": (_any, *_curve("nistp256", 65)),
    "ecdsa-sha2-nistp384": (_any, *_curve("nistp384", 97)),
    "ecdsa-sha2-nistp521": (_any, *_curve("nistp521", 133)),
    "sk-ssh-ed25519@openssh.com": (_any, _ed25519, _any),
    "sk-ecdsa-sha2-nistp256@openssh.com": (_any, *_curve("nistp256", 65), _any),
}
#: OpenSSH's RequiredRSASize: a smaller key never logs in.
_MIN_RSA_BITS = 1024


def is_fingerprint(text: str) -> bool:
    return bool(_FINGERPRINT.match(text))


def key_list(value: Any) -> list[str]:
    """The check of ``member.ssh_keys``: each key valid and stored in its normal spelling, none twice."""
    if not isinstance(value, list):
        raise ValueError(f"expected a list of SSH public keys, got {type(value).__name__}")
    if len(value) > MAX_KEYS:
        raise ValueError(f"more than {MAX_KEYS} SSH keys")
    keys: list[str] = []
    seen: set[str] = set()
    for item in value:
        try:
            key = parse_key(item)
        except BadKey as exc:
            raise ValueError(str(exc)) from None
        if key.identity in seen:
            raise ValueError(f"the key {key.fingerprint} is listed twice")
        seen.add(key.identity)
        keys.append(key.text)
    return keys


def identities(value: Any) -> tuple[str, ...]:
    """The identities of the keys a stored ``ssh_keys`` value holds (invalid ones left out)."""
    found: list[str] = []
    for item in value if isinstance(value, list) else ():
        try:
            found.append(parse_key(item).identity)
        except BadKey:
            continue
    return tuple(found)

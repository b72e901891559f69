"""What a terminal leaves out of a paste: its control characters but tab, line feed and carriage return.

A paste is text: an escape in it, sent on, made what followed act as keys
(escape, y, a: a note discarded and the post approved), and the sequence
that ends a bracketed paste ended it early.  The rule is the same for a
browser's terminal (``crewdeck.tui.web.bridge``) and a terminal over SSH
(``crewdeck.tui.ssh.pastes``), and is applied to UTF-8 bytes, at C speed
whatever the text: a regular expression held the web server's event loop
over a second for 10 MB of control characters, a translation table of
``str`` as long for 10 MB not ASCII.
"""

from __future__ import annotations

#: How a terminal brackets a paste, for an app that asked for bracketed pastes (Textual does).
PASTE_START = b"\x1b[200~"
PASTE_END = b"\x1b[201~"
#: C0 and DEL but tab, line feed and carriage return, one byte each in UTF-8, never part of another character's.
_C0_AND_DEL = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
#: C1, two bytes each in UTF-8: 0xC2 (which leads no other) and 0x80-0x9F.
_C1 = [bytes([0xC2, low]) for low in range(0x80, 0xA0)]


def text_only(sent: bytes) -> bytes:
    """``sent`` (UTF-8) without the control characters a terminal leaves out of a paste."""
    text = sent.translate(None, _C0_AND_DEL)
    if b"\xc2" in text:
        for control in _C1:
            text = text.replace(control, b"")
    return text

"""A terminal's input over SSH, its pastes kept to text, read by read.

Textual reads a bracketed paste that holds an escape out of order: the
keys the escape starts act at once, before the paste (``\\x1b[200~Shorter\\x1b\\x1b[Aya\\x1b[201~``
pressed escape, then y and a: a client pasting feedback into their request
for changes discarded the note and approved the post), where the terminal
sends the paste as it came (many do: only some leave its control
characters out).  Between a paste's brackets the control characters go,
as a terminal that leaves them out sends them (``crewdeck.tui.paste_text``).
The sequence that ends a paste, inside one, is sent as the end of the
paste is: what follows it in the same read (``\x1b[201~\x1b\x1b[Aya``
approved the post) is taken for the paste's text, as a terminal sends a
paste in one burst and a key pressed after it later.  The app may read a
long paste in several reads: the sequence inside one that falls at a
read's end still ends it there, and only the terminal can leave it out.
"""

from __future__ import annotations

from crewdeck.tui.paste_text import PASTE_END, PASTE_START, text_only


class PasteFilter:
    """``feed`` each read of the terminal's input: what the app is to read of it.  Out of a paste every byte goes on as
    it came, at once (an escape pressed alone is read alone); in one, the end of a read that may begin the paste's end,
    or a character of two bytes, waits for the next."""

    def __init__(self) -> None:
        self._pasting = False
        #: Out of a paste: the end of what was read, which with the next read may be a paste's start (sent on already).
        self._seen = b""
        #: In a paste: the end of what was read that waits for the next read.
        self._held = b""

    def feed(self, read: bytes) -> bytes:
        if self._pasting:
            return self._pasted(read)
        seen = self._seen + read
        start = seen.find(PASTE_START)
        if start < 0:
            self._seen = seen[-(len(PASTE_START) - 1) :]
            return read
        # The start may begin in the end of the last read, kept in ``seen``: it ends in this one.
        end = start + len(PASTE_START) - len(self._seen)
        self._seen, self._pasting = b"", True
        return read[:end] + self._pasted(read[end:])

    def _pasted(self, read: bytes) -> bytes:
        """``read`` in a paste: its text, and the paste's end if it came."""
        read, self._held = self._held + read, b""
        end = read.rfind(PASTE_END)
        if end < 0:
            waits = _unfinished(read)
            self._held = read[len(read) - waits :]
            return text_only(read[: len(read) - waits])
        self._pasting = False
        # A terminal sends a paste in one burst, and keys pressed after it come after it: what came in the same read
        # as the paste's end is the paste's, and the paste ends with the read.
        return text_only(read[:end] if end + len(PASTE_END) == len(read) else read) + PASTE_END


def _unfinished(read: bytes) -> int:
    """How many bytes at the end of ``read`` may begin the paste's end, or the second byte of a C1 character, with what
    the next read brings."""
    for size in range(min(len(PASTE_END) - 1, len(read)), 0, -1):
        if PASTE_END.startswith(read[-size:]):
            return size
    return 1 if read.endswith(b"\xc2") else 0

"""A file in UTF-16 (Excel's "Unicode Text", a Windows tool's export) read by the streamed imports, a chunk at a time.

Its byte order mark says what it is: with one, the file is read as UTF-16
(either byte order); without, as it always was (UTF-8).  ``ledger import``
reads such a file whole (``common.read_input``); the task imports, ``kpi
import`` and a restore stream theirs, and memory holds a chunk, never the file.
"""

from __future__ import annotations

import codecs
import io
from typing import BinaryIO

from crewdeck.tui.workspace.errors import UTF16_BROKEN
from crewdeck.tui.workspace.jsonstream import CHUNK, NotUtf8, Readable

#: The byte order marks that open a UTF-16 text.
BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


class NotUtf16(NotUtf8):
    """The bytes of a file that opens as UTF-16 does are not UTF-16 (cut mid-character, a lone surrogate)."""

    #: What they were read as, as ``UnicodeDecodeError`` says it (``errors.not_utf8`` reads it).
    encoding = "utf-16"


def is_utf16(head: bytes) -> bool:
    """Whether a file's first bytes are a UTF-16 byte order mark."""
    return head[:2] in BOMS


def text_encoding(binary: BinaryIO) -> str:
    """The encoding to read ``binary`` (a buffered file, standard input) with, from its first bytes, left unread:
    ``utf-16`` after its byte order mark, else ``utf-8-sig`` (a UTF-8 byte order mark is no text either)."""
    if binary.seekable():
        at = binary.tell()
        head = binary.read(2)
        binary.seek(at)
    elif isinstance(binary, io.BufferedReader):
        # A pipe: what one read gives is left in the buffer (a writer's first write, never a single byte in practice).
        head = binary.peek(2)
    else:
        head = b""  # nothing to look ahead with: read as UTF-8, as before
    return "utf-16" if is_utf16(head) else "utf-8-sig"


class Utf8:
    """``stream``'s bytes as UTF-8: a UTF-16 text decoded and encoded again as it is read, any other passed on as it is.

    What it is is known at the first read (its first two bytes), so the
    stream may be moved before (``imports._FromStart`` reads a file again).
    """

    def __init__(self, stream: Readable) -> None:
        self.stream = stream
        self.head: bytes | None = None  # the first bytes, read to see what the text is, not yet passed on
        self.decoder: codecs.IncrementalDecoder | None = None

    def read(self, size: int = -1, /) -> bytes:
        if self.head is None:
            self.head = self._first_two()
            if is_utf16(self.head):
                self.decoder = codecs.getincrementaldecoder("utf-16")()
        if self.decoder is None:
            if not self.head:
                return self.stream.read(size)
            if 0 <= size < len(self.head):
                out, self.head = self.head[:size], self.head[size:]
                return out
            head, self.head = self.head, b""
            return head + self.stream.read(-1 if size < 0 else size - len(head))
        if size < 0:
            return b"".join(iter(lambda: self._transcoded(CHUNK), b""))
        return self._transcoded(size)

    def _first_two(self) -> bytes:
        head = b""
        while len(head) < 2:  # a pipe may give one byte at a time
            more = self.stream.read(2 - len(head))
            if not more:
                break
            head += more
        return head

    def _transcoded(self, size: int) -> bytes:
        """The UTF-8 of about ``size`` bytes more: never none before the end (one byte of a two-byte character decodes to none)."""
        assert self.decoder is not None  # set before the first call
        while True:
            data = (self.head or b"") + self.stream.read(max(size, 2))
            self.head = b""
            try:
                text = self.decoder.decode(data, final=not data)
            except UnicodeDecodeError:
                raise NotUtf16(UTF16_BROKEN) from None
            if text or not data:
                return text.encode("utf-8")

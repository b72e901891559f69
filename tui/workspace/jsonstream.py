"""A JSON array read a value at a time: memory holds one value and a chunk of the file, not the document.

``json``'s own decoder reads each value (``raw_decode``), with the rules
of ``records.load_json`` (no ``NaN``, no ``1e999``): a value is exactly
what reading the whole document would have given, lone surrogate escapes
included (the records' checks refuse those, naming the record).
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from typing import Any, Protocol

from crewdeck.sync.state.records import json_number_problem, strict_json_decoder

#: Bytes read at a time.
CHUNK = 1 << 16
_SPACE = re.compile(r"[ \t\n\r]*")
_NUMBER = frozenset("0123456789+-.eE")


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


class NotJson(ValueError):
    """The text is not a JSON array (or not UTF-8): what is wrong, and where."""


class NotUtf8(NotJson):
    """The bytes are not UTF-8."""


class EmptyFile(NotJson):
    """The file holds nothing but blank space (or a byte order mark): every import says so in words of its own."""


class _Reader:
    def __init__(self, stream: Readable, chunk: int) -> None:
        self.stream = stream
        self.chunk = chunk
        # "utf-8-sig": a byte order mark opening the file marks the encoding, and is not read as text.
        self.decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self.text = ""
        self.pos = 0
        self.eof = False
        #: Characters dropped from the front of ``text``: positions in messages count from the file's start.
        self.offset = 0

    def more(self) -> bool:
        """Read a chunk onto the text; ``False`` at the end of the file."""
        if self.eof:
            return False
        data = self.stream.read(self.chunk)
        try:
            fresh = self.decoder.decode(data, final=not data)
        except UnicodeDecodeError:
            raise NotUtf8("not UTF-8 text") from None
        self.offset += self.pos
        self.text = self.text[self.pos :] + fresh
        self.pos = 0
        self.eof = not data
        return True

    def skip_space(self) -> str:
        """The next character after blank space ("" at the end of the file)."""
        while True:
            match = _SPACE.match(self.text, self.pos)
            self.pos = match.end() if match else self.pos
            if self.pos < len(self.text):
                return self.text[self.pos]
            if not self.more():
                return ""

    def value(self, decoder: json.JSONDecoder) -> Any:
        self.skip_space()  # raw_decode takes none before the value
        while True:
            try:
                found, end = decoder.raw_decode(self.text, self.pos)
            except json.JSONDecodeError as exc:
                if self.more():
                    continue
                # Some of json's messages end in "at" already ("Unterminated string starting at").
                raise NotJson(f"{exc.msg.removesuffix(' at')} at character {self.offset + exc.pos:,}") from None
            except RecursionError:
                raise NotJson("nested too deeply") from None
            except ValueError as exc:  # NaN, 1e999: load_json's own refusals; a number of 5,000 digits
                raise NotJson(json_number_problem(exc)) from None
            # A number read to the end of the text, or up to what goes on
            # as a number ("1" of "1.5" cut after "1."), may go on in the next chunk.
            if (end == len(self.text) or (isinstance(found, int | float) and self.text[end] in _NUMBER)) and self.more():
                continue
            self.pos = end
            return found

    def expect(self, wanted: str, what: str) -> str:
        found = self.skip_space()
        if not found or found not in wanted:
            shown = repr(found) if found else "the end of the file"
            raise NotJson(f"expected {what} at character {self.offset + self.pos:,}, found {shown}")
        self.pos += 1
        return found


def array_items(stream: Readable, chunk: int = CHUNK) -> Iterator[Any]:
    """Each value of the JSON array ``stream`` holds, as it is read; ``NotJson`` (when reached) for text that is not one."""
    reader = _Reader(stream, chunk)
    yield from _array(reader, strict_json_decoder())
    if reader.skip_space():
        raise NotJson(f"extra text after the array at character {reader.offset + reader.pos:,}")


def object_items(stream: Readable, streamed: frozenset[str] = frozenset(), chunk: int = CHUNK) -> Iterator[tuple[str, Any]]:
    """``(key, value)`` of each member of the JSON object ``stream`` holds, as it is read.

    The value of a key in ``streamed`` that is an array comes as an iterator
    of its values instead (to be read to its end before the next member):
    one large array of a document is never whole in memory.
    """
    reader = _Reader(stream, chunk)
    decoder = strict_json_decoder()
    if not reader.skip_space():
        raise EmptyFile("the file is empty")
    reader.expect("{", "'{'")
    if reader.skip_space() == "}":
        reader.pos += 1
    else:
        while True:
            if reader.skip_space() != '"':
                reader.expect('"', "a member name")
            key = reader.value(decoder)
            reader.expect(":", "':'")
            if key in streamed and reader.skip_space() == "[":
                yield key, _array(reader, decoder)
            else:
                yield key, reader.value(decoder)
            if reader.expect(",}", "',' or '}'") == "}":
                break
    if reader.skip_space():
        raise NotJson(f"extra text after the object at character {reader.offset + reader.pos:,}")


def _array(reader: _Reader, decoder: json.JSONDecoder) -> Iterator[Any]:
    reader.expect("[", "'['")
    if reader.skip_space() == "]":
        reader.pos += 1
        return
    while True:
        yield reader.value(decoder)
        if reader.expect(",]", "',' or ']'") == "]":
            return

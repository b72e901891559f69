"""The app's Textual driver over SSH (``SshDriver``) reading the terminal as the network cuts its input.

Each read is one packet of a ``SOCK_SEQPACKET`` socket pair, so the driver
reads exactly the pieces the test sends, in order, whatever the timing.
"""

from __future__ import annotations

import asyncio
import hashlib
import inspect
import signal
import socket
from collections.abc import Iterator

import pytest
from textual import events
from textual.app import App
from textual.drivers.linux_driver import LinuxDriver
from textual.message import Message

from crewdeck.tui.app.ssh_driver import SshDriver

#: The key that ends a run: what the driver reads after it is not read.
_LAST = b"\x1b[15~"


class _Recording(SshDriver):
    """The driver, the app's messages kept in order instead of posted to an app."""

    def __init__(self, app: App[None]) -> None:
        super().__init__(app)
        self.read: list[Message] = []

    def process_message(self, message: Message) -> None:
        self.read.append(message)
        if isinstance(message, events.Key) and message.key == "f5":
            self.exit_event.set()


@pytest.fixture
def signals_kept() -> Iterator[None]:
    """Textual's driver takes ctrl+z's signals for the app: the test process gets its own back."""
    kept = {number: signal.getsignal(number) for number in (signal.SIGTSTP, signal.SIGCONT)}
    yield
    for number, handler in kept.items():
        signal.signal(number, handler)


def _read_by_driver(reads: list[bytes]) -> list[Message]:
    """What the app is given when the terminal's input comes in ``reads``, one read each (``_LAST`` after them)."""

    async def run() -> list[Message]:
        driver = _Recording(App())
        terminal, app_side = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        with terminal, app_side:
            for read in [*reads, _LAST]:
                terminal.send(read)
            driver.fileno = app_side.fileno()
            await asyncio.to_thread(driver.run_input_thread)
        return driver.read

    return asyncio.run(run())


def _as_read(messages: list[Message]) -> list[str]:
    return [
        f"paste {message.text!r}" if isinstance(message, events.Paste) else f"key {message.key} {message.character!r}"
        for message in messages
        if isinstance(message, events.Paste | events.Key)
    ]


@pytest.mark.usefixtures("signals_kept")
def test_a_read_that_gives_the_app_nothing_yet_leaves_the_driver_reading() -> None:
    """A read that gave the app nothing yet (a character's first byte alone, an escape alone in a paste, the start of a
    paste's end) was taken for the end of the input: the next read killed the driver's reading with a traceback on the
    member's terminal, the app left open to no key, and exit 0 when they closed it."""
    reads = [b"c", b"\xc3", b"\xa9", b"\x1b[200~ab", b"\x1b", b"cd", b"\x1b[201", b"~"]
    assert _as_read(_read_by_driver(reads)) == ["key c 'c'", "key é 'é'", "paste 'abcd'", "key f5 None"]


@pytest.mark.usefixtures("signals_kept")
def test_a_paste_holding_a_pastes_end_gives_the_app_text_and_no_key() -> None:
    """Over SSH a paste holding the sequence that ends one acted as keys after it: escape left the note's dialog and y
    and a approved the post, where the browser's paste was text."""
    reads = [b"\x1b[200~Shorter\x1b[201~\x1b\x1b[Aya\x1b[201~", b"y"]
    assert _as_read(_read_by_driver(reads)) == ["paste 'Shorter[201~[Aya'", "key y 'y'", "key f5 None"]


def test_textuals_reading_of_the_terminal_is_the_one_the_ssh_driver_copies() -> None:
    """``SshDriver.run_input_thread`` is Textual's ``LinuxDriver.run_input_thread`` (textual 8.2.8), each read put
    through a ``PasteFilter``.  When Textual's changes, compare the two and carry over what it now does (how it reads,
    decodes, what it does with a read that decodes to nothing, how it ends), then put the new source's hash here."""
    source = inspect.getsource(LinuxDriver.run_input_thread)
    assert hashlib.sha256(source.encode()).hexdigest() == "d796af6d69db337d6fa6bd463984f7d17188d991dbb22f60efb92a8a9619507c"

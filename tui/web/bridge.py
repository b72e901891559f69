"""One app process per browser session, and the bytes between it and the browser.

The process is ``crewdeck web session``: it imports the app, then reads one
line on its standard input, ``{"session": COOKIE, "width": W, "height": H}``,
so it can be started as soon as a sign-in succeeds and be ready when the
page's websocket comes.  Then it runs under Textual's web driver, which speaks on its standard streams as textual-serve's ``AppService``
expects: after a line ``__GANGLION__``, packets of a type byte (``D``
terminal output, ``M`` a JSON meta message, ``P`` a packed download
chunk), a four-byte big-endian length and the payload; what it reads is
packets of the same framing (``D`` keys as the terminal would send them, the
control characters of a paste or other text left out as a terminal leaves a
paste's, ``M`` resize,
focus, blur, quit).  Downloads (``deliver_file``) are not
offered: the app never delivers a file, and a route that serves files to
a browser is one more thing to gate.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import sys
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path

from crewdeck.sync.state.store import BUSY_TIMEOUT
from crewdeck.tui.paste_text import PASTE_END, PASTE_START, text_only

#: What the app writes first, before any packet.
PRELUDE = b"__GANGLION__\n"
#: How long a quit takes at most when no change of the app's waits (the server's patience for an app leaving).
QUIT_GRACE = 5.0
#: How long a quit may take before the process is killed: an app closed while a change of its waits behind another
#: process's write on the shared file writes it first, within its busy timeout, where it was killed after
#: ``QUIT_GRACE`` and the change lost.  An app that hangs for another reason is gone by then too.
KILL_AFTER = BUSY_TIMEOUT + QUIT_GRACE
#: Environment of the app process: Textual's web driver (crewdeck's, which starts focused), the terminal's size, colours.
DRIVER = "crewdeck.tui.app.web_driver:WebDriver"


#: One key as xterm.js makes it from a key press, or one report of its own (a click, an answer to the app's query): a
#: character (a C0 one from ctrl, escape), escape and one (alt), a CSI sequence (arrows, F5 and on, a click's SGR report,
#: the answer to a mode's query) or an SS3 one (F1-F4, the arrows in the application mode).  Never a paste's bracket:
#: the terminal sends one only around a paste.  Never a ':' in a CSI's parameters: xterm.js makes none, and Textual reads
#: a kitty key's alternates after one as keys of their own (``\x1b[1;5;115:121:97u`` is ctrl+s, ctrl+y, ctrl+a).
_ONE_KEY = re.compile(r"[^\x80-\x9f]|\x1b[^\x80-\x9f]|\x1b\[[0-9;<=>?]*[ -/]*[@-~]|\x1bO[@-~]")
#: The longest key or report above that a message can be (a click's at a 1000-column terminal is 16 characters): a longer
#: message is text, not matched at all.
_KEY_MOST = 32


def keys_as_sent(keys: str) -> bytes:
    """What the browser sent, in UTF-8 for the app: one key (``_ONE_KEY``) as it came, anything else kept to text.

    xterm.js sends each key pressed in a message of its own, and text in one message as it came, where a terminal leaves
    a paste's control characters out: a paste (bracketed) and text it takes as typed (a phone keyboard's paste, an IME's,
    an ``input`` event) that held an escape had what followed it act as keys (escape, y, a: a note discarded and the post
    approved), and text that held the end of a paste ended it.  Taken out as a terminal over SSH has them taken out
    (``crewdeck.tui.paste_text``).
    """
    sent = keys.encode("utf-8", "replace")
    if len(keys) <= _KEY_MOST and _ONE_KEY.fullmatch(keys) and sent not in (PASTE_START, PASTE_END):
        return sent
    if len(sent) >= len(PASTE_START) + len(PASTE_END) and sent.startswith(PASTE_START) and sent.endswith(PASTE_END):
        return PASTE_START + text_only(sent[len(PASTE_START) : -len(PASTE_END)]) + PASTE_END
    return text_only(sent)


def packet(kind: bytes, payload: bytes) -> bytes:
    return kind + len(payload).to_bytes(4, "big") + payload


def app_command(workspace: Path) -> list[str]:
    """The command line of one browser session's app (this Python, this crewdeck)."""
    return [sys.executable, "-m", "crewdeck.tui.cli.main", "--workspace", str(workspace), "web", "session"]


def app_environment(base: Mapping[str, str]) -> dict[str, str]:
    env = {k: v for k, v in base.items() if not k.startswith("CREWDECK_")}
    env.update({"TEXTUAL_DRIVER": DRIVER, "TEXTUAL_COLOR_SYSTEM": "truecolor", "TERM_PROGRAM": "crewdeck-web"})
    return env


def start_line(cookie: str, width: int, height: int) -> bytes:
    """What the app process reads first: its session and the terminal's size."""
    return json.dumps({"session": cookie, "width": width, "height": height}).encode("utf-8") + b"\n"


class AppProcess:
    """A running app for one websocket: ``send_*`` towards the app, ``on_output``/``on_exit`` towards the browser."""

    def __init__(self) -> None:
        #: Where the terminal's output goes (the websocket, once one has the process).
        self.on_output: Callable[[bytes], Awaitable[None]] | None = None
        self._process: asyncio.subprocess.Process | None = None
        self._reader: asyncio.Task[None] | None = None
        #: Set once the process has exited and its output is read to the end.
        self.ended = asyncio.Event()
        #: Whether it was handed its session (``begin``): before, it reads its start line and no packet.
        self.begun = False
        #: The end of what the app wrote to its error output (``STDERR_KEPT`` bytes at most: an app runs for hours).
        self.stderr = b""

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    @property
    def returncode(self) -> int | None:
        """The exit status, once the process has exited (negative: the signal that ended it)."""
        return self._process.returncode if self._process else None

    async def start(self, command: list[str], env: dict[str, str]) -> None:
        self._process = await asyncio.create_subprocess_exec(
            *command,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=env,
            # Its own process group: a signal to the server's group (ctrl+c) is not one to every app.
            start_new_session=True,
        )
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        process = self._process
        assert process is not None and process.stdout is not None and process.stderr is not None
        stderr = asyncio.create_task(_tail(process.stderr))
        stdout = process.stdout
        try:
            # The app prints nothing else before the prelude, unless it failed to start.
            while (line := await stdout.readline()) and line != PRELUDE:
                pass
            while True:
                kind = await stdout.readexactly(1)
                size = int.from_bytes(await stdout.readexactly(4), "big")
                payload = await stdout.readexactly(size)
                if kind == b"D" and self.on_output is not None:
                    await self.on_output(payload)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            self.stderr = await stderr
            await process.wait()
            self.ended.set()

    async def _send(self, data: bytes) -> None:
        process = self._process
        if process is None or process.stdin is None or process.returncode is not None:
            return
        with contextlib.suppress(ConnectionError, RuntimeError):
            process.stdin.write(data)
            await process.stdin.drain()

    async def begin(self, cookie: str, width: int, height: int) -> None:
        """Hand the process its session: it checks it, and the app starts."""
        self.begun = True
        await self._send(start_line(cookie, width, height))

    async def send_keys(self, text: str) -> None:
        if sent := keys_as_sent(text):  # text of control characters alone is nothing to send
            await self._send(packet(b"D", sent))

    async def send_meta(self, meta: Mapping[str, object]) -> None:
        await self._send(packet(b"M", json.dumps(meta).encode("utf-8")))

    async def stop(self) -> None:
        """Ask the app to quit, and kill it if it has not within ``KILL_AFTER``."""
        process = self._process
        if process is None:
            return
        if self.begun:
            await self.send_meta({"type": "quit"})
        elif process.stdin is not None:
            # Not handed its session, it reads its start line, not a packet: the end of its input is the end of that, and
            # it exits at once (a quit was read as part of the line, and the process killed when the grace ran out).
            process.stdin.close()
        try:
            await asyncio.wait_for(self.ended.wait(), KILL_AFTER)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, 9)
            await self.ended.wait()


#: How much of the end of an app's error output is kept, for the server's log when it stops on an error.
STDERR_KEPT = 16 * 1024


async def _tail(stream: asyncio.StreamReader) -> bytes:
    """The last ``STDERR_KEPT`` bytes ``stream`` gives before its end."""
    kept = b""
    while chunk := await stream.read(STDERR_KEPT):
        kept = (kept + chunk)[-STDERR_KEPT:]
    return kept

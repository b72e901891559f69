"""uvicorn's server, ending as soon as it is asked to and its open responses are done.

uvicorn looks for a signal once a tick (0.1 s), pauses 0.1 s after asking
each connection to close, and looks again every 0.1 s for open responses:
some 0.2 s before every exit, though nothing is open, for a person
restarting a server as for the tests, which start one hundreds of times.
Here a signal wakes the main loop at once, and the open responses are
looked at every ``DRAIN_POLL``; the graceful bound, the lifespan's shutdown
(every acknowledged write is committed before the store closes) and the
log lines are uvicorn's.

A stop asked for by a signal ends as a clean stop: the serving returns, so the
caller's code after it runs and the process exits 0. uvicorn raises the
signal again once shut down, and a process stopped by SIGTERM died by it
(exit -15, a killed process to a service manager) and one stopped by Ctrl-C
ended by KeyboardInterrupt (exit 130). A stop that the graceful bound ran
out on counts the responses it cut (``cut``), for the caller to say so. A
stop forced by a second Ctrl-C, which leaves open responses cut and the
store unclosed, ends by KeyboardInterrupt, whatever signal asked first:
uvicorn raised every signal it caught again, the last first, and after a
SIGTERM the process died by it (-15), unsaid. It counts the responses it
cut too.

What a stop cuts is cancelled, and uvicorn logs each cancellation as an
error with its traceback ("Exception in ASGI application", and the
lifespan's own, on a forced stop): a stop that said what it cut is no
crash, so those are dropped below the debug level (``CutByTheStop``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
import threading
from collections.abc import Callable, Iterator
from types import FrameType

import uvicorn

#: How often uvicorn's main loop ticks (its date header, its request limit), in seconds.
TICK = 0.1
#: How often the shutdown looks whether the open connections and responses are done, in seconds.
DRAIN_POLL = 0.005

logger = logging.getLogger("uvicorn.error")


class StopForced(KeyboardInterrupt):
    """A stop forced by a second Ctrl-C (exit 130, as any KeyboardInterrupt), with the open responses it cut."""

    def __init__(self, cut: int) -> None:
        super().__init__(cut)
        #: The responses still open, cancelled unanswered: their clients got a 500, or a closed connection mid-answer.
        self.cut = cut


class PromptServer(uvicorn.Server):
    """``uvicorn.Server`` that makes its listen queue ``listen_queue`` long once listening, runs ``on_exit`` as a signal
    asks it to end, and ends without uvicorn's fixed pauses (see the module doc)."""

    def __init__(
        self, config: uvicorn.Config, *, listen_queue: int, on_exit: Callable[[], None] | None = None, stop: threading.Event | None = None
    ) -> None:
        super().__init__(config)
        self.listen_queue = listen_queue
        self.on_exit = on_exit
        #: Set from another thread: the serving ends at the next tick, as on a signal, with no signal raised again.
        self.stop = stop
        #: The open responses the graceful bound ran out on, cancelled unanswered (their clients got a 500).
        self.cut = 0
        self._cut_by_the_stop = CutByTheStop(self)
        self._asked_to_exit: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def run(self, sockets: list[socket.socket] | None = None) -> None:
        logger.addFilter(self._cut_by_the_stop)
        try:
            super().run(sockets)
        finally:
            logger.removeFilter(self._cut_by_the_stop)

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        for server in getattr(self, "servers", []):
            for listening in server.sockets:
                with socket.socket(fileno=os.dup(listening.fileno())) as same:
                    same.listen(self.listen_queue)

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        with super().capture_signals():
            yield
            # What uvicorn raises again as its handlers are put back: a graceful stop was what the signal asked for, and
            # a forced one ends as a Ctrl-C's does (exit 130), where a SIGTERM before it, raised last, killed the process.
            self._captured_signals[:] = [signal.SIGINT] if self.force_exit else []

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        if self.on_exit is not None:
            self.on_exit()
        super().handle_exit(sig, frame)
        if self._loop is not None and self._asked_to_exit is not None:
            # A signal handler runs between two bytecodes of the loop's own thread: the loop hears of it through its
            # self-pipe, as asyncio's own SIGINT handler wakes it.
            self._loop.call_soon_threadsafe(self._asked_to_exit.set)

    async def main_loop(self) -> None:
        self._asked_to_exit = asyncio.Event()
        self._loop = asyncio.get_running_loop()
        counter = 0
        while not await self.on_tick(counter) and not (self.stop is not None and self.stop.is_set()):
            counter = (counter + 1) % 864_000  # uvicorn's: ten ticks a second for a day
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._asked_to_exit.wait(), TICK)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        logger.info("Shutting down")
        for server in self.servers:
            server.close()
        for sock in sockets or []:
            sock.close()
        for connection in list(self.server_state.connections):
            connection.shutdown()
        try:
            async with asyncio.timeout(self.config.timeout_graceful_shutdown):
                await self._drained()
        except TimeoutError:
            self.cut = len(self.server_state.tasks)
            # Info, not uvicorn's error: the caller says what the cut did (``cut``), in the words of its clients.
            logger.info("Cancel %s running task(s), timeout graceful shutdown exceeded", len(self.server_state.tasks))
            for task in self.server_state.tasks:
                task.cancel(msg="Task cancelled, timeout graceful shutdown exceeded")
        if self.force_exit:
            # What is open now is cancelled as the event loop closes, after this.
            self.cut = len(self.server_state.tasks)
        else:
            await self.lifespan.shutdown()

    async def _drained(self) -> None:
        """Until every connection has closed and every response has been sent (or a second signal forces the exit).
        What it waits for is said once, as uvicorn says it: the only place an operator learns a second Ctrl-C ends it."""
        said = set()
        while (self.server_state.connections or self.server_state.tasks) and not self.force_exit:
            if self.server_state.connections and "connections" not in said:
                said.add("connections")
                logger.info("Waiting for connections to close. (CTRL+C to force quit)")
            elif self.server_state.tasks and not self.server_state.connections and "tasks" not in said:
                said.add("tasks")
                logger.info("Waiting for background tasks to complete. (CTRL+C to force quit)")
            await asyncio.sleep(DRAIN_POLL)
        for server in self.servers:
            await server.wait_closed()


class CutByTheStop(logging.Filter):
    """Drops what uvicorn logs of a request, or the lifespan, cancelled by ``server``'s stop: an error with the traceback
    of a ``CancelledError``, where the stop says what it cut in one line. At the debug level they are kept, for whoever
    looks into a stop; an error that is no cancellation, or comes before the stop, is kept whole."""

    def __init__(self, server: uvicorn.Server) -> None:
        super().__init__()
        self.server = server

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.server.should_exit or logger.isEnabledFor(logging.DEBUG):
            return True
        return not _cancelled(record)


def _cancelled(record: logging.LogRecord) -> bool:
    """Whether ``record`` says a task was cancelled: with the exception, as uvicorn logs a request's, or with the text of
    its traceback, as Starlette hands over its lifespan's failed shutdown."""
    if record.exc_info is not None and isinstance(record.exc_info[1], asyncio.CancelledError):
        return True
    said = record.msg if isinstance(record.msg, str) else ""
    return said.startswith("Traceback (most recent call last):") and said.rstrip().rsplit("\n", 1)[-1].startswith(
        "asyncio.exceptions.CancelledError"
    )

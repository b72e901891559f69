"""SIGTERM and SIGHUP unwinding a command, as Ctrl-C does, where they ended the process with nothing cleaned up.

``timeout 60 crewdeck import --dry-run big.json``, a service manager's stop, or an SSH connection dropped killed a dry
run with its private copy of the workspace left in a 0700 temporary directory (a whole workspace's data in /tmp, for
every run), and ``export -o FILE`` with its half-written file beside FILE.  In the block, such a signal raises where the
command is, so that what it made to be thrown away is; the process then dies by the same signal, as its caller expects
(``timeout`` and a shell read 143 for SIGTERM)."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

#: The signals that stop a command from outside, whose default ends it at once.
STOPS = (signal.SIGTERM, signal.SIGHUP)


class Stopped(BaseException):
    """A stop signal arrived (``signum``): no error of the command's, so nothing catches it but ``unwound_on_stop``."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _raise_stopped(signum: int, frame: FrameType | None) -> None:
    # One stop is enough: a second (systemd's SIGHUP after its SIGTERM) raising inside the clean-up cut it short.  Not
    # SIG_IGN: a second already pending would be said "ignored due to race condition" on stderr.
    for other in STOPS:
        signal.signal(other, _stopping_already)
    raise Stopped(signum)


def _stopping_already(signum: int, frame: FrameType | None) -> None:
    """A stop signal after the first: the block is unwinding already."""


@contextmanager
def unwound_on_stop() -> Iterator[None]:
    """The block unwinds on SIGTERM or SIGHUP (its ``finally`` and ``with`` exits run), then the process dies by it.  A
    signal its caller had ignored (``nohup``'s SIGHUP) stays ignored; off the main thread, where no handler can be set,
    the block runs as it is."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = {signum: signal.getsignal(signum) for signum in STOPS}
    try:
        # Set inside the try: a stop arriving between two of them unwinds too, where it escaped as a traceback.
        for signum, handler in before.items():
            if handler not in (signal.SIG_IGN, None):
                signal.signal(signum, _raise_stopped)
        yield
    except Stopped as stop:
        signal.signal(stop.signum, signal.SIG_DFL)
        signal.raise_signal(stop.signum)  # to this thread: delivered, and the process ended, before it returns
        raise
    finally:
        for signum, handler in before.items():
            if handler is not None:  # None: a handler set outside Python, which was never replaced
                signal.signal(signum, handler)

"""The one way the app runs I/O: a thread worker whose errors become notifications.

A failed read or write must neither close the app nor pass silently.  Textual
tells only a worker's own node that it failed, so the error is caught here,
in the worker, and shown by ``report_error``.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Sequence
from typing import Concatenate, ParamSpec, TypeVar

from textual.app import App
from textual.dom import DOMNode

from crewdeck.sync.state.lockwait import was_interrupted
from crewdeck.tui.app.damaged_notice import DamagedNotice
from crewdeck.tui.workspace.errors import one_line_errors

Node = TypeVar("Node", bound=DOMNode)
P = ParamSpec("P")
V = TypeVar("V")


def report_error(app: App[object], error: Exception, reads: Sequence[str] = ()) -> None:
    """The one place worker errors surface: a notification, never a crash.  ``reads``: the record tables the failed
    worker read, those it reads most first (a damaged cell is looked for there first)."""
    if refusal(error) is not None:
        app.notify(str(error), severity="error", timeout=6)
    else:
        app.notify(f"{type(error).__name__}: {error}", title="unexpected error", severity="error", timeout=10)
        app.log.error(error)
    if not isinstance(error, one_line_errors()):
        # Not a refusal of what was asked (a ValueError may be a stored cell's): a damaged cell behind it is said
        # where (a search once per state of the file, however often the error recurs).
        notice = getattr(getattr(app, "services", None), "damaged", None)
        if isinstance(notice, DamagedNotice):
            notice.say(reads=reads)


def refusal(error: Exception) -> str | None:
    """The one line that says why input was refused (bad input, a rule, the workspace); ``None`` for a bug."""
    # A JSON text that cannot be read is a stored cell's (crewdeck writes JSON), never what was typed.
    refused = isinstance(error, (ValueError, *one_line_errors())) and not isinstance(error, json.JSONDecodeError)
    return str(error) if refused else None


def submit_or_refuse(
    app: App[object], submit: Callable[[V], object], value: V, refused: Callable[[str], None], done: Callable[[V], object]
) -> None:
    """A dialog's answer, in its worker: ``submit(value)``, then ``done(value)``; a refusal goes to ``refused``
    with its reason (the dialog stays open with the text to fix), and a bug is reported as any worker's error is."""
    try:
        submit(value)
    except Exception as exc:
        if was_interrupted(exc):
            raise  # the app is quitting: no dialog to answer
        why = refusal(exc)
        app.call_from_thread(refused, why or "it could not be done (the notice says why); try again")
        if why is None:
            raise
        return
    app.call_from_thread(done, value)


def in_background(
    node: DOMNode,
    job: Callable[[], object],
    *,
    name: str,
    group: str = "default",
    exclusive: bool = False,
    reads: Sequence[str] = (),
) -> None:
    """Run ``job`` in a thread worker of ``node`` (``exclusive``: cancelling the group's others); its error is reported.
    ``reads``: the record tables ``job`` reads, else those of the pane ``node`` is in (``Pane.record_tables``)."""
    app = node.app
    reads = reads or next((tables for tables in (getattr(n, "record_tables", None) for n in node.ancestors_with_self) if tables), ())

    def guarded() -> None:
        try:
            job()
        except Exception as exc:  # every error reaches the person, as a notification
            if was_interrupted(exc):
                return  # ended by the app's quitting (``Session.interrupt``): nothing went wrong, and no one is there to tell
            app.call_from_thread(report_error, app, exc, reads)

    node.run_worker(guarded, name=name, group=group, exclusive=exclusive, exit_on_error=False, thread=True)


class Latest:
    """The reads of one thing a widget shows, numbered: only the answer to the last one asked for is shown.

    Thread workers run on once cancelled (an exclusive group stops only a worker not yet started), so a read asked for
    before a change may come back after the one asked for since, and show what was there before the change."""

    def __init__(self, node: DOMNode, *, group: str, exclusive: bool = True, reads: Sequence[str] = ()) -> None:
        """``reads``: as ``in_background``'s."""
        self._node = node
        self._group = group
        self._exclusive = exclusive
        self._reads = reads
        #: The reads asked for so far: the last one's answer is shown.
        self.asked = 0

    def read(self, read: Callable[[], V], show: Callable[[V], object]) -> None:
        """``read()`` in a worker of the group, then ``show`` its answer on the UI thread unless another was asked for since."""
        self.asked += 1
        asked, app = self.asked, self._node.app

        def job() -> None:
            found = read()
            app.call_from_thread(self._answered, asked, show, found)

        in_background(self._node, job, name=f"read {self._group}", group=self._group, exclusive=self._exclusive, reads=self._reads)

    def outdate(self) -> None:
        """What every read asked for so far would show is out of date (I have just changed it, e.g. given a verdict):
        their answers are dropped, and only a read asked for from now on is shown."""
        self.asked += 1

    def _answered(self, asked: int, show: Callable[[V], object], found: V) -> None:
        if asked == self.asked:
            show(found)


def background(
    *, group: str = "default", exclusive: bool = False
) -> Callable[[Callable[Concatenate[Node, P], object]], Callable[Concatenate[Node, P], None]]:
    """A method that runs ``in_background`` of its widget, screen or app when called."""

    def decorate(method: Callable[Concatenate[Node, P], object]) -> Callable[Concatenate[Node, P], None]:
        @functools.wraps(method)
        def start(node: Node, /, *args: P.args, **kwargs: P.kwargs) -> None:
            in_background(node, functools.partial(method, node, *args, **kwargs), name=method.__name__, group=group, exclusive=exclusive)

        return start

    return decorate

"""Run an app until its start-up content is painted, then write its CPU so far as one JSON line and quit.

usage: first_paint.py REPORT floor PEERS_DIR | first_paint.py REPORT crewdeck ARG...

Wall time on a shared, loaded machine says more about the neighbours than
about the app; the CPU a process used until its screen is up does not (or
far less).  ``floor`` is the peer kit's empty Textual app, stopped after the
refresh that follows its mount; ``crewdeck`` is the app as its console
script starts it, stopped once all three panes report their first content
drawn (``CrewdeckApp.pane_drawn``, called after the refresh that drew it).
Recorded: the UI thread's CPU, the whole process's (the start-up reads run
in threads of their own) and the process's age, in ms.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import resource
import sys
import time
from collections.abc import Sequence
from types import ModuleType
from typing import Any


def _age_ms() -> float:
    with open("/proc/self/stat") as f:
        start_ticks = int(f.read().rsplit(")", 1)[1].split()[19])
    with open("/proc/uptime") as f:
        up = float(f.read().split()[0])
    return (up - start_ticks / os.sysconf("SC_CLK_TCK")) * 1000


def _record(report: str, app: Any) -> None:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    line = {"ui_cpu_ms": time.thread_time() * 1000, "cpu_ms": (usage.ru_utime + usage.ru_stime) * 1000, "wall_ms": _age_ms()}
    with open(report, "a") as f:
        f.write(json.dumps(line) + "\n")
    app.exit()


class _AfterImport(importlib.abc.MetaPathFinder):
    """Calls ``then(module)`` once module ``name`` has been executed (the app imports it when it would)."""

    def __init__(self, name: str, then: Any) -> None:
        self.name, self.then = name, then

    def find_spec(
        self, name: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if name != self.name:
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        assert spec is not None and spec.loader is not None
        loader = spec.loader
        run = loader.exec_module

        def exec_module(module: ModuleType) -> None:
            run(module)
            self.then(module)

        loader.exec_module = exec_module  # type: ignore[method-assign]  # wrapped: the module runs, then ``then``
        return spec


def crewdeck(report: str, args: list[str]) -> int:
    def patch(module: ModuleType) -> None:
        app_class = module.CrewdeckApp
        pane_drawn = app_class.pane_drawn

        def drawn(self: Any, name: str) -> None:
            pane_drawn(self, name)
            if self._drawn == set(self.panes) and not getattr(self, "_first_paint_recorded", False):
                self._first_paint_recorded = True
                _record(report, self)

        app_class.pane_drawn = drawn

    sys.meta_path.insert(0, _AfterImport("crewdeck.tui.app.app", patch))
    from crewdeck.tui.cli.main import main

    return main(args)


def floor(report: str, peers: str) -> int:
    path = os.path.join(peers, "textual_floor.py")
    with open(path) as f:
        code = compile(f.read(), path, "exec")
    kit: dict[str, Any] = {"__name__": "textual_floor", "__file__": path}
    exec(code, kit)
    on_mount = kit["Floor"].on_mount

    def mounted(self: Any) -> None:
        on_mount(self)
        self.call_after_refresh(lambda: _record(report, self))

    kit["Floor"].on_mount = mounted
    sys.argv = [path, "--rows", "0"]
    kit["main"]()
    return 0


if __name__ == "__main__":
    report, which, *rest = sys.argv[1:]
    sys.exit(floor(report, rest[0]) if which == "floor" else crewdeck(report, rest))

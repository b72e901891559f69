"""A member's process writing to a shared file: N one-operation commits.

usage: writer.py PATH COUNT MEMBER_ID [cli]
Prints the ids of the tasks it committed, one per line, as each commit
returns (so a test can kill it knowing exactly what was acknowledged).
"""

from __future__ import annotations

import sys

from crewdeck.sync.state.store import Store
from crewdeck.tui.cli.main import main


def run(path: str, count: int, member: str, via_cli: bool) -> None:
    if via_cli:
        for i in range(count):
            code = main(["--workspace", path, "add", f"cli task {i}"])
            if code:
                sys.exit(code)
            sys.stdout.flush()
        return
    store = Store(path)
    for i in range(count):
        with store.write(member) as w:
            task = w.create("task", {"title": f"task {i}"})
        sys.stdout.write(task + "\n")
        sys.stdout.flush()
    store.close()


if __name__ == "__main__":
    run(sys.argv[1], int(sys.argv[2]), sys.argv[3], len(sys.argv) > 4 and sys.argv[4] == "cli")

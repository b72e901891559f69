"""A writer that commits multi-field tasks until it is killed.

usage: crash_writer.py PATH MEMBER_ID
After each commit returns it prints the task id: that write was acknowledged.
"""

from __future__ import annotations

import sys

from crewdeck.sync.state.store import Store

FIELDS = {"notes": "n" * 500, "priority": "high", "status": "todo", "tags": ["a", "b"], "estimate": 30}


def main(path: str, member: str) -> None:
    store = Store(path)
    i = 0
    while True:
        i += 1
        with store.write(member) as w:
            task = w.create("task", {"title": f"crash test {i}", **FIELDS})
        sys.stdout.write(task + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

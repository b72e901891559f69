"""A running app's change watcher in its own process.

usage: watcher.py PATH
Watches until its standard input closes, then prints one JSON line: the
batches it was told about and every operation id it saw.
"""

from __future__ import annotations

import json
import sys
import threading

from crewdeck.sync.state.stop import Stop
from crewdeck.sync.state.watcher import ChangeWatcher


def main(path: str) -> None:
    watcher = ChangeWatcher(path, after_seq=0)
    seen: list[str] = []
    seqs: list[int] = []
    batches = 0
    stop = Stop()

    def on_change(batch: list) -> None:
        nonlocal batches
        batches += 1
        seqs.extend(seq for seq, _ in batch)
        seen.extend(op.op_id for _, op in batch)

    def wait_for_eof() -> None:
        sys.stdin.read()
        stop.set()

    threading.Thread(target=wait_for_eof, daemon=True).start()
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    watcher.run(on_change, stop)
    print(json.dumps({"batches": batches, "seqs": seqs, "ops": seen}))


if __name__ == "__main__":
    main(sys.argv[1])

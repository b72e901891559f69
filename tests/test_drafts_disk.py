"""The drafts file on the disk: a member's two sessions (each its own process) change it one after the other, never
each over the other's; a write reaches the disk before it is done; a draft put back only where it still stands."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from crewdeck.tui.workspace.drafts import DialogDraft, DraftStore

#: One session's change of the drafts file, in a process of its own: ``holds`` stops inside the change (the file
#: read, not yet written) until a line comes on its stdin; ``asks`` says "asking" as it asks for the file's lock.
SESSION = r"""
import fcntl, sys
from pathlib import Path
from crewdeck.tui.workspace.drafts import DraftStore

path, key, role = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
if role == "holds":
    write = DraftStore._write
    def held(store, drafts):
        print("inside", flush=True)
        sys.stdin.readline()
        write(store, drafts)
    DraftStore._write = held
else:
    flock = fcntl.flock
    def asking(fd, operation):
        if operation & fcntl.LOCK_EX:
            print("asking", flush=True)
        flock(fd, operation)
    fcntl.flock = asking
DraftStore(path).keep(key, key, {"text": key}, {"text": ""}, "UTC")
"""


def session(path: Path, key: str, role: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", SESSION, str(path), key, role], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)


def test_two_sessions_of_one_member_keep_both_drafts(tmp_path: Path) -> None:
    path = tmp_path / "drafts" / "ana.json"
    first = session(path, "notes:A", "holds")
    assert first.stdin is not None and first.stdout is not None
    assert first.stdout.readline() == "inside\n"  # the first session read the file and is about to write it
    second = session(path, "notes:B", "asks")
    assert second.stdout is not None
    second.stdout.readline()  # "asking" for the lock (held by the first), or "" once it wrote without asking
    first.stdin.write("go\n")
    first.stdin.close()
    assert first.wait(60) == 0 and second.wait(60) == 0
    assert sorted(d.key for d in DraftStore(path).all()) == ["notes:A", "notes:B"]


def test_a_draft_reaches_the_disk_before_its_write_is_done(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    synced: list[str] = []
    replace, fsync = os.replace, os.fsync

    def replaced(source: str, target: Path) -> None:
        synced.append("replace")
        replace(source, target)

    def synced_fd(fd: int) -> None:
        synced.append("directory" if Path(f"/proc/self/fd/{fd}").resolve() == tmp_path else "file")
        fsync(fd)

    monkeypatch.setattr(os, "replace", replaced)
    monkeypatch.setattr(os, "fsync", synced_fd)
    DraftStore(tmp_path / "ana.json").keep("notes:A", "the notes", {"text": "Call"}, {"text": ""}, "UTC")
    assert synced == ["file", "replace", "directory"]


def test_a_draft_is_put_back_only_where_the_store_still_holds_what_was_written(tmp_path: Path) -> None:
    store = DraftStore(tmp_path / "ana.json")
    offered = store.keep("notes:A", "the notes", {"text": "A's"}, {"text": ""}, "UTC")
    mine = store.keep("notes:A", "the notes", {"text": "B's"}, {"text": ""}, "UTC")
    store.remove("notes:A")  # the other session saved its notes
    assert not store.replace_if("notes:A", mine, offered)
    assert store.all() == []
    again: DialogDraft = store.keep("notes:A", "the notes", {"text": "B's"}, {"text": ""}, "UTC")
    assert store.replace_if("notes:A", again, offered)
    assert store.all() == [offered]

"""Drafts: text typed in a dialog, kept while it is typed and when the app stops without the person choosing to drop
it (the SSH session gone, the terminal or the web page closed, the process killed, the power cut), for the member to
take up again, as vim's swap file or a browser's restored form.

A member's drafts of one workspace are one JSON file in the user's state directory, never in the workspace (the
shared log is everyone's): the directory made readable by its owner alone (0700), the file 0600, written whole
through a file beside it so that a close half-way leaves the drafts before.  A draft is named by what it was for
(``key``: "notes:TASK", "copy:POST", "entry:new", "prompt:TITLE"); a newer draft of the same thing replaces it.
Bounded: the newest ``MOST`` are kept, each value cut at ``MOST_CHARS``.  A file that cannot be read (cut short,
written by hand) holds no drafts, and an entry in it that is not a draft (a field missing or of another kind, a zone
or an instant that names none) is left out: drafts are a rescue, never a reason the app does not open or ends.
Each change of the file (read, then written whole) holds the lock of its path, in this process (a dialog's draft is
kept from a thread while the person types) and across processes (``flock`` on a file beside it: a member's second
session, over SSH or in a second web tab, is a process of its own): two changes at once would each write the file
without the other's.  A write reaches the disk (``fsync`` of the file, then of its directory) before it is done: a
power cut after it leaves it, one during it leaves the drafts before.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
import tempfile
import threading
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from crewdeck.sync.state.pathnames import typed_name

#: The drafts a member keeps of a workspace: the oldest goes when one more is kept.
MOST = 5
#: The characters kept of each value (a task's notes, a post's copy are well under it).
MOST_CHARS = 100_000

#: The lock of each drafts file, held while it is read and written again (``_FILE_LOCKS_LOCK`` guards the table).
_FILE_LOCKS: dict[Path, threading.Lock] = {}
_FILE_LOCKS_LOCK = threading.Lock()


def _file_lock(path: Path) -> threading.Lock:
    with _FILE_LOCKS_LOCK:
        return _FILE_LOCKS.setdefault(path, threading.Lock())


@contextlib.contextmanager
def _changing(path: Path) -> Iterator[None]:
    """Held while the drafts file at ``path`` is read and written again: its thread lock, then its ``flock``."""
    with _file_lock(path):
        directory = path.parent
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(directory, 0o700)  # whatever the umask made it, or a directory made before
        fd = os.open(path.with_suffix(".lock"), os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # lets the flock go


def default_drafts_dir() -> Path:
    """Where drafts are kept; tests patch this function."""
    from platformdirs import user_state_path

    return user_state_path("crewdeck") / "drafts"


@dataclass(frozen=True)
class DialogDraft:
    #: What it was for: "notes:TASK", "copy:POST", "entry:new", "prompt:TITLE".
    key: str
    #: What it was for, as a person reads it: "the notes of 3f2a “Brief”".
    what: str
    #: What the dialog held: its fields by name ("text" for a dialog of one text).
    values: dict[str, str]
    #: What the dialog was opened with: a record changed since opens with something else.
    opened_with: dict[str, str]
    #: When it was kept, a UTC instant (ISO 8601), and the member's zone it is said in.
    kept_at: str
    zone: str = "UTC"

    def kept_time(self) -> str:
        """When it was kept, in its zone: "14:02 IST" that day, "Tue 3 Mar 14:02 IST" before."""
        zone = ZoneInfo(self.zone)
        when = dt.datetime.fromisoformat(self.kept_at).astimezone(zone)
        today = dt.datetime.now(zone).date()
        return when.strftime("%H:%M %Z") if when.date() == today else f"{when:%a} {when.day} {when:%b %H:%M %Z}"


def draft_of(entry: object) -> DialogDraft | None:
    """The draft an entry of the file holds, ``None`` for one that holds none: each field of its kind, the zone one
    zoneinfo knows and the instant one it reads, as ``kept_time`` will ask of them."""
    if not isinstance(entry, dict) or set(entry) != {"key", "what", "values", "opened_with", "kept_at", "zone"}:
        return None
    texts = [entry[name] for name in ("key", "what", "kept_at", "zone")]
    fields = [entry["values"], entry["opened_with"]]
    if not all(isinstance(text, str) for text in texts) or not all(of_texts(values) for values in fields):
        return None
    try:
        ZoneInfo(entry["zone"])
        kept_at = dt.datetime.fromisoformat(entry["kept_at"])
    except (ValueError, OSError, ZoneInfoNotFoundError):  # "yesterday"; "Not/AZone", "../etc", "America" (a directory)
        return None
    if kept_at.tzinfo is None:
        return None  # an instant with no offset is no instant: ``astimezone`` would take it as the machine's clock
    return DialogDraft(**entry)


def of_texts(values: object) -> bool:
    """Whether ``values`` are a dialog's fields: text by name."""
    return isinstance(values, dict) and all(isinstance(name, str) and isinstance(value, str) for name, value in values.items())


@dataclass
class DraftStore:
    """The drafts of one member in one workspace (``for_member``)."""

    path: Path
    #: Drafts read from the file, oldest first.
    _drafts: list[DialogDraft] = field(default_factory=list, init=False)

    @property
    def named(self) -> str:
        """The file as a notice names it: as typed under a locale not UTF-8 (``pathnames.typed_name``), where the app
        said "CafÃ©" of a home in ~/Café."""
        return typed_name(self.path)

    @classmethod
    def for_member(cls, workspace: Path, member_id: str, directory: Path | None = None) -> DraftStore:
        # The workspace's path and the member's id are text: their digest names the file.
        name = hashlib.sha256(f"{workspace.resolve()}\0{member_id}".encode()).hexdigest()[:32]
        return cls((directory or default_drafts_dir()) / f"{name}.json")

    def all(self) -> list[DialogDraft]:
        """The drafts kept, oldest first."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return []
        entries = data if isinstance(data, list) else []
        return [draft for draft in map(draft_of, entries) if draft is not None][-MOST:]

    def get(self, key: str) -> DialogDraft | None:
        return next((d for d in self.all() if d.key == key), None)

    def keep(self, key: str, what: str, values: Mapping[str, str], opened_with: Mapping[str, str], zone: str) -> DialogDraft:
        """Keep a draft of ``key`` (replacing one kept before), the oldest dropped past ``MOST``."""
        draft = DialogDraft(
            key,
            what,
            {name: value[:MOST_CHARS] for name, value in values.items()},
            {name: value[:MOST_CHARS] for name, value in opened_with.items()},
            dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            zone,
        )
        self.put(draft)
        return draft

    def put(self, draft: DialogDraft) -> None:
        """Keep ``draft`` as it is (one offered, put back as it was kept), replacing one of its key."""
        with _changing(self.path):
            self._write([*(d for d in self.all() if d.key != draft.key), draft][-MOST:])

    def remove(self, key: str) -> None:
        if self.get(key) is None:  # nothing to remove: no directory made, no lock taken (a state folder not writable)
            return
        with _changing(self.path):
            kept = self.all()
            if any(d.key == key for d in kept):
                self._write([d for d in kept if d.key != key])

    def replace_if(self, key: str, held: DialogDraft | None, new: DialogDraft | None) -> bool:
        """``new`` in place of the draft of ``key`` (``None``: none), only if the store still holds ``held`` of it: not
        when another session of the member wrote or removed it since.  Returns whether it did."""
        if self.get(key) != held:  # looked at first: changed since, nothing is written, and no lock is taken
            return False
        with _changing(self.path):
            kept = self.all()
            if next((d for d in kept if d.key == key), None) != held:
                return False
            if new != held:
                self._write([*(d for d in kept if d.key != key), *([new] if new is not None else [])][-MOST:])
            return True

    def _write(self, drafts: list[DialogDraft]) -> None:
        directory = self.path.parent
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".drafts-")  # 0600
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump([asdict(d) for d in drafts], out, ensure_ascii=False)
                out.flush()
                os.fsync(out.fileno())  # the text on the disk before the name points at it
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        directory_fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(directory_fd)  # the new name on the disk: a power cut now leaves this write, not the one before
        finally:
            os.close(directory_fd)

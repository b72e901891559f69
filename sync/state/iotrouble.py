"""What lies behind SQLite's "disk I/O error", where it can be told: SQLite says only that much of a write refused by the
process's file size limit (``ulimit -f``: a cron job's, a container's), and of its ``-shm`` file that a full disk could
not make as the workspace opens, which was said "not a crewdeck workspace (disk I/O error)"."""

from __future__ import annotations

import os
import resource
from pathlib import Path

#: Free space below which a disk reads as full: SQLite asks for a page, a WAL frame or 32 KiB of ``-shm`` at a time.
FULL_BELOW = 1 << 20
#: How near a file must have come to the size limit for the limit to be what refused its write: a write is a page, a
#: WAL frame or 32 KiB of ``-shm`` at most.
NEAR_LIMIT = 1 << 16


def file_size_limit() -> int | None:
    """The most bytes this process may write in one file (``ulimit -f``), ``None`` when unlimited."""
    limit = resource.getrlimit(resource.RLIMIT_FSIZE)[0]
    return None if limit == resource.RLIM_INFINITY else limit


def disk_full(path: Path) -> bool:
    """Whether the disk holding ``path`` (and its ``-wal`` and ``-shm`` beside it) has next to no space left for us."""
    try:
        disk = os.statvfs(path.resolve().parent)  # SQLite opens the file a link names, on its disk
    except OSError:
        return False
    return disk.f_bavail * disk.f_frsize < FULL_BELOW


def io_trouble(path: Path) -> str | None:
    """The likely cause of a "disk I/O error" on the workspace at ``path``, in words; ``None`` when none shows."""
    if disk_full(path):
        return "its disk is full"
    limit = file_size_limit()
    if limit is not None and _near(path.resolve(), limit - NEAR_LIMIT):
        return f"this process may write no file past {limit:,} bytes (its file size limit: ulimit -f)"
    return None


def _near(path: Path, size: int) -> bool:
    """Whether the workspace's file, or its ``-wal`` or ``-shm``, holds ``size`` bytes or more: a limit far above every
    one of them refused no write, and a real disk error is not to be blamed on it."""
    for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        try:
            if name.stat().st_size >= size:
                return True
        except OSError:
            continue
    return False

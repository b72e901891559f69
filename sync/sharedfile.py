"""What a workspace file needs from the disk it lives on.

SQLite's WAL mode keeps its index in shared memory, which only works when
every process that opens the file runs on the same host.  A file on NFS,
SMB, sshfs or another FUSE filesystem would seem to work and then corrupt,
so it is refused with the reason.  Members share a file by logging into
the machine that holds it.
"""

from __future__ import annotations

import os
from pathlib import Path

MOUNTINFO = "/proc/self/mountinfo"

#: Filesystem types that reach another host.  Any ``fuse.*`` type except
#: ``fuseblk`` (a local block device such as NTFS) counts as remote too.
NETWORK_FILESYSTEMS = frozenset(
    {
        "nfs", "nfs4", "cifs", "smb", "smb3", "smbfs", "ncpfs", "afs", "9p", "ceph",
        "glusterfs", "lustre", "gpfs", "ocfs2", "gfs2", "davfs", "sshfs", "fuse",
        "virtiofs", "beegfs", "orangefs", "pvfs2", "coda",
    }
)


class NetworkFilesystemError(OSError):
    def __init__(self, path: Path, fstype: str, mountpoint: str) -> None:
        super().__init__(
            f"{path} is on a {fstype} filesystem (mounted at {mountpoint}); a shared workspace must be on a "
            "local disk because SQLite's WAL mode only works between processes on one host. Put the file on a "
            "local disk of the server and have members log in there, or use `crewdeck serve` to share over HTTP"
        )


def _unescape(field: str) -> str:
    # mountinfo escapes space, tab, newline and backslash as octal.
    return (
        field.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\")
    )


def mount_of(path: Path, mountinfo: str = MOUNTINFO) -> tuple[str, str]:
    """``(mount point, filesystem type)`` of the mount that holds ``path``."""
    target = os.path.realpath(path)
    best = ("/", "unknown")
    try:
        with open(mountinfo, encoding="utf-8", errors="replace") as f:
            lines = f.readlines()
    except OSError:
        return best
    for line in lines:
        left, sep, right = line.partition(" - ")
        if not sep:
            continue
        parts = left.split()
        if len(parts) < 5:
            continue
        mountpoint = _unescape(parts[4])
        fstype = right.split()[0] if right.split() else "unknown"
        inside = target == mountpoint or target.startswith(mountpoint.rstrip("/") + "/")
        # Later lines win on ties: they are mounts stacked over earlier ones.
        if inside and len(mountpoint) >= len(best[0]):
            best = (mountpoint, fstype)
    return best


def is_network(fstype: str) -> bool:
    return fstype in NETWORK_FILESYSTEMS or (fstype.startswith("fuse.") and fstype != "fuseblk") or fstype.startswith(
        ("nfs", "cifs", "smb")
    )


def check_local_disk(path: Path, mountinfo: str = MOUNTINFO) -> None:
    """Raise ``NetworkFilesystemError`` when ``path``'s directory is on another host's disk."""
    mountpoint, fstype = mount_of(path.parent if not path.exists() else path, mountinfo)
    if is_network(fstype):
        raise NetworkFilesystemError(path, fstype, mountpoint)


#: New workspace files: owner and group may write, others may not read.
FILE_MODE = 0o660


def create_group_writable(path: Path) -> None:
    """Create an empty file that every member of the directory's group can write.

    SQLite gives the ``-wal`` and ``-shm`` files the database file's mode, so
    this one mode carries over to them.
    """
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE)
    os.close(fd)
    os.chmod(path, FILE_MODE)


def directory_problem(path: Path) -> str | None:
    """Why other members of the group could not use a file in this directory, if they could not."""
    directory = path.resolve().parent
    mode = directory.stat().st_mode
    if not mode & 0o020:
        return (
            f"{directory} is not group-writable: other members cannot create the -wal and -shm files SQLite needs "
            f"(run: chmod g+ws {directory})"
        )
    return None

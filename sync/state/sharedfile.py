"""What a workspace file needs from the disk it lives on.

SQLite's WAL mode keeps its index in shared memory, which only works when
every process that opens the file runs on the same host.  A file on NFS,
SMB, sshfs or another FUSE filesystem would seem to work and then corrupt,
so it is refused with the reason.  Members share a file by logging into
the machine that holds it.

The file's directory matters too: SQLite creates the ``-wal`` and ``-shm``
files beside it, so the directory must be writable, and in a shared
directory those files must get the team's group (setgid).  When opening or
writing fails for one of these reasons, the functions here say which.
"""

from __future__ import annotations

import grp
import os
import pwd
import shlex
import stat
from dataclasses import dataclass
from pathlib import Path

from crewdeck.sync.state.pathnames import typed_name

MOUNTINFO = "/proc/self/mountinfo"

#: Filesystem types that reach another host.  Any ``fuse.*`` type except
#: ``fuseblk`` (a local block device such as NTFS) counts as remote too.
NETWORK_FILESYSTEMS = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb",
        "smb3",
        "smbfs",
        "ncpfs",
        "afs",
        "9p",
        "ceph",
        "glusterfs",
        "lustre",
        "gpfs",
        "ocfs2",
        "gfs2",
        "davfs",
        "sshfs",
        "fuse",
        "virtiofs",
        "beegfs",
        "orangefs",
        "pvfs2",
        "coda",
    }
)


class NetworkFilesystemError(OSError):
    def __init__(self, path: Path, fstype: str, mountpoint: str) -> None:
        super().__init__(
            f"{typed_name(path)} is on a {fstype} filesystem (mounted at {typed_name(mountpoint)}); a shared workspace must be on a "
            "local disk because SQLite's WAL mode only works between processes on one host. Put the file on a "
            "local disk of the server and have members log in there, or use `crewdeck serve` to share over HTTP"
        )


def _unescape(field: str) -> str:
    # mountinfo escapes space, tab, newline and backslash as octal.
    return field.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\")


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
    return (
        fstype in NETWORK_FILESYSTEMS or (fstype.startswith("fuse.") and fstype != "fuseblk") or fstype.startswith(("nfs", "cifs", "smb"))
    )


def check_local_disk(path: Path, mountinfo: str = MOUNTINFO) -> None:
    """Raise ``NetworkFilesystemError`` when ``path``'s directory is on another host's disk."""
    mountpoint, fstype = mount_of(path.parent if not path.exists() else path, mountinfo)
    if is_network(fstype):
        raise NetworkFilesystemError(path, fstype, mountpoint)


#: New workspace files: owner and group may write, others may not read.
FILE_MODE = 0o660


def create_group_writable(path: Path, mode: int = FILE_MODE) -> None:
    """Create an empty file that every member of the directory's group can write (or with ``mode``: its owner only).

    SQLite gives the ``-wal`` and ``-shm`` files the database file's mode, so
    this one mode carries over to them.
    """
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, mode)
    os.close(fd)
    os.chmod(path, mode)  # whatever the umask


def directory_problem(path: Path) -> str | None:
    """Why other members of the group could not use a file in this directory, if they could not."""
    directory = path.resolve().parent
    mode = directory.stat().st_mode
    if not mode & 0o020:
        return (
            f"{typed_name(directory)} is not group-writable: other members cannot create the -wal and -shm files SQLite needs "
            f"(run: chmod g+ws {shlex.quote(typed_name(directory))})"
        )
    return None


def setgid_problem(path: Path) -> str | None:
    """Why a file in this shared directory would lock its members out of each other, if it would.

    Without the setgid bit, the ``-wal`` and ``-shm`` files get the primary
    group of whichever member's process creates them, not the directory's:
    the others then cannot open the workspace until that member closes it.
    A world-writable directory (``/tmp``) is no team's directory and is
    left alone.
    """
    directory = path.resolve().parent
    try:
        mode = directory.stat().st_mode
    except OSError:
        return None  # creating the file says what is wrong with the path
    if mode & stat.S_IWGRP and not mode & stat.S_ISGID and not mode & stat.S_IWOTH:
        return (
            f"{typed_name(directory)} is group-writable but not setgid: the -wal and -shm files SQLite creates there would get "
            "the primary group of whichever member opens the workspace, not the directory's, and lock the others out; "
            f"fix it with: chmod g+s {typed_name(directory)}"
        )
    return None


def _missing_write(side: os.stat_result, workspace: os.stat_result) -> int:
    """The write permissions the workspace file gives and its ``-wal`` or ``-shm`` does not (0: none missing)."""
    return workspace.st_mode & ~side.st_mode & 0o222


def restore_side_files(path: Path, st: os.stat_result) -> None:
    """Give this process's own ``-wal`` and ``-shm`` beside ``path`` the write permissions ``path`` has (``st``).

    SQLite gives them the mode the workspace file had when they were made,
    and a process that could only read leaves them there when it closes: a
    read while the file was read-only (``chmod 444``) left them read-only
    once it was writable again, and every write then failed for good, with
    no process holding them that could close.  Their owner may give the
    permissions back; a mode changes nothing a process reads or writes
    through them.  Another user's are said by ``access_problem``.
    """
    uid = os.geteuid()
    # Beside the file itself, where SQLite makes them: a symlinked path's own folder holds none of them.
    real = os.path.realpath(path)
    for suffix in ("-wal", "-shm"):
        try:
            # Named, not opened (O_PATH): closing a descriptor opened on a file drops every POSIX lock this process holds
            # on it, and a connection of this process to the workspace holds SQLite's locks on the -shm: dropped, another
            # process took the WAL index for its own and rebuilt it under the server's mapping of it (SIGBUS).  Never
            # followed (O_NOFOLLOW): a -wal that is a symlink, planted or swapped in, would have given its target, a file
            # of this user's, the workspace's write permissions.
            fd = os.open(f"{real}{suffix}", os.O_PATH | os.O_NOFOLLOW | os.O_CLOEXEC)
        except OSError:
            continue  # absent: opening the workspace says what is wrong
        try:
            side_st = os.fstat(fd)
            missing = _missing_write(side_st, st)
            ours = stat.S_ISREG(side_st.st_mode) and side_st.st_uid == uid and side_st.st_nlink == 1
            if missing and ours and side_st.st_dev == st.st_dev:
                _chmod_named(fd, f"{real}{suffix}", side_st, stat.S_IMODE(side_st.st_mode) | missing)
        except OSError:
            pass  # not ours after all, or no /proc: opening says what is wrong
        finally:
            os.close(fd)


def _chmod_named(fd: int, path: str, named: os.stat_result, mode: int) -> None:
    """``mode`` given to the file the O_PATH descriptor ``fd`` names (``named``), which takes no ``fchmod``: through
    /proc, whatever is at ``path`` now; without /proc (a chroot, a bare container), through ``path`` once a look that
    does not follow it finds the same file there."""
    try:
        os.chmod(f"/proc/self/fd/{fd}", mode)
        return
    except FileNotFoundError:
        pass
    there = os.lstat(path)
    if (there.st_dev, there.st_ino) == (named.st_dev, named.st_ino) and stat.S_ISREG(there.st_mode):
        os.chmod(path, mode)  # a swap between the look and this is the one window left, and only without /proc


def _owner(st: os.stat_result) -> str:
    try:
        user = pwd.getpwuid(st.st_uid).pw_name
    except KeyError:
        user = str(st.st_uid)
    try:
        group = grp.getgrgid(st.st_gid).gr_name
    except KeyError:
        group = str(st.st_gid)
    return f"{user}:{group}"


def access_problem(path: Path) -> str | None:
    """Why this process cannot open the workspace at ``path`` for writing, if a permission is why.

    Asked after SQLite failed to open or write (it says no more than
    "attempt to write a readonly database"), and once as the app starts.
    """
    directory = path.resolve().parent
    try:
        st = path.stat()
    except OSError as exc:
        return f"{typed_name(path)}: {exc.strerror}"
    try:
        read_only_mount = bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except OSError:
        read_only_mount = False
    if read_only_mount:  # no mode helps there: the file's is not what stops the write
        return (
            f"{typed_name(path)} is on a read-only filesystem, where SQLite cannot keep the -wal and -shm it reads and writes through: "
            "copy the file to a writable disk, or mount this one read-write"
        )
    real = Path(os.path.realpath(path))  # SQLite's -wal and -shm are beside the file itself, not a symlink to it
    if not os.access(path, os.R_OK | os.W_OK):
        return f"{typed_name(path)} is not writable by you (owner {_owner(st)}, mode {stat.filemode(st.st_mode)}); ask its owner to run: chmod g+rw {typed_name(path)}"
    missing = []
    for suffix in ("-wal", "-shm"):
        side = Path(f"{real}{suffix}")
        try:
            side_st = side.stat()
        except FileNotFoundError:
            missing.append(side.name)
            continue
        except OSError as exc:
            return f"{typed_name(side)}: {exc.strerror}"
        if not os.access(side, os.R_OK | os.W_OK):
            ungiven = _missing_write(side_st, st)
            if ungiven:
                cause = (
                    f"it was made while {typed_name(path)} was read-only, and SQLite gave it the mode that file had then; ask its "
                    f"owner to run: chmod {stat.S_IMODE(side_st.st_mode) | ungiven:o} {shlex.quote(typed_name(side))}"
                )
            elif not directory.stat().st_mode & stat.S_ISGID:
                cause = (
                    f"{typed_name(directory)} is not setgid, so SQLite's files there get the group of whoever creates them "
                    f"(fix for good: chmod g+s {shlex.quote(typed_name(directory))}; this one goes away when its owner closes crewdeck)"
                )
            else:
                cause = f"ask its owner to run: chmod g+rw {shlex.quote(typed_name(side))}"
            return (
                f"{typed_name(side)} belongs to {_owner(side_st)} (mode {stat.filemode(side_st.st_mode)}) and you cannot write it: {cause}"
            )
    if missing and not os.access(directory, os.W_OK | os.X_OK):
        return (
            f"the directory {typed_name(directory)} is not writable by you, and SQLite must create {' and '.join(missing)} there "
            f"to open a workspace; have it made writable for the team (chgrp TEAM {shlex.quote(typed_name(directory))} && chmod g+ws {shlex.quote(typed_name(directory))})"
        )
    return None


@dataclass(frozen=True)
class OpenedFile:
    """The file a workspace path named when it was opened.

    Once the path is removed, or another file moved over it (a backup put
    back), SQLite goes on writing to the file it opened, which nobody will
    read again, and the ``-wal`` and ``-shm`` beside the path still belong
    to that old file.  Comparing the path's device and inode with these,
    one ``stat``, says when that happened: writes must stop then.
    """

    path: Path
    device: int
    inode: int

    @classmethod
    def at(cls, path: Path, st: os.stat_result | None = None) -> OpenedFile:
        """The file ``path`` names now, or the one ``st`` (its ``stat``) describes; ``OSError`` when none."""
        st = st or os.stat(path)
        return cls(path, st.st_dev, st.st_ino)

    def change(self) -> str | None:
        """``None`` while the path still names the opened file, else what became of it."""
        try:
            st = os.stat(self.path)
        except (FileNotFoundError, NotADirectoryError):
            return "deleted"
        except OSError as exc:
            return f"unreachable ({exc.strerror})"
        if st.st_ino != self.inode or st.st_dev != self.device:
            return "replaced"
        return None

    def problem(self) -> str | None:
        """A one-line refusal to write, when the path no longer names the opened file."""
        change = self.change()
        if change is None:
            return None
        return f"the workspace file {typed_name(self.path)} was {change} while it was open: nothing more is written to the old one; reopen the workspace"

"""A full disk, a directory that cannot be written, another member's files: the real reason, in one line."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest

from crewdeck.sync.state.store import Store, WorkspaceError
from crewdeck.tui.cli.main import main

from .conftest import NOW_TEXT, ROOT, Cli, the_owner


def plain_user() -> list[str]:
    """The command prefix that makes file permissions bind this test's subprocess.

    Root may write anywhere; in a user namespace of its own, root's process
    has no such power over the files here, and the owner's permission bits
    decide, as they do for everyone else.
    """
    return ["unshare", "--user"] if os.geteuid() == 0 else []


def crewdeck_process(tmp_path: Path, *args: str, prefix: tuple[str, ...] = (), code: str = "") -> subprocess.CompletedProcess[str]:
    """``crewdeck ARGS`` in a process of its own; ``code`` runs first (in that process)."""
    config = tmp_path / "config.toml"
    config.touch()
    env = {**os.environ, "CREWDECK_CONFIG": str(config), "CREWDECK_NOW": NOW_TEXT}
    script = f"import sys\n{code}\nfrom crewdeck.tui.cli.main import main\nsys.exit(main(sys.argv[1:]))"
    return subprocess.run([*prefix, sys.executable, "-c", script, *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)


@contextmanager
def mode(path: Path, bits: int) -> Iterator[None]:
    before = path.stat().st_mode & 0o7777
    path.chmod(bits)
    try:
        yield
    finally:
        path.chmod(before)


def init(path: Path) -> Path:
    assert main(["init", str(path), "--member", "ana", "--name", "Ana Souza", "--tz", "Europe/Berlin"]) == 0
    # Not mapped to the Unix user running the tests, so that another account (``plain_user``) may say --as ana.
    assert main(["-w", str(path), "--as", "ana", "member", "set", "ana", "--unix-user", ""]) == 0
    return path


def integrity(store: Store) -> str:
    return str(store.conn.execute("PRAGMA integrity_check").fetchone()[0])


# ---------------------------------------------------------------- a full disk


def test_a_full_disk_is_said_to_be_one_and_nothing_is_written(tmp_path: Path) -> None:
    store = Store(init(tmp_path / "team.db"))
    ana = store.conn.execute("SELECT id FROM member").fetchone()[0]
    before = store.op_count()
    # SQLite's own limit on the file's size: the same SQLITE_FULL a full disk gives.
    pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
    store.conn.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(WorkspaceError) as refused, store.write(ana) as w:
        for i in range(300):
            w.create("task", {"title": f"Post {i} " + "x" * 400})
    assert str(refused.value) == (f"disk full while writing {store.path}; nothing was written (free some space on its disk and try again)")
    assert store.op_count() == before and not store.conn.in_transaction
    assert integrity(store) == "ok"
    store.conn.execute("PRAGMA max_page_count = 1073741823")  # space again: the same store writes
    with store.write(ana) as w:
        w.create("task", {"title": "After"})
    assert store.op_count() == before + 1
    store.close()


def test_a_commit_the_disk_refuses_gives_the_real_reason_not_a_failed_rollback(tmp_path: Path) -> None:
    path = init(tmp_path / "team.db")
    # Another member's open app keeps the log, so it is already long when
    # the command starts, and its commit must make it longer.
    held = Store(path)
    ana = held.conn.execute("SELECT id FROM member").fetchone()[0]
    with held.write(ana) as w:
        for i in range(300):
            w.create("task", {"title": f"Post {i} " + "x" * 300})
    before = held.op_count()
    limit = Path(f"{path}-wal").stat().st_size + 100
    # The kernel refuses to grow the log past this size, mid-commit; SQLite
    # then rolls the transaction back itself.
    done = crewdeck_process(
        tmp_path,
        "-w",
        str(path),
        "--as",
        "ana",
        "add",
        "One more post",
        code=f"import resource\nresource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))",
    )
    assert done.returncode == 2
    assert done.stderr == (
        f"crewdeck: error: cannot write {path} (disk I/O error): this process may write no file past {limit:,} bytes "
        "(its file size limit: ulimit -f); nothing was written\n"
    )
    assert held.op_count() == before and integrity(held) == "ok"
    held.close()


def test_creating_a_workspace_on_a_full_disk_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from crewdeck.sync.state import schema

    migrate = schema.migrate

    def full(conn: object) -> list[str]:
        conn.execute("PRAGMA max_page_count = 2")  # type: ignore[attr-defined]
        return migrate(conn)  # type: ignore[arg-type]

    monkeypatch.setattr(schema, "migrate", full)
    path = tmp_path / "team.db"
    result = Cli(path)("init", str(path), as_member=None)
    assert result.code == 2
    assert (
        result.err == f"crewdeck: error: disk full while writing {path}; nothing was written (free some space on its disk and try again)\n"
    )
    assert list(tmp_path.glob("team.db*")) == []


# ---------------------------------------------------------------- permissions


def test_a_directory_that_cannot_be_written_is_named_with_the_fix(tmp_path: Path) -> None:
    directory = tmp_path / "team"
    directory.mkdir()
    path = init(directory / "team.db")
    path.chmod(0o666)
    with mode(directory, 0o555):
        done = crewdeck_process(tmp_path, "-w", str(path), "--as", "ana", "tasks", prefix=tuple(plain_user()))
    assert done.returncode == 2
    assert done.stderr == (
        f"crewdeck: error: cannot open workspace {path}: the directory {directory} is not writable by you, and SQLite "
        f"must create team.db-wal and team.db-shm there to open a workspace; have it made writable for the team "
        f"(chgrp TEAM {directory} && chmod g+ws {directory})\n"
    )


def test_a_file_that_cannot_be_written_is_named_as_such(tmp_path: Path) -> None:
    path = init(tmp_path / "team.db")
    with mode(path, 0o444):
        done = crewdeck_process(tmp_path, "-w", str(path), "--as", "ana", "add", "Draft", prefix=tuple(plain_user()))
    assert done.returncode == 2
    assert done.stderr.startswith(f"crewdeck: error: cannot write {path}: {path} is not writable by you (owner ")
    assert done.stderr.endswith(f"mode -r--r--r--); ask its owner to run: chmod g+rw {path}; nothing was written\n")


def read_while_read_only(tmp_path: Path, path: Path, writable: int) -> list[Path]:
    """A read of ``path`` by its owner while it was read-only; then ``path`` writable again (``writable``).

    The -wal and -shm that read leaves are returned, read-only as the file was.
    """
    with mode(path, 0o444):
        read = crewdeck_process(tmp_path, "-w", str(path), "--as", "ana", "tasks", prefix=tuple(the_owner()))
    assert read.returncode == 0, read.stderr
    path.chmod(writable)
    left = [Path(f"{path}-wal"), Path(f"{path}-shm")]
    assert [stat.filemode(side.stat().st_mode) for side in left] == ["-r--r--r--", "-r--r--r--"]
    return left


def test_a_read_while_the_file_was_read_only_leaves_its_owner_free_to_write_once_it_is_writable(tmp_path: Path) -> None:
    path = init(tmp_path / "team.db")
    read_while_read_only(tmp_path, path, 0o660)
    done = crewdeck_process(tmp_path, "-w", str(path), "--as", "ana", "add", "Draft reel", prefix=tuple(the_owner()))
    assert (done.returncode, done.stderr) == (0, "")
    with Store(path) as store:
        assert [task["title"] for _, task in store.records("task")] == ["Draft reel"]


def test_a_wal_that_is_a_symlink_never_gives_its_target_the_workspaces_permissions(tmp_path: Path) -> None:
    """Giving a -wal back its write permissions followed a symlink: whoever may write the team's directory planted
    team.db-wal -> the opener's own private file, and the next open made that file writable by everyone (reviewer rd)."""
    team = tmp_path / "team"
    team.mkdir()
    path = init(team / "team.db")
    private = tmp_path / "bashrc"  # the opener's own private file
    private.write_text("export PATH=/usr/bin\n")
    private.chmod(0o600)
    path.chmod(0o666)  # whoever owns the workspace file may do this
    Path(f"{path}-wal").symlink_to(private)
    with suppress(WorkspaceError):  # SQLite may refuse the planted -wal: the mode of its target is what this is about
        Store(path).close()
    assert stat.S_IMODE(private.stat().st_mode) == 0o600


def test_the_owner_of_a_workspace_opened_through_a_symlink_writes_once_it_is_writable_again(tmp_path: Path) -> None:
    """The -wal and -shm are beside the file a symlinked path names, where SQLite makes them: those beside the link
    were looked for, so the read-only ones the read left were never given their permissions back."""
    (tmp_path / "real").mkdir()
    path = init(tmp_path / "real" / "team.db")
    read_while_read_only(tmp_path, path, 0o660)
    link = tmp_path / "team.db"
    link.symlink_to(path)
    done = crewdeck_process(tmp_path, "-w", str(link), "--as", "ana", "add", "Draft reel", prefix=tuple(the_owner()))
    assert (done.returncode, done.stderr) == (0, "")


def test_a_workspace_on_a_read_only_filesystem_is_said_so_not_given_a_chmod_that_cannot_help(tmp_path: Path) -> None:
    """On a disk mounted read-only even a list failed, told to ask the owner to run chmod g+rw on a file already rw
    (reviewer rd).  A tmpfs of a mount namespace of its own, remounted read-only: a real read-only filesystem."""
    where = tmp_path / "mnt"
    where.mkdir()
    crewdeck = f"{sys.executable} -m crewdeck.tui.cli.main"
    script = (
        f"mount -t tmpfs -o size=4m none {where} && {crewdeck} init {where}/team.db --member ana --name Ana --tz UTC "
        f">/dev/null 2>&1 && mount -o remount,ro {where} && {crewdeck} -w {where}/team.db --as ana tasks"
    )
    done = subprocess.run(["unshare", "-rm", "sh", "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert (done.returncode, done.stderr) == (
        2,
        f"crewdeck: error: cannot open workspace {where}/team.db: {where}/team.db is on a read-only filesystem, where "
        "SQLite cannot keep the -wal and -shm it reads and writes through: copy the file to a writable disk, or mount "
        "this one read-write\n",
    )


def test_a_read_only_leftover_of_another_user_names_the_mode_its_owner_is_to_give_it(tmp_path: Path) -> None:
    path = init(tmp_path / "team.db")
    left = read_while_read_only(tmp_path, path, 0o666)
    wal = left[0]  # named first, the -shm after it
    # They were another account's: the writer below may write the file, not them, nor change their mode.
    if os.geteuid() == 0:
        # The file too: SQLite run by root gives the files it opens the owner of the workspace file.
        for owned in (path, *left):
            os.chown(owned, 65534, 65534)
        another_account = the_owner()
    else:
        another_account = ["unshare", "--user"]  # a user namespace of its own owns nothing here
    done = crewdeck_process(tmp_path, "-w", str(path), "--as", "ana", "add", "Draft reel", prefix=tuple(another_account))
    assert done.returncode == 2
    first, _, cause = done.stderr.partition(" and you cannot write it: ")
    assert first.startswith(f"crewdeck: error: cannot write {path}: {wal} belongs to ")
    assert cause == (
        f"it was made while {path} was read-only, and SQLite gave it the mode that file had then; ask its owner to run: "
        f"chmod 666 {wal}; nothing was written\n"
    )


def test_another_members_files_in_a_directory_without_setgid_are_explained(tmp_path: Path) -> None:
    directory = tmp_path / "team"
    directory.mkdir()
    directory.chmod(0o2770)
    path = init(directory / "team.db")
    directory.chmod(0o770)  # the setgid bit lost (a copy, a chmod 770)
    # Raj has the app open: the -wal and -shm are his, in his own group.
    held = Store(path)
    held.max_seq()
    wal = Path(f"{path}-wal")
    if os.geteuid() == 0:
        os.chown(wal, 65534, 65534)
    else:
        wal.chmod(0)  # a user cannot give a file away: it is made unusable to them instead
    done = crewdeck_process(tmp_path, "-w", str(path), "--as", "ana", "tasks", prefix=tuple(plain_user()))
    held.close()
    assert done.returncode == 2
    first, _, cause = done.stderr.partition(" and you cannot write it: ")
    assert first.startswith(f"crewdeck: error: cannot open workspace {path}: {wal} belongs to ")
    assert cause == (
        f"{directory} is not setgid, so SQLite's files there get the group of whoever creates them "
        f"(fix for good: chmod g+s {directory}; this one goes away when its owner closes crewdeck)\n"
    )


def test_a_workspace_whose_directory_is_gone_is_said_so_not_offered_an_init_that_fails(tmp_path: Path) -> None:
    # The team's directory was renamed (or its disk not mounted): every command said "no workspace at …/team.db (create
    # one with: crewdeck init …)", and that init said the directory does not exist.
    directory = tmp_path / "team"
    directory.mkdir()
    path = init(directory / "team.db")
    directory.rename(tmp_path / "team-2026")
    for command in (["tasks"], ["add", "Draft reel"]):
        done = Cli(path)(*command)
        assert done.code == 2, command
        assert done.err == (
            f"crewdeck: error: no workspace at {path}: its directory {directory} does not exist (moved or renamed, or on a "
            "disk not mounted?)\n"
        )


# ---------------------------------------------------------------- init


def test_init_refuses_a_shared_directory_without_setgid_and_names_the_fix(tmp_path: Path) -> None:
    directory = tmp_path / "team"
    directory.mkdir()
    directory.chmod(0o775)
    path = directory / "team.db"
    result = Cli(path)("init", str(path), "--member", "ana", "--name", "Ana", "--tz", "UTC", as_member=None)
    assert result.code == 2 and result.out == ""
    assert result.err == (
        f"crewdeck: error: init: {directory} is group-writable but not setgid: the -wal and -shm files SQLite creates "
        "there would get the primary group of whichever member opens the workspace, not the directory's, and lock "
        f"the others out; fix it with: chmod g+s {directory}\n"
    )
    assert list(directory.iterdir()) == []
    directory.chmod(0o2775)  # the fix it names
    assert Cli(path)("init", str(path), "--member", "ana", "--name", "Ana", "--tz", "UTC", as_member=None).code == 0
    assert path.exists()


def test_init_in_a_private_or_world_writable_directory_is_not_refused(tmp_path: Path) -> None:
    private = tmp_path / "mine"
    private.mkdir(mode=0o755)
    result = Cli(private / "w.db")("init", str(private / "w.db"), as_member=None)
    assert result.code == 0 and "not group-writable" in result.err  # the note for sharing it later, on stderr as every note
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    scratch.chmod(0o1777)  # as /tmp: nobody's team directory
    assert Cli(scratch / "w.db")("init", str(scratch / "w.db"), as_member=None).code == 0


def _posix_locks_held(pid: int, inode: int) -> int:
    """The POSIX (fcntl) locks process ``pid`` holds on the file of ``inode``, as /proc/locks lists them."""
    held = 0
    for line in Path("/proc/locks").read_text().splitlines():
        fields = line.split()
        # "1: POSIX  ADVISORY  READ 1234 08:01:5678 128 128": the kind, then the pid, then device:inode.
        if "POSIX" in fields and str(pid) in fields and any(f.endswith(f":{inode}") for f in fields):
            held += 1
    return held


def test_giving_the_side_files_their_permissions_keeps_the_locks_this_process_holds_on_them(tmp_path: Path) -> None:
    """Opening the -shm to give it its permissions, then closing it, dropped every POSIX lock this process held on it:
    a served file's second store did that under the server's first, another process then took the WAL index for its
    own and rebuilt it under the server's mapping of it, and the server died of SIGBUS mid-suite."""
    from crewdeck.sync.state.sharedfile import restore_side_files

    path = init(tmp_path / "team.db")
    with Store(path) as store:
        store.conn.execute("SELECT count(*) FROM task").fetchone()  # the -shm mapped and locked, as an open store has it
        shm = Path(f"{path}-shm")
        before = _posix_locks_held(os.getpid(), shm.stat().st_ino)
        assert before > 0  # SQLite holds its WAL index's lock while the store is open
        restore_side_files(path, path.stat())
        assert _posix_locks_held(os.getpid(), shm.stat().st_ino) == before


def test_without_proc_the_side_files_still_get_their_permissions_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Through /proc/self/fd alone, a machine without /proc (a chroot, a bare container) never gave a read-only -wal its
    permissions back (reviewer rh): the path is used then, once a look that does not follow it finds the same file."""
    from crewdeck.sync.state import sharedfile

    real_chmod = os.chmod

    def no_proc(path: str | Path, mode: int, **kwargs: object) -> None:
        if str(path).startswith("/proc/self/fd/"):
            raise FileNotFoundError(2, "No such file or directory", str(path))
        real_chmod(path, mode)

    path = init(tmp_path / "team.db")
    wal = Path(f"{path}-wal")
    wal.write_bytes(b"")
    wal.chmod(0o444)
    monkeypatch.setattr(sharedfile.os, "chmod", no_proc)
    sharedfile.restore_side_files(path, path.stat())
    assert stat.S_IMODE(wal.stat().st_mode) == 0o444 | (stat.S_IMODE(path.stat().st_mode) & 0o222)

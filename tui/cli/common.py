"""What every command needs: the workspace, who is acting, the time, output."""

from __future__ import annotations

import argparse
import codecs
import datetime as dt
import json
import os
import sqlite3
import stat
import sys
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from functools import cached_property
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from crewdeck.sync.state.oplog import Op
from crewdeck.sync.state.pathnames import system_name, typed_name
from crewdeck.sync.state.visible import json_visible, visible, visible_cells
from crewdeck.sync.state.writes import Writer
from crewdeck.tui.session.read_scope import GUEST_UNWRITTEN, READS, ReadScope, command_refused, read_scope
from crewdeck.tui.time.when import current_time
from crewdeck.tui.workspace import config as config_module
from crewdeck.tui.workspace import workspace as workspace_module
from crewdeck.tui.workspace.columns import cells, cut_cells, fitted, kept, pad
from crewdeck.tui.workspace.config import Config, load
from crewdeck.tui.workspace.environment import variable
from crewdeck.tui.workspace.errors import Unidentified, UserError, home_path, not_utf8, nothing_imported, source_name, undecodable
from crewdeck.tui.workspace.workspace import Member, Workspace

#: The record tables a command reads, by command, those it reads most first: a damaged cell of one of them is named
#: as what failed it; one elsewhere (or of a command not here) is said beside the failure's own words.
_TASK_READS = ("task", "member", "campaign")
_READS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("tasks", "show", "add", "set", "done", "rm", "annotate", "post"), _TASK_READS),
    "ledger": ("ledger_entry", "campaign"),
    "budget": ("ledger_entry", "campaign"),
    "kpi": ("result", "task", "campaign"),
    **dict.fromkeys(("member", "zones", "overlap"), ("member",)),
    "campaign": ("campaign",),
}
#: The commands that read every record table.
_READ_ALL = ("export", "doctor")

ENV_WORKSPACE = "CREWDECK_WORKSPACE"
ENV_MEMBER = "CREWDECK_MEMBER"
#: The largest number a query's LIMIT takes (SQLite's 64-bit integer): a bigger ``--limit`` lists everything.
MAX_LIMIT = 2**63 - 1


def _whole_number(text: str) -> int:
    """Decimal digits with an optional sign; past 30 digits, only "huge" matters (and int() refuses 4,300)."""
    raw = text.strip()
    sign = -1 if raw.startswith("-") else 1
    digits = (raw[1:] if raw[:1] in "+-" else raw).lstrip("0") or "0"
    if not (digits.isascii() and digits.isdigit()):
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number")
    return sign * (int(digits) if len(digits) <= 30 else 10**30)


def limit_number(text: str) -> int:
    """``--limit N``: 1 or more; a number larger than any count lists everything."""
    return _limit(text, "or leave --limit out for everything")


def limit_number_of_some(text: str) -> int:
    """``limit_number`` for a list that shows some by default (``log``: the last 50)."""
    return _limit(text, "a number larger than any count lists everything")


def _limit(text: str, everything: str) -> int:
    value = _whole_number(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} lists nothing: give 1 or more ({everything})")
    return min(value, MAX_LIMIT)


def number_in(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: a whole number from ``low`` to ``high``."""

    def check(text: str) -> int:
        value = _whole_number(text)
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{text.strip()} is not between {low:,} and {high:,}")
        return value

    return check


def quiet_option(parser: argparse.ArgumentParser) -> None:
    """``-q``/``--quiet``: a command that writes prints only the ids it wrote, for scripts."""
    parser.add_argument("-q", "--quiet", action="store_true", help="print only the ids written, one a line")


#: The quiet option's spellings, which a filter would read as a word left out (``-q``: the rows without a "q").
_QUIET = ("-q", "--quiet")


def refuse_quiet(command: str, terms: Sequence[str], row: str) -> None:
    """``UserError`` when the filter ``terms`` of a listing (``command``: "tasks") hold the quiet option of the commands
    that write (``quiet_option``): read as a filter, ``-q`` left out the ``row``s ("task") holding a "q" and printed the
    whole table of the rest.  A list has it nowhere (README); ``--json`` gives each row's whole id."""
    quiet = next((term for term in terms if term in _QUIET), None)
    if quiet is not None:
        raise UserError(f"{command}: {quiet} is for commands that write (it prints the ids they wrote); --json gives each {row}'s whole id")


class Context:
    """Built from the parsed arguments; opens things only when a command asks."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self._ws: Workspace | None = None
        #: The member an SSH key proved this is (``crewdeck ssh-session``): no ``--as``, no Unix user mapping.
        self.authenticated: str | None = None
        #: The number of the change the command's commits make in its member's history (``history.remember``).
        self._change: int | None = None
        #: Off for writes nobody asked for (``unasked``): no change to undo.
        self._remembers = True
        #: Off for writes nobody asked for, not even as an undo (``unasked``): no change said made (``changes_made``).
        self._asked = True
        self._remembering = ExitStack()
        #: Each commit's first and last operation on the workspace (some may be rolled back after: a dry run's), for
        #: ``changes_made`` to say what a command changed when its output could not be written after it.
        self._commits: list[tuple[Op, Op]] = []
        #: What the command changed outside the workspace's log (a workspace file made, a setting saved), said with it.
        self._made_outside: list[str] = []
        #: Notes on values given (``note``), each once, with whether it is of a value the command writes.
        self._notes: dict[str, bool] = {}

    @cached_property
    def config(self) -> Config:
        config = load(getattr(self.args, "config", None))
        for line in config_module.moved_notes(config):
            print(visible(f"note: {line}"), file=sys.stderr)
        return config

    @cached_property
    def now(self) -> dt.datetime:
        return current_time()

    def workspace_path(self, required: bool = True) -> Path | None:
        """The workspace named (option, environment, config), else the local one the app makes on its first start."""
        explicit = getattr(self.args, "workspace", None) or variable(ENV_WORKSPACE) or self.config.workspace
        if explicit:
            return home_path(explicit)
        local = config_module.default_workspace_path()
        if local.exists():
            return local
        if required:
            raise UserError(
                f"no workspace: pass --workspace PATH, set {ENV_WORKSPACE}, create one with: crewdeck init PATH, "
                f"or run crewdeck once to make the local one ({typed_name(local)})"
            )
        return None

    @property
    def ws(self) -> Workspace:
        if self._ws is None:
            path = self.workspace_path()
            assert path is not None
            self._ws = Workspace.open(path)
            self._remembering.enter_context(self._ws.store.remembering(self._remember))
            self._remembering.enter_context(self._ws.store.remembering(self._committed))
            if self.authenticated is not None or self.named_member[0]:
                # A handle no member has is said before the command says anything (it never reads as nobody).
                self.me_or_none()
        return self._ws

    def damaged_line(self, failed: str, *, may_be_the_cause: bool) -> str | None:
        """After the command failed with ``failed`` (its error's one line): the line that says so, where it opened a
        workspace that holds a cell crewdeck never writes; ``None`` where it holds none.  The cell alone, where it is
        of a table the command reads and ``may_be_the_cause``; else beside ``failed``, never in its place."""
        if self._ws is None:
            return None
        # Imported when a command failed, as the listings pay nothing for the search.
        from crewdeck.sync.state.damaged import READ_TABLES, first_damaged_cell

        command = getattr(self.args, "command", None) or ""
        reads = READ_TABLES if command in _READ_ALL else _READS.get(command, ())
        try:
            cell = first_damaged_cell(self._ws.conn, reads)
        except sqlite3.DatabaseError:  # a file too damaged to search: the failure is said as it is
            return None
        if cell is None:
            return None
        if may_be_the_cause and cell.table in reads:
            return f"the workspace file cannot be used: {cell}"
        return f"the workspace file cannot be used: {failed}; it also holds a damaged cell, {cell}; crewdeck doctor lists every such cell"

    @property
    def named_member(self) -> tuple[str | None, str]:
        """The handle the person names themselves by (``--as``, else ``CREWDECK_MEMBER``), and which of the two named it."""
        handle = getattr(self.args, "as_member", None)
        return (handle, "--as") if handle else (variable(ENV_MEMBER) or None, ENV_MEMBER)

    @cached_property
    def me(self) -> Member:
        if self.authenticated is not None:
            return self.ws.identify(self.authenticated, authenticated=True)
        handle, named_by = self.named_member
        return self.ws.identify(handle, self.config.member, named_by=named_by)

    @cached_property
    def scope(self) -> ReadScope:
        """What the member acting reads: everything, or a guest's campaigns' posts (``read_scope``)."""
        return read_scope(self.ws.conn, self.reader)

    @cached_property
    def reader(self) -> Member | None:
        """Who reads, to find a guest: the member acting; where they cannot be told because of the config alone (it names
        a member the workspace lacks, or one mapped to another Unix user), the member mapped to this Unix user, else
        ``None``: the command itself says why it cannot tell who acts where that matters to it, as it did before guests
        were asked. A handle named by ``--as`` or ``CREWDECK_MEMBER`` that names nobody, or that this Unix user may not act
        as, is refused here as everywhere: a read never goes on as nobody. ``Unidentified`` is not such a refusal but
        nobody to be found, whoever is named (a replica whose token's member has not synced yet): the read goes on, as
        ``me_or_none`` lets it, read by the member mapped to this Unix user if there is one (a guest stays a guest)."""
        try:
            return self.me
        except Unidentified:
            pass
        except UserError:
            if self.authenticated is not None or self.named_member[0]:
                raise
        user = workspace_module.os_user()
        return self.ws.member_for_unix_user(user) if user else None

    @property
    def reader_id(self) -> str | None:
        """The ``reader``'s id: whose own refused writes a read tells (``Store.refused``; ``None``: every one)."""
        return self.reader.id if self.reader is not None else None

    def task_id(self, typed: str, *, live: bool = False) -> str:
        """The whole id of the task or post whose id starts with ``typed``, for every command that takes one: any
        task's (``live``: not a deleted one's) for a manager or a member; for a guest, one of the posts they read
        (``ReadScope.post_id``), so that no answer, title or list of ids tells them of what they do not read."""
        if self.scope.guest:
            return self.scope.post_id(self.ws.conn, typed)
        return self.ws.resolve("task", typed, live=live)

    def check_reads(self) -> None:
        """``Refused`` when the command reads only what the member acting may not (a guest's ``tasks``, ``ledger list``:
        ``read_scope.READS``) or writes only what they may never write (``GUEST_UNWRITTEN``: a guest's ``ledger add``),
        before it reads anything."""
        command = getattr(self.args, "command_prog", None)
        if command is None or (command not in READS and command not in GUEST_UNWRITTEN):
            return
        refusal = command_refused(self.reader, command)
        if refusal is not None:
            from crewdeck.sync.state.rules import Refused

            raise Refused(refusal)

    def may_change_tasks(self) -> None:
        """``Refused`` unless the rules let me create or change tasks and posts (``task_change_refused``: a guest does
        not), asked before the command reads what it is given: ``+autum``, ``@r`` or ``campaign=nope`` answered a guest
        with every campaign or member, or "did you mean +autumn?", before the write was refused."""
        from crewdeck.sync.state.rules import Refused, task_change_refused

        refusal = task_change_refused(self.me.facts())
        if refusal is not None:
            raise Refused(refusal)

    def may_manage_ways_in(self, doing: str) -> None:
        """``Refused`` unless the rules let me make, list or revoke members' ways in (``ways_in_refused``): tokens, sign-in links."""
        from crewdeck.sync.state.rules import Refused, ways_in_refused

        refusal = ways_in_refused(self.me.facts(), doing)
        if refusal is not None:
            raise Refused(refusal)

    def me_or_none(self) -> Member | None:
        """Who is acting, or ``None`` when nobody is named nor mapped (a read goes on); a handle named and not found is refused."""
        try:
            return self.me
        except Unidentified:
            return None

    @property
    def viewer_tz(self) -> str:
        me = self.me_or_none()
        return me.tz if me else "UTC"

    def writer(self) -> Writer:
        return self.ws.store.write(self.me.id)

    def _remember(self, first: Op, last: Op) -> None:
        """A commit of the command's, in its transaction: remembered as (part of) the change ``crewdeck undo``
        takes back when written as the member the command names (a manager's ``--as`` too: its first operation is
        theirs, its last the record of who acted)."""
        # Who acts, as the command found them before it wrote: to look them up here, in the commit's transaction,
        # could refuse the write for a name (a member who removed themselves is nobody after their write).
        me: Member | None = self.__dict__.get("me")
        if not self._remembers or me is None or first.member != me.id:
            return
        from crewdeck.tui.cli import history

        self._change = history.remember(self.ws.store, me.id, first, last, self._change)

    def made(self, words: str) -> None:
        """The command changed what its log does not hold (``words``: "workspace team.db created"): said with what
        ``changes_made`` reads there, where running it again would not do the same (init: "already exists")."""
        self._made_outside.append(words)

    def note(self, line: str, *, of_a_write: bool) -> None:
        """``line`` (``--tz: EST is UTC-05:00 all year …``) to be said as a note once the command has run (``say_notes``):
        said as the option was read, it came before a refusal, of a value never written.  ``of_a_write``: of a value the
        command writes, said only where it wrote (not after "nothing written")."""
        self._notes.setdefault(line, of_a_write)

    def say_notes(self, code: int) -> None:
        """The ``note`` lines, on standard error after the command's output, where it ran to its end (``code`` 0, or
        ``NOTHING_LISTED``)."""
        if code not in (0, NOTHING_LISTED):
            return
        wrote = bool(self._commits or self._made_outside)
        for line, of_a_write in self._notes.items():
            if wrote or not of_a_write:
                print(visible(f"note: {line}"), file=sys.stderr)

    def changes_made(self) -> str | None:
        """What the command changed (``made``) and what its commits that stayed in the workspace changed
        (``changes_made.said``), ``None`` when nothing was."""
        logged = None
        if self._ws is not None and self._commits:
            from crewdeck.tui.cli.changes_made import said

            logged = said(self._ws, self._commits, self.now)
        return ", ".join([*self._made_outside, *([logged] if logged else [])]) or None

    def _committed(self, first: Op, last: Op) -> None:
        """A commit of the command's, in its transaction: what ``changes_made`` says, if asked for."""
        if self._asked:
            self._commits.append((first, last))

    @contextmanager
    def unasked(self, *, undo: bool = False) -> Iterator[None]:
        """The block's writes are no change to undo: nobody's asking (a series' next instance, which a listing said
        made would be told not to run again), or with ``undo`` an undo's own write, the change its command was run for."""
        self._remembers, self._asked = False, undo
        try:
            yield
        finally:
            self._remembers = self._asked = True

    def close(self) -> None:
        self._remembering.close()
        if self._ws is not None:
            self._ws.close()


class _EncryptedKey(Exception):
    """The key asks for a passphrase: the server asks for it when it starts, as ever."""


def check_tls(cert: str | None, key: str | None, flags: tuple[str, str]) -> tuple[str | None, str | None]:
    """A certificate and key TLS can load, or a one-line ``UserError`` naming them: said before a server says it serves.

    Returns them as the server is to open them, ``~`` expanded as in every path crewdeck takes: the
    server opens what was checked (``--tls-cert=~/cert.pem`` reaches crewdeck with its ``~``).
    """
    if cert is None or key is None:
        return cert, key
    import ssl

    paths = (str(home_path(cert)), str(home_path(key)))
    for flag, typed, path in zip(flags, (cert, key), paths):
        if not Path(path).is_file():
            raise UserError(f"{flag} {typed}: no such file")

    def passphrase() -> str:
        raise _EncryptedKey

    try:
        ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(*paths, passphrase)
    except _EncryptedKey:
        return paths
    except ssl.SSLError as exc:
        raise UserError(
            f"{flags[0]} {cert} and {flags[1]} {key} are not a PEM certificate and its private key ({exc.reason or exc})"
        ) from None
    except OSError as exc:
        raise UserError(f"{flags[0]} {cert}, {flags[1]} {key}: {exc.strerror or exc}") from None
    return paths


def tls_options(p: argparse.ArgumentParser, *, serve_first_spelling: bool = False, scope: str = "", note: str = "") -> None:
    """``--tls-cert`` and ``--tls-key``, spelled alike by ``serve`` and ``web``; with ``serve_first_spelling`` also
    ``serve``'s first spelling, ``--ssl-certfile`` and ``--ssl-keyfile``, unlisted: scripts that use it keep working."""
    p.add_argument("--tls-cert", metavar="PEM", help=f"{scope}a certificate, to serve HTTPS with it{note}")
    p.add_argument("--tls-key", metavar="PEM", help=f"{scope}the certificate's private key")
    if serve_first_spelling:
        p.add_argument("--ssl-certfile", metavar="PEM", help=argparse.SUPPRESS)
        p.add_argument("--ssl-keyfile", metavar="PEM", help=argparse.SUPPRESS)


def log_level_option(p: argparse.ArgumentParser, *, scope: str = "") -> None:
    """``--log-level``, spelled alike by ``serve`` and ``web``: what the HTTP server underneath (uvicorn) says."""
    p.add_argument(
        "--log-level",
        default="warning",
        choices=["critical", "error", "warning", "info", "debug"],
        help=f"{scope}the server's log level (default: %(default)s)",
    )


def tls_files(a: argparse.Namespace, command: str) -> tuple[str | None, str | None]:
    """The certificate and key ``tls_options`` read, checked by ``check_tls``; errors name them as they were typed."""
    first = (getattr(a, "ssl_certfile", None), getattr(a, "ssl_keyfile", None))
    now = (a.tls_cert, a.tls_key)
    if first != (None, None) and now != (None, None):
        raise UserError(f"{command}--tls-cert/--tls-key and --ssl-certfile/--ssl-keyfile name the same files: give one pair")
    flags, (cert, key) = (("--ssl-certfile", "--ssl-keyfile"), first) if first != (None, None) else (("--tls-cert", "--tls-key"), now)
    if (cert is None) != (key is None):
        raise UserError(f"{command}{flags[0]} and {flags[1]} go together")
    return check_tls(cert, key, flags)


def check_port_free(host: str, port: int) -> None:
    """Refuse a port a server could not listen on, in one line, before it says it serves (``serve``, ``web``)."""
    import errno
    import socket

    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except socket.gaierror as exc:
            raise UserError(f"--host {host}: no such host ({exc.strerror})") from None
        except OSError as exc:
            if exc.errno == errno.EADDRNOTAVAIL:
                # The host, not the port, is what to change: "pick another port" would send the user the wrong way.
                raise UserError(f"--host {host}: not an address of this machine ({exc.strerror})") from None
            why = "is in use" if exc.errno == errno.EADDRINUSE else f"cannot be used ({exc.strerror})"
            raise UserError(f"port {port} on {host} {why}; pick another with --port") from None


def no_account_here(ws: Workspace, user: str) -> bool:
    """Whether this host has no Unix account ``user`` that ``ws`` names (a member's, the SSH one): a typo (``rajm``), or
    one not made yet.  Never on a replica, whose settings sync to the server's host, not this laptop's."""
    import pwd

    from crewdeck.sync.client.remote import Remote

    if Remote.of(ws.store) is not None:
        return False
    try:
        pwd.getpwnam(user)
    except KeyError:
        return True
    return False


def write_output(path: str | None, text: str) -> None:
    """Standard output (no ``path``, or ``-`` as ``read_input`` reads standard input), or a file replaced in one step
    (never half-written)."""
    if not path or path == "-":
        sys.stdout.write(text)
        return
    _write_file(path, lambda f: f.write(text))


def stream_output(path: str | None, produce: Callable[[Callable[[str], object]], None]) -> None:
    """What ``produce`` writes, piece by piece, to standard output (no ``path``, or ``-``) or to a file replaced in one
    step when it is all written."""
    if not path or path == "-":
        _widen_pipe(sys.stdout)
        _buffered(sys.stdout, produce)
        return
    _write_file(path, lambda f: _buffered(f, produce))


def _write_file(path: str, write: Callable[[TextIO], object]) -> None:
    """``write`` into the file at ``path`` as the shell's ``>`` would, but never leaving it half-written.

    A regular file (or one a symbolic link names) is written beside itself
    and moved over it in one step, keeping its permissions (a new one gets
    the umask's).  Anything else that is there already, ``/dev/null``,
    ``/dev/stdout``, a named pipe, is written into as it is: moving a file
    over a device would replace the device.
    """
    target = Path(system_name(path))
    if target.is_dir():
        raise UserError(f"{path}: is a directory")
    if target.exists() and not target.is_file():
        with _naming(path), open(target, "w", encoding="utf-8") as f:
            write(f)
        return
    target = target.resolve() if target.is_symlink() else target
    if not target.parent.is_dir():
        raise UserError(f"{path}: directory {typed_name(target.parent)} does not exist")
    import tempfile  # here: only a command writing a file needs it, and its import costs a listing ~3 ms

    mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else 0o666 & ~_umask()
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with _naming(path), os.fdopen(fd, "w", encoding="utf-8") as f:
            write(f)
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextmanager
def _naming(path: str) -> Iterator[None]:
    """An error while writing names the path it was written to (a full disk says only "No space left on device")."""
    try:
        yield
    except OSError as exc:
        if not exc.filename:
            exc.filename = path
        raise


def _umask() -> int:
    mask = os.umask(0o022)  # read by setting it: there is no other way
    os.umask(mask)
    return mask


#: The buffer asked of a pipe written to (Linux's most for anyone, unless raised: /proc/sys/fs/pipe-max-size).
PIPE_BYTES = 1 << 20


def _widen_pipe(out: TextIO) -> None:
    """A pipe's buffer at its most: a long output crosses it in fewer turns of writer and reader.

    With Linux's 64 KiB, a 144 MB export to ``| cat`` took ~10% longer.
    Anything else (a terminal, a file, a captured stream, another
    system) is left as it is.
    """
    import fcntl  # here: only a streamed output needs it

    getpipe, setpipe = getattr(fcntl, "F_GETPIPE_SZ", None), getattr(fcntl, "F_SETPIPE_SZ", None)
    if getpipe is None or setpipe is None:
        return
    try:
        fd = out.fileno()
        if fcntl.fcntl(fd, getpipe) < PIPE_BYTES:
            fcntl.fcntl(fd, setpipe, PIPE_BYTES)
    except (OSError, ValueError):  # not a pipe, a size over the limit, no descriptor (io.UnsupportedOperation is one)
        pass


def _buffered(out: TextIO, produce: Callable[[Callable[[str], object]], None]) -> None:
    # Many small pieces, few writes.
    pieces: list[str] = []
    size = 0

    def write(text: str) -> None:
        nonlocal size
        pieces.append(text)
        size += len(text)
        if size >= 1 << 16:
            out.write("".join(pieces))
            pieces.clear()
            size = 0

    produce(write)
    out.write("".join(pieces))


@contextmanager
def bad_rows_listed(source: str) -> Iterator[None]:
    """A file refused for its bad rows (``csvfiles.Rejected``), as every importer of rows ends.

    Each bad row on its own line on stderr as ``FILE:LINE: column: problem``
    (an editor jumps to it), shown safely: the file is text from anywhere.
    Then one short error line that counts them.  A file refused whole (empty, not UTF-8, no such column: a problem
    that names ``source``) is one line that says so first, as the task imports say it: "nothing imported: FILE: ...".
    """
    from crewdeck.tui.ledger.csvfiles import Rejected  # here: a command that imports no file does not load the ledger

    try:
        yield
    except Rejected as exc:
        for problem in exc.problems:
            print(visible(problem), file=sys.stderr)
        raise UserError(nothing_imported(exc.problems, exc.source)) from None
    except UserError as exc:
        if not str(exc).startswith(f"{source}:"):
            raise  # an option's or a role's refusal, said as every command says it
        raise UserError(f"nothing imported: {exc}") from None


#: The exit status of a list's filter (``tasks``, ``post list``, ``ledger list``, ``overlap``'s search) that matches
#: nothing, as Taskwarrior's reports exit ("No matches.", 1): errors exit 2, so a script tells "none" from "could not ask".
NOTHING_LISTED = 1


def print_json(value: Any) -> None:
    sys.stdout.write(json_visible(json.dumps(value, ensure_ascii=False, indent=2, sort_keys=False)) + "\n")


@contextmanager
def open_input(path: str) -> Iterator[tuple[BinaryIO, int]]:
    """A file to read as it goes (``-``: standard input) and its size (0 when unknown), or a one-line ``UserError``."""
    if path == "-":
        yield sys.stdin.buffer, 0
        return
    try:
        stream = open(system_name(path), "rb")  # noqa: SIM115 - closed below, after the caller is done
    except FileNotFoundError:
        raise UserError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UserError(f"{path}: is a directory") from None
    except OSError as exc:
        raise UserError(f"{path}: {exc.strerror}") from None
    with stream:
        yield stream, os.fstat(stream.fileno()).st_size


def read_input(path: str) -> str:
    """A UTF-8 text file (``-``: standard input), or a one-line ``UserError``.

    A byte order mark opening the text (Excel's "CSV UTF-8" writes one) marks the encoding and is not part of the text;
    one of UTF-16 (Excel's "Unicode Text", a spreadsheet's tab-separated export) says the file is UTF-16, read as such.
    """
    if path == "-":
        try:
            text = sys.stdin.read()
        except UnicodeDecodeError as exc:  # at a terminal, read in its own encoding
            raise UserError(not_utf8(source_name(path), path, exc)) from None
        if undecodable(text):  # the bytes that were not UTF-8, as surrogateescape keeps them
            raise UserError(f"{source_name(path)}: not UTF-8 text")
        return text.removeprefix("\ufeff")
    try:
        data = Path(system_name(path)).read_bytes()
    except FileNotFoundError:
        raise UserError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UserError(f"{path}: is a directory") from None
    except OSError as exc:
        raise UserError(f"{path}: {exc.strerror}") from None
    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    try:
        return data.decode("utf-16") if utf16 else data.decode("utf-8-sig")
    except UnicodeDecodeError:
        if utf16:
            raise UserError(f"{path}: not UTF-16 text, though it begins as UTF-16 does") from None
        raise UserError(not_utf8(path, path)) from None  # where, and how to make it UTF-8


def table(
    rows: list[list[str]],
    headers: list[str],
    *,
    free: Collection[str] = (),
    width: int | None = None,
    right: Collection[str] = (),
) -> str:
    """Plain columns, left-aligned but for the ``right`` ones (amounts, named by their headers), the last one unpadded.

    Every cell is shown ``visible``: a control character in a record cannot
    act on the terminal, and a newline cannot make a row of its own; a tab is
    ``^I``, to a terminal or a pipe (``visible_cells``).  The
    ``free`` columns (free text, named by their headers) are cut with an
    ellipsis where a line would be wider than ``width`` (``columns.terminal_width``:
    a terminal's; ``None``, whole lines, to a pipe).  Amounts end on one
    edge, as hledger sets them: those of one currency line up digit by digit.
    """
    rows = [visible_cells(row) for row in rows]
    flush_right = [h in right for h in headers]
    headers = visible_cells(headers)
    # Counted in a terminal's columns: a payee in Japanese takes two a character, and the columns after it stay put.
    widths = [max(cells(h), *(cells(r[i]) for r in rows)) if rows else cells(h) for i, h in enumerate(headers)]
    widths = fitted(widths, {i for i, h in enumerate(headers) if h in free}, width)
    return "\n".join(table_line([cut_cells(cell, w) for cell, w in zip(row, widths)], widths, flush_right) for row in [headers, *rows])


def fitting_table(
    rows: list[list[str]],
    headers: list[str],
    *,
    free: Sequence[str],
    give_way: Sequence[str],
    width: int | None,
    readable: Mapping[str, int] | None = None,
) -> str:
    """``table`` on a terminal ``width`` wide (``None``: whole, to a pipe or a file): the ``give_way`` columns left out,
    in their order, while a line with the ``free`` ones cut to a readable length (``READABLE``, or a column's own in
    ``readable``) would still be wider (``kept``), then the ``free`` ones cut (a listing of people or posts whose lines
    would wrap otherwise)."""
    widths = column_widths(rows, headers)
    least = {headers.index(h): n for h, n in (readable or {}).items()}
    shown = kept(widths, {headers.index(h) for h in free}, [headers.index(h) for h in give_way], width, least)
    return table([[row[i] for i in shown] for row in rows], [headers[i] for i in shown], free=free, width=width)


def column_widths(rows: list[list[str]], headers: list[str]) -> list[int]:
    """Each column's width, whole, in a terminal's columns (``fitting_table`` fits them to a terminal)."""
    shown_rows = [visible_cells(row) for row in rows]
    return [max([cells(visible(h)), *(cells(row[i]) for row in shown_rows)]) for i, h in enumerate(headers)]


def line_under(label: str, parts: Sequence[str], sep: str, width: int | None) -> list[str]:
    """``  label: a, b`` under a listing's row, shown safe; on a terminal, wrapped under itself between the parts
    (a part, ``brand (group brand)``, is never split)."""
    shown = [visible(part) for part in parts]
    lines = [f"  {label}: {shown[0]}"]
    for part in shown[1:]:
        # In a terminal's columns: a step named in Japanese takes two a character, and overflowed counted as one.
        if width is not None and cells(lines[-1]) + cells(sep) + cells(part) > width:
            lines[-1] += sep.rstrip()
            lines.append(f"    {part}")
        else:
            lines[-1] += sep + part
    return lines


def with_lines_under(listed: str, under: list[list[str]]) -> str:
    """A ``table`` (a header line, then a line a row) with each row's ``under`` lines after it."""
    header, *rows = listed.split("\n")
    return "\n".join([header, *(line for row, more in zip(rows, under) for line in (row, *more))])


def table_line(line: Sequence[str], widths: Sequence[int], right: Sequence[bool] = ()) -> str:
    """One line of ``table``: its cells (``visible`` already), each but the last padded to its column's width in a
    terminal's columns (on the left where ``right`` says so)."""
    last = len(line) - 1

    def padded(i: int, cell: str) -> str:
        flush_right = i < len(right) and right[i]
        return pad(cell, widths[i], right=flush_right) if i < last or flush_right else cell

    return "  ".join(padded(i, cell) for i, cell in enumerate(line)).rstrip()


def note_incomplete(count: int, noun: str) -> None:
    """Say on stderr that ``count`` of the records listed are shown with placeholders (see ``crewdeck.tui.workspace.placeholders``)."""
    if count:
        are = f"{count:,} {noun}{' is' if count == 1 else 's are'}"
        print(f"note: {are} incomplete or invalid, shown with placeholders; crewdeck doctor lists and repairs them", file=sys.stderr)


def note_expired(ctx: Context) -> None:
    """Tell the member, once, of posts that expired (their round's authors and the managers; ``crewdeck.tui.posts.expiry``).

    On stderr, as a note after what the command listed; said by the commands a
    person reads (not with ``--json``: a script reads that, and nobody would be told).
    """
    me = ctx.me_or_none()
    if me is None:
        return
    # Only when a post could have expired: every command imports this module, and few of them tell.
    from crewdeck.tui.posts.expiring import any_candidate

    if not any_candidate(ctx.ws.conn, ctx.now):
        return
    from crewdeck.tui.posts import expiry
    from crewdeck.tui.posts.reading import settings

    untold = expiry.take_untold(ctx.ws.store, me.id, ctx.now)
    if untold:
        line = expiry.sentence(untold, settings(ctx.ws.conn).approval_lead, me.tz, ctx.now, ctx.config.clock24)
        print(visible(f"note: {line}"), file=sys.stderr)


class Meter:
    """A file's progress meter (``progress``) drawn full once.

    A reader reports the bytes it has read, and reads ahead of the records it hands on: it is at the file's end
    while records are still to go, and reports the end again once they are done.
    """

    def __init__(self, label: str) -> None:
        self.label = label
        self.ended = False
        self.drawn = False

    def __call__(self, done: int, total: int) -> None:
        if self.ended:
            return
        self.ended = done >= total > 0
        self.drawn = self.drawn or _meter_shown(total)
        progress(done, total, self.label)

    def __enter__(self) -> Meter:
        return self

    def __exit__(self, *_: object) -> None:
        # Cut short (a bad record found part way): its line is ended, so that what is said next starts a line of its own.
        if self.drawn and not self.ended:
            sys.stderr.write("\n")


def _meter_shown(total: int) -> bool:
    return total > 0 and sys.stderr.isatty()


def progress(done: int, total: int, label: str) -> None:
    """A one-line progress meter on stderr, only when stderr is a terminal."""
    if not _meter_shown(total):
        return
    width = 30
    filled = width * done // total
    end = "\n" if done >= total else ""
    sys.stderr.write(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,}{end}")
    sys.stderr.flush()

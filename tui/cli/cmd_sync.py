"""Serving, tokens, joining and syncing: ``serve``, ``token``, ``join``, ``sync``, ``publish``.

The server (Starlette, uvicorn), the HTTP client (httpx), PostgreSQL
(psycopg) and what a sync round's report names things with (``describe``)
are imported by the commands that use them, never at start-up.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shlex
import stat
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from crewdeck.sync.client.remote import REMOVED, Remote, SyncError, carried_over, mark_removed, server_restored, sync_round, unsent
from crewdeck.sync.loopback import is_loopback
from crewdeck.sync.state import tokens
from crewdeck.sync.state.clock import ClockSkewError
from crewdeck.sync.state.pathnames import typed_name
from crewdeck.sync.state.published import META_PUBLISHED, Published, database_named, published
from crewdeck.sync.state.rules import MemberFacts, control_character, replica_refused
from crewdeck.sync.state.store import Store, WorkspaceError
from crewdeck.sync.state.visible import visible
from crewdeck.tui.cli.common import (
    ENV_WORKSPACE,
    Context,
    check_port_free,
    log_level_option,
    number_in,
    progress,
    table,
    tls_files,
    tls_options,
)
from crewdeck.tui.cli.shown_once import shown_or_revoked
from crewdeck.tui.web.copy_keys import META_WORKSPACE as META_COPY_OF
from crewdeck.tui.workspace.environment import variable
from crewdeck.tui.workspace.errors import UserError, home_path, stopped_by, workspace_refused
from crewdeck.tui.workspace.words import counted
from crewdeck.tui.workspace.workspace import Workspace, os_user, shown_handle

if TYPE_CHECKING:
    from crewdeck.sync.server.pgstore import MemberRef, PgStore

DEFAULT_PORT = 8470
#: PostgreSQL's driver is an optional extra: a server on a workspace file, and every replica, run without it.
POSTGRES_EXTRA = "pip install 'crewdeck[postgres]'"
#: How many of a round's refused writes `crewdeck sync` lists (the newest; `crewdeck log` lists every one).
REFUSALS_LISTED = 20
#: Where a token is kept out of the process list: the environment is readable by its own user only (``ps`` shows
#: every user the command line, never the environment).
ENV_TOKEN = "CREWDECK_TOKEN"
#: A token is 52 characters: a longer --token-file is not one, and reading stops there (``--token-file /dev/zero``).
TOKEN_FILE_MOST = 4096
NOT_A_TOKEN = "not a crewdeck token (crewdeck_ and 43 characters, from: crewdeck token create)"


def _require_postgres_driver() -> None:
    """Before anything else a ``--database`` command does: the driver is there, or one line says how to add it."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        raise UserError(f"--database needs PostgreSQL's driver (psycopg), which is not installed: {POSTGRES_EXTRA}") from None


def _database_url(text: str) -> str:
    """An argparse type: ``--database``'s URL, refused empty.  ``--database "$DATABASE_URL"`` with the variable unset
    read as no ``--database`` at all: ``serve`` served the workspace file, and ``token create`` made its token there."""
    if not text.strip():
        raise argparse.ArgumentTypeError("the URL is empty (an unset variable?): give postgresql://USER@HOST/DATABASE")
    return text


def _server_url(text: str) -> str:
    """An argparse type: ``publish --url``, a sync server's address as ``join`` takes it (kept in the file, said to its
    writers)."""
    from crewdeck.sync.client.remote import server_url

    if not text.isprintable():
        raise argparse.ArgumentTypeError("the URL holds a control character or a line break: give the server's address alone")
    try:
        return server_url(text)
    except SyncError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _database(a: argparse.Namespace) -> str:
    """``--database``'s URL, once the driver is there; a password in it is said once on stderr: the command line, and
    the password with it, is in the process list, which every user of the machine reads (``ps``)."""
    _require_postgres_driver()
    from crewdeck.sync.server.pgstore import PASSWORD_HOW, holds_password

    url = str(a.database)
    if holds_password(url):
        _warn(f"the --database URL holds a password, which every user of this machine can read in the process list: {PASSWORD_HOW} instead")
    return url


@contextmanager
def _postgres(url: str, said: str = "") -> Iterator[PgStore]:
    """The database's store for the block; its refusals one line each, after ``said`` (what they refuse, where the
    command's other refusals say it: ``publish: FILE: ``)."""
    _require_postgres_driver()
    import psycopg

    from crewdeck.sync.server.pgstore import PgError, PgStore, first_line

    try:
        store = PgStore.open(url)
    except PgError as exc:
        raise UserError(f"{said}{exc}") from None
    try:
        yield store
    except PgError as exc:
        raise UserError(f"{said}{exc}") from None
    except psycopg.Error as exc:
        # A database that takes no writes (a standby, one read-only), a statement timeout, a connection lost midway:
        # each command's write is one transaction, so nothing of it stays.
        raise UserError(f"{said}PostgreSQL refused it: {first_line(exc)} (nothing was changed)") from None
    finally:
        store.close()


def _url_name(given: str | None, path: Path) -> str:
    """The workspace's name in URLs: ``--name`` exactly as typed, or refused in one line; without it, the file's name made one."""
    from crewdeck.sync.server import WORKSPACE_NAME, workspace_name

    if given is None:
        return workspace_name(path.stem)
    if not WORKSPACE_NAME.match(given):
        raise UserError(
            f"--name {given!r}: a workspace's name in URLs is lowercase letters, digits, - and _, "
            f"starting with a letter or digit, at most 63 (e.g. --name {workspace_name(given)})"
        )
    return given


def _given_token(a: argparse.Namespace, kept: str | None = None) -> str | None:
    """The token ``join`` or ``sync`` was given, checked, or ``None``: ``--token``, ``--token-file FILE`` (``-``: standard
    input), and for ``join`` alone (``kept is None``) ``$CREWDECK_TOKEN``.  ``--token`` works but is said once on stderr:
    the command line, and the token with it, is in the process list, which every user of the machine reads (``ps``), as
    ``--database``'s password is.

    ``kept``: the replica's own token, for ``sync``, which never reads the variable: a variable is set for whatever runs
    next, and one left set for another replica's join (another team's server) would have sent that team's token to
    this replica's server, a secret to a server it was never for.  The replica's own token given again is nothing new."""
    if a.token is not None:
        instead = f"{ENV_TOKEN} or --token-file FILE" if kept is None else "--token-file FILE"
        _warn(
            f"--token is on the command line, which every user of this machine can read in the process list: give it in {instead} instead"
        )
        given, where = str(a.token), "--token"
    elif a.token_file is not None:
        given, where = _token_file(a.token_file), f"--token-file {a.token_file}"
    elif kept is None:
        given, where = (variable(ENV_TOKEN) or "").strip(), ENV_TOKEN  # as a file's: a pasted line's spaces are no part of it
        if not given:
            return None
    else:
        return None
    if not tokens.looks_like_token(given):
        raise UserError(visible(f"{where}: {NOT_A_TOKEN}"))
    return None if given == kept else given


def _token_file(name: str) -> str:
    """The token in a file (``-``: standard input), its surrounding white space (a final newline) dropped.  A file other
    users may read is said once on stderr: kept there, the token is as open to them as on the command line."""
    try:
        if name == "-":
            raw = sys.stdin.buffer.read(TOKEN_FILE_MOST + 1)
        else:
            path = home_path(name)
            with open(path, "rb") as f:
                raw = f.read(TOKEN_FILE_MOST + 1)
                kept = os.fstat(f.fileno())
            if stat.S_ISREG(kept.st_mode) and _others_reach(path, kept):
                _warn(
                    visible(
                        f"--token-file {name} can be read by other users of this machine (mode {stat.S_IMODE(kept.st_mode):04o}): "
                        "chmod 600 it"
                    )
                )
    except OSError as exc:
        raise UserError(visible(f"--token-file {name}: {exc.strerror or exc}")) from None
    # Neither a file too long nor one that is no text can be a token: both are said as not one, with no content quoted.
    return "" if len(raw) > TOKEN_FILE_MOST else raw.decode("ascii", "replace").strip()


def _others_reach(path: Path, kept: os.stat_result) -> bool:
    """Whether a user other than the file's owner (root aside) can read ``path``, whose ``os.stat`` is ``kept``: its mode
    lets them, and so does every directory above it.  ``~/team.token`` made 0644 by a umask of 022 is read by nobody else
    in a home of 0700 or 0750 (whose group is its owner's own), and a warning there, at every join and sync, was false.
    Where it cannot tell (a directory it cannot read the mode of, a group with members), it says they can."""
    import grp
    import pwd

    def owners_own(gid: int) -> bool:
        # The user private group (``ana``'s group ``ana``, no other member): no one else is in it.
        try:
            group, owner = grp.getgrgid(gid), pwd.getpwuid(kept.st_uid).pw_name
        except KeyError:
            return False
        return group.gr_name == owner and set(group.gr_mem) <= {owner}

    # Each way in: the file's group's members (none but the owner in their own group), and everyone else.
    by_group = bool(kept.st_mode & stat.S_IRGRP) and not owners_own(kept.st_gid)
    by_others = bool(kept.st_mode & stat.S_IROTH)
    for directory in Path(os.path.realpath(path)).parents:
        try:
            st = directory.stat()
        except OSError:
            return by_group or by_others
        # A user in a directory's group passes it by its group bit alone, anyone else by the others' bit; whether
        # a user is in a group with members is not known here (said they may be, either bit); in the owner's own, not.
        # A directory of another user's (root aside) is passed by them by its owner's bit: they may be the reader.
        foreign = st.st_uid not in (kept.st_uid, 0)
        if foreign:
            passes = stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH
        else:
            passes = stat.S_IXOTH if owners_own(st.st_gid) else stat.S_IXGRP | stat.S_IXOTH
        by_group = by_group and bool(st.st_mode & (stat.S_IXGRP if st.st_gid == kept.st_gid and not foreign else passes))
        by_others = by_others and bool(st.st_mode & passes)
        if not (by_group or by_others):
            return False
    return True


def _token_options(p: argparse.ArgumentParser, token_help: str, instead: str) -> None:
    """``--token`` and its ways out of the process list (``instead``: this command's), for every command that takes a token."""
    given = p.add_mutually_exclusive_group()
    given.add_argument("--token", help=f"{token_help}; on the command line every user here can read it: prefer {instead}")
    given.add_argument("--token-file", metavar="FILE", help="read the token from FILE (- for standard input)")


def _warn(message: str) -> None:
    sys.stderr.write(f"crewdeck: warning: {message}\n")
    sys.stderr.flush()


# ---------------------------------------------------------------- serve


def cmd_serve(ctx: Context) -> int:
    from crewdeck.sync.server import GRACEFUL_SECONDS, HEADER_TIMEOUT, file_backend, postgres_backend, run
    from crewdeck.sync.server.prompt import StopForced

    a = ctx.args
    database = _database(a) if a.database else None
    header_timeout = HEADER_TIMEOUT if a.header_timeout is None else a.header_timeout
    certfile, keyfile = tls_files(a, "serve: ")
    if a.database and a.path:
        raise UserError("serve: give a workspace file or --database, not both")
    if a.database and a.name is not None:
        raise UserError("serve: --name names a served file's workspace; --database serves each of its workspaces under its own name")
    if not 0 < header_timeout <= 3600:
        raise UserError(f"serve: --header-timeout must be more than 0 and at most 3600 seconds, got {header_timeout:g}")
    if a.max_connections is not None and a.max_connections < 1:
        raise UserError(f"serve: --max-connections must be at least 1, got {a.max_connections}")
    from crewdeck.sync.server.guard import LimitError, connection_cap

    try:
        max_connections = connection_cap(a.max_connections)
    except LimitError as exc:
        raise UserError(f"serve: {exc}") from None
    scheme = "https" if certfile else "http"
    if scheme == "http" and not is_loopback(a.host):
        _warn(f"serving plain HTTP on {a.host!r}: tokens cross the network readable; use --tls-cert/--tls-key or a TLS reverse proxy")
    with ExitStack() as held:  # the file's serve lock, while it serves
        if database is not None:
            from crewdeck.sync.server.pgstore import PgError

            check_port_free(a.host, a.port)
            try:
                backend = postgres_backend(database)
            except PgError as exc:
                raise UserError(str(exc)) from None
            what = "the workspaces in PostgreSQL"
            with _postgres(database) as pg:
                empty = not pg.workspaces()
            if empty:
                # Every member's join and sync would be refused for a token this server does not know, and nothing said why.
                print(
                    "note: the database holds no workspace yet: copy one in with crewdeck publish FILE --database URL; "
                    "until then this server knows no member's token",
                    file=sys.stderr,
                    flush=True,
                )
        else:
            path = home_path(a.path) if a.path else ctx.workspace_path()
            assert path is not None
            name = _url_name(a.name, path)
            with Store(path) as store:  # a clear error now rather than from the first request
                remote = Remote.of(store)
                copy_of = store.get_meta(META_COPY_OF)
                mark = published(store.get_meta)
            if remote is not None:
                # A replica pushes its own node's operations only: others pushed into it would stay in it.
                raise UserError(
                    f"{typed_name(path)} is a replica of {remote.url}: what others pushed to it would never reach that server; "
                    f"serve the server's own workspace, and members join {remote.url}"
                )
            if copy_of is not None:
                # crewdeck web sends the database its own node's operations alone, as a replica does.
                raise UserError(
                    f"{_web_copy(path, copy_of)}: what members pushed to it would never reach the database; "
                    "serve the database with: crewdeck serve --database URL"
                )
            if mark is not None:
                # Served still, it tells replicas where the team went: said, where it started as if it served the team.
                meaning = "this server refuses every push and pull, telling each replica where to sync now (crewdeck sync --url)"
                print(visible(f"note: {mark.left(path, meaning)}"), file=sys.stderr, flush=True)
            # Before the port is asked: the same command run twice is told that the file is served, and where.
            held.callback(_take_serve_lock(path, f"{scheme}://{a.host}:{a.port}"))
            check_port_free(a.host, a.port)
            backend = file_backend(path, name)
            what = f"workspace {name} ({typed_name(path)})"
        print(f"serving {what} on {scheme}://{a.host}:{a.port} (Ctrl-C stops)", flush=True)
        try:
            cut = run(
                backend,
                a.host,
                a.port,
                ssl_certfile=certfile,
                ssl_keyfile=keyfile,
                log_level=a.log_level,
                header_timeout=header_timeout,
                max_connections=max_connections,
            )
        except StopForced as forced:
            if not forced.cut:
                raise
            # After the "^C" the terminal echoed, as the exit by KeyboardInterrupt starts a line.
            sys.stderr.write(f"\ncrewdeck: error: serve: stop forced, {_cut_requests(forced.cut)}\n")
            return 130
        if cut:
            # Exit 1, not 0: the stop was no clean one (a service manager sees it); not 2, a refusal of what was asked.
            sys.stderr.write(f"crewdeck: error: serve: stopped, {_cut_requests(cut, after=GRACEFUL_SECONDS)}\n")
            return 1
        return 0


def _take_serve_lock(path: Path, url: str) -> Callable[[], None]:
    """The file's serve lock (``served``), taken: what lets go of it.  Its refusal is one line; a lock file that cannot
    be opened is a warning, and the server starts without it: the lock is a guard, not a requirement."""
    from crewdeck.sync.server.served import NotALock, ServedAlready, take, unguarded

    try:
        return take(path, url).close
    except (ServedAlready, NotALock) as exc:
        raise UserError(f"serve: {exc}") from None
    except OSError as exc:
        _warn(visible(unguarded(path, exc)))
        return lambda: None


def _cut_requests(cut: int, *, after: int | None = None) -> str:
    """What a stop that cut ``cut`` open requests did to them, in their clients' words (after ``after`` seconds)."""
    clients = "its client" if cut == 1 else "their clients"
    waited = f" after {after} s" if after is not None else ""
    return f"cutting {counted(cut, 'request')} still open{waited}: {clients} got a 500, and a sync's edits stay in its replica for the next sync"


# ---------------------------------------------------------------- tokens


def _file_workspace(ctx: Context, command: str) -> Workspace:
    """The workspace file whose tokens ``token COMMAND`` makes, lists or revokes: a manager's alone (``ways_in_refused``),
    asked first: a guest's ``token list`` showed them every token, its member and label."""
    if ctx.args.name:
        raise UserError("--name picks a workspace in a database; a workspace file is its own workspace (drop --name or add --database)")
    ctx.may_manage_ways_in("lists tokens" if command == "list" else "creates and revokes tokens")
    if command != "list":
        # The token table is outside the log the rules judge, but a token made on a file the team left is a door to an
        # old copy, and one revoked there is still live where the team works: refused as every write to it is.
        ctx.ws.store.refuse_if_published()
    remote = Remote.of(ctx.ws.store)
    if remote is not None:
        # A replica's own token table is never replicated: its tokens sign in to `crewdeck web` run on the replica, and
        # only there.  Said, as a manager making one on her laptop for a member's join was told nothing, and the join
        # then "this server knows no such token"; one revoked here stays live on the server.
        print(
            visible(
                f"note: token {command}: {typed_name(ctx.ws.store.path)} is a replica of {remote.url}: its tokens sign in to crewdeck web "
                "on this replica alone; the server's, for join and sync, are made, listed and revoked where it runs"
            ),
            file=sys.stderr,
        )
    return ctx.ws


def _may_hold_a_replica(handle: str, facts: MemberFacts | None) -> None:
    """A token is a replica's: refused for whom the rules give none (``replica_refused``: a guest)."""
    refusal = replica_refused(facts) if facts is not None else None
    if refusal is not None:
        raise UserError(f"@{handle}: {refusal}")


def _database_workspace(a: argparse.Namespace, command: str) -> str:
    if not a.name:
        raise UserError(f"token {command}: --database needs --name WORKSPACE")
    return str(a.name)


def cmd_token_create(ctx: Context) -> int:
    a = ctx.args
    handle = a.handle.lstrip("@").lower()
    # A label is shown by token list, and text crewdeck keeps carries no control characters.
    control = control_character("sync_token", "label", json.dumps(a.label))
    if control is not None:
        raise UserError(f"--label: text may not hold control characters ({control}); no token was made")
    if a.database:
        name = _database_workspace(a, "create")
        with _postgres(_database(a)) as pg:
            pg.require(name)
            listed = pg.members(name, with_removed=True)
            members = {m.handle: m.id for m in listed if not m.removed}
            if handle not in members:
                listing = f"(members: {', '.join('@' + h for h in sorted(members)) or 'none'})"
                # One removed is no stranger: "unknown" would say they never were (as a file workspace says it).
                if any(m.handle == handle for m in listed):
                    raise UserError(f"@{handle} was removed from this workspace {listing}")
                raise UserError(f"unknown member @{handle} in workspace {name} {listing}")
            facts = pg.member_facts(name, members[handle])
            _may_hold_a_replica(handle, facts)
            token_id, token = pg.create_token(name, members[handle], a.label)
            revoke_by_hand = f"crewdeck token revoke {token_id} --database URL --name {shlex.quote(name)}"
            with shown_or_revoked(f"token {token_id}", lambda: pg.revoke_token(name, token_id), revoke_by_hand):
                _show_token(token_id, token, handle, f"workspace {name} (PostgreSQL)", None)
        return 0
    ws = _file_workspace(ctx, "create")
    member = ws.member_by_handle(handle)
    _may_hold_a_replica(handle, member.facts())
    token_id, token = tokens.create(ws.store.conn, member.id, a.label)
    # Named as serve and join name it (the file's name made a URL's), the file beside it as serve says it.
    where = f"workspace {_url_name(None, ws.store.path)} ({typed_name(ws.store.path)})"
    revoke_by_hand = f"crewdeck --workspace {shlex.quote(typed_name(ws.store.path))} token revoke {token_id}"
    with shown_or_revoked(f"token {token_id}", lambda: tokens.revoke(ws.store.conn, token_id), revoke_by_hand):
        _show_token(token_id, token, handle, where, typed_name(ws.store.path) if Remote.of(ws.store) is not None else None)
    return 0


def _show_token(token_id: str, token: str, handle: str, where: str, replica: str | None) -> None:
    """A new token, shown this once; ``replica``: the replica's file it signs in to ``crewdeck web`` on, and only there."""
    print(visible(f"token {token_id} for @{handle} in {where}"))
    if replica is not None:
        print(visible(f"shown only this once; give it to the member to sign in to: crewdeck web {replica}"))
    else:
        print("shown only this once; give it to the member for: crewdeck join URL FILE (the token in $CREWDECK_TOKEN, or --token-file)")
    print(token)


def cmd_token_list(ctx: Context) -> int:
    a = ctx.args
    if a.database:
        name = _database_workspace(a, "list")
        with _postgres(_database(a)) as pg:
            pg.require(name)
            listing = pg.tokens(name)
            members = pg.members(name, with_removed=True)
            # A removed member's "ex-@raj", as a file workspace's: a new member may have their handle.
            handles = {m.id: shown_handle(m.handle, m.removed) for m in members}
        tz = _database_viewer_tz(ctx, name, [m for m in members if not m.removed])
    else:
        ws = _file_workspace(ctx, "list")
        listing = tokens.listing(ws.store.conn, ws.store.path.stem)
        handles = ws.shown_handles()  # a removed member's "ex-@raj": a new member may have their handle
        tz = ctx.viewer_tz
    rows = [
        [
            t.id,
            handles.get(t.member, f"@{t.member[:8]}"),
            t.label,
            _on_your_clock(ctx, tz, t.created_at),
            f"revoked {_on_your_clock(ctx, tz, t.revoked_at)}" if t.revoked_at else "live",
        ]
        for t in listing
    ]
    print(table(rows, ["ID", "MEMBER", "LABEL", "CREATED", "STATUS"]))
    return 0


def _database_viewer_tz(ctx: Context, workspace: str, members: list[MemberRef]) -> str:
    """The zone of whoever runs a command on a workspace in PostgreSQL, as a file's commands find them (``identify``):
    the member ``--as`` (or ``CREWDECK_MEMBER``) names, else the one mapped to this Unix user, else the config's member;
    UTC for nobody (a database administrator who is no member), said as UTC's clock."""
    by_handle = {m.handle: m for m in members}
    handle, named_by = ctx.named_member
    if handle:
        wanted = handle.strip().lstrip("@").lower()
        if wanted not in by_handle:
            raise UserError(f"{named_by} @{wanted}: no member with that handle in workspace {workspace}")
        return by_handle[wanted].tz or "UTC"
    user = os_user()
    mapped = next((m for m in members if user and m.unix_user == user), None)
    if mapped is None and ctx.config.member:
        mapped = by_handle.get(ctx.config.member.strip().lstrip("@").lower())
    return (mapped.tz if mapped else None) or "UTC"


def _on_your_clock(ctx: Context, tz: str, stamped: str) -> str:
    """A token's stored UTC time (``tokens.now_text``, the wall clock's) on the reader's clock, ``tz``, saying whose
    (``today 14:30 IST``), as every time the command line shows."""
    from crewdeck.tui.time.when import format_local, parse_utc

    return format_local(parse_utc(stamped), tz, dt.datetime.now(dt.UTC), clock24=ctx.config.clock24)


def cmd_token_revoke(ctx: Context) -> int:
    a = ctx.args
    if a.database:
        name = _database_workspace(a, "revoke")
        with _postgres(_database(a)) as pg:
            # A mistyped --name is said as such: "no live token" would send its manager to a listing where it is live.
            pg.require(name)
            done = pg.revoke_token(name, a.id)
    else:
        done = tokens.revoke(_file_workspace(ctx, "revoke").store.conn, a.id)
    if not done:
        raise UserError(f"no live token with id {a.id} (see: crewdeck token list)")
    print(f"revoked token {a.id}; it is refused from the next request on")
    return 0


# ---------------------------------------------------------------- join, sync, publish


#: The "try again" that ends a refusal (``Offline``'s words), with the advice it goes on with, if any.
_TRY_AGAIN = re.compile(r"; try again(?: in a moment| later)?(?:, and (?P<rest>[^;]*))?$")


def _plain_http_off_loopback(url: str) -> bool:
    """Whether a server URL (``server_url``'s) is plain HTTP to another machine."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return parts.scheme.lower() == "http" and not is_loopback(parts.hostname or "")


def cmd_join(ctx: Context) -> int:
    from crewdeck.sync.client.remote import FirstSyncStopped, join, server_url

    a = ctx.args
    path = home_path(a.path)
    if path.exists():
        raise UserError(f"{typed_name(path)} already exists; join into a new file")
    token = _given_token(a)
    if token is None:
        raise UserError(f"join needs your token (from: crewdeck token create): set {ENV_TOKEN}, or give --token-file FILE")
    try:
        url = server_url(a.url)
    except SyncError as exc:
        raise UserError(f"cannot join {a.url}: {exc}") from None
    if _plain_http_off_loopback(url):
        _warn("joining over plain HTTP off this machine: your token crosses the network readable; use https://")
    try:
        store, remote, result = join(str(path), url, token, on_progress=lambda d, t: progress(d, t, "first sync"))
    except FirstSyncStopped as stopped:
        # The replica is made, with the pages pulled before: what the cause's own words say was not written is the
        # page it stopped at, not the replica.
        # Nor its "try again" (in a moment, later, or if it fails again: a server that failed, a connection cut off): here
        # it is the sync that goes on, not the join; what else it advises stays (whom to ask, what to check).
        why = _TRY_AGAIN.sub(lambda m: f"; {m['rest']}" if m["rest"] else "", str(stopped.cause).removesuffix("; nothing was written"))
        # Never "try again" (75), even for a server down or busy: join run again stops at the replica it made.  The sync
        # said finishes it, later as every sync.
        raise UserError(
            f"{why}; the replica {typed_name(path)} is created, finish its first sync with: crewdeck --workspace {shlex.quote(typed_name(path))} sync "
            "(join again would refuse it: the file exists)"
        ) from None
    except (SyncError, ClockSkewError, WorkspaceError) as exc:
        if isinstance(exc, WorkspaceError):
            raise workspace_refused(exc) from None
        raise stopped_by(exc, f"cannot join {a.url}: {exc}") from None
    ctx.made(f"replica {typed_name(path)} joined")
    ws = Workspace(store)
    member = ws.member(remote.member)
    ws.close()
    who = f"@{member.handle}" if member else f"member {remote.member[:8]}"
    print(
        visible(
            f"joined workspace {remote.workspace} at {remote.url} as {who}: {counted(result.pulled, 'operation')} in {typed_name(path)}"
        )
    )
    _how_to_open(ctx, path)
    return 0


def _how_to_open(ctx: Context, replica: Path) -> None:
    """A note when ``crewdeck`` alone would not open the replica just joined: after the README's join, the app opened a new
    empty local workspace, and `crewdeck tasks` said "no workspace: ... create one with: crewdeck init PATH"."""
    import shlex

    opened = ctx.workspace_path(required=False)
    if opened is not None and opened.resolve() == replica.resolve():
        return
    where = shlex.quote(typed_name(replica.absolute()))
    instead = f"opens {typed_name(opened)}" if opened is not None else "makes a new local workspace"
    # The environment's workspace goes before the config's: setting the config would change nothing.
    default = (
        f"set {ENV_WORKSPACE}={where} (it is set, and goes before the config's workspace)"
        if variable(ENV_WORKSPACE)
        else f"crewdeck config set workspace {where}"
    )
    print(
        visible(
            f"note: crewdeck alone {instead}, not this replica: open it with crewdeck --workspace {where}, or make it "
            f"your default with: {default}"
        ),
        file=sys.stderr,
    )


def cmd_sync(ctx: Context) -> int:
    store = ctx.ws.store
    remote = Remote.of(store)
    if remote is None:
        raise UserError(f"{typed_name(store.path)} has no remote; make a replica with: crewdeck join URL --token-file TOKENFILE FILE")
    from crewdeck.sync.client.remote import Client, Pushed, replica_refusal, replica_stopped, retoken, written_here
    from crewdeck.tui.workspace import describe  # what a round's report names; serve, token and join never load it

    url = None
    if ctx.args.url is not None:
        from crewdeck.sync.client.remote import server_url

        try:
            url = server_url(ctx.args.url)
        except SyncError as exc:
            raise UserError(f"--url {ctx.args.url}: {exc}") from None
        if url == remote.url:
            url = None  # the address it has: nothing to check or change
    token = _given_token(ctx.args, kept=remote.token)
    if token is not None or url is not None:
        if url is not None and _plain_http_off_loopback(url):
            _warn("syncing over plain HTTP off this machine: your token crosses the network readable; use https://")
        try:
            remote = retoken(store, token, url=url)
        except SyncError as exc:
            # The new token or address is checked with the server first: one down or busy is tried again later, as a sync is.
            raise stopped_by(exc, f"sync with {url or remote.url}: {exc}") from None
        new = " and ".join(what for what, given in (("the new token", token), (f"the server at {url}", url)) if given)
        print(visible(f"this replica syncs with {new} from now on ({counted(unsent(store), 'unsent edit')} to push)"))
    client = Client.for_remote(remote)
    held = store.max_seq()  # what the pull brings is stored past it
    pushed = Pushed()
    try:
        result = sync_round(store, client, lambda d, t: progress(d, t, "pulling"), pushed=pushed)
    except SyncError as exc:
        if exc.code == REMOVED:
            mark_removed(store)
        # A server out of reach or busy (its file locked past the wait) is tried again later, as a cron job's mail is.
        raise stopped_by(exc, f"sync with {remote.url}: {replica_refusal(exc, store.path, unsent(store, pushed))}") from None
    except WorkspaceError as exc:
        said = replica_stopped(exc, store.path, unsent(store, pushed), answered=pushed.unrecorded > 0)
        # The server named before a lock or a moved file read as its own: this replica's, said as any command says them.
        raise stopped_by(exc, f"sync with {remote.url}: {said}" if written_here(exc) else said) from None
    finally:
        client.close()
    if result.carried:
        print(carried_over(result.carried))
    if result.restored or result.resent:
        print(server_restored(result.restored, result.resent, result.refused_again))
    print(f"pushed {result.pushed:,}, pulled {counted(result.pulled, 'operation')}; server at #{result.head:,}, {unsent(store):,} unsent")
    names = (
        describe.Naming.of(ctx.ws, ctx.viewer_tz, ctx.now, ctx.config.clock24)
        if result.refused or result.overwritten or result.deleted
        else None
    )
    if result.refused and names is not None:
        # Every member's: a replica's node holds its token's member's writes alone, as the server refuses any other's.
        refused = store.refused(reader=None)
        names_refused = describe.naming_refused(names, (op for op, *_ in refused))
        # Counted as listed, a write at a time (a task typed is one edit, not its four operations), as unsent counts.
        writes = describe.refused_writes(refused[: result.refused], names_refused)
        one = len(writes) == 1
        print(
            f"the server refused {counted(len(writes), 'edit')} made here; {'it is' if one else 'they are'} out of this replica "
            f"(crewdeck log lists {'it' if one else 'them'}):"
        )
        for write in writes[:REFUSALS_LISTED]:
            print(visible(f"  {write.words}: {write.message} (rule {write.rule})"))
        if len(writes) > REFUSALS_LISTED:
            print(f"  … and {len(writes) - REFUSALS_LISTED:,} more: crewdeck log lists every one")
    if result.overwritten and names is not None:
        fields = ((f.entity, f.row_id, f.field, f.by, f.at) for f in result.overwritten)
        lines, records = describe.overwritten_lines(fields, names, REFUSALS_LISTED)
        _listed(lines, records, ("record whose edits made here were replaced", "records whose edits made here were replaced"))
    if result.deleted and names is not None:
        lines = [describe.deleted_meanwhile_line(d.task, d.by, d.at, names) for d in result.deleted[:REFUSALS_LISTED]]
        _listed(lines, len(result.deleted), ("task changed here was deleted meanwhile", "tasks changed here were deleted meanwhile"))
    me = ctx.me_or_none() if result.pulled or result.untold_pulls else None
    if me is not None:
        from crewdeck.tui.session.notices import approvals_voided, crises_pulled

        # With what a round before pulled and failed to tell (cut off), first: said once, by the round that claimed it.
        # Not what came in between (another round's, told by the app's watcher).
        naming = describe.Naming.of(ctx.ws, ctx.viewer_tz, ctx.now, ctx.config.clock24)
        voided = _told_of_pulls(lambda since, until: approvals_voided(ctx.ws, since, naming, me.id, until), result.untold_pulls, held)
        _listed(voided[:REFUSALS_LISTED], len(voided), ("change that voided your approval", "changes that voided your approval"))
        crises = _told_of_pulls(lambda since, until: crises_pulled(ctx.ws, since, naming, until), result.untold_pulls, held)
        _listed([visible(line) for line in crises[:REFUSALS_LISTED]], len(crises), ("crisis start or end", "crisis starts and ends"))
    return 0


def _web_copy(path: Path, workspace: str) -> str:
    return f"{typed_name(path)} is crewdeck web's copy of workspace {visible(workspace)} in PostgreSQL, not a workspace of its own"


def _refuse_published_again(path: Path, before: Published) -> None:
    """A file published before is an old copy of what the team has written since: published again (into another
    database, or under another name), it would be a second workspace, and its mark would send members there.  Meant
    (a wrong ``--url``, database or ``--name``, a database lost), it is asked for with ``--again``."""
    raise UserError(
        f"publish: {typed_name(path)} was published already, on {before.when}, and the team works at {visible(before.where)} "
        "now: this old copy takes no writes, and published again it would be a second workspace beside that one; serve that "
        "one with: crewdeck serve --database URL (or, if that publish went wrong, publish again with --again)"
    )


def _holds_the_file(pg: PgStore, source: Store, name: str) -> bool:
    """Whether the database's workspace ``name`` is this file published: its operation at the file's last seq is the
    file's (the file takes no writes once published, the database goes on from there)."""
    last = source.max_seq()
    return last > 0 and name in pg.workspaces() and pg.op_id_at(name, last) == source.op_id_at(last)


def _told_of_pulls(told: Callable[[int, int | None], list[str]], untold: Sequence[tuple[int, int]], held: int) -> list[str]:
    """``told``'s lines of what this round pulled (stored past ``held``), after those of the pulls rounds before it kept
    ``untold`` (cut off), each ``(since, until)``: each pull apart, for what came in between them was told (by the
    app's watcher)."""
    kept = [line for since, until in untold if since < held for line in told(since, min(until, held))]
    return kept + told(held, None)


def _listed(lines: list[str], total: int, more: tuple[str, str]) -> None:
    """``lines``, the first of ``total``, and how many more are not listed: ``more``, what one is and what several are."""
    for line in lines:
        print(line)
    if total > len(lines):
        left = total - len(lines)
        print(f"… and {left:,} more {more[0] if left == 1 else more[1]}: crewdeck log lists them")


def cmd_publish(ctx: Context) -> int:
    from crewdeck.tui.web.signin import still_open, wall_clock

    a = ctx.args
    database = _database(a)
    path = home_path(a.path)
    name = _url_name(a.name, path)
    try:
        source = Store(path)
    except WorkspaceError as exc:
        raise workspace_refused(exc) from None
    try:
        remote = Remote.of(source)
        if remote is not None:
            # Its seq numbers are this replica's, and the server's tokens never reach a replica.
            raise UserError(
                f"publish: {typed_name(path)} is a replica of {remote.url}, not a workspace of its own: published, it would part from "
                "that server for good and hold none of its tokens; publish the file that server serves instead"
            )
        copy_of = source.get_meta(META_COPY_OF)
        if copy_of is not None:
            # Published, the copy would be a second workspace beside the one it copies, and marked, its crewdeck web
            # would take no write from any browser.
            raise UserError(f"publish: {_web_copy(path, copy_of)}: the workspace is in the database already")
        mark = Published(dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), name, database_named(database), a.url)
        # The file's write lock held from the copy to its mark: a write in between would reach no one, said nowhere.  The
        # mark is committed once PostgreSQL holds the copy: a publish that fails leaves the file as it was.
        with source.held():
            before = published(source.get_meta)
            if before is not None and not a.again:
                _refuse_published_again(path, before)
            if before is None and a.again:
                # Perhaps the wrong file (a backup, the old copy's neighbour): published without a word, it became a
                # workspace of the database that nobody asked for.
                raise UserError(
                    f"publish: {typed_name(path)} was never published, so there is no publish to do again: publish it "
                    "without --again, or give --again the file published before"
                )
            # Where the file was published last: the team moved there, and what they wrote there is there alone.
            moved_elsewhere = before is not None and (before.workspace, before.database) != (mark.workspace, mark.database)
            # The database's refusals (a connection failed, a name taken, the file published there already) said as
            # publish's other refusals are.
            with _postgres(database, f"publish: {typed_name(path)}: ") as pg:
                # Published there already (publish --again with another --url, or back to where it went first).
                copied = before is not None and _holds_the_file(pg, source, name)
                count = 0 if copied else pg.publish(source, name, lambda d, t: progress(d, t, "publishing"))
                if copied and before is not None and not moved_elsewhere:
                    mark = replace(mark, at=before.at)  # only where members are sent changed: it was published then
                source.set_meta(META_PUBLISHED, mark.to_meta())
        live = sum(1 for t in tokens.listing(source.conn, name) if not t.revoked_at)
        links_open, sessions = still_open(source.conn, wall_clock())
    finally:
        source.close()
    ctx.made(f"{typed_name(path)} published as workspace {name}")
    if copied:
        print(visible(f"{typed_name(path)} is workspace {name} in that database already; a write to the file now names {mark.where}"))
    else:
        print(visible(f"published {typed_name(path)} as workspace {name}: {counted(count, 'operation')}, {counted(live, 'live token')}"))
    if before is not None and moved_elsewhere:
        # The team went there, and wrote there: none of it (nor a token made there) is in this workspace, and the other
        # one stays, served by whatever serves its database.
        print(
            visible(
                f"note: {typed_name(path)} was published before, on {before.when}, to {before.where}, which stays as it is: "
                "what members wrote there since and the tokens made there are not in this workspace; members who moved there "
                "move again, with a token of this one (their replicas: crewdeck --workspace FILE sync --url URL --token-file TOKEN-FILE)"
            ),
            file=sys.stderr,
        )
    if copied:
        return 0
    print(
        "serve it with: crewdeck serve --database URL; members keep their tokens and replicas"
        if before is None
        else "serve it with: crewdeck serve --database URL; members keep the tokens the file holds"
    )
    # The file is an old copy now: members on the host (SSH, a browser) and a server still on it are refused each write,
    # told where the team works; replicas are told to move.
    print(
        visible(
            f"note: {typed_name(path)} is an old copy now: it reads, but every write to it is refused (members over SSH or in a browser, "
            "a crewdeck serve still on it), saying where the team works; give replicas the new server's address "
            "(crewdeck --workspace FILE sync --url URL)"
        ),
        file=sys.stderr,
    )
    if links_open or sessions:
        # A browser's link and session are the file's (local tables, never copied): they sign in to the old copy alone.
        web = f"crewdeck web COPY --database URL --name {name}"
        print(
            visible(
                f"note: {_web_left(links_open, sessions)} {'stays' if links_open + sessions == 1 else 'stay'} with {typed_name(path)}, "
                "an old copy now: a browser signed in there reads it and changes nothing; make the links again where crewdeck web "
                f"serves the database ({web}, then crewdeck --workspace COPY web link @H)"
            ),
            file=sys.stderr,
        )
    return 0


def _web_left(links_open: int, sessions: int) -> str:
    said = [counted(links_open, "sign-in link") + " not used yet"] if links_open else []
    return " and ".join([*said, counted(sessions, "browser session") + " signed in"] if sessions else said)


# ---------------------------------------------------------------- registration


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser], parents: list[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "serve",
        parents=parents,
        help="serve a workspace over HTTP",
        description="Serve a workspace file (members on the machine keep using the file directly), "
        "or with --database every workspace in PostgreSQL.",
    )
    p.add_argument("path", nargs="?", help="the workspace file to serve (default: --workspace)")
    p.add_argument(
        "--database", metavar="URL", type=_database_url, help="serve the workspaces in this PostgreSQL database (postgresql://...)"
    )
    p.add_argument("--name", help="the workspace's name in URLs: lowercase letters, digits, - and _ (default: the file's name made one)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    p.add_argument("--port", type=number_in(1, 65535), default=DEFAULT_PORT, help="port to listen on (default: %(default)s)")
    tls_options(p, serve_first_spelling=True)
    p.add_argument(
        "--header-timeout",
        type=float,
        metavar="SECONDS",
        help="close a connection whose request head takes longer to arrive, or whose body pauses longer (default: 10)",
    )
    p.add_argument(
        "--max-connections",
        type=int,
        metavar="N",
        help="most open connections; over it the longest-idle one is closed, or the newcomer answered 503 "
        "(default: what the limit of open files allows, at most 1000)",
    )
    log_level_option(p)
    p.set_defaults(func=cmd_serve)

    token = sub.add_parser(
        "token", parents=parents, help="create, list and revoke sync tokens", description="Bearer tokens of the sync server."
    )
    tsub = token.add_subparsers(dest="token_command", metavar="COMMAND", required=True)

    def where(p: argparse.ArgumentParser) -> None:
        p.add_argument("--database", metavar="URL", type=_database_url, help="tokens of a workspace in PostgreSQL instead of a file")
        p.add_argument("--name", help="the workspace in the database")

    p = tsub.add_parser(
        "create",
        parents=parents,
        help="a new token for a member",
        description="Create a token; it is printed once, alone on the last line.",
    )
    p.add_argument("handle", help="the member the token acts as")
    p.add_argument("--label", default="", help="a note, e.g. the device (default: none)")
    where(p)
    p.set_defaults(func=cmd_token_create)
    p = tsub.add_parser(
        "list", parents=parents, help="list tokens", description="List tokens, a manager alone (their secrets are never stored)."
    )
    where(p)
    p.set_defaults(func=cmd_token_list)
    p = tsub.add_parser(
        "revoke", parents=parents, help="revoke a token", description="Revoke a token; the server refuses it from the next request on."
    )
    p.add_argument("id", help="the token's id (see: crewdeck token list)")
    where(p)
    p.set_defaults(func=cmd_token_revoke)

    p = sub.add_parser(
        "join",
        parents=parents,
        help="make a local replica of a served workspace",
        description="Create a local replica that syncs with a server.",
    )
    p.add_argument("url", help="the server, e.g. https://crewdeck.example.com")
    _token_options(p, "your token (from: crewdeck token create)", f"${ENV_TOKEN} or --token-file")
    p.add_argument("path", help="the replica file to create")
    p.set_defaults(func=cmd_join)

    p = sub.add_parser(
        "sync", parents=parents, help="push and pull once", description="One sync round: push unsent edits, pull until caught up."
    )
    # Not $CREWDECK_TOKEN: a variable left set for another replica's join would go to this replica's server.
    _token_options(
        p, "a new token for this replica (its own revoked): kept when the server says it is the replica's member's", "--token-file"
    )
    p.add_argument(
        "--url",
        help="its server's new address (moved, or serving HTTPS now): kept when the server there says the token is the replica's member's",
    )
    p.set_defaults(func=cmd_sync)

    p = sub.add_parser(
        "publish",
        parents=parents,
        help="copy a workspace file into PostgreSQL",
        description="Copy a workspace with its whole history and its tokens into PostgreSQL.",
    )
    p.add_argument("path", help="the workspace file")
    p.add_argument("--database", metavar="URL", type=_database_url, required=True, help="the PostgreSQL database (postgresql://...)")
    p.add_argument("--name", help="the workspace's name there: lowercase letters, digits, - and _ (default: the file's name made one)")
    p.add_argument(
        "--url",
        type=_server_url,
        help="the address members will reach its server at, said to whoever writes to the file from now on "
        "(default: the database's name is said)",
    )
    p.add_argument(
        "--again",
        action="store_true",
        help="publish a file published before (that publish went wrong: a wrong --url, database or --name); "
        "given its database and --name again, only --url changes; given another, what was written there since and its "
        "tokens stay there, and its members move again",
    )
    p.set_defaults(func=cmd_publish)

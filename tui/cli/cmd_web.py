"""``crewdeck web``: serve the app to browsers; one-time sign-in links; the app of one browser session."""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crewdeck.sync.loopback import is_loopback
from crewdeck.sync.state.pathnames import typed_name
from crewdeck.sync.state.visible import visible
from crewdeck.tui.cli.common import Context, check_port_free, log_level_option, number_in, table, tls_files, tls_options
from crewdeck.tui.cli.shown_once import shown_or_revoked
from crewdeck.tui.web import signin
from crewdeck.tui.workspace.errors import UserError, home_path
from crewdeck.tui.workspace.words import counted

if TYPE_CHECKING:
    from crewdeck.tui.web.mirror import Mirror

#: Words that name what ``crewdeck web`` does instead of a file to serve.
ACTIONS = ("link", "links", "unlink", "session")
DEFAULT_PORT = 8471
_SERVE_ONLY = (
    ("host", "--host"),
    ("port", "--port"),
    ("tls_cert", "--tls-cert"),
    ("tls_key", "--tls-key"),
    ("apps_per_member", "--apps-per-member"),
    ("max_apps", "--max-apps"),
    ("idle_timeout", "--idle-timeout"),
    ("database", "--database"),
    ("name", "--name"),
)
_LINK_ONLY = (("expires", "--expires"), ("pin", "--pin"), ("url", "--url"))


def cmd_web(ctx: Context) -> int:
    a = ctx.args
    action = a.target if a.target in ACTIONS else "serve"
    for dest, option in (*_SERVE_ONLY, *_LINK_ONLY):
        if getattr(a, dest) not in (None, False) and not _takes(action, dest):
            raise UserError(f"{option} is not an option of crewdeck web {a.target if action != 'serve' else 'FILE'}")
    if action != "link" and a.handle is not None and action != "unlink":
        raise UserError(f"crewdeck web {a.target if action != 'serve' else 'FILE'} takes no {a.handle!r}")
    return {"serve": _serve, "link": _link, "links": _links, "unlink": _unlink, "session": _session}[action](ctx)


def _takes(action: str, dest: str) -> bool:
    if action == "serve":
        return any(dest == d for d, _ in _SERVE_ONLY)
    return action == "link" and any(dest == d for d, _ in _LINK_ONLY)


def _serve(ctx: Context) -> int:
    a = ctx.args
    path = home_path(a.target)
    if path.is_dir():
        raise UserError(f"{typed_name(path)} is a directory, not a crewdeck workspace")
    if a.name is not None and not a.database:
        raise UserError("--name picks a workspace in a database: give --database URL with it")
    if not path.is_file() and not a.database:
        raise UserError(f"{typed_name(path)}: no such workspace file (create one with: crewdeck init {typed_name(path)})")
    cert, key = tls_files(a, "")
    try:
        idle = signin.parse_idle(a.idle_timeout) if a.idle_timeout is not None else signin.IDLE
    except ValueError as exc:
        raise UserError(f"--idle-timeout: {exc}") from None
    from crewdeck.sync.server import serve_guarded
    from crewdeck.sync.server.guard import LimitError, connection_cap
    from crewdeck.sync.server.prompt import StopForced
    from crewdeck.tui.web.server import APPS_PER_MEMBER, MAX_APPS, WebServer, address_limit, member_limits

    try:
        max_connections = connection_cap()
    except LimitError as exc:
        raise UserError(f"web: {exc}") from None
    scheme = "https" if cert else "http"
    host = a.host or "127.0.0.1"
    port = a.port or DEFAULT_PORT
    check_port_free(host, port)
    sign_ins, app_starts = member_limits(ctx.config)
    mirror = _copy_of_database(path, a) if a.database else None
    # A file the team left makes no link (``_link``): none is offered.
    left = mirror is None and _note_if_published(path)
    server = WebServer(
        path,
        attempts=address_limit(ctx.config),
        sign_ins=sign_ins,
        app_starts=app_starts,
        apps_per_member=a.apps_per_member or APPS_PER_MEMBER,
        max_apps=a.max_apps or MAX_APPS,
        idle=idle,
    )
    if scheme == "http" and not is_loopback(host):
        # As `crewdeck serve` says it: a sign-in's token, PIN and session cookie cross the network readable.
        sys.stderr.write(
            f"crewdeck: warning: serving plain HTTP on {host!r}: sign-ins and session cookies cross the network readable; "
            "use --tls-cert/--tls-key or a TLS reverse proxy\n"
        )
        sys.stderr.flush()
    # A link under 0.0.0.0 (every address of this host) opens nothing in a client's browser: the name they reach it by.
    reached = "HOST" if host in ("0.0.0.0", "::", "") else host
    served = f"workspace {a.name} in PostgreSQL, through its copy {typed_name(path)}" if mirror is not None else typed_name(path)
    # The file named, as the README's `crewdeck -w FILE web link` does: the account's own workspace is seldom the one served.
    links = f"crewdeck --workspace {shlex.quote(typed_name(path))} web link @H --url {scheme}://{reached}:{port}"
    print(visible(f"crewdeck web: {served} on {scheme}://{host}:{port}/{'' if left else f' (links: {links})'}"), flush=True)
    if mirror is not None:
        mirror.start()
    try:
        # Behind the sync server's guard: a request's head must arrive in time, and half-sent ones cannot use up the open files.
        serve_guarded(
            server.asgi,
            host,
            port,
            ssl_certfile=cert,
            ssl_keyfile=key,
            log_level=a.log_level,
            max_connections=max_connections,
            websockets=True,
            stop=mirror.no_longer_served if mirror is not None else None,
        )
    except StopForced as forced:
        if not forced.cut:
            raise
        # After the "^C" the terminal echoed, as the exit by KeyboardInterrupt starts a line. A terminal's websocket
        # cut is a browser's lost connection (its page says the server stopped), a page's request a 500.
        pages = "its browser" if forced.cut == 1 else "their browsers"
        sys.stderr.write(
            f"\ncrewdeck: error: web: stop forced, cutting {counted(forced.cut, 'request')} still open: {pages} got a 500 "
            "or lost the connection\n"
        )
        return 130
    finally:
        if mirror is not None:
            mirror.stop()
    if mirror is not None and mirror.failed:
        raise UserError(f"web: {mirror.failed}")
    return 0


def _note_if_published(path: Path) -> bool:
    """A note when the file to serve was published (then ``True``): browsers signed in to it read a copy the team left,
    and write nothing."""
    from crewdeck.sync.state.published import published
    from crewdeck.sync.state.store import Store

    with Store(path) as store:
        mark = published(store.get_meta)
    if mark is not None:
        meaning = (
            f"browsers signed in here read this old copy, which takes no writes; serve the workspace from PostgreSQL: {mark.web_copy()}"
        )
        print(visible(f"note: {mark.left(path, meaning)}"), file=sys.stderr, flush=True)
    return mark is not None


def _copy_of_database(path: Path, a: argparse.Namespace) -> Mirror:
    """``--database``: the copy at ``path`` (made on first use) brought up to date once, before anyone signs in."""
    from crewdeck.tui.cli.cmd_sync import _database, _postgres
    from crewdeck.tui.web.mirror import Mirror, MirrorError, open_copy, sync_round

    if a.name is None:
        raise UserError("crewdeck web --database needs --name WORKSPACE (the name crewdeck publish gave it)")
    url = _database(a)
    with _postgres(url) as pg:
        pg.require(a.name)
        try:
            store = open_copy(path, a.name)
        except MirrorError as exc:
            raise UserError(str(exc)) from None
        try:
            sync_round(store, pg, a.name)
        except MirrorError as exc:
            raise UserError(f"web: {exc}") from None
        finally:
            store.close()
    return Mirror(path, url, a.name)


def _link(ctx: Context) -> int:
    a = ctx.args
    if a.handle is None:
        raise UserError("crewdeck web link needs the member: crewdeck web link @H --expires 7d")
    ctx.may_manage_ways_in("makes sign-in links")
    # A link made on a file the team left signs its member in to a copy nobody reads again, and takes none of their writes.
    ctx.ws.store.refuse_if_published(
        lambda mark: (
            f"a link made here would sign in to this old copy, which takes no writes; serve the workspace to browsers from PostgreSQL: {mark.web_copy()}"
        )
    )
    member = ctx.ws.member_by_handle(a.handle)
    replica_member = signin.replica_member_other_than(ctx.ws.conn, member.id)
    if replica_member is not None:
        raise UserError(f"this is @{replica_member}'s replica of a served workspace: only @{replica_member} signs in to crewdeck web here")
    try:
        lasts = signin.parse_duration(a.expires or "7d")
    except ValueError as exc:
        raise UserError(f"--expires: {exc}") from None
    if a.url is not None:
        # Checked before the link is made: a link nobody's browser can open is not left open.
        _check_base_url(a.url)
    link, secret, pin = signin.create_link(ctx.ws.conn, member.id, ctx.me.id, lasts, signin.wall_clock(), a.pin)
    base = (a.url or f"http://127.0.0.1:{DEFAULT_PORT}").rstrip("/")
    revoke_by_hand = f"crewdeck --workspace {shlex.quote(typed_name(ctx.ws.store.path))} web unlink {link.id}"
    with shown_or_revoked(f"link {link.id}", lambda: signin.revoke_link(ctx.ws.conn, link.id, signin.wall_clock()), revoke_by_hand):
        print(f"link {link.id} signs in @{member.handle} once, until {_on_your_clock(ctx, link.expires_at)}; shown only this once:")
        print(f"{base}/link/{secret}")
        if pin is not None:
            print(f"PIN (send it another way): {pin}")
    if member.access == "guest":
        from crewdeck.tui.posts.reading import guest_campaigns

        if not guest_campaigns(ctx.ws.conn, member.id):
            # A guest's app is the posts of their campaigns: given none, the link opened an empty view, said nowhere.
            print(
                f"note: @{member.handle} is a guest given no campaigns: their app shows no posts until they are given some "
                f"(crewdeck member set {member.handle} --campaigns NAMES)",
                file=sys.stderr,
            )
    return 0


def _on_your_clock(ctx: Context, stamped: str) -> str:
    """A link's stored UTC time on the reader's clock, saying whose (``Sat 12-12 10:12 CET``), as every time here is."""
    from crewdeck.tui.time.when import format_local, parse_utc

    return format_local(parse_utc(stamped), ctx.viewer_tz, signin.wall_clock(), clock24=ctx.config.clock24)


def _check_base_url(url: str) -> None:
    """``--url``: the address crewdeck web answers at, which the link is printed under."""
    from urllib.parse import urlsplit

    from crewdeck.tui.posts.writing import web_address

    web_address("--url", url)
    if not url.isprintable() or any(char.isspace() for char in url):
        raise UserError(f"--url: {url!r} is not a web address (https://...)")
    parts = urlsplit(url)
    if parts.path not in ("", "/") or parts.query or parts.fragment or url.endswith(("?", "#")):
        # Its pages ask for /signin, /static and /ws: under a path, or with a query after it, the link opens nothing.
        raise UserError(f"--url: {url!r} is more than an address: crewdeck web answers at the root of one (give https://HOST[:PORT] alone)")


def _links(ctx: Context) -> int:
    ctx.may_manage_ways_in("lists sign-in links")
    handles = ctx.ws.shown_handles()  # a removed member's "ex-@raj": a new member may have their handle
    removed = ctx.ws.removed_ids()
    now = signin.stamp(signin.wall_clock())

    def status(link: signin.Link) -> str:
        # "open" only for a link that still signs someone in: one burned by wrong PINs or whose member was removed
        # read open, and the manager told the client to use it again.
        # A revocation said, with its time: it read "expired" (unused) or "used" (its session ended, said nowhere).
        revoked = f"revoked {_on_your_clock(ctx, link.revoked_at)}" if link.revoked_at else ""
        if link.used_at:
            return f"used {_on_your_clock(ctx, link.used_at)}" + (f", {revoked}" if revoked else "")
        # Before "expired": a removal ends its member's unused links then (``tokens.revoke_member``), and a member
        # brought back finds them expired at that moment.
        if link.member in removed or link.member not in handles:
            return "member removed"
        if revoked:
            return revoked
        if link.expires_at <= now:
            return "expired"
        if link.pin_failures >= signin.PIN_TRIES:
            return f"burned ({link.pin_failures} wrong PINs)"
        return "open"

    rows = [
        [
            link.id,
            handles.get(link.member, f"@{link.member[:8]}"),
            handles.get(link.created_by, f"@{link.created_by[:8]}"),
            # A revoked link's expiry was moved to its revocation, which STATUS says: this is the one it was made with
            # (one revoked before that was kept shows the moved one, all there is).
            _on_your_clock(ctx, link.made_expires_at or link.expires_at),
            "pin" if link.has_pin else "",
            status(link),
        ]
        for link in signin.links(ctx.ws.conn)
    ]
    print(table(rows, ["ID", "MEMBER", "BY", "EXPIRES", "PIN", "STATUS"]))
    return 0


def _unlink(ctx: Context) -> int:
    a = ctx.args
    if a.handle is None:
        raise UserError("crewdeck web unlink needs a link's id (see: crewdeck web links)")
    ctx.may_manage_ways_in("revokes sign-in links")
    if not signin.revoke_link(ctx.ws.conn, a.handle, signin.wall_clock()):
        raise UserError(f"no sign-in link with id {a.handle} (see: crewdeck web links)")
    print(f"revoked link {a.handle}; the browser sessions it opened end within seconds")
    return 0


def _session(ctx: Context) -> int:
    if getattr(ctx.args, "as_member", None) is not None:
        raise UserError("--as is not taken by a browser session: its sign-in says who it is")
    if sys.stdin.isatty():
        raise UserError("crewdeck web session speaks to crewdeck web, not to a terminal")
    from crewdeck.tui.app.launch import launch, preload

    # Started at sign-in, before the page has loaded: the imports are done while it loads.
    preload()
    start = _start_line()
    session = signin.live_session(ctx.ws.conn, start.get("session", ""), signin.wall_clock())
    if session is None:
        raise UserError("crewdeck web session is started by crewdeck web for a signed-in browser, with its live session")
    os.environ["COLUMNS"], os.environ["ROWS"] = str(start["width"]), str(start["height"])
    ctx.authenticated = session.handle
    return launch(ctx, writes_end_when=signin.session_ended(start["session"]))


def _start_line() -> dict[str, Any]:
    """``{"session", "width", "height"}`` from the server, read a byte at a time: what follows is the web driver's."""
    line = b""
    while not line.endswith(b"\n") and len(line) < 4096:
        byte = os.read(0, 1)
        if not byte:
            break
        line += byte
    try:
        start = json.loads(line)
    except ValueError:
        start = None
    if not isinstance(start, dict) or not isinstance(start.get("session"), str):
        return {"session": ""}
    for name in ("width", "height"):
        value = start.get(name)
        start[name] = value if isinstance(value, int) and 1 <= value <= 1000 else (80 if name == "width" else 24)
    return start


def _database_url(text: str) -> str:
    from crewdeck.tui.cli.cmd_sync import _database_url as database_url

    return database_url(text)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser], parents: list[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "web",
        parents=parents,
        help="the app in a browser, behind crewdeck's sign-in",
        description="crewdeck web FILE serves the app to browsers (each signed-in browser gets its own app acting as its member). "
        "crewdeck web link @H [--expires 7d] [--pin] prints a one-time sign-in link (managers only); "
        "crewdeck web links lists them; crewdeck web unlink ID revokes one and ends its sessions; "
        "crewdeck web session is the app of one browser session (started by crewdeck web).",
    )
    p.add_argument("target", metavar="FILE|link|links|unlink|session", help="the workspace file to serve, or what to do")
    p.add_argument("handle", nargs="?", metavar="@H|ID", help="link: the member the link signs in; unlink: the link's id")
    p.add_argument("--host", default=None, help="serve: the address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=number_in(1, 65535), default=None, help=f"serve: the port (default {DEFAULT_PORT})")
    tls_options(p, scope="serve: ", note=" (cookies are then Secure)")
    log_level_option(p, scope="serve: ")
    # The defaults are the server module's; it is imported only to serve.
    p.add_argument(
        "--apps-per-member",
        metavar="N",
        type=number_in(1, 100),
        default=None,
        help="serve: the apps (tabs, browsers) one member may have open at once (default 4); past it, a new one is refused",
    )
    p.add_argument(
        "--max-apps",
        metavar="N",
        type=number_in(1, 10_000),
        default=None,
        help="serve: the apps open at once on this server, everyone's (default 32): each is a process of its own",
    )
    p.add_argument(
        "--idle-timeout",
        metavar="DURATION",
        default=None,
        help=f"serve: a browser session left unused this long (no key or click in its apps, no page opened) ends, and its "
        f"tab says so: 30m, 2h, 1d (default {signin.length_words(int(signin.IDLE.total_seconds()))}), or off",
    )
    p.add_argument(
        "--database",
        metavar="URL",
        type=_database_url,
        help="serve: the workspace in this PostgreSQL database (postgresql://...), through a copy kept in FILE (made on first use)",
    )
    p.add_argument("--name", metavar="WORKSPACE", help="serve: with --database, the workspace's name (as crewdeck publish gave it)")
    p.add_argument("--expires", metavar="DURATION", help="link: how long the link may be used (7d, 12h, 30m; default 7d, at most 90d)")
    p.add_argument("--pin", action="store_true", default=False, help="link: also ask for a six-digit PIN, printed once")
    p.add_argument(
        "--url",
        metavar="URL",
        help=f"link: the address browsers reach crewdeck web at, alone: https://HOST[:PORT] (default http://127.0.0.1:{DEFAULT_PORT})",
    )
    p.set_defaults(func=cmd_web)

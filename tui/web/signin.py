"""Who may open the app in a browser: one-time sign-in links, and the sessions a sign-in opens.

Both live in local, never replicated tables of the workspace file, next to
``sync_token`` (made here the first time they are needed, so a file that
never served a browser has none).  Only hashes are stored: a link's secret
and a session's cookie are 256 random bits, shown once.  A link's PIN is
hashed with its link's secret, so the stored hash cannot be tried offline
without the secret; five wrong PINs burn the link.

A session is live while it is not ended, not past its end (a link's
session ends when the link expires), its member is still in the workspace,
the token it was signed in with is not revoked, and it was used (a sign-in,
a page of the app loaded, a key or click sent to its app) within the idle
time ``crewdeck web`` gives it (``idle_until``, moved on by ``used``):
``live_session`` is the one check, made by the server on every request and again and again for
every open app, and by the app process itself before it starts.

Neither table grows for ever: a member keeps ``SESSIONS_PER_MEMBER``
live sessions at most (a sign-in past them ends the oldest, whose browser is
told why) and as many ended ones, and what ended ``KEPT_AFTER_END`` ago is
dropped.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from crewdeck.sync.client.metakeys import META_MEMBER
from crewdeck.sync.state import tokens
from crewdeck.sync.state.websessions import ENDED_BY_REMOVAL, ENDED_BY_SIGN_INS, ensure_tables
from crewdeck.tui.workspace.words import counted

#: Wrong PINs a link takes before it is burned.
PIN_TRIES = 5
#: How long a session signed in with a member's token lasts (a link's lasts until the link expires).
TOKEN_SESSION = dt.timedelta(hours=12)
#: The longest a link may stay redeemable.
LONGEST_LINK = dt.timedelta(days=90)
#: How long a session may go unused before it ends, by default (``crewdeck web --idle-timeout``): an hour, past a meeting
#: or a lunch, after which a browser left open on a desk no longer opens the app for whoever sits down at it.
IDLE = dt.timedelta(hours=1)
#: A member's live sessions at most: a sign-in past them ends the oldest (a browser signed in long ago and left), so that
#: signing in again and again with a token cannot grow the file without end.  As many ended ones are kept besides: a
#: browser coming back with one is told why it ended (and the oldest of those go).
SESSIONS_PER_MEMBER = 20
#: How long a session or a link is kept once it has ended (signed out, expired, revoked): meanwhile a browser coming
#: back is told why its session ended and ``web links`` lists the link; then both are dropped.
KEPT_AFTER_END = dt.timedelta(days=30)
LINK_PREFIX = "cdl_"

#: A session live as ``live_session`` reads it, at ``:now`` (``s`` the session, ``t`` its token).
_LIVE = (
    "s.ended_at IS NULL AND s.expires_at > :now AND (s.idle_until IS NULL OR s.idle_until > :now) "
    "AND (s.token IS NULL OR t.revoked_at IS NULL)"
)
#: When a session ended, or ends: signed out, past its end, or unused past its idle time.
_ENDS = "MIN(expires_at, COALESCE(ended_at, expires_at), COALESCE(idle_until, expires_at))"

_DURATION = re.compile(r"\s*(\d{1,6})\s*([smhd])\s*\Z")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


class SignInRefused(Exception):
    """A sign-in that does not open a session; ``code`` says why (for the page and the tests)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class TooManySignIns(SignInRefused):
    """A member who signed in ``limit`` times within the last minute: each sign-in may start an app process."""

    def __init__(self, handle: str, limit: int, wait: float) -> None:
        self.handle = handle
        #: Whole seconds until the member may sign in again.
        self.wait = int(wait) + 1
        super().__init__(
            "too_many_sign_ins",
            f"@{handle} signed in {counted(limit, 'time')} within a minute, the most here: try again in {self.wait} seconds.",
        )


#: Asked with a member's id and handle once a sign-in is known to be good, before its session opens: raises
#: ``TooManySignIns`` to refuse it.
Admit = Callable[[str, str], None]


@dataclass(frozen=True)
class Link:
    id: str
    member: str
    has_pin: bool
    created_by: str
    created_at: str
    expires_at: str
    used_at: str | None
    #: Wrong PINs given with it: at ``PIN_TRIES`` it is burned.
    pin_failures: int = 0
    #: When a manager revoked it (``web unlink``); its expiry moved to then.
    revoked_at: str | None = None
    #: The expiry it was made with, when revoked since (``None`` for one revoked before it was kept).
    made_expires_at: str | None = None


@dataclass(frozen=True)
class WebSession:
    id: str
    member: str
    handle: str
    expires_at: str
    #: The member's access now: a member made a guest gets another app (the Approvals view alone).
    access: str


def wall_clock() -> dt.datetime:
    """Now, by the system clock: links and sessions expire in real time, whatever CREWDECK_NOW pins for the rest."""
    return dt.datetime.now(dt.UTC)


def stamp(moment: dt.datetime) -> str:
    """UTC, to the second, as the tables store it (text that sorts as time does)."""
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _duration(text: str, examples: str = "(7d, 12h, 30m)") -> dt.timedelta:
    match = _DURATION.match(text)
    if not match:
        raise ValueError(f"{text!r} is not a duration: give a number and s, m, h or d {examples}")
    return dt.timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


def parse_duration(text: str) -> dt.timedelta:
    """``7d``, ``12h``, ``30m``, ``90s``: how long a link lasts; ``ValueError`` with a sentence otherwise."""
    length = _duration(text)
    if length <= dt.timedelta(0):
        raise ValueError("a link must last a moment at least")
    if length > LONGEST_LINK:
        raise ValueError(f"a link lasts at most {LONGEST_LINK.days} days")
    return length


def parse_idle(text: str) -> dt.timedelta | None:
    """``30m``, ``2h``, ``off``: how long a session may go unused (``None``: for ever); ``ValueError`` with a sentence."""
    if text.strip().lower() == "off":
        return None
    length = _duration(text, "(30m, 2h, 1d), or off for no idle timeout")
    if length <= dt.timedelta(0):
        raise ValueError("a session must be left a moment at least: give a time, or off for no idle timeout")
    if length > LONGEST_LINK:
        raise ValueError(f"{LONGEST_LINK.days} days at most (or off for no idle timeout)")
    return length


def length_words(seconds: int) -> str:
    """``1 hour``, ``30 minutes``, ``2 days``, ``90 seconds``: an idle time as a sentence says it."""
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            return counted(seconds // size, unit)
    return counted(seconds, "second")


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _pin_digest(secret: str, pin: str) -> str:
    return _digest(f"{secret}\x00{pin.strip()}")


def create_link(
    conn: sqlite3.Connection, member: str, created_by: str, lasts: dt.timedelta, now: dt.datetime, pin: bool
) -> tuple[Link, str, str | None]:
    """A new link for ``member``: the link, its secret (shown once) and its PIN when asked for."""
    ensure_tables(conn)
    secret = LINK_PREFIX + secrets.token_urlsafe(32)
    pin_text = f"{secrets.randbelow(10**6):06d}" if pin else None
    link = Link(secrets.token_hex(6), member, pin, created_by, stamp(now), stamp(now + lasts), None)
    with conn:
        drop_ended(conn, now)
        conn.execute(
            "INSERT INTO web_link(id, hash, member, pin_hash, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                link.id,
                _digest(secret),
                member,
                _pin_digest(secret, pin_text) if pin_text else None,
                created_by,
                link.created_at,
                link.expires_at,
            ),
        )
    return link, secret, pin_text


def links(conn: sqlite3.Connection) -> list[Link]:
    ensure_tables(conn)
    rows = conn.execute(
        "SELECT id, member, pin_hash IS NOT NULL, created_by, created_at, expires_at, used_at, pin_failures, revoked_at, "
        "made_expires_at FROM web_link ORDER BY created_at, id"
    )
    return [Link(r[0], r[1], bool(r[2]), r[3], r[4], r[5], r[6], int(r[7] or 0), r[8], r[9]) for r in rows]


def revoke_link(conn: sqlite3.Connection, link_id: str, now: dt.datetime) -> bool:
    """Make a link unusable and end the sessions it opened; ``False`` when no such link."""
    ensure_tables(conn)
    with conn:
        # Its expiry moves to now too, so that whatever reads a link's end (sign-ins, a session's, dropping it) reads this,
        # an older crewdeck serving this file included; the one it was made with is kept (read before the move), for
        # ``web links``.  Revoked again, both stay as the first revocation left them.
        found = conn.execute(
            "UPDATE web_link SET made_expires_at = CASE WHEN revoked_at IS NULL THEN expires_at ELSE made_expires_at END, "
            "expires_at = MIN(expires_at, :now), revoked_at = COALESCE(revoked_at, :now) WHERE id = :id",
            {"now": stamp(now), "id": link_id},
        ).rowcount
        conn.execute("UPDATE web_session SET ended_at = ? WHERE link = ? AND ended_at IS NULL", (stamp(now), link_id))
    return found == 1


def link_facts(conn: sqlite3.Connection, secret: str) -> tuple[str, bool] | None:
    """The handle the link with this secret signs in as and whether it asks for a PIN; ``None`` when there is no such link."""
    ensure_tables(conn)
    row = conn.execute(
        "SELECT m.handle, l.pin_hash IS NOT NULL FROM web_link l LEFT JOIN member m ON m.id = l.member WHERE l.hash = ?", (_digest(secret),)
    ).fetchone()
    return None if row is None else (str(row[0] or "?"), bool(row[1]))


def redeem_link(
    conn: sqlite3.Connection,
    secret: str,
    pin: str | None,
    now: dt.datetime,
    idle: dt.timedelta | None = None,
    admit: Admit | None = None,
) -> tuple[str, str]:
    """Use a link once: a new session's ``(cookie secret, member id)``, ending ``idle`` after its last use (when given);
    else ``SignInRefused`` (from ``admit`` too, before the link is used up)."""
    ensure_tables(conn)
    when = stamp(now)
    with conn:
        row = conn.execute(
            "SELECT id, member, pin_hash, pin_failures, expires_at, used_at, revoked_at FROM web_link WHERE hash = ?", (_digest(secret),)
        ).fetchone()
        if row is None:
            raise SignInRefused("unknown_link", "This sign-in link is not known here.")
        link_id, member, pin_hash, failures, expires_at, used_at, revoked_at = row
        _refuse_unusable(conn, member, failures, expires_at, used_at, revoked_at, when)
        if pin_hash is not None and not (pin or "").strip():
            # No PIN typed (the button pressed, or enter, before the PIN) is not a guess: it takes none of the tries.
            raise SignInRefused("no_pin", "Type the PIN you were sent apart from this link, then sign in.")
        if pin_hash is not None and not hmac.compare_digest(pin_hash, _pin_digest(secret, pin or "")):
            conn.execute("UPDATE web_link SET pin_failures = pin_failures + 1 WHERE id = ?", (link_id,))
            # Said how many are left, and when this was the last, that the link is spent: a client who typed on
            # after "That PIN is not this link's." burned it without a word of warning.
            left = PIN_TRIES - failures - 1
            if left <= 0:
                raise SignInRefused(
                    "wrong_pin", "That PIN is not this link's, and that was the last try: this link no longer works. Ask for a new one."
                )
            raise SignInRefused("wrong_pin", f"That PIN is not this link's: {left} {'try' if left == 1 else 'tries'} left.")
        if admit is not None:
            admit(member, _member_handle(conn, member) or "?")
        # One statement decides who used it, whichever of two browsers comes first.
        if conn.execute("UPDATE web_link SET used_at = ? WHERE id = ? AND used_at IS NULL", (when, link_id)).rowcount != 1:
            raise SignInRefused("link_used", "This sign-in link was used already: each link signs in once. Ask for a new one.")
        cookie = _open_session(conn, member, None, link_id, now, expires_at, idle)
    return cookie, member


def link_refusal(conn: sqlite3.Connection, secret: str, now: dt.datetime) -> SignInRefused | None:
    """Why a known link would sign no one in whatever PIN came with it (used, expired, burned, its member gone); else ``None``."""
    ensure_tables(conn)
    row = conn.execute(
        "SELECT member, pin_failures, expires_at, used_at, revoked_at FROM web_link WHERE hash = ?", (_digest(secret),)
    ).fetchone()
    if row is None:
        return SignInRefused("unknown_link", "This sign-in link is not known here.")
    member, failures, expires_at, used_at, revoked_at = row
    try:
        _refuse_unusable(conn, member, failures, expires_at, used_at, revoked_at, stamp(now))
    except SignInRefused as refusal:
        return refusal
    return None


def _refuse_unusable(
    conn: sqlite3.Connection, member: str, failures: int, expires_at: str, used_at: str | None, revoked_at: str | None, when: str
) -> None:
    if used_at is not None:
        raise SignInRefused("link_used", "This sign-in link was used already: each link signs in once. Ask for a new one.")
    # Before its expiry: a removal ends the member's unused links then (``tokens.revoke_member``), and the removal is why.
    if _member_handle(conn, member) is None:
        raise SignInRefused("no_member", "The member this link was made for is no longer in the workspace.")
    # Before its expiry, which a revocation moves to then: the client told "expired" of a link made for days asked why.
    if revoked_at is not None:
        raise SignInRefused("link_revoked", "A manager revoked this sign-in link. Ask for a new one.")
    if expires_at <= when:
        raise SignInRefused("link_expired", "This sign-in link has expired. Ask for a new one.")
    if failures >= PIN_TRIES:
        raise SignInRefused("link_burned", "Too many wrong PINs: this link no longer works. Ask for a new one.")
    _refuse_on_another_replica(conn, member)


def sign_in_with_token(
    conn: sqlite3.Connection, token: str, now: dt.datetime, idle: dt.timedelta | None = None, admit: Admit | None = None
) -> tuple[str, str]:
    """A member's token (``crewdeck token create``): a new session's ``(cookie secret, member id)``, ending ``idle`` after
    its last use (when given); else ``SignInRefused`` (from ``admit`` too, before anything is written)."""
    ensure_tables(conn)
    info = tokens.lookup(conn, token.strip(), "") if tokens.looks_like_token(token.strip()) else None
    handle = _member_handle(conn, info.member) if info is not None else None
    if info is None or handle is None:
        raise SignInRefused("bad_token", "That token does not sign anyone in here.")
    _refuse_on_another_replica(conn, info.member)
    if admit is not None:
        admit(info.member, handle)
    with conn:
        cookie = _open_session(conn, info.member, info.id, None, now, stamp(now + TOKEN_SESSION), idle)
    return cookie, info.member


def replica_member_other_than(conn: sqlite3.Connection, member: str) -> str | None:
    """The handle of this file's replica member when the file is a replica and ``member`` is someone else; else ``None``.

    A replica's app acts as its token's member only (the server takes no one
    else's operations): a session of anyone else's would open an app that
    refuses to start.
    """
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (META_MEMBER,)).fetchone()
    if row is None or not row[0] or row[0] == member:
        return None
    return _member_handle(conn, row[0]) or str(row[0])[:8]


def _refuse_on_another_replica(conn: sqlite3.Connection, member: str) -> None:
    handle = replica_member_other_than(conn, member)
    if handle is not None:
        raise SignInRefused(
            "not_replica_member", f"This is @{handle}'s replica of a served workspace: only @{handle} signs in to crewdeck web here."
        )


def _open_session(
    conn: sqlite3.Connection,
    member: str,
    token_id: str | None,
    link_id: str | None,
    now: dt.datetime,
    expires_at: str,
    idle: dt.timedelta | None,
) -> str:
    """A new session (in the caller's transaction).  Past ``SESSIONS_PER_MEMBER`` live ones, the member's signed in
    longest ago ends (its app ends as a revoked session's does, and its browser is told why); past as many ended ones
    besides, those that ended longest ago are dropped."""
    cookie = secrets.token_urlsafe(32)
    when = stamp(now)
    drop_ended(conn, now)
    idle_until, idle_seconds = (stamp(now + idle), int(idle.total_seconds())) if idle is not None else (None, None)
    conn.execute(
        "INSERT INTO web_session(id, hash, member, token, link, created_at, expires_at, idle_until, idle_seconds) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (secrets.token_hex(8), _digest(cookie), member, token_id, link_id, when, expires_at, idle_until, idle_seconds),
    )
    conn.execute(
        # Live as ``live_session`` reads it: a session of a revoked token, or left unused past its idle time, is no
        # longer one of them.
        f"""UPDATE web_session SET ended_at = :now, end_cause = :cause WHERE id IN (
               SELECT s.id FROM web_session s LEFT JOIN sync_token t ON t.id = s.token
               WHERE s.member = :member AND {_LIVE}
               ORDER BY s.created_at DESC, s.rowid DESC LIMIT -1 OFFSET :kept)""",
        {"now": when, "cause": ENDED_BY_SIGN_INS, "member": member, "kept": SESSIONS_PER_MEMBER},
    )
    conn.execute(
        f"""DELETE FROM web_session WHERE member = :member AND id NOT IN (
               SELECT id FROM web_session WHERE member = :member
               ORDER BY (ended_at IS NULL AND expires_at > :now AND (idle_until IS NULL OR idle_until > :now)) DESC,
                        {_ENDS} DESC, created_at DESC, rowid DESC
               LIMIT :kept)""",
        {"member": member, "now": when, "kept": 2 * SESSIONS_PER_MEMBER},
    )
    return cookie


def drop_ended(conn: sqlite3.Connection, now: dt.datetime) -> None:
    """Drop the sessions and links that ended ``KEPT_AFTER_END`` ago or longer (in the caller's transaction).
    A link's sessions end by its expiry at the latest, so none outlives its link here."""
    before = stamp(now - KEPT_AFTER_END)
    conn.execute(f"DELETE FROM web_session WHERE {_ENDS} < ?", (before,))
    conn.execute("DELETE FROM web_link WHERE expires_at < ?", (before,))


def _member_handle(conn: sqlite3.Connection, member: str) -> str | None:
    row = conn.execute("SELECT handle FROM member WHERE id = ? AND deleted = 0", (member,)).fetchone()
    return str(row[0]) if row and row[0] else None


def live_session(conn: sqlite3.Connection, cookie: str, now: dt.datetime) -> WebSession | None:
    """The session this cookie opened, while it is live; else ``None``."""
    if not cookie or len(cookie) > 100:
        return None
    ensure_tables(conn)
    row = conn.execute(
        f"""SELECT s.id, s.member, s.expires_at, m.handle, m.access FROM web_session s
           JOIN member m ON m.id = s.member AND m.deleted = 0
           LEFT JOIN sync_token t ON t.id = s.token
           WHERE s.hash = :hash AND {_LIVE}""",
        {"hash": _digest(cookie), "now": stamp(now)},
    ).fetchone()
    return None if row is None else WebSession(row[0], row[1], row[3], row[2], str(row[4] or "member"))


def still_open(conn: sqlite3.Connection, now: dt.datetime) -> tuple[int, int]:
    """How many links still sign in, and how many sessions are live: what stays with the file they were made in.  Read
    alone: a file that never used the web has none, and gets no tables for them (its publish wrote past its mark)."""
    made = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE name IN ('web_link', 'web_session')")}
    if len(made) < 2:
        return 0, 0
    at = {"now": stamp(now), "tries": PIN_TRIES}
    links_open = conn.execute(
        "SELECT count(*) FROM web_link l JOIN member m ON m.id = l.member AND m.deleted = 0 "
        "WHERE l.used_at IS NULL AND l.revoked_at IS NULL AND l.expires_at > :now AND l.pin_failures < :tries",
        at,
    ).fetchone()[0]
    sessions = conn.execute(
        f"SELECT count(*) FROM web_session s JOIN member m ON m.id = s.member AND m.deleted = 0 "
        f"LEFT JOIN sync_token t ON t.id = s.token WHERE {_LIVE}",
        at,
    ).fetchone()[0]
    return int(links_open), int(sessions)


def session_ended(cookie: str) -> Callable[[sqlite3.Connection], str | None]:
    """Why the session this cookie opened has ended, read on the connection given (a write's, inside its transaction);
    ``None`` while it is live: the app in a browser writes nothing once its link or token is revoked, though the watch
    that ends it has not come round yet."""

    def ended(conn: sqlite3.Connection) -> str | None:
        now = wall_clock()
        if live_session(conn, cookie, now) is not None:
            return None
        return ended_why(conn, cookie, now) or "Your session has ended: sign in again to go on."

    return ended


def ended_why(conn: sqlite3.Connection, cookie: str, now: dt.datetime, *, named: bool = True) -> str | None:
    """Why the session this cookie opened is no longer live, for the browser that comes back with it and for its tab
    when its app ends; ``None`` when it is live or no session of this file's.  Said as the SSH session says it.
    ``named=False``: without the member's handle (a websocket's close reason holds 123 bytes, a handle up to 32)."""
    if not cookie or len(cookie) > 100:
        return None
    ensure_tables(conn)
    row = conn.execute(
        """SELECT s.ended_at, s.end_cause, s.expires_at, s.link, s.token, m.handle, m.deleted, t.revoked_at, l.expires_at,
                  s.idle_until, s.idle_seconds
           FROM web_session s
           LEFT JOIN member m ON m.id = s.member
           LEFT JOIN sync_token t ON t.id = s.token
           LEFT JOIN web_link l ON l.id = s.link
           WHERE s.hash = ?""",
        (_digest(cookie),),
    ).fetchone()
    if row is None:
        return None
    ended_at, end_cause, expires_at, link, token, handle, deleted, revoked_at, link_expires, idle_until, idle_seconds = row
    who = f"@{handle}" if handle else "this member"
    # A link signs in once: "sign in again" asked whoever it signed in (a guest above all) for a token they may never have had.
    again = "ask for a new sign-in link" if link is not None else "sign in again"
    if handle is None or deleted:
        why = f"{who} is no longer a member of this workspace" if named else "you are no longer a member of this workspace"
    elif token is not None and revoked_at is not None:
        why = "the token it was signed in with was revoked: ask for a new one"
    elif ended_at is not None and end_cause == ENDED_BY_REMOVAL:
        why = f"{who if named else 'you'} {'was' if named else 'were'} removed from this workspace since: {again} to go on"
    elif ended_at is not None and end_cause == ENDED_BY_SIGN_INS:
        why = f"you signed in {SESSIONS_PER_MEMBER} more times elsewhere since ({SESSIONS_PER_MEMBER} at once at most): {again} to go on"
    elif ended_at is not None and link is not None and link_expires is not None and link_expires <= ended_at:
        why = "a manager revoked the sign-in link it was opened with: ask for a new one"
    elif ended_at is not None:
        why = f"it was signed out in this browser: {again} to go on"
    elif idle_until is not None and idle_until <= stamp(now) and idle_until < expires_at:
        why = f"it was left unused for {length_words(int(idle_seconds or 0))}: {again} to go on"
    elif expires_at <= stamp(now):
        why = (
            "its sign-in link expired: ask for a new one"
            if link is not None
            else f"it lasted its {TOKEN_SESSION.seconds // 3600} hours: sign in again to go on"
        )
    else:
        return None  # live
    return f"Your session as {who} has ended: {why}." if named else f"Your session has ended: {why}."


def guests(conn: sqlite3.Connection, cookie: str) -> bool:
    """Whether the session this cookie opened, live or ended, is a guest's (the member's access now): a guest signs in
    with a link alone, and a page that asked them for a token asked for what they never had."""
    if not cookie or len(cookie) > 100:
        return False
    ensure_tables(conn)
    row = conn.execute(
        "SELECT m.access FROM web_session s JOIN member m ON m.id = s.member WHERE s.hash = ?", (_digest(cookie),)
    ).fetchone()
    return row is not None and row[0] == "guest"


def used(
    conn: sqlite3.Connection, session_id: str, now: dt.datetime, idle: dt.timedelta | None, slack: dt.timedelta = dt.timedelta(0)
) -> bool:
    """The session was used at ``now``: it ends ``idle`` (and ``slack``, the uses not written since) from now unless used
    again (``None``: never for want of use).  A session that ended meanwhile, unused past its idle time too, stays ended.

    Never waits for another process's write, as every other write here may: the server writes this on its event loop, on
    a key, where waiting would hold every browser's keys and pages.  ``False`` when the file was busy: nothing written,
    for the next use to write."""
    idle_until, idle_seconds = (stamp(now + idle + slack), int(idle.total_seconds())) if idle is not None else (None, None)
    waits = int(conn.execute("PRAGMA busy_timeout").fetchone()[0])
    conn.execute("PRAGMA busy_timeout = 0")
    try:
        with conn:
            conn.execute(
                """UPDATE web_session SET idle_until = :until, idle_seconds = :seconds
                   WHERE id = :id AND ended_at IS NULL AND (idle_until IS NULL OR idle_until > :now)""",
                {"until": idle_until, "seconds": idle_seconds, "id": session_id, "now": stamp(now)},
            )
    except sqlite3.OperationalError as exc:
        if "locked" not in str(exc) and "busy" not in str(exc):
            raise
        return False
    finally:
        conn.execute(f"PRAGMA busy_timeout = {waits}")
    return True


def end_session(conn: sqlite3.Connection, cookie: str, now: dt.datetime) -> None:
    ensure_tables(conn)
    with conn:
        conn.execute("UPDATE web_session SET ended_at = ? WHERE hash = ? AND ended_at IS NULL", (stamp(now), _digest(cookie)))

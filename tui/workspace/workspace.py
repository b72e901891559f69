"""A workspace as the CLI and the app read it: members, campaigns, settings,
and the lookups people type (handles, campaign names, short id prefixes).

Reads use plain ``sqlite3`` on the store's connection; writes go through
``Store.write``.
"""

from __future__ import annotations

import json
import os
import pwd
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crewdeck.sync.client.metakeys import META_MEMBER
from crewdeck.sync.state.ids import MIN_PREFIX, short, told_apart, typed_id
from crewdeck.sync.state.naming import campaign_slug as campaign_slug
from crewdeck.sync.state.naming import slug as slug
from crewdeck.sync.state.naming import stored_campaign_slugs, told_apart_slugs, unnamed_campaign
from crewdeck.sync.state.pathnames import typed_name
from crewdeck.sync.state.records import ACCESS_LEVELS, CAMPAIGN, ENTITIES, MEMBER, WORKSPACE_ROW, Entity, ValidationError, composed
from crewdeck.sync.state.store import Store, WorkspaceError
from crewdeck.sync.state.visible import cut, visible
from crewdeck.tui.web.copy_keys import META_WORKSPACE as META_COPY_OF
from crewdeck.tui.workspace.candidates import LISTED, ambiguity
from crewdeck.tui.workspace.errors import Unidentified, UserError, workspace_refused
from crewdeck.tui.workspace.placeholders import (
    PLACEHOLDER_TZ,
    known_zone,
    member_handle,
    text_or,
    unnamed_member,
)

if TYPE_CHECKING:
    import sqlite3

    from crewdeck.sync.state.rules import MemberFacts

DEFAULT_BASE_CURRENCY = "EUR"


def handle_named(handle: str, named_by: str) -> str:
    """The handle ``handle`` names (``@Ana`` is ``ana``), given by ``named_by`` (``--as``, ``CREWDECK_MEMBER``);
    ``UserError`` for one that names none (blank, ``@``)."""
    wanted = handle.strip().lstrip("@").lower()
    if not wanted:
        raise UserError(f"{named_by}: {handle!r} is no member's handle (write one, e.g. --as @ana)")
    return wanted


def os_user() -> str:
    """The Unix account this process runs as, by its user id ("" when the id has no name): who a person is on a shared
    host.  Not ``getpass.getuser()``, which reads LOGNAME and USER first: anyone may set those to another member's
    account, and write as them with no "@ana as @raj" in the log, whatever their access."""
    try:
        return pwd.getpwuid(os.geteuid()).pw_name
    except KeyError:
        return ""


@dataclass(frozen=True)
class Member:
    id: str
    handle: str
    name: str
    role: str
    tz: str
    hours: dict[str, list[list[str]]]
    days_off: list[str]
    unix_user: str | None
    #: manager / member / guest: what the rules let this member do.
    access: str = "member"

    @property
    def is_manager(self) -> bool:
        return self.access == "manager"

    def facts(self) -> MemberFacts:
        """What the rules (``crewdeck.sync.state.rules``) read of this member: the app asks them before it offers a key."""
        from crewdeck.sync.state.rules import MemberFacts  # the rules load when first asked, as the store loads them

        return MemberFacts(self.id, self.handle, self.access, self.unix_user, False)


@dataclass(frozen=True)
class Campaign:
    id: str
    name: str
    platforms: list[str]
    audience_tz: str | None
    start: str | None
    end: str | None
    status: str
    pause_reason: str
    kpis: dict[str, Any]

    @property
    def slug(self) -> str:
        return campaign_slug(self.id, self.name)


def folded_name(name: str) -> str:
    """How a name read from a file or typed (a person's, a status's, a label's) is compared with one stored or given:
    composed, as text is stored (a file may spell an accent as its own mark, as a Mac may), stripped, case folded."""
    return composed(name.strip()).casefold()


def name_key(name: str) -> str:
    """How a campaign's name is matched: its slug, or for a name no slug spells ("春のキャンペーン", "🚀") the name itself,
    composed and in lower case, its words one space apart (its ``+slug`` is then its short id, ``campaign_slug``)."""
    return slug(name) or " ".join(folded_name(name).split())


def campaign_key(name: str) -> str:
    """What an import matches a project or label with to a campaign (``campaign_keys``): its ``name_key``, or ``""``
    for a name with no letter or digit ("🚀"), which names no campaign."""
    key = slug(name)
    return key or (name_key(name) if any(c.isalnum() for c in name) else "")


class CampaignKeys(dict[str, str]):
    """``campaign_keys``: the campaigns' ids by key, and in ``shared`` the line (``same_name``) for each key more than
    one campaign has (two replicas may each add "Launch" offline): an import refuses a row naming one, never guesses."""

    def __init__(self) -> None:
        super().__init__()
        self.shared: dict[str, str] = {}


def campaign_keys(campaigns: Iterable[Campaign]) -> CampaignKeys:
    """The campaigns' ids by ``campaign_key`` of their names (and by ``+slug``: a short id for a name with none); a key
    more than one campaign has is in ``shared`` alone."""
    by_key: dict[str, list[Campaign]] = {}
    for c in campaigns:
        by_key.setdefault(c.slug, []).append(c)
        if not slug(c.name) and (key := campaign_key(c.name)) and key != c.slug:
            by_key.setdefault(key, []).append(c)
    keys = CampaignKeys()
    for key, named in by_key.items():
        if len(named) == 1:
            keys[key] = named[0].id
        else:
            keys.shared[key] = same_name(named)
    return keys


def close_campaigns(wanted: str, campaigns: list[Campaign]) -> list[str]:
    """The slugs of the campaigns close to the slug ``wanted``, as "did you mean" names them."""
    import difflib  # only for a hint

    return difflib.get_close_matches(wanted, [c.slug for c in campaigns], n=3)


def match_campaign(name: str, campaigns: list[Campaign]) -> Campaign:
    """The campaign a person means by a name, ``+slug`` or id prefix; ``UserError`` with hints, and one naming the
    campaigns when more than one has that name (two replicas may each add "Launch" offline): none is guessed."""
    typed = name.lstrip("+")
    wanted = slug(typed)
    exact = [c for c in campaigns if c.id == name]
    if exact:
        return exact[0]
    if wanted:
        named = [c for c in campaigns if c.slug == wanted]
        # "launch-6118a8c6": how a list tells apart campaigns of one name (``told_apart_slugs``); a campaign may be
        # named so itself (review ri), and then the two are one name typed, neither guessed.
        shared, _, prefix = wanted.rpartition("-")
        if len(prefix) >= MIN_PREFIX:
            named += [c for c in campaigns if c.slug == shared and c.id.startswith(prefix) and c not in named]
    else:  # a name no slug spells: "+春のキャンペーン" is the campaign of that name
        named = [c for c in campaigns if not slug(c.name) and typed.strip() and name_key(c.name) == name_key(typed)]
    if len(named) == 1:
        return named[0]
    if named:
        raise SharedName(same_name(named))
    prefixed = [c for c in campaigns if c.id.startswith(typed.lower())] if len(typed) >= MIN_PREFIX else []
    if len(prefixed) == 1:
        return prefixed[0]
    close = close_campaigns(wanted, campaigns)
    hint = (
        f" (did you mean {', '.join('+' + c for c in close)}?)"
        if close
        else (f" (campaigns: {', '.join('+' + c.slug for c in campaigns)})" if campaigns else " (there are no campaigns yet)")
    )
    # A name from a file's cell may be 131,072 characters: cut as a bad cell is quoted.
    raise UserError(f"unknown campaign {cut('+' + (wanted or typed))}{hint}")


def campaign_slugs(campaigns: Iterable[Campaign]) -> dict[str, str]:
    """Each of ``campaigns``' ``+slug`` by id, as lists show it: two of one name told apart (``told_apart_slugs``)."""
    return told_apart_slugs([(c.id, c.name, False) for c in campaigns])


class SharedName(UserError):
    """More than one campaign has the name typed: a file's row says so in its own words, not as an unknown name."""


def same_name(named: list[Campaign]) -> str:
    """The line for a name that more than one campaign has: each as a list tells them apart (``told_apart_slugs``),
    and how to name one and how to rename one."""
    ordered = sorted(named, key=lambda c: c.id)
    ids = told_apart([c.id for c in ordered])
    one_slug = len({c.slug for c in ordered}) == 1
    # Else names no slug spells, each +slug its short id already, or a name spelled as another's told-apart form: its id.
    shown = [
        f"+{c.slug}-{told}" if one_slug else (f"+{c.slug}" if not slug(c.name) else told) for c, told in zip(ordered, ids, strict=True)
    ]
    listed = ", ".join(f"{each} ({visible(cut(c.name))})" for each, c in zip(shown, ordered, strict=True))
    head = f"+{ordered[0].slug}" if one_slug else visible(cut(ordered[0].name))
    return (
        f"{len(ordered)} campaigns are named {head}: {listed}; name one so or by its id ({ids[0]}),"
        f" or rename one: crewdeck campaign set {ids[0]} --rename NAME"
    )


_MEMBER_COLS = "id, handle, name, role, tz, hours, days_off, unix_user, access"
#: What goes before a removed member's handle where it is read (WHO: "ex-@raj", a ledger entry's BY, the history), and
#: after it in a task's fields ("by @raj (removed)"): a new member may have their handle now.  Before it, a narrow column that cuts the handle keeps
#: the mark, and it is no ✗, which after a handle in the deadline grid says out of working hours.
REMOVED_MARK = "ex-"
REMOVED_WORDS = " (removed)"
#: How many distinct tag lists ``has_tag`` steps through, an index seek each: a millisecond or two.
TAG_LISTS_LOOKED = 1000
_CAMPAIGN_COLS = "id, name, platforms, audience_tz, start, [end], status, pause_reason, kpis"


def shown_handle(handle: str, removed: bool) -> str:
    """A member's handle as a person reads it, "@raj"; a removed member's "ex-@raj" (``REMOVED_MARK``)."""
    return f"{REMOVED_MARK if removed else ''}@{handle}"


def shown_handles_in(conn: sqlite3.Connection) -> dict[str, str]:
    """``Workspace.shown_handles`` of the store ``conn`` reads (for code handed a store, not a workspace)."""
    return {
        member_id: shown_handle(handle if isinstance(handle, str) and handle else member_handle(member_id), bool(deleted))
        for member_id, handle, deleted in conn.execute("SELECT id, handle, deleted FROM member")
    }


def member_json(field: str, member_id: str | None, handle: str | None, removed: bool) -> dict[str, Any]:
    """A member a JSON record names: ``field`` the handle alone ("raj", as filters take it), ``field_id`` whose it is and
    ``field_removed`` whether they were removed; all three ``null`` for nobody.  A removed member's handle may be a new
    member's now: the id tells the two apart, as the text's "ex-@raj" does."""
    if member_id is None:
        return {field: None, f"{field}_id": None, f"{field}_removed": None}
    return {field: handle, f"{field}_id": member_id, f"{field}_removed": removed}


# A record may lack a required field or hold a value today's checks refuse
# (see ``placeholders``): the loaders give every reader a value it can use.


def _checked(entity: Entity, name: str, value: Any, fallback: Any) -> Any:
    try:
        return entity.check(name, value)
    except ValidationError:
        return fallback


def _json(text: Any) -> Any:
    return json.loads(text) if isinstance(text, str) else None


def _member(row: tuple[Any, ...]) -> Member:
    member_id, handle, name, role, tz, hours, days_off, unix_user, access = row
    return Member(
        member_id,
        handle if isinstance(handle, str) and handle else member_handle(member_id),
        text_or(name, unnamed_member(member_id)),
        role if isinstance(role, str) else "",
        tz if known_zone(tz) else PLACEHOLDER_TZ,
        _checked(MEMBER, "hours", _json(hours), {}),
        _checked(MEMBER, "days_off", _json(days_off), []),
        unix_user if isinstance(unix_user, str) else None,
        access if access in ACCESS_LEVELS else "member",
    )


def _campaign(row: tuple[Any, ...]) -> Campaign:
    campaign_id, name, platforms, audience_tz, start, end, status, pause_reason, kpis = row
    return Campaign(
        campaign_id,
        text_or(name, unnamed_campaign(campaign_id)),
        _checked(CAMPAIGN, "platforms", _json(platforms), []),
        _checked(CAMPAIGN, "audience_tz", audience_tz, None),
        _checked(CAMPAIGN, "start", start, None),
        _checked(CAMPAIGN, "end", end, None),
        _checked(CAMPAIGN, "status", status, "active"),
        pause_reason if isinstance(pause_reason, str) else "",
        _checked(CAMPAIGN, "kpis", _json(kpis), {}),
    )


class Workspace:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.conn = store.conn
        #: The member ``identify`` found acting, whose own refused writes an id they typed is explained by
        #: (``_refused_said``); ``None`` until then, and no one's are.
        self.reader: str | None = None

    @classmethod
    def open(cls, path: str | Path, *, readonly: bool = False) -> Workspace:
        try:
            return cls(Store(path, readonly=readonly))
        except WorkspaceError as exc:
            raise workspace_refused(exc) from None

    def close(self) -> None:
        self.store.close()

    # ------------------------------------------------------------ settings

    def setting(self, name: str, default: str) -> str:
        row = self.conn.execute(f"SELECT [{name}] FROM workspace WHERE id = ?", (WORKSPACE_ROW,)).fetchone()
        return text_or(row[0], default) if row else default

    @property
    def name(self) -> str:
        return self.setting("name", self.store.path.stem)

    @property
    def base_currency(self) -> str:
        return self.setting("base_currency", DEFAULT_BASE_CURRENCY)

    # ------------------------------------------------------------ members

    def members(self) -> list[Member]:
        rows = self.conn.execute(f"SELECT {_MEMBER_COLS} FROM member WHERE deleted = 0").fetchall()
        return sorted((_member(r) for r in rows), key=lambda m: (m.handle, m.id))

    def member(self, member_id: str) -> Member | None:
        row = self.conn.execute(f"SELECT {_MEMBER_COLS} FROM member WHERE id = ?", (member_id,)).fetchone()
        return _member(row) if row else None

    def member_by_handle(self, handle: str) -> Member:
        wanted = handle.lstrip("@").lower()
        found = self.member_with_handle(wanted)
        if found is None:
            removed = self.conn.execute("SELECT 1 FROM member WHERE deleted = 1 AND handle = ? LIMIT 1", (wanted,)).fetchone()
            # One removed is no stranger: "unknown" would say they never were.
            what = f"@{wanted} was removed from this workspace" if removed else f"unknown member @{wanted}"
            raise UserError(f"{what}{self._handle_hint(wanted)}")
        return found

    def assignee_named(self, text: str, me: Member) -> Member | None:
        """Whom a person names to hold a task (quick-add's ``@who``, ``set assignee=``, ``member rm --reassign``), read as
        the filters read it: ``me``/``@me`` is ``me``, who runs the command, ``none``/``@none`` nobody (``None``), any
        other a member's handle.  No member has either word for a handle (``FILTER_WORDS``), so none is shadowed."""
        wanted = text.strip().lstrip("@").lower()
        if wanted == "me":
            return me
        return None if wanted == "none" else self.member_by_handle(wanted)

    def member_with_handle(self, wanted: str) -> Member | None:
        """The live member whose handle is ``wanted`` (lower case, no @), or ``None``."""
        row = self.conn.execute(
            f"SELECT {_MEMBER_COLS} FROM member WHERE deleted = 0 AND handle = ? ORDER BY id LIMIT 1", (wanted,)
        ).fetchone()
        return _member(row) if row else None

    def _handle_hint(self, wanted: str) -> str:
        """Which handles were meant, for a message about one no member has."""
        handles = [m.handle for m in self.members()]
        import difflib  # only for the hint: a listing that names nobody unknown never needs it

        close = difflib.get_close_matches(wanted, handles, n=3)
        return (
            f" (did you mean {', '.join('@' + h for h in close)}?)"
            if close
            else (f" (members: {', '.join('@' + h for h in handles)})" if handles else " (the workspace has no members yet)")
        )

    def members_in_filter(self, handle: str) -> list[str]:
        """The ids of the members a filter's ``@handle`` names: everyone who has it, the live one first, then those
        removed, the last removed first (their tasks and entries stay theirs, and listings show them by this handle)."""
        wanted = handle.lstrip("@").lower()
        rows = self.conn.execute("SELECT id FROM member WHERE handle = ? ORDER BY deleted, updated_op DESC", (wanted,)).fetchall()
        return [row[0] for row in rows] or [self.member_by_handle(wanted).id]

    def open_tasks_of(self, member_id: str) -> list[str]:
        """Ids of the open tasks assigned to a member: those the rules count (``guest_assignee``)."""
        from crewdeck.sync.state.filerules import FileRuleState

        return FileRuleState(self.conn).open_tasks_of(member_id)

    def member_for_unix_user(self, user: str) -> Member | None:
        row = self.conn.execute(
            f"SELECT {_MEMBER_COLS} FROM member WHERE deleted = 0 AND unix_user = ? ORDER BY id LIMIT 1", (user,)
        ).fetchone()
        return _member(row) if row else None

    def _removed_for_unix_user(self, user: str) -> Member | None:
        """The removed member mapped to ``user``, when no live member is (``member_for_unix_user`` is asked first)."""
        row = self.conn.execute(
            f"SELECT {_MEMBER_COLS} FROM member WHERE deleted = 1 AND unix_user = ? ORDER BY id LIMIT 1", (user,)
        ).fetchone()
        return _member(row) if row else None

    def handles(self, *, removed: str = "") -> dict[str, str]:
        """Member id -> handle, deleted members included (they still own history); ``removed`` follows a removed
        member's (``REMOVED_WORDS`` in a task's fields): ``member add`` may give their handle to someone new, and the two
        read apart."""
        return {
            member_id: (handle if isinstance(handle, str) and handle else member_handle(member_id)) + (removed if deleted else "")
            for member_id, handle, deleted in self.conn.execute("SELECT id, handle, deleted FROM member")
        }

    def shown_handles(self) -> dict[str, str]:
        """Member id -> the handle as task lists show it, "@raj"; a removed member's "ex-@raj" (``shown_handle``)."""
        return shown_handles_in(self.conn)

    def removed_ids(self) -> frozenset[str]:
        """The ids of the members removed from the workspace (their history stays theirs)."""
        return frozenset(row[0] for row in self.conn.execute("SELECT id FROM member WHERE deleted = 1"))

    def removed(self, member_id: str) -> bool:
        """Whether the member was removed from the workspace (their history stays theirs)."""
        return self.conn.execute("SELECT 1 FROM member WHERE id = ? AND deleted = 1", (member_id,)).fetchone() is not None

    def identify(
        self, handle: str | None, config_member: str | None = None, *, authenticated: bool = False, named_by: str = "--as"
    ) -> Member:
        """Who is acting (``_identified``), kept as ``reader``."""
        found = self._identified(handle, config_member, authenticated=authenticated, named_by=named_by)
        self.reader = found.id
        return found

    def _identified(
        self, handle: str | None, config_member: str | None = None, *, authenticated: bool = False, named_by: str = "--as"
    ) -> Member:
        """Who is acting: the member mapped to the OS user, else ``--as``, else the config's member.

        The one place a handle the person names is looked up (the commands and
        the app): one no member has is refused, saying where it was named
        (``named_by``: ``--as`` or ``CREWDECK_MEMBER``), never taken for nobody.
        Nobody named and nobody mapped is ``Unidentified``.

        On a shared host a member is the one mapped to their OS user: ``--as``
        someone else is refused unless that member is a manager, and then
        every write records who really made it ("@ana as @raj").  A replica
        joined to a server acts as its token's member only (the server
        refuses anyone else's operations).  ``authenticated``: ``handle`` is
        who an SSH key proved the person is (``crewdeck ssh-session``).
        """
        bound = self.store.get_meta(META_MEMBER)
        if bound:
            return self._replica_member(bound, handle)
        if authenticated and handle:
            return self.member_by_handle(handle)
        user = os_user()
        mapped = self.member_for_unix_user(user) if user else None
        if self.store.get_meta(META_COPY_OF) is not None:
            return self._copy_writer(mapped, user, handle, named_by, config_member)
        if handle:
            if mapped is not None and handle.strip().lstrip("@").lower() != mapped.handle:
                # Refused before the handle is looked up: "no member with that handle (members: …)", or a refusal
                # naming @raj, would tell one who may act as nobody else who the members are.
                self._may_act_as_another(mapped, user)
            return self._acting_as(self._named(handle, named_by), mapped, user)
        if mapped:
            return mapped
        if config_member:
            return self._acting_as(self._named(config_member, "the config's member"), None, user)
        mapping = "crewdeck member set HANDLE --unix-user " + (user or "NAME")
        managers = [m for m in self.members() if m.access == "manager"]
        if managers and all(m.unix_user and m.unix_user != user for m in managers):
            # `--as` names none of them from this account, so "map yourself" was refused as this very error: an admin
            # who set the file up for the team lead, then mapped the lead to their own account, went round in a circle.
            held = "; ".join(f"@{m.handle} is the Unix user {m.unix_user!r}" for m in managers)
            raise Unidentified(
                f"who are you? no member of this workspace is mapped to the user {user!r}, and only a manager can map you, "
                f"from their own account ({held}): {mapping}"
            )
        raise Unidentified(
            f"who are you? no member of this workspace is mapped to the user {user!r}: pass --as HANDLE, "
            f"set CREWDECK_MEMBER, or map yourself with: {mapping}"
        )

    def _copy_writer(self, mapped: Member | None, user: str, handle: str | None, named_by: str, config_member: str | None) -> Member:
        """On crewdeck web's copy of a workspace in PostgreSQL, the member mapped to this Unix user, and nobody else.

        The database judges each of the copy's operations as its own member's and refuses the record of a manager
        acting as another (``acting_local_only``): ``--as @raj`` here would reach it as @raj's own write.  So the copy
        is written by the sessions signed in by a link (``authenticated``) and by its account's mapped member only.
        """
        copy = f"{typed_name(self.store.path)} is crewdeck web's copy of a workspace in PostgreSQL"
        ways_in = "members and guests write in it through crewdeck web's sign-in links"
        if mapped is not None:
            if handle and handle.strip().lstrip("@").lower() != mapped.handle:
                # Not looked up: whether the handle names a member is none of this account's business here.
                raise UserError(
                    f"{copy}: this Unix user ({user!r}) writes in it as @{mapped.handle} only, never {named_by} another; {ways_in}"
                )
            return mapped
        said = f"{copy}: no member is mapped to the Unix user {user!r}, who may not act as one named by "
        if handle:
            raise UserError(f"{said}{named_by}; {ways_in}")
        if config_member:
            raise UserError(f"{said}the config; {ways_in}")
        raise Unidentified(f"{copy}: no member is mapped to the Unix user {user!r}; {ways_in}")

    def _named(self, handle: str, named_by: str) -> Member:
        wanted = handle_named(handle, named_by)
        found = self.member_with_handle(wanted)
        if found is None:
            said = f"{named_by} @{wanted}: no member with that handle in {typed_name(self.store.path)}{self._handle_hint(wanted)}"
            # Into a workspace nobody is in yet (a restore), a name names nobody: the import speaks for no one.
            raise UserError(said) if self.members() else Unidentified(said)
        return found

    def _acting_as(self, wanted: Member, mapped: Member | None, user: str) -> Member:
        """``wanted``, named by ``--as`` or the config, if the person at this Unix account may act as them."""
        if mapped is None:
            removed = self._removed_for_unix_user(user) if user else None
            if removed is not None:
                # Unmapped by their removal, their account would otherwise name anyone mapped to no account, a manager too.
                raise UserError(
                    f"the Unix user {user!r} is @{removed.handle}'s, who was removed from this workspace: "
                    f"it acts as no member here (@{wanted.handle} included)"
                )
            if wanted.unix_user and wanted.unix_user != user:
                raise UserError(
                    f"@{wanted.handle} is the Unix user {wanted.unix_user!r} on this host, and no member is mapped to yours "
                    f"({user!r}): a manager maps you with: crewdeck member set HANDLE --unix-user {user or 'NAME'}"
                )
            return wanted
        if mapped.id == wanted.id:
            return wanted
        self._may_act_as_another(mapped, user)
        self.store.actor = mapped.id
        return wanted

    @staticmethod
    def _may_act_as_another(mapped: Member, user: str) -> None:
        """``UserError`` unless ``mapped``, the member this Unix user is, may act as another (``acting_as_refused``)."""
        from crewdeck.sync.state.rules import acting_as_refused  # the rules load when first asked

        refusal = acting_as_refused(mapped.facts())
        if refusal is not None:
            raise UserError(f"you are @{mapped.handle} on this host (Unix user {user!r}): {refusal}")

    def _replica_member(self, member_id: str, handle: str | None) -> Member:
        member = self.member(member_id)
        if member is None:
            raise Unidentified("this replica acts as its token's member, who is not in it yet: run crewdeck sync first")
        if handle and handle.lstrip("@").lower() != member.handle:
            raise UserError(f"this replica acts as @{member.handle}, the member its sync token belongs to, not @{handle.lstrip('@')}")
        return member

    # ------------------------------------------------------------ campaigns

    def campaigns(self) -> list[Campaign]:
        rows = self.conn.execute(f"SELECT {_CAMPAIGN_COLS} FROM campaign WHERE deleted = 0").fetchall()
        return sorted((_campaign(r) for r in rows), key=lambda c: (c.name, c.id))

    def campaign(self, campaign_id: str) -> Campaign | None:
        row = self.conn.execute(f"SELECT {_CAMPAIGN_COLS} FROM campaign WHERE id = ?", (campaign_id,)).fetchone()
        return _campaign(row) if row else None

    def campaign_by_name(self, name: str) -> Campaign:
        return match_campaign(name, self.campaigns())

    def task_campaign(self, name: str, *, making: bool = False) -> Campaign:
        """The campaign a filter's or quick-add's ``+name`` means; where there is none and tasks have the tag ``name``,
        the ``UserError`` says how a tag is written: Taskwarrior's ``+email``, typed by habit, is crewdeck's ``#email``.
        ``making``: quick-add's, where ``#email`` makes the tag: said whether or not a task has it yet (a filter's
        ``#email`` would match nothing then), unless a campaign's name is close to it (``+lanch``: did you mean
        +launch?) and no task has the tag: the campaign was meant, and the tag line read as the way out."""
        try:
            return self.campaign_by_name(name)
        except UserError as exc:
            tag = name.removeprefix("+")
            if self.has_tag(tag) or (making and not close_campaigns(slug(tag), self.campaigns())):
                raise UserError(f"{exc}; a tag is written #{visible(tag)}") from None
            raise

    def has_tag(self, tag: str) -> bool:
        """Whether a task has the tag (matched as the filter's ``#tag`` matches it), for the notes said of ``+tag`` and
        ``-tag`` on every run (``tasks -video``): it steps through the distinct tag lists in the filter index (``tags``
        leads it), one seek each, where reading the whole index took 20 ms on 100,000 tasks. Past ``TAG_LISTS_LOOKED``
        distinct lists it says ``False``: a note left unsaid, not a cost on every run."""
        if not tag:
            return False
        found = self.conn.execute(
            "WITH RECURSIVE lists(tags, n) AS ("
            " SELECT min(tags), 1 FROM task"
            " UNION ALL SELECT (SELECT min(tags) FROM task WHERE tags > lists.tags), n + 1 FROM lists"
            " WHERE lists.tags IS NOT NULL AND n < ?)"
            " SELECT 1 FROM lists WHERE instr(lists.tags, ?) > 0"
            " AND EXISTS (SELECT 1 FROM task WHERE tags = lists.tags AND deleted = 0) LIMIT 1",
            (TAG_LISTS_LOOKED, f'"{tag}"'),
        )
        return found.fetchone() is not None

    def campaign_names(self) -> dict[str, str]:
        return stored_campaign_slugs(self.conn)

    # ------------------------------------------------------------ tasks

    def _refused_said(self, entity: str, text: str, upper: str) -> str | None:
        """Why the one record of ``entity`` whose id starts ``text`` is in no table, when the sync server refused the
        ``reader``'s operations that made it (``crewdeck sync`` and ``log`` named it by that id).  Another member's are
        not said: on crewdeck web's copy of a workspace in PostgreSQL one node holds every member's, and their title is
        theirs to read."""
        if self.reader is None:
            return None
        refusals = self.store.refused(reader=self.reader)
        refused = [op for op, *_ in refusals if op.entity == entity and text <= op.row_id < upper]
        if len({op.row_id for op in refused}) != 1:
            return None
        found = refused[0].row_id
        # Newest first (``Store.refused``): the title it was last given.
        named = next((json.loads(op.value) for op in refused if op.field == "title"), None) if entity == "task" else None
        shown = f" “{visible(named)}”" if isinstance(named, str) and named.strip() else ""
        if self.store.get_meta(META_COPY_OF) is not None:
            # crewdeck web's copy syncs with the database, and a browser's session has no crewdeck log to run: why is said here.
            _, rule, message, _ = next(refusal for refusal in refusals if refusal[0].row_id == found)
            why = f"{visible(message)} (rule {visible(rule)})"
            return f"{entity} {short(found)}{shown} was refused by the database and is not in the workspace: {why}"
        return f"{entity} {short(found)}{shown} was refused by the sync server and is not in this replica (crewdeck log {short(found)} says why)"

    def task(self, task_id: str) -> dict[str, Any]:
        record = self.store.record("task", task_id)
        if record is None:
            raise UserError(f"no task with id {task_id[:8]}")
        return record

    def task_list_field(self, task_id: str, name: str) -> list[str]:
        return list(self.task(task_id)[name] or [])

    # ------------------------------------------------------------ ids

    def starting(self, entity: str, prefix: str) -> list[str]:
        """The ids of ``entity`` that start with the prefix a person typed, in order: all of them, or the first
        ``LISTED + 1`` (what an ambiguity names, and the one past them it must be told from)."""
        text = typed_id(prefix)
        if len(text) < MIN_PREFIX or not re.fullmatch(r"[0-9a-f]+", text):
            raise UserError(f"{prefix!r} is not an id: give at least {MIN_PREFIX} hex digits of a {entity} id")
        upper = text[:-1] + chr(ord(text[-1]) + 1)
        rows = self.conn.execute(f"SELECT id FROM [{entity}] WHERE id >= ? AND id < ? ORDER BY id LIMIT ?", (text, upper, LISTED + 1))
        return [str(row[0]) for row in rows]

    def resolve(self, entity: str, prefix: str, *, live: bool = False) -> str:
        """A full id from the short prefix a person typed; ``live``: one that was deleted is refused (a new link to it would point nowhere)."""
        rows = self.starting(entity, prefix)
        text = typed_id(prefix)
        if not rows:
            raise UserError(self._refused_said(entity, text, text[:-1] + chr(ord(text[-1]) + 1)) or f"no {entity} with id {text}")
        if len(rows) > 1:
            raise ambiguity(self.conn, text, [(entity, row) for row in rows])
        found = rows[0]
        deletable = "deleted" in ENTITIES[entity].by_name
        if live and deletable and self.conn.execute(f"SELECT 1 FROM [{entity}] WHERE id = ? AND deleted = 1", (found,)).fetchone():
            title = self.conn.execute("SELECT title FROM task WHERE id = ?", (found,)).fetchone() if entity == "task" else None
            named = f" “{visible(title[0])}”" if title and title[0] else ""
            raise UserError(f"{entity} {short(found)}{named} was deleted (crewdeck log {short(found)} says when and by whom)")
        return found

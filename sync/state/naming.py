"""How a line names a record by its text: quoted, on one line, cut short; how ``+campaign`` spells a campaign.

The rules' refusals, the app's notices and the command line's lines name a
post the same way, from here: by its title (“Launch reel”), or, untitled,
by its short id (``post 1a2b3c4d``).  Nothing here makes text safe for a
terminal: whoever shows a line shows it through ``visible``, where it is
shown (a refusal travels as text, to a replica, before it is shown).
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections.abc import Sequence
from typing import Any

from crewdeck.sync.state.ids import short, told_apart

#: The longest piece of a record's text a line quotes.
QUOTE = 60


def quoted(text: str) -> str:
    """``text`` in quotes on one line (its runs of white space one space), cut short with an ellipsis."""
    one_line = " ".join(text.split())
    return f"“{one_line if len(one_line) <= QUOTE else one_line[: QUOTE - 1] + '…'}”"


def post_name(title: Any, post_id: str) -> str:
    """A post as a line names it: “Launch reel”, or, with no title (blank, or none read), ``post 1a2b3c4d``."""
    return quoted(title) if isinstance(title, str) and title.strip() else f"post {short(post_id)}"


def acted_as(actor: str, member: str) -> str:
    """Who wrote an operation a manager wrote acting as another (``--as``), as every line says it: "@ana as @acme"
    (``actor`` and ``member`` as the line names them)."""
    return f"{actor} as {member}"


def unnamed_campaign(campaign_id: str) -> str:
    """What a reader shows for a campaign with no name (``placeholders``)."""
    return f"(unnamed campaign {short(campaign_id)})"


_NOT_IN_SLUG = re.compile(r"[^a-z0-9]+")


def slug(name: str) -> str:
    """``name`` as ``+campaign`` spells it: accents folded and ``ß`` as ``ss`` ("Lançamento" is
    ``lancamento``, "Straße" ``strasse``), as a name is typed on any keyboard, then runs of anything but
    a-z and 0-9 as one ``-``."""
    folded = unicodedata.normalize("NFKD", name.casefold())
    return _NOT_IN_SLUG.sub("-", "".join(c for c in folded if not unicodedata.combining(c))).strip("-")


def campaign_slug(campaign_id: str, name: object) -> str:
    """How ``+campaign`` names a campaign: its name's slug, or its short id when the name has none.  Here, not with the
    workspace's lookups, because a refusal names a campaign so too (``postround.chain_command``)."""
    named = name if isinstance(name, str) and name.strip() else unnamed_campaign(campaign_id)
    return slug(named) or short(campaign_id)


def told_apart_slugs(campaigns: Sequence[tuple[str, object, bool]]) -> dict[str, str]:
    """Each campaign's ``campaign_slug`` by its id, of ``(id, name, deleted)``; where more than one campaign not deleted
    has a slug (two replicas may each add "Launch" offline), each of them its slug and short id, ``launch-6118a8c6``,
    which ``+`` takes as well: a list, a report or an hledger account never shows two campaigns as one."""
    slugs = {campaign_id: campaign_slug(campaign_id, name) for campaign_id, name, _ in campaigns}
    sharing: dict[str, list[str]] = {}
    for campaign_id, _, deleted in campaigns:
        if not deleted:
            sharing.setdefault(slugs[campaign_id], []).append(campaign_id)
    for named, ids in sharing.items():
        if len(ids) > 1:
            ids.sort()
            for campaign_id, shown in zip(ids, told_apart(ids), strict=True):
                told = f"{named}-{shown}"
                # A campaign may be named so itself ("Launch-6118a8c6"): then the whole id, which tells them apart.
                slugs[campaign_id] = f"{named}-{campaign_id}" if told in sharing else told
    return slugs


def stored_campaign_slugs(conn: sqlite3.Connection) -> dict[str, str]:
    """``told_apart_slugs`` of every campaign stored, deleted ones too (their entries and results still need a name)."""
    return told_apart_slugs(conn.execute("SELECT id, name, deleted FROM campaign").fetchall())

"""The ad account a day's results are of, as a result's ``source`` records it.

An import of a file naming its ad account (an Account name or Account ID column, or ``--account``) writes it after the
file and line: ``meta import eu.csv:3, ad account "Acme EU"``.  Another account's import of that key and day is then
refused (``imports``), and ``kpi add`` keeps the account when it writes the day (``kpi add``).  Read by the log too
(``describe.result_words``), which shows the name as it was given, never in JSON's escapes.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache

from crewdeck.sync.state.visible import written

#: The most of an ad account's name a result's source keeps (in JSON, at most twice as long).  A longer name keeps its
#: start and a digest of the whole name (``account_name``), so two names alike in their first characters stay two.
ACCOUNT_CHARS = 60
#: How many hex digits of a long name's digest are kept after its start.
_DIGEST = 8
#: How many names each function below keeps worked out: an import names a few accounts in 100,000 rows, and each
#: row's account is named, written and read again (``recorded_account``) once per account, not once per row.
_NAMES_KEPT = 64
#: Between a result's source and the ad account named with it: the account follows, in JSON's quotes, so this text
#: (a space before a quote) is never inside it, where a quote is always after a backslash.
MARK = ', ad account "'


@lru_cache(maxsize=_NAMES_KEPT)
def account_name(text: str) -> str:
    """An ad account's name as results record it: shown as a file holds it (``written``), its spaces made one, cut to ``ACCOUNT_CHARS`` with a digest of
    the whole name at the end of a longer one."""
    named = " ".join(written(text).split())
    if len(named) <= ACCOUNT_CHARS:
        return named
    digest = hashlib.sha256(named.casefold().encode()).hexdigest()[:_DIGEST]  # without case, as ``same_account`` compares
    return f"{named[: ACCOUNT_CHARS - _DIGEST - 1]}…{digest}"


def same_account(one: str, other: str) -> bool:
    """Whether two recorded names are one ad account's: compared without case (``Acme EU``, ``acme eu``), as a person
    typing ``--account`` does not always match the export's capitals."""
    return one.casefold() == other.casefold()


@lru_cache(maxsize=_NAMES_KEPT)
def with_account(account: str) -> str:
    """What follows a result's source to name its ad account (``""``: none)."""
    return f"{MARK[:-1]}{json.dumps(account, ensure_ascii=False)}" if account else ""


def recorded_account(source: str | None) -> str:
    """The ad account a result's source names (an import's of a file naming one), else ``""``."""
    at = source.rfind(MARK) if source else -1
    if at < 0 or source is None:
        return ""
    return _named(source[at + len(MARK) - 1 :])  # the file and line before it differ by row; this, by account


@lru_cache(maxsize=_NAMES_KEPT)
def _named(text: str) -> str:
    """The account a source's end names in JSON's quotes, else ``""``."""
    try:
        named = json.loads(text)
    except ValueError:  # a file's name holding the mark, with no account after it
        return ""
    return named if isinstance(named, str) else ""


def without_account(source: str) -> str:
    """The source before the ad account it names (the file and line), or all of it."""
    return source[: source.rfind(MARK)] if recorded_account(source) else source


def shown_source(source: str) -> str:
    """A result's source for a person: the ad account's name as given (``"Acme "EU""``), not in JSON's escapes."""
    account = recorded_account(source)
    return f'{without_account(source)}{MARK}{account}"' if account else source

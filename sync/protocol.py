"""The sync protocol's level: what a server announces on every answer, and what this build's pushes need of it.

1: the first (announced by no header at all).  2: a result is created with its numbers alone, its id giving its key
(``records.result_key``); a server at 1 refuses such a creation as incomplete, so a replica of this build does not push
to it.  3: an import's run is a record (``records.IMPORT_RUN``, what an import wrote, so a newer export imported
anywhere changes what nobody changed since); a server at 2 refuses an operation of an entity it does not know.

A replica names its own level on its requests, in the same header (builds of level 2 and before named none): a server
sends a replica no operation of an entity its level does not know (``READ_FROM``), which that replica would stop at as a
malformed page, and tells it instead to upgrade.
"""

from __future__ import annotations

#: This build's level: the server announces it, and a replica pushes only to a server that announces it or a later one.
PROTOCOL = 3
#: The header a server announces its level in on every answer (also ``protocol`` in ``/v1/health``'s answer), and a
#: replica its own on every request.
HEADER = "Crewdeck-Protocol"
#: The level of a replica whose requests name none: a build from before replicas named theirs, level 2 at the most.
UNNAMED = 2
#: The first level whose replicas read an entity's operations; every entity not named here, every level reads.
READ_FROM = {"import_run": 3}
#: A replica of this level or later reads every entity: its pages are sent as they are, looked at operation by none.
READS_ALL = max(READ_FROM.values(), default=0)


def unreadable(entity: str, level: int) -> bool:
    """Whether a replica of ``level`` stops at an operation of ``entity`` (an entity its build did not know)."""
    return READ_FROM.get(entity, 0) > level

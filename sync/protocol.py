"""The sync protocol's level: what a server announces on every answer, and what this build's pushes need of it.

1: the first (announced by no header at all).  2: a result is created with its numbers alone, its id giving its key
(``records.result_key``); a server at 1 refuses such a creation as incomplete, so a replica of this build does not push
to it.  3: an import's run is a record (``records.IMPORT_RUN``, what an import wrote, so a newer export imported
anywhere changes what nobody changed since); a server at 2 refuses an operation of an entity it does not know.
"""

from __future__ import annotations

#: This build's level: the server announces it, and a replica pushes only to a server that announces it or a later one.
PROTOCOL = 3
#: The response header a server announces its level in (also ``protocol`` in ``/v1/health``'s answer).
HEADER = "Crewdeck-Protocol"

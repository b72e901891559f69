"""The sync protocol's level: what a server announces on every answer, and what this build's pushes need of it.

1: the first (announced by no header at all).  2: a result is created with its numbers alone, its id giving its key
(``records.result_key``); a server at 1 refuses such a creation as incomplete, so a replica of this build does not push
to it.
"""

from __future__ import annotations

#: This build's level: the server announces it, and a replica pushes only to a server that announces it or a later one.
PROTOCOL = 2
#: The response header a server announces its level in (also ``protocol`` in ``/v1/health``'s answer).
HEADER = "Crewdeck-Protocol"

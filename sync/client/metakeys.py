"""What a replica keeps in its file's ``meta`` table (local, never replicated): its remote and its sync cursors.

Apart from ``remote`` (the HTTP client and the sync round) so that opening
a workspace, which asks whether it is a replica's, imports no sync code.
"""

from __future__ import annotations

from collections.abc import Callable

META_URL = "remote.url"
META_WORKSPACE = "remote.workspace"
META_TOKEN = "remote.token"
META_MEMBER = "remote.member"
#: What a replica's remote is kept as: a file with all four set is a replica (``remote.Remote.of``).
REMOTE_KEYS = (META_URL, META_WORKSPACE, META_TOKEN, META_MEMBER)
META_PUSH_SEQ = "sync.push_seq"
META_PULL_SEQ = "sync.pull_seq"
#: The ``op_id`` of the operation pulled as ``sync.pull_seq``: a pull names it (``at``), and a server put back from an
#: older backup, which holds another operation there or none, says so.
META_PULL_OP = "sync.pull_op"
META_LAST_SYNC = "sync.last"
#: ``"PUSHED HELD REFUSED"``, the bounds of a round that failed before it told what the server refused, or others' edits
#: replaced or deleted, of the edits made here (its push may have gone through, its pull not): the next round tells it,
#: and takes it in the transaction that reads it (``remote._Kept``), so that two processes syncing one replica tell it
#: once.  Three numbers, as an earlier crewdeck reads them (one syncing the replica too must not fail on more).
META_UNTOLD = "sync.untold"
#: ``"CARRIED RESTORED RESENT REFUSED_AGAIN PULLED PULLED_TO"``: what that round had counted of writes carried over and a
#: server put back, and the log's head as it began and as it failed when what its pull stored was told to nobody (-1:
#: none; ``PULLED_TO`` -1: not known), read with ``sync.untold`` alone (left by a round an earlier crewdeck took, it is
#: not told).  An earlier crewdeck reads the first four (or five), and a missing one is read as its default.
META_UNTOLD_COUNTS = "sync.untold_counts"
#: The push cursor when a pull found the server put back from an older backup: what this replica had sent up to it may
#: be lost there, and is sent again once its history is pulled again (``remote._round``), even by a later round when the
#: one that found it was cut off during that pull; removed once sent.
META_RESEND = "sync.resend"
#: Set when the server said this replica's member was removed: its unsent operations will never be sent.
META_REMOVED = "sync.removed"


def has_remote(get_meta: Callable[[str], str | None]) -> bool:
    """Whether the file whose ``meta`` ``get_meta`` reads is a replica (``Store.get_meta``): the app asks as it opens,
    where importing ``remote`` to ask costs its start ~8 ms."""
    return all(get_meta(key) for key in REMOTE_KEYS)

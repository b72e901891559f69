"""The ``meta`` keys of crewdeck web's copy of a workspace in PostgreSQL (``mirror.py``), apart from it: a workspace
asks whether its file is such a copy on every open, and the copy's module brings sign-in and tokens with it."""

from __future__ import annotations

#: The workspace in the database the copy is of (local to the file, as every ``meta`` key).
META_WORKSPACE = "mirror.workspace"
#: The database's ``seq`` up to which the copy has pulled.
META_PULL_SEQ = "mirror.pull_seq"
#: The ``op_id`` stored there: a database put back from an older backup holds another operation at that ``seq``, or none.
META_PULL_OP = "mirror.pull_op"
#: The copy's local ``seq`` up to which its own operations are stored (or refused) in the database.
META_PUSH_SEQ = "mirror.push_seq"

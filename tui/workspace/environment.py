"""The environment's variables as crewdeck reads them: UTF-8 text, whatever the locale's encoding, as it reads its
arguments and standard input (``main._utf8_arguments``, ``main._utf8_streams``)."""

from __future__ import annotations

import os


def variable(name: str) -> str | None:
    """The value of the environment variable ``name`` read as UTF-8, or ``None`` where it is not set.

    Python reads the environment in the locale's encoding: under a locale of ISO-8859-1, a UTF-8 script's
    ``CREWDECK_WORKSPACE=~/Café/team.db`` named ``~/CafÃ©/team.db``, which no file is, and a command sent over SSH
    (``ssh team@host add "Café"``) stored "CafÃ©".  Bytes that are not UTF-8 are kept as lone surrogates, as Python
    keeps them in a UTF-8 locale: refused by name before anything runs (``main.unusable_argument``).
    """
    if not os.supports_bytes_environ:  # an environment held as text already (Windows)
        return os.environ.get(name)
    value = os.environb.get(os.fsencode(name))
    return None if value is None else value.decode("utf-8", "surrogateescape")

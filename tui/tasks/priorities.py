"""The words a priority is written with, in quick-add (``!h``) and in the filter language (``!medium``)."""

from __future__ import annotations

PRIORITY_WORDS = {"high": "high", "h": "high", "med": "med", "medium": "med", "m": "med", "low": "low", "l": "low"}

"""Every class has a name of its own: two classes of one name read as one thing, and a search for it finds both."""

from __future__ import annotations

import re
from collections import defaultdict

from .conftest import ROOT

#: A class at the top of a module (a message nested in its widget is named by both: ``TasksPane.Loaded``).
TOP_LEVEL_CLASS = re.compile(r"^class (\w+)", re.MULTILINE)


def test_no_two_classes_share_a_name() -> None:
    where: dict[str, list[str]] = defaultdict(list)
    for folder in ("sync", "tui", "widgets"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for name in TOP_LEVEL_CLASS.findall(path.read_text("utf-8")):
                where[name].append(str(path.relative_to(ROOT)))
    shared = {name: paths for name, paths in where.items() if len(paths) > 1}
    assert not shared, shared

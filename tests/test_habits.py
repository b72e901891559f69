"""The habits that keep the code as it is: the import contracts hold, ruff finds nothing, the code is formatted."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from .conftest import ROOT

BIN = Path(sys.executable).parent


def test_the_import_contracts_hold() -> None:
    """sync reaches no UI, widgets no logic, and logic no Textual (DESIGN.md, "Layout and layering")."""
    done = subprocess.run(
        [str(BIN / "lint-imports"), str(ROOT / "pyproject.toml")], capture_output=True, text=True, cwd=ROOT.parent, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


def test_ruff_finds_nothing_and_the_code_is_formatted() -> None:
    folders = [str(ROOT / name) for name in ("sync", "tui", "widgets", "tests")]
    lint = subprocess.run([str(BIN / "ruff"), "check", *folders], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    form = subprocess.run([str(BIN / "ruff"), "format", "--check", *folders], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert form.returncode == 0, form.stdout + form.stderr

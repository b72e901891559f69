"""What the fuzz tests share: a small real workspace with something of everything, and running one example in a fresh copy."""

from __future__ import annotations

import io
import os
import shutil
import sys
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

from crewdeck.tui.cli.main import main

from .conftest import Cli


@dataclass
class Template:
    """A small workspace with something of everything, the files commands read, and its records' ids."""

    path: Path
    known: dict[str, list[str]]


def make_template(base: Path) -> Template:
    team = Cli(base / "team.db")
    assert main(["init", str(team.workspace), "--member", "ana", "--name", "Ana", "--tz", "Europe/Berlin"]) == 0
    team.ok("member", "add", "raj", "--name", "Raj", "--tz", "Asia/Kolkata")
    team.ok("campaign", "add", "Spring Launch", "--platforms", "instagram", "--audience-tz", "America/New_York")
    task = team.ok("add", "Draft carousel @raj #instagram +spring-launch !high due:fri 17:00").strip()
    series = team.ok("add", "Standup every:weekday 09:00").strip()
    mine = team.ok("ledger", "add", "--campaign", "spring-launch", "--category", "tools", "--amount", "10 EUR", "--payee", "Canva").strip()
    pending = team.ok(
        "ledger",
        "add",
        "--campaign",
        "spring-launch",
        "--category",
        "tools",
        "--amount",
        "99 EUR",
        "--payee",
        "Figma",
        "--pending",
        as_member="raj",
    ).strip()
    team.ok("budget", "set", "spring-launch", "tools", "100")
    team.ok("rate", "set", "2026-11-01", "USD/EUR", "0.92")
    token = team.ok("token", "create", "raj").split()[1]
    (base / "export.json").write_text(team.ok("export"))
    (base / "ledger.csv").write_text("date,campaign,category,payee,amount\n2026-11-20,spring-launch,tools,Figma,12\n")
    (base / "rates.csv").write_text("date,pair,rate\n2026-11-10,GBP/EUR,1.15\n")
    (base / "tw.json").write_text('[{"uuid": "11111111-2222-3333-4444-555555555555", "description": "x", "project": "p"}]')
    (base / "notes.txt").write_text("not a workspace\n")
    (base / "deep.toml").write_text("workspace = " + "[" * 3000 + "]" * 3000)
    (base / "bad.toml").write_text("theme = 3\n")
    (base / "good.toml").write_text('time_format = "12h"\n')
    known = {
        "id": [task[:8], series, "0000"],
        "ids": [task[:6], series[:8]],
        "task": [task[:8]],
        "ledger.id": [mine[:8], pending[:8]],
        "token.id": [token],
        "log.id": [task[:8], mine[:8]],
    }
    return Template(base, known)


class Example:
    """A fresh copy of the template per example, as the current directory; stdin holds the given text."""

    def __init__(self, template: Path, root: Path) -> None:
        self.template, self.root, self.count = template, root, 0

    def run(self, argv: list[str], stdin: str = "", files: dict[str, str] | None = None) -> tuple[int, str, str]:
        """``crewdeck ARGV`` in a fresh copy with ``files`` written into it: (exit status, stdout, stderr)."""
        return self.session([argv], stdin, files)[0]

    def session(self, commands: list[list[str]], stdin: str = "", files: dict[str, str] | None = None) -> list[tuple[int, str, str]]:
        """Several commands, one after the other, in one fresh copy."""
        self.count += 1
        here = self.root / f"ex{self.count}"
        shutil.copytree(self.template, here)
        for name, text in (files or {}).items():
            # Lone surrogates become the bytes a broken encoder writes: a file that is not UTF-8.
            (here / name).write_text(text, "utf-8", errors="surrogatepass")
        previous = Path.cwd()
        os.chdir(here)
        saved_stdin = sys.stdin
        results = []
        try:
            for argv in commands:
                out, err = io.StringIO(), io.StringIO()
                sys.stdin = io.StringIO(stdin)
                with redirect_stdout(out), redirect_stderr(err):
                    try:
                        code = main(argv)
                    except SystemExit as exc:  # argparse: --help, and its usage errors
                        code = exc.code if isinstance(exc.code, int) else 2
                results.append((code, out.getvalue(), err.getvalue()))
        finally:
            sys.stdin = saved_stdin
            os.chdir(previous)
            shutil.rmtree(here, ignore_errors=True)
        return results

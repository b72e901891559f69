"""What installing crewdeck puts on a machine: one import name, every module, PostgreSQL's driver only as an extra."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .conftest import ROOT, Cli

BIN = Path(sys.executable).parent
FOLDERS = ("sync", "tui", "widgets")
POSTGRES_EXTRA = "pip install 'crewdeck[postgres]'"


def _sources() -> set[str]:
    """Every file the package is made of, by its path in the repository (sync/state/store.py, ...)."""
    found = set()
    for folder in FOLDERS:
        for path in (ROOT / folder).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts and (path.suffix in (".py", ".tcss") or path.name == "py.typed"):
                found.add(path.relative_to(ROOT).as_posix())
    return found


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    """A wheel built from a copy of the sources (the repository gains no build/ or egg-info), with nothing fetched."""
    base = tmp_path_factory.mktemp("wheel")
    source = base / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    for folder in FOLDERS:
        shutil.copytree(ROOT / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__"))
    offline = ["--no-build-isolation", "--no-deps", "--no-index", "--disable-pip-version-check"]
    done = subprocess.run(
        [str(BIN / "pip"), "wheel", *offline, "--wheel-dir", str(base / "dist"), str(source)],
        capture_output=True,
        text=True,
        cwd=base,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    (built,) = (base / "dist").glob("crewdeck-*.whl")
    return zipfile.ZipFile(built)


def _dist_info(wheel: zipfile.ZipFile) -> str:
    (name,) = {n.split("/")[0] for n in wheel.namelist() if n.split("/")[0].endswith(".dist-info")}
    return name


def test_the_wheel_installs_one_import_name(wheel: zipfile.ZipFile) -> None:
    """site-packages gains crewdeck and its dist-info, never a top-level sync, tui or widgets."""
    tops = {name.split("/")[0] for name in wheel.namelist()}
    assert tops == {"crewdeck", _dist_info(wheel)}
    assert wheel.read(f"{_dist_info(wheel)}/top_level.txt").decode().split() == ["crewdeck"]
    assert "crewdeck = crewdeck.tui.cli.main:main" in wheel.read(f"{_dist_info(wheel)}/entry_points.txt").decode()


def test_the_wheel_holds_every_module_and_nothing_else(wheel: zipfile.ZipFile) -> None:
    """pyproject.toml lists the packages one by one: a new folder missing from the list is caught here."""
    packaged = {name.removeprefix("crewdeck/") for name in wheel.namelist() if name.startswith("crewdeck/")}
    sources = _sources()
    folders = {name.rsplit("/", 1)[0] for name in sources if name.endswith("/__init__.py")}
    assert {"sync/state", "tui/app/screens", "widgets"} <= folders
    assert {f"{folder}/__init__.py" for folder in folders} <= packaged, "a package folder is missing from [tool.setuptools] packages"
    assert sources - packaged == set()
    assert packaged - sources == set()


def test_postgresql_is_an_extra_of_the_wheel(wheel: zipfile.ZipFile) -> None:
    requires = [line for line in wheel.read(f"{_dist_info(wheel)}/METADATA").decode().splitlines() if line.startswith("Requires-Dist:")]
    driver = [line for line in requires if line.split()[1].startswith("psycopg")]
    assert driver and all('extra == "postgres"' in line for line in driver), requires
    assert any(line.startswith("Requires-Dist: crewdeck[postgres]") and 'extra == "test"' in line for line in requires), requires


# ---------------------------------------------------------------- without the extra

#: As if psycopg were not installed: it and its binary part cannot be found.
HIDE_PSYCOPG = """
import sys
from importlib.abc import MetaPathFinder


class NotInstalled(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("psycopg", "psycopg_binary", "psycopg_c"):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


sys.meta_path.insert(0, NotInstalled())
"""
#: ``crewdeck`` with the arguments after ``-c``, as its console script runs it.
RUN_CREWDECK = """
from crewdeck.tui.cli.main import main

sys.exit(main())
"""
DATABASE = "postgresql://crewdeck@127.0.0.1:1/crewdeck"


def _without_psycopg(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", HIDE_PSYCOPG + RUN_CREWDECK, *args], capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(
    "command",
    [
        ["serve", "--database", DATABASE],
        ["publish", "{workspace}", "--database", DATABASE],
        ["token", "create", "ana", "--database", DATABASE, "--name", "team"],
        ["token", "list", "--database", DATABASE, "--name", "team"],
        ["token", "revoke", "3f9c2a1b7d4e", "--database", DATABASE, "--name", "team"],
    ],
    ids=lambda command: " ".join(command[:2]),
)
def test_without_the_extra_a_database_command_names_it(cli: Cli, command: list[str]) -> None:
    before = cli.workspace.read_bytes()
    done = _without_psycopg("--workspace", str(cli.workspace), "--as", "ana", *(arg.format(workspace=cli.workspace) for arg in command))
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("crewdeck: error: "), done.stderr
    assert POSTGRES_EXTRA in done.stderr and "psycopg" in done.stderr
    assert cli.workspace.read_bytes() == before


def test_without_the_extra_everything_else_works(cli: Cli) -> None:
    """The file server, tokens of a workspace file and every other command need no PostgreSQL."""
    cli.ok("add", "Draft reel due:fri")
    listed = _without_psycopg("--workspace", str(cli.workspace), "--as", "ana", "tasks")
    assert listed.returncode == 0 and "Draft reel" in listed.stdout, listed.stderr
    made = _without_psycopg("--workspace", str(cli.workspace), "--as", "ana", "token", "create", "raj")
    assert made.returncode == 0 and made.stdout.splitlines()[-1].startswith("crewdeck_"), made.stderr
    hidden = subprocess.run([sys.executable, "-c", HIDE_PSYCOPG + "import psycopg"], capture_output=True, text=True, timeout=120)
    assert hidden.returncode == 1 and "No module named 'psycopg'" in hidden.stderr  # the driver really is out of reach there

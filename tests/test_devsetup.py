"""A fresh machine: `make test` gets the system packages it uses or says which are missing; `make bench` finds the peer kit or says where to put it."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT

SCRIPT = ROOT / ".ci" / "system-packages"
BASH = shutil.which("bash") or "/bin/bash"


def fake_bin(tmp_path: Path, *present: str) -> Path:
    """A PATH holding only ``present`` (as the real commands) and what the script needs to run."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name in present:
        real = shutil.which(name)
        assert real is not None, f"{name} is needed to run this test"
        (bin_dir / name).symlink_to(real)
    return bin_dir


def packages(bin_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([BASH, str(SCRIPT), *args], capture_output=True, text=True, env={"PATH": str(bin_dir)}, timeout=60)


def test_missing_packages_that_cannot_be_installed_are_named_in_one_line(tmp_path: Path) -> None:
    bin_dir = fake_bin(tmp_path, "tmux", "task", "sshd", "chromium", "openssl", "sqlite3")  # no apt-get: nothing can be installed
    done = packages(bin_dir)
    assert done.returncode == 0 and done.stdout == ""
    assert done.stderr.count("\n") == 1
    line = done.stderr
    assert line.startswith("missing system packages: hledger zsh fish (install as root: apt-get install hledger zsh fish)")
    assert "skipped without them: tests/test_ledger_hledger.py; tests/test_completion.py::test_zsh_completes_from_its_script" in line
    assert "tmux" not in line and "taskwarrior" not in line
    assert packages(bin_dir, "--required").returncode == 1  # CI: a package still missing fails the run


def test_missing_packages_are_installed_where_the_user_can(tmp_path: Path) -> None:
    bin_dir = fake_bin(tmp_path, "tmux", "task", "sshd", "chromium", "openssl", "sqlite3", "zsh", "hledger", "mkdir", "cat", "ln")
    log = tmp_path / "apt.log"
    # apt-get cannot run in a test: this one records what it was asked and "installs" fish.
    (bin_dir / "apt-get").write_text(
        f'#!{BASH}\necho "$*" >> {log}\n[ "$1" = install ] && ln -s {shutil.which("fish") or "/bin/true"} {bin_dir}/fish\nexit 0\n'
    )
    # Not root: sudo without a password, which runs the command (this one just runs it).
    (bin_dir / "sudo").write_text(f'#!{BASH}\n[ "$1" = -n ] && shift\n"$@"\n')
    for tool in ("apt-get", "sudo"):
        (bin_dir / tool).chmod(0o755)
    # PostgreSQL is found where Debian puts it, not on PATH: where it is not installed, it is asked for too.
    wanted = ("" if glob.glob("/usr/lib/postgresql/*/bin/initdb") else "postgresql ") + "fish"
    done = packages(bin_dir)
    assert done.returncode == 0, done.stderr
    assert f"installing the system packages the tests use: {wanted}" in done.stderr
    assert log.read_text().splitlines() == ["update -q", f"install -y -q --no-install-recommends {wanted}"]
    assert ("missing" in done.stderr) == ("postgresql" in wanted)  # the fake installs fish, not PostgreSQL


def test_make_test_and_ci_use_the_one_script() -> None:
    assert "bash .ci/system-packages\n" in (ROOT / "Makefile").read_text()
    assert "bash .ci/system-packages --required\n" in (ROOT / ".ci" / "run").read_text()
    readme = " ".join((ROOT / "README.md").read_text().split())
    assert ".ci/system-packages" in readme and "PEERS_DIR" in readme and "../shared/peers" in readme


def test_the_readme_names_every_system_package_the_script_installs() -> None:
    # The README named six (hledger ... fish) where the script installs ten: a team installing them by hand from the
    # README had chromium, openssh-server, openssl and sqlite3 missing, and their tests skipped.
    script = SCRIPT.read_text().split("PACKAGES=(\n")[1].split("\n)")[0]
    installed = [line.strip().strip('"').split()[0] for line in script.splitlines()]
    readme = " ".join((ROOT / "README.md").read_text().split())
    named = readme.split("(Debian packages `")[1].split("`")[0].split()
    assert named == installed


def bench(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "tests" / "bench" / "run.py"), *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=60,
    )


def test_make_bench_without_the_peer_kit_says_where_to_put_it_in_one_line(tmp_path: Path) -> None:
    done = bench({"PEERS_DIR": str(tmp_path / "nowhere")})
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("make bench: ")
    assert "../shared/peers" in done.stderr and "PEERS_DIR" in done.stderr and str(tmp_path / "nowhere") in done.stderr


def test_make_bench_finds_the_kit_where_peers_dir_says(tmp_path: Path) -> None:
    (tmp_path / "kit").mkdir()
    (tmp_path / "kit" / "gen_data.py").write_text("")
    done = bench({"PEERS_DIR": str(tmp_path / "kit")}, "--kit")
    assert (done.returncode, done.stdout) == (0, f"peer kit: {tmp_path / 'kit'}\n"), done.stderr

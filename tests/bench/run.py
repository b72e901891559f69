"""Run the benchmarks: ``make bench`` (all) or ``run.py store cli`` (some).

``--quick`` uses fewer repetitions and smaller peer runs.
"""

from __future__ import annotations

import argparse
import compileall
import importlib
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1]))

from harness import PEERS, Bench, kit_problem  # noqa: E402


def installed_like() -> None:
    """Measure crewdeck as an installed package runs: from bytecode.

    A development shell may set PYTHONDONTWRITEBYTECODE, which would make
    every measured process compile the sources again (~100 ms).
    """
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    # What is imported is the installed tree (links under build/), and its bytecode is kept there.
    compileall.compile_dir(str(HERE.parents[1] / "build"), quiet=1)


def main() -> int:
    names = sorted(p.stem.removeprefix("bench_") for p in HERE.glob("bench_*.py"))
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("only", nargs="*", help=f"benchmarks to run: {', '.join(names)}")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--kit", action="store_true", help="only say where the peer kit is")
    args = parser.parse_args()
    unknown = set(args.only) - set(names)
    if unknown:
        parser.error(f"no such benchmark: {', '.join(sorted(unknown))} (have: {', '.join(names)})")
    # Before anything runs: a clean clone without the kit learns where to put it, in one line.
    problem = kit_problem()
    if problem:
        print(f"make bench: {problem}", file=sys.stderr)
        return 2
    print(f"peer kit: {PEERS}", flush=True)
    if args.kit:
        return 0
    installed_like()
    bench = Bench(quick=args.quick)
    for name in args.only or names:
        print(f"== {name}", flush=True)
        importlib.import_module(f"bench_{name}").run(bench)
    print()
    print(bench.table())
    return 0 if all(r.ok is not False for r in bench.rows) else 1


if __name__ == "__main__":
    sys.exit(main())

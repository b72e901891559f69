"""crewdeck web in headless Chromium (Playwright, the system's /usr/bin/chromium) on 127.0.0.1.

Goals (issue 17): sign-in -> first full screen <= 2 s; a key -> changed
screen <= 100 ms median; 20 sessions open at once, one typing while the
others idle with their live refresh running: a key <= 250 ms median, and
the memory of each session's app process reported.

Times are taken in the page: a script wraps the browser's WebSocket and
stamps every terminal frame it receives with ``performance.now()``, and a
capturing keydown listener stamps each key, so a key's latency is the
first frame after it, browser to app to browser.  The first full screen
is the first moment the frames received hold the header, a task count,
the grid's and the ledger's contents and the footer (as bench_ssh reads
them).  Memory is each app process's resident set (VmRSS) in /proc.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness import CREWDECK, Bench

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.syncsupport import crewdeck
from tests.websupport import CHROMIUM, Tab, WebProcess, app_processes

#: The header, the task count, the grid's and the ledger's contents, the footer (in the order the frames bring them).
SHOWN = [re.compile(p) for p in (r"@ana \(", r"[0-9,]+ tasks", r"in hours", r"CATEGORY", r"palette")]
STAMPS = """
(() => {
  window.__frames = []; window.__keys = [];
  const Original = window.WebSocket;
  window.WebSocket = class extends Original {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (e) => {
        if (typeof e.data !== "string" && e.data.byteLength > 10) window.__frames.push(performance.now());
      });
    }
  };
  document.addEventListener("keydown", () => window.__keys.push(performance.now()), true);
})();
"""


def _link(workspace: Path, url: str) -> str:
    out = crewdeck("-w", str(workspace), "--as", "ana", "web", "link", "@ana", "--expires", "1h", "--url", url)
    return out.strip().splitlines()[1]


def _signed_in(tab: Tab, url: str) -> float:
    """Seconds from pressing the link's button to the first full screen."""
    tab.page.goto(url)
    started = time.perf_counter()
    tab.page.click("#use-link")
    tab.wait_for(lambda: all(p.search(tab.text()) for p in SHOWN), "the first full screen")
    return time.perf_counter() - started


def _key_latency(tab: Tab, key: str) -> float:
    """Milliseconds from a key down in the page to the first frame after it."""
    tab.page.keyboard.press(key)
    tab.page.wait_for_function("window.__keys.length && window.__frames.some(t => t > window.__keys[window.__keys.length - 1])")
    return float(
        tab.page.evaluate("(() => { const k = window.__keys[window.__keys.length - 1]; return window.__frames.find(t => t > k) - k; })()")
    )


def _keys(tab: Tab, count: int) -> list[float]:
    tab.page.focus(".xterm-helper-textarea")
    # Settle: the first screen's last frames are not a key's.
    tab.page.wait_for_timeout(1000)
    latencies = []
    for index in range(count):
        latencies.append(_key_latency(tab, "j" if index % 4 < 2 else "k"))
        tab.page.wait_for_timeout(50)
    return latencies


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def run(bench: Bench) -> None:
    from playwright.sync_api import sync_playwright

    runs = 3 if bench.quick else 7
    directory = Path(tempfile.mkdtemp(prefix="crewdeck-bench-web-"))
    workspace = directory / "demo.db"
    subprocess.run([CREWDECK, "demo", str(workspace)], check=True, stdout=subprocess.DEVNULL)
    web = WebProcess(workspace).start()
    try:
        with sync_playwright() as playwright:
            # Each terminal draws with WebGL; Chromium keeps 16 contexts alive by default, and the 17th session's would take the first's.
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--max-active-webgl-contexts=64"])

            def new_tab() -> Tab:
                # The page polls with wait_for_function, which evaluates a string: past the CSP (not what is measured).
                context = browser.new_context(viewport={"width": 1280, "height": 800}, bypass_csp=True)
                context.add_init_script(STAMPS)
                return Tab(context.new_page())

            warm = new_tab()
            _signed_in(warm, _link(workspace, web.url))  # the page cache and the bytecode
            warm.page.context.close()
            starts = []
            for _ in range(runs):
                tab = new_tab()
                starts.append(_signed_in(tab, _link(workspace, web.url)))
                tab.page.context.close()
            first = statistics.median(starts)
            bench.record(
                "web",
                "sign-in -> first full screen (median)",
                first * 1000,
                "ms",
                goal="<= 2000 ms",
                ok=first <= 2.0,
                detail=f"{runs} runs, demo workspace, 1280x800",
            )

            tab = new_tab()
            _signed_in(tab, _link(workspace, web.url))
            one = statistics.median(_keys(tab, 20 if bench.quick else 40))
            bench.record("web", "a key -> changed screen, one session (median)", one, "ms", goal="<= 100 ms", ok=one <= 100)

            others = []
            for _ in range(19):
                other = new_tab()
                _signed_in(other, _link(workspace, web.url))
                others.append(other)
            apps = app_processes(web.proc.pid if web.proc else 0)
            crowd = statistics.median(_keys(tab, 20 if bench.quick else 40))
            bench.record("web", "a key -> changed screen, 20 sessions open (median)", crowd, "ms", goal="<= 250 ms", ok=crowd <= 250)
            memory = [_rss_kib(pid) for pid in apps]
            bench.record("web", "load average (1 min) during the run", os.getloadavg()[0], "", detail=f"{os.cpu_count()} cores")
            bench.record(
                "web",
                "memory per session (app process RSS, median)",
                statistics.median(memory) / 1024,
                "MiB",
                detail=f"{len(memory)} apps, {sum(memory) / 1024:.0f} MiB in all; server {_rss_kib(web.proc.pid if web.proc else 0) / 1024:.0f} MiB",
            )
            browser.close()
    finally:
        web.stop()

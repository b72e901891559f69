"""What a script running a command needs from its ``--help``: its exit statuses and where its output goes."""

from __future__ import annotations

#: What exit status 1 means, by command (its ``prog``); every other command exits 0, 2, 3 or 75 (and 130 when interrupted).
#: A filter that matches nothing exits 1 as Taskwarrior's reports do; the commands' own code returns these.
STATUS_ONE = {
    "crewdeck tasks": "a filter matched no task (with --json: [] and 0)",
    "crewdeck post list": "a filter matched no post (with --json: [] and 0)",
    "crewdeck ledger list": "a filter or --period matched no entry (with --json: [] and 0)",
    "crewdeck set": "the filter matched no task: nothing written",
    "crewdeck done": "the filter matched no task: nothing written",
    "crewdeck rm": "the filter matched no task: nothing written",
    "crewdeck overlap": "no slot found (with --json: [] and 0), or --book had none to book",
    "crewdeck doctor": "problems remain (listed; --repair fixes what it can)",
    "crewdeck config show": "the app refuses a setting (each said on standard error)",
    "crewdeck serve": "stopped with requests still open (cut after the grace period)",
    "crewdeck ssh-session": "the command it ran found nothing (its own status, as that command's --help says)",
}

#: Where a command's 75 is not what it says of itself, by command: the same command run again would never pass.
STATUS_75_NOT = {
    "crewdeck join": "a first sync stopped after the replica was created exits 2: run the sync its line gives, not join again",
}


def exit_status_help(prog: str, *, json_option: bool) -> str:
    """The section that ends ``prog``'s ``--help``: ``json_option`` when the command takes ``--json``."""
    one = STATUS_ONE.get(prog)
    if prog == "crewdeck":
        one = "nothing matched or problems remain (tasks, post list, ledger list, set, done, rm, overlap, doctor, ...: see each --help)"
    lines = [
        "exit status:",
        "  0  done",
        *([f"  1  {one}"] if one else []),
        "  2  an error or a refusal by the rules: said on standard error, what and where",
        "  3  the change was made, but its output could not all be written (a full disk): said on standard error with",
        "     the records it changed; do not run it again",
        "  75  try again later (EX_TEMPFAIL of sysexits.h): the workspace stayed locked by another process past the wait,",
        "      or the sync server was out of reach or busy; said on standard error",
        *([f"      ({STATUS_75_NOT[prog]})"] if prog in STATUS_75_NOT else []),
        "  130  interrupted (Ctrl-C)",
        "Standard output carries the result alone (a listing, an export, a new id); notes, warnings and errors go to",
        "standard error; a progress meter only on a terminal. A pipe or a file gets no colours nor escape sequences.",
    ]
    if json_option:
        lines.append("--json: one JSON document on standard output, its keys as the README lists them.")
    return "\n".join(lines) + "\n"

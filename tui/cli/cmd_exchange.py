"""Moving whole workspaces in and out: export and import."""

from __future__ import annotations

import argparse
import csv
import io
import os
import re
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from crewdeck.sync.state.pathnames import system_name
from crewdeck.sync.state.records import load_json
from crewdeck.sync.state.visible import visible
from crewdeck.tui.cli.common import Context, Meter, bad_rows_listed, open_input, progress, read_input, stream_output, write_output
from crewdeck.tui.cli.unwinding import unwound_on_stop
from crewdeck.tui.cli.zone_given import given_zone
from crewdeck.tui.workspace import exchange
from crewdeck.tui.workspace.errors import UserError, bad_counted, empty_file, located, not_utf8, source_name, stopped_by
from crewdeck.tui.workspace.jsonstream import EmptyFile, NotJson, NotUtf8
from crewdeck.tui.workspace.separators import CsvLines
from crewdeck.tui.workspace.utf16 import Utf8, text_encoding
from crewdeck.tui.workspace.words import counted
from crewdeck.tui.workspace.workspace import Member, Workspace

if TYPE_CHECKING:
    from crewdeck.tui.workspace.merging import Merge

#: The formats ``--map-status`` goes with (``crewdeck.tui.tasks.imports``).
FOREIGN = ("trello", "asana", "linear")
#: The sources whose newer export changes only what nobody changed since the last import (``lastimport.Guard``).
GUARDED = (*FOREIGN, "taskwarrior")


def cmd_export(ctx: Context) -> int:
    a = ctx.args
    if a.ics:
        if a.json:
            raise UserError("export: --ics and --json are two formats; pick one")
        from crewdeck.tui.time.ics import calendar

        member = ctx.ws.member_by_handle(a.member) if a.member else None
        write_output(a.output, calendar(ctx.ws, ctx.now, member).decode("utf-8"))
        return 0
    if a.member:
        raise UserError("export: --member goes with --ics (the JSON export is the whole workspace)")
    store = ctx.ws.store
    stream_output(a.output, lambda write: exchange.write_export(store, write))
    return 0


#: What ``import`` reads without ``--from``: a file ``crewdeck export`` wrote.
CREWDECK_EXPORT = "a crewdeck export"


def cmd_import(ctx: Context) -> int:
    if not ctx.args.dry_run:
        return _import(ctx)
    # A dry run killed (``timeout``, a service's stop) leaves no private copy of the workspace behind in a temporary
    # directory; a real import is left to die at once, its transaction rolled back by SQLite, not after a lock wait.
    with unwound_on_stop():
        return _import(ctx)


def _import(ctx: Context) -> int:
    # Imported here: ``export`` of a large workspace is often timed, and starts without the import's modules.
    from crewdeck.sync.state.rules import Refused, task_change_refused
    from crewdeck.tui.workspace import merging

    source = ctx.args.file
    if ctx.args.map_status and ctx.args.source not in FOREIGN:
        raise UserError(f"--map-status goes with --from {'|'.join(FOREIGN)}")
    ws = ctx.ws
    # Into a workspace nobody is in yet, the import speaks for no one.
    me = ctx.me if ws.members() else ctx.me_or_none()
    if me is not None and ctx.args.source in GUARDED:
        # Said first, before the file is read: these bring tasks, and a guest changes none (a crewdeck export's records
        # are judged one by one).
        refusal = task_change_refused(me.facts())
        if refusal is not None:
            raise Refused(refusal)
    runs_of = _pulled_first(ctx)
    default_tz = given_zone(ctx.args.default_tz, "--default-tz", ctx) if ctx.args.default_tz else None
    # A file refused whole says "nothing imported: FILE: ..." from every import, as Trello's, Asana's and Linear's said it.
    with bad_rows_listed(source_name(source)):
        other = _another_format(source, ctx.args.source)
        if other is not None:  # where it read "not JSON: Expecting value: line 1 column 1 (char 0)", or JSON's words
            what, fmt = other
            right = "no --from" if fmt == "crewdeck" else f"--from {fmt}"
            raise UserError(f"{source_name(source)}: {what}, not {_FORMATS[ctx.args.source]}: import it with {right}")
        if ctx.args.source == "taskwarrior":
            return _import_taskwarrior(ctx, me, default_tz, runs_of)
        if ctx.args.source in FOREIGN:
            return _import_foreign(ctx, me, default_tz, runs_of)
        if not merging.has_data(ws):
            return _restore(ctx, me)
        return _merge(ctx, me, default_tz, runs_of)


#: Seconds the pull before an import waits for each answer: a server that took the connection and never answers is
#: said in this time, where the sync's 30 s (``remote.TIMEOUT``) left the person at a silent prompt.
PULL_FIRST_TIMEOUT = 10.0
#: What an import on a joined replica that does not pull first risks, and counts (``_pulled_first``).
MAY_BE_REPLACED = "edits teammates synced since your last pull may be replaced"
IMPORTS_MADE_HERE = f"fields changed since the last import made here are kept; {MAY_BE_REPLACED}"
#: The same, of a crewdeck export, whose values win over every edit here (``merging``): only the risk.
OFFLINE_RISKS = {"crewdeck": MAY_BE_REPLACED}


def _pulled_first(ctx: Context) -> frozenset[str] | None:
    """On a joined replica, what the server holds pulled before the import reads the workspace: an edit made elsewhere
    and not pulled yet would lose to the import's later stamp, said nowhere (a crewdeck export's too: a teammate's
    publish not pulled yet read as no publish, and the file's copy went over what went out).  Every earlier import then
    counts, wherever it was made (``lastimport``: nobody changed the field since, as far as this copy has pulled); ``None``.

    Where the pull fails, a real import is refused: counting only the imports made on this replica (its nodes) still
    lets its own last import's stamp win over a teammate's edit synced since this replica's last pull.  ``--offline``
    imports as the copy stands, without pulling, and a dry run (it writes nothing) goes on; each says so in a line."""
    from crewdeck.sync.client.remote import Client, Remote, SyncError, pull_untold

    store = ctx.ws.store
    remote = Remote.of(store)
    if remote is None:
        return None  # a shared file or a workspace of its own: it holds every edit made to it
    here = frozenset((store.node, *store.former_nodes()))
    if ctx.args.offline:
        print(visible(f"not pulled from {remote.url} first (--offline): {OFFLINE_RISKS.get(ctx.args.source, IMPORTS_MADE_HERE)}"))
        return here

    client = Client(remote.url, remote.token, remote.workspace, timeout=PULL_FIRST_TIMEOUT)
    try:
        pull_untold(store, client, lambda done, total: progress(done, total, "pulling"))
    except SyncError as exc:
        # The error's first clause says what happened; the rest is a sync's advice, which the line gives its own.
        why = f"could not pull from {remote.url} first ({str(exc).split('; ', 1)[0]})"
        if not ctx.args.dry_run:
            raise stopped_by(
                exc, f"import: {why}: run crewdeck sync when it answers, or add --offline to import as this copy stands ({MAY_BE_REPLACED})"
            ) from None
        print(visible(f"{why}: what would change is read from this copy as last pulled, counting the imports made here"))
        return here
    finally:
        client.close()
    return None


#: How much of a file ``_another_format`` looks at.
_HEAD = 65_536

#: What each ``--from`` reads, as a file of another is said not to be one.
_FORMATS = {
    "crewdeck": CREWDECK_EXPORT,
    "taskwarrior": "a Taskwarrior export",
    "trello": "a Trello board's JSON export",
    "asana": "an Asana CSV export",
    "linear": "a Linear CSV export",
}

#: How a crewdeck export opens (``exchange.write_export``): its "format" first.
_CREWDECK_OPENING = re.compile(r'\{\s*"format"\s*:\s*"' + re.escape(exchange.FORMAT) + '"')


def _another_format(path: str, given: str) -> tuple[str, str] | None:
    """What the file given to ``import --from given`` is (what it is, and its ``--from``) when its start shows it is the
    export of another tool crewdeck reads, and not one ``given`` reads; ``None`` otherwise, and for what is not a regular
    file (standard input, a pipe: ``<(cat export.json)``), read once: its start read here would be gone for the import."""
    if path == "-":
        return None
    try:
        if not stat.S_ISREG(os.stat(system_name(path)).st_mode):
            return None
        with open(system_name(path), "rb") as stream:
            encoding = text_encoding(stream)
            text = stream.read(_HEAD).decode(encoding, errors="replace").lstrip("\ufeff \t\r\n")
    except (OSError, LookupError):
        return None  # said by the import itself, as it always was
    found = _formats_of(text)
    # A file that reads as the one given too (an Asana CSV with columns named ID and Title) is left to its import.
    return None if any(fmt == given for _, fmt in found) else next(iter(found), None)


def _formats_of(text: str) -> list[tuple[str, str]]:
    """The formats the start of a file shows it is in, each as (what it is, its ``--from``)."""
    if text.startswith("[") and '"uuid"' in text:  # a crewdeck export is an object: a list of uuids is Taskwarrior's
        return [("a JSON list, as Taskwarrior's task export writes", "taskwarrior")]
    if text.startswith("{"):
        if _CREWDECK_OPENING.match(text):
            return [(CREWDECK_EXPORT, "crewdeck")]
        # Trello's board export names its board on every card and list; a crewdeck export opens with its "format".
        if exchange.FORMAT not in text and ('"idBoard"' in text or '"shortLink"' in text):
            return [("a Trello board's JSON export", "trello")]
        return []
    lines = CsvLines(io.StringIO(text, newline=""))
    opening = lines.opening()[1]
    header = {cell.strip().casefold() for cell in next(csv.reader([opening], delimiter=lines.separator(opening)), [])}
    found = [("an Asana CSV export", "asana")] if {"task id", "name"} <= header else []
    return found + ([("a Linear CSV export", "linear")] if {"id", "title"} <= header else [])


def _merge(ctx: Context, me: Member | None, default_tz: str | None, runs_of: frozenset[str] | None) -> int:
    """A crewdeck export into a workspace with data: merged, every record judged as ``me``'s write; a dry run on a private
    copy of the workspace (``Store.rehearsal``), which it only reads.  ``runs_of``: the nodes whose earlier imports count
    (``lastimport.Guard``); ``None``: every node's."""
    with _rehearsed(ctx) as ws:
        merge = _merged(ctx, ws, me, default_tz, runs_of)
    print(visible(merge.said(planned=ctx.args.dry_run)))
    return 0


@contextmanager
def _rehearsed(ctx: Context) -> Iterator[Workspace]:
    """The workspace an import writes to: a private copy of it for a dry run (``Store.rehearsal``)."""
    if not ctx.args.dry_run:
        yield ctx.ws
        return
    with ctx.ws.store.rehearsal() as store:
        rehearsed = Workspace(store)
        rehearsed.reader = ctx.ws.reader
        yield rehearsed


def _merged(ctx: Context, ws: Workspace, me: Member | None, default_tz: str | None, runs_of: frozenset[str] | None) -> Merge:
    from crewdeck.tui.workspace import merging
    from crewdeck.tui.workspace.lastimport import CREWDECK_SOURCE, Guard, remember

    source = ctx.args.file
    text = read_input(source)
    name = source_name(source)
    if not text.strip():  # said as every import says it, where JSON's words were "Expecting value: line 1 column 1"
        raise UserError(empty_file(name, CREWDECK_EXPORT))
    try:
        try:
            doc = load_json(text)
        except ValueError as exc:
            raise UserError(f"{name}: not JSON: {exc}") from None
        where: dict[str, str] = {}
        plan = exchange.plan_import(doc, name, where)
        merge_from = merging.export_source(plan, name, where)
        # A publish an earlier import wrote (a restore's too) follows the file; one a member made here stays as it went out.
        guard = Guard(ws.conn, CREWDECK_SOURCE, runs_of)
        merge_from.publish_imported = lambda post_id: guard.wrote(post_id, "post_state", unnamed=True)
        merge = merging.plan_merge(ws, me, merge_from, default_tz=default_tz)
        if not merge.changes_nothing:
            merging.write_merge(ws, me, merge, lambda done, total: progress(done, total, "writing"), remember(CREWDECK_SOURCE))
    except exchange.ImportProblems as exc:
        raise _nothing_imported(exc, source) from None
    return merge


def _restore(ctx: Context, me: Member | None) -> int:
    """A restore into a workspace with no data: it becomes the export, authors and all, read and written as the file is read
    (a dry run: into a private copy of the workspace)."""
    source = ctx.args.file
    with (
        _rehearsed(ctx) as ws,
        open_input(source) as (stream, size),
        _streamed_import(source, CREWDECK_EXPORT),
        Meter("importing") as meter,
    ):
        # UTF-16 (an editor's, its byte order mark says so) read as UTF-8 as it goes, as a merge's whole reading reads it.
        planned = exchange.restore(
            ws.store, me.id if me else "", Utf8(stream), source_name(source), lambda: meter(stream.tell(), size) if size else None
        )
    print(
        f"dry run, nothing written: would import {counted(planned, 'record')}"
        if ctx.args.dry_run
        else f"imported {counted(planned, 'record')}"
    )
    return 0


@contextmanager
def _streamed_import(source: str, expected: str) -> Iterator[None]:
    """A file read as it is written in: what goes wrong on the way, in one line (nothing was written)."""
    try:
        yield
    except NotUtf8 as exc:
        raise UserError(not_utf8(source_name(source), source, exc)) from None
    except EmptyFile:
        raise UserError(empty_file(source_name(source), expected)) from None
    except NotJson as exc:
        raise UserError(f"{source_name(source)}: not {expected}: {exc}") from None
    except exchange.ImportProblems as exc:
        raise _nothing_imported(exc, source) from None


def _import_taskwarrior(ctx: Context, me: Member | None, default_tz: str | None, runs_of: frozenset[str] | None) -> int:
    """Read a record at a time, write a batch at a time, in one transaction."""
    from crewdeck.tui.tasks import taskwarrior
    from crewdeck.tui.workspace import merging
    from crewdeck.tui.workspace.lastimport import Guard, remember

    source = ctx.args.file
    # As from Trello, Asana and Linear: a newer export changes only what nobody changed in crewdeck since the last import.
    # A record is named by its uuid, as Taskwarrior calls it: its "id" is the working set's number, another field.
    guard = Guard(ctx.ws.conn, taskwarrior.SOURCE_KEY, runs_of)
    head = merging.Source(source_name(source), [], [], id_field="uuid", edited_here=guard.edited_here, emptied=taskwarrior.EMPTIED)
    problems: list[str] = []
    with open_input(source) as (stream, size):
        # A UTF-16 export (a Windows tool's, its byte order mark says so) is read as UTF-8 a chunk at a time.
        records = taskwarrior.records(Utf8(stream))
        batches = taskwarrior.batches(records, ctx.ws, me, head, problems, ctx.args.project_prefix, ctx.now)
        with _streamed_import(source, "a Taskwarrior export"), Meter("importing") as meter:
            merge = merging.merge_stream(
                ctx.ws,
                me,
                head,
                batches,
                problems,
                default_tz=default_tz,
                write=not ctx.args.dry_run,
                remember=remember(taskwarrior.SOURCE_KEY),
                on_progress=lambda _: meter(stream.tell(), size) if size else None,
            )
    print(visible(merge.said(planned=ctx.args.dry_run)))
    return 0


def _import_foreign(ctx: Context, me: Member | None, default_tz: str | None, runs_of: frozenset[str] | None) -> int:
    """Trello, Asana or Linear: the summary; or every bad record on its own line, then one error."""
    from crewdeck.tui.tasks import imports

    a = ctx.args
    try:
        with Meter("importing") as meter:
            planned = imports.run(
                a.source,
                a.file,
                ctx.ws,
                me,
                map_status=a.map_status,
                default_tz=default_tz,
                dry_run=a.dry_run,
                on_progress=meter,
                runs_of=runs_of,
            )
    except exchange.ImportProblems as exc:
        raise _nothing_imported(exc, a.file, "record" if a.source == "trello" else "row") from None
    for line in planned.summary(a.dry_run):
        print(visible(line))
    return 0


def _nothing_imported(exc: exchange.ImportProblems, file: str, noun: str = "record") -> UserError:
    """The error an import that wrote nothing ends with, as ``ledger import`` and ``kpi import`` end: each bad row or
    record on a line of its own (``FILE:LINE: column: problem``, ``FILE: card 3 (“name”): field: problem``: an editor
    jumps to one), then how many (a lone bad record was "nothing imported: FILE: ..." on one line, a file of many "N
    bad records", naming no file); a file refused whole, for one problem naming no record, in one line."""
    name = source_name(file)
    if len(exc.problems) == 1 and located(exc.problems[0], name) is None:
        return UserError(f"nothing imported: {exc.problems[0]}")
    for problem in exc.problems:
        sys.stderr.write(visible(problem) + "\n")
    # A --map-status name the file never uses is listed with them, and is no record: counted apart.
    records = [problem for problem in exc.problems if not problem.startswith("--map-status: ")]
    unused = len(exc.problems) - len(records)
    said = [bad_counted(records, name, noun)] if records else []
    if unused:
        said.append(f"{counted(unused, '--map-status name')} the file never uses")
    return UserError(f"nothing imported: {' and '.join(said)} (listed above)")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser], parents: list[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "export",
        parents=parents,
        help="export the whole workspace",
        description="Export every record as JSON (stable order: converged replicas export identical text), "
        "or with --ics the open tasks' deadlines, publish slots and meetings as an iCalendar file.",
    )
    p.add_argument("--json", action="store_true", help="JSON of the whole workspace (the default)")
    p.add_argument("--ics", action="store_true", help="an RFC 5545 calendar of deadlines, publish slots and meetings")
    p.add_argument("--member", metavar="HANDLE", help="with --ics: only this member's tasks and meetings")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser(
        "import",
        parents=parents,
        help="import an export, a Taskwarrior export, a Trello board, an Asana or a Linear CSV",
        description="Import a crewdeck export, or with --from taskwarrior the output of `task export`, --from trello a board's "
        "JSON export, --from asana a project's CSV export, --from linear an issues CSV export. All or nothing. "
        "Into an empty workspace an export is restored as it was; into one that has data every import merges: "
        "members matched by handle, records by id, written as you (the source's authors kept as text), "
        "and a second import of the same file changes nothing. A newer Taskwarrior, Trello, Asana or Linear export changes "
        "only the fields nobody changed in crewdeck since the last import (an edit made since wins and is listed); "
        "Trello cards, Asana tasks and Linear issues no longer in the file are left alone and listed.",
    )
    p.add_argument("file", help="the file to import (- for standard input)")
    p.add_argument("--from", dest="source", choices=["crewdeck", "taskwarrior", *FOREIGN], default="crewdeck", help="the file's format")
    p.add_argument("--project-prefix", default="", metavar="PREFIX", help="Taskwarrior: strip this from project names (e.g. campaign.)")
    p.add_argument(
        "--default-tz", metavar="ZONE", help="the time zone of a member the file names without one (added by a manager's import)"
    )
    p.add_argument(
        "--map-status",
        action="append",
        default=[],
        metavar="SOURCE=STATUS",
        help='Trello/Asana/Linear: the status for a list, section or status of the file (repeatable), e.g. "Later=todo"',
    )
    p.add_argument(
        "--dry-run",
        action="store_true",
        help="print what would change and write nothing (Trello/Asana/Linear: the status mapping too)",
    )
    p.add_argument(
        "--offline",
        action="store_true",
        help="on a joined replica: import without pulling from the server first (edits teammates synced since your last "
        "pull may be replaced; from Taskwarrior, Trello, Asana and Linear only imports made here count)",
    )
    p.set_defaults(func=cmd_import)

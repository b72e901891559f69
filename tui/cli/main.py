"""``crewdeck``: the app with no command, a subcommand for everything else.

Importing this module must stay cheap: Textual is imported only when the
app starts, and each command imports what only it needs.
"""

from __future__ import annotations

import argparse
import codecs
import errno
import importlib
import io
import os
import re
import sqlite3
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from crewdeck.sync.state.ids import SHORT_LEN
from crewdeck.sync.state.lockwait import gave_up_waiting
from crewdeck.sync.state.pathnames import read_by_the_locale
from crewdeck.sync.state.visible import cut, visible
from crewdeck.tui.cli.changes_made import EXIT_CHANGE_MADE, output_lost
from crewdeck.tui.cli.common import ENV_MEMBER, ENV_WORKSPACE, Context
from crewdeck.tui.cli.exit_status import exit_status_help
from crewdeck.tui.time.when import ENV_NOW
from crewdeck.tui.workspace.config import ENV_CONFIG
from crewdeck.tui.workspace.environment import variable
from crewdeck.tui.workspace.errors import Ambiguous, one_line_errors, try_later_errors, undecodable

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer, SupportsWrite

#: Each module adds its commands with ``register(subparsers, parents)``; the
#: app opens without importing them.
COMMAND_MODULES = [
    "cmd_workspace",
    "cmd_tasks",
    "cmd_show",
    "cmd_exchange",
    "cmd_time",
    "cmd_ledger",
    "cmd_kpi",
    "cmd_sync",
    "cmd_config",
    "cmd_doctor",
    "cmd_ssh",
    "cmd_completion",
    "cmd_posts",
    "cmd_settings",
    "cmd_web",
]

#: Which module registers each command: a command line names one, and only
#: that module is imported to parse it (importing them all costs ~100 ms).
#: A command missing here still works: it is parsed with every module.
COMMAND_OF = {
    "init": "cmd_workspace", "demo": "cmd_workspace", "member": "cmd_workspace", "campaign": "cmd_workspace",
    "add": "cmd_tasks", "tasks": "cmd_tasks", "set": "cmd_tasks", "done": "cmd_tasks", "rm": "cmd_tasks", "log": "cmd_tasks",
    "undo": "cmd_tasks", "annotate": "cmd_tasks",
    "export": "cmd_exchange", "import": "cmd_exchange",
    "overlap": "cmd_time", "zones": "cmd_time",
    "ledger": "cmd_ledger", "budget": "cmd_ledger", "rate": "cmd_ledger",
    "serve": "cmd_sync", "token": "cmd_sync", "join": "cmd_sync", "sync": "cmd_sync", "publish": "cmd_sync",
    "config": "cmd_config",
    "doctor": "cmd_doctor",
    "show": "cmd_show", "completion": "cmd_completion", "kpi": "cmd_kpi",
    "post": "cmd_posts", "crisis": "cmd_posts", "workspace": "cmd_settings",
    # sshd runs ssh-session at every login: its start counts.
    "ssh": "cmd_ssh", "ssh-session": "cmd_ssh",
    "web": "cmd_web",
}  # fmt: skip

EXIT_USAGE = 2
#: Nothing was done, and the same command may succeed later (the workspace locked past the wait, the server out of
#: reach): ``EX_TEMPFAIL`` of sysexits.h, what mail and backup tools exit with for "try again".
EXIT_TRY_LATER = 75


class Parser(argparse.ArgumentParser):
    """argparse, with usage errors as one line like every other error, and a command's ``examples`` (whole command
    lines, each as typed) at the end of its ``--help``, kept as they are written."""

    def __init__(self, *args: Any, examples: Sequence[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.examples = tuple(examples)
        #: The words after the command's (``crewdeck 1a2b3c4d rm``'s ``rm``): an id typed first is told with the command
        #: typed after it, never with another.
        self.after_command: list[str] = []

    def format_help(self) -> str:
        text = super().format_help()
        if self.examples:
            text += "\nexamples:\n" + "".join(f"  {line}\n" for line in self.examples)
        json_option = any("--json" in action.option_strings for action in self._actions)
        return text + "\n" + exit_status_help(self.prog, json_option=json_option)

    def error(self, message: str) -> NoReturn:
        commands = self._commands()
        if commands is not None and message == f"the following arguments are required: {commands.metavar}":
            message = f"{self.prog} needs a command: {', '.join(commands.choices)}"
        self.exit(EXIT_USAGE, f"crewdeck: error: {shortened(visible(message))} (see: {visible(self.prog)} --help)\n")

    def _print_message(self, message: str, file: SupportsWrite[str] | None = None) -> None:
        # argparse drops a failed write of --help or a usage line; to standard output it is said (a full disk) or let
        # go (a reader gone) as any command's output is (standard error drops its own: ``_NamedStream``).
        if message:
            (file or sys.stderr).write(message)

    def _commands(self) -> argparse._SubParsersAction[argparse.ArgumentParser] | None:
        return next((a for a in self._actions if isinstance(a, argparse._SubParsersAction)), None)

    def _check_value(self, action: argparse.Action, value: Any) -> None:
        # A mistyped command is named as typed, with the commands it may have meant, as git does; argparse
        # said "invalid choice" and listed every command in quotes.
        if isinstance(action, argparse._SubParsersAction) and value not in action.choices:
            import difflib  # only for a mistyped command: every command line starts here

            said = f"{self.prog} {value}".removeprefix("crewdeck ")
            close = difflib.get_close_matches(value, list(action.choices), n=3, cutoff=0.6)
            habit = _taskwarrior_habit(value, self.after_command, action.choices, bool(close)) if self.prog == "crewdeck" else None
            if habit:
                hint = f": {habit}"
            elif close:
                hint = f" (did you mean {', '.join(f'{self.prog} {c}'.removeprefix('crewdeck ') for c in close)}?)"
            else:
                hint = f"; the commands: {', '.join(action.choices)}"
            self.error(f"unknown command '{said}'{hint}")
        super()._check_value(action, value)

    def _get_values(self, action: argparse.Action, arg_strings: list[str]) -> Any:
        # Python 3.11 drops the "--" of "--sort=--" and stores an empty list, unchecked by
        # type and choices (3.12 keeps "--" as the value): read it as 3.12 does.
        if isinstance(action, argparse._SubParsersAction):
            self.after_command = arg_strings[1:]
        if arg_strings == ["--"] and action.option_strings and action.nargs is None:
            value = self._get_value(action, "--")
            self._check_value(action, value)
            return value
        return super()._get_values(action, arg_strings)


#: Taskwarrior's commands typed by habit -> crewdeck's: "next" was told "did you mean export?", "list" every command.
_TASKWARRIOR_COMMANDS = {
    "list": "tasks", "next": "tasks", "ls": "tasks", "long": "tasks", "minimal": "tasks", "ready": "tasks",
    "all": "tasks all", "completed": "tasks status:done", "waiting": "tasks snoozed", "active": "tasks status:doing",
    "overdue": "tasks overdue", "modify": "set ID FIELD=VALUE", "delete": "rm ID", "info": "show ID",
    "start": "set ID status=doing", "stop": "set ID status=todo", "projects": "campaign list",
}  # fmt: skip
#: How a filter's term begins (``+launch``, ``#old``, ``@raj``, ``!high``, ``-#draft``): with ``:`` in it (``due:today``),
#: a word read as a filter before its command even where a command is close to it.
_FILTER_MARKS = ("+", "#", "@", "!", "-")
#: A word that reads as a task's id (a hex prefix with a digit) or Taskwarrior's number: typed before its command.
_ID_FIRST = r"(?=[0-9a-f]*[0-9])[0-9a-f]{1,32}\Z"


def _taskwarrior_habit(word: str, after: Sequence[str], commands: Mapping[str, argparse.ArgumentParser], close: bool) -> str | None:
    """What crewdeck calls a Taskwarrior command typed in its place, or says of an id typed before its command
    (``task 3 done``'s order): both read as a mistyped command, with the wrong one suggested or every one listed.

    ``after``: the words typed after ``word``.  An id first is told with the command typed after it (``rm``; Taskwarrior's
    ``modify`` as ``set``), else with ``show`` (a bare ``task 3`` is Taskwarrior's ``info``): a line told another command
    than the one typed (``done``), pasted, closed the task a user meant to delete, or only to read.

    ``close``: whether a command is close to ``word``: a word of no filter's shape (``ad``, ``shw``) is then a mistyped
    command, said so, not a filter before the command that happens to follow it (``crewdeck ad Fix the rm script``)."""
    if word in _TASKWARRIOR_COMMANDS:
        return f"Taskwarrior's {word} is crewdeck {_TASKWARRIOR_COMMANDS[word]} here"
    if not re.match(_ID_FIRST, word):
        return _filter_first(word, after) if word.startswith(_FILTER_MARKS) or ":" in word or not close else None
    command = after[0] if after else ""
    if command in commands:
        group = commands[command]
        sub = group._commands() if isinstance(group, Parser) else None
        if sub is not None:  # post approve: its id after both words
            command, after = (f"{command} {after[1]}", after[1:]) if after[1:2] and after[1] in sub.choices else (f"{command} COMMAND", [])
        line = f"{command} ID" + (" ..." if after[1:] else "")
    elif "ID" in _TASKWARRIOR_COMMANDS.get(command, ""):  # modify: set ID FIELD=VALUE
        line = _TASKWARRIOR_COMMANDS[command]
    else:  # nothing, an option or a word of no command: reading the task is what nothing can harm
        line = "show ID"
    if word.isdigit() and len(word) < SHORT_LEN:  # 1234 is Taskwarrior's; an id as crewdeck tasks shows it has 8 digits
        return f"Taskwarrior's numbers are no ids here: crewdeck tasks lists each task's ID, which goes after its command (crewdeck {line})"
    return f"an id goes after its command here, as in crewdeck {line.replace('ID', word, 1)} (Taskwarrior's order, id first, is not read)"


#: The commands Taskwarrior reads after a filter (``task +launch done``), as crewdeck writes them with the filter after;
#: without --yes, so that the line pasted lists what the filter matches before anything is written.
_FILTER_COMMANDS = {
    "done": "done {}", "rm": "rm {}", "delete": "rm {}", "set": "set {} {}", "modify": "set {} {}",
    **dict.fromkeys(("tasks", "list", "next", "ls", "long", "minimal", "ready"), "tasks {}"),
}  # fmt: skip


def _filter_first(word: str, after: Sequence[str]) -> str | None:
    """What is said of a filter typed before its command, Taskwarrior's ``task +launch done`` order, where every command
    was listed as for a mistyped one: the command as crewdeck writes it, the filter after it (set's FIELD=VALUE as typed
    where they are written so, and any other command's words after it kept, after the filter); ``None`` when no word
    after ``word`` is such a command."""
    import shlex

    # Never --yes, however shortened (argparse takes --ye and --y) or wherever typed: the line pasted is to list what it
    # matches first, not to write what nobody was shown.
    kept = [typed for typed in after if not (len(typed) >= 3 and "--yes".startswith(typed))]
    at = next((n for n, typed in enumerate(kept) if typed in _FILTER_COMMANDS), None)
    if at is None:
        return None
    changes = kept[at + 1 :]
    fields = shlex.join(changes) if changes and all("=" in change for change in changes) else "FIELD=VALUE"
    typed = [word, *kept[:at]] if kept[at] in ("set", "modify") else [word, *kept[:at], *changes]
    line = _FILTER_COMMANDS[kept[at]].format(shlex.join(typed), fields)
    return f"a filter goes after its command here, as in crewdeck {line} (Taskwarrior's order, filter first, is not read)"


class VersionAction(argparse.Action):
    """``--version``: the installed package's version, looked up only when asked."""

    def __init__(self, option_strings: Sequence[str], dest: str, help: str | None = None) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, help=help)

    def __call__(
        self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: object, option_string: str | None = None
    ) -> None:
        from importlib.metadata import PackageNotFoundError, version

        try:
            number = version("crewdeck")
        except PackageNotFoundError:  # run from a source tree that was never installed
            number = "unknown (not installed)"
        sys.stdout.write(f"crewdeck {number}\n")
        parser.exit(0)


def global_options(suppress: bool) -> argparse.ArgumentParser:
    """The options every command takes, before or after the command's name.

    On subcommands the defaults are suppressed so that an option given
    before the command is not reset by the subparser.
    """
    default = argparse.SUPPRESS if suppress else None
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("-w", "--workspace", metavar="PATH", default=default, help=f"workspace file (env {ENV_WORKSPACE})")
    p.add_argument("--as", dest="as_member", metavar="HANDLE", default=default, help=f"act as this member (env {ENV_MEMBER})")
    p.add_argument("--config", metavar="FILE", default=default, help="config file (env CREWDECK_CONFIG)")
    return p


def build_parser(modules: Sequence[str] = COMMAND_MODULES) -> argparse.ArgumentParser:
    parser = Parser(
        prog="crewdeck",
        parents=[global_options(suppress=False)],
        description="A keyboard-driven workspace for campaign teams: tasks, a deadline grid and a budget ledger. "
        "With no command, opens the app.",
        epilog="A guest (a client approver) reads their campaigns' posts alone: post list lists them, post show and show "
        "show one; every other command that reads (tasks, log, export, ledger, kpi report, ...) refuses them (rule guest_reads_posts).",
    )
    parser.add_argument("--version", action=VersionAction, help="print crewdeck's version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    parents = [global_options(suppress=True)]
    for name in modules:
        importlib.import_module(f"{__package__}.{name}").register(sub, parents)
    _name_commands(parser)
    return parser


def _name_commands(parser: argparse.ArgumentParser) -> None:
    """Each command's parser leaves its name (``crewdeck ledger add``) in the arguments, for errors found after parsing."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for command in action.choices.values():
                command.set_defaults(command_prog=command.prog)
                _name_commands(command)


def command_module(argv: Sequence[str]) -> str | None:
    """The module of the command ``argv`` names after the global options, when ``COMMAND_OF`` knows it.

    Anything this peek does not follow (``--help``, ``-wPATH``) leaves the decision to the whole parser.
    """
    index = 0
    while index < len(argv):
        arg = argv[index]
        if arg in ("-w", "--workspace", "--as", "--config"):
            index += 2
        elif arg.startswith(("--workspace=", "--as=", "--config=")):
            index += 1
        elif arg.startswith("-"):
            return None
        else:
            return COMMAND_OF.get(arg)
    return None


def _run_app(ctx: Context) -> int:
    from crewdeck.tui.app.launch import launch

    return launch(ctx, on=(sys.stdin, sys.stdout))


#: The longest error message said whole; a longer one (a 100 KB value quoted) keeps its start and its end.
MAX_ERROR = 1_000


def shortened(message: str) -> str:
    """``message``, or when longer than ``MAX_ERROR`` its start and end with how much was left out between them."""
    if len(message) <= MAX_ERROR:
        return message
    head, tail = MAX_ERROR * 2 // 3, MAX_ERROR // 3
    return f"{message[:head]} … ({len(message) - head - tail:,} characters left out) … {message[-tail:]}"


def error(message: str, below: Sequence[str] = ()) -> int:
    """``message`` on the error line, and ``below`` it a line each, indented (an ambiguous id's candidates)."""
    # Errors quote what was typed and what records hold: shown, never sent to the terminal as they are.
    sys.stderr.write(f"crewdeck: error: {shortened(visible(message))}\n" + "".join(f"  {visible(line)}\n" for line in below))
    return EXIT_USAGE


def _options_with_values(parser: argparse.ArgumentParser) -> set[str]:
    """Every option string, in any command, that takes a value (``--as HANDLE``, not ``--json``)."""
    found: set[str] = set()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                found |= _options_with_values(sub)
        elif action.option_strings and action.nargs != 0:
            found.update(action.option_strings)
    return found


def _unusable(text: str) -> str | None:
    if undecodable(text):
        return "is not UTF-8 text"
    # A real command line cannot carry NUL; main() called from Python can, and no file name or record holds it.
    return "holds a NUL character" if "\x00" in text else None


def unusable_argument(argv: Sequence[str]) -> str | None:
    """Why an argument or setting cannot be used at all, naming it; ``None`` when all can.

    Python hands bytes that are not UTF-8 over as lone surrogates, which
    nothing can store, print or send: they are refused before anything runs.
    """
    for name in (ENV_WORKSPACE, ENV_MEMBER, ENV_CONFIG, ENV_NOW):
        value = variable(name) or ""
        problem = _unusable(value)
        if problem:
            return f"{name}: '{visible(value)}' {problem}"
    for index, arg in enumerate(argv):
        problem = _unusable(arg)
        if problem is None:
            continue
        option, eq, value = arg.partition("=")
        if arg.startswith("--") and eq and _unusable(option) is None:
            name, arg = option, value
        elif index and argv[index - 1] in _options_with_values(build_parser()):
            name = argv[index - 1]
        else:
            return f"the argument '{visible(arg)}' {problem} (crewdeck reads its arguments as UTF-8 text)"
        return f"argument {name}: '{visible(arg)}' {problem}"
    return None


def _global_arguments(argv: Sequence[str] | None) -> tuple[argparse.Namespace, list[str]]:
    """The global options, and the rest: nothing more for the app, which needs no command's parser."""
    parser = Parser(prog="crewdeck", add_help=False, parents=[global_options(suppress=False)])
    return parser.parse_known_args(argv)


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    # Building every command's parser imports every command's module: the app skips it.
    args, rest = _global_arguments(argv)
    if not rest:
        return args
    module = command_module(sys.argv[1:] if argv is None else argv)
    parser = build_parser([module] if module else COMMAND_MODULES)
    args, extra = parser.parse_known_args(argv)
    # Negated filter terms (-#tag, -@ana) look like options to argparse; so does Taskwarrior's -urgent typed to set (task
    # modify's tag taken off), which set then refuses naming tags-=urgent, where argparse said it was not read; and the
    # FIELD=VALUE after one of them, or after -q, is left over by argparse: in the order typed, they are set's.
    if extra and hasattr(args, "assignments") and not any(e.startswith("--") for e in extra):
        args.assignments = [*args.assignments, *extra]
    elif extra:
        if not hasattr(args, "query") or any(not e.startswith("-") or e.startswith("--") for e in extra):
            Parser(prog=getattr(args, "command_prog", parser.prog)).error(f"unrecognized arguments: {' '.join(extra)}")
        args.query = [*args.query, *extra]
    if getattr(args, "query_required", None) and not args.query:
        Parser(prog=getattr(args, "command_prog", parser.prog)).error(f"the following arguments are required: {args.query_required}")
    return args


def _open_closed_streams() -> None:
    """A standard stream closed by the caller (``>&-``, ``<&-``) is ``None`` in Python: read it as ``/dev/null``.

    Output nobody reads is dropped, as when the reader of a pipe went away;
    input that is closed reads as empty; an error still exits with status 2.
    """
    if sys.stdin is None:
        sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115 - the process's own, for its whole life
    if sys.stdout is None:
        sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - as above
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - as above


def _utf8_streams() -> None:
    """Standard input is read as UTF-8, and output to a pipe or a file written as UTF-8, whatever the locale's encoding.

    What crewdeck reads and writes (exports, JSON, CSV, journals, imports) is UTF-8, as a file named by path is: under
    a locale of ISO-8859-1, standard input's UTF-8 was read as Latin-1 ("Café" stored as "CafÃ©", in a ledger
    that is never edited), and a title in Greek ended ``export > file`` in a traceback.  A terminal of such a locale
    is written its own encoding, a character it has no byte for shown as an escape (``\u03a9``) rather than a
    traceback.  Under ``LC_ALL=C`` Python's UTF-8 mode does all this already; a stream of a test is left alone.
    """
    source = sys.stdin
    if isinstance(source, io.TextIOWrapper) and codecs.lookup(source.encoding).name != "utf-8" and not source.isatty():
        # surrogateescape, as UTF-8 mode reads: bytes that are not UTF-8 are kept, and refused by name (``undecodable``).
        # Typed at a terminal, text is in the terminal's encoding.
        source.reconfigure(encoding="utf-8", errors="surrogateescape")
    # Standard error too: a cron job's log (``> log 2>&1``) in one encoding, the errors' names as the output's.
    for out in (sys.stdout, sys.stderr):
        if isinstance(out, io.TextIOWrapper) and codecs.lookup(out.encoding).name != "utf-8":
            if out.isatty():
                out.reconfigure(errors="backslashreplace")
            else:
                # An encoding given alone makes its errors strict: standard error's stay as Python has them.
                out.reconfigure(encoding="utf-8", errors="backslashreplace" if out is sys.stderr else "strict")


#: What a failed write to standard output or standard error names, as a file's names its path.
STANDARD_OUTPUT = "standard output"
STANDARD_ERROR = "standard error"


class _NamedStream(io.FileIO):
    """A standard stream's descriptor, whose failed write names it (``said_as``): a listing or an export that a full
    disk cut part-way (``crewdeck export > /dev/full``) said "No space left on device" alone, where a file's names its
    path.  Standard error's failed write is dropped instead: what nobody can read stops nothing, and the command ends
    with its own status (an error's 2, a filter's 1), where it ended in 0 as if a reader of its output had gone."""

    said_as = STANDARD_OUTPUT

    def write(self, data: ReadableBuffer, /) -> int:
        # All of it, or an error: a write cut short (a file size limit reached, a disk filling) returns what it took,
        # and a stream with no buffer of its own (PYTHONUNBUFFERED=1, as container images set it) went on with the rest
        # lost, ending in 0 with an export cut short.  The write after a short one says why.
        view = memoryview(data).cast("B")
        done = 0
        try:
            while done < len(view):
                written: int | None = super().write(view[done:])  # None: a non-blocking descriptor that is full
                if written is None:
                    if done:
                        return done
                    raise BlockingIOError(errno.EAGAIN, os.strerror(errno.EAGAIN))
                done += written
        except OSError as exc:
            if self.said_as == STANDARD_ERROR:
                return len(view)
            exc.filename = exc.filename or self.said_as
            raise
        return done


def _is_named(out: TextIO) -> bool:
    """Whether ``out`` writes through a ``_NamedStream`` (the process's own standard stream, not a test's)."""
    binary = getattr(out, "buffer", None)
    return isinstance(binary, _NamedStream) or isinstance(getattr(binary, "raw", None), _NamedStream)


def _named(out: TextIO, said_as: str) -> TextIO:
    """``out`` written through a ``_NamedStream``, as buffered, encoded and flushed as it was (a stream of a test, no
    descriptor's, is left as it is)."""
    if not isinstance(out, io.TextIOWrapper):
        return out
    binary = out.buffer
    raw = binary if isinstance(binary, io.FileIO) else getattr(binary, "raw", None)
    # The process's own descriptor, which no stream closes: /dev/null put in for a closed one is closed with its stream.
    if type(raw) is not io.FileIO or raw.closefd:
        return out
    out.flush()
    named = _NamedStream(raw.fileno(), "w", closefd=False)
    named.said_as = said_as
    layer: io.FileIO | io.BufferedWriter = named if binary is raw else io.BufferedWriter(named)
    return io.TextIOWrapper(
        layer, encoding=out.encoding, errors=out.errors, line_buffering=out.line_buffering, write_through=out.write_through
    )


def _utf8_arguments() -> None:
    """The command line read as UTF-8, whatever the locale's encoding, where its bytes are UTF-8 (as the streams are).

    Python reads the arguments with the locale's encoding: a UTF-8 script run under a locale of ISO-8859-1 had
    ``crewdeck add "Café"`` stored as "CafÃ©", said nowhere.  An argument whose bytes are not UTF-8 keeps the locale's
    reading, and as a path names the file of those bytes (``pathnames.read_by_the_locale``).
    """
    if codecs.lookup(sys.getfilesystemencoding()).name == "utf-8":
        return
    for index, arg in enumerate(sys.argv[1:], start=1):
        typed = os.fsencode(arg)  # the bytes as given: the locale's reading undone
        try:
            sys.argv[index] = typed.decode("utf-8")
        except UnicodeDecodeError:
            read_by_the_locale(arg)


def main(argv: Sequence[str] | None = None) -> int:
    _open_closed_streams()
    if argv is None:
        _utf8_arguments()
    sys.stdout, sys.stderr = _named(sys.stdout, STANDARD_OUTPUT), _named(sys.stderr, STANDARD_ERROR)
    _utf8_streams()
    try:
        code = _run(argv)
    except SystemExit as ended:  # argparse ends so: --help, --version, a usage error
        failed = _flush_stdout(said=ended.code == EXIT_USAGE)
        if failed is not None:
            return failed
        raise
    except OSError as exc:  # --help or --version, unbuffered: to a reader gone, or a full disk
        if exc.filename not in (None, STANDARD_OUTPUT):
            raise  # a file's, which its command says (one that did not is a defect to see)
        _drop(sys.stdout)
        return 0 if isinstance(exc, BrokenPipeError) else error(f"{STANDARD_OUTPUT}: {exc.strerror or exc}")
    failed = _flush_stdout(said=code in (EXIT_USAGE, EXIT_TRY_LATER, EXIT_CHANGE_MADE))
    return code if failed is None else failed


def _flush_stdout(*, said: bool, ctx: Context | None = None) -> int | None:
    """Write what standard output still holds, here rather than at the interpreter's exit, which reports a failure as
    "Exception ignored" with status 120 (and to a cron job whose disk is full, a short listing lost with status 0).

    Returns the exit status of a write that failed (None when written, or when the reader went away, which is no
    error); ``said``: an error was said already, with its own status: the failure is not said again.  ``ctx``: the
    command's, whose change made is said with the failure (``_output_failed``).
    """
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _drop(sys.stdout)
    except OSError as exc:
        _drop(sys.stdout)
        return None if said else _output_failed(f"{STANDARD_OUTPUT}: {exc.strerror or exc}", ctx)
    return None


def _output_failed(problem: str, ctx: Context | None) -> int:
    """Say that output could not be written (``problem``), and, where the command's change was made before, that it was
    and what it changed, with its own status: a script that reads status 2 as "nothing done" ran ``add`` again."""
    made = ctx.changes_made() if ctx is not None else None
    if made is None:
        return error(problem)
    error(output_lost(problem, made))
    return EXIT_CHANGE_MADE


def run_inside(ctx: Context, func: Callable[[Context], int]) -> int:
    """``func`` run for ``ctx``, a command run inside another (``ssh-session``'s), its output written while what it
    changed can still be read: a lost output is said with that change (``_output_failed``), as a command run here says
    it.  The output's reader is the session's client, gone when it closed: a change the member was not told of is said
    made (where they may still hear it), not taken for a reader that stopped by choice (``| head``), whose status is 0.
    The session's own flush and status came after the command's context was closed, and said no change."""
    try:
        code = func(ctx)
        sys.stdout.flush()
        ctx.say_notes(code)
    except OSError as exc:
        if exc.filename != STANDARD_OUTPUT:
            raise  # another file's, said as a command run here says it
        _drop(sys.stdout)
        if isinstance(exc, BrokenPipeError):
            made = ctx.changes_made()
            if made is None:
                return 0
            error(output_lost(f"{STANDARD_OUTPUT}: the connection closed before the output was all written", made))
            return EXIT_CHANGE_MADE
        return _output_failed(f"{STANDARD_OUTPUT}: {exc.strerror or exc}", ctx)
    return code


def _drop(stream: TextIO) -> None:
    """What is left for ``stream`` goes nowhere: the interpreter's exit would try to write it again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, stream.fileno())
    except (OSError, ValueError):  # a stream of no descriptor (a test's): nothing of the process's to stop
        pass
    finally:
        os.close(devnull)


def _run(argv: Sequence[str] | None) -> int:
    problem = unusable_argument(sys.argv[1:] if argv is None else argv)
    if problem:
        return error(problem)
    args = parse(argv)
    ctx = Context(args)
    func: Callable[[Context], int] = getattr(args, "func", _run_app)
    try:
        # A config named by --config or CREWDECK_CONFIG must exist, whatever the command
        # (but `config path`, which says where it would be, and `config set`, which writes it).
        if not getattr(args, "config_may_be_missing", False):
            ctx.config  # noqa: B018 - read now: a missing named file is an error before anything runs
        # A guest's command reads their campaigns' posts or nothing: refused before it reads (``read_scope``).
        ctx.check_reads()
        code = func(ctx)
        # Written here, while what the command changed can still be read, to be said if its output cannot be.
        failed = _flush_stdout(said=code in (EXIT_USAGE, EXIT_TRY_LATER), ctx=ctx)
        if failed is not None:
            return failed
        ctx.say_notes(code)
        return code
    except Ambiguous as exc:
        return error(str(exc), exc.candidates)
    except try_later_errors() as exc:
        error(str(exc))
        return EXIT_TRY_LATER
    except one_line_errors() as exc:
        return error(str(exc))
    except sqlite3.DatabaseError as exc:
        if gave_up_waiting(exc):  # a read another process's lock held past the wait
            error(f"the workspace stayed locked by another process ({exc}); try again")
            return EXIT_TRY_LATER
        # Its own words, as a damaged cell elsewhere (beside them) may not be what failed.
        return error(ctx.damaged_line(str(exc), may_be_the_cause=False) or f"the workspace file cannot be used: {exc}")
    except BrokenPipeError as exc:
        if exc.filename == STANDARD_OUTPUT or (exc.filename is None and not _is_named(sys.stdout)):
            # The reader of its output went away (`crewdeck tasks | head`); that is not an error.
            _drop(sys.stdout)
            return 0
        # A pipe the command opened (``export -o FIFO``) whose reader stopped: what was to go there did not.
        where = f"{exc.filename}: " if exc.filename else ""
        return _output_failed(f"{where}the reader stopped before the output was all written ({exc.strerror or exc})", ctx)
    except OSError as exc:  # a path that cannot be written or read
        where = f"{exc.filename}: " if exc.filename else ""
        return _output_failed(f"{where}{exc.strerror or exc}", ctx)
    except KeyboardInterrupt:
        sys.stderr.write("\n")
        return 130
    except Exception as exc:
        # A reader failed on a cell crewdeck never writes (raw SQL, a damaged disk): said where it is, where a
        # check before every read would cost the listings a scan of their tables.  With none, a bug: its traceback.
        line = ctx.damaged_line(f"{type(exc).__name__}: {cut(str(exc))}", may_be_the_cause=True)
        if line is None:
            raise
        return error(line)
    finally:
        ctx.close()


if __name__ == "__main__":
    sys.exit(main())

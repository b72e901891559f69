"""``crewdeck completion bash|zsh|fish``: a script that completes commands, options, @handles, +campaigns, #tags, task ids,
the statuses of a `tasks` filter's status: or is:, ``config set``'s keys and the values of a few, and ``config unset``'s keys.

Every script asks ``crewdeck completion --candidates`` for the words: the
words typed before the cursor's come in ``CREWDECK_COMPLETE_WORDS``, one a
line, and the word being completed (maybe empty) in
``CREWDECK_COMPLETE_CURRENT``.  Through the environment, not the command
line, so that a typed ``--as`` or ``-w`` is read as the user's word and not
as an option of this command.  What completes is worked out here, once, from
the parser itself and the workspace the typed line names.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
from pathlib import Path

from crewdeck.sync.state.ids import told_apart
from crewdeck.sync.state.naming import told_apart_slugs
from crewdeck.sync.state.records import TASK_STATUSES
from crewdeck.tui.cli.common import ENV_WORKSPACE, Context
from crewdeck.tui.workspace.environment import variable
from crewdeck.tui.workspace.errors import UserError
from crewdeck.tui.workspace.workspace import Member, Workspace, campaign_slugs

ENV_WORDS = "CREWDECK_COMPLETE_WORDS"
ENV_CURRENT = "CREWDECK_COMPLETE_CURRENT"
#: Commands whose positional words are task ids (the top-level ones of these names).
TASK_ID_COMMANDS = {"set", "done", "rm", "show", "log", "annotate"}
#: Of those, the ones that take one id, first: the words after it are text (``annotate ID TEXT...``).
ONE_TASK_ID_COMMANDS = {"annotate"}
#: The ``post`` commands whose positional word is a post's id (a post is a task: its id is one).
POST_ID_COMMANDS = {"copy", "submit", "approve", "withdraw", "reject", "schedule", "publish", "pull", "resume", "slot", "show"}
#: The filter keys whose values complete after their ":" in ``crewdeck tasks`` (``status:do`` -> ``status:doing``, ``done``).
STATUS_KEYS = ("status", "is", "-status", "-is")
#: At most this many task ids are offered (the most urgent open tasks first would need scoring: newest first will do).
MAX_IDS = 200

BASH = r"""# crewdeck completion for bash: source it, e.g. from ~/.bashrc:
#   source <(crewdeck completion bash)
_crewdeck() {
    local IFS=$'\n'
    COMPREPLY=($(CREWDECK_COMPLETE_WORDS="${COMP_WORDS[*]:1:COMP_CWORD-1}" CREWDECK_COMPLETE_CURRENT="${COMP_WORDS[COMP_CWORD]}" \
        command crewdeck completion --candidates 2>/dev/null))
    # After a ":" only a status: or is: term's values complete (bash splits the term there): a comma may follow
    # (status:todo,doing), so no space after one.
    if (( ${#COMPREPLY[@]} )) && [[ ${COMP_WORDS[COMP_CWORD]} == ":" || ${COMP_WORDS[COMP_CWORD-1]} == ":" ]]; then
        compopt -o nospace 2>/dev/null
    fi
}
complete -o default -F _crewdeck crewdeck
"""

ZSH = r"""#compdef crewdeck
# crewdeck completion for zsh: after compinit, e.g. in ~/.zshrc:
#   source <(crewdeck completion zsh)
# or save it as _crewdeck in a folder of $fpath.
_crewdeck() {
    local -a candidates
    local IFS=$'\n'
    candidates=($(CREWDECK_COMPLETE_WORDS="${(pj:\n:)words[2,CURRENT-1]}" CREWDECK_COMPLETE_CURRENT="${words[CURRENT]}" \
        command crewdeck completion --candidates 2>/dev/null))
    if (( ${#candidates} )); then
        compadd -Q -- $candidates
    else
        _files
    fi
}
if (( $+functions[compdef] )); then
    compdef _crewdeck crewdeck
fi
"""

FISH = r"""# crewdeck completion for fish: save it as ~/.config/fish/completions/crewdeck.fish:
#   crewdeck completion fish > ~/.config/fish/completions/crewdeck.fish
function __crewdeck_candidates
    set -l words (commandline -opc)
    set -lx CREWDECK_COMPLETE_WORDS (string join \n -- $words[2..-1] | string collect)
    set -lx CREWDECK_COMPLETE_CURRENT (commandline -ct)
    command crewdeck completion --candidates 2>/dev/null
end
complete -c crewdeck -f -a '(__crewdeck_candidates)'
complete -c crewdeck -s w -l workspace -r -F
complete -c crewdeck -l config -r -F
"""

SCRIPTS = {"bash": BASH, "zsh": ZSH, "fish": FISH}


def cmd_completion(ctx: Context) -> int:
    if ctx.args.candidates:
        typed = variable(ENV_WORDS) or ""
        for word in candidates(typed.split("\n") if typed else [], variable(ENV_CURRENT) or ""):
            print(word)
        return 0
    if not ctx.args.shell:
        raise UserError("completion: name a shell: bash, zsh or fish")
    print(SCRIPTS[ctx.args.shell], end="")
    return 0


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _options(parser: argparse.ArgumentParser) -> dict[str, argparse.Action]:
    return {option: action for action in parser._actions for option in action.option_strings}


def candidates(before: list[str], current: str) -> list[str]:
    """The words that complete ``current``, typed after ``crewdeck`` and the words ``before`` it."""
    from crewdeck.tui.cli.main import build_parser

    # A shell hands the word as typed: fish and bash need "#tag" escaped or quoted (\#tag, '#tag'), or it is a comment.
    current = current.lstrip("\\'\"")
    parser = build_parser()
    path: list[str] = []
    named: dict[str, str] = {}
    wants_value: argparse.Action | None = None
    loose: list[str] = []  # the words typed after the command that are none of its options nor their values
    for word in before:
        options = _options(parser)
        if wants_value is not None and word == "=":
            continue  # bash splits --workspace=PATH at its "=" (COMP_WORDBREAKS): the value comes next
        if wants_value is not None:
            named[wants_value.dest] = word
            wants_value = None
        elif word.startswith("--") and "=" in word:
            option, _, value = word.partition("=")
            if option in options:
                named[options[option].dest] = value
        elif word in options:
            if options[word].nargs != 0:
                wants_value = options[word]
        elif word in _subcommands(parser):
            parser = _subcommands(parser)[word]
            path.append(word)
        else:
            loose.append(word)
    if wants_value is not None:
        # bash hands "--sort=<tab>" as "--sort" then "=", the word completed: what is typed after the "=" is ""
        return _values(wants_value, "" if current == "=" else current, named)
    if path in (["tasks"], ["rm"]):  # the commands that take a filter
        statuses = _status_values(before, current)
        if statuses is not None:
            return statuses
    if current.startswith("--") and "=" in current:  # zsh and fish hand "--sort=du" whole
        option, _, value = current.partition("=")
        action = _options(parser).get(option)
        return [f"{option}={v}" for v in _values(action, value, named)] if action is not None and action.nargs != 0 else []
    if current.startswith("-"):
        return sorted(o for o in _options(parser) if o.startswith(current))
    subcommands = _subcommands(parser)
    if subcommands and current[:1] not in ("@", "+", "#"):
        return sorted(name for name in subcommands if name.startswith(current) and not name.startswith("_"))
    choices = [
        str(c)
        for a in parser._actions
        if not a.option_strings and a.choices and not isinstance(a, argparse._SubParsersAction)
        for c in a.choices
    ]
    if choices:
        return sorted(c for c in choices if c.startswith(current))
    if path == ["config", "set"]:
        return _config_words(loose, current, named)
    if path == ["config", "unset"]:
        return _config_words([], current, named) if not loose else []  # its one KEY, as config set's
    if len(path) == 1 and path[0] in ONE_TASK_ID_COMMANDS and loose:
        path = []  # its text: no task id, but @handles, +campaigns and #tags as anywhere
    return _workspace_words(path, current, named)


def _status_values(before: list[str], current: str) -> list[str] | None:
    """The statuses that complete a ``status:`` or ``is:`` filter term (after a comma too: ``status:todo,do``); ``None``
    when ``current`` is no such term.  bash splits ``status:do`` at its ":" (COMP_WORDBREAKS) and replaces only what
    follows it: the words after the ":" alone; zsh and fish hand the term whole and take it whole."""
    if current == ":" or (before[-1:] == [":"] and current):  # bash: ..., "status", ":" then the value's start
        key = before[-1] if current == ":" else before[-2] if len(before) > 1 else ""
        lead, typed = "", "" if current == ":" else current
    else:
        key, colon, typed = current.partition(":")
        if not colon:
            return None
        lead = key + ":"
    if key.lower() not in STATUS_KEYS:
        return None
    done, _, typed = typed.rpartition(",")
    lead += done + "," if done else ""
    return [lead + status for status in (*TASK_STATUSES, "open", "closed") if status.startswith(typed.lower())]


def _config_words(loose: list[str], current: str, named: dict[str, str]) -> list[str]:
    """What completes ``config set``'s KEY (the keymap's binding ids too), then its VALUE where the value is one of a few."""
    from crewdeck.tui.cli.cmd_config import keymap_keys, theme_names
    from crewdeck.tui.workspace.config import TIME_FORMATS, known_keys

    if not loose:
        keys = [key for key in known_keys() if key != "keymap.ID"]
        if current.startswith("keymap.") or "keymap.".startswith(current):
            keys += keymap_keys()  # the app's modules are imported only for a key that may be one
        return sorted(key for key in keys if key.startswith(current))
    if loose[0] == "default_view" and (loose[1:] == ["campaign", ":"] or (loose[1:] == ["campaign"] and current == ":")):
        # bash splits campaign:SLUG at its ":" (COMP_WORDBREAKS) and replaces only what follows it: the slug alone
        return _campaign_slugs("" if current == ":" else current, named)
    if len(loose) > 1:
        return []
    if loose[0] == "theme":
        values = theme_names()
    elif loose[0] == "time_format":
        values = list(TIME_FORMATS)
    elif loose[0] == "default_view":
        from crewdeck.tui.tasks.views import VIEWS

        values = [view.id for view in VIEWS] + [f"campaign:{slug}" for slug in _campaign_slugs("", named)]
    else:
        return []  # a path, a handle, a number, a key: typed
    return sorted(value for value in values if value.startswith(current))


def _campaign_slugs(current: str, named: dict[str, str]) -> list[str]:
    """The slugs of the campaigns the line's reader sees (a guest, theirs) that begin with ``current``, as ``+SLUG`` completes."""
    return [word.removeprefix("+") for word in _workspace_words([], "+" + current, named)]


def _values(action: argparse.Action, current: str, named: dict[str, str]) -> list[str]:
    if action.choices:
        return sorted(str(c) for c in action.choices if str(c).startswith(current))
    if action.dest == "as_member":
        return [h[1:] for h in _workspace_words([], "@" + current.lstrip("@"), named) if h != "@me"]
    return []  # a path or free text: the shell's own completion


def _ids(conn: sqlite3.Connection, where: str, among: str = "1", campaigns: str = "[]") -> list[str]:
    """The short ids of the newest live tasks ``where`` says (at most ``MAX_IDS``), each as long as tells it from every
    other task ``among`` says (``told_apart``): two Taskwarrior uuids imported can share their first eight digits, and
    one "aaaaaaaa" offered for both was then refused as ambiguous.  ``campaigns`` (JSON) is the clauses' ``?1``."""
    rows = conn.execute(f"SELECT id FROM task WHERE deleted = 0 AND {where} ORDER BY created_at DESC LIMIT ?2", (campaigns, MAX_IDS))
    # The ids next to each in order, through the primary key's index: no later or earlier one shares more with it.
    beside = f"SELECT (SELECT max(id) FROM task WHERE id < ?2 AND {among}), (SELECT min(id) FROM task WHERE id > ?2 AND {among})"
    return [
        told_apart([rid, *(str(near) for near in conn.execute(beside, (campaigns, rid)).fetchone() if near is not None)])[0]
        for (rid,) in rows.fetchall()
    ]


#: A guest's posts: live, of their campaigns (``?1``: their ids as JSON), as ``ReadScope.post_id`` resolves their ids.
_GUEST_POSTS = "deleted = 0 AND post_state IS NOT NULL AND campaign IN (SELECT value FROM json_each(?1))"


def _guest_words(ws: Workspace, me: Member, campaigns: frozenset[str], path: list[str], current: str) -> list[str]:
    """What completes for a guest: what they read, their campaigns and their posts' ids (told apart among those alone,
    as their ids resolve), and their own handle; no one else's handle, no tag, no task."""
    if current.startswith("@"):
        return [f"@{me.handle}", "@me"]
    if current.startswith("+"):
        return ["+" + named for named in campaign_slugs(c for c in ws.campaigns() if c.id in campaigns).values()]
    if (len(path) == 1 and path[0] in TASK_ID_COMMANDS) or (path[:1] == ["post"] and path[1:] and path[1] in POST_ID_COMMANDS):
        return _ids(ws.conn, _GUEST_POSTS, _GUEST_POSTS, json.dumps(sorted(campaigns)))
    return []


def _workspace_words(path: list[str], current: str, named: dict[str, str]) -> list[str]:
    ctx = _open(named)
    if ctx is None:
        return []
    try:
        ws, scope = ctx.ws, ctx.scope
        conn = ws.conn
        if scope.campaigns is not None and ctx.reader is not None:
            found = _guest_words(ws, ctx.reader, scope.campaigns, path, current)
        elif current.startswith("@"):
            found = ["@" + handle for (handle,) in conn.execute("SELECT handle FROM member WHERE deleted = 0") if isinstance(handle, str)]
            found.append("@me")
        elif current.startswith("+"):
            # Two campaigns of one name (added on two replicas) as each is named: +launch-6118a8c6, not +launch twice.
            found = [
                "+" + named
                for named in told_apart_slugs(conn.execute("SELECT id, name, 0 FROM campaign WHERE deleted = 0").fetchall()).values()
            ]
        elif current.startswith("#"):
            found = [
                "#" + tag
                for (tag,) in conn.execute(
                    "SELECT DISTINCT j.value FROM task t, json_each(t.tags) j WHERE t.deleted = 0 AND json_valid(t.tags)"
                )
                if isinstance(tag, str)
            ]
        elif len(path) == 1 and path[0] in TASK_ID_COMMANDS:  # `crewdeck rm`, not `budget rm` nor `member set`
            found = _ids(conn, "status NOT IN ('done', 'cancelled')")
        elif path[:1] == ["post"] and path[1:] and path[1] in POST_ID_COMMANDS:
            found = _ids(conn, "post_state IS NOT NULL")  # published ones too (done), the ones post show is most asked of
        else:
            found = []
        return sorted({word for word in found if word.startswith(current)})
    except (UserError, sqlite3.DatabaseError):
        return []
    finally:
        ctx.close()


def _open(named: dict[str, str]) -> Context | None:
    """The workspace the typed line names (``-w``), else the one every command would use, and who completes (``--as``
    on the line, else as every command finds them: a guest completes what they read); ``None`` when there is none."""
    args = argparse.Namespace(workspace=named.get("workspace"), config=named.get("config"), as_member=named.get("as_member"))
    ctx = Context(args)
    try:
        path = ctx.workspace_path(required=False)
        if path is None or not Path(path).is_file():
            return None
        ctx.ws  # noqa: B018 - opened now: a file that is no workspace completes nothing
        return ctx
    except (UserError, sqlite3.DatabaseError, OSError):
        ctx.close()
        return None


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser], parents: list[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "completion",
        parents=parents,
        help="print a shell completion script (bash, zsh, fish)",
        description="Print a script that completes crewdeck's commands, options, @handles, +campaigns, #tags, task ids, "
        "the statuses of a tasks filter's status: or is:, config set's and config unset's keys (every keymap.ID too) and "
        "the values of config set's theme, time_format and default_view (campaign:SLUG too). "
        "bash: source <(crewdeck completion bash) in ~/.bashrc; zsh: source <(crewdeck completion zsh) after compinit in ~/.zshrc; "
        "fish: crewdeck completion fish > ~/.config/fish/completions/crewdeck.fish. "
        f"The workspace is the one -w names on the line, else {ENV_WORKSPACE}, the config's, or the local one.",
    )
    p.add_argument("shell", nargs="?", choices=sorted(SCRIPTS), help="the shell: bash, zsh or fish")
    p.add_argument(
        "--candidates", action="store_true", help=f"for the scripts: the words that complete ${ENV_CURRENT} after ${ENV_WORDS} (one a line)"
    )
    p.set_defaults(func=cmd_completion)

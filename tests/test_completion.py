"""Shell completion, loaded in each real shell: commands, options, @handles, +campaigns, #tags and task ids."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from crewdeck.tui.workspace.workspace import Workspace

from .conftest import NOW_TEXT, Cli

ZSH = shutil.which("zsh")
FISH = shutil.which("fish")


@pytest.fixture
def env(cli: Cli, tmp_path: Path) -> dict[str, str]:
    """A shell's environment: this checkout's crewdeck first on PATH, the team's workspace, no one's own config."""
    task = cli.ok("add", "Draft reel #video +spring-launch").strip()
    cli.ok("done", cli.ok("add", "Old post").strip())
    (tmp_path / "xdg").mkdir()
    return {
        "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"],
        "HOME": str(tmp_path / "xdg"),
        "XDG_CONFIG_HOME": str(tmp_path / "xdg"),
        "XDG_DATA_HOME": str(tmp_path / "xdg"),
        "CREWDECK_WORKSPACE": str(cli.workspace),
        "CREWDECK_NOW": NOW_TEXT,
        "TASK": task[:8],
    }


def shell(argv: list[str], script: str, env: dict[str, str]) -> list[str]:
    done = subprocess.run([*argv, script], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.split("---\n")


#: (the words typed after ``crewdeck``, the word being completed, what completes it).
CASES = [
    ([], "ta", {"tasks"}),
    (["member"], "", {"add", "set", "rm", "list"}),
    (["tasks"], "@", {"@ana", "@raj", "@me"}),
    (["tasks"], "+s", {"+spring-launch"}),
    (["tasks"], "#v", {"#video"}),
    (["member", "add", "kim"], "--t", {"--tz"}),
    (["--as"], "r", {"raj"}),
    (["completion"], "", {"bash", "fish", "zsh"}),
]


def _expected(env: dict[str, str]) -> list[set[str]]:
    return [*(want for _, _, want in CASES), {env["TASK"]}]  # the last: `done` offers the open task only


def test_bash_completes_from_its_script(env: dict[str, str]) -> None:
    lines = ["source <(crewdeck completion bash)", "complete -p crewdeck", "echo ---"]
    for before, current, _ in [*CASES, (["done"], "", set())]:
        words = " ".join(f"'{w}'" for w in ["crewdeck", *before, current])
        lines += [
            f"COMP_WORDS=({words}); COMP_CWORD={len(before) + 1}; COMPREPLY=()",
            "_crewdeck",
            'printf "%s\\n" "${COMPREPLY[@]}"',
            "echo ---",
        ]
    registered, *answers = shell(["bash", "--norc", "-c"], "\n".join(lines), env)
    assert registered.strip() == "complete -o default -F _crewdeck crewdeck"
    assert [set(a.split()) for a in answers[:-1]] == _expected(env)


@pytest.mark.skipif(ZSH is None, reason="LOUD SKIP: zsh is not installed here; .ci/run installs it (apt-get install zsh)")
def test_zsh_completes_from_its_script(env: dict[str, str]) -> None:
    lines = [
        "autoload -Uz compinit && compinit -u -D",
        "source <(crewdeck completion zsh)",
        'print -r -- "$_comps[crewdeck]"',
        "echo ---",
        # Outside a completion widget compadd cannot run: these stand in for it, printing what the script offers.
        'compadd() { shift $(( ${@[(i)--]} )); print -rl -- "$@" }',
        '_files() { print -r -- "(files)" }',
    ]
    for before, current, _ in [*CASES, (["done"], "", set())]:
        words = " ".join(f"'{w}'" for w in ["crewdeck", *before, current])
        lines += [f"words=({words}); CURRENT={len(before) + 2}", "_crewdeck", "echo ---"]
    registered, *answers = shell(["zsh", "-f", "-c"], "\n".join(lines), env)
    assert registered.strip() == "_crewdeck"
    assert [set(a.split()) for a in answers[:-1]] == _expected(env)


@pytest.mark.skipif(FISH is None, reason="LOUD SKIP: fish is not installed here; .ci/run installs it (apt-get install fish)")
def test_fish_completes_from_its_script(env: dict[str, str]) -> None:
    lines = ["crewdeck completion fish | source"]
    for before, current, _ in [*CASES, (["done"], "", set())]:
        typed = " ".join(["crewdeck", *before, current.replace("#", "\\#")])
        lines += [f"complete -C '{typed}' | string replace -r '\\t.*' ''", "echo ---"]
    answers = shell(["fish", "--no-config", "-c"], "\n".join(lines), env)
    got = [set(a.split()) for a in answers[:-1]]
    assert got == _expected(env)


def test_only_the_task_commands_offer_task_ids(env: dict[str, str], cli: Cli) -> None:
    """`crewdeck budget rm <tab>` (and `member rm`, `campaign set`) offered task ids: "rm" and "set" were taken for the
    task commands of those names wherever they came; a campaign or a member is what they take."""

    def offered(*words: str) -> list[str]:
        done = subprocess.run(
            ["crewdeck", "completion", "--candidates"],
            capture_output=True,
            text=True,
            env={**env, "CREWDECK_COMPLETE_WORDS": "\n".join(words), "CREWDECK_COMPLETE_CURRENT": ""},
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.split()

    assert offered("rm") == offered("annotate") == [env["TASK"]]
    assert offered("annotate", env["TASK"]) == offered("annotate", "-q", env["TASK"], "called") == []  # its text (review rc 7)
    assert offered("post", "show") == []  # posts alone: a plain task is none (final read fa: every task was offered)
    post = cli.ok("post", "add", "Launch reel post:instagram").strip().split()[0]
    cli.ok("post", "copy", post, "Big day")
    assert offered("post", "show") == [post[:8]]  # review rc: none was offered
    for words in (("budget", "rm"), ("member", "rm"), ("campaign", "set"), ("member", "set")):
        assert offered(*words) == [], words


def test_rm_completes_a_filter_s_statuses_as_tasks_does(env: dict[str, str]) -> None:
    """`crewdeck rm` takes a filter as `crewdeck tasks` does: its status: term completes there too."""
    done = subprocess.run(
        ["crewdeck", "completion", "--candidates"],
        capture_output=True,
        text=True,
        env={**env, "CREWDECK_COMPLETE_WORDS": "rm\n+spring-launch", "CREWDECK_COMPLETE_CURRENT": "status:do"},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["status:doing", "status:done"]


def test_task_ids_offered_are_long_enough_to_tell_apart(env: dict[str, str], cli: Cli) -> None:
    """Review rc: two tasks imported from Taskwarrior uuids sharing their first eight digits were both offered as
    "aaaaaaaa", which the command then refused as ambiguous; a done task sharing them counts too (done resolves it)."""
    ws = Workspace.open(cli.workspace)
    with ws.store.write(ws.member_by_handle("ana").id) as w:
        for n, status in ((1, "todo"), (2, "todo"), (3, "done")):
            w.create("task", {"title": f"task {n}", "status": status}, row_id=f"aaaaaaaa{n:024d}")
        w.create("task", {"title": "alone"}, row_id="aaaab" + "0" * 27)
    ws.close()
    done = subprocess.run(
        ["crewdeck", "completion", "--candidates"],
        capture_output=True,
        text=True,
        env={**env, "CREWDECK_COMPLETE_WORDS": "done", "CREWDECK_COMPLETE_CURRENT": "aaaa"},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    offered = done.stdout.split()
    assert sorted(offered) == ["aaaaaaaa000000000000000000000001", "aaaaaaaa000000000000000000000002", "aaaab000"]
    for rid in offered:
        assert cli("done", rid).code == 0


def test_an_option_s_value_after_its_equals_sign_completes(env: dict[str, str]) -> None:
    """bash splits `crewdeck --workspace=team.db done <tab>` at the "=" (COMP_WORDBREAKS): the "=" was read as the
    workspace, and no id was offered; `tasks --sort=<tab>` offered nothing in any shell."""
    workspace = env.pop("CREWDECK_WORKSPACE")
    lines = ["source <(crewdeck completion bash)"]
    # As bash hands the words of each line typed: "--workspace=PATH" is three, and the word completed after "=" is "=".
    for words, cword in (
        (["crewdeck", "--workspace", "=", workspace, "done", ""], 5),
        (["crewdeck", "tasks", "--sort", "="], 3),
        (["crewdeck", "tasks", "--sort", "=", "du"], 4),
    ):
        typed = " ".join(f"'{w}'" for w in words)
        lines += [f"COMP_WORDS=({typed}); COMP_CWORD={cword}; COMPREPLY=()", "_crewdeck", 'printf "%s\\n" "${COMPREPLY[@]}"', "echo ---"]
    answers = shell(["bash", "--norc", "-c"], "\n".join(lines), env)
    assert [a.split() for a in answers[:-1]] == [[env["TASK"]], ["created", "due", "title", "urgency"], ["due"]]


@pytest.mark.skipif(ZSH is None, reason="LOUD SKIP: zsh is not installed here; .ci/run installs it (apt-get install zsh)")
def test_zsh_completes_an_option_s_value_typed_with_its_equals_sign(env: dict[str, str]) -> None:
    """zsh hands `--sort=d` whole, and it was completed as an option's name: nothing matched."""
    zsh = [
        "autoload -Uz compinit && compinit -u -D",
        "source <(crewdeck completion zsh)",
        'compadd() { shift $(( ${@[(i)--]} )); print -rl -- "$@" }',
        "words=(crewdeck tasks --sort=d); CURRENT=3",
        "_crewdeck",
    ]
    assert shell(["zsh", "-f", "-c"], "\n".join(zsh), env) == ["--sort=due\n"]


def test_bash_adds_no_space_after_a_status_so_a_comma_list_goes_on(env: dict[str, str]) -> None:
    """Review rd: `crewdeck tasks status:to<tab>` gave "status:todo " and the comma of status:todo,doing needed a
    backspace first.  bash's compopt works only while completing: here it is a function that says what it was given."""
    bash = ["source <(crewdeck completion bash)", 'compopt() { local IFS=" "; printf "compopt %s\\n" "$*"; }']
    for words in (["tasks", "status", ":", "to"], ["tasks", "status", ":", "todo,do"], ["tasks", "@"], ["ta"]):
        typed = " ".join(f"'{w}'" for w in ["crewdeck", *words])
        bash += [f"COMP_WORDS=({typed}); COMP_CWORD={len(words)}; COMPREPLY=()", "_crewdeck", "echo ---"]
    answers = shell(["bash", "--norc", "-c"], "\n".join(bash), env)
    assert answers[:-1] == ["compopt -o nospace\n", "compopt -o nospace\n", "", ""]


def test_a_status_or_is_filter_completes_its_values_in_each_shell(env: dict[str, str]) -> None:
    """`crewdeck tasks status:<tab>` (and is:) offered nothing, where the filter takes a status, open or closed. bash
    splits `status:do` at the ":" (COMP_WORDBREAKS) and completes what follows it; zsh and fish take the term whole."""
    everything = {"inbox", "todo", "doing", "review", "done", "cancelled", "open", "closed"}
    bash = ["source <(crewdeck completion bash)"]
    # As bash hands each line's words: "status:" is "status" then ":", the word completed.
    for words in (["status", ":"], ["status", ":", "do"], ["-is", ":", "c"], ["status", ":", "todo,do"], ["re", ":", "do"]):
        typed = " ".join(f"'{w}'" for w in ["crewdeck", "tasks", *words])
        bash += [
            f"COMP_WORDS=({typed}); COMP_CWORD={len(words) + 1}; COMPREPLY=()",
            "_crewdeck",
            'printf "%s\\n" "${COMPREPLY[@]}"',
            "echo ---",
        ]
    answers = shell(["bash", "--norc", "-c"], "\n".join(bash), env)
    assert [set(a.split()) for a in answers[:-1]] == [
        everything,
        {"doing", "done"},
        {"cancelled", "closed"},
        {"todo,doing", "todo,done"},
        set(),
    ]
    whole = {
        "status:do": {"status:doing", "status:done"},
        "is:": {f"is:{v}" for v in everything},
        "-is:o": {"-is:open"},
        "status:todo,do": {"status:todo,doing", "status:todo,done"},
    }
    zsh = [
        "autoload -Uz compinit && compinit -u -D",
        "source <(crewdeck completion zsh)",
        'compadd() { shift $(( ${@[(i)--]} )); print -rl -- "$@" }',
        '_files() { print -r -- "(files)" }',
    ]
    for current in whole:
        zsh += [f"words=(crewdeck tasks '{current}'); CURRENT=3", "_crewdeck", "echo ---"]
    assert [set(a.split()) for a in shell(["zsh", "-f", "-c"], "\n".join(zsh), env)[:-1]] == list(whole.values())
    fish = ["crewdeck completion fish | source"]
    for current in whole:
        fish += [f"complete -C 'crewdeck tasks {current}' | string replace -r '\\t.*' ''", "echo ---"]
    assert [set(a.split()) for a in shell(["fish", "--no-config", "-c"], "\n".join(fish), env)[:-1]] == list(whole.values())


def test_config_set_completes_its_keys_the_keymaps_ids_and_the_values_of_a_few(env: dict[str, str]) -> None:
    # `crewdeck config set <tab>` offered nothing: not the keys `config set --help` lists, nor the ids `?` shows.
    lines = ["source <(crewdeck completion bash)"]
    for before, current in (
        (["config", "set"], "t"),
        (["config", "set"], "keymap.triage.do"),
        (["config", "set", "theme"], "nor"),
        (["config", "set", "time_format"], ""),
        (["config", "set", "default_view"], "u"),
        (["config", "set", "keymap.triage.done"], ""),  # a key: typed
    ):
        words = " ".join(f"'{w}'" for w in ["crewdeck", *before, current])
        lines += [
            f"COMP_WORDS=({words}); COMP_CWORD={len(before) + 1}; COMPREPLY=()",
            "_crewdeck",
            'printf "%s\\n" "${COMPREPLY[@]}"',
            "echo ---",
        ]
    answers = shell(["bash", "--norc", "-c"], "\n".join(lines), env)
    assert [a.split() for a in answers[:-1]] == [
        ["theme", "time_format"],
        ["keymap.triage.done"],
        ["nord"],
        ["12h", "24h"],
        ["unassigned"],
        [],
    ]


def test_config_unset_completes_its_keys_as_config_set_does(env: dict[str, str]) -> None:
    lines = ["source <(crewdeck completion bash)"]
    for before, current in ((["config", "unset"], "t"), (["config", "unset"], "keymap.triage.do"), (["config", "unset", "theme"], "")):
        words = " ".join(f"'{w}'" for w in ["crewdeck", *before, current])
        lines += [
            f"COMP_WORDS=({words}); COMP_CWORD={len(before) + 1}; COMPREPLY=()",
            "_crewdeck",
            'printf "%s\\n" "${COMPREPLY[@]}"',
            "echo ---",
        ]
    answers = shell(["bash", "--norc", "-c"], "\n".join(lines), env)
    assert [a.split() for a in answers[:-1]] == [["theme", "time_format"], ["keymap.triage.done"], []]


def test_completion_help_says_it_completes_config_set_and_unset(cli: Cli) -> None:
    # `completion --help` stopped at the statuses of a filter: not config set's keys and values, nor config unset's keys.
    help_text = " ".join(cli.ok("completion", "--help").split())
    assert "config set's and config unset's keys (every keymap.ID too)" in help_text
    assert "the values of config set's theme, time_format and default_view" in help_text


def test_config_set_default_view_completes_the_workspace_s_campaigns(env: dict[str, str]) -> None:
    # default_view takes campaign:SLUG too, where only the built-in views were offered.
    lines = ["source <(crewdeck completion bash)"]
    for words, cword in (
        (["crewdeck", "config", "set", "default_view", "camp"], 4),
        (["crewdeck", "config", "set", "default_view", ""], 4),
        # bash splits campaign:SLUG at its ":" and replaces what follows it: the slug alone
        (["crewdeck", "config", "set", "default_view", "campaign", ":"], 5),
        (["crewdeck", "config", "set", "default_view", "campaign", ":", "spr"], 6),
        (["crewdeck", "config", "set", "default_view", "campaign", ":", "x"], 6),
    ):
        quoted = " ".join(f"'{w}'" for w in words)
        lines += [f"COMP_WORDS=({quoted}); COMP_CWORD={cword}; COMPREPLY=()", "_crewdeck", 'printf "%s\\n" "${COMPREPLY[@]}"', "echo ---"]
    answers = shell(["bash", "--norc", "-c"], "\n".join(lines), env)
    assert [a.split() for a in answers[:-1]] == [
        ["campaign:spring-launch"],
        ["all", "campaign:spring-launch", "inbox", "mine", "overdue", "today", "unassigned", "week"],
        ["spring-launch"],
        ["spring-launch"],
        [],
    ]
    # zsh and fish hand the word whole and take it whole
    whole = {**env, "CREWDECK_COMPLETE_WORDS": "config\nset\ndefault_view", "CREWDECK_COMPLETE_CURRENT": "campaign:s"}
    done = subprocess.run(["crewdeck", "completion", "--candidates"], capture_output=True, text=True, env=whole, timeout=120)
    assert done.stdout.split() == ["campaign:spring-launch"]

"""The command line used carelessly: closed streams, acting as someone, huge searches, odd text in settings."""

from __future__ import annotations

import json
import os
import shutil
import ssl
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from .conftest import NOW_TEXT, ROOT, Cli
from .syncsupport import crewdeck_fails, free_port, wait_until
from .test_cli import one_line_error

OPENSSL = shutil.which("openssl")


def closed_stream_run(tmp_path: Path, fd: int, *args: str) -> subprocess.CompletedProcess[str]:
    """``crewdeck ARGS`` in a process of its own whose descriptor ``fd`` is closed (``>&-``, ``<&-``)."""
    config = tmp_path / "config.toml"
    config.touch()
    env = {**os.environ, "CREWDECK_CONFIG": str(config), "CREWDECK_NOW": NOW_TEXT}
    script = f"import os, sys\nos.close({fd})\nsys.{('stdin', 'stdout', 'stderr')[fd]} = None\nfrom crewdeck.tui.cli.main import main\nsys.exit(main(sys.argv[1:]))"
    return subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)


def test_a_closed_standard_output_reads_as_one_nobody_reads(cli: Cli, tmp_path: Path) -> None:
    # As when the reader of a pipe went away (`crewdeck tasks | head -1`): not an error, and no traceback.
    cli.ok("add", "Brief legal")
    for args in (["tasks", "all"], ["export"], ["add", "Draft reel"]):
        result = closed_stream_run(tmp_path, 1, "-w", str(cli.workspace), "--as", "ana", *args)
        assert (result.returncode, result.stderr) == (0, ""), args
    assert "Draft reel" in cli.ok("tasks", "all")


def test_a_closed_standard_input_reads_as_an_empty_one(cli: Cli, tmp_path: Path) -> None:
    result = closed_stream_run(tmp_path, 0, "-w", str(cli.workspace), "--as", "ana", "ledger", "import", "-")
    assert result.returncode == 2, result.stderr
    assert (
        result.stderr.startswith("crewdeck: error: nothing imported: standard input: the file is empty") and result.stderr.count("\n") == 1
    )
    listed = closed_stream_run(tmp_path, 0, "-w", str(cli.workspace), "--as", "ana", "member", "list")
    assert listed.returncode == 0 and "@raj" in listed.stdout


def test_a_closed_standard_error_keeps_the_exit_status_of_an_error(cli: Cli, tmp_path: Path) -> None:
    result = closed_stream_run(tmp_path, 2, "-w", str(cli.workspace), "--as", "ana", "add", "Draft @nobody")
    assert (result.returncode, result.stdout) == (2, "")


def test_acting_as_another_member_says_what_changed_and_nothing_more(cli: Cli) -> None:
    task_id = cli.ok("add", "Draft reel").strip()
    # ana's Unix user is mapped to her; --as raj is "@ana as @raj": the record of that is no change of its own.
    assert cli.ok("set", task_id, "priority=low", as_member="raj") == "Modified 1 task: set “Draft reel” to low priority\n"
    assert cli.ok("member", "set", "raj", "--name", "Raj M", as_member="raj") == "Modified @raj: set the name of @raj to “Raj M”\n"


def test_a_guest_is_refused_in_plain_words(cli: Cli) -> None:
    cli.ok("member", "add", "cleo", "--name", "Cleo", "--tz", "America/New_York", "--access", "guest")
    spend = ["ledger", "add", "--campaign", "spring-launch", "--category", "ads", "--amount", "5 EUR", "--payee", "Meta"]
    assert "guests add no ledger entries (rule guest_read_only)" in one_line_error(cli(*spend, as_member="cleo"))
    assert "guests start no crises (rule guest_read_only)" in one_line_error(cli("crisis", "start", "--reason", "leak", as_member="cleo"))


def test_an_unknown_argument_of_a_command_points_at_that_commands_help(cli: Cli) -> None:
    err = one_line_error(
        cli("ledger", "add", "--campaign", "spring-launch", "--category", "ads", "--amount", "5 EUR", "--payee", "M", "-q")
    )
    assert err == "crewdeck: error: unrecognized arguments: -q (see: crewdeck ledger add --help)\n"
    assert one_line_error(cli("crisis", "start", "spring-launch", "--reason", "x")).endswith("(see: crewdeck crisis start --help)\n")
    assert one_line_error(cli("--bogus")).endswith("(see: crewdeck --help)\n")


def test_a_search_text_too_long_for_sqlite_is_refused_as_such_not_blamed_on_the_workspace(cli: Cli) -> None:
    cli.ok("ledger", "add", "--campaign", "spring-launch", "--category", "ads", "--amount", "5 EUR", "--payee", "Meta")
    cli.ok("add", "Brief legal")
    huge = "x" * 60_000
    for args in (["tasks", huge], ["tasks", "all", f"-{huge}"], ["ledger", "list", huge], ["ledger", "list", f"payee:{huge}"]):
        err = one_line_error(cli(*args))
        assert "cannot be used" not in err and "LIKE" not in err
        assert err == (
            "crewdeck: error: a search text of 60,000 characters is longer than SQLite can search for: "
            "60,000 bytes of UTF-8 (%, _ and \\ count twice), at most 49,998\n"
        )
    # The longest that can be searched for still is.
    assert cli("tasks", "x" * 49_998).err == "no tasks match\n"
    # An underscore is searched for escaped, as two bytes: the message said "at most 49,998 bytes" of 30,000.
    err = one_line_error(cli("tasks", "_" * 30_000))
    assert "30,000 characters" in err and "60,000 bytes of UTF-8 (%, _ and \\ count twice), at most 49,998" in err


def test_workspace_show_spells_out_bidirectional_overrides_in_its_settings(cli: Cli) -> None:
    cli.ok("workspace", "set", "name", "Team \u202egnp.exe")
    cli.ok("workspace", "set", "crisis_checklist", '[{"title": "Call \u2066legal\u2069", "group": "legal", "due_minutes": 60}]')
    shown = cli.ok("workspace", "show")
    assert 'name = "Team <U+202E>gnp.exe"' in shown
    assert '"title": "Call <U+2066>legal<U+2069>"' in shown
    assert not any(c in shown for c in "\u202e\u2066\u2069")
    # JSON keeps the value exact, as \\u escapes.
    assert '"name": "Team \\u202egnp.exe"' in cli.ok("workspace", "show", "--json")


def test_member_set_says_campaigns_by_name_and_a_new_handle_after_the_old_one(cli: Cli) -> None:
    cli.ok("member", "add", "cleo", "--name", "Cleo", "--tz", "America/New_York", "--access", "guest")
    said = cli.ok("member", "set", "cleo", "--campaigns", "spring-launch")
    assert said == "Modified @cleo: set the campaigns of @cleo to Spring Launch\n"
    assert (
        cli.ok("member", "set", "cleo", "--hours", "mon-fri 08:00-12:00")
        == "Modified @cleo: set the hours of @cleo to mon-fri 08:00-12:00\n"
    )
    assert cli.ok("member", "set", "cleo", "--handle", "cleo.b") == "Modified @cleo: renamed @cleo to @cleo.b\n"


def test_member_set_says_what_it_did_as_the_log_says_it(cli: Cli) -> None:
    # A member's other changes in a write that renames them named the old handle ("moved @cleo to …"), the log the new one.
    cli.ok("member", "add", "cleo", "--name", "Cleo", "--tz", "America/New_York")
    said = cli.ok("member", "set", "cleo", "--tz", "Europe/Paris", "--handle", "cleo.b")
    logged = cli.ok("log", "--limit", "1").split("  ", 1)[1]
    assert said == "Modified @cleo: " + logged.removeprefix("@ana ")
    assert said == "Modified @cleo: moved @cleo.b to Europe/Paris; renamed @cleo to @cleo.b\n"


def test_post_show_spells_out_bidirectional_overrides_in_the_post(cli: Cli) -> None:
    post_id = cli.ok("post", "add", "Launch \u2066reel\u2069 +spring-launch/instagram publish:2026-12-20 10:00").strip()
    cli.ok(
        "post",
        "copy",
        post_id,
        "Big news\n\u202egnp.exe",
        "--link",
        "https://example.com/\u202ex",
        "--first-comment",
        "see \u2067bio\u2069",
    )
    shown = cli.ok("post", "show", post_id)
    assert not any(c in shown for c in "\u202e\u2066\u2067\u2069"), shown
    assert f"{post_id[:8]}  Launch <U+2066>reel<U+2069>" in shown
    assert "  Big news\n  <U+202E>gnp.exe\n" in shown
    assert "link:          https://example.com/<U+202E>x" in shown and "first comment: see <U+2067>bio<U+2069>" in shown


def test_crisis_status_and_end_spell_out_bidirectional_overrides_in_the_reason(cli: Cli) -> None:
    crisis_id = cli.ok("crisis", "start", "--reason", "leak \u202eeht").strip()
    status = cli.ok("crisis", "status")
    assert f"CRISIS {crisis_id[:8]}: leak <U+202E>eht" in status and "\u202e" not in status
    ended = cli.ok("crisis", "end", crisis_id)
    assert "(leak <U+202E>eht)" in ended and "\u202e" not in ended


def test_overlap_offers_no_slot_past_the_last_day_a_date_may_hold(cli: Cli) -> None:
    slots = json.loads(cli.ok("overlap", "ana", "raj", "--from", "9998-12-30", "--json"))
    assert slots and all(s["end"] <= "9999-01-01T00:00:00Z" for s in slots), [s["start"] for s in slots]
    assert "Wed 12-30 to Thu 12-31" in cli.ok("overlap", "ana", "raj", "--from", "9998-12-30")
    # So every slot offered can be booked, the last one too.
    last = len(json.loads(cli.ok("overlap", "ana", "raj", "--from", "9998-12-31", "--json")))
    assert cli.ok("overlap", "ana", "raj", "--from", "9998-12-31", "--book", "Year-end sync", "--pick", str(last)).startswith("booked ")


def op_count(cli: Cli) -> int:
    return len(json.loads(cli.ok("log", "--json")))


def test_a_deleted_task_is_not_changed_unseen(cli: Cli) -> None:
    task_id = cli.ok("add", "Draft reel").strip()
    assert cli.ok("rm", task_id[:8]) == "Deleted 1 task: “Draft reel”\n"
    before = op_count(cli)
    assert cli.ok("rm", task_id[:8]) == "“Draft reel” is already deleted: nothing written\n"
    for args in (["done", task_id[:8]], ["set", task_id[:8], "title=Final reel"]):
        assert f"task {task_id[:8]} “Draft reel” was deleted" in one_line_error(cli(*args))
    assert op_count(cli) == before


def test_a_task_cannot_wait_for_or_duplicate_itself(cli: Cli) -> None:
    task_id = cli.ok("add", "Draft reel").strip()
    other = cli.ok("add", "Brief").strip()
    before = op_count(cli)
    assert "depends_on: “Draft reel” cannot wait for itself" in one_line_error(
        cli("set", task_id[:8], f"depends_on={other[:8]},{task_id[:8]}")
    )
    assert "depends_on: “Draft reel” cannot wait for itself" in one_line_error(cli("set", task_id[:8], f"depends_on+={task_id[:8]}"))
    assert "duplicate_of: “Draft reel” cannot be a duplicate of itself" in one_line_error(
        cli("set", task_id[:8], f"duplicate_of={task_id[:8]}")
    )
    assert op_count(cli) == before


def test_init_refuses_control_characters_as_every_later_write_does(tmp_path: Path) -> None:
    c = Cli(tmp_path / "x.db")
    first = ["--member", "ana", "--name", "Ana", "--tz", "UTC"]
    cases = [
        ([str(tmp_path / "x.db"), "--title", "Team\x1b[2J", *first], "init: --title: text may not hold control characters (U+001B)"),
        (
            [str(tmp_path / "x.db"), "--member", "ana", "--name", "Ana\x07", "--tz", "UTC"],
            "init: --name: text may not hold control characters (U+0007)",
        ),
        (
            [str(tmp_path / "team\x1b.db"), *first],
            "init: the workspace's name 'team^[' (the file's name) may not hold control characters (U+001B): give --title",
        ),
    ]
    for args, message in cases:
        assert one_line_error(c("init", *args, as_member=None)) == f"crewdeck: error: {message}\n"
    assert not list(tmp_path.glob("*.db*"))
    assert c("init", str(tmp_path / "team\x1b.db"), "--title", "Team", *first, as_member=None).code == 0


def test_paths_typed_with_control_characters_are_echoed_visible(tmp_path: Path) -> None:
    odd = tmp_path / "odd\x1b[2Jdir"
    odd.mkdir()
    c = Cli(odd / "team.db")
    made = c("init", str(odd / "team.db"), "--member", "ana", "--name", "Ana", "--tz", "UTC", as_member=None)
    assert made.code == 0 and "\x1b" not in made.out and "odd^[[2Jdir" in made.out
    said = c("--config", str(odd / "config.toml"), "config", "set", "theme", "nord", as_member=None)
    assert said.code == 0 and said.out == f"{tmp_path}/odd^[[2Jdir/config.toml: theme = 'nord'\n"


def test_a_rename_says_the_name_it_replaced_in_what_set_says_and_in_the_history(cli: Cli) -> None:
    task_id = cli.ok("add", "Draft reel").strip()
    assert cli.ok("set", task_id[:8], "title=Final reel") == "Modified 1 task: renamed “Draft reel” to “Final reel”\n"
    cli.ok("set", task_id[:8], "title=Final reel v2")
    history = cli.ok("log", task_id[:8])
    assert "renamed “Draft reel” to “Final reel”" in history and "renamed “Final reel” to “Final reel v2”" in history
    assert "renamed “Final reel v2” to “Final reel v2”" not in cli.ok("show", task_id[:8])
    cli.ok("member", "set", "raj", "--handle", "rajm")
    assert "renamed @raj to @rajm" in cli.ok("log")


def test_campaign_set_keeps_the_run_in_order(cli: Cli) -> None:
    cli.ok("campaign", "set", "spring-launch", "--start", "2026-03-01", "--end", "2026-06-30")
    before = op_count(cli)
    assert one_line_error(cli("campaign", "set", "spring-launch", "--start", "2026-07-01")) == (
        "crewdeck: error: campaign set: --start 2026-07-01 is after the campaign's end, 2026-06-30 (give --end too)\n"
    )
    assert one_line_error(cli("campaign", "set", "spring-launch", "--end", "2026-02-01")) == (
        "crewdeck: error: campaign set: --end 2026-02-01 is before the campaign's start, 2026-03-01 (give --start too)\n"
    )
    assert op_count(cli) == before
    assert "2026-07-01..2026-08-31" in cli.ok("campaign", "set", "spring-launch", "--start", "2026-07-01", "--end", "2026-08-31") + cli.ok(
        "campaign", "list"
    )


def test_campaign_set_says_targets_and_approvals_as_they_are_typed(cli: Cli) -> None:
    said = cli.ok("campaign", "set", "spring-launch", "--target", "ctr>=1.2%", "--target", "roas>=3", "--target", "result=clicks")
    assert said == "Modified campaign Spring Launch: set the targets of campaign Spring Launch to ctr>=1.2%, roas>=3x (CPA counts clicks)\n"
    said = cli.ok("campaign", "set", "spring-launch", "--approvals", "copy:@raj; brand:group=brand")
    assert said == "Modified campaign Spring Launch: set the approval chain of campaign Spring Launch to copy:@raj; brand:group=brand\n"
    assert cli.ok("campaign", "set", "spring-launch", "--approvals", "none").endswith(
        "set the approval chain of campaign Spring Launch to none\n"
    )


def test_a_missing_rate_warning_agrees_with_its_count(cli: Cli) -> None:
    cli.ok("ledger", "add", "--campaign", "spring-launch", "--category", "ads", "--amount", "15000 JPY", "--payee", "Tokyo Ads")
    warning = cli("ledger", "report").err
    assert "1 entry (2026-11-26..2026-11-26) is not in the totals" in warning, warning
    cli.ok("ledger", "add", "--campaign", "spring-launch", "--category", "ads", "--amount", "500 JPY", "--payee", "Tokyo Ads")
    assert "2 entries (2026-11-26..2026-11-26) are not in the totals" in cli("ledger", "report").err


def test_adding_or_removing_no_tag_is_refused_not_written(cli: Cli) -> None:
    task_id = cli.ok("add", "Draft reel #instagram").strip()
    before = op_count(cli)
    for assignment in ("tags+=", "tags-= ", "tags+=#", "depends_on+=,"):
        field, _, _ = assignment.partition("=")
        assert f"{field}=: give what to {'add' if '+' in field else 'remove'}" in one_line_error(cli("set", task_id[:8], assignment))
    assert op_count(cli) == before
    assert cli.ok("set", task_id[:8], "tags=") == "Modified 1 task: removed the tags of “Draft reel”\n"


def test_log_limit_zero_says_how_to_list_everything_truly(cli: Cli) -> None:
    err = one_line_error(cli("log", "--limit", "0"))
    assert "leave --limit out" not in err  # that lists the last 50
    assert "0 lists nothing: give 1 or more (a number larger than any count lists everything)" in err
    assert "(or leave --limit out for everything)" in one_line_error(cli("tasks", "--limit", "0"))


def test_ledger_control_characters_are_named_by_field_and_line(cli: Cli, tmp_path: Path) -> None:
    add = ["ledger", "add", "--campaign", "spring-launch", "--category", "ads", "--amount", "5 EUR"]
    assert one_line_error(cli(*add, "--payee", "Meta\x1b[2J")) == "crewdeck: error: payee: text may not hold control characters (U+001B)\n"
    csv_file = tmp_path / "spend.csv"
    csv_file.write_text(
        "date,campaign,category,payee,amount,memo\n2026-11-20,spring-launch,ads,Meta,5.00,ok\n2026-11-20,spring-launch,ads,Meta,6.00,bell\x07\n"
    )
    result = cli("ledger", "import", str(csv_file))
    assert (result.code, result.err) == (
        2,
        f"{csv_file}:3: memo: text may not hold control characters (U+0007)\n"
        f"crewdeck: error: nothing imported: 1 bad row in {csv_file} (listed above)\n",
    )
    assert cli("ledger", "list").err == "no entries yet: crewdeck ledger add records a spend\n"  # nothing imported


def test_the_system_databases_leap_second_and_posix_copies_are_not_zones(cli: Cli) -> None:
    # Only in the system's zone files (not in tzdata, so unknown on another host), and
    # read wrongly: right/Europe/Berlin puts a December noon UTC at 14:00 +02:00.
    for name in ("right/Europe/Berlin", "right/UTC", "posix/Europe/Berlin"):
        err = one_line_error(cli("member", "add", "zed", "--name", "Zed", "--tz", name))
        assert f"--tz: unknown time zone '{name}'" in err
    assert "@zed" not in cli.ok("member", "list")


def test_a_tls_certificate_that_cannot_be_used_is_named_before_anything_is_served(cli: Cli, tmp_path: Path) -> None:
    bad = tmp_path / "bad.pem"
    bad.write_text("not a certificate\n")
    missing = tmp_path / "missing.pem"
    ws = str(cli.workspace)
    runs = [
        (
            ["serve", ws, "--port", "1", "--ssl-certfile", str(missing), "--ssl-keyfile", str(bad)],
            f"--ssl-certfile {missing}: no such file",
        ),
        (
            ["serve", ws, "--port", "1", "--ssl-certfile", str(bad), "--ssl-keyfile", str(bad)],
            f"--ssl-certfile {bad} and --ssl-keyfile {bad} are not",
        ),
        (["web", ws, "--port", "1", "--tls-cert", str(bad), "--tls-key", str(missing)], f"--tls-key {missing}: no such file"),
        (["web", ws, "--port", "1", "--tls-cert", str(bad), "--tls-key", str(bad)], f"--tls-cert {bad} and --tls-key {bad} are not"),
    ]
    for args, message in runs:
        result = cli(*args)
        assert message in one_line_error(result) and result.out == "", args


def test_serve_and_web_take_tls_files_by_one_spelling_and_serve_its_old_one_unlisted(cli: Cli, tmp_path: Path) -> None:
    # serve took --ssl-certfile/--ssl-keyfile, web --tls-cert/--tls-key: the same files spelled two ways.
    bad = tmp_path / "bad.pem"
    bad.write_text("not a certificate\n")
    missing = tmp_path / "missing.pem"
    ws = str(cli.workspace)
    for command in ("serve", "web"):
        result = cli(command, ws, "--port", "1", "--tls-cert", str(missing), "--tls-key", str(bad))
        assert f"--tls-cert {missing}: no such file" in one_line_error(result), command
        assert "--tls-cert and --tls-key go together" in one_line_error(cli(command, ws, "--port", "1", "--tls-key", str(bad)))
        shown = cli(command, "--help").out
        assert "--tls-cert PEM" in shown and "--ssl-" not in shown, command
    assert "serve: --ssl-certfile and --ssl-keyfile go together" in one_line_error(cli("serve", ws, "--ssl-certfile", str(bad)))


@pytest.mark.skipif(OPENSSL is None, reason="LOUD SKIP: openssl is not installed (apt-get install openssl; .ci/run installs it)")
def test_tls_files_named_from_home_are_the_files_served(cli: Cli, tmp_path: Path) -> None:
    # No shell expands a ~ after "=": `--ssl-certfile=~/tls/cert.pem` reaches crewdeck with it. The check read
    # $HOME/tls/cert.pem and passed; the server then opened "~/tls/cert.pem" as typed and failed, after saying it served.
    home = tmp_path / "home"
    (home / "tls").mkdir(parents=True)
    cert, key = home / "tls" / "cert.pem", home / "tls" / "key.pem"
    assert OPENSSL is not None
    made = ["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)]
    subprocess.run([OPENSSL, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", *made], check=True, capture_output=True)
    config = tmp_path / "config.toml"
    config.touch()
    env = {**os.environ, "HOME": str(home), "CREWDECK_CONFIG": str(config)}
    trusted = ssl.create_default_context(cafile=str(cert))
    ws = str(cli.workspace)
    for args, path in (
        (["serve", ws, "--ssl-certfile=~/tls/cert.pem", "--ssl-keyfile=~/tls/key.pem"], "/v1/health"),
        (["web", ws, "--tls-cert=~/tls/cert.pem", "--tls-key=~/tls/key.pem"], "/"),
    ):
        port = free_port()
        argv = [sys.executable, "-m", "crewdeck.tui.cli.main", *args, "--port", str(port)]
        server = subprocess.Popen(argv, cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

        def answers(server: subprocess.Popen[bytes] = server, url: str = f"https://127.0.0.1:{port}{path}", command: str = args[0]) -> bool:
            if server.poll() is not None:
                raise AssertionError(f"crewdeck {command} exited: {server.stderr.read().decode() if server.stderr else ''}")
            try:
                return httpx.get(url, verify=trusted, timeout=2).status_code == 200
            except httpx.TransportError:
                return False

        try:
            wait_until(answers, f"crewdeck {args[0]} over TLS")
        finally:
            server.terminate()
            server.communicate(timeout=20)


def test_the_app_without_a_terminal_is_refused_not_drawn_into_a_file(cli: Cli) -> None:
    # Standard output here is a buffer, as `crewdeck > out.txt` makes it a file: the app would draw escape codes into it and wait.
    result = cli()
    assert one_line_error(result).startswith("crewdeck: error: the app needs a terminal")
    assert result.out == ""


def test_post_commands_on_a_deleted_post_say_so(cli: Cli) -> None:
    post_id = cli.ok("post", "add", "Launch reel +spring-launch/instagram publish:2026-12-20 10:00").strip()
    cli.ok("rm", post_id[:8])
    for args in (["post", "show", post_id[:8]], ["post", "submit", post_id[:8]], ["post", "copy", post_id[:8], "Big news"]):
        assert f"post {post_id[:8]} “Launch reel” was deleted" in one_line_error(cli(*args)), args


KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB9ZsmCpGqsH6jcsV4tJpC4Xd1Mu1nVkSgx4cYN1h0mo"


def test_authorized_keys_lines_spell_out_a_bidirectional_override_in_a_keys_comment(cli: Cli) -> None:
    cli.ok("member", "set", "raj", "--ssh-key", f"{KEY} raj@\u202epotpal")
    cli.ok("ssh", "account", "team")
    for args in (["ssh", "authorized-keys"], ["ssh", "keys-command", "team"]):
        lines = cli.ok(*args)
        assert lines.endswith(f"{KEY} raj@<U+202E>potpal\n") and "\u202e" not in lines, args


def test_the_first_member_of_an_empty_workspace_is_checked_for_control_characters_too(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    c = Cli(path)
    assert c("init", str(path), as_member=None).code == 0
    for option in ("--name", "--role"):
        values = {"--name": "Zed", "--role": "lead", option: "Z\x1b[2J"}
        err = one_line_error(c("member", "add", "zed", "--tz", "UTC", *(x for kv in values.items() for x in kv), as_member=None))
        assert err == f"crewdeck: error: {option}: text may not hold control characters (U+001B)\n"
    days = one_line_error(c("member", "add", "zed", "--name", "Zed", "--tz", "UTC", "--days-off", "2026-12-24,9999-01-01", as_member=None))
    assert days == "crewdeck: error: --days-off: 9999-01-01 is out of range: dates run from 1900-01-01 to 9998-12-31\n"
    assert "@zed" not in c.ok("member", "list", as_member=None)


def test_ssh_account_is_a_printable_name(cli: Cli) -> None:
    assert one_line_error(cli("ssh", "account", "te\u202eam")) == "crewdeck: error: 'te\\u202eam' is not a Unix account name\n"
    assert cli.ok("ssh", "account") == "(none: set it with crewdeck ssh account USER)\n"


def test_a_budget_month_outside_the_calendar_is_refused_and_reports_keep_working(cli: Cli) -> None:
    for month in ("0000-01", "1899-12", "9999-01"):
        err = one_line_error(cli("budget", "set", "spring-launch", "ads", "5", "--month", month))
        assert f"'{month}' is not a budget period (run, or a month YYYY-MM from 1900-01 to 9998-12)" in err
    cli.ok("budget", "set", "spring-launch", "ads", "5", "--month", "9998-12")
    for args in (["ledger", "report"], ["ledger", "report", "--json"], ["ledger", "export", "--format", "hledger"]):
        assert cli(*args).code == 0, args


def test_workspace_set_names_the_setting_a_bad_number_was_for(cli: Cli) -> None:
    assert one_line_error(cli("workspace", "set", "quiet_days", "1e3")) == "crewdeck: error: quiet_days: '1e3' is not a whole number\n"


def test_campaign_set_rename_cannot_take_another_campaigns_slug(cli: Cli) -> None:
    cli.ok("campaign", "add", "Winter Sale")
    before = op_count(cli)
    err = one_line_error(cli("campaign", "set", "spring-launch", "--rename", "WINTER sale"))
    assert err == "crewdeck: error: campaign set: campaign +winter-sale already exists (pick another name)\n"
    assert op_count(cli) == before
    # Its own slug is no clash: a new spelling of the same name.
    assert cli.ok("campaign", "set", "spring-launch", "--rename", "SPRING Launch").startswith("Modified campaign")


def test_spend_and_results_are_not_tied_to_a_deleted_task(cli: Cli) -> None:
    task_id = cli.ok("add", "Launch reel +spring-launch/instagram").strip()
    cli.ok("rm", task_id[:8])
    before = op_count(cli)
    refusal = f"task {task_id[:8]} “Launch reel” was deleted"
    assert refusal in one_line_error(cli("kpi", "add", task_id[:8], "2026-11-20", "reach=10"))
    spend = ["--campaign", "spring-launch", "--category", "ads", "--amount", "10.00 EUR", "--payee", "Meta", "--task", task_id[:8]]
    assert refusal in one_line_error(cli("ledger", "add", *spend))
    assert op_count(cli) == before


def test_show_of_a_deleted_task_says_it_was_deleted(cli: Cli) -> None:
    task_id = cli.ok("add", "Draft reel").strip()
    assert "deleted" not in cli.ok("show", task_id[:8]).splitlines()[0]
    cli.ok("rm", task_id[:8])
    assert cli.ok("show", task_id[:8]).splitlines()[0].endswith("(deleted: listed nowhere; the history below says when)")


def test_a_time_the_clocks_skip_is_said_where_it_is_typed(cli: Cli) -> None:
    said = cli("add", "Spring post due:2027-03-28 02:30 Europe/Berlin")
    assert said.code == 0
    assert said.err == "note: due: 02:30 does not exist in Europe/Berlin on Sun 2027-03-28 (the clocks go forward): 03:30 CEST instead\n"
    task_id = said.out.strip()
    moved = cli("set", task_id[:8], "due=2027-03-28 02:15 Europe/Berlin")
    assert moved.code == 0 and "02:15 does not exist in Europe/Berlin" in moved.err and "03:15 CEST instead" in moved.err
    assert cli("set", task_id[:8], "due=2027-03-28 04:00 Europe/Berlin").err == ""


def test_an_iso_instant_gets_the_notes_its_two_words_get(cli: Cli) -> None:
    """Review rc: due:2027-03-28T02:30 was stored at 03:30 with not a word, and a doubled hour or a city after it
    went unsaid, where "2027-03-28 02:30" said each: the notes read the typed words without the ISO form's split."""
    said = cli("add", "Spring post due:2027-03-28T02:30")
    assert said.code == 0
    assert said.err == "note: due: 02:30 does not exist in Europe/Berlin on Sun 2027-03-28 (the clocks go forward): 03:30 CEST instead\n"
    twice = cli("set", said.out.strip()[:8], "due=2027-10-31T02:30")
    assert twice.err == "note: due: 02:30 happens twice in Europe/Berlin on Sun 2027-10-31 (the clocks go back): the first, 02:30 CEST\n"
    city = cli("add", "Call with raj due:2026-12-10T09:00 Kolkata office")
    assert city.err == (
        "note: due: Kolkata is read as a word of the title, the time as Europe/Berlin's: "
        "for Asia/Kolkata's clock write due:2026-12-10T09:00 Asia/Kolkata\n"
    )
    assert cli("add", "Call with raj due:2026-12-10T09:00Z Kolkata office").err == ""  # a zone given: UTC's clock, as typed


def test_a_day_the_clocks_skip_whole_is_said_where_it_is_typed(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """Samoa went from Thu 2011-12-29 to Sat 2011-12-31: a time on the 30th was stored a day later with not a word
    (its clock read as typed, so the note about a skipped hour never fired)."""
    apia = "does not exist in Pacific/Apia (the clocks skip that whole day, from Thu 2011-12-29 to Sat 2011-12-31)"
    said = cli("add", "Samoa post due:2011-12-30 10:00 Pacific/Apia")
    assert said.code == 0
    assert said.err == (
        f"note: due: Fri 2011-12-30 10:00 {apia}: Sat 2011-12-31 10:00 +14 instead\n"
        "note: due: already overdue by 14y (2011-12-31 10:00 +14)\n"
    )
    task_id = said.out.strip()[:8]
    assert json.loads(cli.ok("show", task_id, "--json"))["due"]["utc"] == "2011-12-30T20:00:00Z"
    alone = cli("set", task_id, "due=2011-12-30 Pacific/Apia")  # a day alone: the time is the end of the day
    # As add says it: the date has passed too (set said only the skipped day).
    assert alone.err == (
        f"note: due: Fri 2011-12-30 {apia}: Sat 2011-12-31 17:00 +14 instead\nnote: due: already overdue by 14y (2011-12-31 17:00 +14)\n"
    )
    kiritimati = cli("set", task_id, "due=1994-12-31 09:00 Pacific/Kiritimati")
    assert kiritimati.err == (
        "note: due: Sat 1994-12-31 09:00 does not exist in Pacific/Kiritimati (the clocks skip that whole day, "
        "from Fri 1994-12-30 to Sun 1995-01-01): Sun 1995-01-01 09:00 +14 instead\n"
        "note: due: already overdue by 31y (1995-01-01 09:00 +14)\n"
    )
    # A snooze is to a moment ahead (one passed is refused): typed the week before Kwajalein skipped its day.
    monkeypatch.setenv("CREWDECK_NOW", "1993-08-14T00:00:00Z")
    snoozed = cli("set", task_id, "snoozed_until=1993-08-21 09:00 Pacific/Kwajalein")
    assert snoozed.err.startswith("note: snooze: Sat 1993-08-21 09:00 does not exist in Pacific/Kwajalein")
    monkeypatch.setenv("CREWDECK_NOW", NOW_TEXT)
    # The day after, typed: the same instant as the 30th's, and as typed (no skipped day to tell of; passed, as any).
    assert cli("set", task_id, "due=2011-12-31 10:00 Pacific/Apia").err == "note: due: already overdue by 14y (2011-12-31 10:00 +14)\n"
    # A day word read where it was typed: on Thursday the 29th in Apia, tmrw is the 30th, sat the 31st.
    monkeypatch.setenv("CREWDECK_NOW", "2011-12-29T12:00:00Z")
    assert f"Fri 2011-12-30 10:00 {apia}" in cli("set", task_id, "due=tmrw 10:00 Pacific/Apia").err
    assert cli("set", task_id, "due=sat 10:00 Pacific/Apia").err == ""


def test_a_snooze_at_a_time_the_clocks_skip_or_repeat_is_said_as_a_due_date_is(cli: Cli) -> None:
    """A snooze typed at 02:30 on a night the clocks change was stored (moved forward, or the first 02:30) with not a word."""
    task_id = cli.ok("add", "Spring post").strip()
    skipped = cli("set", task_id[:8], "snoozed_until=2027-03-28 02:30")  # ana is in Berlin: 02:00 becomes 03:00
    assert skipped.code == 0
    assert (
        skipped.err == "note: snooze: 02:30 does not exist in Europe/Berlin on Sun 2027-03-28 (the clocks go forward): 03:30 CEST instead\n"
    )
    assert json.loads(cli.ok("show", task_id[:8], "--json"))["snoozed_until"] == {"utc": "2027-03-28T01:30:00Z", "tz": "Europe/Berlin"}
    repeated = cli("set", task_id[:8], "snoozed_until=2027-10-31 02:30")  # 03:00 becomes 02:00 again
    assert repeated.code == 0
    assert repeated.err == (
        "note: snooze: 02:30 happens twice in Europe/Berlin on Sun 2027-10-31 (the clocks go back): the first, 02:30 CEST\n"
    )
    assert json.loads(cli.ok("show", task_id[:8], "--json"))["snoozed_until"] == {"utc": "2027-10-31T00:30:00Z", "tz": "Europe/Berlin"}
    assert cli("set", task_id[:8], "snoozed_until=2027-10-31 03:30").err == ""
    assert cli("set", task_id[:8], "snoozed_until=2027-10-30 02:30 America/New_York").err == ""
    due = cli("set", task_id[:8], "due=2027-10-31 02:30")  # a due date says the same
    assert due.err == "note: due: 02:30 happens twice in Europe/Berlin on Sun 2027-10-31 (the clocks go back): the first, 02:30 CEST\n"


def test_a_repeat_rules_first_time_the_clocks_skip_or_repeat_is_said_as_a_due_date_is(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """every:sun 02:30 typed the Thursday before the clocks go forward made its first instance 03:30 CEST with not a
    word, and every=… on an open task moved it there alike; the later instances keep 02:30."""
    monkeypatch.setenv("CREWDECK_NOW", "2027-03-25T10:00:00Z")
    skipped = cli("add", "Sunday check every:sun 02:30")  # ana is in Berlin: 02:00 becomes 03:00
    assert skipped.code == 0
    assert (
        skipped.err == "note: every: 02:30 does not exist in Europe/Berlin on Sun 2027-03-28 (the clocks go forward): 03:30 CEST instead\n"
    )
    assert json.loads(cli.ok("show", skipped.out.strip()[:8], "--json"))["due"] == {"utc": "2027-03-28T01:30:00Z", "tz": "Europe/Berlin"}
    task_id = cli.ok("add", "Report due:fri 10:00").strip()[:8]
    moved = cli("set", task_id, "every=sun 02:15")
    assert moved.code == 0
    assert moved.err == "note: every: 02:15 does not exist in Europe/Berlin on Sun 2027-03-28 (the clocks go forward): 03:15 CEST instead\n"
    assert cli("set", task_id, "every=sun 04:00").err == ""
    assert cli("add", "Standup every:weekday 02:30").err == ""  # its first instance is Friday's
    monkeypatch.setenv("CREWDECK_NOW", "2027-10-28T10:00:00Z")
    twice = cli("add", "Sunday check every:sun 02:30")
    assert twice.err == "note: every: 02:30 happens twice in Europe/Berlin on Sun 2027-10-31 (the clocks go back): the first, 02:30 CEST\n"
    # Closed, a task keeps its date: what a rule given to it makes is the series' next instance, not it moved.
    cli.ok("done", task_id)
    assert cli("set", task_id, "every=sun 02:30").err == ""


def test_set_refuses_a_due_date_with_a_repeat_rule_as_quick_add_does(cli: Cli) -> None:
    """set ID due="tue 11:00" every="2 weeks" dropped the due date for the rule's next time (today's end of day) with
    not a word of it, and told of a clock change that was none ("11:00 does not exist … (the clocks go forward)")."""
    task_id = cli.ok("add", "Report every:fri 10:00").strip()[:8]
    before = json.loads(cli.ok("show", task_id, "--json"))
    for both in (["due=tue 11:00", "every=2 weeks"], ["every=day", "due_date=tue 11:00"]):
        refused = cli("set", task_id, *both)
        assert (refused.code, refused.err) == (2, "crewdeck: error: every= sets the due date of each instance: drop due= and publish=\n")
    assert "every= sets the due date" in cli("set", "Report", "due=tue 11:00", "every=2 weeks", "--yes").err
    assert json.loads(cli.ok("show", task_id, "--json")) == before
    ended = cli("set", task_id, "every=none", "due=tue 11:00")  # no rule: the date given stands
    assert ended.code == 0 and ended.err == ""
    assert json.loads(cli.ok("show", task_id, "--json"))["due"] == {"utc": "2026-12-01T10:00:00Z", "tz": "Europe/Berlin"}


def test_set_keeps_a_due_date_with_a_repeat_rule_on_a_closed_task(cli: Cli) -> None:
    """Review rb: set ID due="thu 09:00" every="mon 10:00" was refused on a done task, and with status=done in the same
    command, where the rule leaves a closed task as it is (its date the one given) and makes the series' open instance."""
    done = cli.ok("add", "Report due:fri 10:00").strip()[:8]
    cli.ok("done", done)
    closing = cli.ok("add", "Recap due:fri 10:00").strip()[:8]
    thursday = {"utc": "2026-11-26T08:00:00Z", "tz": "Europe/Berlin"}  # today, Thursday
    for task_id, closed in ((done, []), (closing, ["status=done"])):
        set_ = cli("set", task_id, "due=thu 09:00", "every=mon 10:00", *closed)
        assert (set_.code, set_.err) == (0, "")
        task = json.loads(cli.ok("show", task_id, "--json"))
        assert (task["status"], task["due"], task["series"] is not None) == ("done", thursday, True)
    assert len(json.loads(cli.ok("tasks", "--json"))) == 2  # each series' open instance
    # With --future the due date gives the later instances its time, which the rule then sets anew: refused.
    assert "drop due= and publish=" in cli("set", done, "due=thu 09:00", "every=tue 10:00", "--future").err
    reopened = cli("set", done, "status=todo", "due=thu 09:00", "every=tue 10:00")  # open again: the rule moves it
    assert "drop due= and publish=" in reopened.err
    # Review rg: an open instance of a series closed in the same command is moved by the new rule first.
    standup = cli.ok("add", "Standup every:day 10:00").strip()[:8]
    before = json.loads(cli.ok("show", standup, "--json"))
    closing_instance = cli("set", standup, "status=done", "due=wed 08:00", "every=mon 11:00")
    assert (closing_instance.code, closing_instance.err) == (
        2,
        "crewdeck: error: every= sets the due date of each instance: drop due= and publish=\n",
    )
    assert json.loads(cli.ok("show", standup, "--json")) == before


def test_set_refuses_a_publish_slot_with_a_repeat_rule_as_quick_add_does(cli: Cli) -> None:
    """Review rb: set POST publish="sat 16:00" every="mon 10:00" moved the draft's due date to Monday, after its Saturday
    slot, where quick-add refuses publish: with every:."""
    post = cli.ok("add", "Teaser +spring-launch post:instagram").strip()[:8]
    before = json.loads(cli.ok("show", post, "--json"))
    refused = cli("set", post, "publish=sat 16:00", "every=mon 10:00")
    assert (refused.code, refused.err) == (2, "crewdeck: error: every= sets the due date of each instance: drop due= and publish=\n")
    assert refused.err.replace("=", ":").removeprefix("crewdeck: error: ") in cli("add", "Teaser post:instagram publish:sat every:mon").err
    assert json.loads(cli.ok("show", post, "--json")) == before


def test_a_time_the_clocks_skip_or_repeat_is_said_on_the_readers_12_hour_clock(cli: Cli, tmp_path: Path) -> None:
    """With time_format = "12h", "2:30am" typed was said back as "02:30 does not exist …: 03:30 CEST instead", where
    every other time the command printed read 3:30am."""
    config = tmp_path / "twelve.toml"
    config.write_text('time_format = "12h"\n')
    said = cli("--config", str(config), "add", "Spring post due:2027-03-28 2:30am")
    assert said.err == "note: due: 2:30am does not exist in Europe/Berlin on Sun 2027-03-28 (the clocks go forward): 3:30am CEST instead\n"
    undated = cli.ok("add", "Autumn post").strip()
    repeated = cli("--config", str(config), "set", undated, "snoozed_until=2027-10-31 2:30am")
    assert repeated.err == (
        "note: snooze: 2:30am happens twice in Europe/Berlin on Sun 2027-10-31 (the clocks go back): the first, 2:30am CEST\n"
    )
    apia = cli("--config", str(config), "set", said.out.strip(), "due=2011-12-30 10:00 Pacific/Apia")
    assert apia.err.startswith(
        "note: due: Fri 2011-12-30 10:00am does not exist in Pacific/Apia (the clocks skip that whole day, from Thu 2011-12-29 "
        "to Sat 2011-12-31): Sat 2011-12-31 10:00am +14 instead\n"
    )


def test_a_publish_slot_the_clocks_skip_is_said_too(cli: Cli) -> None:
    said = cli("post", "add", "Spring reel +spring-launch/instagram publish:2027-03-28 02:30 Europe/Berlin")
    assert said.code == 0 and said.err == (
        "note: publish: 02:30 does not exist in Europe/Berlin on Sun 2027-03-28 (the clocks go forward): 03:30 CEST instead\n"
        # And, since a new post's slot is judged as a move onto it is, that it is off the audience's peak hours.
        "note: publish: 21:30 EDT (Sun 03:30 CEST for you) is outside the audience's peak hours for instagram, 11:00-12:00 "
        "and 19:00-20:00 EDT: nearest 19:00 EDT (Sun 00:00 CET for you)\n"
    )
    moved = cli("post", "slot", said.out.strip()[:8], "2027-03-28 02:45 Europe/Berlin")
    assert moved.code == 0 and "note: slot: 02:45 does not exist in Europe/Berlin" in moved.err


def test_campaign_set_and_the_log_say_the_fields_in_words(cli: Cli) -> None:
    # They said the stored names: "set the audience tz of campaign Spring Launch to America/Chicago".
    said = cli.ok("campaign", "set", "spring-launch", "--audience-tz", "America/Chicago", "--start", "2026-11-01", "--end", "2027-01-31")
    assert said == (
        "Modified campaign Spring Launch: set the audience's zone of campaign Spring Launch to America/Chicago;"
        " set the first day of campaign Spring Launch to 2026-11-01; set the last day of campaign Spring Launch to 2027-01-31\n"
    )
    assert said.removeprefix("Modified campaign Spring Launch: ") == cli.ok("log", "--limit", "1").split("  ", 1)[1].removeprefix("@ana ")


def test_set_member_set_and_campaign_set_write_only_what_changes(cli: Cli) -> None:
    # A value the record held already was written and logged again ("set “Draft reel” to high priority", twice), where
    # `done` and `workspace set` say "already" and write nothing.
    task_id = cli.ok("add", "Draft reel !high @raj").strip()
    cli.ok("campaign", "set", "spring-launch", "--audience-tz", "America/Chicago")
    before = op_count(cli)
    assert cli.ok("set", task_id[:8], "priority=high", "assignee=@raj") == (
        "“Draft reel” is as given already (priority=high, assignee=@raj): nothing written\n"
    )
    assert cli.ok("member", "set", "raj", "--tz", "Asia/Kolkata") == "@raj is as given already: nothing written\n"
    assert cli.ok("campaign", "set", "spring-launch", "--audience-tz", "America/Chicago", "--status", "active") == (
        "campaign Spring Launch is as given already: nothing written\n"
    )
    assert op_count(cli) == before
    # What does change is written, and said, alone.
    assert cli.ok("set", task_id[:8], "priority=low", "assignee=@raj") == "Modified 1 task: set “Draft reel” to low priority\n"
    assert cli.ok("member", "set", "raj", "--tz", "Asia/Kolkata", "--role", "analyst") == "Modified @raj: set the role of @raj to analyst\n"
    assert op_count(cli) == before + 2
    other = cli.ok("add", "Cut teaser !high").strip()
    assert cli.ok("set", task_id[:8], other[:8], "priority=low") == (
        "“Draft reel” is as given already (priority=low): nothing written\nModified 1 task: set “Cut teaser” to low priority\n"
    )


def test_a_path_under_the_home_of_no_user_is_refused_in_one_line_wherever_a_path_is_taken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``~nosuchuser/...`` (a typo in a user's name) reached the user as a traceback (``RuntimeError: Could not determine
    home directory``) from every path crewdeck reads a ``~`` in: the workspace, the config, a token file, join's and
    init's file, serve's and web's, the TLS files (review rc 3).  One function reads them all, and says it in one line."""
    config = tmp_path / "config.toml"
    config.touch()
    monkeypatch.setenv("CREWDECK_CONFIG", str(config))
    nowhere = "~crewdeck-no-such-user/x"
    said = f"crewdeck: error: {nowhere}: ~crewdeck-no-such-user is the home of a user 'crewdeck-no-such-user', and there is no such user on this machine\n"
    for args in (
        ["-w", nowhere, "tasks"],
        ["--config", nowhere, "tasks"],
        ["join", "http://127.0.0.1:1", "--token-file", nowhere, str(tmp_path / "j.db")],
        ["join", "http://127.0.0.1:1", nowhere],
        ["init", nowhere],
        ["serve", nowhere],
        ["web", nowhere],
        ["serve", "--tls-cert", nowhere, "--tls-key", nowhere],
    ):
        assert crewdeck_fails(*args) == said, args
    monkeypatch.setenv("CREWDECK_CONFIG", nowhere)
    assert crewdeck_fails("tasks") == said
    assert list(tmp_path.iterdir()) == [config]

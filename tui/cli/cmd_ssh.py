"""Commands for SSH key login to one shared team account: ssh account/authorized-keys/keys-command/install, ssh-session."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from crewdeck.sync.state.pathnames import typed_name
from crewdeck.sync.state.records import WORKSPACE_ROW
from crewdeck.sync.state.rules import commands_refused
from crewdeck.sync.state.sshkeys import is_fingerprint
from crewdeck.sync.state.visible import visible
from crewdeck.tui.cli.common import Context, no_account_here
from crewdeck.tui.ssh import authorized
from crewdeck.tui.ssh.keys import MemberKey, all_keys
from crewdeck.tui.ssh.session import (
    ACCOUNT_SETTING,
    APP_DRIVER,
    HELP_WORDS,
    SessionRefused,
    check_account,
    check_command,
    check_command_word,
    check_runs_commands,
    colour_system,
    command_words,
    configured_account,
    count_app_start,
    ended_by,
    help_text,
    hold_app_place,
    hold_upload_place,
    reads_standard_input,
    session_ended,
    session_member,
    take_upload,
)
from crewdeck.tui.workspace.environment import variable
from crewdeck.tui.workspace.errors import UserError, home_path


def _workspace(ctx: Context) -> Path:
    path = ctx.workspace_path()
    assert path is not None
    return path.absolute()


def _workspace_as_typed(ctx: Context) -> Path:
    """The workspace as an ``authorized_keys`` line names it, in UTF-8, as typed: the session's arguments are read so
    (``main._utf8_arguments``), where under a locale of ISO-8859-1 the name converted for opening named another file."""
    return Path(typed_name(_workspace(ctx)))


def _lines(ctx: Context, keys: list[MemberKey]) -> list[str]:
    if configured_account(ctx.ws) is None:
        raise UserError("this workspace has no SSH account yet: a manager sets it with: crewdeck ssh account USER")
    program = ctx.args.program or typed_name(authorized.program_path())  # as the workspace: written as typed
    return authorized.lines_for(program, _workspace_as_typed(ctx), keys)


def cmd_ssh_account(ctx: Context) -> int:
    if ctx.args.user is None:
        account = configured_account(ctx.ws)
        print(account if account else "(none: set it with crewdeck ssh account USER)")
        return 0
    user = ctx.args.user.strip()
    if not user or not user.isprintable() or any(ch.isspace() or ch in ":/" for ch in user):
        raise UserError(f"{ctx.args.user!r} is not a Unix account name")
    before = configured_account(ctx.ws)
    with ctx.writer() as w:
        w.set("workspace", WORKSPACE_ROW, {ACCOUNT_SETTING: user})
    # Said as workspace set says a setting: a silent success left the manager to run ssh account again to see it took.
    print(f"ssh account is {user} already" if before == user else f"ssh account: {before or '(none)'} → {user}")
    if no_account_here(ctx.ws, user):
        # A typo (teem), or the account not made yet: every login's ssh-session would be refused as run by another user.
        print(
            visible(
                f"note: this host has no Unix account {user!r} (a typo?): make it (useradd --create-home {user}) before anyone logs in"
            ),
            file=sys.stderr,
        )
    return 0


def _refuse_if_published(ctx: Context) -> None:
    """Key lines for a file the team left would open its old copy at each login: said instead, with where members went.
    ``keys-command`` is not refused: sshd takes a failure for no keys, and the session's app then says it is an old copy."""
    ctx.ws.store.refuse_if_published(
        lambda mark: (
            "its key lines would open this old copy, which takes no writes, at every login; over SSH each member now "
            f"works in a replica of their own: {mark.join()} (a manager makes the token: crewdeck token create)"
        )
    )


def cmd_ssh_authorized_keys(ctx: Context) -> int:
    _refuse_if_published(ctx)
    lines = _lines(ctx, all_keys(ctx.ws.conn))
    sys.stdout.write("".join(f"{line}\n" for line in lines))
    return 0


def cmd_ssh_keys_command(ctx: Context) -> int:
    # sshd asks at every login: a key or member removed a moment ago is not printed.
    # It treats any failure as "no keys", so a user who is not the team account gets none.
    account = configured_account(ctx.ws)
    if account is None or (ctx.args.user is not None and ctx.args.user != account):
        return 0
    wanted = ctx.args.fingerprint
    if wanted is not None and not is_fingerprint(wanted):
        raise UserError(f"{wanted!r} is not a key fingerprint (sshd's %f is SHA256:...)")
    keys = [k for k in all_keys(ctx.ws.conn) if wanted is None or k.key.fingerprint == wanted]
    sys.stdout.write("".join(f"{line}\n" for line in _lines(ctx, keys)))
    return 0


def cmd_ssh_install(ctx: Context) -> int:
    path = home_path(ctx.args.file)  # ~team/.ssh/authorized_keys, as its help and README give it
    workspace = _workspace_as_typed(ctx)  # refused first: a refused install makes nothing, ~/.ssh neither
    _refuse_if_published(ctx)
    lines = _lines(ctx, all_keys(ctx.ws.conn))
    if not path.parent.is_dir() and not authorized.make_ssh_directory(path.parent):
        raise UserError(f"{typed_name(path)}: directory {typed_name(path.parent)} does not exist")
    kept, ours = authorized.install(path, workspace, lines)
    print(
        visible(
            f"wrote {typed_name(path)}: {ours} key line{'s' if ours != 1 else ''} of crewdeck's, {kept} other line{'s' if kept != 1 else ''} kept"
        )
    )
    return 0


def cmd_ssh_session(ctx: Context) -> int:
    ws = ctx.ws
    account = check_account(ws)
    member = session_member(ws, ctx.args.handle, ctx.args.key)
    original = variable("SSH_ORIGINAL_COMMAND") or ""
    words = command_words(original) if original.strip() else []
    if words:
        check_runs_commands(member)
        if words in HELP_WORDS:
            sys.stdout.write(help_text(account, member.handle))
            return 0
        if not words[0].startswith("-"):
            check_command_word(words[0])
        from crewdeck.tui.cli.main import parse, run_inside, unusable_argument

        problem = unusable_argument(words)
        if problem:
            raise SessionRefused(problem)
        args = parse(words)
        check_command(args)
        if reads_standard_input(args):
            hold_upload_place(member.id, ctx.config.ssh_upload_mb)
            take_upload(ctx.config.ssh_upload_mb, ctx.config.ssh_upload_idle_seconds)
        if getattr(args, "func", None) is not None:
            args.workspace = ctx.args.workspace
            inner = Context(args)
            inner.authenticated = member.handle
            try:
                # As a command run here does, its change is the member's to take back with `undo` (``Context``).
                result = run_inside(inner, args.func)
            finally:
                inner.close()
            return result
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        # A guest runs no command: the app is all they have.
        other = (
            " (a guest's session is the app, with the Approvals view of their campaigns' posts)"
            if commands_refused(member.facts()) is not None
            else f", or give a command (ssh {account}@HOST tasks @me)"
        )
        raise SessionRefused(f"the app needs a terminal: log in with ssh -t {account}@HOST{other}")
    hold_app_place(member.id, ctx.config.ssh_apps_per_member)
    count_app_start(member.id, ctx.config.ssh_app_starts_per_minute)
    system = colour_system(os.environ)
    if system is not None:
        # Read by Textual when it is imported, in launch().
        os.environ["TEXTUAL_COLOR_SYSTEM"] = system
    os.environ["TEXTUAL_DRIVER"] = APP_DRIVER  # as the colours are
    ctx.authenticated = member.handle
    from crewdeck.tui.app.launch import launch

    key = ctx.args.key
    return launch(ctx, ends_when=ended_by(_workspace(ctx), member, key), writes_end_when=lambda conn: session_ended(conn, member, key))


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser], parents: list[argparse.ArgumentParser]) -> None:
    ssh = sub.add_parser(
        "ssh",
        parents=parents,
        help="SSH key login to one shared team account",
        description="Members log in with their SSH keys (crewdeck member set H --ssh-key ...) to one shared Unix account; "
        "the key that matched decides who they are.",
    )
    ssub = ssh.add_subparsers(dest="ssh_command", metavar="COMMAND", required=True)

    def program_option(p: argparse.ArgumentParser) -> None:
        p.add_argument("--program", metavar="PATH", help="the crewdeck sshd runs (default: this one's absolute path)")

    p = ssub.add_parser(
        "account",
        parents=parents,
        help="show or set the team's Unix account",
        description="Show or set (managers only) the Unix account sshd runs crewdeck ssh-session as: a workspace setting.",
    )
    p.add_argument("user", nargs="?", help="the Unix account, e.g. team")
    p.set_defaults(func=cmd_ssh_account)

    p = ssub.add_parser(
        "authorized-keys",
        parents=parents,
        help="print the team account's authorized_keys lines",
        description='Print one line per key: restrict,pty,command="crewdeck --workspace W ssh-session H --key FP" KEY.',
    )
    program_option(p)
    p.set_defaults(func=cmd_ssh_authorized_keys)

    p = ssub.add_parser(
        "keys-command",
        parents=parents,
        help="sshd's AuthorizedKeysCommand: the keys of now",
        description="For sshd_config: AuthorizedKeysCommand /path/to/crewdeck --workspace W ssh keys-command %u %f "
        "(with AuthorizedKeysCommandUser the team account).  Prints the lines of the keys registered now; nothing for "
        "another user.",
    )
    p.add_argument("user", nargs="?", help="the user logging in (sshd's %%u): lines only for the team account")
    p.add_argument("fingerprint", nargs="?", help="only the key with this fingerprint (sshd's %%f)")
    program_option(p)
    p.set_defaults(func=cmd_ssh_keys_command)

    p = ssub.add_parser(
        "install",
        parents=parents,
        help="write the lines into an authorized_keys file",
        description="Write the lines into an authorized_keys file in one step, keeping every line crewdeck did not "
        "write for this workspace.  Run it again after keys or members change.",
    )
    p.add_argument("--file", required=True, metavar="PATH", help="the file, e.g. ~team/.ssh/authorized_keys")
    program_option(p)
    p.set_defaults(func=cmd_ssh_install)

    p = sub.add_parser(
        "ssh-session",
        parents=parents,
        help="the forced command of a key (run by sshd)",
        description="Run by sshd as the team account for a member's key: opens the app as that member, or runs the "
        "crewdeck command the client asked for (SSH_ORIGINAL_COMMAND) as them.  Refused for any other account.",
    )
    p.add_argument("handle", help="the member the key belongs to")
    p.add_argument("--key", metavar="FINGERPRINT", help="the key's fingerprint: refused once it is no longer theirs")
    p.set_defaults(func=cmd_ssh_session)

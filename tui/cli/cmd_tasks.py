"""Task commands: add, tasks, set, done, rm, log.

A filtered list is the command run most, and its time is mostly Python
starting: the modules that edit tasks, describe changes or read posts are
imported by the commands (or the rare lists) that use them, not here.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import re
import sys
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, NamedTuple

from crewdeck.sync.state.ids import SHORT_LEN, typed_id
from crewdeck.sync.state.records import BOOKKEEPING_SQL, OPEN_STATUSES
from crewdeck.sync.state.visible import visible
from crewdeck.tui.cli.common import (
    NOTHING_LISTED,
    Context,
    limit_number,
    limit_number_of_some,
    note_expired,
    note_incomplete,
    print_json,
    quiet_option,
    refuse_quiet,
)
from crewdeck.tui.tasks import listing as tasklist
from crewdeck.tui.tasks import query as query_language
from crewdeck.tui.tasks.behind import needs_catch_up
from crewdeck.tui.tasks.printed import task_lines
from crewdeck.tui.time.roster import working_week
from crewdeck.tui.time.when import clock_change_note, format_local, parse_utc, stamp_time
from crewdeck.tui.workspace.columns import terminal_width
from crewdeck.tui.workspace.errors import UserError
from crewdeck.tui.workspace.words import counted
from crewdeck.tui.workspace.workspace import Campaign, Member, member_json

if TYPE_CHECKING:
    import datetime as dt

    from crewdeck.sync.state.oplog import Op
    from crewdeck.sync.state.writes import Writer
    from crewdeck.tui.tasks.quickadd import Draft
    from crewdeck.tui.workspace import describe


def cmd_add(ctx: Context) -> int:
    from crewdeck.tui.tasks import quickadd, recurrence

    ctx.may_change_tasks()
    draft = quickadd.parse(" ".join(ctx.args.text))
    values = quickadd.resolve(draft, ctx.ws, ctx.me, ctx.now, ctx.config.clock24)
    with ctx.writer() as w:
        task_id = w.create("task", values, row_id=recurrence.id_for(values))
    print(task_id)
    say_notes(ctx, draft, values)
    return 0


def say_notes(ctx: Context, draft: Draft, values: dict[str, Any]) -> None:
    """What quick-add's preview says of what it made, as ``note:`` lines: the id alone says nothing of a date already
    passed (eow on a Saturday), of a clock change, or of a draft due now as its slot is closer than the publish lead."""
    from crewdeck.tui.tasks import quickadd

    for note in [*quickadd.clock_change_notes(draft, values, ctx.now, ctx.config.clock24), *draft.notes]:
        print(visible(f"note: {note}"), file=sys.stderr)
    say_overdue(ctx, values)


def say_overdue(ctx: Context, values: dict[str, Any]) -> None:
    """The note that a due date given (to ``add`` or ``set``) has passed already, when it was read and in whose zone."""
    from crewdeck.tui.tasks import quickadd

    overdue = quickadd.overdue_words(values, ctx.now)
    if overdue:
        due = values["due"]
        when = format_local(parse_utc(due["utc"]), due["tz"], ctx.now, clock24=ctx.config.clock24, reader_tz=ctx.viewer_tz)
        print(visible(f"note: due: {overdue} ({when})"), file=sys.stderr)


def _post_ids(ctx: Context, kind: str, value: str, actor: str | None) -> list[str]:
    from crewdeck.tui.posts.reading import post_ids

    return post_ids(ctx.ws.conn, kind, value, ctx.now, actor)


def _post_states(ctx: Context, task_ids: list[str]) -> dict[str, str]:
    """The state each listed post reads now; the posts' modules are imported only for a list that has posts."""
    if not task_ids:
        return {}
    from crewdeck.tui.posts.reading import states_of

    return states_of(ctx.ws.conn, task_ids, ctx.now)


def query_context(ctx: Context) -> query_language.QueryContext:
    me = ctx.me_or_none()
    works, week_starts = working_week(me)
    return query_language.QueryContext(
        me=me.id if me else None,
        tz=me.tz if me else "UTC",
        now=ctx.now,
        member_ids=ctx.ws.members_in_filter,
        campaign_id=lambda name: ctx.ws.task_campaign(name).id,
        posts=lambda kind, value, actor: _post_ids(ctx, kind, value, actor),
        actor=ctx.ws.store.actor,
        works=works,
        week_starts=week_starts,
    )


class TaskFilter(NamedTuple):
    """A filter as typed (``words``), read and compiled; ``tag_words``: its negated words that are a tag's name too."""

    parsed: query_language.Query
    where: str
    params: list[Any]
    tag_words: list[str]


def task_filter(ctx: Context, words: list[str]) -> TaskFilter:
    """What ``crewdeck tasks WORDS`` and ``crewdeck rm WORDS`` match, and the notes a filter gets, the same for both."""
    parsed = query_language.parse(" ".join(words))
    where, params = query_language.compile(parsed, query_context(ctx))
    # Taskwarrior's -tag, typed by habit, leaves out a word here: the tasks with the tag are matched still.
    tag_words = sorted({t.value for t in parsed.terms if t.kind == "text" and t.negate and ctx.ws.has_tag(t.value)})
    for word in tag_words:
        print(
            visible(f"note: -{word} left out tasks with the word {word} in their title or notes; without the tag #{word} is -#{word}"),
            file=sys.stderr,
        )
    return TaskFilter(parsed, where, params, tag_words)


def cmd_tasks(ctx: Context) -> int:
    refuse_quiet("tasks", ctx.args.query, "task")
    me = ctx.me_or_none()
    # Read before the catch-up writes: a filter refused leaves the file as it was.
    parsed, where, params, _ = task_filter(ctx, ctx.args.query)
    # Recurring tasks whose time passed get their next instance before listing.
    if me is not None and needs_catch_up(ctx.ws, ctx.now):
        from crewdeck.tui.tasks import recurrence

        # As the app's catch-up: nobody asked for them, `crewdeck undo` passes them by.
        with ctx.unasked(), ctx.ws.store.write(me.id) as w:
            recurrence.catch_up(ctx.ws, w, ctx.now)
    handles = ctx.ws.handles()
    campaigns = ctx.ws.campaign_names()
    if ctx.args.json:
        rows = tasklist.fetch(ctx.ws.conn, where, params, ctx.now, order=ctx.args.sort, limit=ctx.args.limit)
        posts = tasklist.posts_listed(ctx.ws.conn, where, params, ctx.now, order=ctx.args.sort, limit=ctx.args.limit)
        rows = tasklist.with_post_states(rows, _post_states(ctx, posts))
        more = _more_fields(ctx, [r.id for r in rows])
        removed = ctx.ws.removed_ids()
        print_json([{**tasklist.as_json(r, handles, campaigns, removed), **more[r.id]} for r in rows])
        return 0
    # WHO reads a removed member apart from a new member who has their handle ("ex-@raj"); the JSON names the handle, as
    # filters take it, and says whose it is beside it (``member_json``).
    marked = ctx.ws.shown_handles()
    listed = task_lines(
        ctx.ws.conn, where, params, ctx.now, tz=me.tz if me else "UTC", clock24=ctx.config.clock24, handles=marked, campaigns=campaigns,
        order=ctx.args.sort, limit=ctx.args.limit,
        post_states=_post_states(ctx, tasklist.posts_listed(ctx.ws.conn, where, params, ctx.now, order=ctx.args.sort, limit=ctx.args.limit)),
        width=terminal_width(sys.stdout),
    )  # fmt: skip
    if listed is None:
        said = _no_match(parsed, me, ctx.ws.campaigns()) if parsed.filters else _none_open(ctx)
        print(visible(said), file=sys.stderr)
        note_expired(ctx)
        # A filter that matches nothing exits 1, as Taskwarrior's report ("No matches."): a script asks `if crewdeck tasks
        # +launch @raj; then` whether anything matched, without reading standard error. The plain list of a new (or done)
        # workspace is no failed question: exit 0, as `--json` answers with its list, `[]`, as `task export` does.
        return NOTHING_LISTED if parsed.filters else 0
    # Written as the rows are read, a window of lines at a time: a long list is never held whole.
    write = sys.stdout.write
    write(listed.header + "\n")
    while window := list(itertools.islice(listed.lines, tasklist.WINDOW)):
        write("\n".join(window) + "\n")
    note_incomplete(listed.untitled[0], "task")
    note_expired(ctx)
    return 0


def _none_open(ctx: Context) -> str:
    """The line for ``tasks`` with no filter listing nothing: "no tasks match" named no filter, on a new workspace too."""
    if ctx.ws.conn.execute("SELECT 1 FROM task WHERE deleted = 0 LIMIT 1").fetchone() is None:
        return "no tasks yet: crewdeck add TITLE adds one"
    return "no open tasks (crewdeck tasks all lists the done, cancelled and snoozed ones too)"


def _no_match(parsed: query_language.Query, me: Member | None, campaigns: list[Campaign]) -> str:
    """The line for a list that matches nothing: "no tasks match", and which words were looked for in titles and notes
    though typed as a term (``sort:due``) or as the app's view (``mine``): alone it read as if there were none."""
    from crewdeck.tui.tasks.views import views as app_views

    keyed = parsed.read_as_text()
    views = {view.id: view for view in app_views([], me) if view.query}
    named = [(word, views[word.lower()]) for word in parsed.text_words() if word.lower() in views]
    said = [f"{', '.join(keyed)} {'was' if len(keyed) == 1 else 'were'} looked for as words of a title or notes"] if keyed else []
    habits = query_language.taskwarrior_habits(parsed, campaigns)
    if habits:
        said.append(habits)
    said += [
        f"{word} was looked for as a word (the app's view {view.name} is crewdeck tasks {_pasted(view.query)})" for word, view in named
    ]
    if keyed:
        said.append(f"terms with a key: {query_language.KEYED_TERMS}")
    return "no tasks match" + (f": {'; '.join(said)}" if said else "")


def _pasted(query: str) -> str:
    """``query`` as a shell takes it, each term whole: pasted, ``due:<fri`` unquoted read the file ``fri``."""
    return " ".join(query_language.quoted(term) for term in query.split())


def _more_fields(ctx: Context, task_ids: list[str]) -> dict[str, dict[str, object]]:
    """What ``tasks --json`` adds to a row beyond the list's columns: notes, estimate (minutes), repeat rule, snooze."""
    from crewdeck.sync.state.records import TASK
    from crewdeck.tui.tasks import recurrence

    snooze = TASK.by_name["snoozed_until"]
    more: dict[str, dict[str, object]] = {}
    rows = ctx.ws.conn.execute(
        "SELECT id, notes, estimate, json_extract(recurrence, '$.rule'), snoozed_until, snoozed_tz FROM task "
        "WHERE id IN (SELECT value FROM json_each(?))",
        (json.dumps(task_ids),),
    )
    for task_id, notes, estimate, rule, snoozed_until, snoozed_tz in rows:
        more[task_id] = {
            "notes": notes or "",
            "estimate": estimate,
            "repeat": recurrence.Rule.from_json(json.loads(rule)).text() if rule else None,
            # As `show --json` gives it: the instant and the zone it was meant in (an older crewdeck's: the instant alone).
            "snoozed_until": snooze.from_columns((snoozed_until, snoozed_tz)),
        }
    return more


def _names(ctx: Context) -> describe.Naming:
    from crewdeck.tui.workspace import describe

    return describe.Naming.of(ctx.ws, ctx.viewer_tz, ctx.now, ctx.config.clock24)


def _said(ctx: Context, lines: list[str], ids: list[str]) -> None:
    """What a write did, a line a kind of outcome; with ``--quiet`` only the ids it wrote, one a line, for scripts."""
    shown = ids if ctx.args.quiet else [visible(line) for line in lines]
    if shown:
        print("\n".join(shown))


def _voided(ctx: Context, ops: list[Op], names: describe.Naming) -> list[str]:
    """A line for each post whose round the write voided (its content, its campaign or platform changed), with the
    approvals it took, as ``post copy`` and the app say it: "Modified 1 task: put “Reel” in autumn" alone left the post
    waiting, unsaid, for a submission nobody knew to make."""
    from crewdeck.tui.posts.voiding import words as voiding_words
    from crewdeck.tui.posts.voiding import write_voids

    return [
        f"{names.task(post_id)}: the change {voiding_words(turn, {by: names.member(by) for by in turn.approvers}, waits=True)}"
        for post_id, turn in write_voids(ctx.ws.conn, ops)
    ]


def cmd_set(ctx: Context) -> int:
    from crewdeck.tui.tasks.edits import assigned_field, check_assignments_alone, wakes_overdue
    from crewdeck.tui.workspace import describe

    ctx.may_change_tasks()
    words = list(ctx.args.assignments)
    cut = next((n for n, word in enumerate(words) if _FIELD_VALUE.match(word)), len(words))
    _refuse_blank("set", [ctx.args.id, *words[:cut]])
    _refuse_number("set", ctx.args.id)
    if not _an_id(ctx.args.id):
        # A filter before the first FIELD=VALUE, as Taskwarrior's `task FILTER modify`: the tasks it matches, as rm
        # reads one (listed, and nothing written, without --yes); the filter read and written under the one lock.
        query, words = [ctx.args.id, *words[:cut]], words[cut:]
        if not words:
            raise UserError("set: give at least one FIELD=VALUE after the filter")
        check_assignments_alone(ctx.ws, words, ctx.me, ctx.now, ctx.config.clock24)  # before a list that offers --yes
        with ctx.ws.store.held() if ctx.args.yes else contextlib.nullcontext():
            task_ids = _filtered(ctx, query, FilterAct("set", "nothing written", "to change {}", "to change", tuple(words)))
            if not task_ids:
                return NOTHING_LISTED
            w = _assigned(ctx, task_ids, words)
    else:
        # More ids before the first FIELD=VALUE ("set 1a2b3c4d 5e6f7a8b priority=high"), as done and rm take: one write
        # for all.  A shorter run of hex digits there is no id, as rm reads none (cafe): refused, where it changed
        # whatever task's id began with it.
        given = [ctx.args.id]
        while words and _an_id(words[0]):
            given.append(words.pop(0))
        if words and not _FIELD_VALUE.match(words[0]) and _HEX.fullmatch(words[0]):
            raise UserError(f"set: {words[0]} is no id (an id has {_ID_DIGITS}) nor a FIELD=VALUE: nothing written")
        task_ids = list(dict.fromkeys(ctx.task_id(typed_id(i), live=True) for i in given))
        if not words:
            raise UserError("set: give at least one FIELD=VALUE")
        w = _assigned(ctx, task_ids, words)
    touched = sorted({op.row_id for op in w.ops if op.entity == "task"})
    names = _names(ctx)
    lines = [f"{names.task(i)} is as given already ({', '.join(words)}): nothing written" for i in task_ids if i not in touched]
    if touched:
        lines.append(f"Modified {counted(len(touched), 'task')}: {describe.action_words(w.ops, names, set())}{_past_undo(len(w.ops))}")
        lines.extend(_voided(ctx, w.ops, names))
    _said(ctx, lines, [i for i in task_ids if i in touched])
    stored = ctx.ws.task(task_ids[0])
    for assignment in words:
        name, text = assigned_field(assignment), assignment.partition("=")[2]
        # A rule given to an open task moves it to the rule's next time; a closed one stays as it was (its series'
        # next instance is another task).
        moved_by_rule = name == "every" and stored["status"] not in ("done", "cancelled")
        note = (
            clock_change_note(text.split(), stored["due" if moved_by_rule else name], ctx.now, ctx.config.clock24)
            if name in ("due", "publish", "snoozed_until") or moved_by_rule
            else None
        )
        if note:
            print(visible(f"note: {'snooze' if name == 'snoozed_until' else name}: {note}"), file=sys.stderr)
    if any(assigned_field(assignment) == "publish" for assignment in words):
        # A post's slot set off its audience's peak hours: taken, and said as `post slot` says it.
        from crewdeck.tui.posts.writing import off_peak_notes

        for note in off_peak_notes(ctx.ws.store, w.ops, ctx.now, ctx.viewer_tz, ctx.config.clock24):
            print(visible(f"note: {note}"), file=sys.stderr)
    if any(assigned_field(assignment) == "due" for assignment in words):
        # As add says it: a date already passed reads like any other in "moved … to".  Said of the first task still
        # open (a closed one is not late), wherever it stands among the ids given.
        tasks = (stored if i == task_ids[0] else ctx.ws.task(i) for i in task_ids)
        open_now = (task for task in tasks if (task["status"] or "inbox") in OPEN_STATUSES)
        if (first_open := next(open_now, None)) is not None:
            say_overdue(ctx, first_open)
    if any(assigned_field(assignment) in ("snoozed_until", "due") for assignment in words):
        # A snooze kept, but said when it hides a task past its due date (a snooze set later than it, or a due date set
        # sooner than a snooze): of the first task it does that to.
        late = ((task, wakes_overdue(task, task["snoozed_until"], ctx.now)) for task in map(ctx.ws.task, task_ids))
        if (found := next(((task, said) for task, said in late if said), None)) is not None:
            task, said = found
            due = task["due"]
            when = format_local(parse_utc(due["utc"]), due["tz"], ctx.now, clock24=ctx.config.clock24, reader_tz=ctx.viewer_tz)
            print(visible(f"note: snooze: {said} (due {when})"), file=sys.stderr)
    return 0


def _assigned(ctx: Context, task_ids: list[str], words: list[str]) -> Writer:
    """``words`` (FIELD=VALUE ...) set on every task of ``task_ids``, in one write: its writer, holding what it wrote."""
    from crewdeck.tui.tasks.edits import apply_assignments

    with ctx.writer() as w:
        for task_id in task_ids:
            apply_assignments(ctx.ws, w, task_id, words, ctx.me, ctx.now, future=ctx.args.future, clock24=ctx.config.clock24)
    return w


def _refuse_blank(command: str, words: list[str]) -> None:
    """An empty or blank word where an id or a filter goes refused, before any filter is read: read as a filter it
    matched every open task, and a script's empty ``$ID`` closed (or deleted) them all."""
    for n, word in enumerate(words, 1):
        if not word.strip():
            raise UserError(f"{command}: word {n} is empty where an id or a filter goes: nothing written")


def _refuse_number(command: str, first: str) -> None:
    """A number first (``done 12``), which Taskwarrior's users type for a task, refused as no id: as a filter it matched
    nothing, or titles holding it."""
    if _DIGITS.fullmatch(first) and not _an_id(first):
        raise UserError(f"{command}: {first} is not an id: Taskwarrior's numbers are no ids here (an id has {_ID_DIGITS})")


_DIGITS = re.compile(r"[0-9]+")
#: A word that sets a field (``priority=high``, ``tags+=x``), where a filter's words end in ``set FILTER FIELD=VALUE``.
_FIELD_VALUE = re.compile(r"\s*[A-Za-z_]+\s*(\+=|-=|=)")


def cmd_done(ctx: Context) -> int:
    from crewdeck.tui.tasks import recurrence

    names = _names(ctx)
    typed = list(ctx.args.query)
    _refuse_blank("done", typed)
    _refuse_number("done", typed[0])
    # Any word no id, as rm reads them: a filter, as Taskwarrior's `task FILTER done` (listed, and nothing written,
    # without --yes).
    by_filter = not all(map(_an_id, typed))
    if by_filter:
        ctx.may_change_tasks()  # before a filter is listed, as rm asks: a guest's list named tasks they do not read
    with ctx.ws.store.held() if by_filter and ctx.args.yes else contextlib.nullcontext():
        if by_filter:
            task_ids = _filtered(ctx, typed, FilterAct("done", "nothing written", "to mark {} done", "to mark done"))
            if not task_ids:
                return NOTHING_LISTED
        else:
            task_ids = list(dict.fromkeys(ctx.task_id(typed_id(i), live=True) for i in typed))
        # Done already: said, and not written again.
        already = [i for i in task_ids if ctx.ws.task(i)["status"] == "done"]
        # A post is done by being published, as `d` does in the app (``recurrence.done_fields``): one refused writes nothing.
        posts = [i for i in task_ids if i not in already and ctx.ws.task(i)["post_state"] is not None]
        closing = [i for i in task_ids if i not in already and i not in posts]
        nexts = []
        past_undo = ""
        if closing or posts:
            with ctx.writer() as w:
                for task_id in [*posts, *closing]:
                    next_id = recurrence.mark_done(ctx.ws, w, task_id, ctx.now)
                    if next_id:
                        nexts.append(next_id)
            past_undo = _past_undo(len(w.ops))
    lines = [f"{names.task(i)} is already done: nothing written" for i in already]
    if closing:
        then = "".join(f"; next: {names.task(n)} due {names.time(ctx.ws.task(n)['due'])}" for n in nexts if ctx.ws.task(n)["due"])
        lines.append(f"Completed {counted(len(closing), 'task')}: {', '.join(names.task(i) for i in closing)}{then}{past_undo}")
    if posts:
        lines.append(f"Published {counted(len(posts), 'post')}: {', '.join(names.task(i) for i in posts)}{'' if closing else past_undo}")
    _said(ctx, lines, [*closing, *posts])
    return 0


def _past_undo(operations: int) -> str:
    """What a line that says a write adds when the write is more than ``crewdeck undo`` takes back, as undo says it: "one
    crewdeck undo" was read as its way back, and undo then refused it and forgot it."""
    from crewdeck.tui.cli import history

    if operations <= history.MOST_OPS:
        return ""
    return f"; crewdeck undo cannot take it back: its {operations:,} operations are more than an undo takes back ({history.MOST_OPS:,})"


class FilterAct(NamedTuple):
    """What a command does to the tasks a filter matches, as its lines say it: ``rm``, "nothing deleted", "to delete {}"
    (``{}``: it, them), "to delete" (an id to delete has …); ``then``: the words typed after the filter (set's
    FIELD=VALUE), given again in the command it offers."""

    command: str
    nothing: str
    goal: str
    id_for: str
    then: tuple[str, ...] = ()


_DELETE = FilterAct("rm", "nothing deleted", "to delete {}", "to delete")


def _filtered(ctx: Context, words: list[str], act: FilterAct = _DELETE) -> list[str]:
    """The tasks ``crewdeck tasks WORDS`` lists (no series caught up: nobody asked for that), to delete (or change, mark
    done: ``act``) with ``--yes``; without it, listed on stdout and refused, as Taskwarrior's ``task FILTER delete`` (or
    ``modify``, ``done``) asks first."""
    import shlex

    from crewdeck.sync.state.ids import short

    parsed, where, params, tag_words = task_filter(ctx, words)
    # Deleted at once, the tasks with the tag meant to be kept (Taskwarrior's -old) were gone before the note was read:
    # no --yes deletes with such a word, and what is listed without it is not offered to delete as typed.
    meant = shlex.join(f"-#{word[1:]}" if word.startswith("-") and word[1:] in tag_words else word for word in words)
    command = f"crewdeck {act.command} {{}}{''.join(' ' + shlex.quote(word) for word in act.then)} --yes"
    habit = f"-{', -'.join(tag_words)} leaves out a word, not the tag (note above): to leave out the tag: {command.format(meant)}"
    if ctx.args.yes and tag_words:
        raise UserError(f"{act.command}: {act.nothing}: {habit}")
    found = ctx.ws.conn.execute(f"SELECT t.id, t.title FROM task t WHERE {where} ORDER BY t.created_at, t.id", params).fetchall()
    # A short id typed by habit (cafe, 5e6f) is a word here: said, as what it matched was no task of that id.
    short_hex = [word for word in words if _HEX.fullmatch(word) and not _an_id(word)]
    looked = "was looked for as a word" if len(short_hex) == 1 else "were looked for as words"
    as_words = f" ({', '.join(short_hex)} {looked}: an id {act.id_for} has {_ID_DIGITS})" if short_hex else ""
    if not found:
        # As tasks says it, and as Taskwarrior's `task FILTER delete` ("No tasks specified.", exit 1): no error, nothing
        # to delete; the caller exits 1 (``NOTHING_LISTED``).
        no_match = _no_match(parsed, ctx.me_or_none(), ctx.ws.campaigns())
        print(visible(f"{act.command}: {act.nothing}: {no_match}{as_words}"), file=sys.stderr)
        return []
    if not ctx.args.yes:
        # --quiet: the ids alone, whole, one a line, as it prints what it deleted (a script's to read).
        print("\n".join(str(task_id) if ctx.args.quiet else visible(f"{short(task_id)}  {title or ''}") for task_id, title in found))
        matched = f"{counted(len(found), 'task')} {'matches' if len(found) == 1 else 'match'}"
        then = habit if tag_words else f"{act.goal.format('it' if len(found) == 1 else 'them')}: {command.format(shlex.join(words))}"
        raise UserError(f"{act.command}: {matched} this filter: {act.nothing}; {then}{as_words}{_past_undo_listed(len(found), act)}")
    return [str(task_id) for task_id, _ in found]


def _past_undo_listed(tasks: int, act: FilterAct) -> str:
    """What a filter's listing adds when writing what it matches would be more than ``crewdeck undo`` takes back: at
    least an operation a task and field given (one a task for done and rm), fewer only where a task holds a value
    already; more where closing a task writes more (a repeating task's next instance, a post's publishing), which the
    line written counts."""
    from crewdeck.tui.cli import history

    operations = tasks * max(len(act.then), 1)
    if operations <= history.MOST_OPS:
        return ""
    return (
        f"; with --yes, at least {operations:,} operations, more than an undo takes back ({history.MOST_OPS:,}): crewdeck undo"
        " could not take it back"
    )


#: A word of hex digits alone: an id, when it has at least ``SHORT_LEN`` of them (``_an_id``).
_HEX = re.compile(r"[0-9a-fA-F]+")


#: How long an id ``_an_id`` takes is, as refusals say it ("an id has …").
_ID_DIGITS = f"at least {SHORT_LEN} hex digits, as crewdeck tasks shows it"


def _an_id(word: str) -> bool:
    """Whether rm, set and done take ``word`` for a task's id: hex digits, at least as many as ``crewdeck tasks`` shows
    of an id, a uuid's dashes left out as pasted from Taskwarrior (``typed_id``).  A shorter one (cafe, dead, 2025) may
    as well be a word of a title, and an id starting with it is no task its user saw listed: deleted (closed, changed)
    at once, it was a task nobody named."""
    text = typed_id(word)
    return len(text) >= SHORT_LEN and _HEX.fullmatch(text) is not None


def cmd_rm(ctx: Context) -> int:
    # Ids, as crewdeck tasks shows them or whole, are deleted at once; any other word makes them all a filter, listed
    # before anything is deleted (unless --yes).
    # Asked before a filter is listed: a guest's list ended in a crewdeck rm … --yes that the rules then refused.
    ctx.may_change_tasks()
    _refuse_blank("rm", ctx.args.query)
    _refuse_number("rm", ctx.args.query[0])  # as done and set: `rm 12 --yes` deleted every task whose text held 12
    ids = all(_an_id(word) for word in ctx.args.query)
    names = _names(ctx)
    # What the filter matches, and what is deleted already, as they are under the write lock: read before it, a task
    # another member took out of the filter while this waited was deleted all the same.  A list (no --yes) deletes
    # nothing, and is not printed under the lock (a slow reader of it would hold every other writer).
    with ctx.ws.store.held() if ids or ctx.args.yes else contextlib.nullcontext():
        task_ids = list(dict.fromkeys(ctx.task_id(typed_id(i)) for i in ctx.args.query)) if ids else _filtered(ctx, ctx.args.query)
        if not task_ids:
            return NOTHING_LISTED  # a filter that matched nothing (ids name a task each, or are refused)
        # Deleted already: said, and not written again.
        already = [i for i in task_ids if ctx.ws.task(i)["deleted"]]
        deleting = [i for i in task_ids if i not in already]
        titles = names.tasks(deleting)  # as they were: a deleted task's may be no longer
        past_undo = ""
        if deleting:
            with ctx.writer() as w:
                for task_id in deleting:
                    w.delete("task", task_id)
            past_undo = _past_undo(len(w.ops))
    lines = [f"{names.task(i)} is already deleted: nothing written" for i in already]
    if deleting:
        lines.append(f"Deleted {counted(len(deleting), 'task')}: {titles}{past_undo}")
    _said(ctx, lines, deleting)
    return 0


def cmd_annotate(ctx: Context) -> int:
    """A dated line at the end of the task's notes, as ``task annotate`` adds one and the Taskwarrior import writes each."""
    from crewdeck.tui.tasks.taskwarrior import annotation

    task_id = ctx.task_id(ctx.args.id, live=True)
    text = " ".join(ctx.args.text).strip()
    if not text:
        raise UserError("annotate: give the annotation's text")
    from crewdeck.sync.state.records import MAX_NOTES

    line = annotation(text, ctx.now, ctx.me.tz)
    names = _names(ctx)
    # The notes as they are under the write lock: read before it, another's line written while this waited was lost.
    with ctx.ws.store.held():
        notes = ctx.ws.task(task_id)["notes"] or ""
        notes = f"{notes}\n{line}" if notes else line
        if len(notes) > MAX_NOTES:  # said of the notes it would make, not of the field ("task.notes: longer than …")
            raise UserError(f"annotate: the notes of {names.task(task_id)} would be longer than a task holds ({MAX_NOTES:,} characters)")
        with ctx.writer() as w:
            w.set("task", task_id, {"notes": notes})
    _said(ctx, [f"Annotated {names.task(task_id)}: {line}", *_voided(ctx, w.ops, names)], [task_id])
    return 0


def cmd_undo(ctx: Context) -> int:
    from crewdeck.tui.cli import history

    with ctx.unasked(undo=True):  # the undo is no change of its own to undo: the next reaches the one before
        written, gone = history.undo(ctx.ws, ctx.me, ctx.config.clock24)
    if gone:
        print(visible(f"note: {history.gone_note(gone)}: undoing the one before"), file=sys.stderr)
    # An undo that voids a post's round is said as the change that voids one (set ID platform=): "undid: …" alone left
    # the approvals it took, and the submission the post waits for, unsaid.
    print("\n".join(visible(line) for line in [written.label, *_voided(ctx, list(written.ops), _names(ctx))]))
    return 0


def _record_id(ctx: Context, text: str) -> str:
    from crewdeck.sync.state.ids import typed_id
    from crewdeck.sync.state.records import WORKSPACE_ROW
    from crewdeck.tui.workspace.candidates import ambiguity

    # A keyed record (a result, a budget, a rate) is named by its whole id, and the workspace's settings by theirs.
    if (":" in text or text == WORKSPACE_ROW) and ctx.ws.conn.execute("SELECT 1 FROM ops WHERE row_id = ? LIMIT 1", (text,)).fetchone():
        return text
    # Each kind's that the prefix starts, all at once: one of two is not the record meant, and none of two is no record.
    try:
        found = [(entity, row) for entity in ("task", "member", "campaign", "ledger_entry") for row in ctx.ws.starting(entity, text)]
    except UserError:  # not an id (a keyed record's whole id that has no log is none either)
        found = []
    if len(found) == 1:
        return found[0][1]
    if found:
        raise ambiguity(ctx.ws.conn, typed_id(text), found)
    # A record the server refused is in no table: what was refused of it is its log.
    refused = {op.row_id for op, *_ in ctx.ws.store.refused(reader=ctx.reader_id) if text and op.row_id.startswith(text)}
    if len(refused) == 1:
        return refused.pop()
    raise UserError(f"no record with id {text}")


def cmd_log(ctx: Context) -> int:
    from crewdeck.sync.client.metakeys import META_PUSH_SEQ, META_REMOVED
    from crewdeck.sync.client.remote import Remote
    from crewdeck.sync.state.acting import actors
    from crewdeck.sync.state.oplog import Op, same_write
    from crewdeck.tui.session.detail import voids_told
    from crewdeck.tui.workspace import describe

    ws = ctx.ws
    params: list[object] = []
    where = f"WHERE entity NOT IN ({BOOKKEEPING_SQL})"
    if ctx.args.id:
        where, params = f"WHERE row_id = ? AND entity NOT IN ({BOOKKEEPING_SQL})", [_record_id(ctx, ctx.args.id)]
    handles = ws.handles()
    actor_of = actors(ws.conn)

    # A replica's own work not yet accepted by its server; never, once the server removed its member.
    remote = Remote.of(ws.store)
    sent = int(ws.store.get_meta(META_PUSH_SEQ) or 0) if remote else 10**18
    own = ws.store.node
    # Whose refusals: the reader's own (a copy crewdeck web keeps holds every signed-in member's under one node).
    reader = ctx.reader_id
    refused = [r for r in ws.store.refused(reader=reader) if not ctx.args.id or describe.refused_of(r[0], str(params[0]))]
    cursor = ws.conn.execute(
        f"SELECT seq, op_id, node, node_seq, member, kind, entity, row_id, field, value FROM ops {where} ORDER BY seq DESC", params
    )
    if ctx.args.json:
        _print_log_json(ctx, cursor, refused, handles, actor_of, own, sent)
        return 0
    # --limit counts changes here: read operations until the one past the last change begins.
    groups: list[list[Op]] = []
    waiting: set[str] = set()
    for seq, *row in cursor:
        op = Op(*row)
        if groups and same_write(groups[-1][-1], op):
            groups[-1].append(op)
        elif len(groups) == ctx.args.limit:
            break
        else:
            groups.append([op])
        if op.node == own and seq > sent:
            waiting.add(op.op_id)
    names = describe.Naming.of(ws, ctx.viewer_tz, ctx.now, ctx.config.clock24)
    said = describe.changes(
        [op for group in groups for op in group],
        names,
        describe.first_ops(ws.conn, {g[0].row_id for g in groups}),
        lambda op: actor_of(op.member, op.op_id),
    )
    said = voids_told(ws, said, names)  # as the task's history says it: a post's change that voided its round
    unsent_mark = "  (never sent: you were removed)" if ws.store.get_meta(META_REMOVED) else "  (not sent yet)"
    # Named from every refusal, not only this record's: a task's campaign may be one refused with it.
    refused_names = describe.naming_refused(names, (op for op, *_ in ws.store.refused(reader=reader)))
    # A refused write stands where it was made, before the first change older than it (the log reads newest first,
    # by when the workspace took each change), and counts as an entry of --limit.
    writes = describe.refused_writes(refused, refused_names)
    entries: list[tuple[dt.datetime, str]] = []
    for change in said:
        while writes and writes[0].at >= change.at:
            entries.append((writes[0].at, writes.pop(0).line()))
        unsent = any(op.op_id in waiting for op in change.ops)
        entries.append((change.at, f"{change.sentence}{unsent_mark if unsent else ''}"))
    entries.extend((write.at, write.line()) for write in writes)
    lines = [f"{format_local(at, names.tz, ctx.now, clock24=names.clock24)}  {text}" for at, text in entries[: ctx.args.limit]]
    print("\n".join(lines) if lines else "no activity yet")
    note_expired(ctx)
    return 0


def _print_log_json(
    ctx: Context,
    cursor: Iterable[tuple[Any, ...]],
    refused: list[tuple[Op, str, str, str]],
    handles: dict[str, str],
    actor_of: Callable[[str, str], str | None],
    own: str,
    sent: int,
) -> None:
    """Every operation as stored (``--limit`` counts operations): the raw form for scripts; who wrote it (and who acted as
    them) by handle with their id and whether they were removed beside it (``member_json``).  A refused operation stands
    where it was made and counts in ``--limit``, as in the text log."""
    from crewdeck.sync.state.oplog import Op

    removed = ctx.ws.removed_ids()

    def made(op: Op) -> dict[str, Any]:
        return {
            "op_id": op.op_id,
            "at": stamp_time(op.op_id).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            **member_json("member", op.member or None, handles.get(op.member, op.member[:8]), op.member in removed),  # "": no one
        }

    def told(op: Op) -> dict[str, Any]:
        return {"kind": op.kind, "entity": op.entity, "id": op.row_id, "field": op.field, "value": json.loads(op.value)}

    waiting = [
        ({"seq": None, **made(op), **told(op), "refused": {"rule": rule, "message": message, "at": when}}, op)
        for op, rule, message, when in refused
    ]
    entries: list[dict[str, Any]] = []
    for seq, *row in cursor:
        op = Op(*row)
        # Newest first, by when each was made: the refusals made after this operation come before it.
        while waiting and waiting[0][1].op_id >= op.op_id and len(entries) < ctx.args.limit:
            entries.append(waiting.pop(0)[0])
        if len(entries) >= ctx.args.limit:
            break
        actor = actor_of(op.member, op.op_id)
        entries.append(
            {
                "seq": seq,
                **made(op),
                **(member_json("actor", actor, handles.get(actor, actor[:8]), actor in removed) if actor else {}),
                **({"unsent": True} if op.node == own and seq > sent else {}),
                **told(op),
            }
        )
    entries.extend(entry for entry, _ in waiting[: max(ctx.args.limit - len(entries), 0)])
    print_json(entries)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser], parents: list[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "add",
        parents=parents,
        help="add a task with quick-add syntax",
        description="Add a task: TEXT with @handle (@me: you, @none: nobody), #tag, +campaign[/platform], !high|!med|!low, due:DATE [TIME] [ZONE] and estimate:2h (90m, 1h30m, up to 10000h).",
        examples=[
            'crewdeck add "Draft carousel @raj #instagram +spring-launch !high due:fri 17:00"',
            'crewdeck add "Call the printer due:tmrw 10:00 Asia/Tokyo"',
        ],
    )
    p.add_argument("text", nargs="+", help='e.g. "Draft carousel @raj #instagram +spring-launch !high due:fri 17:00"')
    # It prints the new id alone either way: taken, as every command that writes takes it, where scripts got an error.
    quiet_option(p)
    p.set_defaults(func=cmd_add)

    p = sub.add_parser(
        "tasks",
        parents=parents,
        help="list tasks matching a filter",
        description="List tasks. QUERY: status:S,S @handle @me @none #tag +campaign platform:P !high due:<DATE due:today overdue all, and free text.",
        examples=["crewdeck tasks @me due:<fri", "crewdeck tasks +spring-launch !high -#tiktok", "crewdeck tasks all carousel --sort due"],
    )
    p.add_argument("query", nargs="*", help="filter terms (default: open tasks)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--sort", choices=list(tasklist.SORTS), default="urgency", help="order (default: %(default)s)")
    p.add_argument("--limit", type=limit_number, default=-1, help="at most this many tasks")
    p.set_defaults(func=cmd_tasks)

    p = sub.add_parser(
        "set",
        parents=parents,
        help="change fields of tasks, by id or by filter",
        description=(
            "Change a task: FIELD=VALUE ... (title, notes, status, assignee, priority, campaign, platform, due, publish, tags,"
            " tags+=X, tags-=X, depends_on, estimate, snoozed_until; every=RULE or every=none for repeats). Before the first"
            " FIELD=VALUE: ids, at least 8 hex digits as crewdeck tasks shows them, or, when the first word is no id (a"
            " shorter one too: cafe), a filter, as crewdeck tasks FILTER lists it (Taskwarrior's task FILTER modify); a"
            " filter lists what it matches and writes nothing unless --yes is given."
        ),
        examples=[
            'crewdeck set 1a2b3c4d assignee=@raj priority=high "due=fri 17:00"',
            "crewdeck set 1a2b3c4d tags+=urgent status=doing",
            "crewdeck set +spring-launch overdue due=fri priority=high --yes",
        ],
    )
    p.add_argument(
        "id",
        metavar="ID|FILTER",
        help="the task's id, 8 hex digits or more (more ids may follow it, before the first FIELD=VALUE), or a filter",
    )
    p.add_argument("assignments", nargs="*", metavar="FIELD=VALUE", help="what to change (every=RULE repeats the task)")
    p.add_argument("--future", action="store_true", help="a recurring task: change this and all future instances")
    p.add_argument("--yes", action="store_true", help="a filter: change every task it matches (without it: list them, write nothing)")
    quiet_option(p)
    p.set_defaults(func=cmd_set)

    p = sub.add_parser(
        "done",
        parents=parents,
        help="mark tasks done, by id or by filter",
        description=(
            "Mark tasks done (a task done already is said so, and not written again): by ids, or the tasks a filter"
            " matches, as crewdeck tasks FILTER lists them (Taskwarrior's task FILTER done). Ids are at least 8 hex digits,"
            " as crewdeck tasks shows them; any other word (a shorter one too: cafe) makes the words a filter. A filter"
            " lists what it matches and writes nothing unless --yes is given."
        ),
        examples=["crewdeck done 1a2b3c4d", "crewdeck done +spring-launch overdue --yes"],
    )
    # ``query``, as rm's: a filter of negated terms (-#tag), which argparse takes for options, joins it (``main.parse``).
    p.add_argument("query", nargs="*", metavar="ID|FILTER", help="task ids (8 hex digits or more), or filter terms (as tasks takes)")
    p.set_defaults(query_required="ID|FILTER")
    p.add_argument("--yes", action="store_true", help="a filter: mark every task it matches done (without it: list them, write nothing)")
    quiet_option(p)
    p.set_defaults(func=cmd_done)

    p = sub.add_parser(
        "rm",
        parents=parents,
        help="delete tasks, by id or by filter",
        description=(
            "Delete tasks (their history stays in the log): by ids, or the tasks a filter matches, as crewdeck tasks FILTER"
            " lists them. Ids are at least 8 hex digits, as crewdeck tasks shows them; any other word (a shorter one too:"
            " cafe, 2025) makes the words a filter. A filter lists what it matches and deletes nothing unless --yes is given."
        ),
        examples=[
            "crewdeck rm 1a2b3c4d",
            "crewdeck rm +spring-launch status:todo --yes",
        ],
    )
    # ``query``: the negated terms (-#tag) argparse takes for options join it, as for tasks (``main.parse``); required
    # once they have (with nargs="+", argparse refused a filter of negated terms alone, crewdeck rm -#old).
    p.add_argument("query", nargs="*", metavar="ID|FILTER", help="task ids (8 hex digits or more), or filter terms (as tasks takes)")
    p.set_defaults(query_required="ID|FILTER")
    p.add_argument("--yes", action="store_true", help="a filter: delete every task it matches (without it: list them, delete nothing)")
    quiet_option(p)
    p.set_defaults(func=cmd_rm)

    p = sub.add_parser(
        "annotate",
        parents=parents,
        help="add a dated note to a task",
        description=(
            "Add TEXT as a line at the end of a task's notes, dated today in your zone (2026-12-07 TEXT), as task annotate"
            " does and as the Taskwarrior import writes annotations."
        ),
        examples=['crewdeck annotate 1a2b3c4d "called the printer, proofs Monday"', "crewdeck annotate 1a2b3c4d called the printer"],
    )
    p.add_argument("id", help="the task's id or a unique prefix")
    p.add_argument("text", nargs="+", help="the annotation (the words are joined with spaces)")
    quiet_option(p)
    p.set_defaults(func=cmd_annotate)

    p = sub.add_parser(
        "undo",
        parents=parents,
        help="take back your last change made with a command",
        description=(
            "Take back the last change you made with a crewdeck command on this workspace file, as u does in the app: the"
            " values before it are written again (and sync), fields others changed since are kept. Run again to take back"
            " the change before it. A verdict, a ledger entry or a crisis stands (undo says what to do instead). A change"
            " of more than 50,000 operations is not undone: undo says so and forgets it; run it again to take back the change"
            " before it."
        ),
    )
    p.set_defaults(func=cmd_undo)

    p = sub.add_parser("log", parents=parents, help="show the activity log", description="Who changed what, when (newest first).")
    p.add_argument("id", nargs="?", help="only this record's history")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--limit", type=limit_number_of_some, default=50, help="at most this many entries (default: %(default)s)")
    p.set_defaults(func=cmd_log)

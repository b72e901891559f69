"""History, notices and undo in words: handles, campaign names, the viewer's clock, one sentence per change."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from crewdeck.sync.state.oplog import OP_COLUMNS, Op
from crewdeck.sync.state.store import Store
from crewdeck.tui.posts import writing
from crewdeck.tui.posts.reading import settings
from crewdeck.tui.session.session import Session
from crewdeck.tui.workspace import describe

from .conftest import NOW, Cli
from .forged import HOSTILE, Forger, raw_characters


def test_log_of_a_task_tells_each_change_in_one_sentence(cli: Cli) -> None:
    task = cli.ok("add", "Draft reel +spring-launch").strip()
    cli.ok("set", task, "assignee=raj", "due=fri 17:00 Europe/Berlin", as_member="raj")
    cli.ok("set", task, "tags+=video", "snoozed_until=fri 09:00 Europe/Berlin", as_member="raj")
    lines = cli.ok("log", task[:8]).splitlines()
    assert len(lines) == 3  # three writes, three sentences: not a line a field
    assert lines[2].endswith("@ana added “Draft reel”")
    assert lines[1].endswith("@raj assigned “Draft reel” to @raj, moved it to tmrw 17:00 CET")
    assert lines[0].endswith("@raj tagged “Draft reel” #video, snoozed it until tmrw 09:00 CET")
    assert "created_at" not in "\n".join(lines) and task not in "\n".join(lines)


def test_times_are_on_the_viewers_clock_and_campaigns_by_name(cli: Cli) -> None:
    task = cli.ok("add", "Draft reel").strip()
    cli.ok("set", task, "campaign=spring-launch", "due=fri 17:00 Europe/Berlin")
    assert (
        cli.ok("log", task[:8], "--limit", "1", as_member="raj")
        .strip()
        .endswith("@ana put “Draft reel” in Spring Launch, moved it to tmrw 21:30 IST Kolkata")
    )


def test_log_json_keeps_the_stored_form(cli: Cli) -> None:
    task = cli.ok("add", "Draft reel").strip()
    cli.ok("set", task, "assignee=raj", "due=fri 17:00 Europe/Berlin")
    raj = next(m["id"] for m in json.loads(cli.ok("member", "list", "--json")) if m["handle"] == "raj")
    values = {e["field"]: e["value"] for e in json.loads(cli.ok("log", task[:8], "--json"))}
    assert values["assignee"] == raj
    assert values["due"] == {"utc": "2026-11-27T16:00:00Z", "tz": "Europe/Berlin"}
    assert "created_at" in values and "created_by" in values


def test_members_and_campaigns_read_as_sentences(cli: Cli) -> None:
    cli.ok("member", "set", "raj", "--tz", "Asia/Dubai")
    cli.ok("campaign", "set", "spring-launch", "--status", "paused", "--reason", "client review")
    log = cli.ok("log", "--limit", "4").splitlines()
    assert log[0].endswith("@ana paused campaign Spring Launch: “client review”")
    assert log[1].endswith("@ana moved @raj to Asia/Dubai")
    assert log[2].endswith("@ana added campaign Spring Launch")
    assert log[3].endswith("@ana added @raj (Raj Mehta, Asia/Kolkata)")


def test_a_notice_of_someone_elses_new_task_is_one_sentence(cli: Cli) -> None:
    session = Session.open(cli.workspace, "ana")
    with Store(cli.workspace) as other:
        raj = next(r for r, v in other.records("member") if v["handle"] == "raj")
        with other.write(raj) as w:
            w.create("task", {"title": "Cut the teaser", "created_by": raj, "created_at": "2026-11-26T09:00:00Z", "assignee": raj})
        ops = w.ops
    assert session.notices.describe(session.notices.theirs(ops)) == "@raj added “Cut the teaser” for @raj"
    session.close()


def test_a_notice_of_two_writes_told_together_says_nothing_of_the_first_being_overwritten(cli: Cli) -> None:
    # A later change among those told is told itself: only one stored here before says the change did not take.
    task = cli.ok("add", "Cut the teaser").strip()
    session = Session.open(cli.workspace, "ana")
    with Store(cli.workspace) as other:
        raj = next(r for r, v in other.records("member") if v["handle"] == "raj")
        with other.write(raj) as first:
            first.set("task", task, {"title": "Cut the teaser v2"})
        with other.write(raj) as second:
            second.set("task", task, {"title": "Cut the teaser v3"})
    told = session.notices.describe(session.notices.theirs([*first.ops, *second.ops]))
    assert told == "@raj renamed “Cut the teaser” to “Cut the teaser v2”; @raj renamed “Cut the teaser v2” to “Cut the teaser v3”"
    assert session.notices.describe(session.notices.theirs(first.ops)) == (
        "@raj renamed “Cut the teaser” to “Cut the teaser v2” (overwritten already by a later change)"
    )
    session.close()


def test_undo_says_which_task_it_restored(cli: Cli) -> None:
    task = cli.ok("add", "Draft reel").strip()
    session = Session.open(cli.workspace, "ana")
    session.edits.snooze([task], "fri 09:00", NOW)
    undone = session.edits.undo()
    assert undone is not None and undone.written.label == "undid: snoozed “Draft reel” until tmrw 09:00 CET"
    redone = session.edits.redo()
    assert redone is not None and redone.written.label == "redid: snoozed “Draft reel” until tmrw 09:00 CET"
    session.close()


def test_a_posts_way_through_approval_and_a_crisis_read_as_sentences(cli: Cli) -> None:
    # The log, a task's history and the app's notices said "set post_round of “Launch reel” to “{"at": ...",
    # "added post_approval", "set the approvals of campaign Spring Launch to “{"group": null, "member": "ea68…".
    cli.ok("member", "add", "mia", "--name", "Mia Santos", "--tz", "Asia/Manila", "--groups", "brand")
    cli.ok("campaign", "set", "spring-launch", "--approvals", "copy:@raj; brand:group=brand")
    post = cli.ok("post", "add", "Launch reel +spring-launch post:instagram publish:fri 18:00").split()[-1]
    cli.ok("post", "copy", post, "Big launch")
    cli.ok("post", "submit", post)
    cli.in_person("post", "reject", post, "--note", "too loud", as_member="raj")
    cli.ok("post", "copy", post, "Big launch, quieter", "--first-comment", "link in bio")
    cli.ok("post", "submit", post)
    cli.in_person("post", "approve", post, as_member="raj")
    cli.in_person("post", "approve", post, as_member="mia")
    cli.ok("post", "schedule", post)
    cli.ok("crisis", "start", "--reason", "outage at the client", "--campaign", "spring-launch")
    cli.ok("crisis", "end", "--resume", "none")
    log = [line.split("  ", 1)[1] for line in cli.ok("log", "--limit", "30").splitlines() if "Crisis:" not in line]
    assert log[:11] == [
        "@ana ended the crisis “outage at the client” (no post resumed)",
        "@ana started a crisis: “outage at the client” (Spring Launch)",
        "@ana scheduled “Launch reel”",
        "@mia approved “Launch reel” (brand)",
        "@raj approved “Launch reel” (copy)",
        "@ana submitted “Launch reel” for approval",
        "@ana changed the copy of “Launch reel”: “Big launch” → “Big launch, quieter”, set the first comment of it to “link in bio”: "
        "that voids the round",
        "@raj requested changes on “Launch reel” (copy): “too loud”",
        "@ana submitted “Launch reel” for approval",
        "@ana set the copy of “Launch reel” to “Big launch”, made it a draft",
        "@ana added “Launch reel” due today 17:00 CET",
    ], log
    assert log[11] == "@ana set the approval chain of campaign Spring Launch to copy:@raj; brand:group=brand", log


def test_a_guests_campaigns_and_a_campaigns_targets_read_as_typed(cli: Cli) -> None:
    # They read "set the campaigns of @gus to 7870373cf22292bd63a93bd1f54cc49d" and
    # "set the kpis of campaign Spring Launch to “{"result": "conversions", "targets": [{"kpi": "ctr", "op": …”".
    cli.ok("member", "add", "gus", "--name", "Gus", "--tz", "UTC", "--access", "guest")
    cli.ok("member", "set", "gus", "--campaigns", "spring-launch")
    cli.ok("campaign", "set", "spring-launch", "--target", "ctr>=1.2%", "--target", "cpa<=4.00 EUR", "--target", "result=clicks")
    log = [line.split("  ", 1)[1] for line in cli.ok("log", "--limit", "2").splitlines()]
    assert log == [
        "@ana set the targets of campaign Spring Launch to ctr>=1.2%, cpa<=4.00 EUR (CPA counts clicks)",
        "@ana set the campaigns of @gus to Spring Launch",
    ], log


def test_budgets_and_rates_read_as_money_not_as_stored_fields(cli: Cli) -> None:
    cli.ok("budget", "set", "spring-launch", "ads", "5000 USD")
    cli.ok("budget", "set", "spring-launch", "ads", "2500.50 USD")
    cli.ok("budget", "set", "spring-launch", "tools", "150000", "--month", "2026-12")
    cli.ok("rate", "set", "2026-11-01", "JPY/EUR", "0.0061")
    log = cli.ok("log", "--limit", "4").splitlines()
    assert log[0].endswith("@ana set rate 2026-11-01: 1 JPY = 0.0061 EUR")
    assert log[1].endswith("@ana set the tools budget of Spring Launch for 2026-12 to 150,000.00 EUR")
    # The amount in its currency's units, never the stored minor units (250050).
    assert log[2].endswith("@ana set the ads budget of Spring Launch for the run to 2,500.50 USD")
    assert log[3].endswith("@ana set the ads budget of Spring Launch for the run to 5,000.00 USD")


def test_an_approval_names_the_entry_by_amount_and_payee(cli: Cli) -> None:
    # It read "@ana as @raj approved a pending ledger entry": which one, the reader had to look up.
    cli.ok("member", "set", "raj", "--access", "manager")
    entry = cli.ok(
        "ledger", "add", "--campaign", "spring-launch", "--category", "tools", "--amount", "120.50 EUR", "--payee", "Canva", "--pending"
    )
    cli.in_person("ledger", "approve", entry.strip().split()[-1], as_member="raj")
    log = cli.ok("log", "--limit", "1").splitlines()
    assert log[0].endswith("@raj approved 120.50 EUR to Canva (tools)"), log


def test_an_entrys_amount_reads_with_its_thousands_as_the_ledger_shows_it(cli: Cli) -> None:
    # It read "approved 2500.00 EUR" beside "2,500.00 EUR" in `ledger list` and the Budget pane.
    cli.ok("member", "set", "raj", "--access", "manager")
    entry = cli.ok(
        "ledger", "add", "--campaign", "spring-launch", "--category", "tools", "--amount", "2500 EUR", "--payee", "Canva", "--pending"
    )
    cli.in_person("ledger", "approve", entry.strip().split()[-1], as_member="raj")
    cli.ok("ledger", "reverse", entry.strip().split()[-1])
    cli.ok("ledger", "add", "--campaign", "spring-launch", "--category", "tools", "--amount", "1500000 JPY", "--payee", "Dentsu")
    log = cli.ok("log", "--limit", "4").splitlines()
    assert log[0].endswith("@ana added 1,500,000 JPY to Dentsu (tools)"), log
    # A reversal is said as the app's notice says it, with the entry it reverses: it read "added -2,500.00 EUR".
    assert log[1].endswith(f"@ana reversed 2,500.00 EUR to Canva (tools) (entry {entry.strip().split()[-1][:8]})"), log
    assert log[2].endswith("@raj approved 2,500.00 EUR to Canva (tools)"), log
    assert log[3].endswith("@ana added 2,500.00 EUR to Canva (tools)"), log


def test_a_notice_of_a_reversal_made_elsewhere_says_reversed_as_the_apps_own_notice_does(cli: Cli) -> None:
    # raj's open app read "@ana added -400.00 EUR to Meta (ads)" of ana's reversal, where ana's own read "reversed …".
    entry = cli.ok("ledger", "add", "--campaign", "spring-launch", "--category", "ads", "--amount", "400 EUR", "--payee", "Meta")
    entry_id = entry.strip().split()[-1]
    session = Session.open(cli.workspace, "raj")
    with Store(cli.workspace) as store:
        before = max(seq for seq, _ in store.ops_after(0))
    cli.ok("ledger", "reverse", entry_id)
    with Store(cli.workspace) as store:
        reversal = [op for _, op in store.ops_after(before)]
    assert session.notices.describe(session.notices.theirs(reversal)) == f"@ana reversed 400.00 EUR to Meta (ads) (entry {entry_id[:8]})"
    session.close()


def test_a_notice_of_a_crisis_started_or_ended_elsewhere_says_so_not_how_many_records_changed(cli: Cli) -> None:
    # A crisis's start writes its checklist's tasks with it, and an end that resumes writes the posts: the open app of
    # every other member said "@ana changed 6 records".
    session = Session.open(cli.workspace, "raj")

    def written(act: Callable[[Store, str], object]) -> list[Op]:
        with Store(cli.workspace) as other:
            ana = next(r for r, v in other.records("member") if v["handle"] == "ana")
            before = max(seq for seq, _ in other.ops_after(0))
            act(other, ana)
            return [op for _, op in other.ops_after(before)]

    started = written(lambda store, ana: writing.start_crisis(store, ana, NOW, "bad press"))
    assert len({op.row_id for op in started}) > 1  # the crisis and its checklist
    assert session.notices.describe(session.notices.theirs(started)) == (
        f"@ana started a crisis: “bad press”, with {len({op.row_id for op in started}) - 1} other records"
    )
    # Named as its start is: a second crisis may be open, and "ended the crisis" said nothing of which one ended.
    other = written(lambda store, ana: writing.start_crisis(store, ana, NOW, "outage"))
    ended = written(
        lambda store, ana: writing.end_crisis(
            store, ana, NOW, resume="all", crisis_id=next(op.row_id for op in other if op.entity == "crisis")
        )
    )
    assert session.notices.describe(session.notices.theirs(ended)) == "@ana ended the crisis “outage” and resumed its posts"
    session.close()


def test_a_notice_of_a_crisis_pulled_with_other_writes_counts_its_own_records_and_the_others_apart(cli: Cli) -> None:
    # One pull (a replica offline for a while) brought two tasks ana added, then her crisis and its checklist: the notice
    # read "@ana started a crisis: “bad press”, with 7 other records", as if the crisis had written the two tasks.
    session = Session.open(cli.workspace, "raj")
    with Store(cli.workspace) as store:
        before = max(seq for seq, _ in store.ops_after(0))
    cli.ok("add", "Rough cut")
    cli.ok("add", "Colour grade")
    with Store(cli.workspace) as store:
        ana = next(r for r, v in store.records("member") if v["handle"] == "ana")
        writing.start_crisis(store, ana, NOW, "bad press")
        pulled = [op for _, op in store.ops_after(before)]
    added = {op.row_id for op in pulled if op.field == "title" and json.loads(op.value) in ("Rough cut", "Colour grade")}
    checklist = {op.row_id for op in pulled if op.entity == "task"} - added
    assert len(added) == 2 and checklist
    assert session.notices.describe(session.notices.theirs(pulled)) == (
        f"@ana started a crisis: “bad press”, with {len(checklist)} other records; @ana added 2 tasks"
    )
    session.close()


def test_a_notice_of_a_pull_of_several_crises_says_each_start_and_end_the_first_few(cli: Cli) -> None:
    # A replica's pull brought ana's “bad press”, its end and “worse press”: the notice said the first crisis alone and
    # counted the others' records as its own, "@ana started a crisis: “bad press”, with 13 other records".
    session = Session.open(cli.workspace, "raj")
    with Store(cli.workspace) as store:
        before = max(seq for seq, _ in store.ops_after(0))
        ana = next(r for r, v in store.records("member") if v["handle"] == "ana")
        writing.end_crisis(store, ana, NOW, writing.start_crisis(store, ana, NOW, "bad press"), "none")
        writing.start_crisis(store, ana, NOW, "worse press")
        pulled = [op for _, op in store.ops_after(before)]
        checklist = len(settings(store.conn).crisis_checklist)
        three = session.notices.describe(session.notices.theirs(pulled))
        writing.start_crisis(store, ana, NOW, "worst press")
        four = session.notices.describe(session.notices.theirs([op for _, op in store.ops_after(before)]))
    said = (
        f"@ana started a crisis: “bad press”, with {checklist} other records; @ana ended the crisis “bad press” (no post "
        f"resumed); @ana started a crisis: “worse press”, with {checklist} other records"
    )
    assert three == said
    assert four == f"{said}; and 1 more crisis start or end"
    session.close()


def _log(cli: Cli, task: str, limit: int) -> list[str]:
    """``crewdeck log TASK``'s sentences, newest first, without their times."""
    return [line.split("  ", 1)[1] for line in cli.ok("log", task[:8], "--limit", str(limit)).splitlines()]


def test_the_log_says_what_a_change_of_the_notes_overwrote(cli: Cli) -> None:
    # The log said "@raj edited the notes of “Draft reel”": what the notes held before was in `log --json` alone.
    task = cli.ok("add", "Draft reel").strip()
    cli.ok("set", task, "notes=Call the printer at 10")
    cli.in_person("set", task, "notes=Call the printer at 11\nand the venue", as_member="raj")
    cli.ok("set", task, "notes=")
    assert _log(cli, task, 3) == [
        "@ana cleared the notes of “Draft reel”: “Call the printer at 11 and the venue” → nothing",
        "@raj edited the notes of “Draft reel”: “Call the printer at 10” → “Call the printer at 11 and the venue”",
        "@ana edited the notes of “Draft reel”",  # they held nothing: what they say now is in the next line
    ]
    # The app's detail and `show` tell the history in the same words.
    assert "@raj edited the notes of “Draft reel”: “Call the printer at 10” → “Call the printer at 11 and the venue”" in cli.ok(
        "show", task[:8]
    )


def test_a_long_text_changed_late_is_shown_where_it_changed(cli: Cli) -> None:
    # Each cut at its first 60 characters, a change at the end of long notes read "“Brief …” → “Brief …”": the same.
    brief = "Brief for the spring reel: shoot on the roof, warm light, three takes of the product, then"
    task = cli.ok("add", "Draft reel").strip()
    cli.ok("set", task, f"notes={brief} call the printer at 10")
    cli.ok("set", task, f"notes={brief} call the printer at 11 and confirm the venue with the client before Friday")
    (line,) = _log(cli, task, 1)
    assert line == (
        "@ana edited the notes of “Draft reel”: “…the printer at 10” → “…the printer at 11 and confirm the venue with the client be…”"
    ), line


def test_a_text_saved_unchanged_or_respaced_is_not_read_as_a_change(cli: Cli) -> None:
    # The same copy saved again read "changed the copy …: “Meet tomorrow” → “Meet tomorrow”", a change that did nothing.
    post = cli.ok("post", "add", "Launch reel +spring-launch post:instagram").split()[-1]
    cli.ok("post", "copy", post, "Meet tomorrow")
    cli.ok("post", "copy", post, "Meet tomorrow")
    cli.ok("set", post, "notes=Call the printer")
    cli.ok("set", post, "notes=Call the  printer\n")
    cli.ok("set", post, "title=Launch  reel")
    assert _log(cli, post, 4) == [
        "@ana changed the title of “Launch reel”: only its spacing",
        "@ana edited the notes of “Launch reel”: only its spacing",
        "@ana edited the notes of “Launch reel”",
        "@ana saved the copy of “Launch reel”: unchanged",
    ]


def test_a_rename_and_a_change_of_a_posts_copy_say_what_they_replaced_as_typed(cli: Cli) -> None:
    # A title holding "{it}" had it replaced by the task's name: "renamed ““Fix reel”” …".
    task = cli.ok("add", "Fix {it} now").strip()
    cli.ok("set", task, "title=Fix the reel")
    assert _log(cli, task, 1) == ["@ana renamed “Fix {it} now” to “Fix the reel”"]
    post = cli.ok("post", "add", "Launch reel +spring-launch post:instagram").split()[-1]
    cli.ok("post", "copy", post, "Big launch")
    cli.ok("post", "copy", post, "Big launch, quieter", "--first-comment", "link in bio")
    cli.ok("post", "copy", post, "", "--first-comment", "")
    assert _log(cli, post, 2) == [
        "@ana removed the copy of “Launch reel”: “Big launch, quieter” → nothing, removed the first comment of it: “link in bio” → nothing",
        "@ana changed the copy of “Launch reel”: “Big launch” → “Big launch, quieter”, set the first comment of it to “link in bio”",
    ]


def _history_of(cli: Cli, task: str) -> list[str]:
    """``crewdeck show TASK``'s history sentences, newest first, without their times."""
    shown = cli.ok("show", task[:8]).split("History (times in ", 1)[1].splitlines()[1:]
    return [line.strip().split("  ", 1)[1] for line in shown if line.strip()]


def test_a_decline_reason_holding_it_is_said_as_typed(cli: Cli) -> None:
    # Phrases were templates with "{it}" put in after the typed reason: "declined “Draft reel”: “not “Draft reel” again”".
    task = cli.ok("add", "Draft reel").strip()
    cli.ok("set", task, "status=cancelled", "decline_reason=not {it} again")
    said = "@ana declined “Draft reel”: “not {it} again”"
    assert _log(cli, task, 1) == [said]
    assert _history_of(cli, task)[0] == said


def test_a_campaign_name_holding_it_is_said_as_typed(cli: Cli) -> None:
    # "put “Draft reel” in Spring “Draft reel” push": the campaign's name took the task's in.
    cli.ok("campaign", "add", "Spring {it} push")
    task = cli.ok("add", "Draft reel").strip()
    cli.ok("set", task, "campaign=spring-it-push", "due=fri 17:00 Europe/Berlin")
    said = "@ana put “Draft reel” in Spring {it} push, moved it to tmrw 17:00 CET"
    assert _log(cli, task, 1) == [said]
    assert _history_of(cli, task)[0] == said


def test_a_dependencys_title_holding_it_is_said_as_typed(cli: Cli) -> None:
    # "made “Draft reel” wait for “Brief legal “Draft reel””": the other task's title took this one's name in.
    first = cli.ok("add", "Brief legal {it}").strip()
    task = cli.ok("add", "Draft reel").strip()
    cli.ok("set", task, f"depends_on={first[:8]}")
    said = "@ana made “Draft reel” wait for “Brief legal {it}”"
    assert _log(cli, task, 1) == [said]
    assert _history_of(cli, task)[0] == said


def test_text_a_change_overwrote_is_shown_safe_on_a_terminal(cli: Cli) -> None:
    task = cli.ok("add", "Draft reel").strip()
    Forger(cli.workspace).set("task", task, {"notes": HOSTILE})  # pulled, as a modified client may have written it
    cli.ok("set", task, "notes=Plain again")
    (line,) = _log(cli, task, 1)
    assert raw_characters(line, newlines=False) == [] and "EVIL" in line and line.endswith("” → “Plain again”"), line


def test_a_campaigns_rename_says_the_name_it_replaced(cli: Cli) -> None:
    # It said "@ana renamed the campaign to Spring 2027": which campaign, once its name was gone, it did not say.
    cli.ok("campaign", "set", "spring-launch", "--rename", "Spring 2027")
    assert [line.split("  ", 1)[1] for line in cli.ok("log", "--limit", "1").splitlines()] == [
        "@ana renamed campaign “Spring Launch” to “Spring 2027”"
    ]


def _written(cli: Cli, *commands: tuple[str, ...]) -> list[Op]:
    """The operations ``commands`` (each run by raj) wrote, in the order stored."""
    with Store(cli.workspace) as store:
        since = store.conn.execute("SELECT max(seq) FROM ops").fetchone()[0]
    for command in commands:
        cli.ok(*command, as_member="raj")
    with Store(cli.workspace) as store:
        return [Op(*row) for row in store.conn.execute(f"SELECT {OP_COLUMNS} FROM ops WHERE seq > ? ORDER BY seq", (since,))]


def test_a_notice_counting_many_records_counts_posts_as_posts_and_deletions_as_deletions(cli: Cli) -> None:
    # Reviewer ra's findings: 2 posts read "added 2 tasks"; 2 tasks deleted "changed 2 records"; T3 and T4 added and T3
    # deleted in one batch "added 2 tasks".
    session = Session.open(cli.workspace, "ana")
    told = lambda ops: session.notices.told(session.notices.theirs(ops))  # noqa: E731
    try:
        posts = told(_written(cli, ("post", "add", "Launch reel +spring-launch"), ("post", "add", "Teaser +spring-launch")))
        assert posts is not None and posts.line.endswith(" added 2 posts"), posts
        tasks = _written(cli, ("add", "T1"), ("add", "T2"))
        counted = told(tasks)
        assert counted is not None and counted.line.endswith(" added 2 tasks"), counted
        ids = sorted({op.row_id for op in tasks if op.entity == "task"})
        gone = told(_written(cli, ("rm", *ids, "--yes")))
        assert gone is not None and gone.line.endswith(" deleted 2 tasks"), gone
        # Deleted in one page and brought back in the next, a task was not deleted.
        restored = told(_written(cli, ("undo",)))
        assert restored is not None and (back := restored.after(gone)) is not None, restored
        assert back.line.endswith(" changed 2 tasks"), back.line
        both = told(_written(cli, ("add", "T3"), ("add", "T4"), ("rm", "T3", "--yes")))
        assert both is not None and both.line.endswith(" added 1 task and deleted 1 task"), both
        # A page's notice counted in the last one's: their posts still posts.
        assert (together := counted.after(posts)) is not None and together.line.endswith(" added 2 posts and 2 tasks"), together
    finally:
        session.close()


def test_a_notice_that_says_more_than_its_change_is_never_counted_in_with_others(cli: Cli) -> None:
    # "@raj renamed “Cut the teaser” … (overwritten already by a later change)", counted in with raj's next page of
    # changes, read "@raj added 2 tasks and changed 1 record": what the first notice said was lost.
    task = cli.ok("add", "Cut the teaser").strip()
    session = Session.open(cli.workspace, "ana")
    try:
        with Store(cli.workspace) as other:
            raj = next(r for r, v in other.records("member") if v["handle"] == "raj")
            with other.write(raj) as first:
                first.set("task", task, {"title": "Cut the teaser v2"})
            with other.write(raj) as second:
                second.set("task", task, {"title": "Cut the teaser v3"})
            with other.write(raj) as third:
                for title in ("T1", "T2"):
                    third.create("task", {"title": title, "created_by": raj, "created_at": "2026-11-26T09:00:00Z"})
        noted = session.notices.told(session.notices.theirs(first.ops))
        counted = session.notices.told(session.notices.theirs(third.ops))
        assert noted is not None and noted.line.endswith("(overwritten already by a later change)"), noted
        assert counted is not None and counted.line == "@raj added 2 tasks"
        assert counted.after(noted) is None and noted.after(counted) is None
        # One said in plain words is counted in, as before.
        plain = session.notices.told(session.notices.theirs(second.ops))
        assert plain is not None and (together := counted.after(plain)) is not None
        assert together.line == "@raj added 2 tasks and changed 1 task"
    finally:
        session.close()


def test_a_notice_of_many_operations_names_who_made_them_once_a_pair(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    # Each operation's member and actor were named one by one, twice: ~105 ms of a page of 5,000 new tasks.
    session = Session.open(cli.workspace, "ana")
    try:
        with Store(cli.workspace) as other:
            raj = next(r for r, v in other.records("member") if v["handle"] == "raj")
            with other.write(raj) as w:
                for n in range(20):
                    w.create("task", {"title": f"T{n}", "created_by": raj, "created_at": "2026-11-26T09:00:00Z"})
        named: list[str | None] = []
        member = describe.Naming.member
        monkeypatch.setattr(describe.Naming, "member", lambda self, who: named.append(who) or member(self, who))
        told = session.notices.told(session.notices.theirs(w.ops))
        assert told is not None and told.line == "@raj added 20 tasks"
        assert named == [raj], named
    finally:
        session.close()

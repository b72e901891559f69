"""Undo and redo are new operations: they sync, and they never undo someone else's later edit."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from crewdeck.sync.state.store import Store
from crewdeck.tui.posts import writing
from crewdeck.tui.posts.reading import read_post
from crewdeck.tui.session.session import Session
from crewdeck.tui.session.writing import NotUndone

from .apphelp import demo_workspace, store_of
from .conftest import NOW, NOW_TEXT, fresh_store
from .forged import Forger
from .postsupport import add_posts, ids, team_workspace


def exchange(a: Store, b: Store) -> None:
    b.apply(op for _, op in a.ops_after(0, 10**9))
    a.apply(op for _, op in b.ops_after(0, 10**9))


def open_tasks(store: Store) -> list[str]:
    return [r for r, v in store.records("task") if v["status"] in ("todo", "doing")]


def test_undo_and_redo_reach_the_other_replica(tmp_path: Path) -> None:
    ours = Session.open(demo_workspace(tmp_path / "ana.db"), "ana")
    theirs = fresh_store(tmp_path, "raj.db")
    exchange(store_of(ours), theirs)
    task = open_tasks(theirs)[0]
    before = theirs.record("task", task)

    ours.edits.set_fields([task], {"status": "done", "priority": "high"}, "done")
    exchange(store_of(ours), theirs)
    assert theirs.record("task", task)["status"] == "done"  # type: ignore[index]

    undone = ours.edits.undo()
    assert undone is not None and len(undone.written.ops) == 2 and undone.kept == 0
    exchange(store_of(ours), theirs)
    after = theirs.record("task", task)
    assert (after["status"], after["priority"]) == (before["status"], before["priority"])  # type: ignore[index]

    redone = ours.edits.redo()
    assert redone is not None
    exchange(store_of(ours), theirs)
    assert theirs.record("task", task)["status"] == "done"  # type: ignore[index]
    ours.close()
    theirs.close()


def test_undo_keeps_a_later_edit_made_elsewhere(tmp_path: Path) -> None:
    ours = Session.open(demo_workspace(tmp_path / "ana.db"), "ana")
    theirs = fresh_store(tmp_path, "raj.db")
    exchange(store_of(ours), theirs)
    task = open_tasks(theirs)[0]
    raj = next(r for r, v in theirs.records("member") if v["handle"] == "raj")

    ours.edits.set_fields([task], {"status": "review", "title": "Ana's title"}, "edit")
    exchange(store_of(ours), theirs)
    with theirs.write(raj) as w:  # raj renames it after ana's edit arrived
        w.set("task", task, {"title": "Raj's title"})
    exchange(store_of(ours), theirs)

    undone = ours.edits.undo()
    assert undone is not None and undone.kept == 1  # the title: raj's edit stays
    assert undone.said.endswith(" (kept 1 later change by @raj)"), undone.said  # whose: it said "by others"
    exchange(store_of(ours), theirs)
    for store in (store_of(ours), theirs):
        row = store.record("task", task)
        assert row is not None and row["title"] == "Raj's title" and row["status"] != "review"
    ours.close()
    theirs.close()


def test_an_edit_carried_to_a_new_node_is_still_undone(tmp_path: Path) -> None:
    """The replica turned out to be a copy while the app ran: its unsent edits went to a node of its own, under new
    stamps; undo still takes them back, instead of keeping them as "a later change by @ana"."""
    ours = Session.open(demo_workspace(tmp_path / "ana.db"), "ana")
    store = store_of(ours)
    task = open_tasks(store)[0]
    before = store.record("task", task)
    made = store.node_seq()
    ours.edits.set_fields([task], {"status": "review", "title": "Ana's title"}, "edit")
    copied = store.node
    assert store.take_new_node(copied, made + 1) == 1
    # A second sync of this replica told of the same copy (the app's and a command's at once) finds it carried already.
    carried_to = store.node
    assert carried_to != copied and store.take_new_node(copied, made + 1) == 0 and store.node == carried_to

    undone = ours.edits.undo()
    assert undone is not None and undone.kept == 0, undone
    after = store.record("task", task)
    assert after is not None and before is not None and (after["title"], after["status"]) == (before["title"], before["status"])
    ours.close()


def test_undoing_an_add_deletes_the_task_and_redo_brings_it_back(tmp_path: Path) -> None:
    ours = Session.open(demo_workspace(tmp_path / "ana.db"), "ana")
    assert ours.edits.undo() is None and ours.edits.redo() is None  # nothing done yet
    added = ours.edits.quick_add("Write the FAQ !high", NOW)
    task = added.ops[0].row_id
    ours.edits.undo()
    row = store_of(ours).record("task", task)
    assert row is not None and row["deleted"] is True and row["title"] == "Write the FAQ"
    ours.edits.redo()
    row = store_of(ours).record("task", task)
    assert row is not None and row["deleted"] is False and row["priority"] == "high"
    ours.close()


def test_notices_say_who_did_what_in_the_records_words(tmp_path: Path) -> None:
    ours = Session.open(demo_workspace(tmp_path / "ana.db"), "ana")
    with Store(ours.path) as other:
        raj = next(r for r, v in other.records("member") if v["handle"] == "raj")
        task = open_tasks(other)[0]
        title = other.record("task", task)["title"]  # type: ignore[index]
        campaign = next(r for r, _ in other.records("campaign"))
        with other.write(raj) as w:
            w.set("task", task, {"status": "done"})
        status_ops = w.ops
        with other.write(raj) as w:
            w.append(
                "ledger_entry",
                {
                    "date": "2026-11-25",
                    "campaign": campaign,
                    "category": "content-tools",
                    "payee": "Canva",
                    "amount": 1299,
                    "currency": "USD",
                    "entered_by": raj,
                    "entered_at": "2026-11-26T09:00:00Z",
                },
            )
        entry_ops = w.ops
    notices = ours.notices
    assert notices.describe(notices.theirs(status_ops)) == f"@raj marked “{title}” done"
    assert notices.describe(notices.theirs(entry_ops)) == "@raj added 12.99 USD to Canva (content-tools)"
    assert notices.describe([]) is None
    ours.close()


def test_an_undo_that_others_overtook_entirely_writes_nothing(tmp_path: Path) -> None:
    ours = Session.open(demo_workspace(tmp_path / "ana.db"), "ana")
    task = open_tasks(store_of(ours))[0]
    ours.edits.set_fields([task], {"priority": "high"}, "priority")
    with Store(ours.path) as other:
        raj = next(r for r, v in other.records("member") if v["handle"] == "raj")
        with other.write(raj) as w:
            w.set("task", task, {"priority": "low"})
    before = store_of(ours).op_count()
    step = ours.edits.undo()
    assert step is not None and step.written.ops == () and "nothing to restore" in step.written.label and step.kept == 1
    # Said once, naming who: "@raj changed it since" already tells what a "(kept 1 later change by @raj)" would repeat.
    assert step.said.startswith("undo: nothing to restore, @raj changed it since (") and "kept" not in step.said, step.said
    assert store_of(ours).op_count() == before and ours.edits.redo() is None
    assert store_of(ours).record("task", task)["priority"] == "low"  # type: ignore[index]
    ours.close()


def posts_team(tmp_path: Path) -> tuple[Path, str, dict[str, str]]:
    """The demo team with one Spring Launch post by raj in review (copy: @mia, then brand: kemi); its id, the members' ids."""
    path = tmp_path / "posts.db"
    store = team_workspace(path, NOW)
    [post] = add_posts(store, 1, NOW + dt.timedelta(days=2), submitted=NOW)
    members = ids(store, "member", "handle")
    store.close()
    return path, post, members


def approved_post(tmp_path: Path) -> tuple[Path, str, dict[str, str]]:
    """``posts_team``'s post, approved at both its steps (by mia, then kemi): ready for the scheduler."""
    path, post, members = posts_team(tmp_path)
    with Store(path) as store:
        writing.approve(store, members["mia"], post, NOW)
        writing.approve(store, members["kemi"], post, NOW)
    return path, post, members


def post_state(session: Session, post_id: str, now: dt.datetime = NOW) -> str:
    found = session.access.read(lambda ws: read_post(ws.conn, post_id, now))
    assert found is not None
    return found.state


def test_a_verdict_stands_named_by_the_posts_title_shown_and_the_edit_before_it_stays(tmp_path: Path) -> None:
    path, post, members = posts_team(tmp_path)
    Forger(path, member=members["raj"]).set("task", post, {"title": "Reel \x1b]52;c;aGk=\x07 now"})  # stored before titles were checked
    mia = Session.open(path, "mia")
    mia.edits.set_fields([post], {"priority": "high"}, "priority")
    mia.edits.store_write("approved", lambda store: writing.approve(store, members["mia"], post, NOW))
    for _ in range(2):
        with pytest.raises(NotUndone) as stands:
            mia.edits.undo()
        assert str(stands.value) == (
            "the approval of post “Reel ^[]52;c;aGk=^G now” cannot be undone: verdicts are append-only "
            f"(withdraw it while the post can still go out: W on the post, or crewdeck post withdraw {post[:8]})"
        )
    assert store_of(mia).record("task", post)["priority"] == "high"  # type: ignore[index]
    assert mia.edits.redo() is None
    mia.close()


def test_a_redo_the_rules_refuse_now_writes_nothing_and_can_be_tried_again(tmp_path: Path) -> None:
    path, post, members = approved_post(tmp_path)
    raj = Session.open(path, "raj")
    raj.edits.store_write("scheduled", lambda store: writing.schedule(store, members["raj"], post, NOW))
    undone = raj.edits.undo()
    assert undone is not None and undone.written.label.startswith("undid: ") and post_state(raj, post) == "approved"
    with Store(path) as store:  # the copy changes: the round that approved it is void
        writing.set_content(store, members["raj"], post, NOW, copy="Spring, rewritten #launch")
    before = store_of(raj).op_count()
    with pytest.raises(NotUndone) as refused:
        raj.edits.redo()
    # The post named once, by the rules' refusal: it said 'cannot redo scheduled “Spring post 0”: “Spring post 0” cannot be ...'.
    assert str(refused.value).startswith("cannot redo: “Spring post 0” cannot be scheduled: ") and str(refused.value).endswith(
        "(rule not_publishable)"
    )
    assert str(refused.value).count("Spring post 0") == 1
    assert store_of(raj).op_count() == before and post_state(raj, post) == "draft"
    with pytest.raises(NotUndone):  # still there to redo, and still refused
        raj.edits.redo()
    raj.close()


def _slot(when: dt.datetime) -> dict[str, str]:
    return {"utc": when.strftime("%Y-%m-%dT%H:%M:%SZ"), "tz": "America/New_York"}


def _clock_at(monkeypatch: pytest.MonkeyPatch, when: dt.datetime) -> None:
    monkeypatch.setenv("CREWDECK_NOW", when.strftime("%Y-%m-%dT%H:%M:%SZ"))


def _held_by_a_crisis(tmp_path: Path) -> tuple[Path, str, dict[str, str], Session]:
    """``approved_post``, held by the crisis ana started at ``NOW`` ("bad press"), and ana's session on it."""
    path, post, members = approved_post(tmp_path)
    with Store(path) as store:
        writing.start_crisis(store, members["ana"], NOW, "bad press")
    return path, post, members, Session.open(path, "ana")


def test_undo_and_redo_of_a_slot_move_are_judged_as_the_move_is_when_they_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # They wrote the slot back unchecked: a slot that had passed since, or on a post published since.
    path, post, members = approved_post(tmp_path)
    ana = Session.open(path, "ana")
    old = store_of(ana).record("task", post)["publish"]  # type: ignore[index]
    ana.edits.store_write("moved", lambda store: writing.move_slot(store, members["ana"], post, NOW, _slot(NOW + dt.timedelta(days=3))))
    monkeypatch.setenv("CREWDECK_NOW", "2026-11-28T12:00:00Z")  # the old slot, two days after NOW, has passed
    before = store_of(ana).op_count()
    with pytest.raises(NotUndone) as refused:
        ana.edits.undo()
    said = str(refused.value)
    assert said.startswith("cannot undo scheduled “Spring post 0” to publish ") and said.count("Spring post 0") == 1, said
    assert said.endswith(": the slot it would take has passed already"), said
    assert store_of(ana).op_count() == before
    monkeypatch.setenv("CREWDECK_NOW", NOW_TEXT)
    assert ana.edits.undo() is not None  # still there to undo, and now it may
    assert store_of(ana).record("task", post)["publish"] == old  # type: ignore[index]
    with Store(path) as store:
        writing.publish(store, members["raj"], post, NOW)
    before = store_of(ana).op_count()
    with pytest.raises(NotUndone) as refused:
        ana.edits.redo()
    said = str(refused.value)
    assert said.startswith("cannot redo scheduled “Spring post 0” to publish ") and said.endswith(": it is published"), said
    assert store_of(ana).op_count() == before and store_of(ana).record("task", post)["publish"] == old  # type: ignore[index]
    ana.close()


def test_an_undo_of_a_slot_move_on_a_post_missed_since_is_refused_as_the_move_is(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The undo moved a missed post's slot back ahead: it read paused, still held by the crisis, never resumed.
    _, post, members, ana = _held_by_a_crisis(tmp_path)
    old = store_of(ana).record("task", post)["publish"]  # type: ignore[index]
    sooner = _slot(NOW + dt.timedelta(days=1))  # a paused post may take one
    ana.edits.store_write("moved", lambda store: writing.move_slot(store, members["ana"], post, NOW, sooner))
    later = NOW + dt.timedelta(hours=36)  # its new slot passed during the crisis; its old one, two days after NOW, has not
    _clock_at(monkeypatch, later)
    assert post_state(ana, post, later) == "missed"
    before = store_of(ana).op_count()
    with pytest.raises(NotUndone) as refused:
        ana.edits.undo()
    said = str(refused.value)
    assert said.startswith("cannot undo ") and said.count("Spring post 0") == 1, said
    assert said.endswith(": it is missed by a crisis (bad press): resume it with a new slot"), said
    assert store_of(ana).op_count() == before and store_of(ana).record("task", post)["publish"] == sooner != old  # type: ignore[index]
    ana.close()


def test_undoing_a_resume_with_a_new_slot_puts_the_post_back_missed_on_its_passed_slot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A resume's undo puts the crisis's hold back with the slot: that slot passed is what "missed" is, no move to refuse.
    later = NOW + dt.timedelta(days=3)  # the slot, two days after NOW, passed during the crisis
    _clock_at(monkeypatch, later)
    _, post, members, ana = _held_by_a_crisis(tmp_path)
    old = store_of(ana).record("task", post)["publish"]  # type: ignore[index]
    assert post_state(ana, post, later) == "missed"
    ana.edits.store_write("resumed", lambda store: writing.resume(store, members["ana"], post, later, _slot(later + dt.timedelta(days=1))))
    assert post_state(ana, post, later) == "approved"
    undone = ana.edits.undo()
    assert undone is not None and undone.written.ops
    assert post_state(ana, post, later) == "missed" and store_of(ana).record("task", post)["publish"] == old  # type: ignore[index]
    ana.close()


def test_an_undo_of_a_resume_with_a_new_slot_on_a_post_published_since_is_refused_and_keeps_its_slot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The undo put the hold and the old slot back on a post another member had published since: published on a slot
    # it never had, where a closed post keeps its slot.
    later = NOW + dt.timedelta(days=3)  # the slot, two days after NOW, passed during the crisis
    _clock_at(monkeypatch, later)
    path, post, members, ana = _held_by_a_crisis(tmp_path)
    new = _slot(later + dt.timedelta(days=1))
    ana.edits.store_write("resumed", lambda store: writing.resume(store, members["ana"], post, later, new))
    with Store(path) as store:
        writing.publish(store, members["kemi"], post, later)
    assert post_state(ana, post, later) == "published"
    before = store_of(ana).op_count()
    with pytest.raises(NotUndone) as refused:
        ana.edits.undo()
    assert str(refused.value).endswith(": it is published"), str(refused.value)
    assert store_of(ana).op_count() == before and store_of(ana).record("task", post)["publish"] == new  # type: ignore[index]
    ana.close()


def test_a_redo_of_a_resume_whose_new_slot_has_passed_since_is_refused_as_the_resume_is_and_stays_to_redo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The redo released the post onto the new slot unchecked: approved, on a slot gone by, held by nothing.
    later = NOW + dt.timedelta(days=3)  # the slot, two days after NOW, passed during the crisis
    _clock_at(monkeypatch, later)
    _, post, members, ana = _held_by_a_crisis(tmp_path)
    new = _slot(later + dt.timedelta(hours=6))
    ana.edits.store_write("resumed", lambda store: writing.resume(store, members["ana"], post, later, new))
    assert ana.edits.undo() is not None and post_state(ana, post, later) == "missed"
    gone = later + dt.timedelta(hours=7)  # the new slot has passed by the time of the redo
    _clock_at(monkeypatch, gone)
    before = store_of(ana).op_count()
    with pytest.raises(NotUndone) as refused:
        ana.edits.redo()
    said = str(refused.value)
    assert said.startswith("cannot redo released “Spring post 0” from the crisis, scheduled it to publish "), said
    assert said.endswith(": the new slot has passed already"), said
    assert "\n" not in said and said.count("Spring post 0") == 1, said
    assert store_of(ana).op_count() == before and post_state(ana, post, gone) == "missed"
    _clock_at(monkeypatch, later)
    redone = ana.edits.redo()  # still there to redo, and the slot still ahead at that time
    assert redone is not None and redone.written.ops
    assert post_state(ana, post, later) == "approved" and store_of(ana).record("task", post)["publish"] == new  # type: ignore[index]
    ana.close()


def test_a_redo_of_a_resume_whose_slot_has_passed_since_is_refused_as_the_resume_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The redo released a post the crisis had made miss its slot since: approved, on a passed slot, which resume refuses.
    _, post, members, ana = _held_by_a_crisis(tmp_path)
    ana.edits.store_write("resumed", lambda store: writing.resume(store, members["ana"], post, NOW))
    assert ana.edits.undo() is not None and post_state(ana, post) == "paused"
    after = NOW + dt.timedelta(days=3)  # its slot, two days after NOW, passed during the crisis
    _clock_at(monkeypatch, after)
    before = store_of(ana).op_count()
    with pytest.raises(NotUndone) as refused:
        ana.edits.redo()
    said = str(refused.value)
    assert said.startswith("cannot redo released “Spring post 0” from the crisis: ") and said.count("Spring post 0") == 1, said
    assert said.endswith(": its slot passed during the crisis: resume it with a new slot"), said  # no flag: the app redoes
    assert store_of(ana).op_count() == before and post_state(ana, post, after) == "missed"
    ana.close()


def test_undo_walks_back_moves_that_set_one_field_in_turn_and_redo_walks_forward(tmp_path: Path) -> None:
    # The second `u` said "nothing to restore, others changed it since": the first undo's own write
    # of post_state was taken for someone else's change.
    path, post, members = approved_post(tmp_path)
    ana = Session.open(path, "ana")
    ana.edits.store_write("scheduled", lambda store: writing.schedule(store, members["ana"], post, NOW))
    ana.edits.store_write("published", lambda store: writing.publish(store, members["ana"], post, NOW))
    states, said = [], []
    for step in (ana.edits.undo, ana.edits.undo, ana.edits.redo, ana.edits.redo, ana.edits.undo):
        done = step()
        assert done is not None and done.written.ops and done.kept == 0, done
        states.append(post_state(ana, post))
        said.append(done.written.label)
    assert states == ["scheduled", "approved", "scheduled", "published", "scheduled"]
    # Each move in words, the post by its title: publishing's done status and time are the move's own.
    assert said[:2] == ["undid: marked “Spring post 0” published", "undid: scheduled “Spring post 0”"]
    ana.close()


def test_undo_walks_back_two_edits_of_one_field(tmp_path: Path) -> None:
    ours = Session.open(demo_workspace(tmp_path / "ana.db"), "ana")
    task = open_tasks(store_of(ours))[0]
    before = store_of(ours).record("task", task)["priority"]  # type: ignore[index]
    ours.edits.set_fields([task], {"priority": "high"}, "priority")
    ours.edits.set_fields([task], {"priority": "low"}, "priority")
    for _ in range(2):
        assert ours.edits.undo() is not None
    assert store_of(ours).record("task", task)["priority"] == before  # type: ignore[index]
    ours.close()


def test_an_action_keeps_only_its_own_writes_when_another_member_writes_the_file_meanwhile(tmp_path: Path) -> None:
    # On a shared file every process writes as the file's node: a move took the log's writes of its node since it
    # began for its own, another member's made meanwhile too, and `u` took theirs back with it.
    path, post, members = approved_post(tmp_path)
    ana = Session.open(path, "ana")

    def schedule_while_mia_writes(store: Store) -> object:
        with Store(path) as elsewhere, elsewhere.write(members["mia"]) as w:  # another member's process, meanwhile
            w.set("task", post, {"priority": "high"})
        return writing.schedule(store, members["ana"], post, NOW)

    _, written = ana.edits.store_write("scheduled", schedule_while_mia_writes)
    assert {op.member for op in written.ops} == {members["ana"]}
    hers = [op for _, op in store_of(ana).ops_after(0) if op.member == members["mia"] and op.field == "priority"]
    assert len(hers) == 1 and ana.access.foreign(hers) == hers  # told as hers, not taken for ours
    undone = ana.edits.undo()
    assert undone is not None and post_state(ana, post) == "approved"
    assert store_of(ana).record("task", post)["priority"] == "high"  # type: ignore[index]
    ana.close()


def test_the_apps_m_then_its_set_field_of_duplicate_of_none_reopens_the_task_and_undo_cancels_it_again(tmp_path: Path) -> None:
    """The app's way back from ``m`` (``:`` duplicate_of=none) is set's: the task the mark cancelled is open again, as it
    was before the mark; undo puts the mark and the cancelling back."""
    ours = Session.open(demo_workspace(tmp_path / "ana.db"), "ana")
    store = store_of(ours)
    task, original = [r for r, v in store.records("task") if v["status"] == "doing" and not v["post_state"] and not v["series"]][:2]
    ours.edits.mark_duplicate([task], original)
    assert (store.record("task", task) or {})["status"] == "cancelled"
    written = ours.edits.set_assignments(task, ["duplicate_of=none"], NOW)
    assert ours.edits.words(written.ops).endswith("as a duplicate, reopened as doing")
    assert ((store.record("task", task) or {})["status"], (store.record("task", task) or {})["duplicate_of"]) == ("doing", None)
    ours.edits.undo()
    assert ((store.record("task", task) or {})["status"], (store.record("task", task) or {})["duplicate_of"]) == ("cancelled", original)
    ours.close()


def test_the_history_says_an_undone_publish_or_pull_as_the_posts_move_back_not_its_stored_fields(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An undone publish read in the post's history "@ana scheduled “…”, set published_at of it to nothing, set live_url
    # of it to nothing, set it to inbox": stored names, and a task status that a post's row never shows.
    from .conftest import Cli

    monkeypatch.setenv("CREWDECK_NOW", NOW_TEXT)
    path, post, members = approved_post(tmp_path)
    ana = Session.open(path, "ana")
    ana.edits.store_write("scheduled", lambda store: writing.schedule(store, members["ana"], post, NOW))
    ana.edits.store_write("published", lambda store: writing.publish(store, members["ana"], post, NOW))
    assert ana.edits.undo() is not None
    ana.edits.store_write("pulled", lambda store: writing.pull(store, members["ana"], post, NOW))
    assert ana.edits.undo() is not None
    ana.close()
    history = Cli(path).ok("log", post[:8])
    lines = [line for line in history.splitlines() if "Spring post 0" in line]
    assert [line.split("@ana ", 1)[1] for line in lines[:4]] == [
        "put “Spring post 0” back to scheduled",
        "pulled “Spring post 0”",
        "put “Spring post 0” back to scheduled, no longer published",
        "marked “Spring post 0” published",
    ], history

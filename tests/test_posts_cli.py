"""The post and crisis commands, each with the moves it refuses and why."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from crewdeck.sync.state import store
from crewdeck.sync.state.clock import wall_ms
from crewdeck.sync.state.store import Store
from crewdeck.tui.posts import writing
from crewdeck.tui.posts.writing import PostRefused, checklist_task_id
from crewdeck.tui.session.session import Session
from crewdeck.tui.time.when import format_local, utc_iso
from crewdeck.tui.workspace import workspace
from crewdeck.tui.workspace.config import Config

from .conftest import Cli, on_a_terminal
from .forged import HOSTILE, Forger, raw_characters
from .test_cli import one_line_error

NOW = "2026-12-03T10:00:00Z"


@pytest.fixture
def team(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> Cli:
    """ana (manager), raj (writer), mia (copy step), lee (legal group); Spring Launch's chain: copy:@mia; legal:group=legal."""
    monkeypatch.setenv("CREWDECK_NOW", NOW)
    cli.ok("member", "add", "mia", "--name", "Mia", "--tz", "UTC")
    cli.ok("member", "add", "lee", "--name", "Lee", "--tz", "America/New_York", "--groups", "legal")
    cli.ok("member", "add", "gus", "--name", "Gus", "--tz", "UTC", "--access", "guest", "--groups", "legal")
    cli.ok("campaign", "set", "spring-launch", "--approvals", "copy:@mia; legal:group=legal")
    # Each plays their part in person: from ana's account (the tests'), ``--as`` would be ana acting as them, the author
    # of every post's content and the reviewer of each step, whom the rules of approval refuse.
    cli.ok("member", "set", "ana", "--unix-user", "")
    monkeypatch.setattr(workspace, "os_user", lambda: "crewdeck-tests-nobody")
    return cli


def _post(team: Cli, text: str = "Launch reel +spring-launch post:instagram publish:fri 18:00") -> str:
    post_id = team.ok("post", "add", text, as_member="raj").strip()
    assert len(post_id) == 32
    return post_id


#: A post whose slot is 10:30 UTC today (05:30 in New York, its audience's zone): inside the lead time now.
SOON = "Soon +spring-launch post:instagram publish:2026-12-03 05:30"


def test_a_guest_named_by_the_workspace_chain_is_told_why_a_post_in_no_campaign_is_not_theirs(team: Cli) -> None:
    """The step names the guest, so "not @gus's to take" alone reads wrong: their campaigns are what keep it from them.
    On the command line a guest's id names only the posts they read, so they are told that, and not the post's title."""
    team.ok("workspace", "set", "approvals", "client:@gus")
    post_id = _post(team, "Loose post post:instagram publish:fri 18:00")
    team.ok("post", "copy", post_id, "Hello", as_member="raj")
    team.ok("post", "submit", post_id, as_member="raj")
    assert one_line_error(team("post", "approve", post_id, as_member="gus")).strip() == (
        f"crewdeck: error: no post of your campaigns with id {post_id}"
    )
    # A member the step does not name is told no more than that.
    assert one_line_error(team("post", "approve", post_id, as_member="lee")).strip() == (
        "crewdeck: error: step 'client' is not @lee's to take for “Loose post” (rule not_a_reviewer)"
    )


def test_a_verdict_on_a_post_out_of_review_says_what_became_of_its_round_not_the_authors_move(team: Cli) -> None:
    """The reviewer of a post whose copy changed under their dialog read "it is draft (submit it first)": a move that
    is its author's, which a client, who submits nothing, could not make sense of."""
    post_id = _post(team)
    assert one_line_error(team("post", "approve", post_id, as_member="mia")).strip() == (
        "crewdeck: error: cannot approve “Launch reel”: it is an idea: not submitted for review yet"
    )
    team.ok("post", "copy", post_id, "Hello", as_member="raj")
    assert one_line_error(team("post", "approve", post_id, as_member="mia")).strip() == (
        "crewdeck: error: cannot approve “Launch reel”: it is a draft: not submitted for review yet"
    )
    team.ok("post", "submit", post_id, as_member="raj")
    team.ok("post", "copy", post_id, "Hello again", as_member="raj")
    assert one_line_error(team("post", "reject", post_id, "--note", "louder", as_member="mia")).strip() == (
        "crewdeck: error: cannot request changes on “Launch reel”: it is a draft: its content changed since it was submitted, "
        "and waits to be submitted again"
    )
    team.ok("post", "submit", post_id, as_member="raj")
    team.ok("post", "reject", post_id, "--note", "louder", as_member="mia")
    assert one_line_error(team("post", "approve", post_id, as_member="mia")).strip() == (
        "crewdeck: error: cannot approve “Launch reel”: it waits to be submitted again (changes requested by @mia: louder)"
    )


def test_post_copy_from_a_file_saved_on_windows_keeps_its_lines(team: Cli, tmp_path: Path) -> None:
    """`post copy ID --file copy.txt` of a file with CRLF line ends was refused: "text may not hold control characters
    (U+000D)", for the line ends every Windows editor writes."""
    post_id = _post(team)
    path = tmp_path / "copy.txt"
    path.write_bytes("Big launch 🚀\r\n\r\nLink in bio\r\n".encode())
    team.ok("post", "copy", post_id, "--file", str(path), as_member="raj")
    assert json.loads(team.ok("post", "show", post_id, "--json"))["copy"] == "Big launch 🚀\n\nLink in bio"
    # A carriage return alone is no line end: still refused, as any control character is.
    path.write_bytes(b"Big\rlaunch\n")
    assert "(U+000D) (rule control_characters)" in one_line_error(team("post", "copy", post_id, "--file", str(path), as_member="raj"))


def _made_a_day_before(team: Cli, monkeypatch: pytest.MonkeyPatch, text: str, as_member: str = "raj") -> str:
    """A post made a day before now, when its slot (inside the lead time now) was still far enough ahead to take."""
    monkeypatch.setenv("CREWDECK_NOW", "2026-12-02T10:00:00Z")
    post_id = team.ok("post", "add", text, as_member=as_member).strip()
    monkeypatch.setenv("CREWDECK_NOW", NOW)
    return post_id


def _state(team: Cli, post_id: str) -> str:
    return str(json.loads(team.ok("post", "show", post_id, "--json"))["state"])


def _approved(team: Cli) -> str:
    post_id = _post(team)
    team.ok("post", "copy", post_id, "Big day #launch", as_member="raj")
    team.ok("post", "submit", post_id, as_member="raj")
    team.ok("post", "approve", post_id, as_member="mia")
    team.ok("post", "approve", post_id, as_member="lee")
    return post_id


def test_an_export_merged_in_schedules_its_post_with_the_round_of_its_new_copy(cli: Cli, tmp_path: Path) -> None:
    """An export merged into a workspace holding its post as an earlier export left it: the merge's one write carries
    the new copy with the round that approved it and the move into the scheduler, and the move was refused as copy no
    round approved, the whole import with it."""
    post_id = cli.ok("post", "add", "Launch reel post:instagram").strip()  # in no chain: approved once submitted
    cli.ok("post", "copy", post_id, "Copy A")
    cli.ok("post", "submit", post_id)
    before, after = tmp_path / "before.json", tmp_path / "after.json"
    cli.ok("export", "-o", str(before))
    cli.ok("post", "copy", post_id, "Copy B")
    cli.ok("post", "submit", post_id)
    cli.ok("post", "slot", post_id, "2026-12-20 10:00")
    cli.ok("post", "schedule", post_id)
    cli.ok("export", "-o", str(after))
    merged = Cli(tmp_path / "merged.db")
    merged.ok("init", str(merged.workspace), "--member", "ana", "--name", "Ana", "--tz", "Europe/Berlin", as_member=None)
    merged.ok("import", str(before), as_member=None)
    merged.ok("import", str(after))
    shown = json.loads(merged.ok("post", "show", post_id, "--json"))
    assert (shown["state"], shown["copy"]) == ("scheduled", "Copy B")


def test_an_undo_of_a_submission_once_its_post_went_out_is_refused(team: Cli) -> None:
    """raj's undo of his submission, after ana published the post, ended its round: the post read published, with no
    round that approved what went out."""
    post_id = _approved(team)
    team.ok("post", "publish", post_id, "--url", "https://instagram.com/p/1", as_member="ana")
    before = team.ok("log", post_id)
    failed = team("undo", as_member="raj")
    assert (failed.code, failed.err) == (
        2,
        "crewdeck: error: cannot undo: task.post_round: “Launch reel” is published: what went out changes no more (take its "
        "publish back first) (rule published_content)\n",
    )
    assert team.ok("log", post_id) == before


def test_a_post_goes_from_idea_to_published_through_its_chain(team: Cli) -> None:
    post_id = _post(team)
    assert _state(team, post_id) == "idea"
    assert team.ok("post", "copy", post_id, "Big day #launch", as_member="raj").startswith(f"{post_id[:8]} draft")
    out = team.ok("post", "submit", post_id, as_member="raj")
    assert out.strip() == f"{post_id[:8]} in review (step 1 of 2 (copy), @mia, still open)"
    assert "step 2 of 2 (legal), group legal, still open" in team.ok("post", "approve", post_id, "--note", "nice", as_member="mia")
    assert team.ok("post", "approve", post_id, as_member="lee").strip() == f"{post_id[:8]} approved"
    assert team.ok("post", "schedule", post_id, as_member="raj").strip() == f"{post_id[:8]} scheduled"
    assert team.ok("post", "publish", post_id, "--url", "https://instagram.com/p/1", as_member="raj").strip() == f"{post_id[:8]} published"
    shown = json.loads(team.ok("post", "show", post_id, "--json"))
    assert shown["live_url"] == "https://instagram.com/p/1" and shown["published_at"] == NOW
    # Its round is over: it had said "the content changed since it was submitted", every step untaken.
    assert shown["round"] is None and shown["steps"] == []
    assert [row["what"] for row in shown["history"]] == [
        "created",
        "changed the copy",
        "submitted",
        "approved copy",
        "approved legal",
        "scheduled",
        "published",
    ]
    assert shown["history"][3]["note"] == "nice" and shown["history"][3]["who"] == "@mia"


def test_the_moves_each_state_refuses_say_why(team: Cli) -> None:
    post_id = _post(team)
    assert "it is an idea: write its copy first" in one_line_error(team("post", "submit", post_id, as_member="raj"))
    assert "instagram takes at most 5 hashtags; this copy has 6" in one_line_error(
        team("post", "copy", post_id, "#a #b #c #d #e #f", as_member="raj")
    )
    team.ok("post", "copy", post_id, "Hello", as_member="raj")
    assert "it is a draft" in one_line_error(team("post", "approve", post_id, as_member="mia"))
    assert "cannot schedule" in one_line_error(team("post", "schedule", post_id, as_member="raj"))
    team.ok("post", "submit", post_id, as_member="raj")
    assert "it is in review already" in one_line_error(team("post", "submit", post_id, as_member="raj"))
    # A verdict the rules refuse is the judge's one line, with its rule: the command keeps no copy of the rules.
    assert "step 'copy' is not @raj's to take" in one_line_error(team("post", "approve", post_id, as_member="raj"))
    assert "steps go in order: step 1 of 2 (copy) is still open; 'legal' is not the next step (rule step_order)" in one_line_error(
        team("post", "approve", post_id, as_member="lee")
    )
    assert "not approved: step 1 of 2 (copy), @mia, still open" in one_line_error(team("post", "publish", post_id, as_member="raj"))
    team.ok("post", "approve", post_id, as_member="mia")
    assert "@mia approved a step of this round" in one_line_error(team("post", "approve", post_id, as_member="mia"))
    assert "(rule one_step_per_round)" in one_line_error(team("post", "approve", post_id, as_member="mia"))
    assert "not approved: step 2 of 2 (legal), group legal, still open" in one_line_error(
        team("post", "schedule", post_id, as_member="raj")
    )
    # gus is in the legal group but a guest, and Spring Launch is not one of his campaigns: that is what keeps it from him.
    assert f"no post of your campaigns with id {post_id}" in one_line_error(team("post", "approve", post_id, as_member="gus"))
    assert "needs a note" in one_line_error(team("post", "reject", post_id, "--note", " ", as_member="lee"))
    team.ok("post", "pull", post_id, as_member="raj")
    assert "it is pulled" in one_line_error(team("post", "pull", post_id, as_member="raj"))
    assert "it is pulled" in one_line_error(team("post", "copy", post_id, "again", as_member="raj"))
    assert "is a task, not a post" in one_line_error(team("post", "show", team.ok("add", "Plain task").strip()))


def test_a_refused_move_names_the_post_by_its_title_shown_safe_for_the_terminal(team: Cli) -> None:
    """A refusal said "cannot submit 1a2b3c4d: ...", an id nobody reads, where every notice names the post by its title."""
    post_id = _post(team)
    assert one_line_error(team("post", "submit", post_id, as_member="raj")) == (
        "crewdeck: error: cannot submit “Launch reel”: it is an idea: write its copy first (crewdeck post copy ID TEXT)\n"
    )
    # A title as a pull may bring it (control characters, markup, a newline): shown, on one line, never sent raw.
    Forger(team.workspace).set("task", post_id, {"title": HOSTILE})
    error = one_line_error(team("post", "submit", post_id, as_member="raj"))
    assert error.startswith(
        "crewdeck: error: cannot submit “A^[]52;c;cHduZWQ=^GBM-^[31m<U+202E>EVIL<U+2066> FORGED ROW [bold red]R[/] [$ac…”: it"
    ), error
    assert raw_characters(error) == []
    # Untitled, the post is named by its short id, as notices name it.
    Forger(team.workspace).set("task", post_id, {"title": ""})
    assert f"cannot submit post {post_id[:8]}: it is an idea" in one_line_error(team("post", "submit", post_id, as_member="raj"))


def test_a_verdict_the_rules_refuse_names_the_post_by_its_title_shown_safe_for_the_terminal(team: Cli) -> None:
    """The judge's refusal said "post 1a2b3c4d: steps go in order ...", where the command's own refusals name the title."""
    post_id = _post(team)
    team.ok("post", "copy", post_id, "Hello", as_member="raj")
    team.ok("post", "submit", post_id, as_member="raj")
    assert one_line_error(team("post", "approve", post_id, as_member="lee")) == (
        "crewdeck: error: “Launch reel”: steps go in order: step 1 of 2 (copy) is still open; 'legal' is not the next step "
        "(rule step_order)\n"
    )
    # A title as a pull may bring it: the judge quotes it, the command shows it on one line, never raw.
    Forger(team.workspace).set("task", post_id, {"title": HOSTILE})
    error = one_line_error(team("post", "approve", post_id, as_member="raj"))
    assert error == (
        "crewdeck: error: step 'copy' is not @raj's to take for "
        "“A^[]52;c;cHduZWQ=^GBM-^[31m<U+202E>EVIL<U+2066> FORGED ROW [bold red]R[/] [$ac…” (rule not_a_reviewer)\n"
    ), error
    assert raw_characters(error) == []


def test_a_link_or_live_url_that_is_no_web_address_and_an_empty_media_reference_are_refused(team: Cli) -> None:
    """`--link notaurl`, `--link "javascript:alert(1)"`, `--media ""` and `publish --url notaurl` were stored as given."""
    post_id = _post(team)
    for link in ("notaurl", "javascript:alert(1)", "https://"):
        error = one_line_error(team("post", "copy", post_id, "Hi", "--link", link, as_member="raj"))
        assert f"link: {link!r} is not a web address (https://...)" in error, error
    assert "media: an empty reference" in one_line_error(team("post", "copy", post_id, "Hi", "--media", "a.png", "", as_member="raj"))
    # Media are paths or web addresses: `--media "javascript:alert(1)"` was stored, and a link of an unclosed host a traceback.
    for media in ("javascript:alert(1)", "data:image/png;base64,AAAA"):
        error = one_line_error(team("post", "copy", post_id, "Hi", "--media", "a.png", media, as_member="raj"))
        assert f"media: {media!r} is an address that runs where it is opened, not media (a path or a URL)" in error, error
    assert "link: 'http://[' is not a web address" in one_line_error(team("post", "copy", post_id, "--link", "http://[", as_member="raj"))
    shown = json.loads(team.ok("post", "show", post_id, "--json"))
    assert shown["state"] == "idea" and not shown["link"] and not shown["media"]  # nothing written
    team.ok(
        "post",
        "copy",
        post_id,
        "Hi",
        "--link",
        "https://example.com/launch?utm=1",
        "--media",
        "reel.mp4",
        "s3://assets/a.png",
        as_member="raj",
    )
    assert json.loads(team.ok("post", "show", post_id, "--json"))["media"] == ["reel.mp4", "s3://assets/a.png"]
    team.ok("post", "copy", post_id, "Hi", "--link", "", as_member="raj")  # an empty link removes it
    approved = _approved(team)
    assert "live URL: 'notaurl' is not a web address" in one_line_error(
        team("post", "publish", approved, "--url", "notaurl", as_member="raj")
    )
    assert team.ok("post", "publish", approved, "--url", "http://instagram.com/p/1", as_member="raj").strip().endswith("published")


def test_media_given_as_one_flag_each_keeps_every_reference(team: Cli) -> None:
    """`--media teaser.mp4 --media cover.jpg` kept cover.jpg alone: the second flag replaced the first's list."""
    post_id = _post(team)
    team.ok("post", "copy", post_id, "Hi", "--media", "teaser.mp4", "--media", "cover.jpg", "story.png", as_member="raj")
    assert json.loads(team.ok("post", "show", post_id, "--json"))["media"] == ["teaser.mp4", "cover.jpg", "story.png"]
    team.ok("post", "copy", post_id, "--media", as_member="raj")  # the flag with no reference takes them all away
    assert json.loads(team.ok("post", "show", post_id, "--json"))["media"] == []


def test_done_on_a_post_publishes_it_as_the_apps_d_does_and_refuses_one_not_approved(team: Cli) -> None:
    """`crewdeck done` on a post in review completed its task: gone from the task list, still in review, never published."""
    waiting = _post(team)
    team.ok("post", "copy", waiting, "Hello", as_member="raj")
    team.ok("post", "submit", waiting, as_member="raj")
    plain = team.ok("add", "Plain task", as_member="raj").strip()
    error = one_line_error(team("done", plain, waiting, as_member="raj"))
    assert "cannot publish “Launch reel”: not approved: step 1 of 2 (copy), @mia, still open" in error, error
    assert json.loads(team.ok("show", plain, "--json"))["status"] != "done"  # nothing written
    approved = _approved(team)
    out = team.ok("done", plain, approved, as_member="raj")
    assert "Completed 1 task: “Plain task”" in out and "Published 1 post: “Launch reel”" in out, out
    assert _state(team, approved) == "published"
    assert "is already done: nothing written" in team.ok("done", approved, as_member="raj")


def test_set_status_done_on_a_post_publishes_it_as_done_does_in_the_cli_and_the_app(team: Cli) -> None:
    """`crewdeck set ID status=done` (and the app's `:` and `s`) closed a post in review: done's rule was bypassed."""
    waiting = _post(team)
    team.ok("post", "copy", waiting, "Hello", as_member="raj")
    team.ok("post", "submit", waiting, as_member="raj")
    refused = "cannot publish “Launch reel”: not approved: step 1 of 2 (copy), @mia, still open"
    assert refused in one_line_error(team("done", waiting, as_member="raj"))
    assert refused in one_line_error(team("set", waiting, "status=done", "title=Renamed", as_member="raj"))
    shown = json.loads(team.ok("show", waiting, "--json"))
    assert shown["status"] != "done" and shown["title"] == "Launch reel" and _state(team, waiting) == "in-review"
    session = Session.open(team.workspace, "raj")
    try:
        with pytest.raises(PostRefused, match=re.escape(refused)):
            session.edits.set_assignments(waiting, ["status=done"], now=dt.datetime(2026, 12, 3, 10, tzinfo=dt.UTC))
        with pytest.raises(PostRefused, match=re.escape(refused)):
            session.edits.set_fields([waiting], {"status": "done"}, "done")
    finally:
        session.close()
    assert json.loads(team.ok("show", waiting, "--json"))["status"] != "done"
    approved = _approved(team)
    # Said as the move it is: it said "marked … done, marked it published, set published_at of it to 2026-12-03T10:00:00Z, …".
    assert "marked “Launch reel” published" in team.ok("set", approved, "status=done", as_member="raj")
    shown = json.loads(team.ok("post", "show", approved, "--json"))
    assert (shown["state"], shown["published_at"]) == ("published", NOW)


def test_set_status_cancelled_on_a_post_pulls_it_as_post_pull_does_in_the_cli_and_the_app(team: Cli) -> None:
    """`crewdeck set ID status=cancelled` left a scheduled post scheduled: its slot stayed booked in the content calendar."""
    scheduled = _approved(team)
    team.ok("post", "schedule", scheduled, as_member="raj")
    assert [p["id"] for p in json.loads(team.ok("post", "list", "state:scheduled", "--json"))] == [scheduled]
    team.ok("set", scheduled[:8], "status=cancelled", as_member="raj")
    shown = json.loads(team.ok("post", "show", scheduled, "--json"))
    assert (shown["state"], shown["history"][-1]["what"]) == ("pulled", "pulled")
    assert json.loads(team.ok("post", "list", "state:scheduled", "--json")) == []
    assert json.loads(team.ok("show", scheduled, "--json"))["status"] == "cancelled"
    assert team.ok("set", scheduled[:8], "status=cancelled", as_member="raj")  # cancelled again: nothing to refuse
    in_review = _post(team)
    team.ok("post", "copy", in_review, "Hello", as_member="raj")
    team.ok("post", "submit", in_review, as_member="raj")
    idea = _post(team)
    session = Session.open(team.workspace, "raj")
    try:
        session.edits.set_assignments(in_review, ["status=cancelled"], now=dt.datetime(2026, 12, 3, 10, tzinfo=dt.UTC))
        session.edits.set_fields([idea], {"status": "cancelled"}, "cancel")  # the app's status keys
    finally:
        session.close()
    assert (_state(team, in_review), _state(team, idea)) == ("pulled", "pulled")
    published = _approved(team)
    team.ok("post", "publish", published, as_member="raj")
    refused = "cannot pull “Launch reel”: it is published"
    assert refused in one_line_error(team("set", published[:8], "status=cancelled", as_member="raj"))
    assert json.loads(team.ok("show", published, "--json"))["status"] == "done"


def test_a_guest_approves_the_posts_of_their_campaigns(team: Cli) -> None:
    team.ok("member", "set", "gus", "--campaigns", "spring-launch")
    post_id = _post(team)
    team.ok("post", "copy", post_id, "Hello", as_member="raj")
    team.ok("post", "submit", post_id, as_member="raj")
    team.ok("post", "approve", post_id, as_member="mia")
    assert team.ok("post", "approve", post_id, as_member="gus").strip() == f"{post_id[:8]} approved"
    assert "guests do not change tasks" in one_line_error(team("post", "copy", post_id, "mine", as_member="gus"))


def test_a_reviewer_who_approved_their_step_may_still_request_changes_as_the_rules_allow(team: Cli) -> None:
    # "one person approves at most one step of a round" (one_step_per_round) limits approvals only: the judge takes
    # mia's request for changes at her step, but the command refused it ("you approved a step of this round already").
    post_id = _post(team)
    team.ok("post", "copy", post_id, "First take", as_member="raj")
    team.ok("post", "submit", post_id, as_member="raj")
    team.ok("post", "approve", post_id, as_member="mia")
    out = team.ok("post", "reject", post_id, "--note", "on second thought, shorter", as_member="mia")
    assert out.strip() == f"{post_id[:8]} changes requested by @mia: on second thought, shorter"


def test_a_verdicts_note_and_a_crisiss_reason_with_a_line_break_are_refused_naming_what_to_fix(team: Cli) -> None:
    # A note pasted on two lines was refused as "post_approval: text may not hold control characters (U+000A)", and a
    # reason so as "crisis: …": neither said it was the line break, nor in which option.
    post_id = _post(team)
    team.ok("post", "copy", post_id, "First take", as_member="raj")
    team.ok("post", "submit", post_id, as_member="raj")
    error = one_line_error(team("post", "reject", post_id, "--note", "shorter,\nplease", as_member="mia"))
    assert "note: one line only" in error and "rule" not in error, error
    error = one_line_error(team("post", "approve", post_id, "--note", "ok\x1b[2J", as_member="mia"))
    assert "note: text may not hold control characters (U+001B)" in error and "rule" not in error, error
    error = one_line_error(team("crisis", "start", "--reason", "bad\nreply"))
    assert "reason: one line only" in error and "rule" not in error, error
    assert _state(team, post_id) == "in-review" and "no crisis is open" in team.ok("crisis", "status")


def test_a_verdicts_note_and_a_crisiss_reason_too_long_are_refused_naming_the_option_not_the_record(team: Cli) -> None:
    # A client's long note read "post_approval.*: post_approval.note: longer than 2000 characters" (the app's dialog
    # said the same under the note), a long reason "crisis.*: crisis.reason: …": the record's names, not the option.
    post_id = _post(team)
    team.ok("post", "copy", post_id, "First take", as_member="raj")
    team.ok("post", "submit", post_id, as_member="raj")
    for verdict, option in (("reject", "--note"), ("approve", "--note")):
        error = one_line_error(team("post", verdict, post_id, option, "x" * 2001, as_member="mia"))
        assert error.strip() == "crewdeck: error: note: longer than 2000 characters (it has 2001)", error
    error = one_line_error(team("crisis", "start", "--reason", "y" * 1001))
    assert error.strip() == "crewdeck: error: reason: longer than 1000 characters (it has 1001)", error
    assert _state(team, post_id) == "in-review" and "no crisis is open" in team.ok("crisis", "status")
    # At the limit, taken.
    assert "changes requested" in team.ok("post", "reject", post_id, "--note", "x" * 2000, as_member="mia")


def test_a_request_for_changes_blocks_until_the_author_resubmits_and_a_change_voids_the_round(team: Cli) -> None:
    post_id = _post(team)
    team.ok("post", "copy", post_id, "First take", as_member="raj")
    team.ok("post", "submit", post_id, as_member="raj")
    out = team.ok("post", "reject", post_id, "--note", "shorter please", as_member="mia")
    assert out.strip() == f"{post_id[:8]} changes requested by @mia: shorter please"
    assert "it waits to be submitted again (changes requested by @mia: " in one_line_error(
        team("post", "approve", post_id, as_member="mia")
    )
    team.ok("post", "copy", post_id, "Take two", as_member="raj")
    team.ok("post", "submit", post_id, as_member="raj")
    team.ok("post", "approve", post_id, as_member="mia")
    # The reviewer sees what changed since the version they last saw.
    team.ok("post", "copy", post_id, "Take three", as_member="raj")
    shown = json.loads(team.ok("post", "show", post_id, "--json", as_member="mia"))
    assert shown["state"] == "draft"
    assert "-Take two" in shown["diff_since_seen"] and "+Take three" in shown["diff_since_seen"]
    assert any(row["what"] == "changed the copy (voids the round and the approval of @mia)" for row in shown["history"])
    assert "since the version you last saw" in team.ok("post", "show", post_id, as_member="mia")


def test_post_copy_says_the_approvals_a_change_took_as_the_apps_notice_does(team: Cli) -> None:
    """`post copy` on a post mia approved said "draft" alone: the approval it took, and the resubmit the post now waits
    for, were said in the app only.  A change back to the version submitted voids nothing, and says nothing of it."""
    post_id = _post(team)
    team.ok("post", "copy", post_id, "Big day", as_member="raj")
    team.ok("post", "submit", post_id, as_member="raj")
    team.ok("post", "approve", post_id, as_member="mia")
    out = team.ok("post", "copy", post_id, "Bigger day", as_member="raj")
    assert out.strip() == (
        f"{post_id[:8]} draft: that voids the round and the approval of @mia: it is a draft until it is submitted again"
    ), out
    back = f"{post_id[:8]} in review (step 2 of 2 (legal), group legal, still open)"
    assert team.ok("post", "copy", post_id, "Big day", as_member="raj").strip() == back
    assert team.ok("post", "copy", post_id, "Big day", as_member="raj").strip() == back  # saved unchanged


def test_set_says_a_move_that_voids_the_round_and_the_approvals_it_took(team: Cli) -> None:
    """`set ID campaign=…` on a post mia approved said "Modified 1 task: put “Launch reel” in autumn" alone: the post,
    a draft now, waited unsaid for a new submission.  A change that voids nothing says nothing more."""
    post_id = _post(team)
    team.ok("campaign", "add", "autumn")
    team.ok("post", "copy", post_id, "Big day", as_member="raj")
    team.ok("post", "submit", post_id, as_member="raj")
    team.ok("post", "approve", post_id, as_member="mia")
    out = team.ok("set", post_id[:8], "campaign=autumn", as_member="raj")
    assert out.splitlines() == [
        "Modified 1 task: put “Launch reel” in autumn",
        "“Launch reel”: the change voids the round and the approval of @mia: it is a draft until it is submitted again",
    ], out
    assert team.ok("set", post_id[:8], "priority=high", as_member="raj").splitlines() == [
        "Modified 1 task: set “Launch reel” to high priority"
    ]


def test_undo_says_the_round_and_the_approvals_it_voided_as_set_says_them(team: Cli) -> None:
    """raj moved a draft to autumn, ana submitted it there and mia approved it; raj's `crewdeck undo` put it back in
    spring-launch and said "undid: put “Launch reel” in autumn" alone, where the same move made with `set` says the round
    and mia's approval it voids.  An undo that voids nothing says nothing more."""
    post_id = _post(team)
    team.ok("campaign", "add", "autumn")
    team.ok("campaign", "set", "autumn", "--approvals", "copy:@mia")
    team.ok("post", "copy", post_id, "Big day", as_member="raj")
    team.ok("set", post_id[:8], "campaign=autumn", as_member="raj")
    team.ok("post", "submit", post_id, as_member="ana")
    team.ok("post", "approve", post_id, as_member="mia")
    assert team.ok("undo", as_member="raj").splitlines() == [
        "undid: put “Launch reel” in autumn",
        "“Launch reel”: the change voids the round and the approval of @mia: it is a draft until it is submitted again",
    ]
    # The copy taken back too: the post, a draft since the undo before, has no round to void.
    assert team.ok("undo", as_member="raj").splitlines() == [
        "undid: set the copy of “Launch reel” to “Big day”, made it a draft (kept 1 later change by @ana)"
    ]


def test_a_change_made_before_any_verdict_is_said_to_void_the_round(team: Cli) -> None:
    """raj changed the copy offline after submitting it, and mia approved the submitted version before his change
    arrived: the post reads draft, and the history said "changed the copy" with no word of the void, the approval after
    it reading as one that stands."""
    post_id = _post(team)
    team.ok("post", "copy", post_id, "First take", as_member="raj")
    team.ok("post", "submit", post_id, as_member="raj")
    team.ok("post", "copy", post_id, "Second take", as_member="raj")
    shown = json.loads(team.ok("post", "show", post_id, "--json", as_member="mia"))
    assert shown["state"] == "draft"
    assert [row["what"] for row in shown["history"]][-2:] == ["submitted", "changed the copy (voids the round)"], shown["history"]


def test_a_submission_undone_is_said_in_the_history(team: Cli) -> None:
    """raj's `crewdeck undo` of his `post submit` leaves the post with no round: `post show` ended in a traceback
    (TypeError) where it read the round taken back as one submitted (helper qe)."""
    post_id = _post(team)
    team.ok("post", "copy", post_id, "First take", as_member="raj")
    team.ok("post", "submit", post_id, as_member="raj")
    team.ok("undo", as_member="raj")
    shown = json.loads(team.ok("post", "show", post_id, "--json", as_member="raj"))
    assert shown["state"] == "draft"
    assert [row["what"] for row in shown["history"]][-2:] == ["submitted", "ended the approval round"], shown["history"]
    assert "ended the approval round" in team.ok("post", "show", post_id, as_member="raj")


def test_the_same_copy_saved_again_voids_no_round_and_the_change_that_does_is_said(team: Cli) -> None:
    """The copy saved again unchanged leaves the round open, but the history said it voided the round (and the change
    after it, which did, said nothing)."""
    post_id = _post(team)
    team.ok("post", "copy", post_id, "Big launch", as_member="raj")
    team.ok("post", "submit", post_id, as_member="raj")
    team.ok("post", "copy", post_id, "Big launch", as_member="raj")
    assert json.loads(team.ok("post", "show", post_id, "--json"))["state"] == "in-review"
    team.ok("post", "copy", post_id, "Big launch, louder", as_member="raj")
    history = [row["what"] for row in json.loads(team.ok("post", "show", post_id, "--json"))["history"]]
    assert history[-3:] == ["submitted", "saved the copy", "changed the copy (voids the round)"], history


def test_a_change_back_to_the_submitted_version_says_the_round_goes_on(team: Cli) -> None:
    """Copy changed after submitting, then put back: the post reads in review again (its content is the version
    submitted), while the history said the round was void and nothing after."""
    post_id = _post(team)
    team.ok("post", "copy", post_id, "First take", as_member="raj")
    team.ok("post", "submit", post_id, as_member="raj")
    team.ok("post", "copy", post_id, "Second take", as_member="raj")
    team.ok("post", "copy", post_id, "First take", as_member="raj")
    shown = json.loads(team.ok("post", "show", post_id, "--json"))
    assert shown["state"] == "in-review"
    assert [row["what"] for row in shown["history"]][-3:] == [
        "submitted",
        "changed the copy (voids the round)",
        "changed the copy (the version submitted again: the round goes on)",
    ], shown["history"]


def test_post_shows_history_says_what_a_change_of_the_copy_overwrote_as_the_log_does(team: Cli) -> None:
    """Its WHAT said only "changed the copy" where `crewdeck log` says what the copy was: the same words now, the
    texts in NOTE (the history is the post's own, the table stays narrow); a text taken away voids the round too."""
    post_id = _post(team)
    team.ok("post", "copy", post_id, "Big launch", as_member="raj")
    team.ok("post", "copy", post_id, "Big launch, quieter", "--first-comment", "link in bio", as_member="raj")
    team.ok("post", "submit", post_id, as_member="raj")
    team.ok("post", "copy", post_id, "--first-comment", "", as_member="raj")
    log = [line.split("  ", 1)[1] for line in team.ok("log", post_id[:8], "--limit", "3").splitlines()]
    assert (
        log[2]
        == "@raj changed the copy of “Launch reel”: “Big launch” → “Big launch, quieter”, set the first comment of it to “link in bio”"
    )
    history = json.loads(team.ok("post", "show", post_id, "--json"))["history"]
    assert [(row["what"], row["note"]) for row in history] == [
        ("created", ""),
        ("changed the copy", ""),
        ("changed the copy", "“Big launch” → “Big launch, quieter”"),
        ("changed the first comment", ""),
        ("submitted", ""),
        ("removed the first comment (voids the round)", "“link in bio” → nothing"),
    ]
    table = team.ok("post", "show", post_id).split("history (", 1)[1].splitlines()[2:]
    # WHEN, WHO, then WHAT, VERSION and NOTE, which are apart by two spaces or more.
    assert [re.split(r"\s{2,}", line.split("  @raj  ", 1)[1]) for line in table] == [
        ["created"],
        ["changed the copy"],
        ["changed the copy", "“Big launch” → “Big launch, quieter”"],
        ["changed the first comment"],
        ["submitted", history[4]["version"]],
        ["removed the first comment (voids the round)", "“link in bio” → nothing"],
    ]


def test_a_reviewer_who_asked_for_other_media_sees_in_post_show_that_the_media_changed(team: Cli) -> None:
    """Only the copy was compared: mia asked for another picture, raj changed the media alone, and `post show` said
    nothing had changed since the version she last saw."""
    post_id = _post(team)
    team.ok("post", "copy", post_id, "Launch day", "--media", "blue.jpg", "--first-comment", "Link in bio", as_member="raj")
    team.ok("post", "submit", post_id, as_member="raj")
    team.ok("post", "reject", post_id, "--note", "the red picture", as_member="mia")
    team.ok("post", "copy", post_id, "--media", "red.jpg", "slide2.jpg", "--first-comment", "", as_member="raj")
    team.ok("post", "submit", post_id, as_member="raj")
    diff = json.loads(team.ok("post", "show", post_id, "--json", as_member="mia"))["diff_since_seen"]
    assert diff == [
        "--- the media you last saw",
        "+++ the media now",
        "@@ -1 +1,2 @@",
        "-blue.jpg",
        "+red.jpg",
        "+slide2.jpg",
        "--- the first comment you last saw",
        "+++ the first comment now",
        "@@ -1 +0,0 @@",
        "-Link in bio",
    ], diff
    assert "since the version you last saw:\n--- the media you last saw" in team.ok("post", "show", post_id, as_member="mia")


def test_a_post_moved_to_another_campaign_after_submission_needs_a_new_round(team: Cli) -> None:
    """Taking an in-review post out of its campaign, or into one with no chain, read approved: nobody had approved it."""
    team.ok("campaign", "add", "quiet")  # no approval chain
    post_id = _post(team)
    team.ok("post", "copy", post_id, "Hello", as_member="raj")
    team.ok("post", "submit", post_id, as_member="raj")
    for campaign in ("quiet", ""):
        team.ok("set", post_id, f"campaign={campaign}", as_member="raj")
        assert _state(team, post_id) == "draft", campaign
        assert "it is a draft" in one_line_error(team("post", "schedule", post_id, as_member="raj"))
        assert "moved to another campaign or platform since it was submitted: submit it again" in team.ok("post", "show", post_id)
    # Back in the campaign it was submitted in, the round counts again; a submission elsewhere takes that campaign's chain.
    team.ok("set", post_id, "campaign=spring-launch", as_member="raj")
    assert _state(team, post_id) == "in-review"
    team.ok("set", post_id, "campaign=quiet", as_member="raj")
    assert team.ok("post", "submit", post_id, as_member="raj").strip() == f"{post_id[:8]} approved"


def test_an_approved_post_moved_to_another_platform_needs_a_new_round(team: Cli) -> None:
    """Approved for Instagram and moved to X, 400 characters of copy read approved and went to X's export."""
    post_id = _post(team)
    team.ok("post", "copy", post_id, "word " * 80, as_member="raj")
    team.ok("post", "submit", post_id, as_member="raj")
    team.ok("post", "approve", post_id, as_member="mia")
    team.ok("post", "approve", post_id, as_member="lee")
    team.ok("set", post_id, "platform=x", as_member="raj")
    assert _state(team, post_id) == "draft"
    result = team("post", "export", "--format", "csv", "--from", "2026-12-01", "--to", "2026-12-31")
    assert result.code == 0 and post_id not in result.out
    assert "x takes at most 280 weighted characters" in one_line_error(team("post", "submit", post_id, as_member="raj"))
    team.ok("set", post_id, "platform=instagram", as_member="raj")  # back where it was approved
    assert _state(team, post_id) == "approved"


def test_a_date_alone_takes_the_first_peak_hour_still_ahead(team: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """At 17:44 in New York, `publish:today` on Instagram (peaks 11:00 and 19:00) took 11:00, gone already: expired at once."""
    monkeypatch.setenv("CREWDECK_NOW", "2026-12-03T22:44:00Z")  # Thu 17:44 in New York, the audience's zone
    post_id = _post(team, "Tonight +spring-launch post:instagram publish:today")
    shown = json.loads(team.ok("post", "show", post_id, "--json"))
    assert shown["slot"]["utc"] == "2026-12-04T00:00:00Z" and shown["state"] == "idea"  # 19:00 EST
    post_id = _post(team, "Tomorrow +spring-launch post:instagram publish:tmrw")
    assert json.loads(team.ok("post", "show", post_id, "--json"))["slot"]["utc"] == "2026-12-04T16:00:00Z"  # Fri 11:00 EST, the first
    # Every peak of the day gone: the first, refused at once (it was made, with a note) rather than found expired later.
    refused = "cannot add “Late”: the slot it would take has passed already (publish:today is Thu 12-03 08:00 EST)"
    assert (
        one_line_error(team("post", "add", "Late +spring-launch post:linkedin publish:today", as_member="raj"))
        == f"crewdeck: error: {refused}\n"
    )


def test_expiry_and_slot_moves_inside_the_lead_time(team: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    post_id = _made_a_day_before(team, monkeypatch, SOON)
    team.ok("post", "copy", post_id, "Hello", as_member="raj")
    assert _state(team, post_id) == "expired"  # 30 minutes away, lead time 60
    assert "within the approval lead time (1 h)" in one_line_error(team("post", "submit", post_id, as_member="raj"))
    assert team.ok("post", "slot", post_id, "2026-12-04", "09:00", as_member="raj").split(", slot ")[0] == f"{post_id[:8]} draft"
    team.ok("post", "submit", post_id, as_member="raj")
    assert "needs an approved post" in one_line_error(team("post", "slot", post_id, "2026-12-03", "05:30", as_member="raj"))
    team.ok("post", "approve", post_id, as_member="mia")
    team.ok("post", "approve", post_id, as_member="lee")
    assert team.ok("post", "slot", post_id, "2026-12-03", "05:30", as_member="raj").split(", slot ")[0] == f"{post_id[:8]} approved"


def _slot(team: Cli, task_id: str) -> object:
    return json.loads(team.ok("show", task_id, "--json"))["publish"]


def test_set_publish_on_a_post_refuses_the_slots_post_slot_refuses_and_writes_nothing(team: Cli) -> None:
    """`crewdeck set ID publish=WHEN` (and the app's `:`) put a post on a slot gone by, or one too soon for its review."""
    idea = _post(team)
    slot = _slot(team, idea)
    passed = "cannot move “Launch reel”: the slot it would take has passed already"
    assert passed in one_line_error(team("set", idea, "publish=2026-12-02 09:00", "title=Renamed", as_member="raj"))
    shown = json.loads(team.ok("show", idea, "--json"))
    assert (shown["publish"], shown["title"]) == (slot, "Launch reel")  # nothing written, the title neither
    waiting = _post(team)
    team.ok("post", "copy", waiting, "Hello", as_member="raj")
    team.ok("post", "submit", waiting, as_member="raj")
    too_soon = "cannot move “Launch reel”: a slot within the approval lead time (1 h) needs an approved post; it is in review"
    assert too_soon in one_line_error(team("set", waiting, "publish=2026-12-03 05:30", as_member="raj"))  # 10:30 UTC, New York's
    assert _slot(team, waiting) == slot and _state(team, waiting) == "in-review"
    session = Session.open(team.workspace, "raj")
    try:  # the app's `:` on the detail of a post
        with pytest.raises(PostRefused, match=re.escape(too_soon)):
            session.edits.set_assignments(waiting, ["publish=2026-12-03 05:30"], now=dt.datetime(2026, 12, 3, 10, tzinfo=dt.UTC))
    finally:
        session.close()
    assert _slot(team, waiting) == slot


def test_set_publish_moves_an_approved_post_inside_the_lead_time_keeps_a_closed_posts_slot_and_a_tasks_is_its_own(
    team: Cli,
) -> None:
    """A plain task's slot is no post's: any slot, passed or not; a published post's slot stayed movable by `set`."""
    approved = _approved(team)
    team.ok("set", approved, "publish=2026-12-03 05:30", as_member="raj")
    assert _slot(team, approved) == {"utc": "2026-12-03T10:30:00Z", "tz": "America/New_York"} and _state(team, approved) == "approved"
    team.ok("post", "publish", approved, as_member="raj")
    for typed in ("publish=2026-12-10 09:00", "publish=none"):
        assert "cannot move “Launch reel”: it is published" in one_line_error(team("set", approved, typed, as_member="raj"))
    assert _slot(team, approved) == {"utc": "2026-12-03T10:30:00Z", "tz": "America/New_York"}
    plain = team.ok("add", "Brief the agency +spring-launch", as_member="raj").strip()
    team.ok("set", plain, "publish=2026-12-02 09:00", as_member="raj")
    assert _slot(team, plain) == {"utc": "2026-12-02T14:00:00Z", "tz": "America/New_York"}


def _titles(team: Cli) -> list[str]:
    return [t["title"] for t in json.loads(team.ok("tasks", "all", "--json"))]


def test_a_new_post_takes_no_slot_a_move_would_refuse_and_nothing_is_written(team: Cli) -> None:
    """`post add`, `add ... post:` and the app's quick-add made a post on a slot gone by (said in a note at best), or one
    too soon for any review, an idea that read expired at once; a plain task's slot is still its own."""
    passed = "cannot add “Launch reel”: the slot it would take has passed already (publish:2026-12-02 09:00 is Wed 12-02 09:00 EST)"
    too_soon = (
        "cannot add “Soon”: a new post needs its slot more than the approval lead time (1 h) away, for a review "
        "(publish:2026-12-03 05:30 is today 05:30 EST)"
    )
    for command in ("post add", "add"):
        text = "Launch reel +spring-launch post:instagram publish:2026-12-02 09:00"
        assert one_line_error(team(*command.split(), text, as_member="raj")) == f"crewdeck: error: {passed}\n"
        assert one_line_error(team(*command.split(), SOON, as_member="raj")) == f"crewdeck: error: {too_soon}\n"  # 30 min away
    assert _titles(team) == []
    session = Session.open(team.workspace, "raj")
    try:  # the app's quick-add: its preview says why, and the add writes nothing
        now = dt.datetime(2026, 12, 3, 10, tzinfo=dt.UTC)
        assert session.edits.preview("Launch reel +spring-launch post:instagram publish:2026-12-02 09:00", now)["problem"] == passed
        with pytest.raises(PostRefused, match=re.escape(too_soon)):
            session.edits.quick_add(SOON, now)
    finally:
        session.close()
    assert _titles(team) == []
    plain = team.ok("add", "Brief the agency +spring-launch publish:2026-12-02 09:00", as_member="raj").strip()
    assert _slot(team, plain) == {"utc": "2026-12-02T14:00:00Z", "tz": "America/New_York"}
    ahead = team.ok("post", "add", "Later +spring-launch post:instagram publish:2026-12-03 06:30", as_member="raj").strip()
    assert _state(team, ahead) == "idea"  # 90 minutes away: time for a review


def test_a_new_posts_refused_slot_is_said_as_the_time_it_would_be_on_the_readers_clock(team: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """`publish:today` at 18:30 in New York was refused as a slot within the lead time "(publish:today)": the peak
    hour it stood for (19:00) went unsaid, and a day alone gives no hint which hour was judged."""
    monkeypatch.setenv("CREWDECK_NOW", "2026-12-03T23:30:00Z")  # Thu 18:30 in New York; Fri 05:00 for raj in Kolkata
    too_soon = "a new post needs its slot more than the approval lead time (1 h) away, for a review (publish:today is Thu 12-03 {} EST)"
    said = one_line_error(team("post", "add", "Tonight +spring-launch post:instagram publish:today", as_member="raj"))
    assert said == f"crewdeck: error: cannot add “Tonight”: {too_soon.format('19:00')}\n", said
    session = Session.open(team.workspace, "raj", Config(time_format="12h"))
    try:  # the app's preview, on a 12-hour clock
        preview = session.edits.preview(
            "Tonight +spring-launch post:instagram publish:today", dt.datetime(2026, 12, 3, 23, 30, tzinfo=dt.UTC)
        )
        assert preview["problem"] == f"cannot add “Tonight”: {too_soon.format('7:00pm')}", preview
    finally:
        session.close()


def test_publish_now_is_this_instant_not_the_platforms_next_peak(team: Cli) -> None:
    """At 05:00 in New York, `publish=now` on Instagram (peaks 11:00, 19:00) set 11:00: a slot six hours away."""
    plain = team.ok("add", "Story +spring-launch/instagram", as_member="raj").strip()
    team.ok("set", plain, "publish=now", as_member="raj")
    assert _slot(team, plain) == {"utc": NOW, "tz": "America/New_York"}
    post_id = _post(team)
    slot = _slot(team, post_id)
    passed = "cannot move “Launch reel”: the slot it would take has passed already"
    assert passed in one_line_error(team("set", post_id, "publish=now", as_member="raj"))
    assert passed in one_line_error(team("post", "slot", post_id, "now", as_member="raj"))
    assert _slot(team, post_id) == slot


def test_a_slot_refused_says_what_the_words_stood_for_as_post_add_does(team: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """`post slot ID thu` on a Thursday evening read "the slot it would take has passed already" and no more: a day alone
    is its platform's first peak hour, today's when none is still ahead, which only `post add`'s refusal said."""
    post_id = _approved(team)
    slot = _slot(team, post_id)
    monkeypatch.setenv("CREWDECK_NOW", "2026-12-04T01:00:00Z")  # Thu 20:00 in New York, past both Instagram peaks
    assert one_line_error(team("post", "slot", post_id, "thu", as_member="raj")) == (
        "crewdeck: error: cannot move “Launch reel”: the slot it would take has passed already (thu is Thu 12-03 11:00 EST)\n"
    )
    assert _slot(team, post_id) == slot


def test_a_drafts_due_date_never_falls_after_its_slot(team: Cli) -> None:
    """`post slot` to a time before the draft's due date left it due after the post went out: the task list, its urgency
    and the calendar export said "due" of a post gone out already.  A slot moved before the due date takes it to the
    publish lead before the slot; a due date before the slot is someone's plan and stays, whichever way the slot moves."""
    post_id = _post(team)  # Fri 18:00 in New York; its draft due the publish lead (24 h) before, in raj's hours

    def due() -> dict[str, str]:
        return dict(json.loads(team.ok("show", post_id, "--json"))["due"])

    planned = {"utc": "2026-12-03T13:00:00Z", "tz": "Asia/Kolkata"}  # Thu 18:30 in Kolkata, the end of raj's day
    assert due() == planned
    assert ", its draft" not in team.ok("post", "slot", post_id, "fri", "20:00", as_member="raj")
    assert due() == planned  # later: the plan stands
    # 12:30 UTC today, before the due date: the draft is due the lead before it, passed already, so said late (the
    # date alone read as a deadline ahead).
    said = team.ok("post", "slot", post_id, "2026-12-03", "07:30", as_member="raj").strip()
    assert said == (
        f"{post_id[:8]} idea, slot today 18:00 IST Kolkata (today 07:30 EST for the audience), its draft now due "
        "Wed 12-02 18:00 IST Kolkata (already overdue by 21h)"
    )
    late = {"utc": "2026-12-02T12:30:00Z", "tz": "Asia/Kolkata"}
    assert due() == late
    # Back to Friday: a due date before the slot stays where it is (nothing says whether `post add` derived it).
    assert ", its draft" not in team.ok("post", "slot", post_id, "fri", "18:00", as_member="raj")
    assert due() == late
    # A due date given with `set ID publish=` is the one set, wherever it falls; a slot moved before a due date takes
    # it along (`set ID publish=` moves a slot as `post slot` does).
    team.ok("set", post_id, "publish=2026-12-04 09:00", "due=2026-12-05 08:00", as_member="raj")
    assert due() == {"utc": "2026-12-05T02:30:00Z", "tz": "Asia/Kolkata"}
    team.ok("set", post_id, "publish=2026-12-04 09:00", as_member="raj")  # the slot it has: nothing moves
    assert due() == {"utc": "2026-12-05T02:30:00Z", "tz": "Asia/Kolkata"}
    team.ok("set", post_id, "publish=2026-12-03 07:30", as_member="raj")
    assert due() == late


def test_an_approved_posts_due_date_stays_where_the_slot_goes(team: Cli) -> None:
    """An approved post's draft is done: a slot moved before its due date leaves it, where it made the approved post read
    late at the top of the task list."""
    post_id = _approved(team)
    before = json.loads(team.ok("show", post_id, "--json"))["due"]
    said = team.ok("post", "slot", post_id, "2026-12-03", "07:30", as_member="raj")  # 12:30 UTC, before the due date
    assert ", its draft" not in said
    assert json.loads(team.ok("show", post_id, "--json"))["due"] == before


def test_set_publish_with_a_status_that_closes_the_post_is_refused_as_a_move_of_a_closed_posts_slot(team: Cli) -> None:
    """The slot was judged on the post as it was before the same command published or pulled it: `set ID status=cancelled
    publish=WHEN` pulled it onto the new slot, and `status=done` published it there, where a closed post keeps its slot."""
    for status, state in (("cancelled", "pulled"), ("done", "published")):
        approved = _approved(team)
        slot = _slot(team, approved)
        refused = f"cannot move “Launch reel”: it would be {state} by the same change"
        assert refused in one_line_error(team("set", approved, f"status={status}", "publish=2026-12-10 09:00", as_member="raj"))
        assert _slot(team, approved) == slot and _state(team, approved) == "approved"


def test_an_approved_post_a_crisis_holds_takes_a_slot_inside_the_lead_time_as_its_resume_would(team: Cli) -> None:
    # `post slot` refused it ("needs an approved post; it is paused") while `post resume --slot` gave it the same slot.
    post_id = _approved(team)
    team.ok("crisis", "start", "--reason", "Bad reply")
    assert _state(team, post_id) == "paused"
    assert team.ok("post", "slot", post_id, "2026-12-03", "05:30", as_member="raj").split(", slot ")[0] == f"{post_id[:8]} paused"
    assert json.loads(team.ok("post", "show", post_id, "--json"))["slot"]["utc"] == "2026-12-03T10:30:00Z"


def test_a_missed_post_takes_no_slot_but_from_its_resume_and_says_so(team: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    # `post slot` moved a missed post's slot while the crisis kept holding it: still missed, or paused, never released.
    post_id = _approved(team)
    team.ok("crisis", "start", "--reason", "Bad reply")
    monkeypatch.setenv("CREWDECK_NOW", "2026-12-05T12:00:00Z")  # its slot, Friday 18:00 in New York, passed during the crisis
    assert _state(team, post_id) == "missed"
    slot = _slot(team, post_id)
    refused = "cannot move “Launch reel”: it is missed by a crisis (Bad reply): resume it with a new slot"
    assert one_line_error(team("post", "slot", post_id, "2026-12-08 09:00", as_member="raj")) == f"crewdeck: error: {refused}\n"
    assert refused in one_line_error(team("set", post_id, "publish=2026-12-08 09:00", as_member="raj"))
    assert _slot(team, post_id) == slot and _state(team, post_id) == "missed"
    # The new slot is said as `post slot` says it: on your clock and the audience's.
    assert team.ok("post", "resume", post_id, "--slot", "2026-12-08 09:00").strip() == (
        f"{post_id[:8]} approved, slot Tue 12-08 15:00 CET (Tue 12-08 09:00 EST for the audience)"
    )


def test_list_filters_by_state_platform_and_who_must_approve(team: Cli) -> None:
    waiting = _post(team, "Waiting +spring-launch post:instagram publish:fri 18:00")
    team.ok("post", "copy", waiting, "Hello", as_member="raj")
    team.ok("post", "submit", waiting, as_member="raj")
    idea = _post(team, "Thread idea post:x")
    approved = _approved(team)
    ids = lambda *q, who="ana": [p["id"] for p in json.loads(team.ok("post", "list", *q, "--json", as_member=who))]  # noqa: E731
    assert ids("state:in-review") == [waiting]
    assert ids("state:idea") == [idea] == ids("post:x")
    assert ids("state:approved") == [approved]
    assert ids("needs:@me", who="mia") == [waiting]
    assert ids("needs:@me", who="lee") == []
    assert ids("needs:@mia") == [waiting]
    assert ids("+spring-launch", "reel") == [approved]
    assert "state:nope is not a post state" in one_line_error(team("post", "list", "state:nope"))
    # A term of another filter was taken for words of the title: "no posts match", as if there were none.
    for term in ("status:approved", "campaign:spring-launch", "by:@raj"):
        error = one_line_error(team("post", "list", term))
        assert f"{term!r} is no term of post list" in error and "state:STATE, post:PLATFORM, needs:@HANDLE, +CAMPAIGN" in error, error
    assert ids("10:00") == [] and ids("Waiting") == [waiting]  # a word with a colon and no name before it is a word
    table = team.ok("post", "list", "state:in-review")
    assert "step 1 of 2 (copy), @mia, still open" in table and "Waiting" in table


def test_a_crisis_pauses_posts_in_its_scope_until_each_is_resumed(team: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    post_id = _approved(team)
    team.ok("post", "schedule", post_id, as_member="raj")
    other = _post(team, "Elsewhere post:linkedin publish:fri 18:00")
    team.ok("post", "copy", other, "Hi", as_member="raj")
    team.ok("post", "submit", other, as_member="raj")  # no campaign, no chain: approved at once
    assert _state(team, other) == "approved"
    assert "only a manager starts or ends a crisis" in one_line_error(team("crisis", "start", "--reason", "x", as_member="raj"))
    result = team("crisis", "start", "--reason", "Bad reply", "--platform", "instagram")
    assert result.code == 0 and "1 post paused, 5 checklist tasks" in result.err
    crisis_id = result.out.strip()
    assert _state(team, post_id) == "paused" and _state(team, other) == "approved"
    assert "paused by a crisis (Bad reply): resume it first" in one_line_error(team("post", "publish", post_id, as_member="raj"))
    status = json.loads(team.ok("crisis", "status", "--json"))
    ana = next(m["id"] for m in json.loads(team.ok("member", "list", "--json")) if m["handle"] == "ana")
    assert status == [
        {
            "id": crisis_id,
            "reason": "Bad reply",
            "started_by": "ana",
            "started_by_id": ana,
            "started_by_removed": False,
            "started_at": NOW,
            "campaigns": [],
            "platforms": ["instagram"],
            "checklist": {"done": 0, "total": 5},
        }
    ]
    assert "1 paused, 0 missed" in team.ok("crisis", "status")
    # The slot passes during the crisis: missed; ending the crisis publishes nothing and releases nothing.
    monkeypatch.setenv("CREWDECK_NOW", "2026-12-05T12:00:00Z")
    assert _state(team, post_id) == "missed"
    assert "only a manager" in one_line_error(team("crisis", "end", as_member="raj"))
    out = team.ok("crisis", "end", "--resume", "all")
    assert "0 posts resumed" in out and "1 still held" in out and post_id[:8] in out
    assert _state(team, post_id) == "missed"
    assert "no crisis is open" in one_line_error(team("crisis", "end"))
    assert "has ended already" in one_line_error(team("crisis", "end", crisis_id[:8]))
    assert "give it a new slot" in one_line_error(team("post", "resume", post_id, as_member="raj"))
    # What the words stood for is said with the refusal, as `post add` says it: "fri" alone would be a peak hour.
    assert one_line_error(team("post", "resume", post_id, "--slot", "2026-12-04 09:00", as_member="raj")).endswith(
        "cannot resume “Launch reel”: the new slot has passed already (2026-12-04 09:00 is Fri 12-04 09:00 EST)\n"
    )
    assert team.ok("post", "resume", post_id, "--slot", "2026-12-08 09:00", as_member="raj").strip() == (
        f"{post_id[:8]} scheduled, slot Tue 12-08 19:30 IST Kolkata (Tue 12-08 09:00 EST for the audience)"
    )
    assert "it is scheduled, not paused" in one_line_error(team("post", "resume", post_id, as_member="raj"))
    assert team.ok("crisis", "status").strip() == "no crisis is open"


def test_crisis_status_lists_the_posts_an_ended_crisis_still_holds_for_the_member_to_resume(team: Cli) -> None:
    """Ended with `--resume none`, a crisis held raj's post until a member resumed it, and `crisis status` said
    "no crisis is open" and nothing else: which posts still waited for a resume was nowhere but `post list`."""
    post_id = _approved(team)
    crisis_id = team.ok("crisis", "start", "--reason", "Bad reply").strip()
    team.ok("crisis", "end", "--resume", "none")
    lines = team.ok("crisis", "status", as_member="raj").splitlines()
    assert lines[0] == "no crisis is open", lines
    assert lines[1] == "1 post still held by an ended crisis: resume (crewdeck post resume ID), give a new slot (--slot WHEN) or pull each:"
    assert lines[2].split() == ["ID", "STATE", "CRISIS", "TITLE"], lines
    assert lines[3].split() == [post_id[:8], "paused", "Bad", "reply", f"({crisis_id[:8]})", "Launch", "reel"], lines
    team.ok("post", "resume", post_id, as_member="raj")
    assert team.ok("crisis", "status", as_member="raj").strip() == "no crisis is open"


def test_a_crisis_on_a_platform_nothing_uses_is_refused_instead_of_pausing_nothing(team: Cli) -> None:
    """`--platform instgram` started a crisis that paused nothing, told only by "0 posts paused"."""
    post_id = _approved(team)
    error = one_line_error(team("crisis", "start", "--reason", "Bad reply", "--platform", "instgram"))
    assert "no campaign or post here uses platform 'instgram'" in error and "instagram" in error.split("instgram", 1)[1]
    assert team.ok("crisis", "status").strip() == "no crisis is open" and _state(team, post_id) == "approved"
    # Platforms of the copy limits' table are known even where nothing uses them yet (a crisis may come first).
    result = team("crisis", "start", "--reason", "Bad reply", "--platform", "Instagram", "--platform", "bluesky")
    assert result.code == 0 and "1 post paused" in result.err


def test_only_a_manager_releases_a_post_from_a_crisis_still_open(team: Cli) -> None:
    # Releasing one post ends the crisis for it: a member could publish in the middle of a crisis a manager started.
    post_id = _approved(team)
    held = _approved(team)
    team.ok("crisis", "start", "--reason", "Outage", "--campaign", "spring-launch")
    error = one_line_error(team("post", "resume", post_id, as_member="raj"))
    assert "only a manager releases a post from a crisis that is still open (@raj is a member" in error
    assert _state(team, post_id) == "paused"
    assert team.ok("post", "resume", post_id).strip() == f"{post_id[:8]} approved"
    # Once the crisis has ended, whoever triages resumes what it still holds.
    team.ok("crisis", "end", "--resume", "none")
    assert _state(team, held) == "paused"
    assert team.ok("post", "resume", held, as_member="raj").strip() == f"{held[:8]} approved"


def test_crisis_end_resume_all_releases_paused_posts_whose_slot_is_ahead(team: Cli) -> None:
    post_id = _approved(team)
    team.ok("crisis", "start", "--reason", "Outage", "--campaign", "spring-launch")
    assert _state(team, post_id) == "paused"
    out = team.ok("crisis", "end", "--resume", "all")
    assert "1 post resumed" in out and "still held" not in out
    assert _state(team, post_id) == "approved"


def test_crisis_start_says_the_posts_several_open_crises_paused_already_were_paused_by_other_crises(team: Cli) -> None:
    """Two open crises held the post: a third said it was paused already "by another crisis", as if one."""
    _approved(team)
    team.ok("crisis", "start", "--reason", "Bad reply", "--campaign", "spring-launch")
    team.ok("crisis", "start", "--reason", "Outage", "--platform", "instagram")
    started = team("crisis", "start", "--reason", "Leak")
    assert "crisis started: 0 posts paused (1 more paused already by other crises)," in started.err, started.err


def test_crisis_end_resume_all_leaves_a_post_another_open_crisis_holds_paused(team: Cli) -> None:
    """Two crises held an instagram post; ending the campaign's with `--resume all` released it from both: it read
    approved (and went into the export) while the instagram crisis was still open, "1 post resumed"."""
    post_id = _approved(team)
    campaign = team.ok("crisis", "start", "--reason", "Bad reply", "--campaign", "spring-launch").strip()
    started = team("crisis", "start", "--reason", "Outage", "--platform", "instagram")
    # The post the first crisis paused is not counted as paused by this one.
    assert "crisis started: 0 posts paused (1 more paused already by another crisis), 5 checklist tasks" in started.err, started.err
    outage = started.out.strip()
    # Which to end is told by what each is about, not by its id alone.
    said = one_line_error(team("crisis", "end"))
    named = sorted([f"{campaign[:8]} “Bad reply”", f"{outage[:8]} “Outage”"], key=lambda crisis: said.find(crisis))
    assert f"2 crises are open: name one ({', '.join(named)})" in said, said
    out = team.ok("crisis", "end", campaign[:8], "--resume", "all")
    assert "0 posts resumed" in out and "1 post still paused by another open crisis: Outage" in out and post_id[:8] in out
    assert "still held" not in out  # nothing for a member to resume: the open crisis is a manager's to end
    assert _state(team, post_id) == "paused"
    assert "paused by a crisis (Outage): resume it first" in one_line_error(team("post", "publish", post_id, as_member="raj"))
    assert post_id not in team.ok("post", "export", "--format", "csv")
    # Ending the last one with `--resume all` releases it: the first crisis let it go already.
    assert "1 post resumed" in team.ok("crisis", "end", outage[:8], "--resume", "all")
    assert _state(team, post_id) == "approved"


def test_the_json_of_tasks_and_show_gives_a_held_posts_state_as_read(team: Cli) -> None:
    """The table's STATUS said paused; `tasks --json` gave the task status alone ("inbox") and `show --json` the
    stored "post_state": "scheduled": a script choosing what to publish from either read a held post as going out."""
    post_id = _approved(team)
    team.ok("post", "schedule", post_id, as_member="raj")
    plain = team.ok("add", "Plain task").strip()
    team.ok("crisis", "start", "--reason", "Bad reply")
    listed = {row["id"]: row for row in json.loads(team.ok("tasks", "--json"))}
    assert (listed[post_id]["state"], listed[plain]["state"]) == ("paused", None)
    shown = json.loads(team.ok("show", post_id, "--json"))
    assert (shown["state"], shown["post_state"]) == ("paused", "scheduled")  # the stored state stays, as stored
    assert json.loads(team.ok("show", plain, "--json"))["state"] is None
    team.ok("crisis", "end", "--resume", "all")
    assert {row["id"]: row["state"] for row in json.loads(team.ok("tasks", "--json"))}[post_id] == "scheduled"


def test_post_list_at_80_columns_puts_a_round_under_its_row_rather_than_cut_it_and_the_title(
    team: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 80 columns a post in review read "Customer sto…  step 2 of 2 …": its title and its round cut to a dozen
    characters each, neither readable."""
    post_id = _post(team, "Customer story: Studio Nord +spring-launch post:instagram publish:fri 18:00")
    team.ok("post", "copy", post_id, "Hello", as_member="raj")
    team.ok("post", "submit", post_id, as_member="raj")
    team.ok("post", "approve", post_id, as_member="mia")
    idea = _post(team, "Behind the scenes of the spring shoot +spring-launch post:instagram publish:fri 18:00")
    shown = on_a_terminal(team, tmp_path, 80, "post", "list")
    assert max(len(line) for line in shown) <= 80, shown
    row = next(n for n, line in enumerate(shown) if line.startswith(post_id[:8]))
    assert shown[row].endswith("Customer story: Studio Nord"), shown
    assert shown[row + 1] == "  round: step 2 of 2 (legal), group legal, still open", shown
    assert any(line.startswith(idea[:8]) and "Behind the scenes of the" in line for line in shown), shown
    # To a pipe every line is whole, the round in its column, as before.
    piped = team.ok("post", "list").splitlines()
    assert any(line.startswith(post_id[:8]) and line.endswith("step 2 of 2 (legal), group legal, still open") for line in piped), piped


def test_the_checklist_becomes_tasks_for_the_groups(team: Cli) -> None:
    team.ok("member", "set", "raj", "--groups", "comms")
    crisis_id = team.ok("crisis", "start", "--reason", "Outage").strip()
    tasks = {t["title"]: t for t in json.loads(team.ok("tasks", "#crisis", "--json"))}
    assert set(tasks) == {
        "Crisis: Acknowledge publicly within 1 h",
        "Crisis: Brief legal",
        "Crisis: Pause paid ads on every platform",
        "Crisis: Draft holding statement",
        "Crisis: Post-mortem within 5 days",
    }
    assert tasks["Crisis: Acknowledge publicly within 1 h"]["assignee"] == "raj"  # comms
    assert tasks["Crisis: Brief legal"]["assignee"] == "lee"  # legal (gus is a guest)
    assert tasks["Crisis: Pause paid ads on every platform"]["assignee"] == "ana"  # nobody in ads: the manager who started it
    # Ids derived from the crisis's: a second list for the same crisis would be the same tasks.
    assert {t["id"] for t in tasks.values()} == {checklist_task_id(crisis_id, index) for index in range(5)}


def test_removing_a_member_a_chain_waits_on_says_which_steps_nobody_can_take_now(team: Cli) -> None:
    """`member rm mia` said nothing of Spring Launch's copy step: its posts waited on @mia for ever."""
    post_id = _post(team)
    team.ok("post", "copy", post_id, "Hello", as_member="raj")
    team.ok("post", "submit", post_id, as_member="raj")
    result = team("member", "rm", "mia")
    assert result.code == 0 and result.out.startswith("removed @mia")
    assert "note: nobody can take step copy of +spring-launch's approval chain now (@mia was removed)" in result.err, result.err
    assert "crewdeck campaign set spring-launch --approvals" in result.err
    # A group with someone left in it is not said; the last of a group is.
    result = team("member", "rm", "gus")
    assert result.code == 0 and "legal" not in result.err, result.err
    result = team("member", "rm", "lee", "--unassign")
    assert "note: nobody can take step legal of +spring-launch's approval chain now (nobody is in group legal)" in result.err
    # ``--groups`` replaces a member's groups: the hint said "--groups legal", which took them out of their others.
    assert "or crewdeck member set HANDLE --groups …: their groups plus legal" in result.err, result.err


def test_a_chain_with_a_step_nobody_can_take_says_so_when_it_is_set(team: Cli) -> None:
    """A step naming a guest not given the campaign, or a group nobody is in, was set without a word: posts waited for ever."""
    result = team("campaign", "set", "spring-launch", "--approvals", "copy:@mia; client:@gus; legal:group=lawyers")
    assert result.code == 0
    notes = [line for line in result.err.splitlines() if line.startswith("note: ")]
    assert len(notes) == 2, result.err
    assert "step client of +spring-launch's approval chain now (@gus is a guest not given this campaign)" in notes[0]
    assert "step legal of +spring-launch's approval chain now (nobody is in group lawyers)" in notes[1]
    team.ok("member", "set", "gus", "--campaigns", "spring-launch")
    assert "note:" not in team("campaign", "set", "spring-launch", "--approvals", "copy:@mia; client:@gus; legal:group=legal").err
    # Taking the guest's campaign away, or the last member out of a group, strands the step too.
    result = team("member", "set", "gus", "--campaigns", "")
    assert "(@gus is a guest not given this campaign)" in result.err and "group legal" not in result.err, result.err
    result = team("member", "set", "lee", "--groups", "")
    assert "step legal of +spring-launch's approval chain now (nobody is in group legal)" in result.err, result.err
    assert "@gus" not in result.err  # said already, by the change that made it so


def test_groups_none_and_campaigns_none_give_none_as_approvals_none_does(team: Cli) -> None:
    """`--groups none` put the member in a group named "none" (listed as "approval groups: none", in no group of the
    chain), and `--campaigns none` was refused as "unknown campaign +none", where `--approvals none` is no chain."""
    team.ok("member", "set", "gus", "--campaigns", "spring-launch")
    result = team("member", "set", "lee", "--groups", "None")
    assert result.code == 0 and result.out.strip() == "Modified @lee: set the groups of @lee to nothing", result.out
    result = team("member", "set", "gus", "--campaigns", "none")
    assert result.code == 0 and result.out.strip() == "Modified @gus: set the campaigns of @gus to nothing", result.err
    listed = json.loads(team.ok("member", "list", "--json"))
    people = {m["handle"]: m for m in (listed["members"] if isinstance(listed, dict) else listed)}
    assert people["lee"]["groups"] == [] and people["gus"]["campaigns"] == [], people
    # A campaign named "none" is still given by its slug.
    team.ok("campaign", "add", "none")
    team.ok("member", "set", "gus", "--campaigns", "+none")
    assert "sees campaigns: +none" in team.ok("member", "list")


def test_the_workspace_chain_with_a_step_nobody_can_take_says_so_when_it_is_set(team: Cli) -> None:
    """`workspace set approvals "client:@gus"` was set without a word: a guest approves only their campaigns' posts, so
    every post in no campaign waited on @gus for ever, where `campaign set --approvals` says so of a campaign's chain."""
    result = team("workspace", "set", "approvals", "copy:@mia; client:@gus; legal:group=lawyers")
    assert result.code == 0 and result.out.startswith("approvals: none → "), result.err
    notes = [line for line in result.err.splitlines() if line.startswith("note: ")]
    assert notes == [
        "note: nobody can take step client of the workspace's approval chain (posts in no campaign) now (@gus is a guest, "
        "who approves only their campaigns' posts): change it with crewdeck workspace set approvals ...",
        "note: nobody can take step legal of the workspace's approval chain (posts in no campaign) now (nobody is in group "
        "lawyers): change it with crewdeck workspace set approvals ..., or crewdeck member set HANDLE --groups …: their "
        "groups plus lawyers",
    ], result.err
    assert "note:" not in team("workspace", "set", "approvals", "copy:@mia; legal:group=legal").err
    # The last of a group leaving it, or the member a step names removed, strands the workspace's step as a campaign's.
    result = team("member", "set", "lee", "--groups", "")
    assert "step legal of the workspace's approval chain (posts in no campaign) now (nobody is in group legal)" in result.err
    result = team("member", "rm", "mia")
    assert "step copy of the workspace's approval chain (posts in no campaign) now (@mia was removed)" in result.err, result.err


def test_chains_and_groups_are_for_managers_and_bad_chains_say_what_is_wrong(team: Cli) -> None:
    assert "managers_only" in one_line_error(team("campaign", "set", "spring-launch", "--approvals", "none", as_member="raj"))
    assert "own_profile_only" in one_line_error(team("member", "set", "raj", "--groups", "legal", as_member="raj"))
    assert "managers_only" in one_line_error(team("member", "set", "mia", "--groups", "legal", as_member="raj"))
    assert "at most 3 steps" in one_line_error(team("campaign", "set", "spring-launch", "--approvals", "a:@mia; b:@lee; c:@raj; d:@ana"))
    assert "names neither a member" in one_line_error(team("campaign", "set", "spring-launch", "--approvals", "copy:mia"))
    assert "unknown member @nobody" in one_line_error(team("campaign", "set", "spring-launch", "--approvals", "copy:@nobody"))
    assert "named twice" in one_line_error(team("campaign", "set", "spring-launch", "--approvals", "a:@mia; a:@lee"))
    team.ok("campaign", "set", "spring-launch", "--approvals", "none")
    post_id = _post(team)
    team.ok("post", "copy", post_id, "Hi", as_member="raj")
    assert team.ok("post", "submit", post_id, as_member="raj").strip() == f"{post_id[:8]} approved"


def test_x_counts_weighted_characters_and_threads_one_tag(team: Cli) -> None:
    post_id = _post(team, "Thread post:x")
    assert team("post", "copy", post_id, "a" * 280, as_member="raj").code == 0
    assert "x takes at most 280 weighted characters; this copy has 282" in one_line_error(
        team("post", "copy", post_id, "a" * 280 + "日", as_member="raj")
    )
    # A URL counts 23 whatever its length.
    assert team("post", "copy", post_id, "a" * 256 + " https://example.com/" + "p" * 200, as_member="raj").code == 0
    threads = _post(team, "Thread post:threads")
    assert "threads takes at most 1 hashtag; this copy has 2" in one_line_error(team("post", "copy", threads, "#a #b", as_member="raj"))


def test_the_task_filter_knows_posts(team: Cli) -> None:
    waiting = _post(team, "Waiting +spring-launch post:instagram publish:fri 18:00")
    team.ok("post", "copy", waiting, "Hello", as_member="raj")
    team.ok("post", "submit", waiting, as_member="raj")
    thread = _post(team, "Thread idea post:x")
    plain = team.ok("add", "Plain task").strip()
    ids = lambda *q, who="ana": {t["id"] for t in json.loads(team.ok("tasks", *q, "--json", as_member=who))}  # noqa: E731
    assert ids("post:any") == {waiting, thread}
    assert ids("post:x") == {thread}
    assert ids("state:in-review") == {waiting}
    assert ids("-state:in-review") == {thread, plain}
    assert ids("needs:@me", who="mia") == {waiting} == ids("needs:@mia")
    assert ids("needs:@me", who="lee") == set()
    assert "is not a post state" in one_line_error(team("tasks", "state:reviewed"))
    # A published post is a done task, a pulled one a cancelled task: they leave the open list.
    team.ok("post", "pull", thread, as_member="raj")
    assert ids("post:any") == {waiting}
    assert ids("all", "state:pulled") == {thread}


def test_workspace_set_says_what_it_changed_or_that_nothing_changed(team: Cli) -> None:
    # It printed nothing: not what it changed, nor that the value was that already (and wrote it again).
    def ops() -> int:
        with Store(team.workspace) as store:
            return int(store.conn.execute("SELECT count(*) FROM ops").fetchone()[0])

    assert team.ok("workspace", "set", "approval_lead_minutes", "90") == "approval_lead_minutes: 60 → 90\n"
    assert team.ok("workspace", "set", "tz", "Europe/Berlin") == 'tz: null → "Europe/Berlin"\n'
    # And back: once set, no value unset it ("unknown time zone 'none'"), and exports kept Berlin's clock for everyone.
    assert team.ok("workspace", "set", "tz", "none") == 'tz: "Europe/Berlin" → null\n'
    assert json.loads(team.ok("workspace", "show", "--json"))["tz"] is None
    team.ok("workspace", "set", "tz", "Europe/Berlin")
    assert team.ok("workspace", "set", "peak_hours.instagram", "19:00,08:00") == 'peak_hours.instagram: default → ["08:00", "19:00"]\n'
    assert team.ok("workspace", "set", "peak_hours.instagram", "default") == 'peak_hours.instagram: ["08:00", "19:00"] → default\n'
    # Times as a due time reads them, in the order of the day, each once: "9:00" sorted after "18:00" as text and was refused.
    assert team.ok("workspace", "set", "peak_hours.tiktok", "18:00, 9:00,6pm") == 'peak_hours.tiktok: default → ["09:00", "18:00"]\n'
    assert team.ok("workspace", "set", "peak_hours.tiktok", "default") == 'peak_hours.tiktok: ["09:00", "18:00"] → default\n'
    assert one_line_error(team("workspace", "set", "peak_hours.tiktok", "9:75")).endswith(
        "peak_hours.tiktok: '9:75' is not a time of day\n"
    )
    before = ops()
    assert team.ok("workspace", "set", "approval_lead_minutes", "90") == "approval_lead_minutes is 90 already: nothing written\n"
    assert team.ok("workspace", "set", "peak_hours.tiktok", "default") == "peak_hours.tiktok is default already: nothing written\n"
    assert ops() == before
    # Nothing to write is still only a manager's to say.
    assert "managers_only" in one_line_error(team("workspace", "set", "approval_lead_minutes", "90", as_member="raj"))


def test_workspace_settings_are_for_managers_and_checked(team: Cli) -> None:
    assert "managers_only" in one_line_error(team("workspace", "set", "approval_lead_minutes", "90", as_member="raj"))
    post_id = _post(team)  # tomorrow 18:00 in New York, 37 hours away
    team.ok("workspace", "set", "approval_lead_minutes", "2880")
    team.ok("workspace", "set", "peak_hours.instagram", "19:00,08:00")
    team.ok("workspace", "set", "tz", "Europe/Berlin")
    shown = json.loads(team.ok("workspace", "show", "--json", as_member="raj"))
    assert (
        shown["approval_lead_minutes"] == 2880
        and shown["peak_hours"] == {"instagram": ["08:00", "19:00"]}
        and shown["tz"] == "Europe/Berlin"
    )
    assert "is not a whole number" in one_line_error(team("workspace", "set", "quiet_days", "soon"))
    assert "quiet_days: must be at least 1" in one_line_error(team("workspace", "set", "quiet_days", "0"))
    assert "no workspace setting 'colour'" in one_line_error(team("workspace", "set", "colour", "blue"))
    assert "not JSON" in one_line_error(team("workspace", "set", "crisis_checklist", "[oops"))
    team.ok("workspace", "set", "crisis_checklist", '[{"title": "Call the client", "group": "leads", "due_minutes": 30}]')
    # Two days' lead time: the post for tomorrow 18:00 in New York (37 hours away) reads expired now.
    team.ok("post", "copy", post_id, "Hi", as_member="raj")
    assert _state(team, post_id) == "expired"
    team.ok("crisis", "start", "--reason", "Outage")
    assert [t["title"] for t in json.loads(team.ok("tasks", "#crisis", "--json"))] == ["Crisis: Call the client"]
    # A post's slot without a time takes the platform's first peak hour from the workspace's settings.
    dated = _post(team, "Morning +spring-launch post:instagram publish:2026-12-10")
    assert json.loads(team.ok("post", "show", dated, "--json"))["slot"] == {"utc": "2026-12-10T13:00:00Z", "tz": "America/New_York"}


def _expired_note(result_err: str) -> bool:
    return "expired: not approved 1 h before its slot" in result_err


def test_an_expired_post_is_told_once_to_its_authors_and_the_managers_and_to_nobody_else(
    team: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    post_id = _made_a_day_before(team, monkeypatch, SOON)
    team.ok("post", "copy", post_id, "Hello", as_member="raj")
    listed = team("post", "list", as_member="raj")
    assert listed.code == 0 and "note: “Soon” expired: not approved 1 h before its slot" in listed.err
    # Told once: not by the next listing, nor by another command, nor by a new process on the file.
    assert not _expired_note(team("post", "list", as_member="raj").err)
    assert not _expired_note(team("tasks", as_member="raj").err)
    assert not _expired_note(team("log", as_member="raj").err)
    # mia did not write it and does not manage: never told.
    assert not _expired_note(team("post", "list", as_member="mia").err)
    assert not _expired_note(team("tasks", as_member="mia").err)
    # A script's --json tells nobody (and so does not count as told).
    assert not _expired_note(team("tasks", "--json").err)
    # ana manages: told once, by whichever command she runs first.
    assert _expired_note(team("tasks").err)
    assert not _expired_note(team("post", "list").err)
    # A new slot that expires in its turn is told again (to the author, once).
    team.ok("post", "slot", post_id, "2026-12-04", "09:00", as_member="raj")
    assert not _expired_note(team("post", "list", as_member="raj").err)
    monkeypatch.setenv("CREWDECK_NOW", "2026-12-04T13:30:00Z")  # 08:30 in New York: half an hour before the new slot
    assert _expired_note(team("log", as_member="raj").err)
    assert not _expired_note(team("log", as_member="raj").err)


def test_an_expired_post_is_named_by_its_title_shown_safe_for_the_terminal(team: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """The note said 'post 1a2b3c4d "Soon" expired', the title in other quotes than every other notice's."""
    post_id = _made_a_day_before(team, monkeypatch, SOON)
    Forger(team.workspace).set("task", post_id, {"title": HOSTILE})
    told = team("post", "list", as_member="raj").err
    assert "note: “A^[]52;c;cHduZWQ=^GBM-^[31m<U+202E>EVIL<U+2066> FORGED ROW [bold red]R[/] [$ac…” expired: " in told, told
    assert raw_characters(told) == []


def test_every_author_of_the_round_is_told_and_the_maker_when_nobody_wrote_content(team: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    written = _made_a_day_before(team, monkeypatch, "Shared +spring-launch post:instagram publish:2026-12-03 05:30")
    team.ok("post", "copy", written, "First words", as_member="raj")
    team.ok("post", "copy", written, "Mia's words", as_member="mia")
    _made_a_day_before(team, monkeypatch, "Idea +spring-launch post:instagram publish:2026-12-03 05:45", as_member="lee")
    mia = team("post", "list", as_member="mia").err
    assert _expired_note(mia) and "Idea" not in mia
    raj = team("post", "list", as_member="raj").err
    assert _expired_note(raj) and "Idea" not in raj
    lee = team("post", "list", as_member="lee").err
    assert "note: “Idea” expired" in lee and "Shared" not in lee
    assert "2 posts expired (not approved 1 h before their slots): “Shared”, “Idea”; crewdeck post list" in team("post", "list").err


def _status_column(team: Cli, title: str, as_member: str = "ana") -> str:
    """The STATUS cell of ``crewdeck tasks`` for the task titled ``title``."""
    lines = team.ok("tasks", "--sort", "title", as_member=as_member).splitlines()
    start = lines[0].index("STATUS")
    end = lines[0].index("PRI")
    (row,) = [line for line in lines[1:] if line.endswith(f"  {title}")]
    return row[start:end].strip()


def test_the_task_list_shows_a_posts_state_in_its_status_column(team: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    team.ok("add", "Brief the agency")
    _approved(team)
    _made_a_day_before(team, monkeypatch, SOON)
    assert _status_column(team, "Brief the agency") == "inbox"  # a task that is no post keeps its status
    assert _status_column(team, "Launch reel") == "approved"
    assert _status_column(team, "Soon") == "expired"  # computed when read, as post list has it
    team.ok("crisis", "start", "--reason", "Outage")
    assert _status_column(team, "Launch reel") == "paused"
    monkeypatch.setenv("CREWDECK_NOW", "2026-12-05T12:00:00Z")  # past its slot, still held
    assert _status_column(team, "Launch reel") == "missed"


def test_post_slot_takes_the_when_quoted_as_one_argument_as_its_help_shows(team: Cli) -> None:
    # `post slot ID "fri 18:00"` (one argument, as --help and `post resume --slot` write it) is the same as unquoted words.
    post_id = _post(team)
    assert team.ok("post", "slot", post_id, "2026-12-10 09:00", as_member="raj").split(", slot ")[0] == f"{post_id[:8]} idea"
    assert json.loads(team.ok("post", "show", post_id, "--json"))["slot"] == {"utc": "2026-12-10T14:00:00Z", "tz": "America/New_York"}
    team.ok("post", "slot", post_id, "fri 18:00", as_member="raj")
    assert json.loads(team.ok("post", "show", post_id, "--json"))["slot"]["utc"] == "2026-12-04T23:00:00Z"


def test_post_slot_says_the_slot_it_set_on_your_clock_and_the_audiences(team: Cli) -> None:
    # It said only "ID idea": not when the post now goes out, which moves from clock to clock.
    post_id = _post(team)  # Spring Launch's audience is in New York; ana's clock is Berlin's
    said = team.ok("post", "slot", post_id, "2026-12-10 09:00")
    assert said == f"{post_id[:8]} idea, slot Thu 12-10 15:00 CET (Thu 12-10 09:00 EST for the audience)\n"
    said = team.ok("post", "slot", post_id, "2026-12-10", "09:00", "Europe/Paris")
    assert said == f"{post_id[:8]} idea, slot Thu 12-10 09:00 CET (Thu 12-10 03:00 EST for the audience; set in Europe/Paris)\n"


def test_post_show_names_the_zone_a_slot_was_set_in_when_it_is_not_the_audiences(team: Cli) -> None:
    # The campaign's audience is in New York; a slot typed in Paris is Paris time, not the audience's.
    post_id = _post(team)
    team.ok("post", "slot", post_id, "2026-12-10", "09:00", "Europe/Paris", as_member="raj")
    (slot,) = [line for line in team.ok("post", "show", post_id).splitlines() if line.startswith("slot:")]
    assert slot == "slot:          Thu 12-10 09:00 CET (Thu 12-10 03:00 EST for the audience; set in Europe/Paris)"
    team.ok("post", "slot", post_id, "2026-12-10", "09:00", as_member="raj")
    (slot,) = [line for line in team.ok("post", "show", post_id).splitlines() if line.startswith("slot:")]
    assert slot == "slot:          Thu 12-10 15:00 CET (Thu 12-10 09:00 EST for the audience)"


def test_post_show_starts_every_value_in_one_column_the_first_comments_too(team: Cli) -> None:
    # "link:" and "first comment:" were written with one space after them, against the others' 11-wide labels.
    post_id = _post(team)
    team.ok(
        "post",
        "copy",
        post_id,
        "Spring is here",
        "--link",
        "https://example.com/spring",
        "--media",
        "reel.mp4",
        "--first-comment",
        "Tag a friend",
        as_member="raj",
    )
    shown = team.ok("post", "show", post_id).split("\nhistory")[0].splitlines()
    values = {
        "state": "draft",
        "platform": "instagram",
        "link": "https://example.com/spring",
        "first comment": "Tag a friend",
        "media": "reel.mp4",
        "copy": "14/2,200 characters · 0/5 hashtags",
    }
    columns: set[int] = set()
    for name, value in values.items():
        (line,) = [line for line in shown if line.startswith(f"{name}:")]
        columns.add(line.index(value))
    assert columns == {len("first comment: ")}, shown


def test_a_post_on_a_platform_its_campaign_does_not_run_on_is_added_with_a_note_naming_the_campaigns(team: Cli) -> None:
    # Taken in silence: a post on x in a campaign that runs on instagram and tiktok, or on "instagarm", no platform at all.
    # At noon, a peak hour of both x and tiktok in New York: the platform's note alone.
    made = team("post", "add", "Teaser +spring-launch post:x publish:fri 12:00", as_member="raj")
    assert made.code == 0 and len(made.out.strip()) == 32
    assert made.err == ("note: +spring-launch runs on instagram, tiktok, not x (crewdeck campaign set spring-launch --platforms adds it)\n")
    typo = team("add", "Teaser +spring-launch post:instagarm publish:fri 18:00", as_member="raj")
    assert typo.code == 0
    assert typo.err == "note: +spring-launch runs on instagram, tiktok, not instagarm: instagram meant?\n"
    assert team("post", "add", "Reel +spring-launch post:tiktok publish:fri 12:00", as_member="raj").err == ""


def test_a_member_starting_or_ending_a_crisis_hears_the_rule_first(team: Cli) -> None:
    # With none open, raj heard "no crisis is open", and with no reason "a crisis needs a reason", as if a
    # manager's command were his to run.
    assert one_line_error(team("crisis", "start", "--reason", " ", as_member="raj")).endswith("(rule managers_only)\n")
    for _ in range(2):
        assert one_line_error(team("crisis", "end", as_member="raj")).endswith("(rule managers_only)\n")
        team.ok("crisis", "start", "--reason", "Outage")


def test_show_tells_a_posts_verdicts_in_its_history_in_time_order_as_post_show_words_them(team: Cli) -> None:
    # `show`'s history (and the app's detail, from the same TaskDetail) left a post's approvals and requests for
    # changes out: who approved, or asked for changes, and when, was in `post show` alone.
    post_id = _post(team)
    team.ok("post", "copy", post_id, "Big day #launch", as_member="raj")
    team.ok("post", "submit", post_id, as_member="raj")
    team.ok("post", "approve", post_id, "--note", "nice", as_member="mia")
    team.ok("post", "reject", post_id, "--note", "tone", as_member="lee")
    history = team.ok("show", post_id).split("\nHistory (times in Europe/Berlin)\n")[1].splitlines()
    told = [line.split("  ")[1:] for line in history if line]
    assert [sentence for _, sentence in told][:3] == [
        "@lee requested changes (legal): “tone”",
        "@mia approved copy: “nice”",
        "@raj submitted “Launch reel” for approval",
    ], told
    assert all(re.fullmatch(r"\S+ \d\d-\d\d \d\d:\d\d CET", when) for when, _ in told), told  # each on the clock it names
    # post show words them so: one wording.
    shown = json.loads(team.ok("post", "show", post_id, "--json"))
    assert [row["what"] for row in shown["history"]][-2:] == ["approved copy", "requested changes (legal)"]
    # --json: the operations of the history, the verdicts' among them.
    ops = json.loads(team.ok("show", post_id, "--json"))["history"]
    assert [(op["member"], op["value"]["verdict"]) for op in ops if op["field"] == "*"] == [("mia", "approve"), ("lee", "reject")]


def test_a_post_in_no_campaign_goes_through_the_workspaces_chain_a_manager_sets(team: Cli) -> None:
    """A post in no campaign had no chain: `post submit` approved it at once, and it was scheduled unread."""
    assert "only a manager" in one_line_error(team("workspace", "set", "approvals", "copy:@mia", as_member="raj"))
    assert team.ok("workspace", "set", "approvals", "copy:@mia").strip() == "approvals: none → copy (@mia)"
    assert "approvals = copy (@mia)" in team.ok("workspace", "show").splitlines()
    assert "set the approval chain of posts in no campaign to copy:@mia" in team.ok("log", "--limit", "1")
    shown = json.loads(team.ok("workspace", "show", "--json"))
    assert shown["approvals"] == [{"name": "copy", "member": "mia", "group": None}]
    post_id = team.ok("post", "add", "Loose post post:instagram publish:2026-12-20 11:00", as_member="raj").strip()
    team.ok("post", "copy", post_id, "Nobody read this", as_member="raj")
    assert team.ok("post", "submit", post_id, as_member="raj").strip() == f"{post_id[:8]} in review (step 1 of 1 (copy), @mia, still open)"
    assert "not approved" in one_line_error(team("post", "schedule", post_id, as_member="raj"))
    assert post_id in {p["id"] for p in json.loads(team.ok("post", "list", "needs:@mia", "--json", as_member="mia"))}
    assert team.ok("post", "approve", post_id, as_member="mia").strip() == f"{post_id[:8]} approved"
    # None again: such posts need no review, as before.
    assert team.ok("workspace", "set", "approvals", "none").strip() == "approvals: copy (@mia) → none"


def test_needs_me_acting_as_a_reviewer_leaves_out_the_rounds_the_acting_manager_wrote_as_the_approvals_view_does(team: Cli) -> None:
    """ana acting as mia (``--as``) was listed by `post list needs:@me` and `tasks needs:@me` a post whose copy ana wrote,
    which the app's Approvals view leaves out and whose verdict the rules refuse her (round_author)."""
    waiting = _post(team, "Waiting +spring-launch post:instagram publish:fri 18:00")
    team.ok("post", "copy", waiting, "Hello from ana", as_member="ana")
    team.ok("post", "submit", waiting, as_member="raj")
    posts = lambda *q, who: [p["id"] for p in json.loads(team.ok("post", "list", *q, "--json", as_member=who))]  # noqa: E731
    tasks = lambda *q, who: [t["id"] for t in json.loads(team.ok("tasks", *q, "--json", as_member=who))]  # noqa: E731
    assert posts("needs:@me", who="mia") == tasks("needs:@me", who="mia") == [waiting]  # mia in person
    team.ok("member", "set", "ana", "--unix-user", "crewdeck-tests-nobody")  # this account is ana's: --as is ana acting
    assert posts("needs:@me", who="mia") == tasks("needs:@me", who="mia") == []
    assert "(rule round_author)" in one_line_error(team("post", "approve", waiting, as_member="mia"))
    assert posts("needs:@mia", who="mia") == [waiting]  # mia's step, which mia in person may take


def test_post_show_says_who_changed_a_post_acting_as_another_as_the_activity_log_does(team: Cli) -> None:
    """`post show`'s history read "@raj changed the copy" of copy ana wrote --as raj: a reviewer took it for raj's, though
    the log says "@ana as @raj" and the rules make ana an author of the round; --json named raj alone."""
    post_id = _post(team)
    team.ok("post", "copy", post_id, "Raj's own words", as_member="raj")
    team.ok("member", "set", "ana", "--unix-user", "crewdeck-tests-nobody")  # this account is ana's: --as is ana acting
    team.ok("post", "copy", post_id, "Ana's words", as_member="raj")
    team.ok("post", "submit", post_id, as_member="raj")
    assert "@ana as @raj" in team.ok("log", post_id)
    rows = [line.split("  ") for line in team.ok("post", "show", post_id).split("history", 1)[1].splitlines()[2:]]
    who = [next(cell for cell in row[1:] if cell.strip()).strip() for row in rows]
    assert who == ["@raj", "@raj", "@ana as @raj", "@ana as @raj"], rows
    history = json.loads(team.ok("post", "show", post_id, "--json"))["history"]
    ana = next(m["id"] for m in json.loads(team.ok("member", "list", "--json")) if m["handle"] == "ana")
    assert [(e["who"], e["actor"], e["actor_id"]) for e in history] == [
        ("@raj", None, None),
        ("@raj", None, None),
        ("@raj", "@ana", ana),
        ("@raj", "@ana", ana),
    ]


def test_an_approval_withdrawn_and_given_again_in_one_batch_stands_and_a_withdrawal_after_a_publish_in_it_is_refused(
    team: Cli,
) -> None:
    """Review ra: an approver offline approved, withdrew and approved again, pushed in one batch: the server refused the
    second approval (one_step_per_round), as every verdict of a batch had one stamp and the withdrawal took back nothing;
    and a batch that published a post and then withdrew an approval of it, or approved, withdrew and published, was
    accepted, the batch's own state and withdrawal unread."""
    from crewdeck.sync.state.rules import Refused
    from crewdeck.tui.posts import writing

    post_id = _post(team)
    team.ok("post", "copy", post_id, "Big day #launch", as_member="raj")
    team.ok("post", "submit", post_id, as_member="raj")
    team.ok("post", "approve", post_id, as_member="mia")
    now = dt.datetime.fromisoformat(NOW.replace("Z", "+00:00"))
    with Store(team.workspace) as store:
        lee = store.conn.execute("SELECT id FROM member WHERE handle = 'lee'").fetchone()[0]
        approval = writing.verdict_record(store, lee, post_id, now, "approve", "")
        withdrawal = {**approval, "verdict": "withdraw"}
        with store.write(lee) as w:
            w.append("post_approval", approval)
            w.append("post_approval", withdrawal)
            w.append("post_approval", {**approval, "approved_at": NOW})
    assert _state(team, post_id) == "approved"
    team.ok("post", "schedule", post_id, as_member="raj")
    with Store(team.workspace) as store:
        published = writing.published_fields(store, post_id, now)
        with pytest.raises(Refused, match=r"is published: its approvals stand \(rule not_withdrawable\)"), store.write(lee) as w:
            w.set("task", post_id, published)
            w.append("post_approval", writing.withdrawal_record(store, lee, post_id, now))
    assert _state(team, post_id) == "scheduled"
    other = _post(team)
    team.ok("post", "copy", other, "Other day", as_member="raj")
    team.ok("post", "submit", other, as_member="raj")
    team.ok("post", "approve", other, as_member="mia")
    with Store(team.workspace) as store:
        approval = writing.verdict_record(store, lee, other, now, "approve", "")
        # What publishing writes (published_fields would refuse it before the batch: nothing approves it yet).
        published = {"post_state": "published", "published_at": NOW, "live_url": "", "status": "done"}
        with pytest.raises(Refused, match=r"rule not_publishable"), store.write(lee) as w:
            w.append("post_approval", approval)
            w.append("post_approval", {**approval, "verdict": "withdraw"})
            w.set("task", other, published)
    assert _state(team, other) == "in-review"


def test_an_approver_withdraws_their_own_approval_until_the_post_is_published(team: Cli) -> None:
    """A client who approved by mistake had no way back (verdicts are append-only): a withdrawal, a record of its own,
    opens their step again while the post is not published, said in its history; nobody else's, never twice."""
    post_id = _approved(team)
    team.ok("post", "schedule", post_id, as_member="raj")
    # Only an approver takes back an approval, their own: not the author, not a manager.
    for who in ("raj", "ana"):
        assert one_line_error(team("post", "withdraw", post_id, as_member=who)).strip() == (
            "crewdeck: error: cannot withdraw your approval of “Launch reel”: no approval of yours counts in its current round"
        )
    out = team.ok("post", "withdraw", post_id, "--note", "wrong post", as_member="lee")
    # The scheduled post is back in review: its step waits for legal again.
    assert out.strip() == f"{post_id[:8]} in review (step 2 of 2 (legal), group legal, still open)"
    assert one_line_error(team("post", "withdraw", post_id, as_member="lee")).strip() == (
        "crewdeck: error: cannot withdraw your approval of “Launch reel”: no approval of yours counts in its current round"
    )
    assert "cannot publish “Launch reel”: not approved" in one_line_error(team("post", "publish", post_id, as_member="raj"))
    shown = json.loads(team.ok("post", "show", post_id, "--json"))
    assert [row["what"] for row in shown["history"]][-2:] == ["scheduled", "withdrew their approval (legal)"]
    assert shown["history"][-1]["who"] == "@lee" and shown["history"][-1]["note"] == "wrong post"
    # Approved again, it goes out; published, its approvals stand.
    assert team.ok("post", "approve", post_id, as_member="lee").strip() == f"{post_id[:8]} scheduled"
    team.ok("post", "publish", post_id, as_member="raj")
    assert one_line_error(team("post", "withdraw", post_id, as_member="lee")).strip() == (
        "crewdeck: error: cannot withdraw your approval of “Launch reel”: it is published: its approvals stand"
    )
    # The rules refuse it so however it is written (their one place), not the command alone.
    from crewdeck.sync.state.rules import Refused

    with Store(team.workspace) as store:
        lee = store.conn.execute("SELECT id FROM member WHERE handle = 'lee'").fetchone()[0]
        round_id, digest = store.conn.execute(
            "SELECT round, hash FROM post_approval WHERE approved_by = ? AND verdict = 'approve' ORDER BY op_id DESC", (lee,)
        ).fetchone()
        record = {
            "post": post_id,
            "round": round_id,
            "step": "legal",
            "hash": digest,
            "verdict": "withdraw",
            "note": "",
            "approved_by": lee,
            "approved_at": NOW,
        }
        with (
            pytest.raises(Refused, match=r"“Launch reel” is published: its approvals stand \(rule not_withdrawable\)"),
            store.write(lee) as w,
        ):
            w.append("post_approval", record)


def test_a_tweet_of_emoji_x_takes_is_taken_and_submitted(team: Cli) -> None:
    """140 flags are 280 on X, which takes them: `post copy` refused them as 560 weighted characters, and so would the
    rules a round of them (copy_limits)."""
    post_id = _post(team, "Flags +spring-launch post:x publish:fri 18:00")
    team.ok("post", "copy", post_id, "🇪🇸" * 140, as_member="raj")
    team.ok("post", "submit", post_id, as_member="raj")
    assert _state(team, post_id) == "in-review"
    # Counted as X counts, and said so: "280 of 280 characters" read as 280 characters typed.
    assert "copy:          280/280 weighted characters\n" in team.ok("post", "show", post_id)
    assert one_line_error(team("post", "copy", post_id, "🇪🇸" * 141, as_member="raj")).strip() == (
        "crewdeck: error: cannot change the copy of “Flags”: x takes at most 280 weighted characters; this copy has 282"
    )


def test_a_slot_off_the_audiences_peak_hours_is_taken_and_said_in_their_zone_and_hers(team: Cli) -> None:
    """Mira, in Madrid, moved a New York post to 09:00 there, and scheduled it, with no word that her audience reads
    Instagram at 11:00 and 19:00: the content calendar flagged the slot, where she was not looking.  Said, as the
    calendar judges it, and taken all the same."""
    team.ok("member", "add", "mira", "--name", "Mira", "--tz", "Europe/Madrid")
    post_id = team.ok("post", "add", "Reel +spring-launch post:instagram publish:fri 19:00", as_member="mira").strip()
    moved = team("post", "slot", post_id, "fri", "09:00", as_member="mira")
    off_peak = (
        "note: 09:00 EST (15:00 CET for you) is outside the audience's peak hours for instagram, 11:00-12:00 and "
        "19:00-20:00 EST: nearest 11:00 EST (17:00 CET for you)\n"
    )
    assert (moved.code, moved.err) == (0, off_peak)
    assert moved.out == f"{post_id[:8]} idea, slot tmrw 15:00 CET (tmrw 09:00 EST for the audience)\n"  # taken
    # On a peak hour: nothing more to say.
    assert team("post", "slot", post_id, "fri", "11:30", as_member="mira").err == ""
    team.ok("post", "slot", post_id, "fri", "09:00", as_member="mira")
    team.ok("post", "copy", post_id, "Spring is here", as_member="mira")
    team.ok("post", "submit", post_id, as_member="mira")
    team.ok("post", "approve", post_id, as_member="mia")
    team.ok("post", "approve", post_id, as_member="lee")
    scheduled = team("post", "schedule", post_id, as_member="mira")
    assert (scheduled.code, scheduled.out, scheduled.err) == (0, f"{post_id[:8]} scheduled\n", off_peak)
    # Another reader's clock: their own zone in the line (lee reads New York's, the audience's, so once).
    assert team("post", "slot", post_id, "fri", "20:30", as_member="lee").err == (
        "note: 20:30 EST is outside the audience's peak hours for instagram, 11:00-12:00 and 19:00-20:00 EST: nearest 19:00 EST\n"
    )
    # A new post's slot typed off peak: taken, and said alike (here, and in the app's quick-add preview).
    added = team("post", "add", "Story +spring-launch post:instagram publish:fri 09:00", as_member="mira")
    assert added.code == 0 and added.err == off_peak.replace("note: ", "note: publish: ")


def test_a_copy_change_inside_the_approval_lead_time_says_the_post_expired_and_what_lets_it_out(team: Cli) -> None:
    """`post copy` on an approved post an hour before its slot said "expired: … it is a draft until it is submitted
    again": submitted again, it stayed expired, as a post not approved inside the lead time does."""
    post_id = _post(team)
    team.ok("post", "copy", post_id, "Hello", as_member="raj")
    team.ok("post", "submit", post_id, as_member="raj")
    team.ok("post", "approve", post_id, as_member="mia")
    team.ok("post", "approve", post_id, as_member="lee")
    team.ok("workspace", "set", "approval_lead_minutes", str(3 * 24 * 60))  # its slot, tomorrow, is inside it now
    assert team.ok("post", "copy", post_id, "Hello!", as_member="raj") == (
        f"{post_id[:8]} expired: that voids the round and the approvals of @mia, @lee: it is expired now, inside the approval "
        "lead time: a new slot past it and a submission let it out\n"
    )


def test_a_copy_change_on_a_missed_post_says_its_slot_passed(team: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """A missed post's copy changed (its slot gone by during a crisis) read "it is expired now, inside the approval lead
    time: a new slot past it …", of a slot already past (review re 4)."""
    post_id = _approved(team)
    team.ok("crisis", "start", "--reason", "Bad reply")
    monkeypatch.setenv("CREWDECK_NOW", "2026-12-05T12:00:00Z")  # its slot, Friday 18:00 in New York, passed during the crisis
    assert _state(team, post_id) == "missed"
    assert team.ok("post", "copy", post_id, "Hello again", as_member="raj") == (
        f"{post_id[:8]} expired: that voids the round and the approvals of @mia, @lee: it is expired now, its slot has "
        "passed: a new slot and a submission let it out\n"
    )


def test_post_show_counts_the_copy_as_the_app_s_editor_does_over_and_hashtags_said(team: Cli) -> None:
    """`post show` said "49 of 2,200 characters" where the app's editor said "49/2,200", and never what was over nor the
    hashtags Instagram caps: a copy of six hashtags pulled from a teammate (written as a sync would, not by `post copy`,
    which refuses it) read as fitting (review re 6)."""
    post_id = _post(team)
    with Store(team.workspace) as store:
        raj = store.conn.execute("SELECT id FROM member WHERE handle = 'raj'").fetchone()[0]
        with store.write(raj) as w:
            w.set("task", post_id, {"copy": "Spring #a #b #c #d #e #f", "post_state": "draft"})
    assert "copy:          24/2,200 characters · 6/5 hashtags: 1 over\n" in team.ok("post", "show", post_id)


def test_a_reader_whose_zone_keeps_the_audience_s_clock_reads_the_slot_once(team: Cli) -> None:
    """Tom, in Toronto, reads New York's clock under another zone's name: "09:00 EST (09:00 EST for you)" and "tmrw 09:00
    EST (tmrw 09:00 EST for the audience)", each time twice, where a reader in New York read it once (review re 5)."""
    team.ok("member", "add", "tom", "--name", "Tom", "--tz", "America/Toronto")
    post_id = team.ok("post", "add", "Reel +spring-launch post:instagram publish:fri 19:00", as_member="tom").strip()
    moved = team("post", "slot", post_id, "fri", "09:00", as_member="tom")
    assert moved.err == (
        "note: 09:00 EST is outside the audience's peak hours for instagram, 11:00-12:00 and 19:00-20:00 EST: nearest 11:00 EST\n"
    )
    assert moved.out == f"{post_id[:8]} idea, slot tmrw 09:00 EST\n"
    # A reader an hour off the audience's clock still reads both.
    team.ok("member", "set", "tom", "--tz", "America/Chicago")
    assert team("post", "slot", post_id, "fri", "09:00", as_member="tom").out == (
        f"{post_id[:8]} idea, slot tmrw 08:00 CST Chicago (tmrw 09:00 EST for the audience)\n"
    )


def test_a_slot_set_as_a_field_off_peak_is_said_as_post_slot_says_it(team: Cli) -> None:
    """`set ID publish=sat 09:00` took a New York post off its audience's peak hours silently, where `post slot` said
    it (review re 3)."""
    team.ok("member", "add", "mira", "--name", "Mira", "--tz", "Europe/Madrid")
    post_id = team.ok("post", "add", "Reel +spring-launch post:instagram publish:fri 19:00", as_member="mira").strip()
    moved = team("set", post_id, "publish=fri 09:00", as_member="mira")
    assert moved.code == 0 and moved.err == (
        "note: publish: 09:00 EST (15:00 CET for you) is outside the audience's peak hours for instagram, 11:00-12:00 and "
        "19:00-20:00 EST: nearest 11:00 EST (17:00 CET for you)\n"
    )
    # On a peak hour, and a task that is no post: nothing more to say.
    assert team("set", post_id, "publish=fri 11:30", as_member="mira").err == ""
    task_id = team.ok("add", "Brief +spring-launch", as_member="mira").strip()
    assert team("set", task_id, "due=fri 09:00", as_member="mira").err == ""


def test_a_round_whose_step_only_its_author_may_take_is_said_so_at_submit_in_the_refusal_and_in_its_state(team: Cli) -> None:
    """mia wrote the copy and takes the copy step alone: the round waited on her for ever, `post submit` said nothing,
    the round read "still open" and her approval's refusal sent her to "another reviewer", whom there is not."""
    post_id = _post(team)
    team.ok("post", "copy", post_id, "Spring is here", as_member="mia")
    submitted = team("post", "submit", post_id, as_member="raj")
    assert submitted.code == 0
    stuck = "step 1 of 2 (copy), @mia, nobody can take it: @mia changed the content"
    assert submitted.out.strip() == f"{post_id[:8]} in review ({stuck})"
    assert submitted.err.strip() == (
        "warning: step 1 of 2 (copy), @mia, can be taken by nobody but an author of this round: a manager changes the "
        'approval chain (crewdeck campaign set spring-launch --approvals "…")'
    )
    # The command is the warning's, runnable as it reads: it read "crewdeck campaign set CAMPAIGN".
    assert one_line_error(team("post", "approve", post_id, as_member="mia")).strip() == (
        "crewdeck: error: @mia changed the content of “Launch reel” in this round, and nobody else may take step 'copy': a "
        'manager changes the approval chain (crewdeck campaign set spring-launch --approvals "…") (rule round_author)'
    )
    assert [p["round"] for p in json.loads(team.ok("post", "list", "--json")) if p["id"] == post_id] == [stuck]
    # The legal step is a group's: lee wrote nothing, so it has a reviewer, and the warning names no other step.
    other = _post(team, "Other reel +spring-launch post:instagram publish:fri 19:00")
    team.ok("post", "copy", other, "Hello", as_member="raj")
    plain = team("post", "submit", other, as_member="raj")
    assert plain.err == "" and plain.out.strip() == f"{other[:8]} in review (step 1 of 2 (copy), @mia, still open)"


def test_a_request_for_changes_a_manager_made_acting_as_a_reviewer_names_both_in_the_posts_state(team: Cli) -> None:
    """The round read "changes requested by @lee" where ana made it acting as lee: the notice and the log said "@ana
    as @lee", the state named only the member acted as."""
    post_id = _post(team)
    team.ok("post", "copy", post_id, "Spring is here", as_member="raj")
    team.ok("post", "submit", post_id, as_member="raj")
    team.ok("post", "approve", post_id, as_member="mia")
    team.ok("member", "set", "ana", "--unix-user", "crewdeck-tests-nobody")  # this account is ana's: --as is ana acting
    said = team.ok("post", "reject", post_id, "--note", "tone it down", as_member="lee").strip()
    # Said once: "changes requested (changes requested by …)" said it twice.
    assert said == f"{post_id[:8]} changes requested by @ana as @lee: tone it down"
    detail = team.ok("show", post_id)
    assert "changes requested by @ana as @lee: tone it down" in detail and "changes requested (" not in detail, detail
    [shown] = [p["round"] for p in json.loads(team.ok("post", "list", "--json")) if p["id"] == post_id]
    assert shown == "changes requested by @ana as @lee: tone it down"


def test_a_round_submitted_again_after_verdicts_on_an_earlier_one_says_nobody_can_take_its_authors_step(team: Cli) -> None:
    """The post reader read the round's authors only where a verdict of the current round, or none at all, was given:
    a post approved in an earlier round, then changed by mia and submitted again, read "still open" on mia's step."""
    post_id = _post(team)
    team.ok("post", "copy", post_id, "Spring", as_member="raj")
    team.ok("post", "submit", post_id, as_member="raj")
    team.ok("post", "approve", post_id, as_member="mia")
    team.ok("post", "copy", post_id, "Spring is here", as_member="mia")
    submitted = team("post", "submit", post_id, as_member="raj")
    stuck = "step 1 of 2 (copy), @mia, nobody can take it: @mia changed the content"
    assert submitted.out.strip() == f"{post_id[:8]} in review ({stuck})", submitted
    assert [p["round"] for p in json.loads(team.ok("post", "list", "--json")) if p["id"] == post_id] == [stuck]


def _shown_as_the_judge_rules_it(team: Cli, post_id: str) -> None:
    """mia changed the content of the post's current round: her step reads "nobody can take it", the post waits on her
    nowhere (the Approvals view's list), and her approval is refused (rule round_author), the readers and the judge alike."""
    stuck = "step 1 of 2 (copy), @mia, nobody can take it: @mia changed the content"
    assert [p["round"] for p in json.loads(team.ok("post", "list", "--json")) if p["id"] == post_id] == [stuck]
    assert json.loads(team.ok("post", "list", "needs:@mia", "--json")) == []
    assert "(rule round_author)" in one_line_error(team("post", "approve", post_id, as_member="mia"))


def test_a_round_put_back_by_an_undo_and_submitted_again_keeps_its_authors_as_the_judge_rules_them(team: Cli) -> None:
    """mia changed raj's copy and raj submitted it; he undid the submission (his first round back: it submits nothing)
    and submitted again.  The readers took the round put back for a submission of other content: the post waited on mia
    ("still open", in her Approvals) for a step the judge refuses her."""
    post_id = _post(team)
    team.ok("post", "copy", post_id, "Spring", as_member="raj")
    team.ok("post", "submit", post_id, as_member="raj")
    team.ok("post", "copy", post_id, "Spring is here", as_member="mia")
    team.ok("post", "submit", post_id, as_member="raj")
    team.ok("undo", as_member="raj")
    team.ok("post", "submit", post_id, as_member="raj")
    _shown_as_the_judge_rules_it(team, post_id)


def test_a_round_withdrawn_by_an_undo_and_submitted_again_keeps_its_authors_as_the_judge_rules_them(team: Cli) -> None:
    """mia wrote the copy and submitted it; she undid the submission (the round withdrawn: no round) and submitted the
    same copy again.  The readers took the withdrawal for a submission of other content: the post waited on mia for a
    step of her own copy, which the judge refuses her."""
    post_id = _post(team)
    team.ok("post", "copy", post_id, "Spring is here", as_member="mia")
    team.ok("post", "submit", post_id, as_member="mia")
    team.ok("undo", as_member="mia")
    team.ok("post", "submit", post_id, as_member="mia")
    _shown_as_the_judge_rules_it(team, post_id)


def test_an_approval_by_an_author_of_a_round_put_back_and_submitted_again_is_taken_by_no_void(team: Cli) -> None:
    """mia changed raj's copy; raj submitted it, undid the submission (his first round back) and submitted it again, and
    mia approved it, as an earlier crewdeck's rules let her in one push (crewdeck web's copy of several members' writes:
    they read the round put back as a submission of other content).  It counts for nothing, so raj's next change takes
    nothing from her: it said it voided "the approval of @mia", which the post never had."""
    post_id = _post(team)
    team.ok("post", "copy", post_id, "Spring", as_member="raj")
    team.ok("post", "submit", post_id, as_member="raj")
    team.ok("post", "copy", post_id, "Spring is here", as_member="mia")
    team.ok("post", "submit", post_id, as_member="raj")
    team.ok("undo", as_member="raj")
    team.ok("post", "submit", post_id, as_member="raj")
    with Store(team.workspace) as held:
        [mia] = [row[0] for row in held.conn.execute("SELECT id FROM member WHERE handle = 'mia'")]
        submitted = held.record("task", post_id)["post_round"]  # type: ignore[index]
        with held.write(mia, judged=False) as w:
            approval = {"post": post_id, "round": submitted["id"], "step": "copy", "hash": submitted["hash"], "verdict": "approve"}
            w.append("post_approval", {**approval, "note": "", "approved_by": mia, "approved_at": NOW})
    stuck = "step 1 of 2 (copy), @mia, nobody can take it: @mia changed the content"
    assert [p["round"] for p in json.loads(team.ok("post", "list", "--json")) if p["id"] == post_id] == [stuck]
    changed = team.ok("post", "copy", post_id, "Spring is here!", as_member="raj")
    assert changed.strip() == f"{post_id[:8]} draft: that voids the round: it is a draft until it is submitted again"


def test_a_step_left_to_those_who_wrote_or_took_an_earlier_step_says_nobody_can_take_it(team: Cli) -> None:
    """Chain a and b both group legal (mia, lee); mia wrote the copy and lee took step a: step b waited for ever and read
    "still open", lee's approval was refused without a word of it and mia's sent her to "another reviewer"."""
    team.ok("member", "set", "mia", "--groups", "legal")
    team.ok("campaign", "set", "spring-launch", "--approvals", "a:group=legal; b:group=legal")
    post_id = _post(team)
    team.ok("post", "copy", post_id, "Spring is here", as_member="mia")
    # Told as it is submitted: lee alone is left for both steps, and one person takes one step.
    assert team("post", "submit", post_id, as_member="raj").err.startswith(
        "warning: step 2 of 2 (b), group legal, can be taken by nobody left once its earlier steps are taken (one person, "
        "one step): a manager changes the approval chain"
    )
    approved = team("post", "approve", post_id, as_member="lee")
    [shown] = [p["round"] for p in json.loads(team.ok("post", "list", "--json")) if p["id"] == post_id]
    assert shown == (
        "step 2 of 2 (b), group legal, nobody can take it: every member of group legal who may take it (@lee, @mia) "
        "changed the content or took step 1 (a)"
    )
    unblock = (
        "nobody else may take step 'b': a manager changes the approval chain (crewdeck campaign set spring-launch "
        '--approvals "…"), or another member joins group legal (crewdeck member set HANDLE --groups …: their groups plus '
        "legal), or a guest in group legal is given the campaign (crewdeck member set HANDLE --campaigns …: their "
        "campaigns plus spring-launch)"
    )
    kept_b = "nobody else may take step 'b': "
    # lee's approval leaves step b to nobody: it says so again, as `post submit` did.
    assert approved.code == 0 and approved.err.strip() == (
        "warning: step 2 of 2 (b), group legal, can be taken by nobody left once its earlier steps are taken (one person, "
        f"one step): {unblock.removeprefix(kept_b).replace('set HANDLE --campaigns', 'set gus --campaigns')}"
    ), approved
    assert one_line_error(team("post", "approve", post_id, as_member="lee")).strip() == (
        f"crewdeck: error: @lee approved a step of this round of “Launch reel” already, and {unblock} (rule one_step_per_round)"
    )
    assert one_line_error(team("post", "approve", post_id, as_member="mia")).strip() == (
        f"crewdeck: error: @mia changed the content of “Launch reel” in this round, and {unblock} (rule round_author)"
    )


def test_a_step_its_taker_can_take_once_another_takes_the_earlier_one_says_so_and_is_taken(team: Cli) -> None:
    """Chain a (group brand: lee, tom), b (group legal: lee, mia); mia wrote the copy and lee took step a: b read "nobody
    can take it", yet lee withdraws, tom takes a, and lee takes b (reviewer rd)."""
    team.ok("member", "add", "tom", "--name", "Tom", "--tz", "UTC", "--groups", "brand")
    team.ok("member", "set", "lee", "--groups", "brand,legal")
    team.ok("member", "set", "mia", "--groups", "legal")
    team.ok("campaign", "set", "spring-launch", "--approvals", "a:group=brand; b:group=legal")
    post_id = _post(team)
    team.ok("post", "copy", post_id, "Spring is here", as_member="mia")
    assert "warning" not in team("post", "submit", post_id, as_member="raj").err
    team.ok("post", "approve", post_id, as_member="lee")

    def shown() -> tuple[str, str]:
        [post] = [p for p in json.loads(team.ok("post", "list", "--json")) if p["id"] == post_id]
        return post["state"], post["round"]

    assert shown() == ("in-review", "step 2 of 2 (b), group legal, still open: @lee can take it once someone else takes step 1 (a)")
    assert one_line_error(team("post", "approve", post_id, as_member="lee")).strip() == (
        "crewdeck: error: @lee approved a step of this round of “Launch reel” already: @lee can take step 'b' once someone "
        "else takes step 1 (a) instead (withdraw that approval, and another member approves it) (rule one_step_per_round)"
    )
    team.ok("post", "withdraw", post_id, as_member="lee")
    team.ok("post", "approve", post_id, as_member="tom")
    team.ok("post", "approve", post_id, as_member="lee")
    assert shown()[0] == "approved"


def test_a_group_step_its_only_taker_wrote_names_them_and_the_guest_the_campaign_would_let_take_it(team: Cli) -> None:
    """Group legal holds lee and gus, a guest not given the campaign; lee wrote the copy.  The round read "everyone in
    group legal changed the content", though gus changed nothing, and the fix said only "another member joins group
    legal" (gus is in it: given the campaign, he takes it) with "--groups …", which replaces a member's groups."""
    team.ok("campaign", "set", "spring-launch", "--approvals", "legal:group=legal")
    post_id = _post(team)
    team.ok("post", "copy", post_id, "Spring is here", as_member="lee")
    submitted = team("post", "submit", post_id, as_member="raj")
    stuck = "step 1 of 1 (legal), group legal, nobody can take it: every member of group legal who may take it (@lee) changed the content"
    assert submitted.out.strip() == f"{post_id[:8]} in review ({stuck})"
    unblock = (
        'a manager changes the approval chain (crewdeck campaign set spring-launch --approvals "…"), or another member '
        "joins group legal (crewdeck member set HANDLE --groups …: their groups plus legal), or a guest in group legal is "
        "given the campaign (crewdeck member set HANDLE --campaigns …: their campaigns plus spring-launch)"
    )
    # The warning names the guest (the rules' refusal knows ids only): it read "crewdeck member set HANDLE --campaigns".
    named = unblock.replace("member set HANDLE --campaigns", "member set gus --campaigns")
    assert submitted.err.strip() == (
        f"warning: step 1 of 1 (legal), group legal, can be taken by nobody but an author of this round: {named}"
    )
    assert one_line_error(team("post", "approve", post_id, as_member="lee")).strip() == (
        "crewdeck: error: @lee changed the content of “Launch reel” in this round, and nobody else may take step 'legal': "
        f"{unblock} (rule round_author)"
    )
    # Given the campaign, gus takes it: the round waits on him.
    team.ok("member", "set", "gus", "--campaigns", "spring-launch")
    [shown] = [p["round"] for p in json.loads(team.ok("post", "list", "--json")) if p["id"] == post_id]
    assert shown == "step 1 of 1 (legal), group legal, still open"


def test_post_show_lists_an_approval_given_in_the_second_of_its_submission_after_it(team: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """A verdict's time is to the second, an operation's stamp to the millisecond: `post show` ordered its history by
    time, and an approval given in the second the post was submitted stood before the submission and the change of the
    copy it followed (reviewer ra's finding)."""
    second = (wall_ms() // 1000 + 2) * 1000  # ahead of every stamp the team's set-up made
    monkeypatch.setattr(store, "wall_ms", lambda: second + 500)
    monkeypatch.setenv("CREWDECK_NOW", utc_iso(dt.datetime.fromtimestamp(second / 1000, dt.UTC)))
    post_id = _post(team)
    team.ok("post", "copy", post_id, "Big day", as_member="raj")
    team.ok("post", "submit", post_id, as_member="raj")
    team.ok("post", "approve", post_id, as_member="mia")
    table = team.ok("post", "show", post_id).split("history (", 1)[1].splitlines()[2:]
    assert [re.split(r"\s{2,}", line)[2] for line in table] == ["created", "changed the copy", "submitted", "approved copy"], table


def test_post_show_history_begins_with_who_created_the_post_and_when_on_the_viewers_clock(
    team: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The history began at the first change after the post was made: who made it, and when, was nowhere in it."""
    second = (wall_ms() // 1000 + 2) * 1000  # ahead of every stamp the team's set-up made
    monkeypatch.setattr(store, "wall_ms", lambda: second)
    made = dt.datetime.fromtimestamp(second / 1000, dt.UTC)
    monkeypatch.setenv("CREWDECK_NOW", utc_iso(made))
    post_id = _post(team)
    monkeypatch.setattr(store, "wall_ms", lambda: second + 60_000)
    team.ok("post", "copy", post_id, "Big day", as_member="raj")
    shown = team.ok("post", "show", post_id, as_member="lee")  # on New York's clock
    header, *rows = shown.split("\nhistory (", 1)[1].splitlines()
    assert header == "America/New_York):"
    when = format_local(made, "America/New_York", made)
    assert [re.split(r"\s{2,}", row) for row in rows[1:]] == [
        [when, "@raj", "created"],
        [format_local(made + dt.timedelta(minutes=1), "America/New_York", made), "@raj", "changed the copy"],
    ]
    history = json.loads(team.ok("post", "show", post_id, "--json", as_member="lee"))["history"]
    assert {k: history[0][k] for k in ("when", "who", "what", "at")} == {
        "when": when,
        "who": "@raj",
        "what": "created",
        "at": utc_iso(made),
    }
    # A post made with its copy (a draft at once): the copy is the making's, no change after it.
    with Store(team.workspace) as held:
        raj = held.conn.execute("SELECT id FROM member WHERE handle = 'raj'").fetchone()[0]
        drafted = writing.add_post(held, raj, {"title": "Teaser", "platform": "instagram", "copy": "Soon"})
    history = json.loads(team.ok("post", "show", drafted, "--json"))["history"]
    assert [(row["who"], row["what"]) for row in history] == [("@raj", "created")]


def test_post_list_says_a_round_changes_were_requested_on_within_the_width(team: Cli, tmp_path: Path) -> None:
    """ROUND was empty for a post whose round had changes requested: who asked, and what, was in `post show` alone."""
    post_id = _post(team)
    team.ok("post", "copy", post_id, "First take", as_member="raj")
    team.ok("post", "submit", post_id, as_member="raj")
    team.ok("post", "reject", post_id, "--note", "shorter, warmer", as_member="mia")
    [row] = [line for line in team.ok("post", "list").splitlines() if line.startswith(post_id[:8])]
    assert row.endswith("  changes requested by @mia: shorter, warmer"), row
    team.ok("post", "copy", post_id, "Second take", as_member="raj")
    team.ok("post", "submit", post_id, as_member="raj")
    team.ok("post", "reject", post_id, "--note", "tone it down " * 20, as_member="mia")
    shown = on_a_terminal(team, tmp_path, 80, "post", "list")
    assert max(len(line) for line in shown) <= 80, shown
    at = next(n for n, line in enumerate(shown) if line.startswith(post_id[:8]))
    assert shown[at + 1].startswith("  round: changes requested by @mia: tone it down tone") and shown[at + 1].endswith("…"), shown

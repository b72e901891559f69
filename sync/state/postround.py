"""A post's approval round, worked out from the records alone.

Shared by the rules (which refuse a verdict that cannot count) and by the
readers (which decide whether a post is approved).  Nothing here reads a
clock or writes anything: the same records give the same answer on every
replica, whatever order they arrived in.

A round starts when a post is submitted (``task.post_round``: its id, the
content hash submitted, when).  A verdict (``post_approval``) counts for
the round when it names the round, carries the post's current content
hash (so a change to the content after it voids it), is by someone who
may take its step (named by the step, or in its group; a guest only for
their campaigns) and who changed none of the content since the previous
round with other content (a round submitted again unchanged keeps its
authors: its author cannot resubmit to approve their own content), nor
wrote any earlier submission of the same content.  Each step takes the earliest counting approval by someone not
already counted for an earlier step (one person, one step per round).
Any counting rejection blocks the round until the author resubmits.
A withdrawal (verdict ``withdraw``) takes back its writer's approvals of its
step in the round stamped before it: they count no more, and a later
approval by them counts again.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

from crewdeck.sync.state.naming import acted_as, post_name

#: The fields whose change voids a round.
CONTENT_FIELDS = ("copy", "link", "media", "first_comment")


def content_hash(copy: str, link: str, media: Sequence[str], first_comment: str) -> str:
    """The hash an approval keeps of the content it saw.

    The fields are joined with separators no stored text holds (the rules
    refuse control characters other than line breaks and tabs), so two
    different contents never join to the same text.
    """
    text = "\x1f".join((copy, link, "\x1e".join(media), first_comment))
    import hashlib  # as in ``records.derived_id``

    return hashlib.sha256(text.encode()).hexdigest()


def content_hash_of(content: Mapping[str, Any]) -> str:
    """``content_hash`` of a post's content fields as decoded from their values (``None`` or absent: empty)."""
    return content_hash(
        content.get("copy") or "", content.get("link") or "", content.get("media") or [], content.get("first_comment") or ""
    )


class PostChange(NamedTuple):
    """A change of a post that its rounds' authors are read from: its content changed by ``author``, or (``author``
    ``None``) its round set to the round ``round_id`` of the content hash ``digest`` (both ``None``: withdrawn)."""

    author: str | None
    round_id: str | None = None
    digest: str | None = None


def post_changes_of(rows: Iterable[Sequence[Any]]) -> list[PostChange]:
    """A post's changes from the log's rows in the order they were stored, each ``(field, member, round id, round hash,
    actor)``: the round's id and hash for a ``post_round``; ``actor``, the manager who made a content change acting as its
    member (``--as``), or ``None``, is an author too."""
    changes = []
    for field_name, member, round_id, digest, actor in rows:
        if field_name == "post_round":
            changes.append(PostChange(None, round_id, digest))
            continue
        changes.append(PostChange(member))
        if actor is not None:
            changes.append(PostChange(actor))
    return changes


def round_authors(changes: Iterable[PostChange], digest: str | None) -> frozenset[str]:
    """The authors of a round of the content hash ``digest`` (``None``: no round): who changed the content after the
    submission last of other content, ``changes`` in the order they were stored (not by stamp: a stamp is its writer's
    to choose, and a change stamped before a round it came after would not make its writer an author).

    A submission is the first change to name its round: a round put back (undoing a submission) or withdrawn (null)
    submits nothing, so the rounds after it do not forget who changed the content before it (its writer would otherwise
    review content they wrote).  A round submitted again unchanged keeps the authors it had.  Every author of an earlier
    submission of ``digest`` is one of the round's too: content changed back to a version submitted before (an undo of
    another's edits, a round put back) is still its writers' words, whatever was submitted in between.  The rules read a
    stored post's changes so (``RuleState.post_changes``) and a push's on top of them, one definition for both."""
    submitted: set[str] = set()
    authors: set[str] = set()
    #: The authors of the earlier submissions of ``digest``, each as it was submitted.
    earlier: set[str] = set()
    for change in changes:
        if change.author is not None:
            authors.add(change.author)
        elif change.round_id is not None and change.round_id not in submitted:
            submitted.add(change.round_id)
            if change.digest == digest:
                earlier |= authors
            else:
                authors = set()
    return frozenset(authors | earlier)


@dataclass(frozen=True)
class Step:
    name: str
    member: str | None
    group: str | None

    def who(self, names: Mapping[str, str]) -> str:
        """Who takes the step, as every display says it: ``@mia``, or ``group brand`` (never ``@brand``: a member's look).
        ``names``: member id -> the member as the reader reads them, "@mia" (a display marks a removed member's,
        "ex-@raj"); a member it lacks reads as the start of their id."""
        if self.member:
            return names.get(self.member, f"@{self.member[:8]}")
        return f"group {self.group}"


def steps_of(chain: Sequence[Mapping[str, Any]]) -> tuple[Step, ...]:
    return tuple(Step(s["name"], s.get("member"), s.get("group")) for s in chain)


@dataclass(frozen=True)
class Reviewer:
    """What decides whether a member may take a step."""

    id: str
    access: str
    groups: frozenset[str]
    #: A guest's campaigns.
    campaigns: frozenset[str]
    deleted: bool = False


@dataclass(frozen=True)
class Verdict:
    """A ``post_approval`` record."""

    id: str
    op_id: str
    round: str
    step: str
    hash: str
    verdict: str
    note: str
    by: str
    at: str
    #: The manager who gave it acting as ``by`` (``--as``), where the reader knows: ``None``.
    actor: str | None = None


def verdict_of(row_id: str, op_id: str, record: Mapping[str, Any]) -> Verdict:
    return Verdict(
        row_id,
        op_id,
        record["round"],
        record["step"],
        record["hash"],
        record["verdict"],
        record.get("note") or "",
        record["approved_by"],
        record["approved_at"],
    )


@dataclass(frozen=True)
class PostReview:
    """What the rules judge a verdict on a post, and its move into the scheduler or out, against."""

    campaign: str | None
    #: ``task.post_round``: the current round, or ``None``.
    round: Mapping[str, Any] | None
    #: The content hash now.
    hash: str
    chain: tuple[Step, ...]
    verdicts: tuple[Verdict, ...]
    #: Who changed the content since the previous round with other content.
    authors: frozenset[str]
    #: The facts of every member (those with a verdict on the post among them): who else may take a step (``untakable``).
    reviewers: Mapping[str, Reviewer]
    platform: str | None = None
    #: ``task.resumed_from``: the crises the post was released from.
    resumed_from: frozenset[str] = frozenset()
    #: ``task.post_state`` as stored, and the publish slot's UTC instant (``None``: no slot).
    state: str | None = None
    slot: str | None = None
    #: ``task.title``: what a refusal names the post by (``naming.post_name``).
    title: str | None = None
    #: The campaign as ``+campaign`` names it (``naming.campaign_slug``; ``None``: in no campaign): what the command a
    #: refusal gives names it by (``chain_command``).
    campaign_slug: str | None = None

    def named(self, post_id: str) -> str:
        """The post as a refusal names it: “Launch reel”; untitled, ``post 1a2b3c4d``."""
        return post_name(self.title, post_id)


def may_take(step: Step, reviewer: Reviewer | None, campaign: str | None) -> bool:
    """Whether this member may approve or reject this step of a post of ``campaign``."""
    if reviewer is None or reviewer.deleted:
        return False
    if reviewer.access == "guest" and (campaign is None or campaign not in reviewer.campaigns):
        return False
    return reviewer.id == step.member if step.member else step.group in reviewer.groups


@dataclass(frozen=True)
class RoundStatus:
    """Where a post's current round stands."""

    round_id: str | None
    steps: tuple[Step, ...]
    #: The approval that satisfies each step, or ``None``.
    satisfied: tuple[Verdict | None, ...] = ()
    #: The counting rejection that blocks the round (the newest), or ``None``.
    rejection: Verdict | None = None
    #: The content changed since the submission, or the post moved to another campaign.
    voided: bool = False
    #: Voided because the post moved to another campaign or platform than the one it was submitted for.
    moved: bool = False
    #: Who changed the content since the previous round with other content: none of them reviews this one.
    authors: frozenset[str] = field(default_factory=frozenset)
    #: The indexes of the steps no one but authors of the round may take, or no one left once its earlier steps are taken
    #: by others (``untakable``), where every member's facts were read.
    untakable: tuple[int, ...] = ()
    #: Who may take the next step (``takers``), where every member's facts were read: what a stuck round says of them.
    next_takers: tuple[str, ...] = ()
    #: Who may take the next step once another member takes the earlier step they took instead (``handing_on``), where
    #: every member who may take it and wrote none of the content holds an earlier step: what such a round says of them.
    next_after_swap: tuple[str, ...] = ()

    @property
    def stuck(self) -> bool:
        """Open, no changes requested, and its next step one nobody but an author of the round may take, or nobody left
        however its earlier steps are taken: it waits for ever, until a manager changes the chain (``unblocking``)."""
        return self.open and self.rejection is None and self.next_step in self.untakable

    @property
    def open(self) -> bool:
        """Submitted, not voided."""
        return self.round_id is not None and not self.voided

    @property
    def approved(self) -> bool:
        return self.open and self.rejection is None and all(v is not None for v in self.satisfied)

    @property
    def next_step(self) -> int | None:
        """Index of the first step no approval satisfies yet."""
        for index, verdict in enumerate(self.satisfied):
            if verdict is None:
                return index
        return None

    def step_approved_by(self, member: str) -> int | None:
        """The index of the step an approval of ``member``'s satisfies in this round (one person takes at most one step of
        a round), or ``None``: what they may withdraw, and why they approve no other step."""
        return next((index for index, v in enumerate(self.satisfied) if v is not None and v.by == member), None)

    def approved_at(self, submitted_at: str | None) -> str | None:
        """When the round became approved: its last approval (the submission, with no steps)."""
        if not self.approved:
            return None
        times = [v.at for v in self.satisfied if v is not None]
        return max(times) if times else submitted_at

    def describe(self, names: Mapping[str, str]) -> str:
        """ "step 2 of 2 (legal), group legal, still open"; "approved"; "changes requested by @mia: note".  ``names``: as
        ``Step.who`` takes them."""
        if self.round_id is None:
            return "not submitted"
        if self.moved:
            return "it moved to another campaign or platform since it was submitted: submit it again"
        if self.voided:
            return "the content changed since it was submitted: submit it again"
        if self.rejection is not None:
            note = f": {self.rejection.note}" if self.rejection.note else ""
            return f"changes requested by {self.rejected_by(names)}{note}"
        index = self.next_step
        if index is None:
            return "approved"
        step = self.steps[index]
        who = step.who(names)
        if self.stuck:
            return f"step {index + 1} of {len(self.steps)} ({step.name}), {who}, nobody can take it: {self._kept_from(step, names)}"
        if self.next_after_swap:
            return f"step {index + 1} of {len(self.steps)} ({step.name}), {who}, still open: {self.swap_words(names)}"
        return f"step {index + 1} of {len(self.steps)} ({step.name}), {who}, still open"

    def swap_words(self, names: Mapping[str, str]) -> str:
        """How the next step is taken when all who may take it hold an earlier step (``next_after_swap``): "@lee can take
        it once someone else takes step 1 (a)"; "" when someone free may take it."""
        return ", ".join(
            f"{names.get(taker, f'@{taker[:8]}')} can take it once someone else takes {self.step_words(self.step_approved_by(taker))}"
            for taker in self.next_after_swap
        )

    def _kept_from(self, step: Step, names: Mapping[str, str]) -> str:
        """Why nobody may take the next step, which ``step`` is: "@mia changed the content", "@lee took step 1 (a)", "every
        member of group legal who may take it (@lee, @mia) changed the content or took an earlier step"."""
        if step.member:
            took = self.step_approved_by(step.member)
            return f"{step.who(names)} changed the content" if took is None else f"{step.who(names)} {self._took(took)}"
        earlier = [self.step_approved_by(taker) for taker in self.next_takers if taker not in self.authors]
        reasons = ["changed the content"] if any(taker in self.authors for taker in self.next_takers) else []
        if earlier:
            reasons.append(self._took(earlier[0]) if len(earlier) == 1 and earlier[0] is not None else "took an earlier step")
        who = ", ".join(sorted(names.get(taker, f"@{taker[:8]}") for taker in self.next_takers))
        return f"every member of {step.who(names)} who may take it ({who}) {' or '.join(reasons)}"

    def _took(self, index: int | None) -> str:
        """ "took step 1 (a)": a step of this round someone's approval satisfies (one person, one step)."""
        return f"took {self.step_words(index)}"

    def step_words(self, index: int | None) -> str:
        """ "step 1 (a)"; "an earlier step" where the index is not known."""
        return "an earlier step" if index is None else f"step {index + 1} ({self.steps[index].name})"

    def rejected_by(self, names: Mapping[str, str]) -> str:
        """Who requested the changes that block the round: "@acme", "@ana as @acme" where a manager acted as them."""
        if self.rejection is None:
            return ""
        by, actor = self.rejection.by, self.rejection.actor
        member = names.get(by, f"@{by[:8]}")
        return acted_as(names.get(actor, f"@{actor[:8]}"), member) if actor else member


def moved(post_round: Mapping[str, Any], campaign: str | None, platform: str | None) -> bool:
    """Whether the post is in another campaign (its chain: who approves) or on another platform (its limits, its
    audience) than the round was submitted for; rounds stored before these were kept have neither."""
    return ("campaign" in post_round and post_round["campaign"] != campaign) or (
        "platform" in post_round and post_round["platform"] != platform
    )


def evaluate(
    *,
    post_round: Mapping[str, Any] | None,
    current_hash: str,
    chain: Sequence[Step],
    verdicts: Collection[Verdict],
    authors: Collection[str],
    reviewers: Mapping[str, Reviewer],
    campaign: str | None,
    platform: str | None = None,
    members: Mapping[str, Reviewer] | None = None,
) -> RoundStatus:
    """The round's status from its records (see the module's doc).  ``members``: every member's facts; given, an open
    round's status says which of its steps only its authors may take (``untakable``)."""
    steps = tuple(chain)
    author_set = frozenset(authors)
    if post_round is None:
        return RoundStatus(None, steps, (None,) * len(steps), authors=author_set)
    round_id = post_round["id"]
    if post_round["hash"] != current_hash:
        return RoundStatus(round_id, steps, (None,) * len(steps), voided=True, authors=author_set)
    if moved(post_round, campaign, platform):
        return RoundStatus(round_id, steps, (None,) * len(steps), voided=True, moved=True, authors=author_set)
    if not verdicts:
        return _with_takers(RoundStatus(round_id, steps, (None,) * len(steps), authors=author_set), members, campaign)
    by_name = {step.name: step for step in steps}
    counting = sorted(
        (
            v
            for v in verdicts
            if v.round == round_id
            and v.hash == current_hash
            and v.by not in author_set
            and v.step in by_name
            and may_take(by_name[v.step], reviewers.get(v.by), campaign)
        ),
        key=lambda v: v.op_id,
    )
    rejections = [v for v in counting if v.verdict == "reject"]
    satisfied = _assign(steps, standing(counting))
    status = RoundStatus(round_id, steps, satisfied, rejections[-1] if rejections else None, authors=author_set)
    return _with_takers(status, members, campaign)


def _with_takers(status: RoundStatus, members: Mapping[str, Reviewer] | None, campaign: str | None) -> RoundStatus:
    """``status`` with the steps nobody left may take and who may take its next step, where ``members`` were read."""
    if members is None:
        return status
    index = status.next_step
    return replace(
        status,
        untakable=untakable(status.steps, members, status.authors, campaign),
        next_takers=() if index is None else takers(status.steps[index], members, campaign),
        next_after_swap=() if index is None else handing_on(status, index, members, campaign),
    )


def takers(step: Step, members: Mapping[str, Reviewer], campaign: str | None) -> tuple[str, ...]:
    """The ids of the members who may take ``step`` (named by it, or in its group; a guest given the campaign)."""
    return tuple(someone.id for someone in members.values() if may_take(step, someone, campaign))


def untakable(steps: Sequence[Step], members: Mapping[str, Reviewer], authors: Collection[str], campaign: str | None) -> tuple[int, ...]:
    """The indexes of the steps some member may take (named by it, or in its group) where no member but an author of the
    round is left to take it however its earlier steps are taken (one person, one step; who holds them now is no
    matter: they may withdraw and another take theirs): the round waits on the step for ever (``unblocking``).
    ``members``: every member's facts.  A step no member at all may take is the chain's to fix, said where it is set,
    and no matter to the steps after it here."""
    eligible = [frozenset(takers(step, members, campaign)) for step in steps]
    out = []
    for index, found in enumerate(eligible):
        if found and not _distinct_takers([people - frozenset(authors) for people in eligible[: index + 1] if people]):
            out.append(index)
    return tuple(out)


def untakable_by(step: Step, members: Mapping[str, Reviewer], authors: Collection[str], campaign: str | None) -> str:
    """Who is left to take an ``untakable`` step, as a warning says it: "nobody but an author of this round", or, where
    some other member may take it but is needed for an earlier step, "nobody left once its earlier steps are taken"."""
    if all(taker in authors for taker in takers(step, members, campaign)):
        return "nobody but an author of this round"
    return "nobody left once its earlier steps are taken (one person, one step)"


def handing_on(status: RoundStatus, index: int, members: Mapping[str, Reviewer], campaign: str | None) -> tuple[str, ...]:
    """Who may take step ``index`` of ``status`` (its next) only once another member takes the earlier step they took
    instead: every member who may take it and wrote none of the content holds an earlier step, and each of those named
    leaves the earlier steps to others who may take them.  Empty when someone free may take it, or nobody can."""
    free = [taker for taker in takers(status.steps[index], members, campaign) if taker not in status.authors]
    if any(status.step_approved_by(taker) is None for taker in free):
        return ()
    earlier = [frozenset(takers(step, members, campaign)) - status.authors for step in status.steps[:index]]
    return tuple(taker for taker in free if _distinct_takers([people - {taker} for people in earlier]))


def _distinct_takers(steps: Sequence[Collection[str]]) -> bool:
    """Whether each step can have a taker of its own among ``steps`` (who may take each), no one taking two: a matching
    found by augmenting paths (a chain is a few steps long, and the members a team)."""
    held: dict[str, int] = {}

    def place(index: int, tried: set[str]) -> bool:
        for taker in sorted(steps[index]):
            if taker in tried:
                continue
            tried.add(taker)
            if taker not in held or place(held[taker], tried):
                held[taker] = index
                return True
        return False

    return all(place(index, set()) for index in range(len(steps)))


def guests_left_out(step: Step, members: Mapping[str, Reviewer], campaign: str | None) -> bool:
    """Whether a guest in the group ``step`` is for lacks the post's campaign (``campaign``; a guest takes no step of a
    post in no campaign): given it, they may take the step (``unblocking``)."""
    return (
        step.group is not None
        and campaign is not None
        and any(
            not someone.deleted and someone.access == "guest" and step.group in someone.groups and campaign not in someone.campaigns
            for someone in members.values()
        )
    )


def chain_command(campaign: str | None) -> str:
    """The command that changes the chain of a post of ``campaign`` (as ``+campaign`` names it; ``None``: in no campaign,
    which takes the workspace's)."""
    if campaign is None:
        return 'crewdeck workspace set approvals "…"'
    return f'crewdeck campaign set {campaign} --approvals "…"'


def unblocking(step: Step, campaign: str | None, guests: bool = False, guest: str = "HANDLE") -> str:
    """What lets a step nobody left may take be taken (``untakable``): a manager changes the chain (a manager takes a
    step only as the table lets any member), or, for a group's step, another member joins the group (``--groups``
    replaces a member's groups: theirs are kept by naming them too), or, ``guests``, a guest of the group is given the
    campaign (``guests_left_out``), ``guest`` the handle of that guest where the caller knows the one (the rules know
    members by id only).  ``campaign``: as ``chain_command`` takes it."""
    said = f"a manager changes the approval chain ({chain_command(campaign)})"
    if step.group:
        said += f", or another member joins group {step.group} (crewdeck member set HANDLE --groups …: their groups plus {step.group})"
    if step.group and guests and campaign is not None:
        said += (
            f", or a guest in group {step.group} is given the campaign "
            f"(crewdeck member set {guest} --campaigns …: their campaigns plus {campaign})"
        )
    return said


def standing(verdicts: Sequence[Verdict]) -> list[Verdict]:
    """The approvals of ``verdicts`` that no withdrawal by their writer of the same round and step, stamped after them,
    took back, in their order.  Each is held against the last withdrawal of its writer, round and step, found in one
    pass: held against every withdrawal, thousands of approvals and withdrawals of one step took seconds per read."""
    last_withdrawal: dict[tuple[str, str, str], str] = {}
    for v in verdicts:
        if v.verdict == "withdraw":
            key = (v.by, v.round, v.step)
            last_withdrawal[key] = max(last_withdrawal.get(key, v.op_id), v.op_id)
    return [v for v in verdicts if v.verdict == "approve" and last_withdrawal.get((v.by, v.round, v.step), "") <= v.op_id]


def _assign(steps: Sequence[Step], approvals: Sequence[Verdict]) -> tuple[Verdict | None, ...]:
    """One approval per step, one step per person: the assignment that satisfies the most steps.

    Ties go to the earliest approvals.  Taking, step by step, the earliest
    approval by someone not yet counted is that assignment whenever it
    satisfies every step (nearly always); otherwise every assignment is
    tried: at most three steps and a few reviewers each.
    """
    greedy: list[Verdict | None] = []
    people: set[str] = set()
    for step in steps:
        found = next((v for v in approvals if v.step == step.name and v.by not in people), None)
        if found is None:
            break
        greedy.append(found)
        people.add(found.by)
    else:
        return tuple(greedy)
    candidates: list[list[Verdict | None]] = []
    for step in steps:
        firsts: dict[str, Verdict] = {}
        for verdict in approvals:  # oldest first
            if verdict.step == step.name:
                firsts.setdefault(verdict.by, verdict)
        candidates.append([*firsts.values(), None])
    best: tuple[Verdict | None, ...] = (None,) * len(steps)
    best_key: tuple[int, list[str]] = (0, [])

    def walk(index: int, chosen: tuple[Verdict | None, ...], people: frozenset[str]) -> None:
        nonlocal best, best_key
        if index == len(steps):
            key = (-sum(v is not None for v in chosen), [v.op_id if v else "~" for v in chosen])
            if best_key == (0, []) or key < best_key:
                best, best_key = chosen, key
            return
        for candidate in candidates[index]:
            if candidate is None or candidate.by not in people:
                walk(index + 1, (*chosen, candidate), people | {candidate.by} if candidate else people)

    walk(0, (), frozenset())
    return best

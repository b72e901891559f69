"""A round's status from its records, and the copy limits, without a workspace."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from crewdeck.sync.state import copylimits as limits
from crewdeck.sync.state.postround import PostChange, Reviewer, Step, Verdict, content_hash, evaluate, round_authors, standing, untakable

ROUND = {"id": "r" * 32, "hash": content_hash("Hello", "", [], ""), "at": "2026-12-01T09:00:00Z"}
CHAIN = (Step("copy", None, "copy"), Step("legal", None, "legal"))
PEOPLE = {
    "mia": Reviewer("mia", "member", frozenset({"copy", "legal"}), frozenset()),
    "lee": Reviewer("lee", "member", frozenset({"copy"}), frozenset()),
    "gus": Reviewer("gus", "guest", frozenset({"legal"}), frozenset({"launch"})),
}


def _v(op: int, by: str, step: str, verdict: str = "approve", digest: str | None = None, round_id: str | None = None) -> Verdict:
    return Verdict(
        f"v{op}", f"{op:04d}", round_id or ROUND["id"], step, digest or ROUND["hash"], verdict, "", by, f"2026-12-01T1{op}:00:00Z"
    )


def _status(
    verdicts: list[Verdict], authors: frozenset[str] = frozenset(), campaign: str | None = "launch", current: str | None = None
) -> object:
    return evaluate(
        post_round=ROUND,
        current_hash=current or ROUND["hash"],
        chain=CHAIN,
        verdicts=verdicts,
        authors=authors,
        reviewers=PEOPLE,
        campaign=campaign,
    )


def test_one_person_one_step_and_the_best_assignment() -> None:
    # mia approved both steps (on two replicas at once), lee the copy step: lee's copy and mia's legal approve the round.
    status = _status([_v(1, "mia", "copy"), _v(2, "mia", "legal"), _v(3, "lee", "copy")])
    assert status.approved
    assert [v.by for v in status.satisfied] == ["lee", "mia"]
    # mia alone cannot take both.
    status = _status([_v(1, "mia", "copy"), _v(2, "mia", "legal")])
    assert not status.approved
    # A group is never written as a handle: "@legal" read as a member called legal.
    assert status.describe({}) == "step 2 of 2 (legal), group legal, still open"


def test_a_step_is_untakable_only_where_no_one_left_may_take_it_however_the_earlier_steps_are_taken() -> None:
    """One person, one step, counted over who may take each step, not over who holds it now: they may withdraw."""
    people = {
        handle: Reviewer(handle, "member", frozenset(groups.split()), frozenset())
        for handle, groups in {"lee": "brand legal", "tom": "brand", "mia": "legal", "ivy": "legal"}.items()
    }
    chain = (Step("a", None, "brand"), Step("b", None, "legal"))
    assert untakable(chain, people, {"mia", "ivy"}, "launch") == ()  # tom takes a, lee b
    assert untakable(chain, {k: v for k, v in people.items() if k != "tom"}, {"mia", "ivy"}, "launch") == (1,)  # lee alone for both
    assert untakable(chain, people, {"mia", "ivy", "lee"}, "launch") == (1,)  # only authors are left for b
    both_legal = (Step("a", None, "legal"), Step("b", None, "legal"), Step("c", None, "nobody"))
    assert untakable(both_legal, people, {"mia"}, "launch") == ()  # lee and ivy; a step no member may take is the chain's
    assert untakable(both_legal, people, {"mia", "ivy"}, "launch") == (1,)
    lee_took_a = evaluate(
        post_round=ROUND,
        current_hash=ROUND["hash"],
        chain=chain,
        verdicts=[_v(1, "lee", "a")],
        authors={"mia", "ivy"},
        reviewers=people,
        campaign="launch",
        members=people,
    )
    names = {handle: f"@{handle}" for handle in people}
    assert not lee_took_a.stuck and lee_took_a.next_after_swap == ("lee",)
    assert lee_took_a.describe(names) == "step 2 of 2 (b), group legal, still open: @lee can take it once someone else takes step 1 (a)"


def test_authors_guests_and_stale_verdicts_do_not_count() -> None:
    assert not _status([_v(1, "lee", "copy"), _v(2, "mia", "legal")], authors=frozenset({"mia"})).approved
    assert _status([_v(1, "lee", "copy"), _v(2, "gus", "legal")]).approved
    assert not _status([_v(1, "lee", "copy"), _v(2, "gus", "legal")], campaign="other").approved
    assert not _status([_v(1, "lee", "copy"), _v(2, "mia", "legal", round_id="o" * 32)]).approved
    changed = _status([_v(1, "lee", "copy"), _v(2, "mia", "legal")], current=content_hash("Hello!", "", [], ""))
    assert changed.voided and not changed.approved


def test_content_changed_back_to_a_version_submitted_before_keeps_its_writers_as_authors() -> None:
    """raj writes A and submits it; tmp writes B and submits it; tmp changes the copy back to A and submits it as a new
    round: raj wrote that content (before, only who changed it since B's submission was an author: tmp)."""
    a, b = content_hash("A", "", [], ""), content_hash("B", "", [], "")
    changes = [PostChange("raj"), PostChange(None, "r1", a), PostChange("tmp"), PostChange(None, "r2", b), PostChange("tmp")]
    assert round_authors([*changes, PostChange(None, "r3", a)], a) == {"raj", "tmp"}
    assert round_authors([*changes, PostChange(None, "r1", a)], a) == {"raj", "tmp"}  # R1 put back: no submission
    assert round_authors(changes[:4], b) == {"tmp"}


def test_a_rejection_blocks_and_says_who_and_why() -> None:
    status = _status(
        [
            _v(1, "lee", "copy"),
            _v(2, "mia", "legal"),
            Verdict("v3", "0003", ROUND["id"], "legal", ROUND["hash"], "reject", "tone", "gus", "x"),
        ]
    )
    assert not status.approved
    assert status.describe({"gus": "@gus"}) == "changes requested by @gus: tone"


def test_content_hash_tells_the_fields_apart() -> None:
    assert content_hash("a", "b", [], "") != content_hash("ab", "", [], "")
    assert content_hash("a", "", ["x", "y"], "") != content_hash("a", "", ["x y"], "")
    assert content_hash("a", "", [], "c") != content_hash("a", "c", [], "")


def test_copy_is_counted_as_each_platform_counts() -> None:
    assert limits.weighted_length("hello") == 5
    assert limits.weighted_length("日本") == 4  # CJK weighs 2
    assert limits.weighted_length("🎉") == 2
    assert limits.weighted_length("see https://example.com/a/very/long/path?q=1 now") == len("see  now") + 23
    assert limits.problems("x", "a" * 280) == []
    assert limits.problems("linkedin", "a" * 3_000) == [] and limits.problems("linkedin", "a" * 3_001)
    assert limits.problems("instagram", "#a #b #c #d #e") == []
    assert limits.problems("instagram", "#a #b #c #d #e #f") == ["instagram takes at most 5 hashtags; this copy has 6"]
    assert limits.hashtags("issue#1 is not a tag, #this is") == ["#this"]
    assert limits.problems("myspace", "a" * 100_000) == []


def test_x_counts_an_emoji_as_2_however_many_code_points_make_it_and_an_accent_with_its_letter() -> None:
    """Mira's tweet of flags and a family emoji read over X's 280 where X (twitter-text v3: twemoji's emoji weigh 2, the
    text counted in its composed form) takes it: each code point of a sequence weighed 2 (🇪🇸 4, 👨‍👩‍👧‍👦 11), and an accent typed
    as its own mark 1 more (a pasted "España" from a decomposing keyboard, 7)."""
    assert [
        limits.weighted_length(t)
        for t in ("🇪🇸", "👍🏽", "👨\u200d👩\u200d👧\u200d👦", "❤️", "1️⃣", "🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f")
    ] == [2] * 6
    assert limits.weighted_length("Espan\u0303a") == limits.weighted_length("España") == 6
    assert limits.weighted_length("©") == 1 and limits.weighted_length("©\ufe0f") == 2  # a text sign, the emoji
    assert limits.weighted_length("🇪🇸🇺🇸 → 日本") == 2 + 2 + 1 + 2 + 1 + 4
    assert limits.problems("x", "🇪🇸" * 140) == []
    assert limits.problems("x", "🇪🇸" * 141) == ["x takes at most 280 weighted characters; this copy has 282"]


_OLD_URL = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
_OLD_PICTOGRAPH = (
    "(?:[\u00a9\u00ae]\ufe0f"
    "|[\u203c\u2049\u2122\u2139\u2190-\u21ff\u2300-\u23ff\u24c2\u25a0-\u27bf\u2900-\u297f\u2b00-\u2bff"
    "\u3030\u303d\u3297\u3299\U0001f000-\U0001faff])"
)
_OLD_MODIFIERS = "[\ufe0f\U0001f3fb-\U0001f3ff\U000e0020-\U000e007f]*"
_OLD_EMOJI = re.compile(
    f"[\U0001f1e6-\U0001f1ff]{{2}}|[#*0-9]\ufe0f?\u20e3|{_OLD_PICTOGRAPH}{_OLD_MODIFIERS}(?:\u200d{_OLD_PICTOGRAPH}{_OLD_MODIFIERS})*"
)


def _weighted_by_each_character(text: str) -> int:
    """X's count as it was defined before one regex pass replaced it: each remaining code point tested against
    twitter-text's light ranges in Python (18 ms a key press on 10,000 characters in the app, review re)."""
    light_ranges = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))
    composed = unicodedata.normalize("NFC", text)
    total = 0
    rest = composed
    for url in _OLD_URL.findall(composed):
        total += 23
        rest = rest.replace(url, "", 1)
    emoji = _OLD_EMOJI.findall(rest)
    total += 2 * len(emoji)
    for char in _OLD_EMOJI.sub("", rest):
        point = ord(char)
        total += 1 if any(low <= point <= high for low, high in light_ranges) else 2
    return total


#: Characters at and around every edge of the light ranges, URLs' and emoji's parts, accents, CJK: what the count
#: turns on.
_EDGES = [chr(p) for edge in (0, 4351, 8192, 8205, 8208, 8223, 8242, 8247) for p in (edge - 1, edge, edge + 1) if p >= 0]
_PIECES = st.sampled_from(
    [
        *_EDGES,
        "a",
        " ",
        "\n",
        "#",
        "é",
        "e\u0303",
        "日",
        "한",
        "—",
        "…",
        "©",
        "\ufe0f",
        "\u200d",
        "\u20e3",
        "1",
        "🇪",
        "🇸",
        "🎉",
        "👍",
        "🏽",
        "❤",
        "®",
        "↔",
        "⬆",
        "〰",
        "*",
        "\U000e0067",
        "\U000e007f",
        "https://",
        "http://",
        "www.",
        "x.co/",
        ".",
        "/",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join))
def test_x_s_count_in_one_pass_is_the_count_character_by_character(text: str) -> None:
    assert limits.weighted_length(text) == _weighted_by_each_character(text)


def _standing_pair_by_pair(verdicts: list[Verdict]) -> list[Verdict]:
    """``standing`` as it was, each approval held against every withdrawal: the answer it must still give."""
    withdrawn = [v for v in verdicts if v.verdict == "withdraw"]
    return [
        v
        for v in verdicts
        if v.verdict == "approve"
        and not any(w.by == v.by and w.round == v.round and w.step == v.step and w.op_id > v.op_id for w in withdrawn)
    ]


@given(
    st.lists(
        st.tuples(
            st.integers(0, 40),
            st.sampled_from(["mia", "lee"]),
            st.sampled_from(["copy", "legal"]),
            st.sampled_from(["approve", "withdraw", "reject"]),
        ),
        max_size=30,
    ),
    st.booleans(),
)
@settings(max_examples=300, deadline=None)
def test_standing_keeps_the_approvals_no_later_withdrawal_took_back_as_pair_by_pair_did(
    made: list[tuple[int, str, str, str]], second_round: bool
) -> None:
    """Stamps given twice, in any order, of two writers, steps and (``second_round``) rounds."""
    verdicts = [_v(op, by, step, verdict, round_id="s" * 32 if second_round and op % 3 == 0 else None) for op, by, step, verdict in made]
    assert standing(verdicts) == _standing_pair_by_pair(verdicts)


class _Stamp(str):
    """An ``op_id`` that counts how often it is compared."""

    compared = 0

    def _count(self, other: object, compare: str) -> bool:
        _Stamp.compared += 1
        return bool(getattr(str, compare)(self, other))

    def __lt__(self, other: str) -> bool:
        return self._count(other, "__lt__")

    def __le__(self, other: str) -> bool:
        return self._count(other, "__le__")

    def __gt__(self, other: str) -> bool:
        return self._count(other, "__gt__")

    def __ge__(self, other: str) -> bool:
        return self._count(other, "__ge__")


def test_standing_compares_each_verdict_a_few_times_however_many_its_writer_gave() -> None:
    """A member stores thousands of approvals and withdrawals of one step (each accepted: the last is withdrawn each
    time); each approval was compared with every withdrawal, 0.44 s per view of the post at 5,000."""
    verdicts = [replace(_v(op, "mia", "copy", "approve" if op % 2 == 0 else "withdraw"), op_id=_Stamp(f"{op:06d}")) for op in range(2_000)]
    _Stamp.compared = 0
    assert standing(verdicts) == []
    assert _Stamp.compared <= 3 * len(verdicts), _Stamp.compared

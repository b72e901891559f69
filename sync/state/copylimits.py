"""How long a post's copy may be on each platform, counted as the platform counts.

One table (``LIMITS``); a platform not in it has no limit crewdeck knows.
X counts "weighted" characters as its open-source twitter-text (v3)
does: on the text in Unicode's composed form (NFC), every URL 23 whatever
its length, every emoji 2 however many code points make it (a flag, a
keycap, a skin tone, a family joined by zero-width joiners), and any
other code point 1 in the ranges below, 2 outside them (CJK).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Limit:
    #: The most characters (weighted ones for X).
    chars: int
    #: The most hashtags, when the platform caps them.
    hashtags: int | None = None
    #: Counted as X counts (see the module's doc).
    weighted: bool = False


LIMITS: dict[str, Limit] = {
    "x": Limit(280, weighted=True),
    "linkedin": Limit(3_000),
    "threads": Limit(500, hashtags=1),
    # Instagram allows at most 5 hashtags per post since December 2025.
    "instagram": Limit(2_200, hashtags=5),
    "facebook": Limit(63_206),
    "tiktok": Limit(4_000),
    "pinterest": Limit(500),
    "youtube": Limit(5_000),
    "bluesky": Limit(300),
}

#: Any code point outside twitter-text v3's ranges that weigh 1 (U+0000-U+10FF, U+2000-U+200D, U+2010-U+201F,
#: U+2032-U+2037): one that weighs 2.  A class the regex engine scans in C, where a test of each character against
#: the ranges in Python cost the app's counter 18 ms a key press on a copy of 10,000 characters (review re).
_HEAVY = re.compile("[^\u0000-\u10ff\u2000-\u200d\u2010-\u201f\u2032-\u2037]")
_URL = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
_URL_WEIGHT = 23
#: Pictographs an emoji starts with (twitter-text finds emoji with twemoji's list; these blocks hold them): the ones
#: below U+1100, which weigh 1 alone, only with the emoji variation selector.
_PICTOGRAPHS = (
    "\u203c\u2049\u2122\u2139\u2190-\u21ff\u2300-\u23ff\u24c2\u25a0-\u27bf\u2900-\u297f\u2b00-\u2bff"
    "\u3030\u303d\u3297\u3299\U0001f000-\U0001faff"
)
_PICTOGRAPH = f"(?:[\u00a9\u00ae]\ufe0f|[{_PICTOGRAPHS}])"
#: What follows a pictograph inside one emoji: the emoji variation selector, a skin tone, a subdivision flag's tags.
_MODIFIERS = "[\ufe0f\U0001f3fb-\U0001f3ff\U000e0020-\U000e007f]*"
#: One emoji as X counts it (weight 2): a flag (two regional indicators), a keycap, a pictograph with its modifiers and
#: whatever others zero-width joiners join to it.  The lookahead of every character one starts with lets the engine
#: pass over the others without trying each of the three forms there (a third of the time on a long copy).
_EMOJI = re.compile(
    f"(?=[\U0001f1e6-\U0001f1ff#*0-9\u00a9\u00ae{_PICTOGRAPHS}])"
    f"(?:[\U0001f1e6-\U0001f1ff]{{2}}|[#*0-9]\ufe0f?\u20e3|{_PICTOGRAPH}{_MODIFIERS}(?:\u200d{_PICTOGRAPH}{_MODIFIERS})*)"
)
_HASHTAG = re.compile(r"(?<![\w#])#\w+")


def weighted_length(text: str) -> int:
    """The length X counts: URLs 23 each, emoji 2 each, other code points 1 or 2 by range, in the composed form (an
    accent typed as its own combining mark counts with its letter as one, as X counts it)."""
    rest, urls = _URL.subn("", unicodedata.normalize("NFC", text))
    rest, emoji = _EMOJI.subn("", rest)
    light = len(_HEAVY.sub("", rest))
    return _URL_WEIGHT * urls + 2 * emoji + light + 2 * (len(rest) - light)


def hashtags(text: str) -> list[str]:
    return _HASHTAG.findall(text)


def limit_of(platform: str | None) -> Limit | None:
    """The platform's limits, whatever the case it is written in (a post's may be "Instagram": a push, a file from
    before), or ``None``: none crewdeck knows."""
    return LIMITS.get((platform or "").lower())


def length(platform: str | None, text: str) -> int:
    limit = limit_of(platform)
    return weighted_length(text) if limit is not None and limit.weighted else len(text)


def problems(platform: str | None, text: str) -> list[str]:
    """What is over the platform's limits in this copy (nothing: it fits)."""
    limit = limit_of(platform)
    if limit is None:
        return []
    out = []
    used = length(platform, text)
    if used > limit.chars:
        unit = "weighted characters" if limit.weighted else "characters"
        out.append(f"{platform} takes at most {limit.chars:,} {unit}; this copy has {used:,}")
    if limit.hashtags is not None:
        tags = hashtags(text)
        if len(tags) > limit.hashtags:
            out.append(f"{platform} takes at most {limit.hashtags} hashtag{'s' if limit.hashtags != 1 else ''}; this copy has {len(tags)}")
    return out


def counted(platform: str | None, text: str) -> tuple[str, bool]:
    """The copy's length as ``platform`` counts it against its limit, and its hashtags where it caps them (what
    ``problems`` refuses a submission by), and whether it is over either: "241/280 weighted characters", "2,210/2,200
    characters: 10 over · 6/5 hashtags: 1 over"; "12 characters (no limit known)" on a platform crewdeck knows no limit
    of, "12 characters" with none.  The one line of the app's copy editor (after the platform's name) and of ``post
    show``, which said "49 of 2,200 characters" where the editor said "49/2,200", never over nor the hashtags (review re)."""
    limit = limit_of(platform)
    used = length(platform, text)
    if limit is None:
        return f"{used:,} characters" + (" (no limit known)" if platform else ""), False
    unit = "weighted characters" if limit.weighted else "characters"
    parts = [f"{used:,}/{limit.chars:,} {unit}" + (f": {used - limit.chars:,} over" if used > limit.chars else "")]
    over = used > limit.chars
    if limit.hashtags is not None:
        tags = len(hashtags(text))
        parts.append(f"{tags}/{limit.hashtags} hashtags" + (f": {tags - limit.hashtags} over" if tags > limit.hashtags else ""))
        over = over or tags > limit.hashtags
    return " · ".join(parts), over

"""How long a post's copy may be on each platform, counted as the platform counts.

One table (``LIMITS``); a platform not in it has no limit crewdeck knows.
X counts "weighted" characters as its open-source twitter-text (v3)
does: a code point in the ranges below weighs 1, any other (CJK, emoji)
2, and every URL 23 whatever its length.
"""

from __future__ import annotations

import re
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

#: twitter-text v3's ranges of code points that weigh 1.
_LIGHT = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))
_URL = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
_URL_WEIGHT = 23
_HASHTAG = re.compile(r"(?<![\w#])#\w+")


def weighted_length(text: str) -> int:
    """The length X counts: URLs 23 each, other code points 1 or 2 by range."""
    total = 0
    rest = text
    for url in _URL.findall(text):
        total += _URL_WEIGHT
        rest = rest.replace(url, "", 1)
    for char in rest:
        point = ord(char)
        total += 1 if any(low <= point <= high for low, high in _LIGHT) else 2
    return total


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

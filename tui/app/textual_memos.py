"""A memo of Textual's that keeps what every widget last drew, gone or not: emptied when the app collects.

``StylesCache.get_inner_outer`` is an ``lru_cache`` on a method, so each of its
1,024 keys holds a widget's ``StylesCache`` and, in it, the lines last drawn
for the widget.  Every toast of a teammate's change, every dialog closed, stayed
in it until a thousand more came: an app left open grew by ~16 kB with each
change a teammate made (5 MB in 300) until the memo was full.  What it remembers
is two ``Style`` objects made from two colours: cheap to make again at the next
paint.
"""

from __future__ import annotations

import gc

from textual._styles_cache import StylesCache


def collect() -> None:
    """Forget the memo, then collect everything (the ``IdleCollector``'s collection, while nobody types).

    A Textual that has no such memo (the leak fixed upstream, Textualize/textual#6665) has nothing to forget: the
    app goes on rather than end in its collector's tick."""
    forget = getattr(StylesCache.get_inner_outer, "cache_clear", None)
    if forget is not None:
        forget()
    gc.collect()

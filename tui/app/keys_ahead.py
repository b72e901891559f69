"""Keys typed ahead of what an action changes: handled by whatever has focus once it has run."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol, cast, runtime_checkable

from textual import events
from textual._ansi_sequences import ANSI_SEQUENCES_KEYS
from textual.dom import DOMNode
from textual.keys import KEY_NAME_REPLACEMENTS, _character_to_key

from crewdeck.tui.app.screens.help import shown_key
from crewdeck.widgets.windowed_table import StillWaiting

#: The keys remembered as sent on are looked over (those that will not come back forgotten) once this many, then
#: once twice as many as the last look left.
LOOK_AFTER = 64


@runtime_checkable
class HoldsKeys(Protocol):
    """The app, which holds the keys typed while an action reads before it opens its dialog (``KeysAhead.reading``)."""

    def keys_wait_for_dialog(self, reading: str) -> Callable[[], None]:
        """Hold the keys typed from now while the action reads (``reading``: "the post was read"); the callable returned (on the UI
        thread, once the dialog is pushed or none will be) sends them to the dialog, or on to where the focus is when
        none opened."""
        ...

    def keys_wait_for(
        self, reading: str, too_long: Callable[[], StillWaiting | None] | None = None, kept: events.Key | None = None
    ) -> HeldRead:
        """Hold the keys typed from now while ``reading`` ("the tasks were counted"), for what the keys before them do
        once it is over (``G``'s move to the last row); ``too_long`` is called if they were dropped for waiting as long
        as they may (none typed, or dropped and said), and answers which keys before them still wait, for it to say.
        ``kept``: a key pressed before the read was in, which waits ahead of them (``KeysAhead.reading``)."""
        ...


#: What a read's dialog waits for: the keys and the pastes typed meanwhile, in order (``KeysAhead.reading``).
Typed = events.Key | events.Paste

#: How many of the keys dropped (``dropped_line``) are named, the rest counted.
DROPPED_NAMED = 8


@dataclass(frozen=True)
class HeldRead:
    """The keys held while a read is under way (``HoldsKeys.keys_wait_for``): sent on, or dropped saying why."""

    #: Sends them on to where the focus is, as if typed now.
    send_on: Callable[[], None]
    #: Drops them, saying so and why (``dropped_line``'s ``why``), naming first the keys that waited before them.
    drop: Callable[[str, Sequence[str]], None]


#: Why keys held for a read were dropped when it took as long as they may wait.
TOO_LONG = "it took longer than usual; type again"


def dropped_line(
    dropped: list[Typed], reading: str, why: str = TOO_LONG, waited: Sequence[str] = (), still: StillWaiting | None = None
) -> str:
    """The notice of what was typed while an action read (``reading``: "the post was read") and was dropped, ``why``
    (it took too long: ``read_too_long``): "3 keys (q c j) and a paste typed while the post was read were dropped: …".
    ``waited``: the keys (as typed) that waited for the read before those, named first (``G`` waiting for the count).
    ``still``: the keys before those that were not dropped and still act ("(G still goes to the last row once counted)"):
    a person told to type again would not expect the cursor to move by itself later."""
    keys = [shown_key(key) for key in waited] + [shown_key(typed.key) for typed in dropped if isinstance(typed, events.Key)]
    pastes = len(dropped) - (len(keys) - len(waited))
    named = " ".join(keys[:DROPPED_NAMED]) + (" …" if len(keys) > DROPPED_NAMED else "")
    parts = [f"{len(keys)} key{'s' if len(keys) > 1 else ''} ({named})"] if keys else []
    parts += ["a paste" if pastes == 1 else f"{pastes} pastes"] if pastes else []
    were = "were" if len(keys) + pastes > 1 else "was"
    kept = f" ({' '.join(shown_key(key) for key in still.keys)} still {still.does})" if still is not None else ""
    return f"{' and '.join(parts)} typed while {reading} {were} dropped: {why}{kept}"


#: How a key was sent on: as typed, sent again, or sent again a last time while the focus stays where it is.
Round = Literal["typed", "again", "last"]


@dataclass(frozen=True)
class Sent:
    """A key as the app sent it on: to what, how many actions had run by then, and in which round."""

    key: events.Key
    to: DOMNode
    actions: int
    round: Round


#: The keys Textual reads ``escape`` and a character typed right after it in one read as (``\x1b3``) where its
#: table folds the two into another character (``£``), and the private-use character each is read as instead
#: (``unfold_escape_and_digit``): U+E000 plus the character's code, never typed, never printable.
UNFOLDED = "0123456789-=§"
_FOLDED = {chr(0xE000 + ord(character)): character for character in UNFOLDED}


def escape_and_key(key: events.Key) -> tuple[events.Key, events.Key] | None:
    """The ``escape`` and the key that ``key``, an ``alt+`` key, stands for; None for any other key.

    A terminal sends ``escape`` and a key typed right after it in one read,
    which reads as the ``alt+`` key (``escape``, ``j`` is ``alt+j``).  No
    one types those here: ``escape`` then ``j`` typed fast closed nothing
    and typed ``j`` into the field ``escape`` meant to close.
    """
    character = key.character
    if not key.key.startswith("alt+") or character is None or len(character) != 1:
        return None
    name = key.key.removeprefix("alt+")
    character = _FOLDED.get(character, character)
    return events.Key("escape", "\x1b"), events.Key(character if name.startswith("shift+") else name, character)


def unfold_escape_and_digit() -> None:
    """Have Textual read ``escape`` and a digit typed fast (one read: ``\\x1b3``) as the ``alt+`` key, which
    ``escape_and_key`` splits, as it reads ``escape`` and a letter; ``-``, ``=`` and ``§`` likewise.

    Textual reads those bytes as option and the key on a Mac, the way
    WezTerm sends it there: the character other terminals send for it
    (``£`` for ``3``).  From the Results posts list, ``escape``, ``escape``
    and ``3`` typed fast went back one level and never reached the Budget
    pane; ``escape`` and ``3`` in the filter box typed ``£`` into it.  A
    ``£`` the terminal sends as such stays itself; WezTerm's option and a
    digit is now ``escape`` and the digit.

    The sequences stay in Textual's table, each read as a private-use
    character whose key is the ``alt+`` key (``alt+3``, ``alt+minus``):
    matched as soon as read.  Taken out of it, Textual's parser waited for
    more, and another escape sequence in the same read (``\\x1b3\\x1b[B``:
    ``escape``, ``3`` and ``down`` typed fast) made it send the two as a
    literal ``^`` and ``3``, typed into the filter box.  Textual's folds of
    ``escape`` and ``b`` or ``f`` stay (ctrl+left and ctrl+right, iTerm's
    option and an arrow, which move a field's cursor by a word).
    """
    table = cast("dict[str, object]", ANSI_SEQUENCES_KEYS)
    for folded, character in _FOLDED.items():
        table[f"\x1b{character}"] = folded
        KEY_NAME_REPLACEMENTS[folded] = f"alt+{_character_to_key(character)}"


class KeysAhead:
    """The keys the app has sent on to a widget, and how many actions had run when it did.

    A terminal delivers a fast typist's keys in one read, and the app sends
    each on to the widget focused as it takes it from its queue: the keys
    after one whose action opens a dialog or moves the focus (``a``, ``/``)
    have gone to the widget under the dialog before that action runs.  They
    come back to the app unhandled, where they matched the bindings of
    wherever the focus had gone, or nothing: ``/`` and ``done`` typed fast
    marked the task under the cursor done, ``a`` and a title lost the title.
    A key that comes back after an action has run is sent again, as if typed
    then: the focus the action gave (a dialog's field) takes it.

    A burst may move the focus more than once (``3``, ``/`` and ``canva``;
    ``enter``, ``:`` and a field; ``2``, ``Z`` and a zone's number): a key
    sent again comes back after another action, and goes on to where the
    focus is then if that is elsewhere.  If it is where the key was sent,
    the focus may yet move: a widget's ``focus()`` takes effect when the
    app's queue reaches it, and a dialog opened by a message to the pane a
    little later still.  The key is looked at again behind what is queued,
    then sent again a last time, and handled where it comes back only if
    the focus has stayed (a burst of ``j``: each goes round a few times at
    most, not again after each other's action).
    """

    def __init__(self) -> None:
        self.actions = 0
        self._sent: dict[int, Sent] = {}
        #: How many keys remembered make the next look for those no longer in flight (``sent``).
        self._look_at = LOOK_AFTER
        #: The keys sent again, not yet sent on, and in which round.
        self._again: dict[int, tuple[events.Key, Round]] = {}
        #: The keys back from where the focus still is after an action, to look at again behind what is queued.
        self._later: dict[int, Sent] = {}
        #: An ``enter`` sent on to a text field, the field, whether it is back (its binding run), the keys after it,
        #: and whether one of them came after it was back.
        self._enter: events.Key | None = None
        self._field: DOMNode | None = None
        self._enter_back = False
        self._held: list[events.Key] = []
        self._typed_since_back = False
        #: The keys wait for the focus to leave the field, whatever is typed meanwhile (an ``escape``'s).
        self._until_focus_leaves = False
        #: The reads under way whose dialog the keys typed meanwhile wait for (``reading``), the last one's number, and
        #: those keys (and pastes).
        self._reads: set[int] = set()
        self._last_read = 0
        #: The read what was typed after a paste waits on, held back for the keys before it, released with them.
        self.after_keys: int | None = None
        #: The keys sent on ahead of what waits for them (``after_keys``).
        self._released: dict[int, Typed] = {}
        self._read_held: list[Typed] = []

    def hold(self, key: Typed) -> bool:
        """Whether ``key``, typed after an ``enter`` sent on to a text field, waits for what that ``enter`` does.

        A text field takes the keys queued behind ``enter`` before the app
        has run ``enter``'s binding: ``Buy milk``, ``enter`` and ``jj`` typed
        fast added "Buy milkjj", and ``reel``, ``enter`` and ``jd`` in the
        filter box filtered by "reeljd".  The keys of its burst wait until
        the binding has run and the focus has left the field (the dialog
        closed, the list filtered), to go where it went; all go on as soon
        as one is typed after the binding has run (the field kept the focus:
        its text refused, the person fixes it).  The keys after an
        ``escape`` in a field wait the same way (``escape_in_field``).
        A paste waits only for a read (``reading``), with its keys: the
        field's text it went to is in the box, typed or pasted alike.
        """
        if self._reads and self._released.pop(id(key), None) is not key:
            # Sent on afresh once the read is over, as if typed then: a key sent again a last time before it was held
            # kept that round, and came back after the read's action to the list's bindings, past a verdict's key held
            # again before it (``Y``, ``N`` and a note: the note's ``a`` opened Quick add).
            self._again.pop(id(key), None)
            self._read_held.append(key)
            return True
        if self._enter is None or isinstance(key, events.Paste):
            return False
        self._held.append(key)
        self._typed_since_back = self._enter_back and not self._until_focus_leaves
        return True

    def reading(self, kept: events.Key | None = None) -> int:
        """An action reads in a worker before it opens its dialog (a post's moves, its content, read as stored): the
        keys and pastes typed from now wait for it (``read_over``), where they went to the list under it, its bindings
        (``s`` and ``c`` typed fast: the ``c`` copied the post, not chose to write its copy), and a paste was lost.
        ``kept``: a key that waits for the read itself, ahead of them (a verdict's, pressed before the rules said
        whether it is mine: ``hidden_keys.KeepsEarlyKeys``).  The read's number, for its ``read_over``."""
        if self.after_keys is not None:  # what waited for the keys before it waits for this read's dialog
            self._reads.discard(self.after_keys)
            self.after_keys = None
        if self._enter is not None:
            # The field's enter reads before it goes on (a filter applied once its list is read): the keys held for it
            # wait for the read, first.  Sent on after waiting for the enter, they went back into the field ("-#tiktokGk").
            self._read_held = [*self._held, *self._read_held]
            self._held, self._enter, self._field = [], None, None
        if kept is not None:
            self._read_held.append(kept)
        return self._wait_after_keys()

    def read_over(self, read: int) -> list[Typed]:
        """The read ``read`` is over, its dialog pushed or none, or a dialog was pushed before it was and its keys
        have waited as long as they may: what was typed while it was under way, once no other read is.  Once per
        read: the later of the two (a timer after the release, a release after the timer) finds it over and does
        nothing, where it took what waited behind the keys released (a paste) as its own."""
        if read not in self._reads:
            return []
        self._reads.discard(read)
        if self._reads:
            return []
        held = self._read_held
        # A paste after keys waits for what they do (``c``: a read of the copy, then its editor); sent with them, it
        # reached the picker before the ``c`` had chosen, and was lost.  Until the read they start takes it, or it has
        # waited as long as keys may (``after_keys``: the app's timer), to go where the focus is then.
        cut = next((i for i, typed in enumerate(held) if i and isinstance(typed, events.Paste)), len(held))
        self._read_held = held[cut:]
        self.after_keys = self._wait_after_keys() if self._read_held else None
        # Sent on past what waits: not held again behind it.
        self._released = {id(typed): typed for typed in held[:cut]} if self.after_keys is not None else {}
        return held[:cut]

    def read_too_long(self, read: int) -> list[Typed]:
        """The read ``read`` is still under way when its keys have waited as long as they may, no dialog pushed: what
        was typed meanwhile, dropped (once no other read is, which may yet open a dialog for it), to be said.  Sent
        where the focus is, a ``q`` typed for a note quit the app and a ``c`` ran the list's binding, and the dialog
        opened later on a list that had moved.  Nothing once the read is over (``read_over`` took them)."""
        if read not in self._reads:
            return []
        self._reads.discard(read)
        if self._reads:
            return []
        dropped, self._read_held, self.after_keys, self._released = self._read_held, [], None, {}
        return dropped

    def under_way(self, read: int) -> bool:
        """Whether the keys typed while ``read`` wait for it still (neither sent on nor dropped)."""
        return read in self._reads

    def _wait_after_keys(self) -> int:
        self._last_read += 1
        self._reads.add(self._last_read)
        return self._last_read

    def enter_in_field(self, key: events.Key, field: DOMNode) -> None:
        """``key``, an ``enter``, is being sent on to the text field ``field``: the keys after it wait for it."""
        self._enter, self._field, self._enter_back, self._typed_since_back = key, field, False, False
        self._until_focus_leaves = False

    def escape_in_field(self, key: events.Key, field: DOMNode) -> None:
        """``key``, an ``escape``, is being sent on to the text field ``field``: the keys after it wait for the
        focus to leave it (what has the field, a dialog or the filter box, closes), the field taking them
        otherwise.  No binding of the field's is waited for: what ``escape`` does, its owner does."""
        self.enter_in_field(key, field)
        self._enter_back = self._until_focus_leaves = True

    @property
    def enter(self) -> events.Key | None:
        """The ``enter`` sent on to a text field that keys wait for (None: none waits)."""
        return self._enter

    def came_back(self, key: events.Key) -> bool:
        """Whether ``key`` is the ``enter`` the held keys wait for, back for its binding."""
        if key is not self._enter:
            return False
        self._enter_back = True
        return True

    def release(self, enter: events.Key, focus: DOMNode, *, answering: bool = False, waited: bool = False) -> list[events.Key]:
        """The keys held for ``enter`` (none if they wait for another) once they may go on (``hold``), or once they
        have ``waited`` as long as they may.  ``answering``: the field's dialog is acting on its answer (a write),
        and closes or says why not when done: the keys wait for that however long it takes (typed into the
        field meanwhile, they went with it)."""
        done = self._enter_back and (focus is not self._field or self._typed_since_back)
        if enter is not self._enter or answering or not (waited or done):
            return []
        held, self._held, self._enter, self._field = self._held, [], None, None
        return held

    def sent(self, key: events.Key, to: DOMNode) -> None:
        """``key`` is being sent on to ``to``, the focused widget (or the screen)."""
        again = self._again.pop(id(key), None)
        self._sent[id(key)] = Sent(key, to, self.actions, again[1] if again is not None and again[0] is key else "typed")
        if len(self._sent) > self._look_at:
            self._forget_settled()

    def taken(self, key: events.Key) -> None:
        """``key``, sent on, was taken before the focus had it (a priority binding's, ``ctrl+p``): it will not come
        back, and is forgotten now (its widget may stay for the session, keeping it at every look)."""
        self._sent.pop(id(key), None)

    def __len__(self) -> int:
        """How many keys sent on are remembered."""
        return len(self._sent)

    def _forget_settled(self) -> None:
        """Forget the keys that will not come back: those a widget took (stopped) and those whose widget has gone.

        Every other key is remembered until it comes back, however many were
        typed in one burst: a limit of 64 let the first keys of a title typed
        or pasted as keys after ``a`` come back unknown, to match the task
        list's bindings.  Looked for once the keys remembered have doubled
        since the last look, so that it costs each key a constant share.
        """
        # A widget takes a key by stopping it, which Textual records only in the message's own flag.
        self._sent = {k: s for k, s in self._sent.items() if not s.key._stop_propagation and s.to.is_attached}
        self._look_at = max(LOOK_AFTER, 2 * len(self._sent))

    def sent_again(self, key: Typed) -> bool:
        """Whether ``key`` is one sent again (``typed_ahead``), on its way back to the app, not yet sent on."""
        again = self._again.get(id(key))
        return again is not None and again[0] is key

    def coming_back(self) -> bool:
        """Whether a key sent on before the last action may yet come back, to be sent again where the focus is now:
        a key typed after it and sent on straight away would get there first."""
        if self._again or self._later:
            return True
        return any(s.actions != self.actions and not s.key._stop_propagation and s.to.is_attached for s in self._sent.values())

    def typed_ahead(self, key: events.Key, focus: DOMNode) -> events.Key | None:
        """What to post to the app for ``key``, back unhandled with the focus on ``focus``: a key to send on
        again, or ``key`` itself to look at again later; None when it is handled here, as usual."""
        later = self._later.pop(id(key), None)
        if later is not None and later.key is key:
            return self._send_again(key, "last" if focus is later.to else "again")
        sent = self._sent.pop(id(key), None)
        if sent is None or sent.key is not key or sent.actions == self.actions:
            return None
        if sent.round == "typed" or focus is not sent.to:
            return self._send_again(key, "again")
        if sent.round == "again":
            self._later[id(key)] = sent
            return key
        return None

    def _send_again(self, key: events.Key, round: Round) -> events.Key:
        again = events.Key(key.key, key.character)
        # When it was typed, not sent again: a question up since then takes no key typed before it (``PickerScreen``).
        again.time = key.time
        self._again[id(again)] = (again, round)
        return again

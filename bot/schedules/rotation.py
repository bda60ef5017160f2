"""Pure per-channel rotation: which principle and which Respekttrappan step come next.

The principle moves on with every post. The Respekttrappan step does not move when an
APT agenda goes out: it moves when that APT is marked "Genomförd ✅"
(`bot.store.traces.PostTraces.mark_held`), so an APT that did not take place is followed
by one with the same step ("Vi fortsätter med steg N"). A meeting that is skipped (a
holiday, a pause, or another HP-punkt of its channel that week: `bot.schedules.weekly`) is
never posted, so it moves nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

PRINCIPLES = ("jämställdhet", "tillgänglighet", "icke-diskriminering")
STEPS = 7


@dataclass(frozen=True)
class ChannelState:
    """Where one channel is: HP-punkter posted so far, next APT step, paused or not.

    last_step: the step the channel's latest APT agenda showed (None: no APT posted yet).
    """

    channel: str
    hp_count: int = 0
    next_step: int | None = None  # None: the APT schedule's start_step
    paused: bool = False
    last_step: int | None = None

    def principle(self) -> str:
        """Return the principle of the channel's next HP-punkt.

        >>> ChannelState("C1", hp_count=4).principle()
        'tillgänglighet'
        """
        return PRINCIPLES[self.hp_count % len(PRINCIPLES)]

    def round(self) -> int:
        """Return how many times the channel has been through all three principles."""
        return self.hp_count // len(PRINCIPLES)

    def step(self, start_step: int) -> int:
        """Return the channel's next Respekttrappan step (1–7)."""
        return self.next_step or start_step

    def continues(self, start_step: int) -> bool:
        """Return True when the next APT takes up the step the last one showed (it was not held).

        >>> ChannelState("C1", next_step=3, last_step=3).continues(1)
        True
        >>> ChannelState("C1", next_step=4, last_step=3).continues(1)
        False
        """
        return self.last_step is not None and self.last_step == self.step(start_step)


def advance(state: ChannelState, kind: str, start_step: int = 1) -> ChannelState:
    """Return the state after a post of `kind` went out.

    Both kinds carry an HP-punkt, so both move the principle rotation on. An APT pins its
    step as the channel's next one until the APT is marked held.

    >>> s = advance(ChannelState("C1", next_step=7), "apt")
    >>> s.hp_count, s.next_step, s.last_step
    (1, 7, 7)
    """
    if kind == "reminder":  # the APT's reminder on the day: no HP-punkt, no step of its own
        return state
    if kind != "apt":
        return replace(state, hp_count=state.hp_count + 1)
    step = state.step(start_step)
    return replace(state, hp_count=state.hp_count + 1, next_step=step, last_step=step)

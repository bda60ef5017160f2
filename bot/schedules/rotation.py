"""Pure per-channel rotation: which principle and which Respekttrappan step come next."""

from __future__ import annotations

from dataclasses import dataclass, replace

PRINCIPLES = ("jämställdhet", "tillgänglighet", "icke-diskriminering")
STEPS = 7


@dataclass(frozen=True)
class ChannelState:
    """Where one channel is: HP-punkter posted so far, next APT step, paused or not."""

    channel: str
    hp_count: int = 0
    next_step: int | None = None  # None: the APT schedule's start_step
    paused: bool = False

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


def advance(state: ChannelState, kind: str, start_step: int = 1) -> ChannelState:
    """Return the state after a post of `kind` went out; after step 7 comes step 1.

    Both kinds carry an HP-punkt, so both move the principle rotation on.

    >>> s = advance(ChannelState("C1", next_step=7), "apt")
    >>> s.hp_count, s.next_step
    (1, 1)
    """
    step = state.next_step
    if kind == "apt":
        step = state.step(start_step) % STEPS + 1
    return replace(state, hp_count=state.hp_count + 1, next_step=step)

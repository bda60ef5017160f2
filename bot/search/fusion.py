"""Fusion of dense and BM25 evidence on one candidate pool into one score per chunk.

The pool is the union of each side's best candidates, and both sides score every
chunk in it: BM25 from its full score vector, dense from a deeper vector query. A
chunk that is only in one side's top list is therefore not scored 0 by the other,
which is what made the weight of the old fusion (each side normalised over its own
top list) move from fold to fold (see README, "Fusion chosen by cross-validation").
"""

from dataclasses import dataclass
from typing import Literal

Method = Literal["minmax", "zscore", "rrf"]
Adapt = Literal["fixed", "spread", "length"]
REFERENCE_TERMS = 5  # "length" moves the weight per content term above or below this


@dataclass(frozen=True)
class Evidence:
    """What each side says about the pooled chunks of one query (position → score)."""

    dense: dict[int, float]  # cosine
    lexical: dict[int, float]  # BM25 score, 0 when no query term matches
    terms: int = REFERENCE_TERMS  # content terms of the query


@dataclass(frozen=True)
class Fusion:
    """How to mix the two sides: a scale for each, and the dense side's share.

    Args:
        method: min-max or z-score normalisation per side, or reciprocal ranks.
        weight: the dense side's share (at a spread of 0, or at REFERENCE_TERMS terms).
        rrf_k: the constant of reciprocal-rank fusion.
        adapt: what moves the share per query: nothing, the BM25 spread, the query length.
        slope: the change of the share per unit of spread, or per term.
    """

    method: Method = "minmax"
    weight: float = 0.7
    rrf_k: int = 60
    adapt: Adapt = "fixed"
    slope: float = 0.0

    def share(self, evidence: Evidence) -> float:
        """The dense side's share for this query, within 0..1.

        >>> Fusion(weight=0.8, adapt="spread", slope=-0.4).share(Evidence({}, {1: 10.0, 2: 5.0}))
        0.6
        """
        if self.adapt == "spread":
            moved = self.weight + self.slope * spread(evidence.lexical)
        elif self.adapt == "length":
            moved = self.weight + self.slope * (evidence.terms - REFERENCE_TERMS)
        else:
            moved = self.weight
        return round(min(1.0, max(0.0, moved)), 6)

    def fuse(self, evidence: Evidence) -> dict[int, float]:
        """Score every pooled chunk; a chunk one side lacks gets that side's lowest scale value.

        >>> Fusion(weight=0.5).fuse(Evidence({1: 0.9, 2: 0.8}, {1: 0.0, 2: 5.0}))
        {1: 0.5, 2: 0.5}
        """
        w = self.share(evidence)
        if self.method == "rrf":  # a chunk outside a ranking (BM25 0 included) gets nothing from it
            dense = self._reciprocal(evidence.dense)
            lexical = self._reciprocal({p: s for p, s in evidence.lexical.items() if s > 0})
            d0 = l0 = 0.0
        else:
            scale = minmax if self.method == "minmax" else zscore
            dense, lexical = scale(evidence.dense), scale(evidence.lexical)
            d0, l0 = min(dense.values(), default=0.0), min(lexical.values(), default=0.0)
        return {p: w * dense.get(p, d0) + (1.0 - w) * lexical.get(p, l0) for p in evidence.dense | evidence.lexical}

    def label(self) -> str:
        """A short name for reports.

        >>> Fusion("rrf", 0.6, rrf_k=5).label(), Fusion(adapt="spread", slope=-0.2).label()
        ('rrf k=5 w=0.60', 'minmax w=0.70 spread×-0.20')
        """
        name = f"{self.method}{f' k={self.rrf_k}' if self.method == 'rrf' else ''} w={self.weight:.2f}"
        return name if self.adapt == "fixed" else f"{name} {self.adapt}×{self.slope:+.2f}"

    def _reciprocal(self, scores: dict[int, float]) -> dict[int, float]:
        """1 / (k + rank) of each position, best score first."""
        ranked = sorted(scores, key=lambda p: -scores[p])
        return {p: 1.0 / (self.rrf_k + rank) for rank, p in enumerate(ranked, start=1)}


def minmax(scores: dict[int, float]) -> dict[int, float]:
    """Scale scores to 0..1 over their range (all 1 when they are equal).

    >>> minmax({1: 2.0, 2: 4.0, 3: 3.0})
    {1: 0.0, 2: 1.0, 3: 0.5}
    """
    lo, hi = min(scores.values(), default=0.0), max(scores.values(), default=0.0)
    return {p: (s - lo) / (hi - lo) if hi > lo else 1.0 for p, s in scores.items()}


def zscore(scores: dict[int, float]) -> dict[int, float]:
    """Scale scores to mean 0 and standard deviation 1 (all 0 when they are equal).

    >>> zscore({1: 1.0, 2: 3.0})
    {1: -1.0, 2: 1.0}
    """
    if not scores:
        return {}
    mean = sum(scores.values()) / len(scores)
    sd = (sum((s - mean) ** 2 for s in scores.values()) / len(scores)) ** 0.5
    return {p: (s - mean) / sd if sd > 0 else 0.0 for p, s in scores.items()}


def spread(scores: dict[int, float]) -> float:
    """How far the best score stands out: (best − second) / best, 0 without a positive best.

    >>> spread({1: 10.0, 2: 5.0, 3: 1.0}), spread({1: 0.0})
    (0.5, 0.0)
    """
    top = sorted(scores.values(), reverse=True)[:2]
    if not top or top[0] <= 0:
        return 0.0
    return (top[0] - (top[1] if len(top) > 1 else 0.0)) / top[0]

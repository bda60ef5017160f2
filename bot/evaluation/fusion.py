"""`bot bench fusion`: choose the fusion by grouped k-fold cross-validation, report held-out figures.

Two question sets, each against its own corpus in a temporary Chroma:

- SweFAQ dev (`--swefaq`), grouped by category: SuperLim's own splits never share one.
- Our questions (`--questions`): the answerable items with `split == "tune"`, grouped by
  their first expected document. Items with `split == "holdout"` are dropped on loading.

Each query's evidence (both sides' scores on its pool) is computed once per BM25 variant;
every fusion of a family's grid then ranks from it. In each fold the config with the best
mean of the two sets' training MRR@10 scores the held-out groups. Folds are redrawn
`repeats` times (shuffled groups); a query's held-out figure is its mean over repeats.
BM25 alone and dense alone have nothing to tune, so every query is held out for them.
"""

import random
import tempfile
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from bot.evaluation import swefaq
from bot.evaluation.fusion_report import Scores, paired, row
from bot.evaluation.questions import load_questions
from bot.evaluation.swefaq import DEPTH, documents, reciprocal_rank
from bot.search.embeddings import make_embeddings
from bot.search.fusion import Evidence, Fusion, Method
from bot.search.index import KnowledgeIndex
from bot.search.lexical import Feedback, LexicalIndex
from bot.search.retriever import CANDIDATES, DEFAULT_FUSION, HybridRetriever
from bot.settings import Settings

SHIPPED = ("union pool", "min-max")  # the (variant, family) the retriever uses
K = TypeVar("K")


@dataclass(frozen=True)
class Query:
    """A question, the document ids that answer it, and its group for the folds."""

    question: str
    gold: frozenset[str]
    group: str


@dataclass(frozen=True)
class Ranked:
    """One set's queries, their chunk → document map and each BM25 variant's evidence."""

    queries: list[Query]
    doc_of: list[str]  # position → document id
    evidence: dict[str, list[Evidence]]


def variants() -> dict[str, Callable[[list[str]], LexicalIndex]]:
    """The BM25 sides measured: plain, compound splitting, RM3 feedback, both."""
    return {
        "union pool": LexicalIndex,
        "+ compounds": partial(LexicalIndex, compounds=True),
        "+ RM3": partial(LexicalIndex, feedback=Feedback()),
        "+ compounds + RM3": partial(LexicalIndex, compounds=True, feedback=Feedback()),
    }


def families() -> dict[str, list[Fusion]]:
    """The fusion grids, one per family; CV picks a member per fold."""
    weights = [round(0.3 + 0.05 * i, 2) for i in range(13)]
    bases = [round(0.4 + 0.1 * i, 1) for i in range(6)]
    out = {
        "min-max": [Fusion("minmax", w) for w in weights],
        "z-score": [Fusion("zscore", w) for w in weights],
        "RRF": [Fusion("rrf", w / 10, rrf_k=k) for k in (1, 3, 5, 10, 20, 60) for w in range(3, 9)],
    }
    methods: tuple[tuple[Method, str], ...] = (("minmax", "min-max"), ("zscore", "z-score"))
    for method, name in methods:
        out[f"{name}, weight by BM25 spread"] = [
            Fusion(method, w, adapt="spread", slope=s) for w in bases for s in (-0.6, -0.4, -0.2, 0.2)
        ]
        out[f"{name}, weight by query length"] = [
            Fusion(method, w, adapt="length", slope=s) for w in bases for s in (-0.04, -0.02, 0.02, 0.04)
        ]
    return out


def sided(evidence: Evidence) -> Evidence:
    """The old pool: each side keeps only its own top CANDIDATES (BM25: positive), the rest missing."""
    dense = sorted(evidence.dense, key=lambda p: -evidence.dense[p])[:CANDIDATES]
    lexical = sorted((p for p, s in evidence.lexical.items() if s > 0), key=lambda p: -evidence.lexical[p])
    return replace(
        evidence,
        dense={p: evidence.dense[p] for p in dense},
        lexical={p: evidence.lexical[p] for p in lexical[:CANDIDATES]},
    )


def gather(index: KnowledgeIndex, queries: list[Query]) -> Ranked:
    """Embed each query once and collect its evidence under every BM25 variant."""
    vectors = [index.embeddings.embed_query(q.question) for q in queries]
    evidence = {}
    for name, bm25 in variants().items():
        retriever = HybridRetriever(index, bm25=bm25)
        evidence[name] = [retriever.evidence(q.question, v) for q, v in zip(queries, vectors, strict=True)]
    evidence["old pool (top 30 each side)"] = [sided(e) for e in evidence["union pool"]]
    doc_of = [s.id for s in HybridRetriever(index).refresh().sources]
    return Ranked(queries, doc_of, evidence)


def reciprocal_ranks(ranked: Ranked, variant: str, score: Callable[[Evidence], dict[int, float]]) -> np.ndarray:
    """MRR@10 terms of every query when its pooled chunks are ranked by `score`."""
    out = []
    for query, evidence in zip(ranked.queries, ranked.evidence[variant], strict=True):
        scores = score(evidence)
        order = sorted(scores, key=lambda p: -scores[p])
        out.append(reciprocal_rank(documents([ranked.doc_of[p] for p in order])[:DEPTH], query.gold))
    return np.asarray(out)


def assign_folds(queries: Sequence[Query], k: int, seed: int) -> np.ndarray:
    """Fold of each query: its group's; groups are shuffled, each dealt to the smallest fold.

    >>> folds = assign_folds([Query("q", frozenset(), g) for g in "aabbcd"], 2, seed=0).tolist()
    >>> folds[0] == folds[1] and folds[2] == folds[3], sorted(set(folds))
    (True, [0, 1])
    """
    sizes = Counter(q.group for q in queries)
    groups = sorted(sizes)
    random.Random(seed).shuffle(groups)
    filled, fold_of = [0] * k, {}
    for group in groups:
        fold_of[group] = min(range(k), key=lambda f: filled[f])
        filled[fold_of[group]] += sizes[group]
    return np.asarray([fold_of[q.group] for q in queries])


def best(table: Mapping[K, Scores], keep: Mapping[str, np.ndarray] | None = None) -> K:
    """The config with the best mean over sets of MRR@10 on the kept queries (first on a tie).

    A set with no kept query (fewer groups than folds) has no say.
    """

    def score(config: K) -> float:
        kept = [v[keep[n]] if keep else v for n, v in table[config].items()]
        return float(np.mean([v.mean() for v in kept if v.size]))

    return max(table, key=score)


def cross_validate(table: Mapping[K, Scores], folds: dict[str, list[np.ndarray]]) -> tuple[Scores, Counter[K]]:
    """Held-out reciprocal ranks (mean over repeats) and how often each config was chosen."""
    held: dict[str, list[np.ndarray]] = {name: [] for name in folds}
    chosen: Counter[K] = Counter()
    for repeat in range(len(next(iter(folds.values())))):
        out = {name: np.zeros(len(f[repeat])) for name, f in folds.items()}
        for fold in range(max(int(f[repeat].max()) for f in folds.values()) + 1):
            train = {name: f[repeat] != fold for name, f in folds.items()}
            config = best(table, train)
            chosen[config] += 1
            for name in folds:
                out[name][~train[name]] = table[config][name][~train[name]]
        for name in folds:
            held[name].append(out[name])
    return {name: np.mean(runs, axis=0) for name, runs in held.items()}, chosen


def run(swefaq_path: Path, questions_path: Path, settings: Settings, k: int = 5, repeats: int = 10) -> dict[str, Any]:
    """Index both corpora in a temporary Chroma, gather the evidence and cross-validate."""
    corpus, faq = swefaq.load_swefaq(swefaq_path)
    tune = [i for i in load_questions(questions_path) if i.answerable and i.split == "tune"]
    embeddings = make_embeddings(settings.embedding_backend, settings.embedding_model)
    with tempfile.TemporaryDirectory(prefix="fusion-") as tmp:
        faq_index = swefaq.index_corpus(Path(tmp), corpus, embeddings)
        ours_index = swefaq.index_folder(settings.knowledge_dir, Path(tmp) / "ours", "ours", embeddings)
        sets = {
            "swefaq": gather(faq_index, [Query(q.question, frozenset([q.gold]), q.category) for q in faq]),
            "ours": gather(ours_index, [Query(i.question, frozenset(i.expected_sources), i.expected_sources[0])
                                        for i in tune]),
        }
    folds = {name: [assign_folds(s.queries, k, seed) for seed in range(repeats)] for name, s in sets.items()}
    report = summarise(sets, folds)
    sizes = {name: {"n": len(s.queries), "groups": len({q.group for q in s.queries})} for name, s in sets.items()}
    return {"folds": k, "repeats": repeats, "sets": sizes, **report}


def summarise(sets: dict[str, Ranked], folds: dict[str, list[np.ndarray]]) -> dict[str, Any]:
    """One row per (BM25 variant, fusion family), the whole-procedure row, and the shipped row's deltas."""
    rows, shipped = [], {}
    everything: dict[tuple[str, Fusion], Scores] = {}
    for variant in sets["swefaq"].evidence:
        base = {name: {"bm25": reciprocal_ranks(s, variant, _positive), "dense": reciprocal_ranks(s, variant, _dense)}
                for name, s in sets.items()}
        for family, configs in families().items():
            table = {c: {name: reciprocal_ranks(s, variant, c.fuse) for name, s in sets.items()} for c in configs}
            held, chosen = cross_validate(table, folds)
            rows.append(row(variant, family, held, base, chosen, best(table)))
            everything.update({(variant, c): scores for c, scores in table.items()})
            if (variant, family) == SHIPPED:  # the retriever's default should be what all tune data picks
                shipped = {"on_all_tune_data": best(table).label(), **{n: paired(held[n], base[n]) for n in sets}}
    any_held, any_chosen = cross_validate(everything, folds)
    (variant, config), n = any_chosen.most_common(1)[0]
    overall = {"chosen": f"{variant}: {config.label()}", "chosen_share": round(n / sum(any_chosen.values()), 2),
               **{name: round(float(any_held[name].mean()), 4) for name in any_held}}
    return {"rows": rows, "whole_procedure": overall, "shipped": {"fusion": DEFAULT_FUSION.label(), **shipped}}


def _positive(evidence: Evidence) -> dict[int, float]:
    return {p: s for p, s in evidence.lexical.items() if s > 0}


def _dense(evidence: Evidence) -> dict[int, float]:
    return evidence.dense

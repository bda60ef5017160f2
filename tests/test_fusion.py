"""Fusion on one candidate pool, and the cross-validation that chooses it (`bot bench fusion`)."""

from pathlib import Path

import numpy as np
import pytest

from bot.evaluation.fusion import Query, assign_folds, best, cross_validate, sided
from bot.evaluation.fusion_report import markdown, paired
from bot.search.fusion import Evidence, Fusion
from bot.search.retriever import CANDIDATES, HybridRetriever
from tests.core_fixtures import fake_index, write_small_folder


def test_min_max_over_the_pool_keeps_a_lexical_only_chunk_on_the_dense_scale() -> None:
    # Chunk 3 is BM25's best and dense's worst: with both scored it lands between the others.
    evidence = Evidence(dense={1: 0.90, 2: 0.80, 3: 0.70}, lexical={1: 1.0, 2: 0.0, 3: 9.0})
    fused = Fusion("minmax", 0.7).fuse(evidence)
    assert fused == pytest.approx({1: 0.7 + 0.3 * 1 / 9, 2: 0.35, 3: 0.3})


def test_a_side_missing_a_chunk_gives_it_that_sides_lowest_value() -> None:
    evidence = Evidence(dense={1: 0.9, 2: 0.8}, lexical={3: 5.0, 1: 1.0})
    assert Fusion("minmax", 0.5).fuse(evidence) == {1: 0.5, 2: 0.0, 3: 0.5}
    assert Fusion("zscore", 0.5).fuse(evidence) == pytest.approx({1: 0.0, 2: -1.0, 3: 0.0})


def test_rrf_ranks_only_matching_bm25_chunks() -> None:
    evidence = Evidence(dense={1: 0.9, 2: 0.8}, lexical={1: 0.0, 2: 3.0})
    fused = Fusion("rrf", 0.5, rrf_k=1).fuse(evidence)
    assert fused == pytest.approx({1: 0.5 / 2, 2: 0.5 / 3 + 0.5 / 2})


def test_the_dense_share_moves_with_spread_or_length_and_stays_within_0_and_1() -> None:
    flat, peaked = Evidence({}, {1: 4.0, 2: 4.0}), Evidence({}, {1: 4.0, 2: 1.0}, terms=9)
    by_spread = Fusion(weight=0.9, adapt="spread", slope=-0.4)
    assert (by_spread.share(flat), by_spread.share(peaked)) == (0.9, 0.6)
    assert Fusion(weight=0.7, adapt="length", slope=-0.05).share(peaked) == 0.5
    assert Fusion(weight=0.9, adapt="length", slope=0.5).share(peaked) == 1.0
    assert Fusion(weight=0.7).share(peaked) == 0.7


def test_the_old_pool_keeps_each_sides_own_top_list() -> None:
    many = {p: float(p) for p in range(CANDIDATES + 5)}
    old = sided(Evidence(dense=many, lexical={**many, 0: 0.0}))
    assert len(old.dense) == CANDIDATES and min(old.dense) == 5
    assert 0 not in old.lexical and len(old.lexical) == CANDIDATES


def test_folds_keep_a_group_together_and_vary_with_the_seed() -> None:
    queries = [Query(f"q{i}", frozenset(), f"g{i // 3}") for i in range(30)]
    draws = [assign_folds(queries, 5, seed).tolist() for seed in range(4)]
    for folds in draws:
        assert all(len({folds[i] for i in range(g, g + 3)}) == 1 for g in range(0, 30, 3))
        assert sorted(set(folds)) == [0, 1, 2, 3, 4]
    assert len({tuple(d) for d in draws}) > 1


def test_cross_validation_scores_each_fold_with_the_config_its_training_folds_chose() -> None:
    # "a" wins the groups of fold 0, "b" those of fold 1: each fold is scored by the other's winner.
    folds = {"set": [np.array([0, 0, 1, 1])]}
    table = {"a": {"set": np.array([1.0, 1.0, 0.0, 0.0])}, "b": {"set": np.array([0.5, 0.5, 0.5, 0.5])}}
    held, chosen = cross_validate(table, folds)
    assert held["set"].tolist() == [0.5, 0.5, 0.0, 0.0]
    assert chosen == {"a": 1, "b": 1}
    assert best(table) == "a"  # on all queries both average 0.5: the first listed wins the tie


def test_paired_gains_count_queries_won_and_lost() -> None:
    gains = paired(np.array([1.0, 0.5, 0.0, 1.0]), {"dense": np.array([0.5, 0.5, 1.0, 1.0])})["vs_dense"]
    assert gains["gain"] == pytest.approx(-0.125) and gains["wins_losses"] == [1, 1]
    assert gains["ci95"][0] <= gains["gain"] <= gains["ci95"][1]


def test_markdown_has_a_row_per_variant_and_family_and_the_whole_procedure() -> None:
    figures = {"hybrid": 0.75, "bm25": 0.6, "dense": 0.7}
    rows = [{"variant": "union pool", "fusion": "min-max", "swefaq": figures, "ours": figures,
             "chosen": "minmax w=0.70", "chosen_share": 1.0}]
    whole = {"swefaq": 0.72, "ours": 0.98, "chosen": "union pool: minmax w=0.70", "chosen_share": 0.5}
    table = markdown({"rows": rows, "whole_procedure": whole})
    assert "| union pool | min-max | 0.750 / 0.600 / 0.700 | 0.750 / 0.600 / 0.700 | minmax w=0.70 (100%) |" in table
    assert table.splitlines()[-1].startswith("| any | any")


def test_the_retriever_pools_both_sides_and_scores_every_pooled_chunk(tmp_path: Path) -> None:
    index = fake_index(tmp_path / "chroma")
    index.sync(write_small_folder(tmp_path / "kb"))
    retriever = HybridRetriever(index)

    evidence = retriever.evidence("Hur stort är friskvårdsbidraget?")
    assert set(evidence.dense) == set(evidence.lexical) == set(range(len(retriever.refresh().sources)))
    assert max(evidence.lexical, key=lambda p: evidence.lexical[p]) == next(
        p for p, s in enumerate(retriever.refresh().sources) if s.id == "friskvard"
    )
    hits = retriever.hits("Hur stort är friskvårdsbidraget?", k=2)
    fused = retriever.fusion.fuse(evidence)
    for hit in hits:
        pos = retriever.refresh().positions[hit.source.chunk_id]
        assert (hit.dense, hit.lexical) == (evidence.dense[pos], evidence.lexical[pos])
    positions = retriever.refresh().positions
    assert [positions[h.source.chunk_id] for h in hits] == sorted(fused, key=lambda p: -fused[p])[:2]


def test_a_given_pool_is_scored_as_given(tmp_path: Path) -> None:
    index = fake_index(tmp_path / "chroma")
    index.sync(write_small_folder(tmp_path / "kb"))
    evidence = HybridRetriever(index).evidence("kaffe", pool=[0, 2])
    assert list(evidence.dense) == list(evidence.lexical) == [0, 2]


def test_a_set_with_no_training_query_in_a_fold_has_no_say() -> None:
    # Set "one" has a single group: when its fold is held out, only "two" chooses.
    folds = {"one": [np.array([0, 0])], "two": [np.array([0, 1])]}
    table = {"a": {"one": np.array([1.0, 1.0]), "two": np.array([0.0, 0.0])},
             "b": {"one": np.array([0.0, 0.0]), "two": np.array([1.0, 1.0])}}
    held, chosen = cross_validate(table, folds)
    assert chosen == {"b": 1, "a": 1}
    assert held["one"].tolist() == [0.0, 0.0] and held["two"].tolist() == [1.0, 0.0]

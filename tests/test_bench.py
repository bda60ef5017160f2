"""`bot bench`: the pure metrics, and one tiny real run of each benchmark."""

import io
import json
from pathlib import Path

import pytest
from rich.console import Console

from bot.evaluation import fusion, speed, swefaq
from bot.evaluation.fusion_report import print_report as print_fusion
from bot.evaluation.speed_report import targets
from bot.settings import Settings
from tests.core_fixtures import write_small_folder

SWEFAQ = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "swefaq" / "swefaq_dev.jsonl"


def _settings(knowledge: Path, chroma: Path) -> Settings:
    return Settings(_env_file=None, knowledge_dir=knowledge, chroma_path=chroma, chroma_host=None)


def test_reciprocal_rank_counts_only_the_first_ten() -> None:
    ranked = [f"d{i}" for i in range(12)]
    assert swefaq.reciprocal_rank(ranked, "d0") == 1.0
    assert swefaq.reciprocal_rank(ranked, "d3") == 0.25
    assert swefaq.reciprocal_rank(ranked, "d9") == 0.1
    assert swefaq.reciprocal_rank(ranked, "d10") == 0.0
    assert swefaq.reciprocal_rank(ranked, "missing") == 0.0


def test_summarise_on_a_hand_made_toy() -> None:
    rankings = [["a", "b", "c"], ["b", "a"], ["x", "y", "z", "w", "v", "c"], ["q"]]
    golds = ["a", "a", "c", "a"]
    # reciprocal ranks 1, 1/2, 1/6, 0 → MRR (1 + .5 + 1/6) / 4
    assert swefaq.summarise(rankings, golds) == {
        "mrr_at_10": pytest.approx((1 + 0.5 + 1 / 6) / 4, abs=1e-4),
        "recall_at_1": 0.25,
        "recall_at_5": 0.5,
    }


def test_chunk_hits_collapse_to_documents_in_rank_order() -> None:
    assert swefaq.documents(["b", "a", "b", "c", "a"]) == ["b", "a", "c"]


def test_load_swefaq_dedupes_answers_and_maps_gold(tmp_path: Path) -> None:
    path = tmp_path / "toy.jsonl"
    rows = [
        {"category_id": 7, "question": "F1?", "candidate_answers": ["A", "B", "C"], "label": 1},
        {"category_id": 8, "question": "F2?", "candidate_answers": ["C", "D", "A"], "label": 2},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    corpus, queries = swefaq.load_swefaq(path)
    assert list(corpus.values()) == ["A", "B", "C", "D"]
    assert [(q.question, corpus[q.gold]) for q in queries] == [("F1?", "B"), ("F2?", "A")]
    assert [[corpus[c] for c in q.candidates] for q in queries] == [["A", "B", "C"], ["C", "D", "A"]]
    assert [q.category for q in queries] == ["7", "8"]


def test_superlim_pick_counts_a_tie_as_a_random_choice() -> None:
    assert swefaq.pick({"a": 2.0, "b": 1.0, "c": 1.0}, "a") == 1.0
    assert swefaq.pick({"a": 1.0, "b": 1.0, "c": 1.0}, "a") == pytest.approx(1 / 3)
    assert swefaq.pick({"a": 0.0, "b": 1.0}, "a") == 0.0


def test_load_swefaq_names_a_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"question": "F?", "candidate_answers": ["A"], "label": 3}\n', "utf-8")
    with pytest.raises(ValueError, match="bad.jsonl:1"):
        swefaq.load_swefaq(path)


def test_speed_helpers() -> None:
    assert speed.overhead(10.0, 10.0) == 0.0
    assert speed.percentiles([5.0] * 10) == {"p50": 5.0, "p95": 5.0}
    met = targets({"indexing_overhead": 0.2, "reindex_nochange_seconds": 0.1,
                   "reindex_nochange_added": 3, "latency_ms": {"100000": {"p95": 250.0}},
                   "cli_ask_peak_rss_mb": 300.0})
    assert met == {"indexing_overhead <= 0.10": False, "reindex_nochange <= 2 s": False,
                   "p95 <= 100 ms at 10000": None, "p95 <= 300 ms at 100000": True,
                   "cli_ask_peak_rss < 600 MB": True}


@pytest.mark.skipif(not SWEFAQ.exists(), reason="SweFAQ dev set not present")
@pytest.mark.slow
def test_swefaq_bench_runs_end_to_end(tmp_path: Path) -> None:
    # The first 10 questions, each with its gold and one other candidate: ~20 answers.
    lines = []
    for line in SWEFAQ.read_text(encoding="utf-8").splitlines()[:10]:
        row = json.loads(line)
        gold = row["candidate_answers"][row["label"]]
        others = [a for a in row["candidate_answers"] if a != gold][:1]
        lines.append(json.dumps({"question": row["question"], "candidate_answers": [*others, gold],
                                 "label": 1}, ensure_ascii=False))
    data = tmp_path / "swefaq.jsonl"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")

    report = swefaq.run(data, _settings(tmp_path / "unused", tmp_path / "unused-chroma"))

    assert report["n"] == 10
    assert report["documents"] == len(swefaq.load_swefaq(data)[0])
    for metrics in (report, report["baselines"]["bm25"], report["baselines"]["dense"]):
        assert set(swefaq.METRICS) <= set(metrics)
        assert 0.0 <= metrics["recall_at_1"] <= metrics["recall_at_5"] <= 1.0
        assert metrics["recall_at_1"] <= metrics["mrr_at_10"] <= 1.0
        # Two candidates per question: choosing among them is at least as easy as ranking all 20.
        assert metrics["recall_at_1"] <= metrics["superlim_accuracy"] <= 1.0
    assert report["recall_at_5"] >= 0.5  # a 20-answer corpus is easy
    assert report["seconds"] > 0
    printed = io.StringIO()
    swefaq.print_report(Console(file=printed, width=120), report)
    assert "| hybrid (ours) |" in printed.getvalue() and "SuperLim accuracy" in printed.getvalue()


@pytest.mark.skipif(not SWEFAQ.exists(), reason="SweFAQ dev set not present")
@pytest.mark.slow
def test_fusion_bench_reports_held_out_figures_and_never_reads_holdout(tmp_path: Path) -> None:
    data = tmp_path / "swefaq.jsonl"
    faq = SWEFAQ.read_text(encoding="utf-8").splitlines()
    data.write_text("\n".join(faq[15:27]) + "\n", encoding="utf-8")  # three categories
    knowledge = write_small_folder(tmp_path / "kb")
    items = [
        ("cykelpolicy", "Hur länge får jag låna en elcykel?", "tune"),
        ("friskvard", "Hur stort är friskvårdsbidraget?", "tune"),
        ("parkering", "Var parkerar besökare?", "tune"),
        ("kaffe", "Vem avkalkar kaffemaskinen?", "tune"),
        ("kaffe", "Hur ofta avkalkas maskinen?", "holdout"),
    ]
    lines = [json.dumps({"id": f"q{n}", "question": q, "expected_sources": [doc], "must_include": [],
                         "answerable": True, "split": split}, ensure_ascii=False)
             for n, (doc, q, split) in enumerate(items)]
    questions = tmp_path / "questions.jsonl"
    questions.write_text("\n".join(lines) + "\n", encoding="utf-8")

    report = fusion.run(data, questions, _settings(knowledge, tmp_path / "unused-chroma"), k=2, repeats=2)

    assert report["sets"]["ours"] == {"n": 4, "groups": 4}  # the holdout question is not read
    assert report["sets"]["swefaq"] == {"n": 12, "groups": 3}
    assert len(report["rows"]) == len(fusion.families()) * (len(fusion.variants()) + 1)
    for row in report["rows"]:
        for name in ("swefaq", "ours"):
            assert all(0.0 <= v <= 1.0 for v in row[name].values())
    assert set(report["shipped"]) == {"fusion", "on_all_tune_data", "swefaq", "ours"}
    printed = io.StringIO()
    print_fusion(Console(file=printed, width=250), report)
    assert "| union pool | min-max |" in printed.getvalue()


@pytest.mark.slow
def test_speed_bench_runs_end_to_end(tmp_path: Path) -> None:
    knowledge = tmp_path / "knowledge"
    knowledge.mkdir()
    (knowledge / "hp.md").write_text(
        "# HP-punkten\n\nEn HP-punkt är en stående punkt på dagordningen för arbetsplatsträffen.\n",
        encoding="utf-8",
    )
    # No index at chroma_path: the bench builds a temporary one for `bot ask`.
    settings = _settings(knowledge, tmp_path / "no-index")

    report = speed.run(settings, [200], chunks=6, documents=8, queries=3)

    assert report["indexing_chunks"] == 6
    assert report["indexing_chunks_per_s"] > 0 and report["raw_encode_chunks_per_s"] > 0
    assert report["indexing_overhead"] > -1
    assert report["reindex_nochange_added"] == 0
    assert report["reindex_nochange_seconds"] > 0
    latency = report["latency_ms"]["200"]
    assert 0 < latency["p50"] <= latency["p95"]
    assert 0 < report["query_embedding_ms"]["200"]["p50"] <= report["query_embedding_ms"]["200"]["p95"]
    assert report["bm25_build_seconds"]["200"] > 0 and report["chroma_write_seconds"]["200"] > 0
    assert report["cli_ask_ok"] and report["cli_ask_index"] == "temporary"
    assert report["cli_ask_peak_rss_mb"] > 50 and report["bench_peak_rss_mb"] > 50
    assert report["targets"]["p95 <= 100 ms at 10000"] is None
    printed = io.StringIO()
    speed.print_report(Console(file=printed, width=120), report)
    assert "| query p50 / p95 at 200 chunks |" in printed.getvalue()
    assert not (tmp_path / "no-index").exists()

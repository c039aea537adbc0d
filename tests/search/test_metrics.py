"""The ranking metrics, checked against values worked out by hand."""

import importlib.util
import math
from pathlib import Path

import pytest


def _load_metrics():
    # Tests run with --import-mode=importlib and tests/search is no package: load by path.
    path = Path(__file__).with_name("metrics.py")
    spec = importlib.util.spec_from_file_location("search_relevance_metrics", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


metrics = _load_metrics()
LOG2_3 = math.log2(3)  # the discount at rank 2


def test_reciprocal_rank_is_one_over_the_rank_of_the_first_hit():
    judgments = {"b": 3, "c": 2}
    assert metrics.reciprocal_rank(["a", "b", "c"], judgments) == 0.5
    assert metrics.reciprocal_rank(["c", "b"], judgments) == 1.0
    assert metrics.reciprocal_rank(["x", "y", "z", "c"], judgments) == 0.25


def test_reciprocal_rank_ignores_marginal_results():
    # Grade 1 is "marginally relevant": it is no answer, so the hit is at rank 3.
    assert metrics.reciprocal_rank(["m", "x", "r"], {"m": 1, "r": 2}) == pytest.approx(1 / 3)
    assert metrics.reciprocal_rank(["m"], {"m": 1}) == 0.0


def test_reciprocal_rank_stops_at_the_cutoff():
    ranking = [f"x{i}" for i in range(10)] + ["answer"]
    assert metrics.reciprocal_rank(ranking, {"answer": 3}) == 0.0
    assert metrics.reciprocal_rank(ranking, {"answer": 3}, k=11) == pytest.approx(1 / 11)


def test_dcg_by_hand():
    # (2^3 - 1)/log2(2) + (2^2 - 1)/log2(3) + 0 + (2^1 - 1)/log2(5)
    assert metrics.dcg([3, 2, 0, 1]) == pytest.approx(7 + 3 / LOG2_3 + 1 / math.log2(5))
    assert metrics.dcg([]) == 0


def test_ndcg_by_hand():
    judgments = {"b": 3, "c": 2}
    # DCG of a, b, c: 0 + 7/log2(3) + 3/log2(4); ideal b, c: 7 + 3/log2(3).
    expected = (7 / LOG2_3 + 3 / 2) / (7 + 3 / LOG2_3)
    assert metrics.ndcg(["a", "b", "c"], judgments) == pytest.approx(expected)
    assert expected == pytest.approx(0.66532, abs=1e-5)


def test_ndcg_of_a_marginal_result_first():
    # m (grade 1) then r (grade 3): (1 + 7/log2(3)) / (7 + 1/log2(3)).
    value = metrics.ndcg(["m", "r"], {"m": 1, "r": 3})
    assert value == pytest.approx(0.70981, abs=1e-5)


def test_ndcg_of_the_ideal_ranking_is_one():
    judgments = {"a": 3, "b": 2, "c": 1}
    assert metrics.ndcg(["a", "b", "c", "x"], judgments) == pytest.approx(1.0)
    # Ties in grade may come in any order.
    assert metrics.ndcg(["b", "a"], {"a": 3, "b": 3}) == pytest.approx(1.0)


def test_ndcg_ideal_is_cut_at_k():
    judgments = {key: 3 for key in "abcdefghijkl"}  # 12 answers, only 10 fit
    assert metrics.ndcg(list("abcdefghij"), judgments) == pytest.approx(1.0)


def test_empty_result_list_scores_zero():
    assert metrics.reciprocal_rank([], {"a": 3}) == 0.0
    assert metrics.ndcg([], {"a": 3}) == 0.0


def test_all_relevant_documents_missing_scores_zero():
    judgments = {"a": 3, "b": 2}
    assert metrics.reciprocal_rank(["x", "y", "z"], judgments) == 0.0
    assert metrics.ndcg(["x", "y", "z"], judgments) == 0.0


def test_nothing_judged_relevant_scores_zero():
    assert metrics.ndcg(["a"], {}) == 0.0
    assert metrics.ndcg(["a"], {"a": 0}) == 0.0


def test_a_repeated_key_earns_once():
    judgments = {"a": 3, "b": 2}
    assert metrics.ndcg(["a", "a", "b"], judgments) == pytest.approx(1.0)
    assert metrics.reciprocal_rank(["x", "x", "a"], judgments) == 0.5


def test_mean():
    assert metrics.mean([1.0, 0.5, 0.0]) == pytest.approx(0.5)
    assert metrics.mean([]) == 0.0

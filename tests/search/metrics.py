"""Ranking metrics for the judged relevance set: MRR@k and nDCG@k with graded judgments.

A ranking is a list of result keys (practice slugs), best first; judgments map a key to a grade:
3 the answer, 2 relevant, 1 marginally relevant; keys not judged count as grade 0.
"""

import math
from collections.abc import Iterable, Mapping, Sequence

#: The lowest grade that counts as a hit for the reciprocal rank.
HIT_GRADE = 2


def _top(ranking: Sequence[str], k: int) -> list[str]:
    """The first `k` distinct keys of `ranking` (a key repeated further down earns nothing)."""
    seen: list[str] = []
    for key in ranking:
        if key not in seen:
            seen.append(key)
        if len(seen) == k:
            break
    return seen


def reciprocal_rank(
    ranking: Sequence[str], judgments: Mapping[str, int], k: int = 10, hit: int = HIT_GRADE
) -> float:
    """1/rank of the first result in the top `k` graded `hit` or better; 0.0 when there is none."""
    for rank, key in enumerate(_top(ranking, k), start=1):
        if judgments.get(key, 0) >= hit:
            return 1.0 / rank
    return 0.0


def dcg(grades: Iterable[int]) -> float:
    """Discounted cumulative gain of grades in rank order: sum of (2^g - 1) / log2(rank + 1)."""
    return sum((2**grade - 1) / math.log2(rank + 1) for rank, grade in enumerate(grades, start=1))


def ndcg(ranking: Sequence[str], judgments: Mapping[str, int], k: int = 10) -> float:
    """nDCG@k: the ranking's DCG over the DCG of the judged grades in their best order.

    0.0 when nothing is judged relevant (there is no ideal ranking to compare with).
    """
    ideal = dcg(sorted((g for g in judgments.values() if g > 0), reverse=True)[:k])
    if ideal == 0:
        return 0.0
    return dcg(judgments.get(key, 0) for key in _top(ranking, k)) / ideal


def mean(values: Iterable[float]) -> float:
    """Arithmetic mean; 0.0 for no values."""
    values = list(values)
    return sum(values) / len(values) if values else 0.0

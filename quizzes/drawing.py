"""Drawing an exam's questions from lesson quizzes. Pure Python: no Django.

Each attempt at a drawn exam asks `per_pool` questions from every pool (one pool per lesson
quiz), chosen at random and kept in course order, so a retake is a fresh exam of the same shape.
"""

import random
from collections.abc import Sequence


def draw(
    pools: Sequence[Sequence[int]], per_pool: int, rng: random.Random | None = None
) -> list[int]:
    """Up to `per_pool` ids from each pool (all of a smaller pool), pools in order."""
    if per_pool < 1:
        return []
    rng = rng or random.SystemRandom()
    drawn: list[int] = []
    for pool in pools:
        picked = set(rng.sample(list(pool), min(per_pool, len(pool))))
        drawn.extend(qid for qid in pool if qid in picked)  # keep the lesson's own order
    return drawn


def exam_size(pool_sizes: Sequence[int], per_pool: int) -> int:
    return sum(min(per_pool, size) for size in pool_sizes) if per_pool > 0 else 0

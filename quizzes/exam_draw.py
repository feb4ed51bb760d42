"""Drawing a practice exam from the bank. Pure Python: no Django.

Each domain gets its share of the exam by weight (course_format.bank.quotas: largest remainder,
a domain short of questions leaving its share to the others). Within a domain the learner's
next attempt prefers questions they have never answered, then those whose last answer was
wrong, then the rest; within each of these tiers the draw is random. The exam then asks them in
a random order, so nothing about a question's domain or tier shows in its place.
"""

import random
from collections.abc import Mapping

from course_format.bank import quotas

NEVER_SEEN, LAST_WRONG, LAST_RIGHT = 0, 1, 2


def tier(question_id: int, last_right: Mapping[int, bool]) -> int:
    if question_id not in last_right:
        return NEVER_SEEN
    return LAST_RIGHT if last_right[question_id] else LAST_WRONG


def draw_exam(
    domains: Mapping[int, str],
    last_right: Mapping[int, bool],
    size: int,
    rng: random.Random | None = None,
) -> list[int]:
    """`size` question ids (fewer if the bank is smaller) from `domains` (question id → its
    domain); `last_right`: question id → whether the learner's last answer to it was right."""
    rng = rng or random.SystemRandom()
    by_domain: dict[str, list[int]] = {}
    for question_id, domain in domains.items():
        by_domain.setdefault(domain, []).append(question_id)
    want = quotas(size, {domain: len(ids) for domain, ids in by_domain.items()})
    picked: list[int] = []
    for domain, ids in by_domain.items():
        ids = sorted(ids)  # the same input draws the same with a seeded rng
        rng.shuffle(ids)
        ids.sort(key=lambda qid: tier(qid, last_right))  # stable: random within a tier
        picked += ids[: want.get(domain, 0)]
    rng.shuffle(picked)
    return picked

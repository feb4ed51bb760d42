"""The order an attempt shows a question's choices in, and the values its form sends for them.
Pure Python: no Django.

Authors write choices in any order and the stored order stays theirs (the admin, export and
import). Each attempt draws its own order instead: a random seed kept on the attempt, hashed
with the question's id and each choice's id, sorts the choices. So an attempt shows the same
order wherever it shows the question (the question, reload, its feedback, the review), another
attempt draws again, and nothing per choice is stored.

The form does not send choice ids either. Ids are handed out in authoring order, so sorting
the page's values would give the first choice written: an author's habit of writing the right
answer first would show through. Nor does the answer take ids: it refuses, without scoring, a
choice that is not the question's, so posting ids upwards until one is taken would find the
lowest. Each choice is sent as a token keyed by the attempt's seed, which no page shows: the
tokens say nothing of ids or authoring order, and name a choice only in their own attempt and
question.
"""

import hashlib
import secrets
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

T = TypeVar("T")

SEED_BITS = 63  # fits a signed 64-bit column (PostgreSQL's bigint)
TOKEN_PREFIX = "c"  # "c" and 16 hex digits: never a number, so never taken for an id
NOT_A_CHOICE = -1  # no choice has this id: the answer is refused as not the question's


def new_seed() -> int:
    return secrets.randbits(SEED_BITS)


def _digest(seed: int, question_id: int, choice_id: int) -> bytes:
    # Keyed BLAKE2b: without the seed, neither half says anything about the choice id.
    message = f"{question_id}:{choice_id}".encode()
    return hashlib.blake2b(message, key=seed.to_bytes(8, "big"), digest_size=16).digest()


def shown_order(seed: int, question_id: int, choice_ids: Iterable[int]) -> list[int]:
    """The question's choice ids in the order the attempt with `seed` shows them.

    A choice's place depends only on its own digest, so adding or deleting a choice while an
    attempt is open leaves the others in the order the learner saw.
    """
    return sorted(choice_ids, key=lambda cid: (_digest(seed, question_id, cid)[:8], cid))


def arrange(
    seed: int, question_id: int, items: Sequence[T], choice_id: Callable[[T], int]
) -> list[T]:
    """`items` (one per choice of the question) in the attempt's order (see shown_order)."""
    by_id = {choice_id(item): item for item in items}
    return [by_id[cid] for cid in shown_order(seed, question_id, by_id)]


def tokens(seed: int, question_id: int, choice_ids: Iterable[int]) -> dict[int, str]:
    """choice id → the value the attempt's form sends for it."""
    return {cid: TOKEN_PREFIX + _digest(seed, question_id, cid)[8:].hex() for cid in choice_ids}


def chosen_ids(
    seed: int, question_id: int, choice_ids: Iterable[int], values: Iterable[str]
) -> set[int]:
    """The choices an answer's form values name: this attempt's tokens for the question's
    choices. Anything else (a choice id, another attempt's or question's token) is
    NOT_A_CHOICE, so the answer is refused, never scored."""
    by_token = {token: cid for cid, token in tokens(seed, question_id, choice_ids).items()}
    return {by_token.get(value, NOT_A_CHOICE) for value in values}

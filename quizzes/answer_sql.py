"""The SQL of storing an answer, built once instead of on every answer.

Building SQL through the ORM costs far more than running it: profiling the answer POST on
SQLite in-process, the locked attempt lookup (attempt, quiz, course and lesson joined) took
~950 µs to build and ~30 µs to run, and each ORM write ~150 µs for a ~15 µs statement. So the
reads here are ordinary QuerySets compiled once per connection (meshlearn/prepared.py), and the
writes are plain statements over the models' own table and column names, built once per
database. No signal is connected to Response or Attempt, so skipping Model.save() skips nothing.
"""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

from meshlearn.prepared import PreparedQuery, field_names, joined_instances

from .learners import attempts_of
from .models import Attempt, Choice, Quiz, Response, published_quiz

_ATTEMPT = field_names(Attempt)
_QUIZ = field_names(Quiz)
_RESPONSE = field_names(Response)


def _locked(attempts, attempt_id, slug, *, published_only=True):
    # Locks the attempt row only (not its quiz's, which every learner's answers share).
    published = [published_quiz("quiz__")] if published_only else []
    return (
        attempts.filter(*published, pk=attempt_id, quiz__slug=slug)
        .select_for_update(of=("self",))
        .order_by()  # one row: no sort to plan
        .values_list(*_ATTEMPT, *(f"quiz__{name}" for name in _QUIZ))
    )


_LEARNERS_ATTEMPT = PreparedQuery(
    lambda attempt, user, slug: _locked(attempts_of(user_id=user), attempt, slug),
    "int",
    "int",
    "str",
)
_VISITORS_ATTEMPT = PreparedQuery(
    lambda attempt, anon, slug: _locked(attempts_of(anon_id=anon), attempt, slug),
    "int",
    "str",
    "str",
)
# Staff previewing drafts: their own attempt at the quiz, published or not. A query of its own,
# so the learners' one keeps its published filter and its plan, and nobody pays for a fallback.
_STAFF_ATTEMPT = PreparedQuery(
    lambda attempt, user, slug: _locked(
        attempts_of(user_id=user), attempt, slug, published_only=False
    ),
    "int",
    "int",
    "str",
)


def locked_attempt(
    *,
    attempt_id: int,
    slug: str,
    user_id: int | None = None,
    anon_id: str = "",
    drafts: bool = False,
) -> Attempt:
    """The owner's attempt at the published quiz `slug`, with its quiz, locked until commit;
    with `drafts` (staff previewing, always a user) at the quiz `slug` whether published or not.

    Raises Attempt.DoesNotExist for any other attempt (someone else's, another quiz's).
    Must run inside a transaction.
    """
    if user_id is not None and drafts:
        rows = _STAFF_ATTEMPT.rows(attempt_id, user_id, slug)
    elif user_id is not None:
        rows = _LEARNERS_ATTEMPT.rows(attempt_id, user_id, slug)
    elif anon_id:
        rows = _VISITORS_ATTEMPT.rows(attempt_id, anon_id, slug)
    else:
        rows = []
    if not rows:
        raise Attempt.DoesNotExist("No such attempt of this requester at this quiz.")
    attempt, quiz = joined_instances(rows[0], [(Attempt, _ATTEMPT), (Quiz, _QUIZ)])
    attempt.quiz = quiz
    return attempt


def store_answer(
    *,
    attempt_id: int,
    question_id: int,
    is_correct: bool,
    choice_ids: Collection[int],
    score: int,
    total: int,
    finished_at: datetime | None,
    pass_percent: int | None = None,
) -> Response:
    """Store one response with the choices it chose, and the attempt's new score and total
    (and, once it is finished, its finishing time and the pass mark it is judged by).

    The unique constraint refuses a second response to the question with an IntegrityError,
    before anything else is written. PostgreSQL does all of it in one statement (one round
    trip, where each costs ~0.1 ms); other databases in three.
    """
    db = connections[DEFAULT_DB_ALIAS]
    sql = _statements(db)
    answered_at = timezone.now()
    response = [attempt_id, question_id, is_correct, db.ops.adapt_datetimefield_value(answered_at)]
    finished = db.ops.adapt_datetimefield_value(finished_at)
    attempt = [score, total, finished, pass_percent, attempt_id]
    chosen = sorted(choice_ids)
    with db.cursor() as cursor:
        if sql.store_all is not None:
            cursor.execute(sql.store_all, [*response, chosen, *attempt])
            response_id = cursor.fetchone()[0]
        else:
            cursor.execute(sql.insert_response, response)
            response_id = cursor.fetchone()[0] if sql.returning else cursor.lastrowid
            if chosen:
                rows = ", ".join(["(%s, %s)"] * len(chosen))
                links = [value for choice in chosen for value in (response_id, choice)]
                cursor.execute(sql.insert_chosen + rows, links)
            cursor.execute(sql.update_attempt, attempt)
    stored = {
        "id": response_id,
        "attempt_id": attempt_id,
        "question_id": question_id,
        "is_correct": is_correct,
        "answered_at": answered_at,
    }
    return Response.from_db(DEFAULT_DB_ALIAS, _RESPONSE, [stored[name] for name in _RESPONSE])


@dataclass(frozen=True)
class _Statements:
    insert_response: str
    returning: bool  # whether insert_response gives the new id back (else: lastrowid)
    insert_chosen: str  # up to VALUES; the rows are appended
    update_attempt: str
    store_all: str | None  # all three in one statement, where the database can


_BUILT: dict[str, _Statements] = {}  # by database vendor: only quoting differs


def _statements(db) -> _Statements:
    built = _BUILT.get(db.vendor)
    if built is None:
        built = _BUILT[db.vendor] = _build(db)
    return built


def _build(db) -> _Statements:
    quote = db.ops.quote_name

    def table(model) -> str:
        return quote(model._meta.db_table)

    def columns(*names: str, model=Response) -> str:
        return ", ".join(quote(model._meta.get_field(name).column) for name in names)

    link = Response.choices.through
    response_id = quote(Response._meta.pk.column)
    insert_response = (
        f"INSERT INTO {table(Response)} "
        f"({columns('attempt', 'question', 'is_correct', 'answered_at')}) "
        "VALUES (%s, %s, %s, %s)"
    )
    insert_chosen = f"INSERT INTO {table(link)} ({columns('response', 'choice', model=link)})"
    assignments = ", ".join(
        f"{quote(Attempt._meta.get_field(name).column)} = %s"
        for name in ("score", "total", "finished_at", "pass_percent")
    )
    update_attempt = (
        f"UPDATE {table(Attempt)} SET {assignments} WHERE {quote(Attempt._meta.pk.column)} = %s"
    )
    store_all = None
    if db.vendor == "postgresql":
        # Data-modifying WITH: the three writes run as one statement, all or nothing.
        choice_type = Choice._meta.pk.db_type(db)
        store_all = (
            f"WITH response AS ({insert_response} RETURNING {response_id}), "
            f"chosen AS ({insert_chosen} SELECT response.{response_id}, chosen.id "
            f"FROM response, unnest(%s::{choice_type}[]) AS chosen(id)), "
            f"attempt AS ({update_attempt}) "
            f"SELECT {response_id} FROM response"
        )
    returning = db.features.can_return_columns_from_insert
    return _Statements(
        insert_response=f"{insert_response} RETURNING {response_id}"
        if returning
        else insert_response,
        returning=returning,
        insert_chosen=f"{insert_chosen} VALUES ",
        update_attempt=update_attempt,
        store_all=store_all,
    )

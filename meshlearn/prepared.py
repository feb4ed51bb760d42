"""Hot-path reads: an ORM query compiled to SQL once per connection, then run with new values.

Turning a QuerySet into SQL costs far more than running the SQL: profiling the signed-in pages
showed `User.objects.get(pk=...)` at ~750 µs in-process on SQLite, of which the database's own
work was ~60 µs. The few queries every request runs (session, user, a lesson's structure and
the learner's marks) are therefore written as ordinary QuerySets, compiled once with stand-in
values, and afterwards executed with the request's values in their places. The ORM still
writes the SQL and its converters still turn rows into Python values (aware datetimes, bools
on SQLite), so the results are what the QuerySet itself would return.

Parameters must be values the database takes as they are (integers and strings: primary and
foreign keys, slugs, session keys). A datetime or any value a field adapts would differ from
its stand-in after compiling; `_compile` refuses a query whose stand-ins it cannot find once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet
from django.db.models.query import ModelIterable

# Stand-ins no real query uses: negative ids, and strings no slug or session key can contain.
_INT_STAND_IN = -1_736_401_928  # within a 32-bit column: PostgreSQL refuses wider
_STR_STAND_IN = "\x00prepared-parameter-"


class PreparedQuery:
    """`build(*params)` returns a QuerySet; `rows(*values)` runs it with `values` as params.

    `kinds` says each parameter's type ("int" or "str"). With `values()`/`values_list()` the
    rows are tuples of the selected columns; without, use `instances()` for model objects.
    `convert=False` skips the ORM's converters (datetimes stay as the driver gives them), for
    values that only need comparing, such as a cache key's versions.
    """

    def __init__(
        self,
        build: Callable[..., QuerySet],
        *kinds: str,
        using: str = "default",
        convert: bool = True,
    ):
        self.build = build
        self.kinds = kinds
        self.using = using
        self.convert = convert  # False: rows as the database driver gives them

    def rows(self, *values: Any) -> list[tuple]:
        sql, positions, params, converters, _ = self._compiled()
        return self._run(sql, positions, params, converters, values)

    def instances(self, *values: Any) -> list:
        """Model instances built from the rows, as iterating the QuerySet would build them."""
        sql, positions, params, converters, model_fields = self._compiled()
        if model_fields is None:
            raise TypeError("instances() needs a plain model QuerySet (no values(), no joins)")
        model, field_names = model_fields
        rows = self._run(sql, positions, params, converters, values)
        return [model.from_db(self.using, field_names, row) for row in rows]

    def _run(self, sql, positions, params, converters, values) -> list[tuple]:
        if len(values) != len(self.kinds):
            raise TypeError(f"expected {len(self.kinds)} values, got {len(values)}")
        params = list(params)
        for index, value in zip(positions, values, strict=True):
            params[index] = value
        connection = connections[self.using]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if not self.convert:
            return rows
        return self._convert(rows, converters)

    def converted(self, rows: list[tuple]) -> list[tuple]:
        """Rows read with `convert=False`, converted as `rows()` would have given them: a caller
        can key a memo on the driver's rows and convert only when it builds anew."""
        return self._convert(rows, self._compiled()[3])

    def _convert(self, rows, converters) -> list[tuple]:
        if not converters:
            return rows
        connection = connections[self.using]
        converted = []
        for row in rows:
            row = list(row)
            for position, (functions, expression) in converters:
                value = row[position]
                for function in functions:
                    value = function(value, expression, connection)
                row[position] = value
            converted.append(tuple(row))
        return converted

    def _compiled(self):
        # Kept on the connection object: one per thread, and its converters belong to it.
        connection = connections[self.using]
        cache = connection.__dict__.setdefault("_meshlearn_prepared", {})
        compiled = cache.get(self)
        if compiled is None:
            compiled = cache[self] = self._compile(connection)
        return compiled

    def _compile(self, connection):
        stand_ins = [_stand_in(kind, n) for n, kind in enumerate(self.kinds)]
        queryset = self.build(*stand_ins)
        compiler = queryset.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        positions = []
        for stand_in in stand_ins:
            found = [i for i, param in enumerate(params) if param == stand_in]
            if len(found) != 1:
                raise ValueError(f"parameter {stand_in!r} appears {len(found)} times in {sql}")
            positions.append(found[0])
        columns = [select[0] for select in compiler.select]
        converters = list(compiler.get_converters(columns).items())
        model_fields = None
        if queryset._iterable_class is ModelIterable and not queryset.query.select_related:
            model_fields = (queryset.model, [column.target.attname for column in columns])
        return sql, positions, tuple(params), converters, model_fields


def field_names(model, *, leave_out: tuple[str, ...] = ()) -> list[str]:
    """The columns a `model` instance is built from (its concrete fields' attnames), in order;
    `leave_out` names fields a read does not need."""
    return [f.attname for f in model._meta.concrete_fields if f.name not in leave_out]


def joined_instances(row, layout) -> list:
    """The model instances one joined row holds, as select_related would build them: `layout`
    lists (model, field names) in the order their columns were selected; columns after the
    last are left alone."""
    instances, start = [], 0
    for model, names in layout:
        end = start + len(names)
        instances.append(model.from_db(DEFAULT_DB_ALIAS, names, row[start:end]))
        start = end
    return instances


def _stand_in(kind: str, number: int):
    if kind == "int":
        return _INT_STAND_IN - number
    if kind == "str":
        return f"{_STR_STAND_IN}{number}"
    raise ValueError(f"unknown parameter kind {kind!r}")

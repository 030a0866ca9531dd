"""Prepared queries: a queryset's SQL compiled once per process, then run with new values.

Django builds and compiles a queryset's SQL every time it runs one. For the queries that every
student request makes (the session, the user, the question on screen, the answer saved) that
costs several times what running them does: 0.4 to 1.3 ms of CPU each, against about 0.1 ms for
the database (README, "Benchmark"). A prepared query keeps the queryset as the ORM writes it
(joins, select_related, annotations, the converters for JSON, decimals and aware datetimes) and
pays for compiling it once per process:

    shown = PreparedQuery(
        lambda: Response.objects.filter(attempt_id=Param("attempt"), position=Param("position"))
    )
    shown.fetch(attempt=7, position=3)  # [<Response>], as list() of the queryset would give

    store = PreparedUpdate(lambda: Response.objects.filter(pk=Param("pk")), flagged=Param("flag"))
    store.run(pk=12, flag=True)  # 1, the number of rows changed

A Param stands for a value given at each run. It must be compared with a field (filter) or
stored in one (update): that field adapts the value for the database as the ORM would.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Expression, QuerySet
from django.db.models.query import ModelIterable, ValuesListIterable, get_related_populators
from django.db.models.sql.compiler import SQLCompiler
from django.db.models.sql.subqueries import UpdateQuery


class Param(Expression):
    """A value given when a prepared query runs, by name: `filter(pk=Param("pk"))`."""

    def __init__(self, name: str):
        super().__init__()
        self.name = name

    def __repr__(self) -> str:
        return f"Param({self.name!r})"

    def as_sql(self, compiler, connection):
        return "%s", [self]


Adapter = Callable  # (value, connection) -> the value as the database driver takes it


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple  # constants, and Params where the run's values go
    adapters: dict[str, Adapter]
    compiler: SQLCompiler


class _Prepared:
    def __init__(self, build: Callable[[], QuerySet]):
        # Built lazily, at the first run: a module can define its queries before apps are ready.
        self.build = build
        # Per database alias: the SQL depends only on the database's vendor.
        self._compiled: dict[str, _Compiled] = {}

    def _query(self):
        raise NotImplementedError

    def _compile(self, alias: str) -> _Compiled:
        query = self._query()
        if query.is_sliced or query.combinator:
            raise ValueError("Sliced and combined querysets cannot be prepared.")
        compiler = query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        adapters = _param_adapters(query)
        if {param.name for param in params if isinstance(param, Param)} != adapters.keys():
            raise ValueError("A Param must be compared with a field or stored in one.")
        if not adapters:
            raise ValueError("A prepared query needs at least one Param.")
        compiled = _Compiled(sql=sql, params=tuple(params), adapters=adapters, compiler=compiler)
        self._compiled[alias] = compiled
        return compiled

    def _execute(self, cursor, compiled: _Compiled, values: dict) -> None:
        if compiled.adapters.keys() != values.keys():
            raise TypeError(
                f"Expected values for {sorted(compiled.adapters)}, got {sorted(values)}."
            )
        adapted = {
            name: compiled.adapters[name](value, cursor.db) for name, value in values.items()
        }
        cursor.execute(
            compiled.sql,
            [
                adapted[param.name] if isinstance(param, Param) else param
                for param in compiled.params
            ],
        )


class PreparedQuery(_Prepared):
    """A model or values_list() queryset, built by `build` and compiled once per database."""

    def __init__(self, build: Callable[[], QuerySet]):
        super().__init__(build)
        # Per alias, what compiler.results_iter() and ModelIterable work out again at every run:
        # each column's converters (JSON, decimals, aware datetimes), how to build instances.
        self._converters: dict[str, dict] = {}
        self._instance_builders: dict[str, _InstanceBuilder] = {}

    def _query(self):
        queryset = self.build()
        if queryset._iterable_class not in (ModelIterable, ValuesListIterable):
            raise ValueError("Only model and values_list() querysets can be prepared.")
        self._gives_instances = queryset._iterable_class is ModelIterable
        return queryset.query

    def _compile(self, alias: str) -> _Compiled:
        compiled = super()._compile(alias)
        compiler = compiled.compiler
        columns = [column[0] for column in compiler.select[: compiler.col_count]]
        if compiler.has_composite_fields(columns):
            raise ValueError("Composite primary keys cannot be prepared.")
        self._converters[alias] = compiler.get_converters(columns)
        if self._gives_instances:
            self._instance_builders[alias] = _InstanceBuilder(compiled.compiler, alias)
        return compiled

    def fetch(self, *, using: str = DEFAULT_DB_ALIAS, **values) -> list:
        """The rows as the queryset gives them: model instances, or tuples for values_list()."""
        compiled = self._compiled.get(using) or self._compile(using)
        with connections[using].cursor() as cursor:
            self._execute(cursor, compiled, values)
            rows = cursor.fetchall()
        if converters := self._converters[using]:
            rows = compiled.compiler.apply_converters(rows, converters)
        if self._gives_instances:
            return self._instance_builders[using].build(rows)
        return [tuple(row) for row in rows]


class PreparedUpdate(_Prepared):
    """queryset.update(**values), with the queryset built by `build`, compiled once."""

    def __init__(self, build: Callable[[], QuerySet], **values):
        super().__init__(build)
        self.values = values

    def _query(self):
        query = self.build().query.chain(UpdateQuery)
        query.add_update_values(self.values)
        return query

    def run(self, *, using: str = DEFAULT_DB_ALIAS, **values) -> int:
        """Run the update; the number of rows it changed."""
        compiled = self._compiled.get(using) or self._compile(using)
        with connections[using].cursor() as cursor:
            self._execute(cursor, compiled, values)
            return cursor.rowcount


def _param_adapters(query) -> dict[str, Adapter]:
    """How each Param's values are adapted: by the field it is compared with or stored in."""
    adapters = {}

    def visit(node) -> None:
        for child in getattr(node, "children", ()):
            visit(child)
        if hasattr(node, "lhs") and hasattr(node, "rhs"):
            field = node.lhs.output_field
            for param in _params_in(node.rhs):
                adapters[param.name] = _lookup_adapter(field)

    visit(query.where)
    for field, _model, value in getattr(query, "values", ()):
        if isinstance(value, Param):
            adapters[value.name] = field.get_db_prep_save
    return adapters


def _lookup_adapter(field) -> Adapter:
    def adapt(value, connection):
        return field.get_db_prep_value(value, connection, prepared=False)

    return adapt


def _params_in(value) -> list[Param]:
    """The Params in a lookup's right-hand side: a Param, or those in a list (`__in`)."""
    if isinstance(value, Param):
        return [value]
    if isinstance(value, list | tuple):
        return [param for item in value for param in _params_in(item)]
    if hasattr(value, "get_source_expressions"):
        return _params_in(value.get_source_expressions())
    return []


class _InstanceBuilder:
    """Model instances from converted rows, built as Django's ModelIterable builds them
    (select_related and annotations included), with what it works out per query done once."""

    def __init__(self, compiler: SQLCompiler, db: str):
        select, klass_info = compiler.select, compiler.klass_info
        self.db = db
        self.model = klass_info["model"]
        self.start = klass_info["select_fields"][0]
        self.end = klass_info["select_fields"][-1] + 1
        self.init_list = [column[0].target.attname for column in select[self.start : self.end]]
        self.populators = get_related_populators(klass_info, select, db)
        self.annotations = list(compiler.annotation_col_map.items())

    def build(self, rows) -> list:
        instances = []
        for row in rows:
            instance = self.model.from_db(self.db, self.init_list, row[self.start : self.end])
            for populator in self.populators:
                populator.populate(row, instance)
            for name, position in self.annotations:
                setattr(instance, name, row[position])
            instances.append(instance)
        return instances

"""Report SQLAlchemy queries that load every matching row into memory (audit 2.1-2.9)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar

import libcst as cst
import libcst.matchers as m
from libcst.metadata import ParentNodeProvider, ProviderT

from fixkit.codemod import Codemod, ProjectFiles, Safety
from fixkit.cstutil import code_of

from .atomic_update import Model, Project, scan_project

__all__ = ["UnboundedQuery"]

#: Methods after which the query returns a bounded number of rows.
BOUNDING = frozenset(
    {"limit", "slice", "fetch", "first", "one", "one_or_none", "get", "scalar", "scalar_one",
     "scalar_one_or_none"}
)  # fmt: skip
FILTERING = frozenset({"filter", "filter_by", "where"})
IN_METHODS = frozenset({"in_", "not_in", "notin_"})
ALL_CALL = m.Call(func=m.Attribute(attr=m.Name("all")), args=[])
LITERAL_COLLECTION = m.List() | m.Tuple() | m.Set()


@dataclass
class _Query:
    """What a chain of calls ending in ``.all()`` is, as far as it can be read."""

    methods: list[tuple[str, Sequence[cst.Arg]]] = field(default_factory=list)
    root: str | None = None
    """"query" (``session.query(M)``) or "select" (``select(M)``) once found."""
    entities: Sequence[cst.Arg] = ()

    @property
    def names(self) -> set[str]:
        return {name for name, _ in self.methods}


class UnboundedQuery(Codemod):
    """Report SQLAlchemy `.all()` calls that load every matching row into memory.

    ## What it does
    Reports, in functions, every `.all()` on a SQLAlchemy query that nothing bounds:
    `session.query(M)...all()`, `session.execute(select(M)...).scalars().all()`,
    `session.scalars(select(M)...).all()`, also when the query or the statement was built in a
    local first (`query = self.db.query(M)` ... `return query.order_by(...).all()`). A query is
    bounded by `.limit()`, `.slice()`, `.fetch()`, or by an equality filter on the primary key
    or a unique column of a model declared in the tree (`id` for models fixkit cannot see).
    Rows loaded only to be filtered in Python (`all_users = ....all()` then
    `[u for u in all_users if ...]` or a loop that skips rows) get a message of their own. An
    `.in_(ids)` filter whose list has a size unknown at the call site is reported as a note.
    Chains without `query(`/`select(` (a Django-like `objects.all()`, a statement passed in
    from elsewhere) are not reported.

    ## Why is this bad?
    `.all()` builds a list of every row the query matches. On a large table this takes all
    the memory it needs, holds the connection (and the pool slot) for the whole transfer, and
    under concurrency exhausts both. Filtering in Python after loading everything does the same
    work to keep a few rows. A huge `IN (...)` list is slow to plan and can exceed the
    driver's limit on bound parameters.

    ## Example
    ```python
    sessions = db.query(SessionDB).filter(*filters).all()
    all_users = self.db.query(UserDB).filter(UserDB.is_active == True).all()
    return [user for user in all_users if role in user.roles]
    ```

    Use instead:
    ```python
    sessions = db.query(SessionDB).filter(*filters).order_by(SessionDB.id).limit(1000).offset(page * 1000).all()
    for user in self.db.query(UserDB).filter(UserDB.is_active == True, UserDB.roles.contains(role)).yield_per(500):
        ...
    ```

    ## Fix safety
    Report only: a limit changes what the code returns, and the right page size, the order to
    paginate in and whether streaming fits the caller are product decisions. Nothing is
    rewritten.

    ## References
    Audit 2.1 (unbounded query loading into memory), 2.3 (load all then filter in Python),
    2.4 (missing pagination on .all() queries), 2.7 (export cascading loads), 2.9 (large IN
    clause).
    """

    title = "Report SQLAlchemy queries that load every row with .all()"
    audit = ("2.1", "2.3", "2.4", "2.7", "2.9")
    safety = Safety.REPORT_ONLY
    triggers = (b".all(", b".in_(")

    METADATA_DEPENDENCIES: ClassVar[tuple[ProviderT, ...]] = (
        *Codemod.METADATA_DEPENDENCIES,
        ParentNodeProvider,
    )

    @classmethod
    def collect(cls, files: ProjectFiles) -> Project:
        """The models of the tree, to know their primary keys and unique columns."""
        return files.once(scan_project)

    def visit_Module(self, node: cst.Module) -> None:
        self._functions: list[cst.FunctionDef] = []
        self._assignments: dict[int, dict[str, list[cst.BaseExpression]]] = {}

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._functions.append(node)

    def leave_FunctionDef(
        self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
    ) -> cst.FunctionDef:
        self._functions.pop()
        return updated_node

    def visit_Call(self, node: cst.Call) -> None:
        if not self._functions:
            return
        if m.matches(node, ALL_CALL):
            self._check_all(node)
        elif (
            isinstance(node.func, cst.Attribute)
            and node.func.attr.value in IN_METHODS
            and len(node.args) == 1
        ):
            self._check_in(node)

    # -- .all() -----------------------------------------------------------------

    def _check_all(self, call: cst.Call) -> None:
        query = self._read(cst.ensure_type(call.func, cst.Attribute).value)
        if query.root is None or query.names & BOUNDING or self._one_row(query):
            return
        model = self._model_label(query)
        kept = self._filtered_in_python(call)
        if kept is not None:
            self.skip(
                call,
                f"`.all()` loads every {model} row the query matches, then {kept} filters them "
                "in Python: move that condition into the query's .filter()/.where() so the "
                "database returns only the rows you keep (or, if SQL cannot express it, iterate "
                "with .yield_per(n) instead of .all())",
            )
            return
        self.skip(
            call,
            f"`.all()` loads every {model} row the query matches into memory, with no limit: "
            "paginate with .limit(n).offset(...) (with an .order_by()), stream with "
            ".yield_per(n) or .execution_options(stream_results=True) instead of .all(), or "
            "narrow the query in SQL",
        )

    def _read(self, expr: cst.BaseExpression, depth: int = 0) -> _Query:
        """Walk a chain of calls down to ``session.query(...)`` or ``select(...)``."""
        query = _Query()
        seen: set[str] = set()
        self._walk(expr, query, seen, depth)
        return query

    def _walk(self, expr: cst.BaseExpression, query: _Query, seen: set[str], depth: int) -> None:
        while depth < 20:
            depth += 1
            if isinstance(expr, cst.Await):
                expr = expr.expression  # result = await session.execute(select(M))
                continue
            if isinstance(expr, cst.Name):
                if expr.value in seen:
                    return
                seen.add(expr.value)
                for value in self._values_of(expr.value):
                    self._walk(value, query, seen, depth)
                return
            if not isinstance(expr, cst.Call):
                return
            func = expr.func
            if isinstance(func, cst.Name):
                if func.value == "select":
                    query.methods.append(("select", expr.args))
                    query.root = query.root or "select"
                    query.entities = query.entities or expr.args
                return
            if not isinstance(func, cst.Attribute):
                return
            name = func.attr.value
            query.methods.append((name, expr.args))
            if name == "query" or (name == "select" and m.matches(func.value, m.Name())):
                # session.query(M) / sa.select(M): the root of the chain
                query.root = query.root or name
                query.entities = query.entities or expr.args
                return
            if name in ("scalars", "execute") and expr.args:
                self._walk(expr.args[0].value, query, seen, depth)
            expr = func.value

    def _values_of(self, name: str) -> list[cst.BaseExpression]:
        """Every value assigned to ``name`` in the enclosing function."""
        function = self._functions[-1]
        table = self._assignments.get(id(function))
        if table is None:
            table = {}
            for assign in m.findall(function, m.Assign() | m.AnnAssign()):
                if isinstance(assign, cst.Assign):
                    for target in assign.targets:
                        if isinstance(target.target, cst.Name):
                            table.setdefault(target.target.value, []).append(assign.value)
                elif (
                    isinstance(assign, cst.AnnAssign)
                    and isinstance(assign.target, cst.Name)
                    and assign.value is not None
                ):
                    table.setdefault(assign.target.value, []).append(assign.value)
            self._assignments[id(function)] = table
        return table.get(name, [])

    def _model(self, query: _Query) -> tuple[str | None, Model | None]:
        if len(query.entities) != 1:
            return None, None
        entity = query.entities[0].value
        if not isinstance(entity, (cst.Name, cst.Attribute)):
            return None, None
        name = entity.value if isinstance(entity, cst.Name) else entity.attr.value
        project = self.project if isinstance(self.project, Project) else None
        found = project.model(name, self.context.filename) if project is not None else None
        return name, found if isinstance(found, Model) else None

    def _model_label(self, query: _Query) -> str:
        if len(query.entities) == 1:
            return code_of(query.entities[0].value)
        if query.entities:
            return "(" + ", ".join(code_of(arg.value) for arg in query.entities) + ")"
        return "result"

    def _one_row(self, query: _Query) -> bool:
        """An equality on the primary key or a unique column: at most one row."""
        name, model = self._model(query)
        if name is None:
            return self._aggregate_only(query)

        def identifies(column: str) -> bool:
            if model is not None:
                return model.identifies_one_row(column)
            return column == "id"  # the model is not in the tree: the usual key name

        for method, args in query.methods:
            if method not in FILTERING:
                continue
            for arg in args:
                if method == "filter_by" and arg.keyword is not None:
                    if identifies(arg.keyword.value):
                        return True
                    continue
                value = arg.value
                if not (
                    isinstance(value, cst.Comparison)
                    and len(value.comparisons) == 1
                    and isinstance(value.comparisons[0].operator, cst.Equal)
                ):
                    continue
                for side in (value.left, value.comparisons[0].comparator):
                    if (
                        isinstance(side, cst.Attribute)
                        and code_of(side.value) == name
                        and identifies(side.attr.value)
                    ):
                        return True
        return False

    def _aggregate_only(self, query: _Query) -> bool:
        """``query(func.count(M.id))`` without GROUP BY returns one row."""
        return (
            bool(query.entities)
            and all(
                m.matches(arg.value, m.Call(func=m.Attribute(value=m.Name("func"))))
                for arg in query.entities
            )
            and "group_by" not in query.names
        )

    def _filtered_in_python(self, call: cst.Call) -> str | None:
        """How the rows are filtered in Python right after loading, if they are."""
        parent = self.get_metadata(ParentNodeProvider, call, None)
        if isinstance(parent, cst.CompFor) and parent.iter is call and parent.ifs:
            return "a comprehension"
        if not isinstance(parent, cst.Assign) or len(parent.targets) != 1:
            return None
        target = parent.targets[0].target
        if not isinstance(target, cst.Name):
            return None
        line = self.get_metadata(ParentNodeProvider, parent, None)
        block = self.get_metadata(ParentNodeProvider, line, None) if line else None
        if not isinstance(block, cst.IndentedBlock) or line not in block.body:
            return None
        rows = m.Name(target.value)
        later = block.body[block.body.index(line) + 1 :]
        for stmt in later:
            if m.findall(stmt, m.CompFor(iter=rows, ifs=[m.AtLeastN(n=1)])):
                return "a comprehension"
            if m.findall(stmt, m.Call(func=m.Name("filter"), args=[m.Arg(), m.Arg(rows)])):
                return "filter()"
            for loop in m.findall(stmt, m.For(iter=rows)):
                body = cst.ensure_type(loop, cst.For).body
                first = body.body[0] if isinstance(body, cst.IndentedBlock) and body.body else None
                if isinstance(first, cst.If) and (
                    len(body.body) == 1 or m.findall(first.body, m.Continue())
                ):
                    return "a loop"
        return None

    # -- .in_(ids) --------------------------------------------------------------

    def _check_in(self, call: cst.Call) -> None:
        arg = call.args[0].value
        if m.matches(arg, LITERAL_COLLECTION) or call.args[0].star:
            return
        if isinstance(arg, cst.Name):
            values = self._values_of(arg.value)
            if values and all(self._read(v).root is not None for v in values):
                return  # a subquery: the database runs it, no list is sent
            if values and all(m.matches(v, LITERAL_COLLECTION) for v in values):
                return
        elif self._read(arg).root is not None:
            return
        filtering = self._filtering_call(call)
        if filtering is None:
            return
        shown = code_of(arg)
        method = cst.ensure_type(call.func, cst.Attribute).attr.value
        self.skip(
            call,
            f"note: `.{method}({shown})` sends one bound parameter per element of {shown}, whose "
            "size is unknown here; thousands of ids make a slow IN clause and can exceed the "
            "driver's parameter limit: query in batches of a few hundred ids, or use a subquery "
            "or a join instead of a list",
        )

    def _filtering_call(self, node: cst.CSTNode) -> cst.Call | None:
        """The ``.filter(...)``/``.where(...)`` of a SQLAlchemy query that ``node`` is in."""
        parent = self.get_metadata(ParentNodeProvider, node, None)
        while parent is not None and not isinstance(parent, cst.BaseStatement):
            if (
                isinstance(parent, cst.Call)
                and isinstance(parent.func, cst.Attribute)
                and parent.func.attr.value in FILTERING
                and self._read(parent).root is not None
            ):
                return parent
            parent = self.get_metadata(ParentNodeProvider, parent, None)
        return None

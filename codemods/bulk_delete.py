"""Replace a loop of ``session.delete(row)`` with one bulk DELETE statement."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import libcst as cst
import libcst.matchers as m
from libcst.metadata import PositionProvider

from fixkit.codemod import Codemod, ProjectFiles, Safety
from fixkit.cstutil import LINE_LENGTH, args_code, code_of, first_line

from .atomic_update import (
    FILTERS,
    FLUSH_EVENTS,
    Model,
    Project,
    bound_names,
    dotted_tail,
    ensure_import,
    free_name,
    names_in,
    query_chain,
    scan_project,
)

__all__ = ["BulkDelete"]

#: Query methods a bulk DELETE refuses (SQLAlchemy raises for them).
REJECTED = frozenset(
    {"join", "outerjoin", "join_from", "limit", "offset", "order_by", "distinct", "group_by",
     "having", "slice", "select_from", "from_self"}
)  # fmt: skip
DELETE_EVENTS = frozenset(
    {"before_delete", "after_delete", "persistent_to_deleted", "deleted_to_detached"}
)
DELETE_CALL = m.Call(func=m.Attribute(attr=m.Name("delete")), args=[m.Arg(m.Name())])
COUNT_UP = m.AugAssign(target=m.Name(), operator=m.AddAssign(), value=m.Integer("1"))


def _len_of(name: str) -> m.Call:
    return m.Call(func=m.Name("len"), args=[m.Arg(m.Name(name))])


def _delete_of(name: str) -> m.Call:
    return m.Call(func=m.Attribute(attr=m.Name("delete")), args=[m.Arg(m.Name(name))])


@dataclass
class _Rows:
    """The query that loads the rows, as the rewrite needs it."""

    session: cst.BaseExpression
    model: cst.BaseExpression
    style: str
    chain: list[tuple[str, Sequence[cst.Arg]]]
    select_func: cst.BaseExpression | None
    query_root: cst.Call | None


@dataclass
class _Loop:
    """A recognised ``for row in rows: session.delete(row)`` (and where it stands)."""

    loop: cst.For
    rows: _Rows
    fetch: cst.SimpleStatementLine | None
    items: str | None
    counter: str | None


def _parse_rows(expr: cst.BaseExpression) -> _Rows | str:
    """The query ``expr`` iterates, or why it cannot become a DELETE."""
    if m.matches(expr, m.Call(func=m.Attribute(attr=m.Name("all")), args=[])):
        expr = cst.ensure_type(cst.ensure_type(expr, cst.Call).func, cst.Attribute).value
    session: cst.BaseExpression | None = None
    statement: cst.BaseExpression | None = None
    if m.matches(expr, m.Call(func=m.Attribute(attr=m.Name("scalars")), args=[m.Arg()])):
        call = cst.ensure_type(expr, cst.Call)
        session = cst.ensure_type(call.func, cst.Attribute).value
        statement = call.args[0].value
    elif m.matches(
        expr,
        m.Call(
            func=m.Attribute(
                value=m.Call(func=m.Attribute(attr=m.Name("execute")), args=[m.Arg()]),
                attr=m.Name("scalars"),
            ),
            args=[],
        ),
    ):
        inner = cst.ensure_type(cst.ensure_type(expr, cst.Call).func, cst.Attribute).value
        execute = cst.ensure_type(inner, cst.Call)
        session = cst.ensure_type(execute.func, cst.Attribute).value
        statement = execute.args[0].value
    if statement is not None and session is not None:
        chain = query_chain(statement, "select")
        if chain is None:
            return "cannot read the statement that loads the rows"
        root, calls = chain
        return _checked(session, root, calls, "2.0", root.func)
    chain = query_chain(expr, "query")
    if chain is None:
        return "cannot read the query that loads the rows"
    root, calls = chain
    return _checked(cst.ensure_type(root.func, cst.Attribute).value, root, calls, "1.x", None)


def _checked(
    session: cst.BaseExpression,
    root: cst.Call,
    calls: list[tuple[str, Sequence[cst.Arg]]],
    style: str,
    select_func: cst.BaseExpression | None,
) -> _Rows | str:
    if len(root.args) != 1 or root.args[0].keyword is not None or root.args[0].star:
        return "the query does not load exactly one entity"
    for method, _ in calls:
        if method in REJECTED:
            return f"the query uses .{method}(), which a bulk DELETE rejects"
        if method not in FILTERS:
            return f"the query uses .{method}(), which a bulk DELETE cannot express"
    return _Rows(
        session, root.args[0].value, style, calls, select_func, root if style == "1.x" else None
    )


class BulkDelete(Codemod):
    """Replace a loop that deletes loaded rows one by one with one bulk DELETE.

    ## What it does
    Finds ``for row in session.query(M).filter(...).all(): session.delete(row)`` (also with
    the list fetched first, iterated directly, or loaded with ``select(M).where(...)``), and
    rewrites it to one ``query.delete(synchronize_session="fetch")`` or, in 2.0 style,
    ``session.execute(delete(M).where(...))``. A counter incremented in the loop or a later
    ``len(rows)`` takes the statement's row count instead.

    ## Why is this bad?
    Every row is loaded into memory, then deleted with its own DELETE statement at the next
    flush: N round trips that hold the connection, and a transaction, for the whole loop
    (an N+1 delete). One DELETE statement does the same work in one round trip.

    ## Example
    ```python
    attempts = session.query(ExerciseAttemptDB).filter(ExerciseAttemptDB.is_sec == False).all()
    for attempt in attempts:
        session.delete(attempt)
    print(f"deleted {len(attempts)}")
    ```

    Use instead:
    ```python
    attempts_count = session.query(ExerciseAttemptDB).filter(ExerciseAttemptDB.is_sec == False).delete(synchronize_session="fetch")
    print(f"deleted {attempts_count}")
    ```

    ## Fix safety
    Unsafe. A bulk DELETE bypasses the unit of work: the mapper events ``before_delete`` and
    ``after_delete``, the session's flush events and ORM cascades do not run, and the rows
    are deleted when the statement runs rather than at the next flush. The objects in the
    session are synchronised (``synchronize_session="fetch"``). Sites are declined when the
    model has delete listeners, cascades or relationships that ``session.delete()`` would
    maintain, inherits another mapped class, or when the query uses joins, limits or ordering.

    ## References
    Audit 2.2 (loop-based deletion, N+1 deletes), 2.6 (SimulatorEventDB bulk delete).
    """

    title = "Replace a loop of session.delete() with one bulk DELETE"
    audit = ("2.2", "2.6")
    safety = Safety.UNSAFE
    triggers = (b".delete(",)
    METADATA_DEPENDENCIES = (PositionProvider,)

    @classmethod
    def collect(cls, files: ProjectFiles) -> Project:
        """Models, their relationships and the delete listeners of the whole tree."""
        return files.once(scan_project)

    def visit_Module(self, node: cst.Module) -> None:
        self._module = node
        self._names = bound_names(node)
        self._scopes: list[cst.CSTNode] = [node]

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._scopes.append(node)

    def leave_FunctionDef(
        self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
    ) -> cst.FunctionDef:
        self._scopes.pop()
        return updated_node

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        body = self._rewrite(list(original_node.body), list(updated_node.body))
        return updated_node if body is None else updated_node.with_changes(body=body)

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        body = self._rewrite(list(original_node.body), list(updated_node.body))
        return updated_node if body is None else updated_node.with_changes(body=body)

    # -- the transform ---------------------------------------------------------

    def _rewrite(
        self, original: list[cst.BaseStatement], updated: list[cst.BaseStatement]
    ) -> list[cst.BaseStatement] | None:
        changed = False
        index = len(original) - 1
        # Right to left, so that a rewrite never shifts the statements still to look at.
        while index >= 0:
            stmt = original[index]
            target = _deleting_loop(stmt)
            if target is None:
                index -= 1
                continue
            loop = cst.ensure_type(stmt, cst.For)
            site = self._plan(original, index, loop, target)
            if isinstance(site, str):
                self.skip(stmt, site)
                index -= 1
                continue
            start = index - 1 if site.fetch is not None else index
            new = self._render(site, original, updated, index)
            if isinstance(new, str):
                self.skip(stmt, new)
                index -= 1
                continue
            replacement, rest = new
            self.fixed(site.fetch or loop, self._message(site))
            updated = [*updated[:start], *replacement, *rest]
            changed = True
            index = start - 1
        return updated if changed else None

    def _message(self, site: _Loop) -> str:
        name = dotted_tail(site.rows.model)
        return (
            f"loop of session.delete() over {name} rows replaced by one bulk DELETE; unsafe: "
            "the before_delete/after_delete mapper events, flush events and ORM cascades no "
            "longer run, and the rows are deleted at once instead of at the next flush"
        )

    def _plan(
        self, stmts: list[cst.BaseStatement], index: int, loop: cst.For, target: str
    ) -> _Loop | str:
        if loop.orelse is not None or loop.asynchronous is not None:
            return "the loop has an else clause or is async"
        body = loop.body.body
        deletes = [s for s in body if m.matches(s, m.SimpleStatementLine([m.Expr(DELETE_CALL)]))]
        counters = [s for s in body if m.matches(s, m.SimpleStatementLine([COUNT_UP]))]
        if len(deletes) != 1 or len(body) != len(deletes) + len(counters) or len(counters) > 1:
            extra = next((s for s in body if s not in deletes and s not in counters), body[0])
            return f"the loop body does more than delete the row: `{first_line(extra)}`"
        call = cst.ensure_type(
            cst.ensure_type(deletes[0], cst.SimpleStatementLine).body[0], cst.Expr
        ).value
        call = cst.ensure_type(call, cst.Call)
        if not m.matches(call.args[0].value, m.Name(target)):
            return f"the loop deletes something else than its row {target}"
        counter = None
        if counters:
            aug = cst.ensure_type(
                cst.ensure_type(counters[0], cst.SimpleStatementLine).body[0], cst.AugAssign
            )
            counter = cst.ensure_type(aug.target, cst.Name).value
        items: str | None = None
        fetch: cst.SimpleStatementLine | None = None
        source = loop.iter
        if isinstance(source, cst.Name):
            items = source.value
            previous = stmts[index - 1] if index > 0 else None
            if previous is None or not m.matches(
                previous,
                m.SimpleStatementLine([m.Assign(targets=[m.AssignTarget(m.Name(items))])]),
            ):
                return f"{items} is not loaded by the statement just before the loop"
            fetch = cst.ensure_type(previous, cst.SimpleStatementLine)
            source = cst.ensure_type(fetch.body[0], cst.Assign).value
        rows = _parse_rows(source)
        if isinstance(rows, str):
            return rows
        session = cst.ensure_type(call.func, cst.Attribute).value
        if code_of(session) != code_of(rows.session):
            return "the rows are deleted from another session than the one that loaded them"
        if items is not None:
            problem = self._other_uses(stmts, index, items)
            if problem:
                return problem
        if any(target in names_in(s) for s in stmts[index + 1 :]):
            return f"the loop variable {target} is used after the loop"
        problem = self._model_problem(rows)
        if problem:
            return problem
        return _Loop(loop, rows, fetch, items, counter)

    def _other_uses(self, stmts: list[cst.BaseStatement], index: int, items: str) -> str | None:
        """Why the list ``items`` cannot go away: a use other than the loop and ``len(items)``."""
        allowed = 2 + sum(len(m.findall(s, _len_of(items))) for s in stmts[index + 1 :])
        scope = self._scopes[-1]
        total = len(m.findall(scope, m.Name(items)))
        # Attribute names are Name nodes too; count only free uses.
        attrs = len(m.findall(scope, m.Attribute(attr=m.Name(items))))
        if total - attrs != allowed:
            return f"the list {items} is used for something else than the loop and len({items})"
        return None

    def _model_problem(self, rows: _Rows) -> str | None:
        project = self.project
        name = dotted_tail(rows.model)
        if not isinstance(project, Project) or name is None:
            return "the deleted entity is not a model class"
        model = project.model(name, self.context.filename)
        if isinstance(model, str):
            return model
        if model.mapped_ancestor:
            return f"{name} inherits the mapped class {model.mapped_ancestor}; a bulk DELETE spans one table"
        if "polymorphic_on" in model.mapper_args:
            return f"{name} is the base of a mapped class hierarchy; a bulk DELETE spans one table"
        events = project.listened(model, DELETE_EVENTS | FLUSH_EVENTS)
        if events:
            return f"{name} has {', '.join(events)} listeners in the project that a bulk DELETE would not fire"
        return _relationship_problem(project, model)

    # -- rendering -------------------------------------------------------------

    def _statement(
        self, lhs: str, style: str, session: str, parts: list[str], margin: str, count: bool
    ) -> str:
        """The DELETE statement on one line, or one call of the chain a line when too long."""
        newline, step = self._module.default_newline, self._module.default_indent
        if style == "1.x":
            text = lhs + "".join(parts)
            if len(margin + text) > LINE_LENGTH:
                # libcst indents continuation lines by the block's indentation itself.
                chain = "".join(f"{step}{part}{newline}" for part in parts)
                text = f"{lhs}({newline}{chain})"
            return text
        suffix = ".rowcount" if count else ""
        text = f"{lhs}{session}.execute({''.join(parts)}){suffix}"
        if len(margin + text) > LINE_LENGTH:
            chain = "".join(f"{step}{part}{newline}" for part in parts)
            text = f"{lhs}{session}.execute({newline}{chain}){suffix}"
        return text

    def _margin(self, node: cst.CSTNode) -> str:
        """The indentation of the line ``node`` starts on in the original module."""
        try:
            column = self.get_metadata(PositionProvider, node).start.column
        except KeyError:
            return ""
        return " " * column

    def _render(
        self,
        site: _Loop,
        original: list[cst.BaseStatement],
        updated: list[cst.BaseStatement],
        index: int,
    ) -> tuple[list[cst.BaseStatement], list[cst.BaseStatement]] | str:
        rows = site.rows
        session = code_of(rows.session)
        model = code_of(rows.model)
        if rows.style == "1.x":
            assert rows.query_root is not None
            parts = [f"{session}.query({model})"]
            parts += [f".{meth}({args_code(args)})" for meth, args in rows.chain]
            parts.append('.delete(synchronize_session="fetch")')
        else:
            delete = self._delete_func(rows)
            if delete is None:
                return "the name `delete` is already bound to something else in this module"
            parts = [f"{delete}({model})"]
            parts += [
                f".{'where' if meth == 'filter' else meth}({args_code(args)})"
                for meth, args in rows.chain
            ]
        scope = self._scopes[-1]
        taken = names_in(scope) | set(self._names)
        rest = updated[index + 1 :]
        lines: list[str] = []
        margin = self._margin(site.fetch or site.loop)
        uses_len = site.items is not None and any(
            m.findall(s, _len_of(site.items)) for s in original[index + 1 :]
        )
        if uses_len:
            assert site.items is not None
            count = free_name([f"{site.items}_count", f"deleted_{site.items}"], taken)
            lines.append(self._statement(f"{count} = ", rows.style, session, parts, margin, True))
            if site.counter:
                lines.append(f"{site.counter} += {count}")
            rest = [_replace_len(s, site.items, count) for s in rest]
        elif site.counter:
            lines.append(
                self._statement(f"{site.counter} += ", rows.style, session, parts, margin, True)
            )
        else:
            lines.append(self._statement("", rows.style, session, parts, margin, False))
        config = self._module.config_for_parsing
        newline = self._module.default_newline
        new: list[cst.BaseStatement] = [
            cst.parse_statement(line + newline, config) for line in lines
        ]
        leading = [*(site.fetch.leading_lines if site.fetch else ()), *site.loop.leading_lines]
        first = new[0]
        assert isinstance(first, cst.SimpleStatementLine)
        new[0] = first.with_changes(leading_lines=leading)
        return new, rest

    def _delete_func(self, rows: _Rows) -> str | None:
        if isinstance(rows.select_func, cst.Attribute):
            return f"{code_of(rows.select_func.value)}.delete"
        return (
            "delete" if ensure_import(self.context, self._names, "sqlalchemy", "delete") else None
        )


def _relationship_problem(project: Project, model: Model) -> str | None:
    """Why ``session.delete()`` does more for ``model`` than a DELETE statement would."""
    own_fk_tables = {
        t for a in model.attrs.values() if a.kind == "column" for t in a.foreign_tables
    }
    relations = [
        (name, a.target, a.cascade, a.secondary, a.collection)
        for name, a in model.attrs.items()
        if a.kind == "relationship"
    ]
    # A backref declared on another class adds a relationship to this one.
    for infos in project.classes.values():
        for info in infos:
            for attr in info.attrs.values():
                if attr.kind == "relationship" and attr.target == model.name and attr.backref:
                    relations.append(
                        (attr.backref, info.name, attr.backref_cascade, attr.secondary, None)
                    )
    for name, target, cascade, secondary, collection in relations:
        where = f"{model.name}.{name}"
        if "delete" in cascade or "all" in cascade.replace(" ", "").split(","):
            return f"{where} has an ORM cascade ({cascade!r}) that a bulk DELETE would not run"
        if secondary:
            return f"{where} is many-to-many: session.delete() also deletes the association rows, a bulk DELETE does not"
        other = project.model(target) if target else None
        table = other.tablename if isinstance(other, Model) else None
        if collection or table is None or table not in own_fk_tables:
            return (
                f"{where} is not a many-to-one relationship: session.delete() also updates or "
                "deletes the related rows, a bulk DELETE does not"
            )
    return None


def _deleting_loop(stmt: cst.BaseStatement) -> str | None:
    """The loop variable of a ``for`` whose body deletes it with ``<session>.delete(var)``."""
    if not isinstance(stmt, cst.For) or not isinstance(stmt.target, cst.Name):
        return None
    target = stmt.target.value
    call = _delete_of(target)
    return target if m.findall(stmt.body, call) else None


def _replace_len(stmt: cst.BaseStatement, items: str, count: str) -> cst.BaseStatement:
    class _Len(cst.CSTTransformer):
        def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
            if m.matches(original_node, _len_of(items)):
                return cst.Name(count)
            return updated_node

    out = stmt.visit(_Len())
    assert isinstance(out, cst.BaseStatement)
    return out

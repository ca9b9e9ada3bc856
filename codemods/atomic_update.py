"""Replace an ORM read-modify-write with one atomic UPDATE statement."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import ClassVar

import libcst as cst
import libcst.matchers as m
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor
from libcst.metadata import PositionProvider

from fixkit.codemod import Codemod, ProjectFiles, Safety
from fixkit.cstutil import LINE_LENGTH, args_code, code_of, first_line, string_value

__all__ = [
    "AtomicUpdate",
    "Attr",
    "ClassInfo",
    "Model",
    "Project",
    "bound_names",
    "code_of",
    "dotted_tail",
    "ensure_import",
    "free_name",
    "names_in",
    "parse_fetch",
    "query_chain",
    "scan_project",
]

# -- the project scan, shared with bulk_delete ---------------------------------

_COLUMN_FACTORIES = frozenset({"Column", "mapped_column"})
_RELATIONSHIP_FACTORIES = frozenset({"relationship", "relation", "dynamic_loader"})
_OTHER_FACTORIES = frozenset(
    {
        "column_property",
        "synonym",
        "composite",
        "deferred",
        "query_expression",
        "association_proxy",
        "with_expression",
    }
)
_PROPERTY_DECORATORS = frozenset({"property", "cached_property"})
_HYBRID_DECORATORS = frozenset({"hybrid_property", "hybrid_method"})
_COLLECTIONS = frozenset(
    {"List", "list", "Set", "set", "Sequence", "Collection", "WriteOnlyMapped"}
)

#: Session events that a flush fires and a bulk statement does not.
FLUSH_EVENTS = frozenset({"before_flush", "after_flush", "after_flush_postexec"})
#: Event targets that stand for every mapped class.
ALL_MAPPERS = frozenset({"Mapper", "mapper"})


def dotted_tail(expr: cst.BaseExpression) -> str | None:
    """``Column`` for ``Column`` and ``sa.Column``; None for anything else."""
    if isinstance(expr, cst.Name):
        return expr.value
    if isinstance(expr, cst.Attribute):
        return expr.attr.value
    if isinstance(expr, cst.Call):
        return dotted_tail(expr.func)
    return None


def _kwarg(call: cst.Call, name: str) -> cst.BaseExpression | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg.value
    return None


def _is_true(expr: cst.BaseExpression | None) -> bool:
    return isinstance(expr, cst.Name) and expr.value == "True"


@dataclass(frozen=True)
class Attr:
    """One attribute of a class body, as far as the ORM is concerned."""

    kind: str
    """column, relationship, property, hybrid, method, other (column_property, ...) or plain."""
    primary_key: bool = False
    unique: bool = False
    foreign_tables: tuple[str, ...] = ()
    target: str = ""
    """Relationship: the related class."""
    cascade: str = ""
    secondary: bool = False
    collection: bool | None = None
    backref: str = ""
    backref_cascade: str = ""
    params: tuple[str, ...] = ()
    """Method: its parameters after ``self``."""
    returns: str = ""
    """Method: the code of its only statement ``return <expr>``, if that is its body."""


@dataclass
class ClassInfo:
    """A class declared somewhere in the project."""

    name: str
    path: str
    bases: tuple[str, ...]
    attrs: dict[str, Attr] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)
    """Class attributes bound to a plain name (``model = UserDB``)."""
    tablename: str | None = None
    mapper_args: tuple[str, ...] = ()
    validated: tuple[str, ...] = ()


@dataclass
class Model:
    """A mapped class with the attributes of its bases merged in."""

    name: str
    attrs: dict[str, Attr]
    lineage: tuple[str, ...]
    tablename: str | None
    mapper_args: tuple[str, ...]
    validated: tuple[str, ...]
    mapped_ancestor: str | None

    @property
    def primary_key(self) -> str | None:
        """The single primary-key attribute (None when composite or unknown)."""
        keys = [name for name, a in self.attrs.items() if a.kind == "column" and a.primary_key]
        return keys[0] if len(keys) == 1 else None

    def identifies_one_row(self, attr: str) -> bool:
        """True when an equality on ``attr`` matches at most one row."""
        a = self.attrs.get(attr)
        return a is not None and a.kind == "column" and (a.unique or attr == self.primary_key)


@dataclass
class Project:
    """What ``collect`` learns about the whole tree: classes, event listeners."""

    classes: dict[str, list[ClassInfo]] = field(default_factory=dict)
    listeners: list[tuple[str, str]] = field(default_factory=list)
    """(target, event name) of every ``event.listen`` / ``@event.listens_for``."""

    def lookup(self, name: str, path: str | None = None) -> ClassInfo | None:
        """The class called ``name``; the one in ``path`` first; None if unknown or ambiguous."""
        found = self.classes.get(name, [])
        local = [c for c in found if c.path == path]
        if len(local) == 1:
            return local[0]
        return found[0] if len(found) == 1 else None

    def lineage(self, name: str, path: str | None = None) -> list[ClassInfo]:
        """The class and its known bases, nearest first (bases outside the tree are left out)."""
        out: list[ClassInfo] = []
        seen: set[str] = set()

        def walk(cls_name: str, where: str | None) -> None:
            info = self.lookup(cls_name, where)
            if info is None or cls_name in seen:
                return
            seen.add(cls_name)
            out.append(info)
            for base in info.bases:
                walk(base, info.path)

        walk(name, path)
        return out

    def model(self, name: str, path: str | None = None) -> Model | str:
        """The mapped class ``name``, or why it is not known."""
        if len(self.classes.get(name, [])) > 1 and self.lookup(name, path) is None:
            return f"model {name} is declared more than once in the project"
        chain = self.lineage(name, path)
        if not chain:
            return f"model {name} is not declared in the project"
        attrs: dict[str, Attr] = {}
        for info in reversed(chain):
            attrs.update(info.attrs)
        if not any(a.kind == "column" for a in attrs.values()) and chain[0].tablename is None:
            return f"{name} is not a mapped class with declared columns"
        mapped = next((c.name for c in chain[1:] if c.tablename is not None), None)
        validated = tuple(v for c in chain for v in c.validated)
        return Model(
            name, attrs, tuple(c.name for c in chain), chain[0].tablename,
            tuple(a for c in chain for a in c.mapper_args), validated, mapped,
        )  # fmt: skip

    def listened(self, model: Model, events: frozenset[str]) -> list[str]:
        """The events of ``events`` some listener in the tree has on ``model``, its bases or every mapper."""
        targets = set(model.lineage) | ALL_MAPPERS
        found = [
            e for t, e in self.listeners if e in events and (t in targets or e in FLUSH_EVENTS)
        ]
        return sorted(set(found))


def _scan_column(call: cst.Call) -> Attr:
    tables = []
    for arg in call.args:
        if isinstance(arg.value, cst.Call) and dotted_tail(arg.value.func) == "ForeignKey":
            spec = string_value(arg.value.args[0].value) if arg.value.args else None
            if spec and "." in spec:
                tables.append(spec.rsplit(".", 1)[0])
    return Attr(
        "column",
        primary_key=_is_true(_kwarg(call, "primary_key")),
        unique=_is_true(_kwarg(call, "unique")),
        foreign_tables=tuple(tables),
    )


def _mapped_inner(annotation: cst.BaseExpression | None) -> cst.BaseExpression | None:
    """``X`` of ``Mapped[X]`` (None when the annotation is not ``Mapped[...]``)."""
    if (
        isinstance(annotation, cst.Subscript)
        and dotted_tail(annotation.value) == "Mapped"
        and len(annotation.slice) == 1
        and isinstance(annotation.slice[0].slice, cst.Index)
    ):
        return annotation.slice[0].slice.value
    return None


def _class_name(expr: cst.BaseExpression) -> str:
    text = string_value(expr)
    if text is not None:
        return text.rsplit(".", 1)[-1]
    return dotted_tail(expr) or ""


def _scan_relationship(call: cst.Call, annotation: cst.BaseExpression | None) -> Attr:
    inner = _mapped_inner(annotation)
    target = _class_name(call.args[0].value) if call.args and call.args[0].keyword is None else ""
    collection: bool | None = None
    if isinstance(inner, cst.Subscript):
        collection = dotted_tail(inner.value) in _COLLECTIONS
        if not target and len(inner.slice) == 1 and isinstance(inner.slice[0].slice, cst.Index):
            target = _class_name(inner.slice[0].slice.value)
    elif inner is not None:
        collection = False
        target = target or _class_name(inner)
    uselist = _kwarg(call, "uselist")
    if isinstance(uselist, cst.Name):
        collection = uselist.value == "True"
    backref = _kwarg(call, "backref")
    backref_name, backref_cascade = string_value(backref) or "", ""
    if isinstance(backref, cst.Call) and backref.args:
        backref_name = string_value(backref.args[0].value) or ""
        backref_cascade = string_value(_kwarg(backref, "cascade")) or ""
    return Attr(
        "relationship",
        target=target,
        cascade=string_value(_kwarg(call, "cascade")) or "",
        secondary=_kwarg(call, "secondary") is not None,
        collection=collection,
        backref=backref_name,
        backref_cascade=backref_cascade,
    )


def _scan_assignment(
    info: ClassInfo,
    name: str,
    value: cst.BaseExpression | None,
    annotation: cst.BaseExpression | None,
) -> None:
    if name == "__tablename__":
        info.tablename = string_value(value) or "?"
        return
    if name == "__mapper_args__":
        keys = (
            [string_value(e.key) for e in value.elements if isinstance(e, cst.DictElement)]
            if isinstance(value, cst.Dict)
            else ["?"]
        )
        info.mapper_args = tuple(k or "?" for k in keys)
        return
    factory = dotted_tail(value.func) if isinstance(value, cst.Call) else None
    if isinstance(value, cst.Call) and factory in _COLUMN_FACTORIES:
        info.attrs[name] = _scan_column(value)
    elif isinstance(value, cst.Call) and factory in _RELATIONSHIP_FACTORIES:
        info.attrs[name] = _scan_relationship(value, annotation)
    elif factory in _OTHER_FACTORIES:
        info.attrs[name] = Attr("other")
    elif value is None and _mapped_inner(annotation) is not None:
        info.attrs[name] = Attr("column")
    else:
        if isinstance(value, cst.Name):
            info.aliases[name] = value.value
        info.attrs[name] = Attr("plain")


def _scan_function(info: ClassInfo, node: cst.FunctionDef) -> None:
    name = node.name.value
    kinds = set()
    for deco in node.decorators:
        tail = dotted_tail(deco.decorator)
        if isinstance(deco.decorator, cst.Call) and tail == "validates":
            info.validated += tuple(s for a in deco.decorator.args if (s := string_value(a.value)))
            kinds.add("method")
        elif tail in _PROPERTY_DECORATORS:
            kinds.add("property")
        elif tail in _HYBRID_DECORATORS:
            kinds.add("hybrid")
        elif isinstance(deco.decorator, cst.Attribute) and tail in {
            "setter",
            "expression",
            "deleter",
            "comparator",
        }:
            return  # the second half of a property or hybrid already recorded
        else:
            kinds.add("decorated")
    if "hybrid" in kinds or "property" in kinds:
        info.attrs[name] = Attr("hybrid" if "hybrid" in kinds else "property")
        return
    params = tuple(p.name.value for p in node.params.params)
    body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
    stmts = [s for s in body if not m.matches(s, m.SimpleStatementLine([m.Expr(m.SimpleString())]))]
    returns = ""
    if (
        not kinds
        and params[:1] == ("self",)
        and len(stmts) == 1
        and m.matches(stmts[0], m.SimpleStatementLine([m.Return(value=m.Call())]))
    ):
        line = stmts[0]
        assert isinstance(line, cst.SimpleStatementLine)
        ret = line.body[0]
        assert isinstance(ret, cst.Return) and ret.value is not None
        returns = code_of(ret.value)
    info.attrs[name] = Attr("method", params=params[1:], returns=returns)


def _scan_listener(call: cst.Call, listeners: list[tuple[str, str]]) -> None:
    tail = dotted_tail(call.func)
    if tail not in {"listen", "listens_for"} or len(call.args) < 2:
        return
    target = dotted_tail(call.args[0].value)
    event = string_value(call.args[1].value)
    if target and event:
        listeners.append((target, event))


class _ProjectScanner(cst.CSTVisitor):
    def __init__(self, path: str, project: Project) -> None:
        self.path = path
        self.project = project

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        bases = tuple(t for a in node.bases if (t := dotted_tail(a.value)))
        info = ClassInfo(node.name.value, self.path, bases)
        for stmt in node.body.body if isinstance(node.body, cst.IndentedBlock) else ():
            if isinstance(stmt, cst.FunctionDef):
                _scan_function(info, stmt)
            elif isinstance(stmt, cst.SimpleStatementLine):
                for small in stmt.body:
                    if isinstance(small, cst.Assign) and len(small.targets) == 1:
                        target = small.targets[0].target
                        if isinstance(target, cst.Name):
                            _scan_assignment(info, target.value, small.value, None)
                    elif isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
                        _scan_assignment(
                            info, small.target.value, small.value, small.annotation.annotation
                        )
        self.project.classes.setdefault(info.name, []).append(info)

    def visit_Call(self, node: cst.Call) -> None:
        _scan_listener(node, self.project.listeners)


#: Files worth scanning: models, listeners, repositories with fetch helpers.
SCAN_TRIGGERS = (
    b"Column",
    b"mapped_column",
    b"Mapped[",
    b"relationship",
    b"listen",
    b".query(",
    b".get(",
    b"select(",
    b".commit(",
)


def scan_project(files: ProjectFiles) -> Project:
    """Every class and event listener of the tree, for ``collect``."""
    project = Project()
    for path, module in files.modules(*SCAN_TRIGGERS):
        module.visit(_ProjectScanner(path, project))
    return project


def bound_names(module: cst.Module) -> dict[str, list[str]]:
    """Every name bound in the module (any scope but class bodies' methods) -> where from.

    ``from sqlalchemy import update`` gives ``{"update": ["sqlalchemy.update"]}``;
    other bindings give ``"local"``.
    """
    names: dict[str, list[str]] = {}

    class _Binder(cst.CSTVisitor):
        def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
            source = code_of(node.module) if node.module is not None else "."
            if isinstance(node.names, cst.ImportStar):
                names.setdefault("*", []).append(source)
                return
            for alias in node.names:
                bound = alias.asname.name if alias.asname else alias.name
                if isinstance(bound, cst.Name):
                    names.setdefault(bound.value, []).append(f"{source}.{code_of(alias.name)}")

        def visit_Import(self, node: cst.Import) -> None:
            for alias in node.names:
                bound = alias.asname.name if alias.asname else alias.name
                top = code_of(bound).split(".")[0]
                names.setdefault(top, []).append(code_of(alias.name))

        def visit_ClassDef(self, node: cst.ClassDef) -> bool:
            names.setdefault(node.name.value, []).append("local")
            # Methods bind their names in the class, not where the code runs.
            for stmt in node.body.body if isinstance(node.body, cst.IndentedBlock) else ():
                if not isinstance(stmt, cst.FunctionDef):
                    stmt.visit(self)
                else:
                    stmt.params.visit(self)
                    stmt.body.visit(self)
            return False

        def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
            names.setdefault(node.name.value, []).append("local")

        def visit_Param(self, node: cst.Param) -> None:
            names.setdefault(node.name.value, []).append("local")

        def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
            for name in _target_names(node.target):
                names.setdefault(name, []).append("local")

        def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
            for name in _target_names(node.target):
                names.setdefault(name, []).append("local")

        def visit_For(self, node: cst.For) -> None:
            for name in _target_names(node.target):
                names.setdefault(name, []).append("local")

        def visit_AsName(self, node: cst.AsName) -> None:
            if not isinstance(node.name, (cst.Tuple, cst.List)):
                return
            for name in _target_names(node.name):
                names.setdefault(name, []).append("local")

        def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
            for name in _target_names(node.target):
                names.setdefault(name, []).append("local")

    module.visit(_Binder())
    return names


def _target_names(target: cst.BaseExpression) -> Iterator[str]:
    if isinstance(target, cst.Name):
        yield target.value
    elif isinstance(target, (cst.Tuple, cst.List)):
        for element in target.elements:
            yield from _target_names(element.value)
    elif isinstance(target, cst.StarredElement):
        yield from _target_names(target.value)


def ensure_import(
    context: CodemodContext, names: dict[str, list[str]], module: str, name: str
) -> bool:
    """Make ``name`` from SQLAlchemy's ``module`` available; False when the name means something else."""
    sources = names.get(name, [])
    if any(not (s.startswith("sqlalchemy") and s.endswith(f".{name}")) for s in sources):
        return False
    if not sources:
        AddImportsVisitor.add_needed_import(context, module, name)
    return True


def names_in(node: cst.CSTNode) -> set[str]:
    """Every ``Name`` that occurs in ``node`` (attribute names excluded)."""
    found: set[str] = set()

    class _Names(cst.CSTVisitor):
        def visit_Name(self, node: cst.Name) -> None:
            found.add(node.value)

        def visit_Attribute(self, node: cst.Attribute) -> bool:
            node.value.visit(self)
            return False

    node.visit(_Names())
    return found


def free_name(preferred: Sequence[str], taken: set[str]) -> str:
    """The first of ``preferred`` not in ``taken`` (suffixed with ``_`` until free)."""
    for name in preferred:
        if name not in taken:
            return name
    name = preferred[0]
    while name in taken:
        name += "_"
    return name


def is_simple(expr: cst.BaseExpression) -> bool:
    """A name, attribute chain, literal or subscript of those: cheap and safe to evaluate twice."""
    if isinstance(expr, (cst.Name, cst.Integer, cst.Float, cst.SimpleString)):
        return True
    if isinstance(expr, cst.Attribute):
        return is_simple(expr.value)
    if isinstance(expr, cst.Subscript):
        return is_simple(expr.value) and all(
            isinstance(e.slice, cst.Index) and is_simple(e.slice.value) for e in expr.slice
        )
    return False


# -- recognising a fetch --------------------------------------------------------

#: Query methods that narrow the rows; the rewritten statement keeps them.
FILTERS = frozenset({"filter", "filter_by", "where"})
_ONE_ROW_1X = frozenset({"first", "one", "one_or_none"})
_ONE_ROW_SCALARS = frozenset({"first", "one", "one_or_none"})
_ONE_ROW_EXECUTE = frozenset({"scalar_one_or_none", "scalar_one", "scalar"})
#: Fetches that raise NoResultFound instead of returning None.
RAISING = frozenset({"one", "scalar_one"})


@dataclass
class Fetch:
    """One recognised ``load one object by key`` expression."""

    session: cst.BaseExpression
    model: cst.BaseExpression
    style: str
    """``1.x`` (``session.query``), ``2.0`` (``select``) or ``get`` (``session.get``, either)."""
    filters: list[tuple[str, Sequence[cst.Arg]]]
    terminal: str
    select_func: cst.BaseExpression | None = None
    key: cst.BaseExpression | None = None
    """``session.get(M, key)`` / ``query(M).get(key)``: the primary-key value."""


def query_chain(
    expr: cst.BaseExpression, root: str
) -> tuple[cst.Call, list[tuple[str, Sequence[cst.Arg]]]] | None:
    """Walk ``root(...).m1(...).m2(...)`` down to the ``root`` call.

    Returns the root call and the method calls after it, outermost last; None
    when it is no such chain.
    """
    calls: list[tuple[str, Sequence[cst.Arg]]] = []
    while isinstance(expr, cst.Call):
        func = expr.func
        if dotted_tail(func) == root and (root != "query" or (isinstance(func, cst.Attribute))):
            return expr, list(reversed(calls))
        if not isinstance(func, cst.Attribute):
            return None
        calls.append((func.attr.value, expr.args))
        expr = func.value
    return None


def parse_fetch(expr: cst.BaseExpression) -> Fetch | str | None:
    """The fetch ``expr`` is, a reason it cannot be used, or None when it is no fetch at all."""
    if not isinstance(expr, cst.Call) or not isinstance(expr.func, cst.Attribute):
        return None
    terminal = expr.func.attr.value
    inner = expr.func.value
    if (
        terminal == "get"
        and len(expr.args) == 2
        and not any(a.keyword for a in expr.args)
        and (dotted_tail(expr.args[0].value) or "x")[0].isupper()
    ):
        return Fetch(inner, expr.args[0].value, "get", [], "get", key=expr.args[1].value)
    if terminal in _ONE_ROW_1X or terminal == "get":
        chain = query_chain(inner, "query")
        if chain is not None:
            root, calls = chain
            assert isinstance(root.func, cst.Attribute)
            if terminal == "get":
                entity = _single_entity(root)
                if calls or len(expr.args) != 1 or entity is None:
                    return "Query.get() after other query methods"
                return Fetch(root.func.value, entity, "1.x", [], "get", key=expr.args[0].value)
            return _filtered(root.func.value, _single_entity(root), "1.x", calls, terminal, None)
    statement: cst.BaseExpression | None = None
    session: cst.BaseExpression | None = None
    if (
        terminal in _ONE_ROW_EXECUTE
        and m.matches(inner, m.Call(func=m.Attribute(attr=m.Name("execute"))))
    ) or (
        terminal in _ONE_ROW_SCALARS
        and m.matches(inner, m.Call(func=m.Attribute(attr=m.Name("scalars"))))
    ):
        assert isinstance(inner, cst.Call) and isinstance(inner.func, cst.Attribute)
        session, statement = inner.func.value, inner.args[0].value if inner.args else None
    elif terminal == "scalar" and len(expr.args) == 1:
        session, statement = inner, expr.args[0].value
    if session is None or statement is None:
        return None
    chain = query_chain(statement, "select")
    if chain is None:
        return None
    root, calls = chain
    return _filtered(session, _single_entity(root), "2.0", calls, terminal, root.func)


def _single_entity(root: cst.Call) -> cst.BaseExpression | None:
    if len(root.args) == 1 and root.args[0].keyword is None and root.args[0].star == "":
        return root.args[0].value
    return None


def _filtered(
    session: cst.BaseExpression,
    model: cst.BaseExpression | None,
    style: str,
    calls: list[tuple[str, Sequence[cst.Arg]]],
    terminal: str,
    select_func: cst.BaseExpression | None,
) -> Fetch | str:
    if model is None:
        return "the query does not select exactly one entity"
    for method, _ in calls:
        if method not in FILTERS:
            return f"the query uses .{method}(), which an UPDATE statement cannot express"
    return Fetch(session, model, style, calls, terminal, select_func)


def _renamed(
    node: cst.BaseExpression, mapping: dict[str, cst.BaseExpression]
) -> cst.BaseExpression:
    """``node`` with free names replaced (a helper's parameters by the caller's arguments)."""

    class _Rename(cst.CSTTransformer):
        def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.BaseExpression:
            return mapping.get(original_node.value, updated_node)

        def visit_Attribute(self, node: cst.Attribute) -> bool:
            return True

        def leave_Attribute(
            self, original_node: cst.Attribute, updated_node: cst.Attribute
        ) -> cst.BaseExpression:
            # Only the object of an attribute is a free name; `.id` stays `.id`.
            return updated_node.with_changes(attr=original_node.attr)

        def visit_Arg(self, node: cst.Arg) -> bool:
            return True

        def leave_Arg(self, original_node: cst.Arg, updated_node: cst.Arg) -> cst.Arg:
            return updated_node.with_changes(keyword=original_node.keyword)

    out = node.visit(_Rename())
    assert isinstance(out, cst.BaseExpression)
    return out


# -- the codemod -----------------------------------------------------------------


@dataclass
class _Assignment:
    node: cst.SimpleStatementLine
    attr: str
    value: cst.BaseExpression
    operator: cst.BaseAugOp | None


@dataclass
class _Site:
    fetch: Fetch
    model: Model
    fetch_call: cst.Call
    guard: cst.If | None
    assignments: list[_Assignment]
    returns: cst.SimpleStatementLine | None
    returns_object: bool
    dropped: list[cst.SimpleStatementLine] = field(default_factory=list)
    """The assignments, the commit and the refresh: their own-line comments move up."""


COMMIT = m.SimpleStatementLine([m.Expr(m.Call(func=m.Attribute(attr=m.Name("commit")), args=[]))])
REFRESH = m.SimpleStatementLine([m.Expr(m.Call(func=m.Attribute(attr=m.Name("refresh"))))])
RETURN = m.SimpleStatementLine([m.Return()])
NOT_FOUND_TEST = m.UnaryOperation(operator=m.Not(), expression=m.Name()) | m.Comparison(
    left=m.Name(), comparisons=[m.ComparisonTarget(operator=m.Is(), comparator=m.Name("None"))]
)
EXITS = m.Return() | m.Raise()
UPDATE_EVENTS = frozenset({"before_update", "after_update"})
_AUG_TO_BINARY: dict[type[cst.BaseAugOp], str] = {
    cst.AddAssign: "+",
    cst.SubtractAssign: "-",
    cst.MultiplyAssign: "*",
    cst.DivideAssign: "/",
    cst.FloorDivideAssign: "//",
    cst.ModuloAssign: "%",
    cst.BitOrAssign: "|",
    cst.BitAndAssign: "&",
}


class AtomicUpdate(Codemod):
    """Replace a read-modify-write of one ORM row with a single atomic UPDATE.

    ## What it does
    Finds methods that load one row by its key (``session.get``, ``query(...).first()``,
    ``execute(select(...)).scalar_one_or_none()`` or a repository helper such as
    ``self.get_by_id`` whose body is one of those), check that it exists, assign some of
    its columns and commit. Rewrites them to one ``UPDATE`` in the style the code already
    uses, with the same not-found behaviour (from the row count) and the same return value
    (the object is loaded again after the commit). A value computed from the object itself,
    such as ``obj.count + 1``, becomes the SQL expression ``Model.count + 1``.

    ## Why is this bad?
    Between the SELECT and the UPDATE of the flush, another request can change or delete the
    row: its write is silently overwritten (a lost update), and a counter incremented by two
    requests at once goes up by one. A single UPDATE statement is atomic in the database.

    ## Example
    ```python
    def verify_user(self, user_id):
        user = self.get_by_id(user_id)
        if not user:
            return None
        user.is_verified = True
        self.db.commit()
        return user
    ```

    Use instead:
    ```python
    def verify_user(self, user_id):
        updated = self.db.query(UserDB).filter(UserDB.id == user_id).update({UserDB.is_verified: True}, synchronize_session="fetch")
        if updated == 0:
            return None
        self.db.commit()
        return self.get_by_id(user_id)
    ```

    ## Fix safety
    Unsafe. A bulk UPDATE bypasses the unit of work: the mapper events ``before_update`` and
    ``after_update``, the session's flush events and ``@validates`` validators do not run for it
    (sites whose model has such hooks in the tree are left alone, but hooks elsewhere are not
    seen). The objects in the session are synchronised from the database instead. A method
    without a not-found guard used to raise ``AttributeError`` on a missing row; it now
    updates nothing. Sites are declined unless the row is selected by its primary key or a
    unique column, every assigned attribute is a declared column, and the object is not
    used otherwise between the load and the commit.

    ## References
    Audit 5.2 (verify_user TOCTOU), 5.3 (deactivate_user), 5.4 (reactivate_user),
    5.8 (update_status).
    """

    title = "Replace read-modify-write of a row with one atomic UPDATE"
    audit = ("5.2", "5.3", "5.4", "5.8")
    safety = Safety.UNSAFE
    triggers = (b".commit(",)
    METADATA_DEPENDENCIES = (PositionProvider,)

    _FETCH_TERMINALS: ClassVar[frozenset[str]] = frozenset(
        {"get", "first", "one", "one_or_none", "scalar_one_or_none", "scalar_one", "scalar"}
    )

    @classmethod
    def collect(cls, files: ProjectFiles) -> Project:
        """Models, repository helpers and event listeners of the whole tree."""
        return files.once(scan_project)

    def visit_Module(self, node: cst.Module) -> None:
        self._module = node
        self._names = bound_names(node)
        self._classes: list[str] = []

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._classes.append(node.name.value)

    def leave_ClassDef(
        self, original_node: cst.ClassDef, updated_node: cst.ClassDef
    ) -> cst.ClassDef:
        self._classes.pop()
        return updated_node

    # -- the transform ---------------------------------------------------------

    def leave_FunctionDef(
        self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
    ) -> cst.FunctionDef:
        if not isinstance(original_node.body, cst.IndentedBlock) or original_node.asynchronous:
            return updated_node
        stmts = list(original_node.body.body)
        for index, stmt in enumerate(stmts):
            assigned = _fetch_assignment(stmt)
            if assigned is None:
                continue
            obj, call = assigned
            if not _modified_then_committed(stmts[index + 1 :], obj):
                continue
            plan = self._plan(original_node, obj, call, stmts[index + 1 :])
            if isinstance(plan, str):
                self.skip(stmt, plan)
                return updated_node
            new = self._render(
                original_node, cst.ensure_type(stmt, cst.SimpleStatementLine), obj, plan
            )
            if isinstance(new, str):
                self.skip(stmt, new)
                return updated_node
            self.fixed(stmt, self._message(plan))
            body = updated_node.body
            assert isinstance(body, cst.IndentedBlock)
            return updated_node.with_changes(
                body=body.with_changes(body=[*body.body[:index], *new])
            )
        return updated_node

    def _message(self, site: _Site) -> str:
        name = site.model.name
        columns = ", ".join(f"{name}.{a.attr}" for a in site.assignments)
        text = (
            f"read-modify-write of {columns} replaced by one UPDATE statement; unsafe: "
            f"the before_update/after_update mapper events, flush events and validators no "
            f"longer run for it, and the session's {name} objects are synchronised from the database"
        )
        if site.guard is None and site.fetch.terminal not in RAISING:
            text += "; a missing row no longer raises AttributeError, the UPDATE matches no row"
        return text

    def _resolve(self, call: cst.Call) -> tuple[Fetch, str | None] | str | None:
        """The fetch of ``call`` (resolving ``self.helper(...)``), with the path of its model's scope."""
        direct = parse_fetch(call)
        if direct is not None:
            return direct if isinstance(direct, str) else (direct, self.context.filename)
        if not m.matches(call.func, m.Attribute(value=m.Name("self"))):
            return None
        assert isinstance(call.func, cst.Attribute)
        method = call.func.attr.value
        project = self.project
        if not isinstance(project, Project) or not self._classes:
            return f"cannot resolve self.{method}(): no project scan"
        lineage = project.lineage(self._classes[-1], self.context.filename)
        owner = next((c for c in lineage if method in c.attrs), None)
        helper = owner.attrs[method] if owner is not None else None
        if helper is None or helper.kind != "method" or not helper.returns:
            return (
                f"cannot resolve self.{method}() to a fetch of one row in this class or its bases"
            )
        if any(a.keyword or a.star for a in call.args) or len(call.args) != len(helper.params):
            return f"self.{method}() is called with arguments that do not match its parameters one to one"
        mapping: dict[str, cst.BaseExpression] = {
            p: a.value for p, a in zip(helper.params, call.args, strict=True)
        }
        # `self.model` in a generic base repository: the subclass names the model.
        for info in reversed(lineage):
            for alias, target in info.aliases.items():
                mapping[f"self.{alias}"] = cst.Name(target)
        expr = cst.parse_expression(helper.returns)
        expr = _renamed(_aliased(expr, mapping), mapping)
        fetch = parse_fetch(expr)
        if not isinstance(fetch, Fetch):
            return fetch or f"self.{method}() does not return a fetch of one row"
        foreign = names_in(expr) - names_in(call) - {"self", "True", "False", "None"}
        unbound = sorted(n for n in foreign if n not in self._names and n not in _KNOWN_BY_FETCH)
        if unbound:
            return f"self.{method}() uses {', '.join(unbound)}, which this module does not import"
        return fetch, owner.path if owner is not None else None

    def _plan(
        self,
        function: cst.FunctionDef,
        obj: str,
        call: cst.Call,
        rest: list[cst.BaseStatement],
    ) -> _Site | str:
        resolved = self._resolve(call)
        if resolved is None:
            return "not a recognised fetch of one row"
        if isinstance(resolved, str):
            return resolved
        fetch, path = resolved
        model_name = dotted_tail(fetch.model)
        project = self.project
        if model_name is None or not isinstance(project, Project):
            return "the fetched entity is not a model class"
        model = project.model(model_name, path)
        if isinstance(model, str):
            return model
        problem = _model_problem(project, model)
        if problem:
            return problem
        criterion = _key_problem(fetch, model)
        if criterion:
            return criterion
        pos = 0
        guard: cst.If | None = None
        if pos < len(rest) and isinstance(rest[pos], cst.If):
            guard_stmt = rest[pos]
            assert isinstance(guard_stmt, cst.If)
            if not _is_guard(guard_stmt, obj):
                return f"the `if` after the fetch is not a plain not-found guard on {obj}"
            if fetch.terminal in RAISING:
                return f".{fetch.terminal}() raises before the not-found guard could run"
            guard = guard_stmt
            pos += 1
        assignments: list[_Assignment] = []
        while pos < len(rest) and (found := _attribute_assignment(rest[pos], obj)) is not None:
            assignments.append(found)
            pos += 1
        if not assignments or pos >= len(rest) or not m.matches(rest[pos], COMMIT):
            other = rest[pos] if pos < len(rest) else rest[-1]
            return f"{obj} is not only assigned between the fetch and the commit: `{first_line(other)}`"
        if not _same(_commit_session(rest[pos]), fetch.session):
            return "the commit is on another session than the fetch"
        dropped = [a.node for a in assignments]
        dropped.append(cst.ensure_type(rest[pos], cst.SimpleStatementLine))
        pos += 1
        if pos < len(rest) and m.matches(rest[pos], REFRESH):
            dropped.append(cst.ensure_type(rest[pos], cst.SimpleStatementLine))
            pos += 1
        returns: cst.SimpleStatementLine | None = None
        returns_object = False
        if pos < len(rest) and m.matches(rest[pos], RETURN):
            line = rest[pos]
            assert isinstance(line, cst.SimpleStatementLine)
            returns = line
            value = cst.ensure_type(line.body[0], cst.Return).value
            returns_object = value is not None and m.matches(value, m.Name(obj))
            if value is not None and not returns_object and obj in names_in(value):
                return f"the return value is computed from {obj}"
            if returns_object and _calls_in_key(fetch, call):
                return "the key is computed by a call; fetching the object again would repeat it"
            pos += 1
        if pos < len(rest):
            return f"statements follow the commit: `{first_line(rest[pos])}`"
        site = _Site(fetch, model, call, guard, assignments, returns, returns_object, dropped)
        return self._check_assignments(site, obj)

    def _check_assignments(self, site: _Site, obj: str) -> _Site | str:
        model = site.model
        seen: set[str] = set()
        for a in site.assignments:
            attr = model.attrs.get(a.attr)
            where = f"{model.name}.{a.attr}"
            if attr is None:
                return f"{where} is not a column declared on {model.name}"
            if attr.kind == "relationship":
                return f"{where} is a relationship, not a column: an UPDATE cannot set it"
            if attr.kind in {"property", "hybrid"}:
                return f"{where} is a {attr.kind}: setting it runs Python code an UPDATE would skip"
            if attr.kind != "column":
                return f"{where} is not a mapped column"
            if a.attr in model.validated:
                return f"{where} has a @validates validator that an UPDATE would skip"
            if a.attr in seen:
                return f"{where} is assigned twice"
            for used in _object_uses(a.value, obj):
                if used is None:
                    return f"the new value of {where} uses {obj} itself, not only its columns"
                used_attr = model.attrs.get(used)
                if used_attr is None or used_attr.kind != "column":
                    return (
                        f"the new value of {where} reads {model.name}.{used}, which is not a column"
                    )
                if used in seen:
                    return f"{model.name}.{used} is read after it is assigned; an UPDATE would read the old value"
            seen.add(a.attr)
        return site

    # -- rendering -------------------------------------------------------------

    def _render(
        self, function: cst.FunctionDef, first: cst.SimpleStatementLine, obj: str, site: _Site
    ) -> list[cst.SimpleStatementLine | cst.BaseCompoundStatement] | str:
        fetch = site.fetch
        taken = names_in(function) | set(self._names)
        model = code_of(fetch.model)
        values = [(a.attr, self._value_code(a, obj, model)) for a in site.assignments]
        legacy = fetch.style == "1.x" or (fetch.style == "get" and b".query(" in self._module.bytes)
        newline, step = self._module.default_newline, self._module.default_indent
        margin = self._margin(first)
        # libcst indents continuation lines by the block's indentation itself.
        inner = step
        if legacy:
            count = free_name(["updated", "updated_rows"], taken)
            query = f"{code_of(fetch.session)}.query({model})"
            query += "".join(
                f".{meth}({args_code(args)})"
                for meth, args in self._criteria(fetch, model, site.model.primary_key)
            )
            assignments = ", ".join(f"{model}.{attr}: {value}" for attr, value in values)
            text = f'{count} = {query}.update({{{assignments}}}, synchronize_session="fetch")'
            if len(margin + text) > LINE_LENGTH:
                text = (
                    f"{count} = {query}.update({newline}{inner}{{{assignments}}},{newline}"
                    f'{inner}synchronize_session="fetch",{newline})'
                )
            rowcount = count
        else:
            update = self._update_func(fetch)
            if update is None:
                return "the name `update` is already bound to something else in this module"
            count = free_name(["result", "update_result"], taken)
            parts = [f"{update}({model})"]
            parts += [
                f".{'where' if meth == 'filter' else meth}({args_code(args)})"
                for meth, args in self._criteria(fetch, model, site.model.primary_key)
            ]
            parts.append(f".values({', '.join(f'{attr}={value}' for attr, value in values)})")
            session = code_of(fetch.session)
            text = f"{count} = {session}.execute({''.join(parts)})"
            if len(margin + text) > LINE_LENGTH:
                chain = "".join(f"{inner}{part}{newline}" for part in parts)
                text = f"{count} = {session}.execute({newline}{chain})"
            rowcount = f"{count}.rowcount"
        config = self._module.config_for_parsing
        leading = [line for s in [first, *site.dropped] for line in s.leading_lines]
        statement = cst.parse_statement(text + newline, config).with_changes(leading_lines=leading)
        out: list[cst.SimpleStatementLine | cst.BaseCompoundStatement] = [statement]
        if site.guard is not None:
            out.append(site.guard.with_changes(test=cst.parse_expression(f"{rowcount} == 0")))
        elif fetch.terminal in RAISING:
            if not self._import("sqlalchemy.exc", "NoResultFound"):
                return "the name `NoResultFound` is already bound to something else in this module"
            out.append(
                cst.parse_statement(
                    f"if {rowcount} == 0:{newline}{step}"
                    f'raise NoResultFound("No row was found when one was required"){newline}',
                    config,
                )
            )
        commit = cst.parse_statement(f"{code_of(fetch.session)}.commit(){newline}", config)
        out.append(commit)
        if site.returns is not None:
            if site.returns_object:
                ret = cst.ensure_type(site.returns.body[0], cst.Return)
                out.append(
                    site.returns.with_changes(body=[ret.with_changes(value=site.fetch_call)])
                )
            else:
                out.append(site.returns)
        return out

    def _margin(self, node: cst.CSTNode) -> str:
        """The whitespace that starts the line of ``node`` in the original module."""
        try:
            line = self.get_metadata(PositionProvider, node).start.line
        except KeyError:
            return ""
        text = self._module.code.splitlines()[line - 1]
        return text[: len(text) - len(text.lstrip())]

    def _criteria(
        self, fetch: Fetch, model: str, pk: str | None
    ) -> list[tuple[str, Sequence[cst.Arg]]]:
        if fetch.key is None:
            return fetch.filters
        criterion = cst.parse_expression(f"{model}.{pk} == {code_of(fetch.key)}")
        return [("filter" if fetch.style != "2.0" else "where", [cst.Arg(criterion)])]

    def _update_func(self, fetch: Fetch) -> str | None:
        if isinstance(fetch.select_func, cst.Attribute):
            return f"{code_of(fetch.select_func.value)}.update"
        return "update" if self._import("sqlalchemy", "update") else None

    def _import(self, module: str, name: str) -> bool:
        return ensure_import(self.context, self._names, module, name)

    def _value_code(self, a: _Assignment, obj: str, model: str) -> str:
        value = _columns_to_model(a.value, obj, model)
        text = code_of(value)
        if a.operator is None:
            return text
        if not isinstance(
            value, (cst.Name, cst.Attribute, cst.Integer, cst.Float, cst.SimpleString, cst.Call)
        ):
            text = f"({text})"
        return f"{model}.{a.attr} {_AUG_TO_BINARY[type(a.operator)]} {text}"


#: Longer generated statements are split over several lines, as black would.
#: Names a resolved helper may use that the rewritten code never needs.
_KNOWN_BY_FETCH = frozenset({"select"})


def _aliased(
    expr: cst.BaseExpression, mapping: dict[str, cst.BaseExpression]
) -> cst.BaseExpression:
    class _Alias(cst.CSTTransformer):
        def leave_Attribute(
            self, original_node: cst.Attribute, updated_node: cst.Attribute
        ) -> cst.BaseExpression:
            return mapping.get(code_of(original_node), updated_node)

    out = expr.visit(_Alias())
    assert isinstance(out, cst.BaseExpression)
    return out


def _same(a: cst.BaseExpression | None, b: cst.BaseExpression) -> bool:
    return a is not None and code_of(a) == code_of(b)


def _calls_in_key(fetch: Fetch, call: cst.Call) -> bool:
    """True when the key of the fetch is computed by a call (evaluating it twice could differ)."""
    if fetch.key is not None:
        return bool(m.findall(fetch.key, m.Call()))
    if m.matches(call.func, m.Attribute(value=m.Name("self"))) and parse_fetch(call) is None:
        return bool(m.findall(cst.Tuple([cst.Element(a.value) for a in call.args]), m.Call()))
    return any(m.findall(a.value, m.Call()) for _, args in fetch.filters for a in args)


def _commit_session(stmt: cst.BaseStatement) -> cst.BaseExpression | None:
    if isinstance(stmt, cst.SimpleStatementLine):
        expr = cst.ensure_type(stmt.body[0], cst.Expr).value
        if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute):
            return expr.func.value
    return None


def _fetch_assignment(stmt: cst.BaseStatement) -> tuple[str, cst.Call] | None:
    """``obj, call`` of ``obj = <call>`` when the call looks like a fetch or a ``self`` helper."""
    if not m.matches(
        stmt, m.SimpleStatementLine([m.Assign(targets=[m.AssignTarget(m.Name())], value=m.Call())])
    ):
        return None
    assert isinstance(stmt, cst.SimpleStatementLine)
    assign = cst.ensure_type(stmt.body[0], cst.Assign)
    call = cst.ensure_type(assign.value, cst.Call)
    if not isinstance(call.func, cst.Attribute):
        return None
    if call.func.attr.value not in AtomicUpdate._FETCH_TERMINALS and not m.matches(
        call.func.value, m.Name("self")
    ):
        return None
    return cst.ensure_type(assign.targets[0].target, cst.Name).value, call


def _modified_then_committed(rest: list[cst.BaseStatement], obj: str) -> bool:
    """True when some later statement assigns ``obj.<attr>`` and a later one commits."""
    assigned = next(
        (i for i, s in enumerate(rest) if _attribute_assignment(s, obj) is not None), None
    )
    return assigned is not None and any(m.matches(s, COMMIT) for s in rest[assigned:])


def _attribute_assignment(stmt: cst.BaseStatement, obj: str) -> _Assignment | None:
    if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
        return None
    small = stmt.body[0]
    target = m.Attribute(value=m.Name(obj), attr=m.Name())
    if m.matches(small, m.Assign(targets=[m.AssignTarget(target)])):
        assign = cst.ensure_type(small, cst.Assign)
        attr = cst.ensure_type(assign.targets[0].target, cst.Attribute).attr.value
        return _Assignment(stmt, attr, assign.value, None)
    if isinstance(small, cst.AugAssign) and m.matches(small.target, target):
        if type(small.operator) not in _AUG_TO_BINARY:
            return None
        attr = cst.ensure_type(small.target, cst.Attribute).attr.value
        return _Assignment(stmt, attr, small.value, small.operator)
    return None


def _is_guard(node: cst.If, obj: str) -> bool:
    if node.orelse is not None or not m.matches(node.test, NOT_FOUND_TEST):
        return False
    if obj not in names_in(node.test):
        return False
    body: Sequence[cst.CSTNode] = node.body.body
    if len(body) != 1:
        return False
    smalls: Sequence[cst.CSTNode] = body
    if isinstance(node.body, cst.IndentedBlock):
        line = body[0]
        smalls = line.body if isinstance(line, cst.SimpleStatementLine) else ()
    return len(smalls) == 1 and m.matches(smalls[0], EXITS) and obj not in names_in(smalls[0])


def _model_problem(project: Project, model: Model) -> str | None:
    if model.mapped_ancestor:
        return f"{model.name} inherits the mapped class {model.mapped_ancestor}; an UPDATE spans one table"
    if "version_id_col" in model.mapper_args:
        return f"{model.name} has a version counter (version_id_col) that an UPDATE would not bump"
    events = project.listened(model, UPDATE_EVENTS | FLUSH_EVENTS)
    if events:
        return f"{model.name} has {', '.join(events)} listeners in the project that an UPDATE would not fire"
    return None


def _key_problem(fetch: Fetch, model: Model) -> str | None:
    if fetch.key is not None:
        return None if model.primary_key else f"{model.name} has no single primary-key column"
    criteria: list[tuple[str, cst.BaseExpression]] = []
    for method, args in fetch.filters:
        for arg in args:
            criteria.append((arg.keyword.value if arg.keyword else "", arg.value))
            if method != "filter_by" and arg.keyword is not None:
                return "a filter has keyword arguments"
    reason = (
        f"the row is not selected by an equality on {model.name}'s primary key or a unique "
        "column; the UPDATE could change every matching row, not only the one fetched"
    )
    if len(criteria) != 1:
        return reason
    keyword, value = criteria[0]
    if keyword:
        return None if model.identifies_one_row(keyword) else reason
    column = m.Attribute(value=m.MatchIfTrue(lambda v: _same(v, fetch.model)), attr=m.Name())
    equals = m.ComparisonTarget(operator=m.Equal())
    if m.matches(value, m.Comparison(left=column, comparisons=[equals])):
        attr = cst.ensure_type(
            cst.ensure_type(value, cst.Comparison).left, cst.Attribute
        ).attr.value
    elif m.matches(
        value, m.Comparison(comparisons=[m.ComparisonTarget(m.Equal(), comparator=column)])
    ):
        comparator = cst.ensure_type(value, cst.Comparison).comparisons[0].comparator
        attr = cst.ensure_type(comparator, cst.Attribute).attr.value
    else:
        return reason
    return None if model.identifies_one_row(attr) else reason


def _object_uses(expr: cst.BaseExpression, obj: str) -> list[str | None]:
    """The attributes of ``obj`` that ``expr`` reads; None for a use of ``obj`` itself."""
    uses: list[str | None] = []

    class _Uses(cst.CSTVisitor):
        def visit_Attribute(self, node: cst.Attribute) -> bool:
            if m.matches(node.value, m.Name(obj)):
                uses.append(node.attr.value)
                return False
            return True

        def visit_Name(self, node: cst.Name) -> None:
            if node.value == obj:
                uses.append(None)

    expr.visit(_Uses())
    return uses


def _columns_to_model(expr: cst.BaseExpression, obj: str, model: str) -> cst.BaseExpression:
    """``expr`` with the object ``obj`` replaced by its model class (``obj.n`` -> ``M.n``)."""
    return _renamed(expr, {obj: cst.parse_expression(model)})

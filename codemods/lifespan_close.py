"""Close what a FastAPI lifespan creates before its ``yield`` in a ``finally:`` after it."""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import ClassVar

import libcst as cst
from libcst.metadata import ProviderT, QualifiedNameProvider

from fixkit.codemod import Codemod, ProjectFiles, Safety
from fixkit.cstutil import ast_import_map, code_of, module_name

__all__ = ["LifespanClose"]


@dataclass(frozen=True)
class _Closer:
    """How one kind of object is released at shutdown."""

    method: str
    is_async: bool
    label: str


@dataclass(frozen=True)
class _Method:
    is_async: bool
    needs_args: bool


@dataclass(frozen=True)
class _ClassInfo:
    """A class of the tree: its bases (qualified) and its release methods."""

    bases: tuple[str, ...]
    methods: tuple[tuple[str, _Method], ...]


@dataclass(frozen=True)
class _FuncInfo:
    """A module-level function of the tree and what it certainly returns."""

    classes: tuple[str, ...]
    """Qualified names of the classes it returns; empty when fixkit cannot tell."""
    singleton: bool
    """Every return is a module-level global: calling it again gives the same object."""


@dataclass
class _Project:
    """What :meth:`LifespanClose.collect` learns about the tree."""

    classes: dict[str, _ClassInfo] = field(default_factory=dict)
    funcs: dict[str, _FuncInfo] = field(default_factory=dict)
    lifespans: set[str] = field(default_factory=set)


_SQLA_ENGINE = _Closer("dispose", False, "SQLAlchemy engine")
_SQLA_ASYNC_ENGINE = _Closer("dispose", True, "SQLAlchemy async engine")
_HTTPX_ASYNC = _Closer("aclose", True, "httpx.AsyncClient")
_HTTPX_SYNC = _Closer("close", False, "httpx.Client")
_REDIS_ASYNC = _Closer("aclose", True, "asyncio redis client")
_REDIS_SYNC = _Closer("close", False, "redis client")
_AIOHTTP = _Closer("close", True, "aiohttp.ClientSession")

#: Qualified names of library factories and classes -> how their objects are released.
LIBRARY: dict[str, _Closer] = {
    "sqlalchemy.create_engine": _SQLA_ENGINE,
    "sqlalchemy.engine.create_engine": _SQLA_ENGINE,
    "sqlalchemy.ext.asyncio.create_async_engine": _SQLA_ASYNC_ENGINE,
    "sqlalchemy.ext.asyncio.engine.create_async_engine": _SQLA_ASYNC_ENGINE,
    "httpx.AsyncClient": _HTTPX_ASYNC,
    "httpx.Client": _HTTPX_SYNC,
    "redis.asyncio.from_url": _REDIS_ASYNC,
    "redis.asyncio.Redis": _REDIS_ASYNC,
    "redis.asyncio.StrictRedis": _REDIS_ASYNC,
    "redis.asyncio.Redis.from_url": _REDIS_ASYNC,
    "redis.asyncio.client.Redis": _REDIS_ASYNC,
    "redis.from_url": _REDIS_SYNC,
    "redis.Redis": _REDIS_SYNC,
    "redis.StrictRedis": _REDIS_SYNC,
    "redis.Redis.from_url": _REDIS_SYNC,
    "redis.client.Redis": _REDIS_SYNC,
    "aiohttp.ClientSession": _AIOHTTP,
    "aiohttp.client.ClientSession": _AIOHTTP,
}

_ACM = frozenset({"contextlib.asynccontextmanager"})
_RELEASERS = ("aclose", "close", "dispose")
#: Calls that look at an object and keep no reference to it.
_HARMLESS = frozenset(
    f"builtins.{n}"
    for n in ("print", "len", "isinstance", "repr", "str", "id", "type", "bool", "hasattr")
)
_PLAIN_BASES = frozenset({"object", "builtins.object", "abc.ABC"})
_NESTED = (cst.FunctionDef, cst.ClassDef, cst.Lambda)


def _walk(
    node: cst.CSTNode, parents: tuple[cst.CSTNode, ...] = ()
) -> Iterator[tuple[cst.CSTNode, tuple[cst.CSTNode, ...]]]:
    """Every node below ``node`` with its ancestors, not entering nested functions or classes."""
    yield node, parents
    inner = (*parents, node)
    for child in node.children:
        if isinstance(child, _NESTED):
            continue
        yield from _walk(child, inner)


# -- collect (the whole tree, with ast) ------------------------------------------------------


def _ast_dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        head = _ast_dotted(node.value)
        return f"{head}.{node.attr}" if head else None
    return None


def _ast_qualify(
    node: ast.expr, imports: dict[str, str], local: set[str], module: str
) -> str | None:
    dotted = _ast_dotted(node)
    if dotted is None:
        return None
    head, _, rest = dotted.partition(".")
    if head in imports:
        base = imports[head]
    elif head in local:
        base = f"{module}.{head}" if module else head
    else:
        return None
    return f"{base}.{rest}" if rest else base


def _ast_needs_args(func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    args = func.args
    positional = [*args.posonlyargs, *args.args][1:]  # the first one is ``self``
    required = len(positional) - len(args.defaults)
    missing_kw = any(d is None for d in args.kw_defaults)
    return required > 0 or missing_kw


def _ast_own(node: ast.AST) -> Iterator[ast.AST]:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        yield child
        yield from _ast_own(child)


def _ast_global_values(tree: ast.Module, name: str) -> list[ast.expr] | None:
    """Every value assigned to module global ``name``; None when one is not a plain assignment."""
    values: list[ast.expr] = []
    scopes: list[ast.Module | ast.FunctionDef | ast.AsyncFunctionDef] = [tree]
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(
            isinstance(g, ast.Global) and name in g.names for g in _ast_own(node)
        ):
            scopes.append(node)
    for scope in scopes:
        nodes = list(_ast_own(scope))
        plain: set[int] = set()
        for node in nodes:
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target = node.targets[0]
                if isinstance(target, ast.Name) and target.id == name:
                    values.append(node.value)
                    plain.add(id(target))
        stores = [
            n
            for n in nodes
            if isinstance(n, ast.Name) and n.id == name and not isinstance(n.ctx, ast.Load)
        ]
        # Any other binding (``for``, ``with ... as``, ``del``, ``:=``, tuples): unknown.
        if any(id(n) not in plain for n in stores):
            return None
    return values


def _ast_returns(
    func: ast.FunctionDef | ast.AsyncFunctionDef,
    tree: ast.Module,
    imports: dict[str, str],
    local: set[str],
    module: str,
) -> _FuncInfo:
    unknown = _FuncInfo((), False)
    returns = [n for n in _ast_own(func) if isinstance(n, ast.Return)]
    if not returns or any(isinstance(n, (ast.Yield, ast.YieldFrom)) for n in _ast_own(func)):
        return unknown
    declared = {n for g in _ast_own(func) if isinstance(g, ast.Global) for n in g.names}
    classes: set[str] = set()
    singleton = True
    for ret in returns:
        value = ret.value
        if isinstance(value, ast.Call):
            singleton = False
            q = _ast_qualify(value.func, imports, local, module)
            if q is None:
                return unknown
            classes.add(q)
        elif isinstance(value, ast.Name) and (value.id in declared or value.id in local):
            assigned = _ast_global_values(tree, value.id)
            if not assigned:
                return unknown
            for v in assigned:
                if isinstance(v, ast.Constant) and v.value is None:
                    continue  # the "not created yet" marker of a lazy singleton
                if not isinstance(v, ast.Call):
                    return unknown
                q = _ast_qualify(v.func, imports, local, module)
                if q is None:
                    return unknown
                classes.add(q)
            # ``return _x`` may hand out None unless the function creates it first.
            if value.id not in declared:
                return unknown
        else:
            return unknown
    return _FuncInfo(tuple(sorted(classes)), singleton)


def _ast_class(
    node: ast.ClassDef, imports: dict[str, str], local: set[str], module: str
) -> _ClassInfo:
    bases: list[str] = []
    for base in node.bases:
        q = _ast_qualify(base, imports, local, module)
        bases.append(q if q is not None else (_ast_dotted(base) or "?"))
    methods: list[tuple[str, _Method]] = []
    for stmt in node.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name in _RELEASERS:
            is_async = isinstance(stmt, ast.AsyncFunctionDef)
            methods.append((stmt.name, _Method(is_async, _ast_needs_args(stmt))))
        elif isinstance(stmt, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id in _RELEASERS for t in stmt.targets
        ):
            # ``close = _close``: a release method fixkit cannot judge.
            for t in stmt.targets:
                if isinstance(t, ast.Name) and t.id in _RELEASERS:
                    methods.append((t.id, _Method(False, True)))
    return _ClassInfo(tuple(bases), tuple(methods))


def _last(dotted: str) -> str:
    return dotted.rsplit(".", 1)[-1]


class LifespanClose(Codemod):
    """Close what a FastAPI lifespan creates, in a ``finally:`` around its ``yield``.

    ## What it does
    Finds a FastAPI lifespan (an ``async def`` decorated with ``asynccontextmanager``, through
    any alias, that is passed as ``lifespan=`` or named like one) and the long-lived objects it
    creates before its ``yield``: LLM providers and other classes of the project that define
    ``aclose()``, ``close()`` or ``dispose()``, SQLAlchemy engines (``create_engine``,
    ``create_async_engine``), ``httpx`` and ``redis`` clients, and objects returned by a
    project function that certainly returns one class (a lazy module-level singleton such as
    ``get_db_config()``). It puts the ``yield`` and whatever follows it in a ``try:`` and
    releases each object in a ``finally:``, in reverse order of creation: ``await x.aclose()``
    (preferred), ``await x.close()`` or ``x.close()`` as the class defines it,
    ``engine.dispose()``, ``await engine.dispose()``. A ``finally:`` that already follows the
    ``yield`` gets the missing calls at its end; objects already released are left alone.
    Classes are looked up in the whole tree, through imports.

    ## Why is this bad?
    The lifespan is the only place that sees the application stop. What it opens and does not
    close keeps its connection pools, sockets and database connections until the process
    dies; with ``--reload``, in tests that start the app repeatedly, or in workers that are
    recycled, every start leaves another set open.

    ## Example
    ```python
    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.llm_provider = OllamaProvider(settings.ollama_url)
        yield
    ```

    Use instead:
    ```python
    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.llm_provider = OllamaProvider(settings.ollama_url)
        try:
            yield
        finally:
            await app.state.llm_provider.close()
    ```

    ## Fix safety
    Safe: an object is only closed when the call is certain: its class is found in the tree
    (or is a known library class) and defines the method without required arguments, it is
    bound once, at the top level of the lifespan before the ``yield``, and it is not handed to
    a function that may close it. Code after the ``yield`` keeps running where and when it did;
    the closes run after it, and also when the application fails. An object passed to another
    constructor (a gateway that wraps a provider) is still closed, and the finding says so.
    Skipped with a reason: a class with no release method fixkit can see, or one that needs
    arguments; an object created in a ``with``/``async with`` (already managed), inside a
    block or a ``try`` before the ``yield`` (it may be unbound at shutdown), or bound twice;
    an object passed to a function; a lifespan with more than one ``yield``. A lazy singleton
    is released through its getter (``get_db_config().close()``); a later call returns the
    same, released object, which matters only if the app is started again in the same process.

    ## References
    Audit findings 1.9 (LLM provider not closed in the lifespan), 3.1 and 6.5 (provider
    client and shutdown not registered), 3.6, 4.6 and 6.6 (database pool and config never
    disposed or closed on shutdown).
    """

    title = "Close what a FastAPI lifespan creates in a finally after its yield"
    audit = ("1.9", "3.1", "6.5", "3.6", "6.6", "4.6")
    safety = Safety.SAFE
    triggers = (b"asynccontextmanager",)

    METADATA_DEPENDENCIES: ClassVar[tuple[ProviderT, ...]] = (
        *Codemod.METADATA_DEPENDENCIES,
        QualifiedNameProvider,
    )

    @classmethod
    def collect(cls, files: ProjectFiles) -> _Project:
        """The classes and factory functions a lifespan calls, found by name in the tree."""
        project = _Project()
        wanted: set[str] = set()
        for _path, tree in files.ast_modules(*cls.triggers, b"lifespan"):
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.keyword)
                    and node.arg == "lifespan"
                    and isinstance(node.value, ast.Name)
                ):
                    project.lifespans.add(node.value.id)
                if isinstance(node, ast.AsyncFunctionDef):
                    for call in ast.walk(node):
                        if isinstance(call, ast.Call):
                            dotted = _ast_dotted(call.func)
                            if dotted:
                                wanted.add(_last(dotted))
        done: set[str] = set()
        while wanted - done:
            pending = sorted(wanted - done)
            done.update(pending)
            needles = [p + n.encode() for n in pending for p in (b"class ", b"def ")]
            for path, tree in files.ast_modules(*needles):
                module, is_package = module_name(path)
                prefix = f"{module}." if module else ""
                imports = ast_import_map(tree, module, is_package)
                local = {
                    n.name
                    for n in tree.body
                    if isinstance(n, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                }
                local |= {
                    t.id
                    for n in tree.body
                    if isinstance(n, (ast.Assign, ast.AnnAssign))
                    for t in (n.targets if isinstance(n, ast.Assign) else [n.target])
                    if isinstance(t, ast.Name)
                }
                for node in tree.body:
                    if isinstance(node, ast.ClassDef) and node.name in pending:
                        info = _ast_class(node, imports, local, module)
                        project.classes[f"{prefix}{node.name}"] = info
                        wanted.update(_last(b) for b in info.bases)
                    elif (
                        isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
                        and node.name in pending
                    ):
                        func = _ast_returns(node, tree, imports, local, module)
                        project.funcs[f"{prefix}{node.name}"] = func
                        wanted.update(_last(c) for c in func.classes)
        return project

    # -- transform --------------------------------------------------------------------------

    def visit_Module(self, node: cst.Module) -> None:
        self._lifespan_names: set[str] = set()
        for found, _ in _walk(node):
            if (
                isinstance(found, cst.Arg)
                and found.keyword is not None
                and found.keyword.value == "lifespan"
                and isinstance(found.value, cst.Name)
            ):
                self._lifespan_names.add(found.value.value)

    def leave_FunctionDef(
        self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
    ) -> cst.FunctionDef:
        if not self._is_lifespan(original_node):
            return updated_node
        body = self._fix(original_node, updated_node)
        return updated_node if body is None else updated_node.with_changes(body=body)

    def _is_lifespan(self, func: cst.FunctionDef) -> bool:
        if func.asynchronous is None or not isinstance(func.body, cst.IndentedBlock):
            return False
        if not any(self._qualified(d.decorator) & _ACM for d in func.decorators):
            return False
        project = self.project if isinstance(self.project, _Project) else None
        name = func.name.value
        return (
            "lifespan" in name.lower()
            or name in self._lifespan_names
            or (project is not None and name in project.lifespans)
        )

    def _fix(self, func: cst.FunctionDef, updated: cst.FunctionDef) -> cst.IndentedBlock | None:
        body = cst.ensure_type(func.body, cst.IndentedBlock)
        nodes = list(_walk(body))
        yields = [(n, p) for n, p in nodes if isinstance(n, cst.Yield)]
        if not yields:
            return None
        if len(yields) > 1:
            if not any(
                isinstance(n, cst.Call) and isinstance(self._resolve(n), _Closer) for n, _ in nodes
            ):
                return None  # nothing to close: nothing to report either
            lines = ", ".join(str(self._position(y)[0]) for y, _ in yields)
            self.skip(
                func,
                f"lifespan `{func.name.value}` has {len(yields)} yields (lines {lines}); "
                "fixkit cannot tell which one the application runs at, closes left for review",
            )
            return None
        the_yield, yield_parents = yields[0]
        top = next(p for p in yield_parents if p in body.body)
        index = next(i for i, s in enumerate(body.body) if s is top)
        mode = self._mode(top, yield_parents, index == len(body.body) - 1)
        yield_at = self._position(the_yield)[:2]

        resources = self._resources(func, nodes, body, top, mode, yield_at)
        closes: list[cst.SimpleStatementLine] = []
        for res in reversed(resources):
            closes.append(res.statement())
        if not closes:
            return None
        for res in resources:
            message = (
                f"`{res.ref}` ({res.closer.label}) is now closed at shutdown: "
                f"`{res.call_code()}` in a `finally:` after the lifespan's `yield`"
            )
            if res.owners:
                owners = ", ".join(f"`{o}(...)`" for o in res.owners)
                message += f"; it is also passed to {owners}, which this fix does not close"
            self.fixed(res.site, message)
        new_body = cst.ensure_type(updated.body, cst.IndentedBlock)
        stmts = list(new_body.body)
        target = stmts[index]
        if mode == "extend" and isinstance(target, cst.Try) and target.finalbody is not None:
            fin = target.finalbody
            fin_body = cst.ensure_type(fin.body, cst.IndentedBlock)
            stmts[index] = target.with_changes(
                finalbody=fin.with_changes(
                    body=fin_body.with_changes(body=[*fin_body.body, *closes])
                )
            )
        elif mode == "add" and isinstance(target, cst.Try):
            stmts[index] = target.with_changes(
                finalbody=cst.Finally(body=cst.IndentedBlock(body=closes))
            )
        else:
            moved = stmts[index:]
            first = moved[0]
            leading: Sequence[cst.EmptyLine] = ()
            if isinstance(first, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
                leading = first.leading_lines
                moved[0] = first.with_changes(leading_lines=())
            wrapped = cst.Try(
                body=cst.IndentedBlock(body=moved),
                finalbody=cst.Finally(body=cst.IndentedBlock(body=closes)),
                leading_lines=leading,
            )
            stmts = [*stmts[:index], wrapped]
        return new_body.with_changes(body=stmts)

    @staticmethod
    def _mode(top: cst.CSTNode, parents: tuple[cst.CSTNode, ...], last: bool) -> str:
        """``extend`` a finally that follows the yield, ``add`` one to its try, or ``wrap``."""
        if not (isinstance(top, cst.Try) and last and isinstance(top.body, cst.IndentedBlock)):
            return "wrap"
        at = parents.index(top) + 2
        if at >= len(parents) or parents[at] not in top.body.body:
            return "wrap"
        if top.finalbody is None:
            return "add"
        # ``finally: pass`` on one line has no block to append to: wrap around it instead.
        return "extend" if isinstance(top.finalbody.body, cst.IndentedBlock) else "wrap"

    # -- the objects created before the yield -------------------------------------------

    def _resources(
        self,
        func: cst.FunctionDef,
        nodes: list[tuple[cst.CSTNode, tuple[cst.CSTNode, ...]]],
        body: cst.IndentedBlock,
        top: cst.CSTNode,
        mode: str,
        yield_at: tuple[int, int],
    ) -> list[_Resource]:
        found: list[_Resource] = []
        seen_refs: set[str] = set()
        for node, parents in nodes:
            if self._position(node)[:2] >= yield_at:
                continue
            if isinstance(node, cst.WithItem):
                call = _strip_await(node.item)
                if isinstance(call, cst.Call) and isinstance(self._resolve(call), _Closer):
                    what = code_of(node.asname.name) if node.asname else code_of(call)
                    keyword = "async with" if _async_with(parents) else "with"
                    self.skip(
                        node,
                        f"`{what}` is created by `{keyword}` and released when its block "
                        "exits; already managed",
                    )
                continue
            if not isinstance(node, (cst.Assign, cst.AnnAssign, cst.Expr)):
                continue
            statement = parents[-1]
            where = self._placement(statement, parents, body, top, mode)
            res = self._bound_resource(node, where)
            if res is not None and res.ref not in seen_refs:
                seen_refs.add(res.ref)
                found.append(res)
            for inner, _ in _walk(node):
                if isinstance(inner, cst.Call) and (res is None or inner is not res.call):
                    single = self._singleton(inner, node, where)
                    if single is not None and single.ref not in seen_refs:
                        seen_refs.add(single.ref)
                        found.append(single)
        return [r for r in found if self._still_needed(func, nodes, r)]

    def _placement(
        self,
        statement: cst.CSTNode,
        parents: tuple[cst.CSTNode, ...],
        body: cst.IndentedBlock,
        top: cst.CSTNode,
        mode: str,
    ) -> str | None:
        """None when a close after the yield certainly finds the object; else why not."""
        if statement in body.body:
            return None
        if mode in ("extend", "add") and top in parents:
            return (
                "is created inside the `try` whose `finally:` would close it; if the creation "
                "fails the name is unbound there"
            )
        block = next(
            (p for p in reversed(parents) if isinstance(p, cst.BaseCompoundStatement)), None
        )
        kind = type(block).__name__.lower() if block is not None else "compound"
        return (
            f"is created inside a block (`{kind}`) before the `yield`, so it may not exist "
            "at shutdown"
        )

    def _bound_resource(self, node: cst.CSTNode, where: str | None) -> _Resource | None:
        if isinstance(node, cst.Assign):
            if len(node.targets) != 1 or isinstance(node.targets[0].target, (cst.Tuple, cst.List)):
                self._skip_unpacked(node)
                return None
            target: cst.BaseExpression = node.targets[0].target
            value: cst.BaseExpression | None = node.value
        elif isinstance(node, cst.AnnAssign):
            target, value = node.target, node.value
        else:
            return None
        call = _strip_await(value) if value is not None else None
        if not isinstance(call, cst.Call) or not isinstance(target, (cst.Name, cst.Attribute)):
            return None
        closer = self._resolve(call)
        if closer is None:
            return None
        ref = code_of(target)
        if isinstance(closer, str):
            self.skip(node, f"`{ref}` = `{code_of(call.func)}(...)`: {closer}; not closed")
            return None
        if where is not None:
            self.skip(node, f"`{ref}` ({closer.label}) {where}; not closed")
            return None
        return _Resource(node, ref, closer, call)

    def _skip_unpacked(self, node: cst.Assign) -> None:
        for inner, _ in _walk(node.value):
            if isinstance(inner, cst.Call) and isinstance(self._resolve(inner), _Closer):
                self.skip(
                    node,
                    f"`{code_of(inner.func)}(...)` is bound by an unpacking or chained "
                    "assignment; fixkit closes only objects bound to one name; not closed",
                )
                return

    def _singleton(self, call: cst.Call, node: cst.CSTNode, where: str | None) -> _Resource | None:
        """``get_db_config().create_tables()``: a lazy singleton the lifespan creates."""
        if call.args:
            return None
        project = self.project if isinstance(self.project, _Project) else None
        if project is None:
            return None
        for q in self._qualified(call.func):
            key = self._lookup(project.funcs, q)
            if key is None:
                continue
            info = project.funcs[key]
            if not info.singleton or len(info.classes) != 1:
                return None
            closer = self._class_closer(info.classes[0])
            if not isinstance(closer, _Closer):
                return None  # a singleton without a release method is not a resource
            ref = code_of(call)
            if where is not None:
                self.skip(node, f"`{ref}` ({closer.label}) {where}; not closed")
                return None
            label = f"{closer.label}, the module-level singleton of `{code_of(call.func)}()`"
            return _Resource(node, ref, _Closer(closer.method, closer.is_async, label), call)
        return None

    def _still_needed(
        self,
        func: cst.FunctionDef,
        nodes: list[tuple[cst.CSTNode, tuple[cst.CSTNode, ...]]],
        res: _Resource,
    ) -> bool:
        """Follow the object's names; False when it is closed already or must be declined."""
        aliases = {res.ref}
        bindings = 0
        for node, _ in nodes:
            if isinstance(node, (cst.Assign, cst.AnnAssign)):
                targets = (
                    [t.target for t in node.targets]
                    if isinstance(node, cst.Assign)
                    else [node.target]
                )
                if any(code_of(t) == res.ref for t in targets):
                    bindings += 1
                if node.value is not None and code_of(node.value) in aliases:
                    aliases.update(code_of(t) for t in targets)
        if bindings > 1:
            self.skip(
                res.site,
                f"`{res.ref}` is bound more than once in `{func.name.value}`; fixkit cannot "
                "tell which object a close would reach",
            )
            return False
        for node, _ in nodes:
            if not isinstance(node, cst.Call):
                continue
            callee = node.func
            if (
                isinstance(callee, cst.Attribute)
                and callee.attr.value in _RELEASERS
                and code_of(callee.value) in aliases
            ):
                return False  # released already: nothing to add
            for arg in node.args:
                value = arg.value
                # `stack.push_async_callback(client.aclose)`: its release is handed over.
                if (
                    isinstance(value, cst.Attribute)
                    and value.attr.value in _RELEASERS
                    and code_of(value.value) in aliases
                ):
                    self.skip(
                        res.site,
                        f"`{res.ref}.{value.attr.value}` is handed to `{code_of(callee)}()` "
                        f"(line {self._position(node)[0]}), which closes it; not closed again",
                    )
                    return False
                if code_of(value) not in aliases:
                    continue
                if self._qualified(callee) & _HARMLESS:
                    continue
                if self._is_constructor(node):
                    res.owners.append(code_of(callee))
                    continue
                self.skip(
                    res.site,
                    f"`{res.ref}` is passed to `{code_of(callee)}()` (line "
                    f"{self._position(node)[0]}), which may close it; not closed here",
                )
                return False
        return True

    def _is_constructor(self, call: cst.Call) -> bool:
        project = self.project if isinstance(self.project, _Project) else None
        for q in self._qualified(call.func):
            if q in LIBRARY and _last(q)[:1].isupper():
                return True
            if project is not None and self._lookup(project.classes, q) is not None:
                return True
        return _last(code_of(call.func))[:1].isupper()

    # -- what a call creates ------------------------------------------------------------

    def _resolve(self, call: cst.Call) -> _Closer | str | None:
        """How the object ``call`` returns is released; a reason when fixkit cannot tell;
        None when it is not a resource fixkit knows of."""
        names = self._qualified(call.func)
        for q in sorted(names):
            if q in LIBRARY:
                return LIBRARY[q]
        project = self.project if isinstance(self.project, _Project) else _Project()
        for q in sorted(names):
            key = self._lookup(project.classes, q)
            if key is not None:
                return self._class_closer(key)
            key = self._lookup(project.funcs, q)
            if key is not None:
                info = project.funcs[key]
                if len(info.classes) != 1:
                    return f"fixkit cannot tell which class `{_last(key)}()` returns"
                return self._class_closer(info.classes[0])
        for q in names:
            top = q.split(".")[0]
            if top == "builtins" or top in sys.stdlib_module_names:
                return None
        last = _last(code_of(call.func))
        if last[:1].isupper():
            return (
                f"the class `{last}` is not in the tree; fixkit cannot see whether it "
                "defines close(), aclose() or dispose()"
            )
        return None

    def _class_closer(self, qname: str) -> _Closer | str:
        if qname in LIBRARY:
            return LIBRARY[qname]
        name = _last(qname)
        methods: dict[str, _Method | _Closer] = {}
        unknown = self._class_methods(qname, methods, set())
        if isinstance(unknown, str) and not methods and unknown == qname:
            return (
                f"the class `{name}` is not in the tree; fixkit cannot see whether it "
                "defines close(), aclose() or dispose()"
            )
        for method in _RELEASERS:
            found = methods.get(method)
            if isinstance(found, _Closer):
                return _Closer(found.method, found.is_async, name)
            if found is None or (method == "aclose" and not found.is_async):
                continue
            if found.needs_args:
                return f"`{name}.{method}()` needs arguments fixkit cannot supply"
            return _Closer(method, found.is_async, name)
        if unknown is not None:
            return (
                f"`{name}` defines no close(), aclose() or dispose() and its base "
                f"`{_last(unknown)}` is not in the tree"
            )
        return f"`{name}` defines no close(), aclose() or dispose()"

    def _class_methods(
        self, qname: str, methods: dict[str, _Method | _Closer], seen: set[str]
    ) -> str | None:
        """Fill ``methods`` with the release methods of the class and its bases, nearest
        first (as Python finds them); return the first class that is not in the tree."""
        if qname in LIBRARY:
            closer = LIBRARY[qname]
            methods.setdefault(closer.method, closer)
            return None
        project = self.project if isinstance(self.project, _Project) else _Project()
        key = self._lookup(project.classes, qname)
        if key is None:
            return qname
        if key in seen:
            return None
        seen.add(key)
        info = project.classes[key]
        for method, found in info.methods:
            methods.setdefault(method, found)
        unknown: str | None = None
        for base in info.bases:
            if base in _PLAIN_BASES:
                continue
            missing = self._class_methods(base, methods, seen)
            unknown = unknown or missing
        return unknown

    def _lookup(self, table: Mapping[str, object], q: str) -> str | None:
        """The key of ``table`` that the qualified name ``q`` (as imported here) denotes."""
        here = self.context.full_module_name or ""
        if q.startswith("."):
            level = len(q) - len(q.lstrip("."))
            parts = here.split(".")[:-level]
            q = ".".join([*parts, q.lstrip(".")])
        elif "." not in q:
            q = f"{here}.{q}" if here else q
        if q in table:
            return q
        matches = [k for k in table if k.endswith("." + q)]
        return matches[0] if len(matches) == 1 else None

    def _qualified(self, node: cst.CSTNode) -> set[str]:
        return {q.name for q in self.get_metadata(QualifiedNameProvider, node, set())}


@dataclass
class _Resource:
    """An object the lifespan creates before its yield, and how it is released."""

    site: cst.CSTNode
    ref: str
    closer: _Closer
    call: cst.Call
    owners: list[str] = field(default_factory=list)

    def call_code(self) -> str:
        text = f"{self.ref}.{self.closer.method}()"
        return f"await {text}" if self.closer.is_async else text

    def statement(self) -> cst.SimpleStatementLine:
        return cst.ensure_type(
            cst.parse_statement(self.call_code() + "\n"), cst.SimpleStatementLine
        )


def _strip_await(node: cst.BaseExpression) -> cst.BaseExpression:
    return node.expression if isinstance(node, cst.Await) else node


def _async_with(parents: tuple[cst.CSTNode, ...]) -> bool:
    owner = next((p for p in reversed(parents) if isinstance(p, cst.With)), None)
    return owner is not None and owner.asynchronous is not None

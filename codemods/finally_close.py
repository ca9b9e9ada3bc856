"""Close clients, connections and files created in a function in a ``finally:`` block."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import ClassVar

import libcst as cst
import libcst.matchers as m
from libcst.metadata import (
    Access,
    ComprehensionScope,
    FunctionScope,
    ParentNodeProvider,
    ProviderT,
    QualifiedNameProvider,
    Scope,
    ScopeProvider,
)

from fixkit.codemod import Codemod, Safety
from fixkit.cstutil import code_of

__all__ = ["FinallyClose"]


@dataclass(frozen=True)
class _Kind:
    """What fixkit knows about the objects one family of factories returns."""

    label: str
    closer: str
    """The method that releases the object: ``close``, or ``aclose`` (awaited)."""
    is_async: bool
    with_closes: bool
    """Whether ``with obj:`` closes it (a sqlite3/psycopg2 ``with`` only ends a transaction)."""
    derived: frozenset[str]
    """Methods and attributes whose result still needs the object open (cursors, pipelines)."""


_ENTER = frozenset({"__enter__", "__aenter__"})
_REDIS_DERIVED = _ENTER | {
    "pipeline",
    "pubsub",
    "lock",
    "monitor",
    "register_script",
    "scan_iter",
    "hscan_iter",
    "sscan_iter",
    "zscan_iter",
    "client",
    "connection",
    "connection_pool",
}
_DBAPI_DERIVED = _ENTER | {
    "cursor",
    "execute",
    "executemany",
    "executescript",
    "iterdump",
    "blobopen",
}
_SOCKET_DERIVED = _ENTER | {"makefile"}
_HTTP_DERIVED = _ENTER | {"stream", "send"}
_FILE_DERIVED = _ENTER | {"buffer", "raw"}

_REDIS = _Kind("redis client", "close", False, True, _REDIS_DERIVED)
_ASYNC_REDIS = _Kind("asyncio redis client", "aclose", True, True, _REDIS_DERIVED)
_DBAPI = _Kind("database connection", "close", False, False, _DBAPI_DERIVED)
_SOCKET = _Kind("socket", "close", False, True, _SOCKET_DERIVED)
_HTTP = _Kind("HTTP client", "close", False, True, _HTTP_DERIVED)
_ASYNC_HTTP = _Kind("async HTTP client", "aclose", True, True, _HTTP_DERIVED)
_FILE = _Kind("file", "close", False, True, _FILE_DERIVED)

#: Qualified name of a factory -> what it returns.
FACTORIES: dict[str, _Kind] = {
    "redis.from_url": _REDIS,
    "redis.Redis": _REDIS,
    "redis.StrictRedis": _REDIS,
    "redis.Redis.from_url": _REDIS,
    "redis.StrictRedis.from_url": _REDIS,
    "redis.client.Redis": _REDIS,
    "redis.client.StrictRedis": _REDIS,
    "redis.client.Redis.from_url": _REDIS,
    "redis.asyncio.from_url": _ASYNC_REDIS,
    "redis.asyncio.Redis": _ASYNC_REDIS,
    "redis.asyncio.StrictRedis": _ASYNC_REDIS,
    "redis.asyncio.Redis.from_url": _ASYNC_REDIS,
    "redis.asyncio.client.Redis": _ASYNC_REDIS,
    "sqlite3.connect": _DBAPI,
    "psycopg2.connect": _DBAPI,
    "socket.socket": _SOCKET,
    "socket.create_connection": _SOCKET,
    "httpx.Client": _HTTP,
    "httpx.AsyncClient": _ASYNC_HTTP,
    "requests.Session": _HTTP,
    "requests.session": _HTTP,
    "requests.sessions.Session": _HTTP,
    "builtins.open": _FILE,
    "io.open": _FILE,
}

#: Builtins that look at an object and keep no reference to it.
_HARMLESS = frozenset(
    f"builtins.{n}"
    for n in ("print", "len", "isinstance", "repr", "str", "id", "type", "bool", "hasattr")
)
#: Builtins that consume an iterable (a cursor, say) eagerly and return plain values.
_CONSUMERS = _HARMLESS | frozenset(
    f"builtins.{n}"
    for n in (
        "list",
        "tuple",
        "sorted",
        "set",
        "frozenset",
        "dict",
        "sum",
        "any",
        "all",
        "max",
        "min",
        "next",
    )
)
_CLOSERS = frozenset({"close", "aclose"})
#: Attributes known to hold plain data (names, flags, counters, headers), free to go anywhere.
_DATA_ATTRIBUTES = frozenset(
    {
        "name",
        "mode",
        "closed",
        "encoding",
        "family",
        "type",
        "proto",
        "headers",
        "cookies",
        "base_url",
        "timeout",
        "rowcount",
        "lastrowid",
        "description",
        "total_changes",
        "in_transaction",
        "status_code",
        "text",
    }
)


class _Decline(Exception):
    """Raised during the analysis of a site: leave it alone (``quiet``: it is already fine)."""

    def __init__(self, reason: str, *, quiet: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.quiet = quiet


@dataclass
class _Site:
    """A factory call bound to a local name: ``client = redis.from_url(url)``."""

    stmt: cst.SimpleStatementLine
    target: cst.Name
    call: cst.Call
    factory: str
    kind: _Kind
    scope: FunctionScope

    @property
    def name(self) -> str:
        return self.target.value


class FinallyClose(Codemod):
    """Close a client, connection, socket or file created in a function in a ``finally:``.

    ## What it does
    Finds a client or handle created from a known factory (``redis.from_url``,
    ``redis.Redis(...)``, ``sqlite3.connect``, ``psycopg2.connect``, ``socket.socket``,
    ``httpx.Client()``, ``requests.Session()``, ``open()``, ``redis.asyncio.from_url``,
    ``httpx.AsyncClient()``) and bound to a local name in a function, used there and never
    closed. It moves the statements after the creation, up to the end of their block, into a
    ``try:`` and closes the object in a ``finally:``. When the creation sits in the body of a
    ``try``/``except`` without ``finally``, the ``finally`` is added to that ``try``, the name
    is set to ``None`` before it and the close is guarded with ``if name is not None:``.
    Factories are recognised through their qualified names, so aliases
    (``import redis as r``, ``from sqlite3 import connect``) are found too.

    ## Why is this bad?
    Every call leaves a connection, socket or file descriptor open until the garbage collector
    happens to finalise the object, if ever. A health check that Kubernetes probes every ten
    seconds exhausts the Redis server's connections; a ``close()`` at the end of the happy path
    is skipped as soon as an exception is raised.

    ## Example
    ```python
    def redis_ok(redis_url):
        redis_client = redis.from_url(redis_url, decode_responses=True)
        redis_client.ping()
        return True
    ```

    Use instead:
    ```python
    def redis_ok(redis_url):
        redis_client = redis.from_url(redis_url, decode_responses=True)
        try:
            redis_client.ping()
            return True
        finally:
            redis_client.close()
    ```

    ## Fix safety
    Safe: a site is only rewritten when every use of the object is one of its own method calls,
    a comparison, a test, a ``for`` over it or a harmless builtin (``print``, ``len``,
    ``isinstance``...), all in the statements that move into the ``try``. The object is left
    alone, with a skipped finding, when it escapes: returned, yielded, stored on an attribute
    or in a container, assigned to another name, passed to any other call, used in a closure,
    a lambda or a generator expression, or declared ``global``/``nonlocal``; also when a value
    that needs it open (a cursor, a pipeline, a streamed response, ``makefile()``, a bound
    method or any attribute not known to be plain data) escapes in the same ways. A site that is closed already in a ``finally:`` or managed by ``with`` or
    ``contextlib.closing`` is correct and not reported; one closed outside a ``finally:`` is
    reported and left for review. ``with conn:`` on a sqlite3 or psycopg2 connection ends a
    transaction without closing, so it does not count as a close. Async factories are closed
    with ``await name.aclose()`` (redis-py 5.0.1 or later) and only in ``async def``.

    ## References
    Audit findings 6.1 (Redis clients never closed in health checks), 6.8 (Redis cleanup
    missing in exception path) and 1.8 (Redis connection not closed).
    """

    title = "Close clients and handles created in a function in a finally block"
    audit = ("6.1", "6.8", "1.8")
    safety = Safety.SAFE
    triggers = (
        b"from_url",
        b"Redis",
        b"connect",
        b"socket",
        b"Client",
        b"Session",
        b"session(",
        b"open(",
    )

    METADATA_DEPENDENCIES: ClassVar[tuple[ProviderT, ...]] = (
        *Codemod.METADATA_DEPENDENCIES,
        QualifiedNameProvider,
        ScopeProvider,
        ParentNodeProvider,
    )

    FACTORY_ASSIGN = m.Assign(
        targets=[m.AssignTarget(target=m.Name())], value=m.Call()
    ) | m.AnnAssign(target=m.Name(), value=m.Call())
    CHAINED_FACTORY_ASSIGN = m.Assign(targets=[m.AtLeastN(n=2)], value=m.Call())
    NONE_ASSIGN = m.Assign(targets=[m.AssignTarget(target=m.Name())], value=m.Name("None"))
    GLOBAL_OR_NONLOCAL = m.Global() | m.Nonlocal()

    # -- transform ------------------------------------------------------------

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        parent = self.get_metadata(ParentNodeProvider, original_node, None)
        # Sites directly in the body of a try without finally get the finally of that try,
        # which the block holding the try adds (see _rewrite_try).
        defer = (
            isinstance(parent, cst.Try)
            and parent.body is original_node
            and parent.finalbody is None
        )
        body = self._rewrite(original_node.body, updated_node.body, defer, updated_node.indent)
        if len(body) == len(updated_node.body) and all(
            a is b for a, b in zip(body, updated_node.body, strict=True)
        ):
            return updated_node
        return updated_node.with_changes(body=body)

    def leave_SimpleStatementSuite(
        self, original_node: cst.SimpleStatementSuite, updated_node: cst.SimpleStatementSuite
    ) -> cst.SimpleStatementSuite:
        for small in original_node.body:
            in_function = isinstance(self._scope(small), FunctionScope)
            if in_function and m.matches(small, self.FACTORY_ASSIGN) and self._factory(small):
                assert isinstance(small, (cst.Assign, cst.AnnAssign))
                self.skip(
                    small,
                    f"`{code_of(self._target(small))}` is created on the same line as its block "
                    "header; split the line first",
                )
        return updated_node

    def _rewrite(
        self,
        original: Sequence[cst.BaseStatement],
        updated: Sequence[cst.BaseStatement],
        defer: bool,
        indent: str | None,
    ) -> list[cst.BaseStatement]:
        out: list[cst.BaseStatement] = []
        for i, (orig, upd) in enumerate(zip(original, updated, strict=True)):
            if isinstance(orig, cst.Try) and isinstance(upd, cst.Try) and orig.finalbody is None:
                previous = out[-1] if out and out[-1] is updated[i - 1] else None
                rewritten = self._rewrite_try(orig, upd, previous, indent)
                if rewritten is not None:
                    out.extend(rewritten)
                    continue
            site = None if defer else self._site(orig)
            if site is None or not self._accept(site, original[i + 1 :]):
                out.append(upd)
                continue
            inner = self._rewrite(original[i + 1 :], updated[i + 1 :], False, indent)
            out.append(upd)
            out.append(self._wrap(site, inner, indent))
            return out
        return out

    def _rewrite_try(
        self,
        original: cst.Try,
        updated: cst.Try,
        previous: cst.BaseStatement | None,
        indent: str | None,
    ) -> list[cst.BaseStatement] | None:
        if not isinstance(original.body, cst.IndentedBlock):
            return None
        body = original.body.body
        sites: list[_Site] = []
        for j, stmt in enumerate(body):
            site = self._site(stmt)
            if site is None:
                continue
            region: list[cst.CSTNode] = list(body[j + 1 :])
            if original.orelse is not None:
                region.append(original.orelse)
            if self._accept(site, region):
                sites.append(site)
        if not sites:
            return None
        prelude: list[cst.BaseStatement] = []
        for site in sites:
            # ``name = None`` written by the user right before the try is kept, not doubled.
            if previous is not None and self._is_none_init(previous, site.name):
                continue
            prelude.append(
                cst.SimpleStatementLine(
                    body=[
                        cst.Assign(
                            targets=[cst.AssignTarget(cst.Name(site.name))], value=cst.Name("None")
                        )
                    ]
                )
            )
        if prelude:
            # Comments above the try stay above the code that now starts the construct.
            prelude[0] = prelude[0].with_changes(leading_lines=updated.leading_lines)
            updated = updated.with_changes(leading_lines=())
        guards: list[cst.BaseStatement] = [
            cst.If(
                test=cst.Comparison(
                    left=cst.Name(site.name),
                    comparisons=[cst.ComparisonTarget(cst.IsNot(), cst.Name("None"))],
                ),
                body=cst.IndentedBlock(body=[self._close_stmt(site)], indent=indent),
            )
            for site in reversed(sites)
        ]
        new_try = updated.with_changes(
            finalbody=cst.Finally(body=cst.IndentedBlock(body=guards, indent=indent))
        )
        return [*prelude, new_try]

    def _wrap(self, site: _Site, inner: list[cst.BaseStatement], indent: str | None) -> cst.Try:
        # Blank lines and comments above the first moved statement stay above the try.
        leading: Sequence[cst.EmptyLine] = ()
        first = inner[0]
        if isinstance(first, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
            leading = first.leading_lines
            inner[0] = first.with_changes(leading_lines=())
        return cst.Try(
            body=cst.IndentedBlock(body=inner, indent=indent),
            finalbody=cst.Finally(
                body=cst.IndentedBlock(body=[self._close_stmt(site)], indent=indent)
            ),
            leading_lines=leading,
        )

    @staticmethod
    def _close_stmt(site: _Site) -> cst.SimpleStatementLine:
        call: cst.BaseExpression = cst.Call(
            func=cst.Attribute(value=cst.Name(site.name), attr=cst.Name(site.kind.closer))
        )
        if site.kind.is_async:
            call = cst.Await(expression=call)
        return cst.SimpleStatementLine(body=[cst.Expr(value=call)])

    def _is_none_init(self, stmt: cst.BaseStatement, name: str) -> bool:
        return (
            isinstance(stmt, cst.SimpleStatementLine)
            and len(stmt.body) == 1
            and m.matches(stmt.body[0], self.NONE_ASSIGN)
            and m.matches(stmt.body[0], m.Assign(targets=[m.AssignTarget(target=m.Name(name))]))
        )

    # -- sites ------------------------------------------------------------------

    def _factory(self, small: cst.CSTNode) -> tuple[str, _Kind] | None:
        value = small.value if isinstance(small, (cst.Assign, cst.AnnAssign)) else None
        if not isinstance(value, cst.Call):
            return None
        names = sorted(q.name for q in self.get_metadata(QualifiedNameProvider, value.func, set()))
        known = [n for n in names if n in FACTORIES]
        return (known[0], FACTORIES[known[0]]) if known else None

    def _site(self, stmt: cst.BaseStatement) -> _Site | None:
        if not isinstance(stmt, cst.SimpleStatementLine):
            return None
        for small in stmt.body:
            found = self._factory(small)
            # Module and class attributes are meant to live long; only locals leak per call.
            if found is None or not isinstance(self._scope(small), FunctionScope):
                continue
            if m.matches(small, self.CHAINED_FACTORY_ASSIGN):
                assert isinstance(small, cst.Assign)
                names = ", ".join(f"`{code_of(t.target)}`" for t in small.targets)
                self.skip(stmt, f"bound to {names} at once; fixkit cannot tell which one to close")
                return None
            if not m.matches(small, self.FACTORY_ASSIGN):
                continue
            assert isinstance(small, (cst.Assign, cst.AnnAssign))
            target = self._target(small)
            assert isinstance(target, cst.Name) and isinstance(small.value, cst.Call)
            if len(stmt.body) > 1:
                self.skip(
                    stmt,
                    f"`{target.value}` is created on a line with other statements; split the line first",
                )
                return None
            scope = self._scope(small)
            assert isinstance(scope, FunctionScope)
            return _Site(stmt, target, small.value, found[0], found[1], scope)
        return None

    @staticmethod
    def _target(small: cst.Assign | cst.AnnAssign) -> cst.BaseExpression:
        return small.targets[0].target if isinstance(small, cst.Assign) else small.target

    def _scope(self, node: cst.CSTNode) -> Scope | None:
        return self.get_metadata(ScopeProvider, node, None)

    # -- analysis -----------------------------------------------------------------

    def _accept(self, site: _Site, region: Sequence[cst.CSTNode]) -> bool:
        """Decide one site and record its finding; True when it is to be rewritten."""
        try:
            self._analyse(site, region)
        except _Decline as decline:
            if not decline.quiet:
                self.skip(site.stmt, decline.reason)
            return False
        self.fixed(
            site.stmt,
            f"`{site.name}` ({site.kind.label} from `{site.factory}()`) is now closed in a `finally:`",
        )
        return True

    def _analyse(self, site: _Site, region: Sequence[cst.CSTNode]) -> None:
        name, func = site.name, site.scope.node
        assert isinstance(func, cst.FunctionDef)
        for decl in m.findall(func, self.GLOBAL_OR_NONLOCAL):
            assert isinstance(decl, (cst.Global, cst.Nonlocal))
            if any(n.name.value == name for n in decl.names):
                raise _Decline(f"`{name}` is declared global or nonlocal, so it outlives this call")
        self._check_single_binding(site.target, site, f"`{name}`")
        # Closing and ``with`` are looked at first: code in the fixed shape is already fine.
        closers = self._check_closed(site)
        if site.kind.is_async and func.asynchronous is None:
            raise _Decline(
                f"`{name}` from `{site.factory}()` needs `await {name}.{site.kind.closer}()`, "
                f"but `{func.name.value}` is not async"
            )
        if not self._references(site.target, site.scope):
            raise _Decline(f"`{name}` is never used after it is created; nothing to wrap")
        # An escape explains an uncovered close better than "closed, but not in a finally".
        ignore = {
            id(n)
            for n in m.findall(func, m.Name(name))
            if any(self._contains(c, n) for c in closers)
        }
        self._check_name(site.target, site, region, f"`{name}`", depth=0, ignore=ignore)
        if closers:
            self._decline_uncovered(site, closers)

    def _check_single_binding(self, target: cst.Name, site: _Site, what: str) -> None:
        for assignment in site.scope.assignments[target.value]:
            node = getattr(assignment, "node", None)
            if node is target:
                continue
            holder = None
            if isinstance(node, cst.Name):
                holder = self.get_metadata(ParentNodeProvider, node, None)
                holder = self.get_metadata(ParentNodeProvider, holder, None) if holder else None
            # ``name = None`` before a try is the shape of this codemod's own fix.
            if isinstance(holder, cst.Assign) and m.matches(holder, self.NONE_ASSIGN):
                continue
            raise _Decline(
                f"{what} is bound more than once in `{site.scope.name}`; "
                "fixkit cannot tell which binding a close would reach"
            )

    def _check_closed(self, site: _Site) -> list[cst.CSTNode]:
        """The closes and closing ``with`` of the site; raises quietly when one covers it."""
        closers: list[cst.CSTNode] = []
        for access in self._references(site.target, site.scope):
            node = access.node
            parent = self.get_metadata(ParentNodeProvider, node, None)
            if isinstance(parent, cst.Attribute) and parent.value is node:
                call = self.get_metadata(ParentNodeProvider, parent, None)
                if (
                    isinstance(call, cst.Call)
                    and call.func is parent
                    and parent.attr.value in _CLOSERS
                ):
                    closers.append(call)
            elif isinstance(parent, cst.WithItem) and parent.item is node and site.kind.with_closes:
                closers.append(parent)
            elif isinstance(parent, cst.Arg):
                call = self.get_metadata(ParentNodeProvider, parent, None)
                holder = self.get_metadata(ParentNodeProvider, call, None) if call else None
                if (
                    isinstance(call, cst.Call)
                    and "contextlib.closing" in self._qualified(call.func)
                    and isinstance(holder, cst.WithItem)
                ):
                    closers.append(holder)
        if closers:
            self._judge_closers(site, closers)
        return closers

    def _judge_closers(self, site: _Site, closers: list[cst.CSTNode]) -> None:
        """Raise quietly when a close already covers the site."""
        block = self.get_metadata(ParentNodeProvider, site.stmt, None)
        following: cst.CSTNode | None = None
        if isinstance(block, cst.IndentedBlock):
            index = next(i for i, s in enumerate(block.body) if s is site.stmt)
            if index + 1 < len(block.body):
                following = block.body[index + 1]
        for closer in closers:
            if isinstance(closer, cst.WithItem):
                # ``with name:`` closes it, and nothing can raise between creation and ``with``.
                if self.get_metadata(ParentNodeProvider, closer) is following:
                    raise _Decline(f"`{site.name}` is managed by `with`", quiet=True)
                continue
            for node in self._ancestors(closer):
                if isinstance(node, cst.Finally):
                    owner = self.get_metadata(ParentNodeProvider, node)
                    # Covered: the try holds the creation, or starts right after it.
                    if owner is following or self._contains(owner, site.stmt):
                        raise _Decline(
                            f"`{site.name}` is already closed in a `finally:`", quiet=True
                        )
                if isinstance(node, (cst.FunctionDef, cst.Lambda)):
                    break

    def _decline_uncovered(self, site: _Site, closers: list[cst.CSTNode]) -> None:
        how = "by `with`" if isinstance(closers[0], cst.WithItem) else "by a call"
        raise _Decline(
            f"`{site.name}` is already closed on line {self._line(closers[0])} ({how}), but not "
            "in a `finally:` or `with` that covers all its uses, so an exception before the "
            "close still leaks it (audit 6.8); left for review"
        )

    def _references(self, target: cst.Name, scope: Scope) -> list[Access]:
        found: list[Access] = []
        for assignment in scope.assignments[target.value]:
            found.extend(assignment.references)
        return sorted(found, key=lambda a: self._position(a.node)[:2])

    def _check_name(
        self,
        target: cst.Name,
        site: _Site,
        region: Sequence[cst.CSTNode],
        what: str,
        depth: int,
        ignore: set[int] | None = None,
    ) -> None:
        """Every use of the local bound at ``target`` stays in ``region`` and keeps it here."""
        if depth:
            self._check_single_binding(target, site, what)
        for access in self._references(target, site.scope):
            node = access.node
            if ignore and id(node) in ignore:
                continue
            if not isinstance(node, cst.Name):
                raise _Decline(
                    f"{what} is used in a way fixkit cannot follow (line {self._line(node)})"
                )
            self._check_scope(access, site.scope, what)
            self._check_value(node, site, region, what, depth)
            if not any(self._contains(r, node) for r in region):
                raise _Decline(
                    f"{what} is used on line {self._line(node)}, outside the statements that "
                    "follow its creation in its block; a close there would come too early "
                    "or find the name unbound"
                )

    def _check_scope(self, access: Access, scope: Scope, what: str) -> None:
        here: Scope | None = access.scope
        while here is not None and here is not scope:
            line = self._line(access.node)
            if not isinstance(here, ComprehensionScope):
                raise _Decline(
                    f"{what} is used in a nested function or lambda (line {line}), "
                    "which may run after a close"
                )
            if isinstance(here.node, cst.GeneratorExp):
                raise _Decline(
                    f"{what} is used in a generator expression (line {line}), "
                    "which may run after a close"
                )
            here = here.parent

    def _check_value(
        self,
        node: cst.Name,
        site: _Site,
        region: Sequence[cst.CSTNode],
        what: str,
        depth: int,
    ) -> None:
        """``node`` is the object itself (depth 0) or a local holding a value that needs it."""
        parent = self.get_metadata(ParentNodeProvider, node)
        if isinstance(parent, cst.Attribute) and parent.value is node:
            holder = self.get_metadata(ParentNodeProvider, parent)
            if isinstance(holder, cst.Call) and holder.func is parent:
                streams = any(
                    a.keyword is not None and a.keyword.value == "stream" for a in holder.args
                )
                if parent.attr.value in site.kind.derived or streams:
                    self._check_derived(holder, site, region, f"`{code_of(holder.func)}()`", depth)
                return
            if self._is_store(parent, holder) or parent.attr.value in _DATA_ATTRIBUTES:
                return
            # Any other bare attribute may be a bound method (a callback) or a handle.
            self._check_derived(parent, site, region, f"`{code_of(parent)}`", depth)
            return
        if isinstance(parent, cst.WithItem) and parent.item is node:
            return  # a sqlite3/psycopg2 transaction; closing ``with`` was handled before
        if isinstance(parent, cst.Arg):
            self._check_argument(parent, _HARMLESS, what)
            return
        self._check_plain(node, parent, what)

    def _check_argument(self, arg: cst.Arg, allowed: frozenset[str], what: str) -> None:
        call = self.get_metadata(ParentNodeProvider, arg)
        if not isinstance(call, cst.Call):  # a class base or keyword: it goes who knows where
            raise _Decline(f"{what} is used in a way fixkit cannot follow (line {self._line(arg)})")
        if self._qualified(call.func) & allowed:
            return
        raise _Decline(
            f"{what} is passed to `{code_of(call.func)}()`, which may keep it; left open"
        )

    @staticmethod
    def _is_store(attribute: cst.Attribute, holder: cst.CSTNode) -> bool:
        if isinstance(holder, cst.AssignTarget) and holder.target is attribute:
            return True
        if isinstance(holder, (cst.AnnAssign, cst.AugAssign)) and holder.target is attribute:
            return True
        return isinstance(holder, cst.Del)

    def _check_plain(self, node: cst.CSTNode, parent: cst.CSTNode, what: str) -> None:
        """Uses that neither keep nor hand on the value; anything else is an escape."""
        if isinstance(
            parent, (cst.Comparison, cst.ComparisonTarget, cst.FormattedStringExpression)
        ):
            return
        if isinstance(parent, cst.For) and parent.iter is node:
            return
        if isinstance(parent, cst.Subscript) and parent.value is node:
            return  # indexing reads or writes an item; the value itself goes nowhere
        if isinstance(parent, (cst.If, cst.While, cst.Assert)) and parent.test is node:
            return
        if isinstance(parent, (cst.UnaryOperation, cst.BooleanOperation)) and self._is_condition(
            parent
        ):
            return
        raise _Decline(f"{what} {self._escape(node, parent)}; left open")

    def _is_condition(self, node: cst.CSTNode) -> bool:
        # ``not x`` or ``x and y`` whose value only decides a branch, never flows on.
        while isinstance(node, (cst.UnaryOperation, cst.BooleanOperation)):
            parent = self.get_metadata(ParentNodeProvider, node)
            if (
                isinstance(parent, (cst.If, cst.While, cst.Assert, cst.IfExp))
                and parent.test is node
            ):
                return True
            node = parent
        return False

    def _escape(self, node: cst.CSTNode, parent: cst.CSTNode) -> str:
        line = self._line(node)
        if isinstance(parent, cst.Return):
            return f"is returned (line {line}), so the caller owns it"
        if isinstance(parent, cst.Yield):
            return f"is yielded (line {line}), so the consumer owns it"
        if isinstance(parent, (cst.Element, cst.DictElement, cst.StarredElement, cst.Index)):
            return f"is put in a container (line {line})"
        if isinstance(parent, (cst.Assign, cst.AnnAssign, cst.AugAssign, cst.NamedExpr)):
            targets = (
                [t.target for t in parent.targets]
                if isinstance(parent, cst.Assign)
                else [parent.target]
            )
            if any(isinstance(t, cst.Attribute) for t in targets):
                return f"is stored on an attribute (line {line}), so it outlives this call"
            if any(isinstance(t, cst.Subscript) for t in targets):
                return f"is stored in a container (line {line})"
            return f"is assigned to another name (line {line})"
        return f"is used in a way fixkit cannot follow ({type(parent).__name__}, line {line})"

    def _check_derived(
        self,
        node: cst.BaseExpression,
        site: _Site,
        region: Sequence[cst.CSTNode],
        what: str,
        depth: int,
    ) -> None:
        """``node`` (a cursor, a pipeline...) may need the object open: it must not escape either."""
        if "open)" not in what:
            what = f"{what} (which may need `{site.name}` open)"
        parent = self.get_metadata(ParentNodeProvider, node)
        if isinstance(parent, cst.Await) and parent.expression is node:
            node, parent = parent, self.get_metadata(ParentNodeProvider, parent)
        if isinstance(parent, cst.Attribute) and parent.value is node:
            call = self.get_metadata(ParentNodeProvider, parent)
            # ``conn.cursor().execute(q)`` is a cursor again; ``.fetchall()`` is plain rows.
            if (
                isinstance(call, cst.Call)
                and call.func is parent
                and parent.attr.value in site.kind.derived
            ):
                self._check_derived(call, site, region, what, depth)
            return
        if isinstance(parent, cst.Expr) or (
            isinstance(parent, cst.WithItem) and parent.item is node
        ):
            return
        if isinstance(parent, cst.Arg):
            self._check_argument(parent, _CONSUMERS, what)
            return
        if (
            isinstance(parent, cst.Assign)
            and len(parent.targets) == 1
            and isinstance(parent.targets[0].target, cst.Name)
            and depth < 3
        ):
            target = parent.targets[0].target
            self._check_name(
                target,
                site,
                region,
                f"`{target.value}` (which may need `{site.name}` open)",
                depth + 1,
            )
            return
        self._check_plain(node, parent, what)

    # -- helpers ------------------------------------------------------------------

    def _qualified(self, node: cst.CSTNode) -> set[str]:
        return {q.name for q in self.get_metadata(QualifiedNameProvider, node, set())}

    def _ancestors(self, node: cst.CSTNode) -> Iterator[cst.CSTNode]:
        current: cst.CSTNode | None = self.get_metadata(ParentNodeProvider, node, None)
        while current is not None:
            yield current
            current = self.get_metadata(ParentNodeProvider, current, None)

    def _contains(self, outer: cst.CSTNode, node: cst.CSTNode) -> bool:
        return outer is node or any(a is outer for a in self._ancestors(node))

    def _line(self, node: cst.CSTNode) -> int:
        return self._position(node)[0]

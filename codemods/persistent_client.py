"""Replace per-call HTTP clients in a class's methods with one persistent client."""

from __future__ import annotations

import ast
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar

import libcst as cst
import libcst.matchers as m
from libcst.codemod.visitors import AddImportsVisitor
from libcst.metadata import (
    FunctionScope,
    ProviderT,
    QualifiedNameProvider,
    ScopeProvider,
)

from fixkit.codemod import Codemod, ProjectFiles, Safety
from fixkit.cstutil import code_of

__all__ = ["PersistentClient"]


@dataclass(frozen=True)
class _Kind:
    """What fixkit knows about one HTTP client class."""

    qname: str
    is_async: bool
    attr: str
    """The instance attribute that holds the shared client (``_client``)."""
    closer: str
    """The client's own close method (``aclose`` for httpx.AsyncClient)."""
    requests: frozenset[str]
    """Methods that send a request and accept ``headers``/``params``/``timeout``."""
    other_uses: frozenset[str]
    """Further methods that only read the client (``send``, ``build_request``)."""
    supports_limits: bool = False

    @property
    def accessor(self) -> str:
        return f"_get{self.attr}"

    @property
    def lock(self) -> str:
        return f"{self.attr}_lock"

    @property
    def label(self) -> str:
        return self.qname


_VERBS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "request"})
_HTTPX_ASYNC = _Kind(
    "httpx.AsyncClient",
    True,
    "_client",
    "aclose",
    _VERBS | {"stream"},
    frozenset({"send", "build_request"}),
    True,
)
_HTTPX_SYNC = replace(_HTTPX_ASYNC, qname="httpx.Client", is_async=False, closer="close")
_AIOHTTP = _Kind(
    "aiohttp.ClientSession", True, "_session", "close", _VERBS, frozenset({"ws_connect"})
)
_REQUESTS = _Kind(
    "requests.Session", False, "_session", "close", _VERBS, frozenset({"send", "prepare_request"})
)

#: Qualified names of the client constructors fixkit recognises, through any alias.
_KINDS: dict[str, _Kind] = {
    "httpx.AsyncClient": _HTTPX_ASYNC,
    "httpx.Client": _HTTPX_SYNC,
    "aiohttp.ClientSession": _AIOHTTP,
    "aiohttp.client.ClientSession": _AIOHTTP,
    "requests.Session": _REQUESTS,
    "requests.sessions.Session": _REQUESTS,
}

#: Constructor keywords that every request method of these libraries also accepts.
_PER_REQUEST = frozenset({"headers", "params", "timeout"})
#: Calls that may be moved into a request call: they build a value and have no effect.
_PURE_CALLS = frozenset({"httpx.Timeout", "aiohttp.ClientTimeout", "builtins.dict"})
_SEMAPHORES = frozenset(
    {
        "asyncio.Semaphore",
        "asyncio.BoundedSemaphore",
        "threading.Semaphore",
        "threading.BoundedSemaphore",
    }
)
#: Bases that certainly define no ``__init__`` of their own.
_PLAIN_BASES = frozenset({"builtins.object", "abc.ABC"})

_SCOPED = (cst.Lambda, cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)

_StatementOut = cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement] | cst.RemovalSentinel

#: A ``self.<name>`` attribute.
SELF_ATTRIBUTE = m.Attribute(value=m.Name("self"))
#: ``@staticmethod`` / ``@classmethod``: methods without an instance to hold a client.
NOT_INSTANCE = m.Decorator(decorator=m.Name("staticmethod") | m.Name("classmethod"))
#: A bare ``return`` or ``return x``.
RETURN = m.Return()


def _walk(
    node: cst.CSTNode, parents: tuple[cst.CSTNode, ...] = ()
) -> Iterator[tuple[cst.CSTNode, tuple[cst.CSTNode, ...]]]:
    yield node, parents
    inner = (*parents, node)
    for child in node.children:
        yield from _walk(child, inner)


def _is_loaded_name(node: cst.CSTNode, parents: tuple[cst.CSTNode, ...]) -> bool:
    """A Name that reads a variable (not ``x.attr``'s attr, not a keyword's name)."""
    if not isinstance(node, cst.Name) or not parents:
        return False
    parent = parents[-1]
    if isinstance(parent, cst.Attribute) and parent.attr is node:
        return False
    return not (isinstance(parent, cst.Arg) and parent.keyword is node)


def _own_statements(body: cst.CSTNode) -> Iterator[tuple[cst.CSTNode, tuple[cst.CSTNode, ...]]]:
    """Every node of a function body except those of nested functions and classes."""
    for node, parents in _walk(body):
        if any(isinstance(p, (cst.FunctionDef, cst.ClassDef)) for p in parents[1:]):
            continue
        yield node, parents


def _snake(name: str) -> str:
    out = []
    for i, ch in enumerate(name):
        if ch.isupper() and i and not name[i - 1].isupper():
            out.append("_")
        out.append(ch.lower())
    return "".join(out)


def _ast_dump(code: str) -> str:
    try:
        return ast.dump(ast.parse(f"({code})", mode="eval"))
    except SyntaxError:
        return code


@dataclass
class _Site:
    """One ``with <client>(...) as name:`` in a method, and what its fix needs."""

    node: cst.With
    method: cst.FunctionDef
    kind: _Kind
    call: cst.Call
    var: str
    kept: list[cst.Arg]
    moved: list[cst.Arg]
    request_calls: list[cst.Call] = field(default_factory=list)

    def kept_call(self) -> cst.Call:
        """The constructor without the arguments that moved to the requests."""
        kept = list(self.kept)
        if kept and kept[-1] is not self.call.args[-1]:
            kept[-1] = kept[-1].with_changes(comma=self.call.args[-1].comma)
        if not kept:
            return self.call.with_changes(args=[], whitespace_before_args=cst.SimpleWhitespace(""))
        return self.call.with_changes(args=kept)

    def config_key(self) -> tuple[str, str]:
        code = code_of(self.kept_call())
        return self.kind.qname, _ast_dump(code)


@dataclass
class _ClassPlan:
    """What a class gets: the sites to rewrite and the members to add or extend."""

    kind: _Kind
    ctor: cst.Call
    sites: list[_Site]
    init: cst.FunctionDef | None
    close: cst.FunctionDef | None
    close_name: str


class PersistentClient(Codemod):
    """Share one HTTP client per class instead of opening a client per call.

    ## What it does
    Finds `with`/`async with` blocks that create an `httpx.AsyncClient`,
    `httpx.Client`, `aiohttp.ClientSession` or `requests.Session` inside a method
    (also inside `for`/`while` retry loops) and gives the class one lazily created
    client: an attribute set to `None` in `__init__`, an accessor `_get_client()`
    that builds the client once with the original constructor arguments, and a
    `close()`/`aclose()` method that closes it. Each block becomes
    `client = <accessor>` followed by its body. Sync clients are created under a
    double-checked `threading.Lock`; async accessors need none, because nothing is
    awaited between the check and the assignment.

    Constructor arguments that depend on the call (`headers`, `params`, `timeout`
    built from method locals or parameters) move to the request calls. With the
    option `pool-headroom` (off by default), an httpx client of a class with a
    semaphore gets `httpx.Limits` sized at twice the semaphore's concurrency.

    ## Why is this bad?
    A client per call is a connection pool per call: no keep-alive, a TCP and TLS
    handshake for every request and every retry, sockets churned in TIME_WAIT.

    ## Example
    ```python
    class GeminiProvider:
        async def generate(self, payload):
            for attempt in range(self.max_retries):
                async with httpx.AsyncClient(timeout=self.timeout) as client:
                    response = await client.post(self.url, json=payload)
    ```

    Use instead:
    ```python
    class GeminiProvider:
        def __init__(self) -> None:
            self._client: httpx.AsyncClient | None = None

        async def _get_client(self) -> httpx.AsyncClient:
            if self._client is None:
                self._client = httpx.AsyncClient(timeout=self.timeout)
            return self._client

        async def generate(self, payload):
            for attempt in range(self.max_retries):
                client = await self._get_client()
                response = await client.post(self.url, json=payload)

        async def aclose(self) -> None:
            if self._client is not None:
                await self._client.aclose()
                self._client = None
    ```

    ## Fix safety
    Safe when fixkit applies it. Sites are declined with a reason when the client
    escapes the block (returned, stored, passed on, its state changed), when a
    per-call argument cannot move to the request, when one class configures clients
    differently, when `__init__` cannot be extended or added (a base class or a
    decorator provides one), or when an existing `close` cannot await. The owner
    must call the close method at shutdown; each finding says which. The shared
    client keeps cookies the server sets across calls, and constructor arguments
    that read `self` are evaluated once, at the first request.

    ## References
    Audit 3.2 and 6.3 (Gemini provider), 3.3 and 6.4 (Mistral provider),
    1.6 (pool headroom).
    """

    title = "Share one persistent HTTP client per class instead of a client per call"
    audit = ("3.2", "3.3", "6.3", "6.4", "1.6")
    safety = Safety.SAFE
    triggers = (b"AsyncClient", b"Client(", b"ClientSession", b"Session(")
    options: ClassVar[dict[str, Any]] = {"pool-headroom": False}

    METADATA_DEPENDENCIES: ClassVar[tuple[ProviderT, ...]] = (
        *Codemod.METADATA_DEPENDENCIES,
        QualifiedNameProvider,
        ScopeProvider,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._module: cst.Module = cst.Module([])
        self._classes: dict[str, cst.ClassDef] = {}
        self._seen: set[cst.With] = set()
        self._plans: dict[cst.ClassDef, _ClassPlan] = {}
        self._rewrites: dict[cst.With, tuple[_Kind, str]] = {}
        self._moves: dict[cst.Call, list[cst.Arg]] = {}
        self._footers: dict[int, Sequence[cst.EmptyLine]] = {}
        self._keep: list[cst.CSTNode] = []

    # -- whole-tree facts ---------------------------------------------------

    @classmethod
    def collect(cls, files: ProjectFiles) -> dict[str, list[tuple[bool, tuple[str, ...]]]]:
        """Which project classes define ``__init__``, by class name, with their bases."""
        wanted: set[str] = set()
        for _path, tree in files.ast_modules(*cls.triggers):
            for node in ast.walk(tree):
                if isinstance(node, ast.ClassDef):
                    wanted.update(_ast_base_names(node))
        index: dict[str, list[tuple[bool, tuple[str, ...]]]] = {}
        done: set[str] = set()
        while wanted - done:
            name = sorted(wanted - done)[0]
            done.add(name)
            for _path, tree in files.ast_modules(b"class " + name.encode()):
                for node in ast.walk(tree):
                    if isinstance(node, ast.ClassDef) and node.name == name:
                        bases = _ast_base_names(node)
                        index.setdefault(name, []).append((_ast_may_have_init(node), bases))
                        wanted.update(bases)
        return index

    # -- visitors -----------------------------------------------------------

    def visit_Module(self, node: cst.Module) -> None:
        self._module = node
        self._classes = {s.name.value: s for s in node.body if isinstance(s, cst.ClassDef)}

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        sites: list[_Site] = []
        for stmt in node.body.body:
            if isinstance(stmt, cst.FunctionDef):
                sites.extend(self._method_sites(stmt))
        if sites:
            self._plan_class(node, sites)

    def visit_With(self, node: cst.With) -> None:
        if node in self._seen or self._client_kind(node) is None:
            return
        # Outside a method there is no instance to own a shared client.
        self.skip(
            node,
            "per-call client not directly in a method of a class; no instance to hold a shared client",
        )

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        moved = self._moves.get(original_node)
        return _append_args(updated_node, moved) if moved else updated_node

    def leave_With(self, original_node: cst.With, updated_node: cst.With) -> _StatementOut:
        job = self._rewrites.get(original_node)
        if job is None:
            return updated_node
        kind, var = job
        getter: cst.BaseExpression = cst.Call(
            cst.Attribute(cst.Name("self"), cst.Name(kind.accessor))
        )
        if kind.is_async:
            getter = cst.Await(getter)
        assign = cst.Assign([cst.AssignTarget(cst.Name(var))], getter)
        body = updated_node.body
        if isinstance(body, cst.SimpleStatementSuite):
            first = cst.SimpleStatementLine([assign], leading_lines=updated_node.leading_lines)
            rest = [
                cst.SimpleStatementLine(body.body, trailing_whitespace=body.trailing_whitespace)
            ]
            return cst.FlattenSentinel([first, *rest])
        body = cst.ensure_type(body, cst.IndentedBlock)
        first = cst.SimpleStatementLine(
            [assign], leading_lines=updated_node.leading_lines, trailing_whitespace=body.header
        )
        stmts: list[cst.BaseStatement] = [first, *body.body]
        if body.footer:
            # The block's trailing comments go before whatever follows it.
            self._footers[id(stmts[-1])] = body.footer
            self._keep.append(stmts[-1])
        return cst.FlattenSentinel(stmts)

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        if not self._footers:
            return updated_node
        body = list(updated_node.body)
        footer = list(updated_node.footer)
        for i, stmt in enumerate(body):
            lines = self._footers.pop(id(stmt), None)
            if lines is None:
                continue
            nxt = body[i + 1] if i + 1 < len(body) else None
            if isinstance(nxt, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
                body[i + 1] = nxt.with_changes(leading_lines=[*lines, *nxt.leading_lines])
            else:
                footer = [*lines, *footer]
        return updated_node.with_changes(body=body, footer=footer)

    def leave_ClassDef(
        self, original_node: cst.ClassDef, updated_node: cst.ClassDef
    ) -> cst.ClassDef:
        plan = self._plans.get(original_node)
        if plan is None:
            return updated_node
        return self._extend_class(updated_node, plan)

    # -- finding sites --------------------------------------------------------

    def _client_kind(self, node: cst.With) -> _Kind | None:
        for item in node.items:
            if isinstance(item.item, cst.Call):
                kind = self._kind_of_call(item.item)
                if kind is not None:
                    return kind
        return None

    def _kind_of_call(self, call: cst.Call) -> _Kind | None:
        for qn in self.get_metadata(QualifiedNameProvider, call.func, set()):
            if qn.name in _KINDS:
                return _KINDS[qn.name]
        return None

    def _qnames(self, node: cst.CSTNode) -> set[str]:
        return {q.name for q in self.get_metadata(QualifiedNameProvider, node, set())}

    def _method_sites(self, method: cst.FunctionDef) -> list[_Site]:
        sites = []
        for node, parents in _own_statements(method.body):
            if not isinstance(node, cst.With) or self._client_kind(node) is None:
                continue
            self._seen.add(node)
            site = self._site(node, parents, method)
            if site is not None:
                sites.append(site)
        return sites

    def _site(
        self, node: cst.With, parents: tuple[cst.CSTNode, ...], method: cst.FunctionDef
    ) -> _Site | None:
        kind = self._client_kind(node)
        assert kind is not None
        if any(isinstance(p, _SCOPED) for p in parents):
            self.skip(node, "per-call client inside a lambda or comprehension; left alone")
            return None
        params = method.params.params
        if (
            any(m.matches(d, NOT_INSTANCE) for d in method.decorators)
            or not params
            or params[0].name.value != "self"
        ):
            self.skip(
                node,
                f"`{method.name.value}` is not an instance method with `self`; no instance to hold the client",
            )
            return None
        if len(node.items) != 1:
            self.skip(node, "the with statement opens more than one context; left alone")
            return None
        item = node.items[0]
        call = item.item
        assert isinstance(call, cst.Call)
        if item.asname is None or not isinstance(item.asname.name, cst.Name):
            self.skip(node, f"the {kind.label} is not bound to a name; left alone")
            return None
        var = item.asname.name.value
        if kind.is_async != (node.asynchronous is not None):
            self.skip(node, f"{kind.label} is used with the wrong kind of `with`; left alone")
            return None
        scope = self.get_metadata(ScopeProvider, node, None)
        if not isinstance(scope, FunctionScope):
            self.skip(node, "per-call client outside a function scope; left alone")
            return None
        root = call.func
        while isinstance(root, cst.Attribute):
            root = root.value
        # The accessor lives outside this method: the constructor must be importable there.
        if not isinstance(root, cst.Name) or root.value in scope.assignments:
            self.skip(
                node,
                f"{kind.label} is imported inside `{method.name.value}`; the accessor could not see it",
            )
            return None
        reason = self._escape_reason(node, var, method, kind)
        if reason:
            self.skip(node, reason)
            return None
        site = _Site(node, method, kind, call, var, [], [])
        site.request_calls = self._request_calls(node, var)
        reason = self._split_args(site, scope)
        if not reason and any(isinstance(n, cst.Await) for a in site.kept for n, _ in _walk(a)):
            # An await in the constructor would let a second task pass the None check too.
            reason = (
                f"the {kind.label} constructor awaits; a lazily shared client would need a lock"
            )
        if reason:
            self.skip(node, reason)
            return None
        return site

    def _escape_reason(
        self, node: cst.With, var: str, method: cst.FunctionDef, kind: _Kind
    ) -> str | None:
        """Why the client must stay per call, if it must: every use must be a request through it."""
        assert isinstance(node.body, (cst.IndentedBlock, cst.SimpleStatementSuite))
        allowed = kind.requests | kind.other_uses
        for child, parents in _walk(method.body):
            if not _is_loaded_name(child, parents) or cst.ensure_type(child, cst.Name).value != var:
                continue
            if node.items[0].asname is not None and parents[-1] is node.items[0].asname:
                continue
            if not any(p is node.body for p in parents):
                return f"`{var}` is used outside its with block (the client escapes); left alone"
            inner = parents[parents.index(node.body) :]
            if any(
                isinstance(p, (cst.FunctionDef, cst.Lambda, cst.ClassDef, *_SCOPED)) for p in inner
            ):
                return f"`{var}` is captured by a nested function or comprehension; left alone"
            attr = parents[-1]
            if isinstance(
                attr,
                (
                    cst.AssignTarget,
                    cst.AugAssign,
                    cst.AnnAssign,
                    cst.AsName,
                    cst.For,
                    cst.NamedExpr,
                ),
            ):
                return f"`{var}` is rebound inside the block; left alone"
            if not (isinstance(attr, cst.Attribute) and attr.value is child):
                return f"`{var}` is passed on, returned or stored (the client escapes); left alone"
            call = parents[-2]
            if not (isinstance(call, cst.Call) and call.func is attr):
                return f"`{var}.{attr.attr.value}` reads or changes client state that a shared client would keep; left alone"
            if attr.attr.value not in allowed:
                return f"`{var}.{attr.attr.value}()` is not a request method; a shared client must not be closed or reconfigured per call"
        return None

    def _request_calls(self, node: cst.With, var: str) -> list[cst.Call]:
        calls = []
        for child, _ in _walk(node.body):
            if m.matches(child, m.Call(func=m.Attribute(value=m.Name(var)))):
                calls.append(cst.ensure_type(child, cst.Call))
        return calls

    def _split_args(self, site: _Site, scope: FunctionScope) -> str | None:
        """Keep arguments the accessor can evaluate; move per-call ones to the requests."""
        kind = site.kind
        rebound = _bound_names(site.node.body)
        for arg in site.call.args:
            if arg.star:
                return (
                    f"{kind.label} takes `{arg.star}` arguments; fixkit cannot tell what they hold"
                )
            locals_used: set[str] = set()
            for child, parents in _walk(arg.value):
                if isinstance(child, _SCOPED):
                    return f"a {kind.label} argument has a lambda or comprehension; left alone"
                if _is_loaded_name(child, parents) or (
                    child is arg.value and isinstance(child, cst.Name)
                ):
                    name = cst.ensure_type(child, cst.Name).value
                    if name != "self" and name in scope.assignments:
                        locals_used.add(name)
            if not locals_used:
                site.kept.append(arg)
                continue
            names = ", ".join(f"`{n}`" for n in sorted(locals_used))
            keyword = arg.keyword.value if arg.keyword else None
            if keyword not in _PER_REQUEST:
                what = f"`{keyword}=`" if keyword else "a positional argument"
                return f"{kind.label}'s {what} depends on the call ({names}) and the request methods do not accept it"
            if locals_used & rebound:
                return f"`{keyword}=` reads {names}, which the block reassigns; moving it to the requests would change its value"
            for child, _ in _walk(arg.value):
                if isinstance(child, (cst.Call, cst.Await, cst.Yield, cst.NamedExpr)) and not (
                    isinstance(child, cst.Call) and self._qnames(child.func) & _PURE_CALLS
                ):
                    return f"`{keyword}=` has a call; moving it to the requests would change when it runs"
            if not site.request_calls:
                return (
                    f"`{keyword}=` depends on the call and the block sends no request to carry it"
                )
            for req in site.request_calls:
                method = cst.ensure_type(req.func, cst.Attribute).attr.value
                if method not in kind.requests:
                    return f"`{keyword}=` depends on the call and `{site.var}.{method}()` does not accept it"
                if any(a.star == "**" for a in req.args) or any(
                    a.keyword and a.keyword.value == keyword for a in req.args
                ):
                    return f"`{keyword}=` depends on the call and `{site.var}.{method}()` already passes its own"
            site.moved.append(arg)
        return None

    # -- planning a class -----------------------------------------------------

    def _plan_class(self, node: cst.ClassDef, sites: list[_Site]) -> None:
        def decline(reason: str) -> None:
            for site in sites:
                self.skip(site.node, reason)

        name = node.name.value
        configs = {site.config_key() for site in sites}
        if len(configs) > 1:
            kinds = sorted({k for k, _ in configs})
            what = (
                "clients of different kinds"
                if len(kinds) > 1
                else "clients with different constructor arguments"
            )
            decline(
                f"{name} creates {what}; fixkit shares one client per class and leaves these alone"
            )
            return
        kind = sites[0].kind
        members = _class_members(node)
        taken = [n for n in (kind.attr, kind.accessor, kind.lock) if n in members]
        if taken:
            decline(f"{name} already uses `{taken[0]}`; fixkit will not reuse that name")
            return
        methods = {s.name.value: s for s in node.body.body if isinstance(s, cst.FunctionDef)}
        init = methods.get("__init__")
        if init is None:
            reason = self._init_reason(node)
            if reason:
                decline(reason)
                return
        elif not isinstance(init.body, cst.IndentedBlock) or _has_return(init):
            decline(f"{name}.__init__ is a one-liner or returns early; fixkit will not extend it")
            return
        close_name = kind.closer if kind.is_async else "close"
        candidates = ["aclose", "close"] if kind.is_async else ["close"]
        close = next((methods[c] for c in candidates if c in methods), None)
        if close is not None:
            close_name = close.name.value
            if kind.is_async and close.asynchronous is None:
                decline(
                    f"{name}.{close_name}() is synchronous and cannot await the {kind.label}'s close; left alone"
                )
                return
            if (
                not isinstance(close.body, cst.IndentedBlock)
                or _has_return(close)
                or len(close.params.params) != 1
            ):
                decline(
                    f"{name}.{close_name}() takes arguments, is a one-liner or returns early; fixkit will not extend it"
                )
                return
        plan = _ClassPlan(kind, sites[0].kept_call(), sites, init, close, close_name)
        extra = self._headroom(node, plan)
        await_ = "await " if kind.is_async else ""
        note = f"call `{await_}{_snake(name)}.{close_name}()` at shutdown"
        for site in sites:
            self._rewrites[site.node] = (kind, site.var)
            moved = ""
            if site.moved:
                for req in site.request_calls:
                    self._moves[req] = site.moved
                keys = ", ".join(
                    f"`{cst.ensure_type(a.keyword, cst.Name).value}=`" for a in site.moved
                )
                moved = f"; per-call {keys} moved to the requests"
            self.fixed(
                site.node,
                f"per-call {kind.label} replaced by the shared client of {name}.{kind.accessor}(){moved}{extra}; {note}",
            )
        self._plans[node] = plan
        if not kind.is_async:
            AddImportsVisitor.add_needed_import(self.context, "threading")

    def _init_reason(self, node: cst.ClassDef) -> str | None:
        """Why fixkit may not add an ``__init__`` to this class (None: it may)."""
        name = node.name.value
        if node.decorators:
            return f"{name} has no __init__ and is decorated (a decorator may generate one); left alone"
        if node.keywords:
            return f"{name} has no __init__ and sets a metaclass or class keywords; left alone"
        for base in node.bases:
            reason = self._base_reason(base.value, set())
            if reason:
                return f"{name} has no __init__ and {reason}; adding one could shadow it"
        return None

    def _base_reason(self, base: cst.BaseExpression, seen: set[str]) -> str | None:
        if self._qnames(base) & _PLAIN_BASES:
            return None
        if isinstance(base, cst.Name) and base.value in self._classes:
            local = self._classes[base.value]
            if local.name.value in seen:
                return None
            seen.add(local.name.value)
            if (
                local.decorators
                or local.keywords
                or any(
                    isinstance(s, cst.FunctionDef) and s.name.value == "__init__"
                    for s in local.body.body
                )
            ):
                return f"base class {base.value} defines or may generate __init__"
            for b in local.bases:
                reason = self._base_reason(b.value, seen)
                if reason:
                    return reason
            return None
        if isinstance(base, (cst.Name, cst.Attribute)):
            return self._project_base_reason(base, seen)
        return "a base class is an expression fixkit cannot resolve"

    def _project_base_reason(self, base: cst.Name | cst.Attribute, seen: set[str]) -> str | None:
        name = base.value if isinstance(base, cst.Name) else base.attr.value
        return _index_reason(name, self.project or {}, seen)

    def _headroom(self, node: cst.ClassDef, plan: _ClassPlan) -> str:
        """Audit 1.6: size an httpx pool at twice the class's semaphore (option ``pool-headroom``)."""
        if not self.config.get("pool-headroom") or not plan.kind.supports_limits:
            return ""
        semaphores = []
        for child, parents in _walk(node.body):
            if isinstance(child, cst.Call) and self._qnames(child.func) & _SEMAPHORES:
                semaphores.append((child, parents))
        if not semaphores:
            return ""
        if len(semaphores) > 1:
            self.skip(
                semaphores[0][0],
                "pool-headroom: the class has more than one semaphore; limits left as they are",
            )
            return ""
        sem, parents = semaphores[0]
        if any(a.keyword and a.keyword.value == "limits" for a in plan.ctor.args):
            self.skip(sem, "pool-headroom: the client already sets `limits=`; left as it is")
            return ""
        size = next(
            (a.value for a in sem.args if a.keyword is None or a.keyword.value == "value"), None
        )
        if size is None:
            size = cst.Integer("1")
        if isinstance(size, cst.Integer):
            top: cst.BaseExpression = cst.Integer(str(2 * int(size.evaluated_value)))
        elif m.matches(size, SELF_ATTRIBUTE) and not any(
            isinstance(p, cst.FunctionDef) and p.name.value != "__init__" for p in parents
        ):
            top = cst.BinaryOperation(cst.Integer("2"), cst.Multiply(), size)
        else:
            self.skip(
                sem,
                "pool-headroom: the semaphore's size is not a number or a `self` attribute; limits left as they are",
            )
            return ""
        AddImportsVisitor.add_needed_import(self.context, "httpx")
        limits = cst.parse_expression(
            "httpx.Limits(max_connections=TOP, max_keepalive_connections=SIZE)"
        )
        limits = cst.ensure_type(limits, cst.Call)
        limits = limits.with_changes(
            args=[limits.args[0].with_changes(value=top), limits.args[1].with_changes(value=size)]
        )
        equal = cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace(""))
        plan.ctor = _append_args(
            plan.ctor, [cst.Arg(limits, keyword=cst.Name("limits"), equal=equal)]
        )
        return "; pool sized at twice the semaphore (audit 1.6)"

    # -- building the class members ---------------------------------------------

    def _parse(self, template: str, **holes: cst.BaseExpression) -> cst.BaseStatement:
        code = template.replace("    ", self._module.default_indent).replace(
            "\n", self._module.default_newline
        )
        stmt = cst.parse_statement(code, config=self._module.config_for_parsing)
        out = stmt.visit(_Fill(holes))
        assert isinstance(out, (cst.SimpleStatementLine, cst.BaseCompoundStatement))
        return out

    def _extend_class(self, node: cst.ClassDef, plan: _ClassPlan) -> cst.ClassDef:
        kind = plan.kind
        ann = plan.ctor.func
        a, g, lk = kind.attr, kind.accessor, kind.lock
        init_lines = [f"self.{a}: ANN | None = None\n"]
        if not kind.is_async:
            init_lines.append(f"self.{lk} = threading.Lock()\n")
        if kind.is_async:
            accessor = self._parse(
                f"async def {g}(self) -> ANN:\n"
                "    # Nothing is awaited between the check and the assignment: one client, no lock.\n"
                f"    if self.{a} is None:\n"
                f"        self.{a} = CTOR\n"
                f"    return self.{a}\n",
                ANN=ann,
                CTOR=plan.ctor,
            )
            close_body = (
                f"if self.{a} is not None:\n"
                f"    await self.{a}.{kind.closer}()\n"
                f"    self.{a} = None\n"
            )
        else:
            accessor = self._parse(
                f"def {g}(self) -> ANN:\n"
                "    # Double-checked: threads that find the client built never take the lock.\n"
                f"    if self.{a} is None:\n"
                f"        with self.{lk}:\n"
                f"            if self.{a} is None:\n"
                f"                self.{a} = CTOR\n"
                f"    return self.{a}\n",
                ANN=ann,
                CTOR=plan.ctor,
            )
            close_body = (
                f"with self.{lk}:\n"
                f"    if self.{a} is not None:\n"
                f"        self.{a}.{kind.closer}()\n"
                f"        self.{a} = None\n"
            )
        blank = cst.EmptyLine(indent=False)
        accessor = accessor.with_changes(leading_lines=[blank])
        body = list(node.body.body)
        init_stmts = [self._parse(line, ANN=ann) for line in init_lines]
        close_stmts = [self._parse(stmt) for stmt in _split_statements(close_body)]
        init_at = next(
            (
                i
                for i, s in enumerate(body)
                if isinstance(s, cst.FunctionDef) and s.name.value == "__init__"
            ),
            None,
        )
        if init_at is None:
            init = self._parse("def __init__(self) -> None:\n    pass\n")
            init = cst.ensure_type(init, cst.FunctionDef)
            init = init.with_changes(body=init.body.with_changes(body=init_stmts))
            defs = [(i, s) for i, s in enumerate(body) if isinstance(s, cst.FunctionDef)]
            first_def, first = defs[0]
            init = init.with_changes(leading_lines=first.leading_lines)
            body[first_def] = first.with_changes(leading_lines=[blank])
            body.insert(first_def, init)
            init_at = first_def
        else:
            old = cst.ensure_type(body[init_at], cst.FunctionDef)
            block = cst.ensure_type(old.body, cst.IndentedBlock)
            body[init_at] = old.with_changes(
                body=block.with_changes(body=[*block.body, *init_stmts])
            )
        body.insert(init_at + 1, accessor)
        close_at = next(
            (
                i
                for i, s in enumerate(body)
                if isinstance(s, cst.FunctionDef) and s.name.value == plan.close_name
            ),
            None,
        )
        if close_at is None:
            header = "async def" if kind.is_async else "def"
            close = self._parse(
                f"{header} {plan.close_name}(self) -> None:\n"
                '    """Close the shared client; the owner calls this at shutdown."""\n'
            )
            close = cst.ensure_type(close, cst.FunctionDef)
            block = cst.ensure_type(close.body, cst.IndentedBlock)
            close = close.with_changes(
                body=block.with_changes(body=[*block.body, *close_stmts]), leading_lines=[blank]
            )
            body.append(close)
        else:
            old = cst.ensure_type(body[close_at], cst.FunctionDef)
            block = cst.ensure_type(old.body, cst.IndentedBlock)
            body[close_at] = old.with_changes(
                body=block.with_changes(body=[*block.body, *close_stmts])
            )
        return node.with_changes(body=node.body.with_changes(body=body))


# -- helpers ---------------------------------------------------------------------


class _Fill(cst.CSTTransformer):
    """Put nodes into the ``NAME`` holes of a parsed template."""

    def __init__(self, holes: dict[str, cst.BaseExpression]) -> None:
        super().__init__()
        self._holes = holes

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.BaseExpression:
        return self._holes.get(original_node.value, updated_node)


def _append_args(call: cst.Call, extra: Sequence[cst.Arg]) -> cst.Call:
    """``call`` with ``extra`` keyword arguments at the end, in the call's own layout."""
    args = list(call.args)
    for new in extra:
        new = cst.Arg(new.value, keyword=new.keyword, equal=new.equal)
        if not args:
            args.append(new)
            continue
        last = args[-1]
        if len(args) >= 2 and isinstance(args[-2].comma, cst.Comma):
            sep = args[-2].comma
        elif isinstance(call.whitespace_before_args, cst.ParenthesizedWhitespace):
            sep = cst.Comma(whitespace_after=call.whitespace_before_args)
        else:
            sep = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        if isinstance(last.comma, cst.Comma):
            # A trailing comma stays trailing: the new argument takes it over.
            new = new.with_changes(comma=last.comma)
        args[-1] = last.with_changes(comma=sep)
        args.append(new)
    return call.with_changes(args=args)


def _split_statements(code: str) -> list[str]:
    """Top-level statements of a small template, one string each."""
    out: list[str] = []
    for line in code.splitlines(keepends=True):
        if out and line.startswith(" "):
            out[-1] += line
        else:
            out.append(line)
    return out


def _has_return(func: cst.FunctionDef) -> bool:
    return any(isinstance(n, cst.Return) for n, _ in _own_statements(func.body))


def _bound_names(node: cst.CSTNode) -> set[str]:
    names: set[str] = set()
    for child, _ in _walk(node):
        target = None
        if isinstance(
            child, (cst.AssignTarget, cst.AugAssign, cst.AnnAssign, cst.For, cst.NamedExpr)
        ):
            target = child.target
        elif isinstance(child, cst.AsName):
            target = child.name
        for sub, _ in _walk(target) if target is not None else ():
            if isinstance(sub, cst.Name):
                names.add(sub.value)
    return names


def _class_members(node: cst.ClassDef) -> set[str]:
    """Names the class defines or uses as ``self.<name>``."""
    names: set[str] = set()
    for child, _ in _walk(node.body):
        if isinstance(child, (cst.FunctionDef, cst.ClassDef)):
            names.add(child.name.value)
        elif m.matches(child, SELF_ATTRIBUTE):
            names.add(cst.ensure_type(child, cst.Attribute).attr.value)
    for stmt in node.body.body:
        if isinstance(stmt, cst.SimpleStatementLine):
            names |= _bound_names(stmt)
    return names


def _ast_base_names(node: ast.ClassDef) -> tuple[str, ...]:
    names = []
    for base in node.bases:
        if isinstance(base, ast.Name):
            names.append(base.id)
        elif isinstance(base, ast.Attribute):
            names.append(base.attr)
        else:
            names.append("<expression>")
    return tuple(names)


def _ast_may_have_init(node: ast.ClassDef) -> bool:
    """True when the class defines ``__init__`` or may get one (decorators, metaclass)."""
    if node.decorator_list or node.keywords:
        return True
    for stmt in node.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name == "__init__":
            return True
        if isinstance(stmt, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__init__" for t in stmt.targets
        ):
            return True
    return False


def _index_reason(
    name: str, index: dict[str, list[tuple[bool, tuple[str, ...]]]], seen: set[str]
) -> str | None:
    if name in ("object", "ABC") or name in seen:
        return None
    seen.add(name)
    entries = index.get(name, [])
    if not entries:
        return f"base class {name} is not visible to fixkit (defined outside the project)"
    if len(entries) > 1:
        return f"base class {name} is defined more than once in the project"
    has_init, bases = entries[0]
    if has_init:
        return f"base class {name} defines or may generate __init__"
    for base in bases:
        reason = _index_reason(base, index, seen)
        if reason:
            return reason
    return None

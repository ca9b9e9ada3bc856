"""Run coroutines that are created and dropped: add ``await`` (audit 1.2, 1.3)."""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import ClassVar

import libcst as cst
import libcst.matchers as m
from libcst.codemod.visitors import AddImportsVisitor
from libcst.metadata import (
    Assignment,
    ImportAssignment,
    ParentNodeProvider,
    ProviderT,
    QualifiedNameProvider,
    ScopeProvider,
)

from fixkit.codemod import Codemod, ProjectFiles, Safety
from fixkit.cstutil import absolute_module, ast_import_map, dotted_name, module_name

__all__ = ["MissingAwait", "Project"]

#: Decorators that leave an ``async def`` a coroutine function.
TRANSPARENT_DECORATORS = frozenset({"staticmethod", "classmethod"})
#: Bases that define none of a project's methods.
EMPTY_BASES = frozenset({"object", "ABC", "Generic", "Protocol"})
GET_RUNNING_LOOP = frozenset({"asyncio.get_running_loop", "asyncio.events.get_running_loop"})


# -- whole-tree facts (read with ast: ten times faster than libcst) ---------------------


@dataclass(frozen=True)
class Func:
    """A ``def`` or ``async def`` as far as asyncness goes."""

    name: str
    is_async: bool
    generator: bool
    decorators: tuple[str, ...]


@dataclass(frozen=True)
class ClassFacts:
    """A class: its bases as written and its members (None: not provably a function)."""

    module: str
    qualname: str
    bases: tuple[str, ...]
    members: dict[str, Func | None]
    attributes: frozenset[str] = frozenset()
    """Instance attributes its methods assign (``self.name = ...``)."""

    @property
    def key(self) -> str:
        """``module:qualname``, unique in the tree."""
        return f"{self.module}:{self.qualname}"


@dataclass(frozen=True)
class ModuleFacts:
    """The top-level bindings of one module."""

    name: str
    functions: dict[str, Func]
    classes: dict[str, ClassFacts]
    imports: dict[str, str]
    """Local name -> absolute dotted target."""
    ambiguous: frozenset[str]
    """Names bound more than once, or inside a compound statement."""


@dataclass
class Project:
    """Every module of the tree that defines or imports coroutine functions and classes."""

    modules: dict[str, ModuleFacts] = field(default_factory=dict)


def _is_generator(node: ast.AST) -> bool:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        if isinstance(child, (ast.Yield, ast.YieldFrom)) or _is_generator(child):
            return True
    return False


def _func(node: ast.FunctionDef | ast.AsyncFunctionDef) -> Func:
    return Func(
        node.name,
        isinstance(node, ast.AsyncFunctionDef),
        _is_generator(node),
        tuple(ast.unparse(d) for d in node.decorator_list),
    )


def _bound_names(node: ast.AST) -> Iterable[str]:
    """Names a statement binds in its own scope (not inside nested functions or classes)."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        yield node.name
        return
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        for alias in node.names:
            yield alias.asname or alias.name.split(".")[0]
        return
    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
        yield node.id
        return
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.Lambda):
            continue
        yield from _bound_names(child)


def _base_text(base: ast.expr) -> str:
    if isinstance(base, ast.Subscript):
        base = base.value
    return ast.unparse(base)


def _class(module: str, prefix: str, node: ast.ClassDef, out: dict[str, ClassFacts]) -> None:
    qualname = f"{prefix}{node.name}"
    members: dict[str, Func | None] = {}
    attributes: set[str] = set()
    for stmt in node.body:
        names = list(_bound_names(stmt))
        for name in names:
            if name in members:
                members[name] = None  # bound twice: which one wins depends on the code
            elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                members[name] = _func(stmt)
            else:
                members[name] = None
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            # An instance attribute of the same name hides the method.
            params = stmt.args.posonlyargs + stmt.args.args
            if params:
                first = params[0].arg
                for sub in ast.walk(stmt):
                    if (
                        isinstance(sub, ast.Attribute)
                        and isinstance(sub.ctx, ast.Store)
                        and isinstance(sub.value, ast.Name)
                        and sub.value.id == first
                    ):
                        attributes.add(sub.attr)
        if isinstance(stmt, ast.ClassDef):
            _class(module, f"{qualname}.", stmt, out)
    bases = tuple(_base_text(b) for b in node.bases)
    out[qualname] = ClassFacts(module, qualname, bases, members, frozenset(attributes))


def module_facts(relpath: str, tree: ast.Module) -> ModuleFacts:
    """The facts of one parsed module."""
    name, is_package = module_name(relpath)
    functions: dict[str, Func] = {}
    classes: dict[str, ClassFacts] = {}
    seen: set[str] = set()
    ambiguous: set[str] = set()
    for stmt in tree.body:
        bound = list(_bound_names(stmt))
        for local in bound:
            if local in seen:
                ambiguous.add(local)
            seen.add(local)
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            functions[stmt.name] = _func(stmt)
        elif isinstance(stmt, ast.ClassDef):
            _class(name, "", stmt, classes)
        elif not isinstance(
            stmt, (ast.Import, ast.ImportFrom, ast.Assign, ast.AnnAssign, ast.AugAssign, ast.Expr)
        ):
            # Bound under a condition (if/try/with/for): cannot tell which binding holds.
            ambiguous.update(bound)
    imports = ast_import_map(tree, name, is_package)
    return ModuleFacts(name, functions, classes, imports, frozenset(ambiguous))


def scan_project(files: ProjectFiles) -> Project:
    """Modules that define ``async def``, package ``__init__``s, and the classes deriving from them."""
    project = Project()
    parsed: set[str] = set()

    def read(path: str, tree: ast.Module) -> None:
        parsed.add(path)
        facts = module_facts(path, tree)
        project.modules[facts.name] = facts

    for path, tree in files.ast_modules(b"async def"):
        read(path, tree)
    for path, data in files.sources(b"import"):
        if path.endswith("__init__.py") and path not in parsed:
            # Re-exports. Parsed here, not through files.ast_modules(b"import"), which would
            # parse every module that imports anything.
            try:
                tree = ast.parse(data)
            except (SyntaxError, ValueError, RecursionError):
                continue
            read(path, tree)
    # Subclasses of the classes with coroutine methods, until no new file turns up.
    relevant: set[str] = set()
    searched: set[str] = set()
    while True:
        for facts in project.modules.values():
            for cls in facts.classes.values():
                short = cls.qualname.rsplit(".", 1)[-1]
                if any(f is not None and f.is_async for f in cls.members.values()) or any(
                    b.rsplit(".", 1)[-1] in relevant for b in cls.bases
                ):
                    relevant.add(short)
        fresh = relevant - searched
        if not fresh:
            break
        searched |= fresh
        words = tuple(name.encode() for name in sorted(fresh))
        classes = {p for p, data in files.sources(*words) if b"class " in data}
        for path, tree in files.ast_modules(*words):
            if path in classes and path not in parsed:
                read(path, tree)
    return project


class _Index:
    """Name resolution over the project's modules, the current module's facts first."""

    def __init__(self, project: Project | None, current: ModuleFacts | None) -> None:
        self.modules = dict(project.modules) if project is not None else {}
        if current is not None:
            self.modules[current.name] = current
        self._mro: dict[str, list[str] | None] = {}
        self._classes = {c.key: c for f in self.modules.values() for c in f.classes.values()}

    def find_module(self, dotted: str) -> ModuleFacts | None:
        if dotted in self.modules:
            return self.modules[dotted]
        found = [f for name, f in self.modules.items() if name.endswith("." + dotted)]
        return found[0] if len(found) == 1 else None

    def resolve(self, dotted: str, depth: int = 0) -> Func | ClassFacts | None:
        """What an absolute dotted name stands for in the tree, if it can be known."""
        parts = dotted.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            module = self.find_module(".".join(parts[:cut]))
            if module is not None:
                return self.resolve_in(module, parts[cut:], depth)
        return None

    def resolve_in(
        self, module: ModuleFacts, parts: list[str], depth: int = 0
    ) -> Func | ClassFacts | None:
        head, rest = parts[0], parts[1:]
        if head in module.ambiguous or depth > 8:
            return None
        if head in module.functions:
            return module.functions[head] if not rest else None
        if head in module.classes:
            found = module.classes[head]
            for part in rest:
                found = module.classes.get(f"{found.qualname}.{part}")  # type: ignore[assignment]
                if found is None:
                    return None
            return found
        if head in module.imports:
            return self.resolve(".".join([module.imports[head], *rest]), depth + 1)
        return None

    def class_of(self, module: str, qualname: str) -> ClassFacts | None:
        return self._classes.get(f"{module}:{qualname}")

    def mro(self, cls: ClassFacts) -> list[str] | None:
        """The C3 linearisation of ``cls``; an unresolved base is an opaque ``?`` entry."""
        if cls.key in self._mro:
            return self._mro[cls.key]
        self._mro[cls.key] = None  # a cycle resolves to "unknown"
        module = self.modules.get(cls.module)
        seqs: list[list[str]] = []
        for index, base in enumerate(cls.bases):
            target: Func | ClassFacts | None = None
            if module is not None:
                target = self.resolve_in(module, base.split("."))
            if isinstance(target, ClassFacts):
                sub = self.mro(target)
                if sub is None:
                    return None
                seqs.append(list(sub))
            elif base.rsplit(".", 1)[-1] in EMPTY_BASES:
                continue
            else:
                seqs.append([f"?{cls.key}#{index}"])
        seqs.append([s[0] for s in seqs])
        result = [cls.key]
        while any(seqs):
            seqs = [s for s in seqs if s]
            head = next(
                (s[0] for s in seqs if not any(s[0] in t[1:] for t in seqs)),
                None,
            )
            if head is None:
                return None  # no consistent order: Python would refuse the class
            result.append(head)
            seqs = [s[1:] if s[0] == head else s for s in seqs]
        self._mro[cls.key] = result
        return result

    def lookup(
        self, cls: ClassFacts, name: str, after: str | None = None
    ) -> tuple[ClassFacts, Func] | None:
        """The member ``name`` that attribute lookup on ``cls`` finds, when it is provable."""
        order = self.mro(cls)
        if order is None:
            return None
        if after is not None:
            order = order[order.index(after) + 1 :]
        for key in order:
            owner = self._classes.get(key)
            if owner is None:
                return None
            if name in owner.members:
                member = owner.members[name]
                return (owner, member) if member is not None else None
        return None

    def overriders(self, cls: ClassFacts, name: str) -> list[tuple[ClassFacts, str]]:
        """Subclasses of ``cls`` in which ``name`` is not provably a coroutine function, and why."""
        found = []
        for other in self._classes.values():
            order = self.mro(other)
            if other is cls or order is None or cls.key not in order:
                continue
            hit = self.lookup(other, name)
            if hit is not None and hit[1].is_async:
                continue
            if hit is not None and hit[0] is other:
                why = f"overrides {name} with a plain def"
            elif hit is not None:
                why = f"inherits a plain def {name} from {hit[0].qualname}"
            else:
                why = f"may override {name} (a base or member fixkit cannot follow)"
            found.append((other, why))
        return found


# -- the codemod --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Target:
    """A call proven to create a coroutine, or why it is declined."""

    label: str
    problem: str | None = None


class _YieldFinder(cst.CSTVisitor):
    def __init__(self) -> None:
        self.found = False

    def visit_Yield(self, node: cst.Yield) -> bool:
        self.found = True
        return False

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False


class MissingAwait(Codemod):
    """Run a coroutine that is created and dropped: await it, or `asyncio.run` it.

    ## What it does
    Finds expression statements that call a coroutine function and drop the result:
    `self._analyze_risks_async(...)` where `_analyze_risks_async` is an `async def` of the
    class or of a base class in the tree (`self.m()`, `cls.m()`, `super().m()`), or a
    module-level or nested `async def` of the same module or imported from another module of
    the tree (aliases followed). Inside an `async def` it adds `await`. Inside a plain `def`, in
    the `except RuntimeError:` branch of `try: asyncio.get_running_loop()` (no loop runs there),
    it wraps the call in `asyncio.run(...)`. Every other plain-`def` or module-level site is
    reported: whether `asyncio.run` is right depends on the thread.
    A call is only looked at when its target is provably an `async def`; calls whose result is
    used (assigned, returned, awaited, passed to `create_task` or `gather`) are not findings.
    Only files that mention `async` are examined (the pre-filter).

    ## Why is this bad?
    Calling a coroutine function only creates a coroutine object. Nobody awaits it, so its body
    never runs: the work silently never happens, Python warns "coroutine ... was never
    awaited" at garbage collection, and the object and everything it references are kept
    until then.

    ## Example
    ```python
    async def process_interaction(self, session_id, prompt):
        self._analyze_risks_async(session_id, prompt)

    def _start_risk_analysis(self, session_id, prompt):
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self._analyze_risks_async(session_id, prompt)
            return
    ```

    Use instead:
    ```python
    async def process_interaction(self, session_id, prompt):
        await self._analyze_risks_async(session_id, prompt)

    def _start_risk_analysis(self, session_id, prompt):
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            asyncio.run(self._analyze_risks_async(session_id, prompt))
            return
    ```

    ## Fix safety
    Unsafe: code that never ran now runs, at that point, with its side effects, its duration
    and its exceptions (which now propagate to the caller). `asyncio.run` blocks until the
    coroutine is done. Declined with a reason: an `async def` with a decorator other than
    `staticmethod`/`classmethod` (the decorator may change what a call returns), an async
    method that a subclass in the tree overrides with a plain `def`, an async generator
    function (it cannot be awaited), a plain `def` outside the `get_running_loop` fallback, a
    module or class body, and a file where the name `asyncio` means something else.

    ## References
    Audit 1.2 (non-awaited coroutine in thread context), 1.3 (event loop fallback logic error).
    """

    title = "Await coroutines that are created and never run"
    audit = ("1.2", "1.3")
    safety = Safety.UNSAFE
    triggers = (b"async",)

    METADATA_DEPENDENCIES: ClassVar[tuple[ProviderT, ...]] = (
        *Codemod.METADATA_DEPENDENCIES,
        ScopeProvider,
        QualifiedNameProvider,
        ParentNodeProvider,
    )

    CALL_STATEMENT = m.Expr(value=m.Call())
    RUNTIME_ERROR = m.Name("RuntimeError")

    @classmethod
    def collect(cls, files: ProjectFiles) -> Project:
        """Coroutine functions, classes and imports of the whole tree."""
        return scan_project(files)

    def visit_Module(self, node: cst.Module) -> None:
        self._module = node
        self._relpath = self.context.filename or ""
        current: ModuleFacts | None = None
        try:
            current = module_facts(self._relpath, ast.parse(node.code))
        except (SyntaxError, ValueError, RecursionError):
            current = None
        self._current = current
        self._name, self._is_package = module_name(self._relpath)
        project = self.project if isinstance(self.project, Project) else None
        self._index = _Index(project, current)
        self._functions: list[cst.FunctionDef] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._functions.append(node)

    def leave_FunctionDef(
        self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
    ) -> cst.FunctionDef:
        self._functions.pop()
        return updated_node

    def leave_Expr(
        self, original_node: cst.Expr, updated_node: cst.Expr
    ) -> cst.Expr | cst.BaseSmallStatement:
        if not m.matches(original_node, self.CALL_STATEMENT):
            return updated_node
        call = cst.ensure_type(original_node.value, cst.Call)
        target = self._target(call)
        if target is None:
            return updated_node
        shown = f"`{self._module.code_for_node(call.func)}({'...' if call.args else ''})`"
        if target.problem is not None:
            self.skip(
                original_node,
                f"{shown} creates a coroutine that never runs, but {target.problem}; left alone",
            )
            return updated_node
        function = self._functions[-1] if self._functions else None
        if function is None or self._in_class_body(original_node, function):
            self.skip(
                original_node,
                f"{shown} creates a coroutine that never runs, outside a function: no event "
                "loop runs here; use asyncio.run(...) if this is the program's entry point; "
                "left alone",
            )
            return updated_node
        if function.asynchronous is not None:
            self.fixed(
                original_node,
                f"{shown} created a coroutine that never ran; now awaited. Unsafe: its code now "
                "runs here, with its side effects, its duration and its exceptions",
            )
            return updated_node.with_changes(value=cst.Await(expression=updated_node.value))
        probe = self._no_loop_probe(original_node)
        if probe is None:
            self.skip(
                original_node,
                f"{shown} creates a coroutine that never runs, in a plain def with no event loop "
                "to await on; asyncio.run(...) is right only if no event loop is running in this "
                "thread: make the caller async and await it, or wrap it in asyncio.run(...) if "
                "this always runs in a thread without a loop (or use "
                "asyncio.run_coroutine_threadsafe(coro, loop) with the running loop); left alone",
            )
            return updated_node
        asyncio_name = self._asyncio_name(original_node, probe)
        if asyncio_name is None:
            self.skip(
                original_node,
                f"{shown} creates a coroutine that never runs, and the name asyncio means "
                "something else here; wrap it in asyncio.run(...) by hand; left alone",
            )
            return updated_node
        if asyncio_name == "":
            AddImportsVisitor.add_needed_import(self.context, "asyncio")
            asyncio_name = "asyncio"
        self.fixed(
            original_node,
            f"{shown} created a coroutine that never ran; now run with {asyncio_name}.run(), "
            "as no event loop runs in this branch. Unsafe: its code now runs here and blocks "
            "until done, with its side effects and its exceptions",
        )
        wrapped = cst.Call(
            func=cst.Attribute(value=cst.Name(asyncio_name), attr=cst.Name("run")),
            args=[cst.Arg(value=updated_node.value)],
        )
        return updated_node.with_changes(value=wrapped)

    # -- what a call stands for -------------------------------------------------------------

    def _target(self, call: cst.Call) -> _Target | None:
        func = call.func
        if isinstance(func, cst.Attribute):
            receiver = func.value
            if isinstance(receiver, cst.Name):
                found = self._method_of_self(receiver, func.attr.value)
                if found is not None:
                    return found
            if m.matches(receiver, m.Call(func=m.Name("super"), args=[])):
                return self._method_of_super(func.attr.value)
        dotted = dotted_name(func)
        if dotted is None:
            return None
        head, *rest = dotted.split(".")
        name_node = func
        while isinstance(name_node, cst.Attribute):
            name_node = name_node.value
        assert isinstance(name_node, cst.Name)
        binding = self._binding(name_node)
        if binding is None:
            return None
        if isinstance(binding, cst.FunctionDef):
            if rest:
                return None
            return self._judge(_cst_func(self._module, binding), head)
        resolved = self._index.resolve(".".join([binding, *rest]))
        if isinstance(resolved, Func):
            return self._judge(resolved, dotted)
        return None

    def _only_assignment(self, name: cst.Name) -> Assignment | None:
        """The one assignment that binds ``name`` in its scope; None if there are several."""
        scope = self.get_metadata(ScopeProvider, name, None)
        if scope is None:
            return None
        assignments = list(scope[name.value])
        if len(assignments) != 1 or not isinstance(assignments[0], Assignment):
            return None
        return assignments[0]

    def _binding(self, name: cst.Name) -> cst.FunctionDef | str | None:
        """The ``def`` a name is bound to, or the absolute dotted target of its import."""
        assignment = self._only_assignment(name)
        if assignment is None:
            return None
        node = assignment.node
        if isinstance(node, cst.FunctionDef):
            return node
        if isinstance(assignment, ImportAssignment):
            if isinstance(node, cst.ImportFrom) and not isinstance(node.names, cst.ImportStar):
                level = len(node.relative)
                base = dotted_name(node.module) if node.module is not None else None
                module = absolute_module(self._name, self._is_package, level, base)
                for alias in node.names:
                    if alias.evaluated_alias == name.value or (
                        alias.asname is None and alias.evaluated_name == name.value
                    ):
                        return (
                            f"{module}.{alias.evaluated_name}" if module else alias.evaluated_name
                        )
            if isinstance(node, cst.Import):
                for alias in node.names:
                    if alias.evaluated_alias == name.value:
                        return alias.evaluated_name
                    if alias.asname is None and alias.evaluated_name.split(".")[0] == name.value:
                        return name.value
        return None

    def _method_of_self(self, receiver: cst.Name, attr: str) -> _Target | None:
        """``self.attr`` / ``cls.attr`` where the name is the first parameter of a method."""
        binding = self._binding_param(receiver)
        if binding is None:
            return None
        cls = self._class_facts(binding[1])
        if cls is None:
            return None
        hit = self._index.lookup(cls, attr)
        if hit is None:
            return None
        owner, func = hit
        label = f"{owner.qualname}.{attr}"
        judged = self._judge(func, label)
        if judged is None or judged.problem is not None:
            return judged
        for owner_key in self._index.mro(cls) or []:
            holder = self._index.class_of(*owner_key.split(":", 1)) if ":" in owner_key else None
            if holder is not None and attr in holder.attributes:
                return _Target(
                    label,
                    f"{holder.qualname} also assigns {receiver.value}.{attr} as an instance "
                    "attribute, which hides the method",
                )
        for sub, why in self._index.overriders(cls, attr):
            return _Target(
                label,
                f"the subclass {sub.qualname} (in {sub.module}) {why}, so "
                f"{receiver.value}.{attr}(...) may return no coroutine",
            )
        return judged

    def _method_of_super(self, attr: str) -> _Target | None:
        if not self._functions:
            return None
        method = self._functions[-1]
        owner = self.get_metadata(ParentNodeProvider, method, None)
        if isinstance(owner, cst.IndentedBlock):
            owner = self.get_metadata(ParentNodeProvider, owner, None)
        if not isinstance(owner, cst.ClassDef):
            return None  # zero-argument super() only works directly in a method
        cls = self._class_facts(owner)
        if cls is None:
            return None
        hit = self._index.lookup(cls, attr, after=cls.key)
        if hit is None:
            return None
        return self._judge(hit[1], f"{hit[0].qualname}.{attr}")

    def _binding_param(self, name: cst.Name) -> tuple[cst.FunctionDef, cst.ClassDef] | None:
        """The method whose first parameter ``name`` is, and its class."""
        assignment = self._only_assignment(name)
        if assignment is None:
            return None
        param = assignment.node
        if not isinstance(param, cst.Param):
            return None
        params = self.get_metadata(ParentNodeProvider, param, None)
        method = self.get_metadata(ParentNodeProvider, params, None) if params else None
        if not isinstance(params, cst.Parameters) or not isinstance(method, cst.FunctionDef):
            return None
        positional = [*params.posonly_params, *params.params]
        if not positional or positional[0] is not param:
            return None
        if any(m.matches(d.decorator, m.Name("staticmethod")) for d in method.decorators):
            return None
        block = self.get_metadata(ParentNodeProvider, method, None)
        owner = self.get_metadata(ParentNodeProvider, block, None) if block else None
        if not isinstance(owner, cst.ClassDef):
            return None
        return method, owner

    def _class_facts(self, node: cst.ClassDef) -> ClassFacts | None:
        names = [node.name.value]
        parent = self.get_metadata(ParentNodeProvider, node, None)
        while parent is not None and not isinstance(parent, cst.Module):
            if isinstance(parent, cst.ClassDef):
                names.append(parent.name.value)
            elif isinstance(parent, (cst.FunctionDef, cst.Lambda)):
                return None  # a class defined in a function is not in the tree's facts
            parent = self.get_metadata(ParentNodeProvider, parent, None)
        return self._index.class_of(self._name, ".".join(reversed(names)))

    def _judge(self, func: Func, label: str) -> _Target | None:
        if not func.is_async:
            return None
        extra = [d for d in func.decorators if d not in TRANSPARENT_DECORATORS]
        if extra:
            return _Target(
                label,
                f"{label} is decorated with @{extra[0]}, which may change whether a call "
                "returns a coroutine; check the decorator and await it by hand",
            )
        if func.generator:
            return _Target(
                label,
                f"{label} is an async generator function: its call cannot be awaited; iterate "
                "it with `async for` or remove the call",
            )
        return _Target(label)

    # -- where the call stands -----------------------------------------------------------

    def _in_class_body(self, node: cst.CSTNode, function: cst.FunctionDef) -> bool:
        parent = self.get_metadata(ParentNodeProvider, node, None)
        while parent is not None and parent is not function:
            if isinstance(parent, cst.ClassDef):
                return True
            parent = self.get_metadata(ParentNodeProvider, parent, None)
        return False

    def _no_loop_probe(self, node: cst.Expr) -> cst.Call | None:
        """Directly in ``except RuntimeError:`` of ``try: [loop =] asyncio.get_running_loop()``."""
        chain: list[cst.CSTNode] = []
        parent: cst.CSTNode | None = node
        for _ in range(4):
            parent = self.get_metadata(ParentNodeProvider, parent, None) if parent else None
            if parent is None:
                return None
            chain.append(parent)
        line, block, handler, attempt = chain
        if not (
            isinstance(line, cst.SimpleStatementLine)
            and isinstance(block, cst.IndentedBlock)
            and isinstance(handler, cst.ExceptHandler)
            and isinstance(attempt, cst.Try)
        ):
            return None
        if handler.type is None or not m.matches(handler.type, self.RUNTIME_ERROR):
            return None
        if not self._qualified(handler.type, frozenset({"builtins.RuntimeError"})):
            return None
        body = attempt.body
        # The try holds nothing but the probe: any other RuntimeError could come from
        # code that runs while a loop is running.
        if not isinstance(body, cst.IndentedBlock) or len(body.body) != 1:
            return None
        only = body.body[0]
        if not isinstance(only, cst.SimpleStatementLine) or len(only.body) != 1:
            return None
        small = only.body[0]
        value: cst.BaseExpression | None = None
        if isinstance(small, cst.Expr) or (
            isinstance(small, cst.Assign)
            and len(small.targets) == 1
            and isinstance(small.targets[0].target, cst.Name)
        ):
            value = small.value
        if not (isinstance(value, cst.Call) and not value.args):
            return None
        return value if self._qualified(value.func, GET_RUNNING_LOOP) else None

    def _asyncio_name(self, node: cst.Expr, probe: cst.Call) -> str | None:
        """The name to call ``run`` on; "" when ``import asyncio`` must be added."""
        func = probe.func
        if (
            isinstance(func, cst.Attribute)
            and isinstance(func.value, cst.Name)
            and self._qualified(func.value, frozenset({"asyncio"}))
        ):
            return func.value.value
        scope = self.get_metadata(ScopeProvider, node.value, None)
        if scope is None:
            return None
        assignments = list(scope["asyncio"])
        if not assignments:
            return ""
        if all(
            isinstance(a, ImportAssignment)
            and isinstance(a.node, cst.Import)
            and any(
                alias.evaluated_name == "asyncio" and alias.asname is None for alias in a.node.names
            )
            for a in assignments
        ):
            return "asyncio"
        return None

    def _qualified(self, node: cst.CSTNode, names: frozenset[str]) -> bool:
        found = self.get_metadata(QualifiedNameProvider, node, set())
        return bool(found) and all(q.name in names for q in found)


def _cst_func(module: cst.Module, node: cst.FunctionDef) -> Func:
    finder = _YieldFinder()
    node.body.visit(finder)
    decorators = tuple(module.code_for_node(d.decorator) for d in node.decorators)
    return Func(node.name.value, node.asynchronous is not None, finder.found, decorators)

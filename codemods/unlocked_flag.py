"""Hold the class's lock around a check-then-set of an instance flag (audit 5.5)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

import libcst as cst
import libcst.matchers as m
from libcst.codemod.visitors import AddImportsVisitor
from libcst.metadata import ParentNodeProvider, ProviderT, QualifiedNameProvider

from fixkit.codemod import Codemod, Safety
from fixkit.cstutil import after_super_init, assigned, dotted_name, self_parameter

__all__ = ["UnlockedFlag"]

_SETS_TRUE = re.compile(rb"=[ \t]*True\b")


@dataclass
class _ClassInfo:
    """What a class offers to guard its flags with."""

    locks: dict[str, str] = field(default_factory=dict)
    """Lock attribute name -> "Lock" or "RLock"."""
    methods: dict[str, cst.FunctionDef] = field(default_factory=dict)
    init: cst.FunctionDef | None = None
    slots: bool = False
    attributes: set[str] = field(default_factory=set)
    """Every ``self.<name>`` the class mentions."""
    acquiring: dict[str, set[str]] = field(default_factory=dict)
    """Lock name -> the methods that acquire it (or will, once fixed), directly or not."""
    held: dict[str, set[str]] = field(default_factory=dict)
    """Lock name -> the methods called while it is held, directly or not."""
    new_locks: list[str] = field(default_factory=list)
    """Locks to create in ``__init__`` (option ``add-lock``)."""


class UnlockedFlag(Codemod):
    """Hold a lock around a check-then-set of an instance flag shared by threads.

    ## What it does
    Finds `if not self.<flag>:` (or `if self.<flag> is False:` / `== False`) whose body sets
    `self.<flag> = True`, in a method of a class, in a module that uses threads (it imports
    `threading` or `concurrent.futures`, or the class keeps a `threading` lock). When the
    class already has a lock (`self.<name> = threading.Lock()` or `RLock()` in `__init__`, or
    a class attribute), the whole `if` statement is wrapped in `with self.<name>:`. When it
    has none, the site is reported with the advice to add one; with the option
    `add-lock = true`, a `self._<flag>_lock = threading.Lock()` is added to `__init__` and
    used. Modules without any threading are left alone without a finding.

    ## Why is this bad?
    The check and the set are two steps. Threads that reach the `if` at the same time all
    see the flag unset and all run the body before any of them sets it: the error that
    should be logged once is logged several times, and in general the action the flag
    guards runs more than once.

    ## Example
    ```python
    if not self._connection_error_logged:
        logger.error(f"Redis connection error: {e}")
        self._connection_error_logged = True
    ```

    Use instead:
    ```python
    with self._lock:
        if not self._connection_error_logged:
            logger.error(f"Redis connection error: {e}")
            self._connection_error_logged = True
    ```

    ## Fix safety
    Safe: the code runs as before, one thread at a time. The guarded body now runs with
    the lock held, so other code waiting for the same lock waits while it runs (a log call,
    usually). Sites where holding the lock could deadlock or block are reported and left
    alone: a body that already acquires a non-reentrant `Lock` (directly or through another
    method of the class), an async method (a threading lock would block the event loop), a
    body that `yield`s, an `elif` branch, a class with several locks, and, when adding a
    lock, a class without `__init__`, with `__slots__`, or that already uses the lock's name.
    Checks already inside a `with self.<lock>:` are left alone without a finding.

    ## References
    Audit 5.5 (Redis connection error flag race).
    """

    title = "Hold a lock around a check-then-set of an instance flag"
    audit = ("5.5",)
    safety = Safety.SAFE
    triggers = (b"threading", b"concurrent")

    @classmethod
    def wants(cls, data: bytes) -> bool:
        """Threads, and a flag set to ``True`` somewhere (every site sets one)."""
        return super().wants(data) and _SETS_TRUE.search(data) is not None

    options: ClassVar[Mapping[str, Any]] = {"add-lock": False}

    METADATA_DEPENDENCIES: ClassVar[tuple[ProviderT, ...]] = (
        *Codemod.METADATA_DEPENDENCIES,
        QualifiedNameProvider,
        ParentNodeProvider,
    )

    LOCK_TYPES: ClassVar[Mapping[str, str]] = {
        "threading.Lock": "Lock",
        "threading.RLock": "RLock",
    }
    THREAD_MODULES = frozenset({"threading", "concurrent", "concurrent.futures"})

    def visit_Module(self, node: cst.Module) -> None:
        self._module = node
        self._threaded = any(
            _imported_module(imp) & self.THREAD_MODULES
            for imp in m.findall(node, m.Import() | m.ImportFrom())
            if isinstance(imp, (cst.Import, cst.ImportFrom))
        )
        self._classes: dict[cst.ClassDef, _ClassInfo] = {}

    # -- sites ------------------------------------------------------------------

    def leave_If(self, original_node: cst.If, updated_node: cst.If) -> cst.BaseStatement:
        where = self._method(original_node)
        if where is None:
            return updated_node
        method, klass, withs = where
        me = self_parameter(method)
        flag = _flag(original_node.test, me) if me is not None else None
        if me is None or flag is None or not _sets_true(original_node.body, me, flag):
            return updated_node
        info = self._info(klass)
        if not (self._threaded or info.locks):
            return updated_node  # no threads, no race: not a finding
        guards = {
            item.item.attr.value
            for w in withs
            for item in w.items
            if m.matches(item.item, m.Attribute(value=m.Name(me), attr=m.Name()))
            and isinstance(item.item, cst.Attribute)
        }
        if guards & (set(info.locks) | set(info.new_locks)) or any("lock" in g for g in guards):
            return updated_node  # already checked and set under a lock
        subject = f"check-then-set of {me}.{flag}"
        problem = self._problem(original_node, method, me)
        if problem is not None:
            self.skip(original_node, f"{subject}: {problem}; left alone")
            return updated_node
        lock, problem = self._lock(info, flag)
        if problem is not None:
            self.skip(original_node, f"{subject} is not atomic across threads: {problem}")
            return updated_node
        assert lock is not None
        new = lock not in info.locks
        if new or info.locks[lock] == "Lock":
            problem = self._deadlock(original_node, method, info, me, lock, flag)
            if problem is not None:
                self.skip(original_node, f"{subject}: {problem}; left alone")
                return updated_node
        if new and lock not in info.new_locks:
            info.new_locks.append(lock)
        note = f"a new threading.Lock {me}.{lock} created in __init__" if new else f"{me}.{lock}"
        self.fixed(
            original_node,
            f"{subject} now runs under {note}; the guarded body runs with the lock held",
        )
        return cst.With(
            items=[cst.WithItem(item=cst.Attribute(value=cst.Name(me), attr=cst.Name(lock)))],
            body=cst.IndentedBlock(body=[updated_node.with_changes(leading_lines=())]),
            leading_lines=updated_node.leading_lines,
        )

    def _method(
        self, node: cst.CSTNode
    ) -> tuple[cst.FunctionDef, cst.ClassDef, list[cst.With]] | None:
        """(the method, its class, the ``with`` statements around ``node`` inside it)."""
        withs: list[cst.With] = []
        parent = self.get_metadata(ParentNodeProvider, node, None)
        while parent is not None and not isinstance(parent, (cst.FunctionDef, cst.ClassDef)):
            if isinstance(parent, cst.With):
                withs.append(parent)
            parent = self.get_metadata(ParentNodeProvider, parent, None)
        if not isinstance(parent, cst.FunctionDef):
            return None
        block = self.get_metadata(ParentNodeProvider, parent, None)
        klass = self.get_metadata(ParentNodeProvider, block, None) if block else None
        if not isinstance(klass, cst.ClassDef):
            return None
        return parent, klass, withs

    def _problem(self, node: cst.If, method: cst.FunctionDef, me: str) -> str | None:
        """Why the ``if`` cannot run under a threading lock, or None."""
        if isinstance(self.get_metadata(ParentNodeProvider, node, None), cst.If):
            return "the check is an elif branch and cannot be wrapped in a with block"
        if method.asynchronous is not None:
            return (
                "the method is async and a threading lock would block the event loop "
                "(an asyncio.Lock is needed if several tasks race)"
            )
        if m.findall(node, m.Yield()):
            return "the body yields, and a lock must not be held across a yield"
        return None

    def _lock(self, info: _ClassInfo, flag: str) -> tuple[str | None, str | None]:
        """(the lock attribute to hold, None) or (None, why there is none)."""
        if len(info.locks) == 1:
            return next(iter(info.locks)), None
        if info.locks:
            names = ", ".join(sorted(info.locks))
            return (
                None,
                f"the class has several locks ({names}); cannot tell which one guards it; left alone",
            )
        advice = (
            "the class has no lock: add a threading.Lock in __init__ and hold it around the "
            "check and the set"
        )
        if not self.config.get("add-lock"):
            return None, f"{advice} (or set option add-lock = true); left alone"
        name = f"_{flag.lstrip('_')}_lock"
        if name in info.new_locks:
            return name, None
        if (
            info.init is None
            or not isinstance(info.init.body, cst.IndentedBlock)
            or self_parameter(info.init) is None
        ):
            return None, f"{advice}; the class has no __init__ to create it in; left alone"
        if info.slots:
            return None, f"{advice}; the class declares __slots__; left alone"
        if name in info.attributes:
            return None, f"{advice}; the class already uses the name {name}; left alone"
        return name, None

    def _deadlock(
        self,
        node: cst.If,
        method: cst.FunctionDef,
        info: _ClassInfo,
        me: str,
        lock: str,
        node_flag: str,
    ) -> str | None:
        """Why holding the non-reentrant ``lock`` around ``node`` would deadlock, or None."""
        if _acquires(node, me, lock):
            return f"the body already acquires {me}.{lock}, a non-reentrant Lock (deadlock)"
        acquiring = info.acquiring.get(lock)
        if acquiring is None:
            # A lock fixkit adds is taken by every check-then-set of the same flag.
            checking = {n for n, f in info.methods.items() if _has_site(f, node_flag)}
            acquiring = _acquiring(info.methods, lock, checking)
        for called in _self_calls(node, me):
            if called in acquiring:
                return (
                    f"the body calls {me}.{called}(), which acquires {me}.{lock}, "
                    "a non-reentrant Lock (deadlock)"
                )
        if method.name.value in info.held.get(lock, set()):
            return (
                f"{me}.{method.name.value}() is called with {me}.{lock} held, "
                "a non-reentrant Lock (deadlock)"
            )
        return None

    # -- classes ----------------------------------------------------------------

    def _info(self, klass: cst.ClassDef) -> _ClassInfo:
        if klass in self._classes:
            return self._classes[klass]
        info = _ClassInfo()
        self._classes[klass] = info
        if not isinstance(klass.body, cst.IndentedBlock):
            return info
        for stmt in klass.body.body:
            if isinstance(stmt, cst.FunctionDef):
                info.methods[stmt.name.value] = stmt
                if stmt.name.value == "__init__":
                    info.init = stmt
            elif isinstance(stmt, cst.SimpleStatementLine):
                for small in stmt.body:
                    target, kind = self._lock_binding(small)
                    if isinstance(target, cst.Name) and kind is not None:
                        info.locks[target.value] = kind
                    if isinstance(target, cst.Name) and target.value == "__slots__":
                        info.slots = True
        init_self = self_parameter(info.init) if info.init is not None else None
        if info.init is not None and isinstance(info.init.body, cst.IndentedBlock):
            for stmt in info.init.body.body:
                if not isinstance(stmt, cst.SimpleStatementLine):
                    continue
                for small in stmt.body:
                    target, kind = self._lock_binding(small)
                    if (
                        kind is not None
                        and isinstance(target, cst.Attribute)
                        and m.matches(target.value, m.Name(init_self or ""))
                    ):
                        info.locks[target.attr.value] = kind
        info.attributes = {
            a.attr.value
            for a in m.findall(klass, m.Attribute(value=m.Name(), attr=m.Name()))
            if isinstance(a, cst.Attribute)
        }
        # A method with a check-then-set of its own will take the lock once fixed.
        checking = {name for name, method in info.methods.items() if _has_site(method)}
        for lock in info.locks:
            info.acquiring[lock] = _acquiring(info.methods, lock, checking)
            info.held[lock] = _held(info.methods, lock)
        return info

    def _lock_binding(self, small: cst.CSTNode) -> tuple[cst.BaseExpression | None, str | None]:
        """(the target, "Lock" / "RLock") of ``x = threading.Lock()``; the kind None otherwise."""
        target, value, _ = assigned(small)
        if isinstance(value, cst.Call) and not value.args:
            for name in self.get_metadata(QualifiedNameProvider, value.func, set()):
                if name.name in self.LOCK_TYPES:
                    return target, self.LOCK_TYPES[name.name]
        return target, None

    def leave_ClassDef(
        self, original_node: cst.ClassDef, updated_node: cst.ClassDef
    ) -> cst.ClassDef:
        info = self._classes.get(original_node)
        if info is None or not info.new_locks or info.init is None:
            return updated_node
        block = updated_node.body
        assert isinstance(block, cst.IndentedBlock)
        assert isinstance(original_node.body, cst.IndentedBlock)
        index = original_node.body.body.index(info.init)
        init = block.body[index]
        assert isinstance(init, cst.FunctionDef) and isinstance(init.body, cst.IndentedBlock)
        me = self_parameter(info.init)
        assert me is not None
        stmts = list(init.body.body)
        at = after_super_init(stmts)
        AddImportsVisitor.add_needed_import(self.context, "threading")
        config = self._module.config_for_parsing
        for name in reversed(info.new_locks):
            line = cst.parse_statement(f"{me}.{name} = threading.Lock()\n", config=config)
            stmts.insert(at, line)
        new_init = init.with_changes(body=init.body.with_changes(body=stmts))
        body = [*block.body]
        body[index] = new_init
        return updated_node.with_changes(body=block.with_changes(body=body))


def _imported_module(node: cst.Import | cst.ImportFrom) -> set[str]:
    """The dotted names of the modules an import statement imports from."""
    if isinstance(node, cst.Import):
        return {dotted_name(alias.name) or "" for alias in node.names}
    if node.relative or node.module is None:
        return set()
    return {dotted_name(node.module) or ""}


def _flag(test: cst.BaseExpression, me: str) -> str | None:
    """``flag`` for ``not self.flag``, ``self.flag is False`` or ``self.flag == False``."""
    attribute = m.Attribute(value=m.Name(me), attr=m.Name())
    subject: cst.BaseExpression | None = None
    if m.matches(test, m.UnaryOperation(operator=m.Not(), expression=attribute)):
        assert isinstance(test, cst.UnaryOperation)
        subject = test.expression
    elif m.matches(
        test,
        m.Comparison(
            left=attribute,
            comparisons=[
                m.ComparisonTarget(operator=m.Is() | m.Equal(), comparator=m.Name("False"))
            ],
        ),
    ):
        assert isinstance(test, cst.Comparison)
        subject = test.left
    return subject.attr.value if isinstance(subject, cst.Attribute) else None


def _sets_true(body: cst.BaseSuite, me: str, flag: str) -> bool:
    target = m.Attribute(value=m.Name(me), attr=m.Name(flag))
    true = m.Name("True")
    assign = m.Assign(
        targets=[m.ZeroOrMore(), m.AssignTarget(target=target), m.ZeroOrMore()], value=true
    )
    return bool(m.findall(body, assign) or m.findall(body, m.AnnAssign(target=target, value=true)))


def _acquires(node: cst.CSTNode, me: str, lock: str) -> bool:
    return bool(
        m.findall(node, m.WithItem(item=_lock_attr(me, lock)))
        or m.findall(node, _acquire_call(me, lock))
    )


def _self_calls(node: cst.CSTNode, me: str) -> list[str]:
    """The names of the methods ``node`` calls on ``me``, in order."""
    calls = m.findall(node, m.Call(func=m.Attribute(value=m.Name(me), attr=m.Name())))
    names: list[str] = []
    for call in calls:
        assert isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute)
        if call.func.attr.value not in names:
            names.append(call.func.attr.value)
    return names


def _has_site(method: cst.FunctionDef, only: str | None = None) -> bool:
    """Whether the method has a check-then-set of one of its flags (or of ``only``)."""
    me = self_parameter(method)
    if me is None:
        return False
    for node in m.findall(method, m.If()):
        assert isinstance(node, cst.If)
        flag = _flag(node.test, me)
        if flag is not None and only in (None, flag) and _sets_true(node.body, me, flag):
            return True
    return False


def _held(methods: Mapping[str, cst.FunctionDef], lock: str) -> set[str]:
    """The methods called while ``lock`` is held, directly or through other methods."""
    found: set[str] = set()
    for method in methods.values():
        me = self_parameter(method)
        if me is None:
            continue
        if m.findall(method, _acquire_call(me, lock)):
            found.update(_self_calls(method, me))  # held from acquire() on: assume all calls
        for block in m.findall(
            method,
            m.With(items=[m.ZeroOrMore(), m.WithItem(item=_lock_attr(me, lock)), m.ZeroOrMore()]),
        ):
            assert isinstance(block, cst.With)
            found.update(_self_calls(block.body, me))
    grew = True
    while grew:
        grew = False
        for name in list(found):
            callee = methods.get(name)
            callee_self = self_parameter(callee) if callee is not None else None
            if callee is None or callee_self is None:
                continue
            new = set(_self_calls(callee, callee_self)) - found
            if new:
                found |= new
                grew = True
    return found


def _lock_attr(me: str, lock: str) -> m.Attribute:
    return m.Attribute(value=m.Name(me), attr=m.Name(lock))


def _acquire_call(me: str, lock: str) -> m.Call:
    return m.Call(func=m.Attribute(value=_lock_attr(me, lock), attr=m.Name("acquire")))


def _acquiring(methods: Mapping[str, cst.FunctionDef], lock: str, checking: set[str]) -> set[str]:
    """The methods that acquire ``lock``, directly or by calling one that does."""
    found = set(checking)
    for name, method in methods.items():
        me = self_parameter(method)
        if me is not None and _acquires(method, me, lock):
            found.add(name)
    grew = True
    while grew:
        grew = False
        for name, method in methods.items():
            me = self_parameter(method)
            if name in found or me is None:
                continue
            if any(called in found for called in _self_calls(method, me)):
                found.add(name)
                grew = True
    return found

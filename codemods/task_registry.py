"""Keep a strong reference to fire-and-forget asyncio tasks (audit 1.1)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar

import libcst as cst
import libcst.matchers as m
from libcst.codemod.visitors import AddImportsVisitor
from libcst.metadata import (
    Assignment,
    FunctionScope,
    ParentNodeProvider,
    ProviderT,
    QualifiedNameProvider,
    ScopeProvider,
)

from fixkit.codemod import Codemod, Safety
from fixkit.cstutil import after_imports, after_super_init, assigned, self_parameter

__all__ = ["TaskRegistry"]


@dataclass
class _ClassFrame:
    node: cst.ClassDef
    init_index: int | None = None
    init_self: str = "self"
    registry: str | None = None
    """The name of a task set the class already keeps, if any."""
    problem: str | None = None
    """Why an instance registry cannot be added to this class, if it cannot."""
    needs_registry: bool = False


@dataclass
class _FunctionFrame:
    node: cst.FunctionDef
    fresh_name: str | None = None
    names: set[str] = field(default_factory=set)


_Frame = _ClassFrame | _FunctionFrame


@dataclass(frozen=True)
class _Site:
    """A statement that creates a task the code does not keep."""

    kind: str
    """"expr" (discarded), "chained" (``create_task(...).add_done_callback(...)``), "local"."""
    call: cst.Call
    local: str | None = None


class TaskRegistry(Codemod):
    """Keep a strong reference to every fire-and-forget asyncio task until it finishes.

    ## What it does
    Finds tasks created with `asyncio.create_task(...)`, `asyncio.ensure_future(...)` or
    `loop.create_task(...)` whose result is discarded, or kept only in a local that is used
    afterwards for nothing but `add_done_callback` and `set_name`. It adds the task to a
    registry set and removes it from the set when it is done: an instance set
    `self._background_tasks` (initialised in `__init__`) inside a method of a class that has an
    `__init__`, a module-level `_background_tasks` set everywhere else. A set the class or the
    module already keeps for its tasks is reused. Aliases (`import asyncio as aio`,
    `from asyncio import create_task as ct`) are followed; a loop is a name bound from
    `asyncio.get_running_loop()`, `get_event_loop()` or `new_event_loop()`, or a name or
    attribute called `loop` / `_loop`.

    ## Why is this bad?
    The event loop keeps only a weak reference to its tasks. A task nobody else references
    can be garbage-collected while it is still pending, and then it silently never finishes.
    Nothing can find such tasks to cancel or await them at shutdown either.

    ## Example
    ```python
    loop = asyncio.get_running_loop()
    task = loop.create_task(_async_task(), name=f"risk_analysis_{session_id}")
    task.add_done_callback(_task_done_callback)
    ```

    Use instead:
    ```python
    loop = asyncio.get_running_loop()
    task = loop.create_task(_async_task(), name=f"risk_analysis_{session_id}")
    self._background_tasks.add(task)
    task.add_done_callback(self._background_tasks.discard)
    task.add_done_callback(_task_done_callback)
    ```

    ## Fix safety
    Safe: the task runs exactly as before; it is only referenced until it is done, and the
    done-callbacks the code already adds stay. Tasks that are awaited, returned, gathered,
    stored on an object or in a container, or passed to a call are left alone, and so are tasks
    of an `asyncio.TaskGroup` (or an anyio task group or trio nursery), which holds them.
    Sites fixkit cannot follow are reported and left alone: a receiver that may not be an
    event loop, a class with `__slots__`, several statements on one line, code outside a
    function, a local that is also bound to something else.

    ## References
    Audit 1.1 (fire-and-forget task without resource tracking).
    """

    title = "Keep a reference to fire-and-forget asyncio tasks in a registry"
    audit = ("1.1",)
    safety = Safety.SAFE
    triggers = (b"create_task", b"ensure_future")

    METADATA_DEPENDENCIES: ClassVar[tuple[ProviderT, ...]] = (
        *Codemod.METADATA_DEPENDENCIES,
        QualifiedNameProvider,
        ScopeProvider,
        ParentNodeProvider,
    )

    REGISTRY = "_background_tasks"
    TASK_FUNCTIONS = frozenset(
        {
            "asyncio.create_task",
            "asyncio.ensure_future",
            "asyncio.tasks.create_task",
            "asyncio.tasks.ensure_future",
        }
    )
    LOOP_FACTORIES = frozenset(
        {
            "asyncio.get_running_loop",
            "asyncio.get_event_loop",
            "asyncio.new_event_loop",
            "asyncio.events.get_running_loop",
            "asyncio.events.get_event_loop",
            "asyncio.events.new_event_loop",
        }
    )
    LOOP_NAMES = frozenset({"loop", "_loop"})
    GROUP_FACTORIES = frozenset(
        {
            "asyncio.TaskGroup",
            "asyncio.taskgroups.TaskGroup",
            "anyio.create_task_group",
            "trio.open_nursery",
        }
    )
    GROUP_NAMES = frozenset({"tg", "task_group", "taskgroup", "nursery"})
    #: Uses of a task local that do not keep the task alive.
    HARMLESS_METHODS = frozenset({"add_done_callback", "set_name"})

    CREATE_TASK_ATTR = m.Call(func=m.Attribute(attr=m.Name("create_task")))
    EMPTY_SET = m.Call(func=m.Name("set"), args=[])

    # -- module and frames --------------------------------------------------

    def visit_Module(self, node: cst.Module) -> None:
        self._module = node
        self._frames: list[_Frame] = []
        self._module_needs_registry = False
        self._asyncio_name = "asyncio"
        self._module_registry: str | None = None
        self._module_clash = False
        imported = False
        for stmt in node.body:
            if isinstance(stmt, cst.SimpleStatementLine):
                for small in stmt.body:
                    if isinstance(small, cst.Import) and not imported:
                        for alias in small.names:
                            if m.matches(alias.name, m.Name("asyncio")):
                                imported = True
                                if alias.asname is not None and isinstance(
                                    alias.asname.name, cst.Name
                                ):
                                    self._asyncio_name = alias.asname.name.value
                    name, value, annotation = _binding(small)
                    if name is None:
                        continue
                    if (
                        isinstance(value, cst.Call)
                        and m.matches(value, self.EMPTY_SET)
                        and _looks_like_task_set(name, annotation)
                    ):
                        self._module_registry = self._module_registry or name
                    elif name == self.REGISTRY:
                        self._module_clash = True
        self._asyncio_imported = imported

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        if not self._module_needs_registry or self._module_registry is not None:
            return updated_node
        if not self._asyncio_imported:
            AddImportsVisitor.add_needed_import(self.context, "asyncio")
        AddImportsVisitor.add_needed_import(self.context, "typing", "Any")
        index = after_imports(updated_node.body)
        stmt = self._statement(
            f"{self.REGISTRY}: set[{self._asyncio_name}.Task[Any]] = set()",
            leading=index > 0,
        )
        body = [*updated_node.body[:index], stmt, *updated_node.body[index:]]
        return updated_node.with_changes(body=body)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._frames.append(self._class_frame(node))

    def leave_ClassDef(
        self, original_node: cst.ClassDef, updated_node: cst.ClassDef
    ) -> cst.ClassDef:
        frame = self._frames.pop()
        assert isinstance(frame, _ClassFrame)
        if not frame.needs_registry or frame.registry is not None or frame.init_index is None:
            return updated_node
        block = updated_node.body
        assert isinstance(block, cst.IndentedBlock)
        init = block.body[frame.init_index]
        assert isinstance(init, cst.FunctionDef) and isinstance(init.body, cst.IndentedBlock)
        stmts = list(init.body.body)
        at = after_super_init(stmts)
        if not self._asyncio_imported:
            AddImportsVisitor.add_needed_import(self.context, "asyncio")
        AddImportsVisitor.add_needed_import(self.context, "typing", "Any")
        line = self._statement(
            f"{frame.init_self}.{self.REGISTRY}: set[{self._asyncio_name}.Task[Any]] = set()"
        )
        stmts.insert(at, line)
        new_init = init.with_changes(body=init.body.with_changes(body=stmts))
        new_body = [*block.body]
        new_body[frame.init_index] = new_init
        return updated_node.with_changes(body=block.with_changes(body=new_body))

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._frames.append(_FunctionFrame(node))

    def leave_FunctionDef(
        self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
    ) -> cst.FunctionDef:
        self._frames.pop()
        return updated_node

    def _class_frame(self, node: cst.ClassDef) -> _ClassFrame:
        frame = _ClassFrame(node)
        if not isinstance(node.body, cst.IndentedBlock):
            frame.problem = "the class body is on one line"
            return frame
        for index, stmt in enumerate(node.body.body):
            if isinstance(stmt, cst.FunctionDef) and stmt.name.value == "__init__":
                frame.init_index = index
            if isinstance(stmt, cst.SimpleStatementLine) and any(
                _binding(small)[0] == "__slots__" for small in stmt.body
            ):
                # A new instance attribute would raise AttributeError.
                frame.problem = "the class declares __slots__"
        if frame.init_index is None:
            return frame
        init = node.body.body[frame.init_index]
        assert isinstance(init, cst.FunctionDef)
        if not init.params.params or not isinstance(init.body, cst.IndentedBlock):
            frame.problem = "its __init__ has no self parameter or a one-line body"
            return frame
        frame.init_self = init.params.params[0].name.value
        owner = m.Attribute(value=m.Name(frame.init_self), attr=m.Name())
        for stmt in init.body.body:
            if not isinstance(stmt, cst.SimpleStatementLine):
                continue
            for small in stmt.body:
                target, value, annotation = _attr_binding(small)
                if (
                    target is not None
                    and m.matches(target, owner)
                    and isinstance(value, cst.Call)
                    and m.matches(value, self.EMPTY_SET)
                    and _looks_like_task_set(target.attr.value, annotation)
                ):
                    frame.registry = frame.registry or target.attr.value
        if frame.registry is None and m.findall(
            node, m.Attribute(value=m.Name(), attr=m.Name(self.REGISTRY))
        ):
            # Something else already lives under the name we would use.
            frame.problem = f"the class already uses an attribute named {self.REGISTRY}"
        return frame

    # -- sites ----------------------------------------------------------------

    def leave_SimpleStatementSuite(
        self, original_node: cst.SimpleStatementSuite, updated_node: cst.SimpleStatementSuite
    ) -> cst.SimpleStatementSuite:
        for small in original_node.body:
            site = self._site(small)
            if site is not None and self._receiver_kind(site.call) == "loop":
                self.skip(small, "task created in a one-line block; left alone")
        return updated_node

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine | cst.FlattenSentinel[cst.BaseStatement]:
        sites = [(small, self._site(small)) for small in original_node.body]
        found = [(small, site) for small, site in sites if site is not None]
        if not found:
            return updated_node
        small, site = found[0]
        assert site is not None
        kind = self._receiver_kind(site.call)
        if kind is None:
            return updated_node
        function = self._function()
        local_problem: str | None = None
        if site.kind == "local" and function is not None:
            local_problem = self._local_problem(small, function)
            if local_problem == "":
                return updated_node  # the code keeps the task: nothing to fix
        if kind == "group":
            self.skip(small, "the task group keeps a reference to its tasks; left alone")
            return updated_node
        if kind == "unknown":
            receiver = self._module.code_for_node(_receiver(site.call))
            self.skip(small, f"cannot tell that {receiver} is an event loop; left alone")
            return updated_node
        if len(original_node.body) != 1:
            self.skip(small, "task created on a line with several statements; left alone")
            return updated_node
        if function is None:
            self.skip(small, "task created outside a function; left alone")
            return updated_node
        if local_problem is not None:
            self.skip(small, local_problem)
            return updated_node
        registry, problem = self._registry()
        if problem is not None:
            self.skip(small, problem)
            return updated_node
        return self._rewrite(original_node, updated_node, site, function, registry)

    def _site(self, small: cst.BaseSmallStatement) -> _Site | None:
        if isinstance(small, cst.Expr) and isinstance(small.value, cst.Call):
            call = small.value
            if self._creates_task(call):
                return _Site("expr", call)
            func = call.func
            if (
                isinstance(func, cst.Attribute)
                and func.attr.value in self.HARMLESS_METHODS
                and isinstance(func.value, cst.Call)
                and self._creates_task(func.value)
            ):
                return _Site("chained", func.value)
            return None
        name, value, _ = _binding(small)
        if name is not None and isinstance(value, cst.Call) and self._creates_task(value):
            return _Site("local", value, name)
        return None

    def _creates_task(self, call: cst.Call) -> bool:
        return m.matches(call, self.CREATE_TASK_ATTR) or self._qualified(
            call.func, self.TASK_FUNCTIONS
        )

    def _qualified(self, node: cst.CSTNode, names: frozenset[str]) -> bool:
        found = self.get_metadata(QualifiedNameProvider, node, set())
        return any(q.name in names for q in found)

    def _receiver_kind(self, call: cst.Call) -> str | None:
        """ "loop" for a task the loop only weakly holds, "group", "unknown", or None."""
        if not isinstance(call.func, cst.Attribute) or call.func.attr.value != "create_task":
            return "loop" if self._qualified(call.func, self.TASK_FUNCTIONS) else None
        receiver = call.func.value
        if self._qualified(call.func, self.TASK_FUNCTIONS):
            return "loop"  # asyncio.create_task spelt through a module alias
        if isinstance(receiver, cst.Call) and self._qualified(receiver.func, self.LOOP_FACTORIES):
            return "loop"
        if isinstance(receiver, cst.Attribute) and receiver.attr.value in self.LOOP_NAMES:
            return "loop"
        if isinstance(receiver, cst.Name):
            if receiver.value in self.LOOP_NAMES:
                return "loop"
            if receiver.value in self.GROUP_NAMES:
                return "group"
            values = self._bound_values(receiver)
            if values and all(
                isinstance(v, cst.Call) and self._qualified(v.func, self.LOOP_FACTORIES)
                for v in values
            ):
                return "loop"
            if values and all(
                isinstance(v, cst.Call) and self._qualified(v.func, self.GROUP_FACTORIES)
                for v in values
            ):
                return "group"
        return "unknown"

    def _bound_values(self, name: cst.Name) -> list[cst.BaseExpression | None]:
        """What ``name`` is bound to: assigned values, ``async with X as name`` items."""
        scope = self.get_metadata(ScopeProvider, name, None)
        if scope is None:
            return []
        values: list[cst.BaseExpression | None] = []
        for assignment in scope[name.value]:
            if not isinstance(assignment, Assignment):
                return [None]
            parent = self.get_metadata(ParentNodeProvider, assignment.node, None)
            if isinstance(parent, cst.AssignTarget):
                grand = self.get_metadata(ParentNodeProvider, parent, None)
                values.append(grand.value if isinstance(grand, cst.Assign) else None)
            elif isinstance(parent, cst.AnnAssign):
                values.append(parent.value)
            elif isinstance(parent, cst.AsName):
                item = self.get_metadata(ParentNodeProvider, parent, None)
                values.append(item.item if isinstance(item, cst.WithItem) else None)
            else:
                values.append(None)
        return values

    def _function(self) -> _FunctionFrame | None:
        if self._frames and isinstance(self._frames[-1], _FunctionFrame):
            return self._frames[-1]
        return None

    def _local_problem(self, small: cst.BaseSmallStatement, function: _FunctionFrame) -> str | None:
        """None when the local only holds a task nobody keeps; "" when the code keeps it."""
        target = small.targets[0].target if isinstance(small, cst.Assign) else None
        if isinstance(small, cst.AnnAssign):
            target = small.target
        assert isinstance(target, cst.Name)
        scope = self.get_metadata(ScopeProvider, target, None)
        declared = m.findall(function.node, m.Global() | m.Nonlocal())
        if not isinstance(scope, FunctionScope) or any(
            isinstance(d, (cst.Global, cst.Nonlocal))
            and any(item.name.value == target.value for item in d.names)
            for d in declared
        ):
            # global / nonlocal: the name outlives the call
            return ""
        for assignment in scope.assignments[target.value]:
            if not isinstance(assignment, Assignment):
                return f"the local {target.value} is also bound to something else; left alone"
            for access in assignment.references:
                if not self._harmless_use(access.node):
                    return ""
            holder = self.get_metadata(ParentNodeProvider, assignment.node, None)
            if isinstance(holder, cst.AssignTarget):
                holder = self.get_metadata(ParentNodeProvider, holder, None)
            value = getattr(holder, "value", None)
            if not (isinstance(value, cst.Call) and self._creates_task(value)):
                return f"the local {target.value} is also bound to something else; left alone"
        return None

    def _harmless_use(self, node: cst.CSTNode) -> bool:
        """``task.add_done_callback(...)`` or ``task.set_name(...)`` as a statement."""
        attr = self.get_metadata(ParentNodeProvider, node, None)
        if not (
            isinstance(attr, cst.Attribute)
            and attr.value is node
            and attr.attr.value in self.HARMLESS_METHODS
        ):
            return False
        call = self.get_metadata(ParentNodeProvider, attr, None)
        if not (isinstance(call, cst.Call) and call.func is attr):
            return False
        return isinstance(self.get_metadata(ParentNodeProvider, call, None), cst.Expr)

    def _registry(self) -> tuple[str, str | None]:
        """The registry expression for the current site, or why there can be none."""
        method: _FunctionFrame | None = None
        owner: _ClassFrame | None = None
        inner: list[_FunctionFrame] = []
        for frame in reversed(self._frames):
            if isinstance(frame, _ClassFrame):
                owner = frame
                break
            if method is not None:
                inner.append(method)
            method = frame
        if owner is not None and method is not None and owner.init_index is not None:
            self_name = self_parameter(method.node)
            shadowed = any(
                p.name.value == self_name for f in inner for p in _all_params(f.node.params)
            )
            if self_name is not None and not shadowed:
                if owner.problem is not None:
                    return "", f"cannot add a task registry: {owner.problem}; left alone"
                owner.needs_registry = True
                return f"{self_name}.{owner.registry or self.REGISTRY}", None
        if self._module_registry is not None:
            return self._module_registry, None
        if self._module_clash:
            return "", f"the module already binds {self.REGISTRY} to something else; left alone"
        self._module_needs_registry = True
        return self.REGISTRY, None

    # -- rewriting --------------------------------------------------------

    def _rewrite(
        self,
        original: cst.SimpleStatementLine,
        updated: cst.SimpleStatementLine,
        site: _Site,
        function: _FunctionFrame,
        registry: str,
    ) -> cst.FlattenSentinel[cst.BaseStatement]:
        small = updated.body[0]
        tail: list[cst.BaseStatement] = []
        if site.kind == "local":
            assert site.local is not None
            name = site.local
            first: cst.BaseStatement = updated
        else:
            name = self._fresh_name(function)
            assert isinstance(small, cst.Expr) and isinstance(small.value, cst.Call)
            call = small.value
            if site.kind == "chained":
                assert isinstance(call.func, cst.Attribute)
                method_call = call.with_changes(func=call.func.with_changes(value=cst.Name(name)))
                tail.append(cst.SimpleStatementLine(body=[cst.Expr(method_call)]))
                assert isinstance(call.func.value, cst.Call)
                call = call.func.value
            assign = cst.Assign(targets=[cst.AssignTarget(target=cst.Name(name))], value=call)
            first = updated.with_changes(body=[assign])
        lines: list[cst.BaseStatement] = [first, self._statement(f"{registry}.add({name})")]
        if not self._already_discards(function, name, registry):
            lines.append(self._statement(f"{name}.add_done_callback({registry}.discard)"))
        self.fixed(original, f"fire-and-forget task is now kept in {registry} until it is done")
        return cst.FlattenSentinel([*lines, *tail])

    def _already_discards(self, function: _FunctionFrame, name: str, registry: str) -> bool:
        callback = cst.parse_expression(f"{name}.add_done_callback({registry}.discard)")
        return any(call.deep_equals(callback) for call in m.findall(function.node, m.Call()))

    def _fresh_name(self, function: _FunctionFrame) -> str:
        # One name per function; every name the function mentions is avoided, so the new
        # local can never shadow a global or a closure variable the function reads.
        if function.fresh_name is None:
            taken = {n.value for n in m.findall(function.node, m.Name()) if isinstance(n, cst.Name)}
            candidate, number = "task", 1
            while candidate in taken:
                number += 1
                candidate = f"task_{number}"
            function.fresh_name = candidate
        return function.fresh_name

    def _statement(self, code: str, *, leading: bool = False) -> cst.SimpleStatementLine:
        stmt = cst.parse_statement(code + "\n", config=self._module.config_for_parsing)
        assert isinstance(stmt, cst.SimpleStatementLine)
        if leading:
            stmt = stmt.with_changes(leading_lines=[cst.EmptyLine()])
        return stmt


def _binding(
    small: cst.CSTNode,
) -> tuple[str | None, cst.BaseExpression | None, cst.Annotation | None]:
    """``name = value`` or ``name: annotation = value`` with a single plain name."""
    target, value, annotation = assigned(small)
    if isinstance(target, cst.Name):
        return target.value, value, annotation
    return None, None, None


def _attr_binding(
    small: cst.CSTNode,
) -> tuple[cst.Attribute | None, cst.BaseExpression | None, cst.Annotation | None]:
    target, value, annotation = assigned(small)
    if isinstance(target, cst.Attribute):
        return target, value, annotation
    return None, None, None


def _looks_like_task_set(name: str, annotation: cst.Annotation | None) -> bool:
    # A set is a task registry when its name or its annotation says so.
    if "task" in name.lower():
        return True
    if annotation is None:
        return False
    return bool(m.findall(annotation, m.Name("Task") | m.Attribute(attr=m.Name("Task"))))


def _receiver(call: cst.Call) -> cst.CSTNode:
    return call.func.value if isinstance(call.func, cst.Attribute) else call.func


def _all_params(params: cst.Parameters) -> Sequence[cst.Param]:
    extra = [p for p in (params.star_arg, params.star_kwarg) if isinstance(p, cst.Param)]
    return [*params.posonly_params, *params.params, *params.kwonly_params, *extra]

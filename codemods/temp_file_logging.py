"""Log, instead of raising or swallowing, a failed removal of a temporary file (audit 6.2)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import libcst as cst
import libcst.matchers as m
from libcst.codemod.visitors import AddImportsVisitor
from libcst.metadata import (
    Assignment,
    ParentNodeProvider,
    ProviderT,
    QualifiedNameProvider,
    ScopeProvider,
)

from fixkit.codemod import Codemod, Safety
from fixkit.cstutil import after_imports, assigned

__all__ = ["TempFileLogging"]


class TempFileLogging(Codemod):
    """Remove temporary files in a `try` that logs a failed removal.

    ## What it does
    Rewrites the removal of a temporary file or directory (`os.remove`, `os.unlink`,
    `Path(p).unlink()`, `shutil.rmtree`) that sits in a `finally:` block, or that removes a
    path bound from `tempfile.NamedTemporaryFile(delete=False).name`, `mkstemp()`, `mkdtemp()`
    or `mktemp()`, into a `try` that ignores `FileNotFoundError` and logs any other `OSError`
    as a warning with lazy %-formatting. A preceding `if os.path.exists(p):` check goes (the
    `except FileNotFoundError` replaces it, without the race), and an `except OSError: pass`
    around such a removal becomes the logged warning. The module's logger is used (a module
    level name bound from `logging.getLogger(...)` or `structlog.get_logger()`); when there is
    none, `logger = logging.getLogger(__name__)` is added after the imports.

    ## Why is this bad?
    A removal that fails in a `finally:` raises out of it and hides the exception that was
    being handled; one wrapped in `except OSError: pass` fails silently. Either way leaked
    temporary files accumulate unseen until the disk fills up.

    ## Example
    ```python
    try:
        result = subprocess.run(cmd)
    finally:
        if os.path.exists(temp_file):
            os.remove(temp_file)
    ```

    Use instead:
    ```python
    try:
        result = subprocess.run(cmd)
    finally:
        try:
            os.remove(temp_file)
        except FileNotFoundError:
            pass
        except OSError as exc:
            logger.warning("could not remove temporary file %s: %s", temp_file, exc)
    ```

    ## Fix safety
    Safe: the file is removed as before; a missing file is still not an error, and any other
    failure is logged instead of raised (outside a `finally:`, the code after a failed
    removal of a temporary path now runs instead of being skipped by the exception). Removals already in a `try` that handles `OSError`
    with logging, and removals of non-temporary paths outside `finally`, are left alone.
    Sites fixkit cannot rewrite with certainty are reported and left alone: a path that is
    not a plain name or attribute (it would be evaluated twice), an `except` clause broader
    than `OSError`, an `OSError` handler that does something else, one-line blocks, several
    statements on one line, a module where `logger` names something else.

    ## References
    Audit 6.2 (temporary files may not be removed).
    """

    title = "Log a failed removal of a temporary file instead of raising or swallowing it"
    audit = ("6.2",)
    safety = Safety.SAFE
    triggers = (b"remove", b"unlink", b"rmtree")

    @classmethod
    def wants(cls, data: bytes) -> bool:
        """A removal, and a ``finally:`` or a temporary path (``tempfile`` is imported for one)."""
        return super().wants(data) and (b"finally" in data or b"temp" in data)

    METADATA_DEPENDENCIES: ClassVar[tuple[ProviderT, ...]] = (
        *Codemod.METADATA_DEPENDENCIES,
        QualifiedNameProvider,
        ScopeProvider,
        ParentNodeProvider,
    )

    FILE_REMOVERS = frozenset({"os.remove", "os.unlink"})
    DIR_REMOVERS = frozenset({"shutil.rmtree"})
    PATH_TYPES = frozenset({"pathlib.Path", "pathlib.PosixPath", "pathlib.WindowsPath"})
    EXISTS_FUNCTIONS = frozenset(
        {"os.path.exists", "os.path.lexists", "os.path.isfile", "os.path.isdir"}
    )
    EXISTS_METHODS = frozenset({"exists", "is_file", "is_dir"})
    TEMP_NAME_FACTORIES = frozenset({"tempfile.mkdtemp", "tempfile.mktemp"})
    TEMP_FILE = frozenset({"tempfile.NamedTemporaryFile"})
    MKSTEMP = frozenset({"tempfile.mkstemp"})
    LOGGER_FACTORIES = frozenset(
        {
            "logging.getLogger",
            "structlog.get_logger",
            "structlog.getLogger",
            "structlog.stdlib.get_logger",
        }
    )
    OSERROR_NAMES = frozenset({"OSError", "IOError", "EnvironmentError"})
    OSERROR_SUBCLASSES = frozenset(
        {"FileNotFoundError", "PermissionError", "IsADirectoryError", "NotADirectoryError"}
    )
    BROAD_NAMES = frozenset({"Exception", "BaseException"})
    LOG_METHODS = frozenset(
        {"debug", "info", "warning", "warn", "error", "exception", "critical", "log", "msg"}
    )

    DELETE_FALSE = m.Arg(keyword=m.Name("delete"), value=m.Name("False"))
    PASS_BODY = m.IndentedBlock(
        body=[m.SimpleStatementLine(body=[m.Pass() | m.Expr(value=m.Ellipsis())])]
    )

    # -- module -----------------------------------------------------------------

    def visit_Module(self, node: cst.Module) -> None:
        self._module = node
        self._frames: list[tuple[str, cst.CSTNode]] = []
        self._logger: str | None = None
        self._logger_problem: str | None = None
        self._needs_logger = False
        self._get_logger = "logging.getLogger"
        for stmt in node.body:
            if not isinstance(stmt, cst.SimpleStatementLine):
                continue
            for small in stmt.body:
                if isinstance(small, cst.ImportFrom) and isinstance(small.names, Sequence):
                    for alias in small.names:
                        if (
                            small.module is not None
                            and m.matches(small.module, m.Name("logging"))
                            and m.matches(alias.name, m.Name("getLogger"))
                            and alias.asname is None
                        ):
                            self._get_logger = "getLogger"  # the module's own spelling
                target, value, _ = assigned(small)
                if (
                    self._logger is None
                    and isinstance(target, cst.Name)
                    and isinstance(value, cst.Call)
                    and self._qualified(value.func, self.LOGGER_FACTORIES)
                ):
                    self._logger = target.value
        if self._logger is None and m.findall(node, m.Name("logger")):
            # A new module-level `logger` could shadow or be shadowed by what is there.
            self._logger_problem = "the name logger is already used in this module"
        quotes = [
            s.value.lstrip("rRbBuUfF")[:1]
            for s in m.findall(node, m.SimpleString())
            if isinstance(s, cst.SimpleString)
        ]
        singles, doubles = quotes.count("'"), quotes.count('"')
        self._quote = "'" if singles > doubles else '"'

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        if not self._needs_logger:
            return updated_node
        if self._get_logger == "logging.getLogger":
            AddImportsVisitor.add_needed_import(self.context, "logging")
        index = after_imports(updated_node.body)
        stmt = self._statement(f"logger = {self._get_logger}(__name__)")
        if index > 0:
            stmt = stmt.with_changes(leading_lines=[cst.EmptyLine()])
        return updated_node.with_changes(
            body=[*updated_node.body[:index], stmt, *updated_node.body[index:]]
        )

    # -- where are we -------------------------------------------------------

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._frames.append(("function", node))

    def leave_FunctionDef(
        self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
    ) -> cst.FunctionDef:
        self._frames.pop()
        return updated_node

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._frames.append(("class", node))

    def leave_ClassDef(
        self, original_node: cst.ClassDef, updated_node: cst.ClassDef
    ) -> cst.ClassDef:
        self._frames.pop()
        return updated_node

    def visit_Try(self, node: cst.Try) -> None:
        self._frames.append(("try", node))

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        self._frames.append(("handler", node))

    def leave_ExceptHandler(
        self, original_node: cst.ExceptHandler, updated_node: cst.ExceptHandler
    ) -> cst.ExceptHandler:
        self._frames.pop()
        return updated_node

    def visit_Else(self, node: cst.Else) -> None:
        self._frames.append(("else", node))

    def leave_Else(self, original_node: cst.Else, updated_node: cst.Else) -> cst.Else:
        self._frames.pop()
        return updated_node

    def visit_Finally(self, node: cst.Finally) -> None:
        self._frames.append(("finally", node))

    def leave_Finally(self, original_node: cst.Finally, updated_node: cst.Finally) -> cst.Finally:
        self._frames.pop()
        return updated_node

    def _where(self) -> tuple[bool, cst.Try | None]:
        """(inside a ``finally:``, the innermost ``try`` whose body holds us and catches OSError)."""
        guard: cst.Try | None = None
        inner = ""
        for kind, node in reversed(self._frames):
            if kind in ("function", "class"):
                return False, guard
            if kind == "finally":
                # A try outside the finally cannot stop a removal error from hiding
                # the exception the finally runs for.
                return True, guard
            if kind == "try" and inner not in ("handler", "else", "finally"):
                assert isinstance(node, cst.Try)
                if guard is None and any(self._catches_oserror(h) for h in node.handlers):
                    guard = node
            inner = kind
        return False, guard

    # -- sites ------------------------------------------------------------------

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.BaseStatement:
        removals = [(s, self._removal(s)) for s in original_node.body]
        found = [(s, r) for s, r in removals if r is not None]
        if not found:
            return updated_node
        small, removal = found[0]
        assert removal is not None
        path, what = removal
        in_finally, guard = self._where()
        if not (in_finally or self._is_temp(path)) or guard is not None:
            return updated_node  # not a temporary removal, or the enclosing try decides
        if len(original_node.body) != 1:
            self.skip(small, "removal on a line with several statements; left alone")
            return updated_node
        block = self.get_metadata(ParentNodeProvider, original_node, None)
        holder = self.get_metadata(ParentNodeProvider, block, None) if block else None
        if isinstance(holder, cst.If) and self._exists_guard(holder) is not None:
            return updated_node  # leave_If drops the existence check too
        problem = self._problem(path)
        if problem is not None:
            self.skip(small, problem)
            return updated_node
        body = updated_node.with_changes(leading_lines=[])
        fixed = self._logged_try(body, path, what).with_changes(
            leading_lines=updated_node.leading_lines
        )
        self.fixed(original_node, f"a failed removal of {self._code(path)} is now logged")
        return fixed

    def leave_SimpleStatementSuite(
        self, original_node: cst.SimpleStatementSuite, updated_node: cst.SimpleStatementSuite
    ) -> cst.SimpleStatementSuite:
        parent = self.get_metadata(ParentNodeProvider, original_node, None)
        if isinstance(parent, cst.If) and self._exists_guard(parent) is not None:
            return updated_node
        for small in original_node.body:
            removal = self._removal(small)
            if removal is None:
                continue
            in_finally, guard = self._where()
            if (in_finally or self._is_temp(removal[0])) and guard is None:
                self.skip(small, "removal in a one-line block; left alone")
        return updated_node

    def leave_If(self, original_node: cst.If, updated_node: cst.If) -> cst.BaseStatement:
        found = self._exists_guard(original_node)
        if found is None:
            return updated_node
        path, what = found
        in_finally, guard = self._where()
        if not (in_finally or self._is_temp(path)) or guard is not None:
            return updated_node
        problem = self._problem(path)
        if problem is not None:
            self.skip(original_node, problem)
            return updated_node
        removal = _only_statement(updated_node.body)
        assert removal is not None
        header = (
            updated_node.body.header if isinstance(updated_node.body, cst.IndentedBlock) else None
        )
        fixed = self._logged_try(removal, path, what, header).with_changes(
            leading_lines=updated_node.leading_lines
        )
        self.fixed(
            original_node,
            f"a failed removal of {self._code(path)} is now logged; the existence check is gone",
        )
        return fixed

    def leave_Try(self, original_node: cst.Try, updated_node: cst.Try) -> cst.BaseStatement:
        self._frames.pop()
        inner = _only_statement(original_node.body)
        if inner is None:
            return updated_node
        found: tuple[cst.BaseExpression, str] | None = None
        if isinstance(inner, cst.If):
            found = self._exists_guard(inner)
        elif isinstance(inner, cst.SimpleStatementLine) and len(inner.body) == 1:
            found = self._removal(inner.body[0])
        if found is None or not any(self._catches_oserror(h) for h in original_node.handlers):
            return updated_node
        path, what = found
        in_finally, _ = self._where()
        if not (in_finally or self._is_temp(path)):
            return updated_node
        if any(self._catches_oserror(h) and self._logs(h) for h in original_node.handlers):
            return updated_node  # already logged: nothing to fix
        handler = original_node.handlers[0]
        if (
            len(original_node.handlers) != 1
            or original_node.orelse is not None
            or original_node.finalbody is not None
            or not m.matches(handler.body, self.PASS_BODY)
        ):
            self.skip(
                original_node,
                "the OSError handler around this removal does more than pass; left alone",
            )
            return updated_node
        if not self._only_oserror(handler):
            self.skip(
                original_node,
                "the except clause catches more than OSError; narrowing it could let other errors out; left alone",
            )
            return updated_node
        problem = self._problem(path)
        if problem is not None:
            self.skip(original_node, problem)
            return updated_node
        removal = _only_statement(updated_node.body)
        if isinstance(removal, cst.If):
            removal = _only_statement(removal.body)
        assert removal is not None
        header = (
            updated_node.body.header if isinstance(updated_node.body, cst.IndentedBlock) else None
        )
        fixed = self._logged_try(removal, path, what, header).with_changes(
            leading_lines=updated_node.leading_lines
        )
        self.fixed(original_node, f"a swallowed failure to remove {self._code(path)} is now logged")
        return fixed

    # -- recognising --------------------------------------------------------

    def _qualified(self, node: cst.CSTNode, names: frozenset[str]) -> bool:
        found = self.get_metadata(QualifiedNameProvider, node, set())
        return any(q.name in names for q in found)

    def _removal(self, small: cst.CSTNode) -> tuple[cst.BaseExpression, str] | None:
        """(the removed path, "file" or "directory") for a removal statement."""
        if not (isinstance(small, cst.Expr) and isinstance(small.value, cst.Call)):
            return None
        call = small.value
        positional = [a for a in call.args if a.keyword is None and not a.star]
        if self._qualified(call.func, self.FILE_REMOVERS | self.DIR_REMOVERS):
            # rmtree(..., ignore_errors=True) or with an error callback handles errors already.
            if len(call.args) != 1 or len(positional) != 1:
                return None
            kind = "directory" if self._qualified(call.func, self.DIR_REMOVERS) else "file"
            return positional[0].value, kind
        func = call.func
        if (
            isinstance(func, cst.Attribute)
            and func.attr.value == "unlink"
            and isinstance(func.value, cst.Call)
            and self._qualified(func.value.func, self.PATH_TYPES)
            and len(func.value.args) == 1
            and func.value.args[0].keyword is None
            and not func.value.args[0].star
        ):
            return func.value.args[0].value, "file"
        return None

    def _exists_guard(self, node: cst.If) -> tuple[cst.BaseExpression, str] | None:
        """``if os.path.exists(p): os.remove(p)`` with nothing else: the removal."""
        if node.orelse is not None:
            return None
        inner = _only_statement(node.body)
        smalls: Sequence[cst.BaseSmallStatement] = ()
        if isinstance(inner, cst.SimpleStatementLine):
            smalls = inner.body
        elif isinstance(node.body, cst.SimpleStatementSuite):
            smalls = node.body.body
        if len(smalls) != 1:
            return None
        removal = self._removal(smalls[0])
        if removal is None or not isinstance(node.test, cst.Call):
            return None
        test = node.test
        checked: cst.BaseExpression | None = None
        if self._qualified(test.func, self.EXISTS_FUNCTIONS) and len(test.args) == 1:
            checked = test.args[0].value
        elif (
            isinstance(test.func, cst.Attribute)
            and test.func.attr.value in self.EXISTS_METHODS
            and not test.args
            and isinstance(test.func.value, cst.Call)
            and self._qualified(test.func.value.func, self.PATH_TYPES)
            and len(test.func.value.args) == 1
        ):
            checked = test.func.value.args[0].value
        if checked is None or not checked.deep_equals(removal[0]):
            return None
        return removal

    def _catches_oserror(self, handler: cst.ExceptHandler) -> bool:
        if handler.type is None:
            return True
        names = _handler_names(handler.type)
        return any(n in self.OSERROR_NAMES | self.BROAD_NAMES for n in names)

    def _only_oserror(self, handler: cst.ExceptHandler) -> bool:
        # Narrowing the clause to OSError must not let anything else out that it caught.
        if handler.type is None:
            return False
        names = _handler_names(handler.type)
        return any(n in self.OSERROR_NAMES for n in names) and all(
            n in self.OSERROR_NAMES | self.OSERROR_SUBCLASSES for n in names
        )

    def _logs(self, handler: cst.ExceptHandler) -> bool:
        calls = m.findall(handler.body, m.Call(func=m.Attribute(attr=m.Name())))
        return any(
            isinstance(c, cst.Call)
            and isinstance(c.func, cst.Attribute)
            and c.func.attr.value in self.LOG_METHODS
            for c in calls
        )

    def _is_temp(self, path: cst.BaseExpression) -> bool:
        """True when ``path`` is certainly a temporary file or directory."""
        if isinstance(path, cst.Attribute) and path.attr.value == "name":
            return self._is_temp_handle(path.value)
        if not isinstance(path, cst.Name):
            return False
        bindings = self._bindings(path)
        return bool(bindings) and all(self._temp_value(v, i) for v, i in bindings)

    def _temp_value(self, value: cst.BaseExpression | None, index: int | None) -> bool:
        if isinstance(value, cst.Call) and index is None:
            return self._qualified(value.func, self.TEMP_NAME_FACTORIES)
        if isinstance(value, cst.Call) and index == 1:
            return self._qualified(value.func, self.MKSTEMP)
        if isinstance(value, cst.Subscript) and index is None:
            return (
                isinstance(value.value, cst.Call)
                and self._qualified(value.value.func, self.MKSTEMP)
                and len(value.slice) == 1
                and m.matches(value.slice[0], m.SubscriptElement(m.Index(m.Integer("1"))))
            )
        if isinstance(value, cst.Attribute) and index is None and value.attr.value == "name":
            return self._is_temp_handle(value.value)
        return False

    def _is_temp_handle(self, node: cst.BaseExpression) -> bool:
        """``NamedTemporaryFile(delete=False)`` itself, or a name bound only to one."""
        if isinstance(node, cst.Call):
            return self._qualified(node.func, self.TEMP_FILE) and any(
                m.matches(a, self.DELETE_FALSE) for a in node.args
            )
        if not isinstance(node, cst.Name):
            return False
        bindings = self._bindings(node)
        return bool(bindings) and all(
            i is None and v is not None and self._is_temp_handle(v) and isinstance(v, cst.Call)
            for v, i in bindings
        )

    def _bindings(self, name: cst.Name) -> list[tuple[cst.BaseExpression | None, int | None]]:
        """What ``name`` is bound to: (value, index in a tuple target or None)."""
        scope = self.get_metadata(ScopeProvider, name, None)
        if scope is None:
            return []
        out: list[tuple[cst.BaseExpression | None, int | None]] = []
        for assignment in scope[name.value]:
            if not isinstance(assignment, Assignment):
                return [(None, None)]
            node: cst.CSTNode = assignment.node
            parent = self.get_metadata(ParentNodeProvider, node, None)
            index: int | None = None
            if isinstance(parent, cst.Element):
                tup = self.get_metadata(ParentNodeProvider, parent, None)
                if not isinstance(tup, (cst.Tuple, cst.List)):
                    return [(None, None)]
                index = next(i for i, e in enumerate(tup.elements) if e.value is node)
                node, parent = tup, self.get_metadata(ParentNodeProvider, tup, None)
            if isinstance(parent, cst.AssignTarget):
                assign = self.get_metadata(ParentNodeProvider, parent, None)
                value = assign.value if isinstance(assign, cst.Assign) else None
            elif isinstance(parent, cst.AnnAssign):
                value = parent.value
            elif isinstance(parent, cst.AsName):
                item = self.get_metadata(ParentNodeProvider, parent, None)
                value = item.item if isinstance(item, cst.WithItem) else None
            else:
                value = None
            out.append((value, index))
        return out

    def _problem(self, path: cst.BaseExpression) -> str | None:
        if not _is_plain(path):
            return "the removed path is not a plain name or attribute (it would be evaluated twice); left alone"
        if self._logger is None and self._logger_problem is not None:
            return f"cannot add a logger: {self._logger_problem}; left alone"
        name = self._logger or "logger"
        shadow = m.Param(name=m.Name(name)) | m.AssignTarget(target=m.Name(name))
        for kind, node in self._frames:
            if kind == "function" and m.findall(node, shadow):
                return f"the function binds {name}, which shadows the module logger; left alone"
        return None

    # -- rewriting ------------------------------------------------------------

    def _logged_try(
        self,
        removal: cst.BaseStatement | cst.SimpleStatementSuite,
        path: cst.BaseExpression,
        what: str,
        header: cst.TrailingWhitespace | None = None,
    ) -> cst.Try:
        if self._logger is None:
            self._needs_logger = True
        logger = self._logger or "logger"
        exc = self._fresh_exc()
        q = self._quote
        message = f"{q}could not remove temporary {what} %s: %s{q}"
        indent = self._module.default_indent
        nl = self._module.default_newline
        code = (
            f"try:{nl}{indent}pass{nl}"
            f"except FileNotFoundError:{nl}{indent}pass{nl}"
            f"except OSError as {exc}:{nl}"
            f"{indent}{logger}.warning({message}, {self._code(path)}, {exc}){nl}"
        )
        template = cst.parse_statement(code, config=self._module.config_for_parsing)
        assert isinstance(template, cst.Try) and isinstance(template.body, cst.IndentedBlock)
        if isinstance(removal, cst.SimpleStatementSuite):
            removal = cst.SimpleStatementLine(
                body=[removal.body[0].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)]
            )
        body = template.body.with_changes(body=[removal])
        if header is not None:
            body = body.with_changes(header=header)
        return template.with_changes(body=body)

    def _fresh_exc(self) -> str:
        # `except ... as name` unbinds the name afterwards: never reuse one the code uses.
        scope: cst.CSTNode = self._module
        for kind, node in reversed(self._frames):
            if kind == "function":
                scope = node
                break
        taken = {n.value for n in m.findall(scope, m.Name()) if isinstance(n, cst.Name)}
        candidate, number = "exc", 1
        while candidate in taken:
            number += 1
            candidate = f"exc_{number}"
        return candidate

    def _code(self, node: cst.CSTNode) -> str:
        return self._module.code_for_node(node)

    def _statement(self, code: str) -> cst.SimpleStatementLine:
        stmt = cst.parse_statement(
            code + self._module.default_newline, config=self._module.config_for_parsing
        )
        assert isinstance(stmt, cst.SimpleStatementLine)
        return stmt


def _only_statement(block: cst.BaseSuite) -> cst.BaseStatement | cst.SimpleStatementSuite | None:
    """The one statement of a block; a one-line block (``if c: x``) stands for itself."""
    if isinstance(block, cst.IndentedBlock) and len(block.body) == 1:
        return block.body[0]
    if isinstance(block, cst.SimpleStatementSuite) and len(block.body) == 1:
        return block
    return None


def _handler_names(node: cst.BaseExpression) -> list[str]:
    parts = node.elements if isinstance(node, cst.Tuple) else [cst.Element(node)]
    names = []
    for part in parts:
        value = part.value
        if isinstance(value, cst.Name):
            names.append(value.value)
        elif isinstance(value, cst.Attribute):
            names.append(value.attr.value)
        else:
            names.append("?")
    return names


def _is_plain(node: cst.BaseExpression) -> bool:
    if isinstance(node, cst.Name):
        return True
    return isinstance(node, cst.Attribute) and _is_plain(node.value)

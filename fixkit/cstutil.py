"""Helpers codemods share: matchers, source snippets, insertion points, module names.

Everything here is a pure function of its arguments (or a matcher constant), so a
codemod may use it from ``collect`` as well as from its ``leave_*`` methods. The
module knows nothing of git, the CLI or the runner, and names no codemod.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence

import libcst as cst
import libcst.matchers as m

__all__ = [
    "DOCSTRING",
    "IMPORT_LINE",
    "LINE_LENGTH",
    "SUPER_INIT",
    "absolute_module",
    "after_imports",
    "after_super_init",
    "args_code",
    "assigned",
    "ast_import_map",
    "code_of",
    "dotted_name",
    "first_line",
    "module_name",
    "self_parameter",
    "string_value",
]

#: Generated statements longer than this are split over several lines (black's habit).
LINE_LENGTH = 100

# -- matchers ---------------------------------------------------------------------------

#: A statement line that is only a string: a module, class or function docstring.
DOCSTRING = m.SimpleStatementLine(body=[m.Expr(value=m.SimpleString() | m.ConcatenatedString())])
#: A line with one ``import`` or ``from ... import`` statement.
IMPORT_LINE = m.SimpleStatementLine(body=[m.Import() | m.ImportFrom()])
#: A ``super().__init__(...)`` statement line.
SUPER_INIT = m.SimpleStatementLine(
    body=[
        m.Expr(
            value=m.Call(
                func=m.Attribute(value=m.Call(func=m.Name("super")), attr=m.Name("__init__"))
            )
        )
    ]
)
_TYPE_CHECKING = m.Name("TYPE_CHECKING") | m.Attribute(attr=m.Name("TYPE_CHECKING"))

_EMPTY_MODULE = cst.Module(body=[])


# -- source text ------------------------------------------------------------------------


def code_of(node: cst.CSTNode) -> str:
    """The source code of one node (in the default layout of an empty module)."""
    return _EMPTY_MODULE.code_for_node(node)


def args_code(args: Sequence[cst.Arg]) -> str:
    """The arguments of a call as one string, ``a, b=c``, without a trailing comma."""
    return ", ".join(code_of(a.with_changes(comma=cst.MaybeSentinel.DEFAULT)) for a in args)


def first_line(node: cst.CSTNode) -> str:
    """The first line of a node's code, without the comments and blank lines above it."""
    if isinstance(node, cst.BaseStatement):
        node = node.with_changes(leading_lines=[])
    return code_of(node).strip().splitlines()[0]


def string_value(node: cst.CSTNode | None) -> str | None:
    """The text of a plain (not bytes, not f-) string literal; None for anything else."""
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def dotted_name(node: cst.CSTNode) -> str | None:
    """``a.b.c`` for a chain of names and attributes; None for any other expression."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        head = dotted_name(node.value)
        return f"{head}.{node.attr.value}" if head is not None else None
    return None


# -- statements -------------------------------------------------------------------------


def assigned(
    small: cst.CSTNode,
) -> tuple[cst.BaseExpression | None, cst.BaseExpression | None, cst.Annotation | None]:
    """``(target, value, annotation)`` of ``target = value`` or ``target: annotation = value``.

    The target is None for anything else (a chained assignment, an expression); the value
    is then the node's ``value`` attribute, if it has one.
    """
    if isinstance(small, cst.Assign) and len(small.targets) == 1:
        return small.targets[0].target, small.value, None
    if isinstance(small, cst.AnnAssign):
        return small.target, small.value, small.annotation
    return None, getattr(small, "value", None), None


def self_parameter(function: cst.FunctionDef) -> str | None:
    """The name of a method's first parameter; None for static and class methods."""
    for decorator in function.decorators:
        if m.matches(decorator.decorator, m.Name("staticmethod") | m.Name("classmethod")):
            return None
    params = function.params.posonly_params or function.params.params
    return params[0].name.value if params else None


def after_imports(body: Sequence[cst.CSTNode]) -> int:
    """The index in a module's body just after its leading docstring and imports.

    ``if TYPE_CHECKING:`` blocks and ``try:`` blocks of nothing but imports count as imports.
    """
    index = 1 if body and m.matches(body[0], DOCSTRING) else 0
    at = index
    for position in range(index, len(body)):
        if _is_importish(body[position]):
            at = position + 1
        else:
            break
    return at


def _is_importish(stmt: cst.CSTNode) -> bool:
    if m.matches(stmt, IMPORT_LINE):
        return True
    if isinstance(stmt, cst.If) and m.matches(stmt.test, _TYPE_CHECKING):
        return True
    if isinstance(stmt, cst.Try) and isinstance(stmt.body, cst.IndentedBlock):
        return all(m.matches(s, IMPORT_LINE) for s in stmt.body.body)
    return False


def after_super_init(body: Sequence[cst.CSTNode]) -> int:
    """The index in an ``__init__`` body just after its docstring and ``super().__init__()``."""
    at = 1 if body and m.matches(body[0], DOCSTRING) else 0
    if len(body) > at and m.matches(body[at], SUPER_INIT):
        at += 1
    return at


# -- modules and imports ------------------------------------------------------------------


def module_name(relpath: str) -> tuple[str, bool]:
    """The dotted module name of a relative path, and whether it is a package."""
    name = relpath[:-3] if relpath.endswith(".py") else relpath
    name = name.replace("/", ".")
    if name == "__init__" or name.endswith(".__init__"):
        return name[: -len("__init__")].rstrip("."), True
    return name, False


def absolute_module(module: str, is_package: bool, level: int, target: str | None) -> str:
    """The absolute module ``from <level dots><target> import ...`` names inside ``module``."""
    if level == 0:
        return target or ""
    parts = module.split(".") if module else []
    if not is_package:
        parts = parts[:-1]
    parts = parts[: len(parts) - (level - 1)] if level > 1 else parts
    if target:
        parts.append(target)
    return ".".join(parts)


def ast_import_map(tree: ast.Module, module: str, is_package: bool) -> dict[str, str]:
    """Local name -> absolute dotted target of every top-level import of a module.

    ``import a.b`` binds ``a``; star imports bind nothing fixkit can name.
    """
    found: dict[str, str] = {}
    for stmt in tree.body:
        if isinstance(stmt, ast.Import):
            for alias in stmt.names:
                if alias.asname:
                    found[alias.asname] = alias.name
                else:
                    head = alias.name.split(".")[0]
                    found[head] = head
        elif isinstance(stmt, ast.ImportFrom):
            base = absolute_module(module, is_package, stmt.level, stmt.module)
            for alias in stmt.names:
                if alias.name != "*":
                    found[alias.asname or alias.name] = (
                        f"{base}.{alias.name}" if base else alias.name
                    )
    return found

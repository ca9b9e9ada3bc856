"""The codemod contract: what every remediation declares and how it reports.

A fixkit codemod is a libcst :class:`~libcst.codemod.VisitorBasedCodemodCommand`
with a few class attributes on top. The engine only ever talks to codemods
through this class and the registry, so a codemod never needs to know about
git, the CLI or the runner.
"""

from __future__ import annotations

import ast
import enum
import re
from collections.abc import Callable, Generator, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar, TypeVar, cast

import libcst as cst
from libcst.codemod import CodemodContext, VisitorBasedCodemodCommand
from libcst.metadata import MetadataWrapper, PositionProvider, ProviderT

__all__ = [
    "REQUIRED_HEADINGS",
    "Codemod",
    "Finding",
    "ProjectFiles",
    "Safety",
]

#: The headings every codemod docstring has, in this order (ruff's rule docs).
REQUIRED_HEADINGS = (
    "## What it does",
    "## Why is this bad?",
    "## Example",
    "## Fix safety",
    "## References",
)


class Safety(str, enum.Enum):
    """How freely a codemod's fix may be applied."""

    SAFE = "safe"
    """Applied by default."""
    UNSAFE = "unsafe"
    """Applied only with ``--unsafe``; the commit and PR say what may change."""
    REPORT_ONLY = "report-only"
    """Never changes code; only reports findings."""


@dataclass(frozen=True)
class Finding:
    """One site a codemod looked at: fixed, or declined with a reason."""

    codemod: str
    line: int
    column: int
    message: str
    fixed: bool
    """True when the codemod rewrote the site; False for a skipped finding."""
    end_line: int = 0

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view of the finding."""
        return {
            "codemod": self.codemod,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line or self.line,
            "message": self.message,
            "fixed": self.fixed,
        }


class ProjectFiles:
    """Read-only access to the whole tree, for codemods that need more than one file.

    A codemod that must know something about other files (where a model is
    declared, which base class defines ``__init__``) overrides
    :meth:`Codemod.collect`; the engine calls it once per run with this object.
    One object serves every codemod of a run, so a file is parsed at most once
    (per parser) and :meth:`once` computes a shared fact once.
    """

    def __init__(self, files: Mapping[str, bytes]) -> None:
        self._files = files
        self._cst: dict[str, cst.Module | None] = {}
        self._ast: dict[str, ast.Module | None] = {}
        self._once: dict[Callable[[ProjectFiles], Any], Any] = {}

    def sources(self, *triggers: bytes) -> Iterator[tuple[str, bytes]]:
        """Yield ``(relative path, bytes)`` of the files that contain any trigger."""
        for path, data in self._files.items():
            if not triggers or any(t in data for t in triggers):
                yield path, data

    def modules(self, *triggers: bytes) -> Iterator[tuple[str, cst.Module]]:
        """Yield libcst modules of the files that contain any trigger; unparsable ones are passed over."""
        for path, data in self.sources(*triggers):
            if path not in self._cst:
                try:
                    self._cst[path] = cst.parse_module(data)
                except _UNPARSABLE:
                    self._cst[path] = None
            module = self._cst[path]
            if module is not None:
                yield path, module

    def ast_modules(self, *triggers: bytes) -> Iterator[tuple[str, ast.Module]]:
        """Like :meth:`modules`, with the standard library's much faster :mod:`ast`."""
        for path, data in self.sources(*triggers):
            if path not in self._ast:
                try:
                    self._ast[path] = ast.parse(data)
                except (*_UNPARSABLE, ValueError):
                    self._ast[path] = None
            tree = self._ast[path]
            if tree is not None:
                yield path, tree

    def once(self, fact: Callable[[ProjectFiles], T]) -> T:
        """``fact(self)``, computed once per run however many codemods ask for it."""
        if fact not in self._once:
            self._once[fact] = fact(self)
        return cast(T, self._once[fact])


_UNPARSABLE = (cst.ParserSyntaxError, RecursionError, UnicodeDecodeError, LookupError, SyntaxError)
T = TypeVar("T")


_ID_RE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")


def _id_from_module(module_name: str) -> str:
    return module_name.rsplit(".", 1)[-1].replace("_", "-")


@dataclass
class _Recorder:
    findings: list[Finding] = field(default_factory=list)


class Codemod(VisitorBasedCodemodCommand):
    """Base class of every fixkit codemod.

    Subclasses set :attr:`title`, :attr:`audit`, :attr:`safety` and
    :attr:`triggers`, write the ``leave_*`` methods of a libcst transformer,
    and call :meth:`fixed` for every site they rewrite and :meth:`skip` for
    every site they decline. The id is derived from the module name
    (``codemods/finally_close.py`` is ``finally-close``).
    """

    id: ClassVar[str] = ""
    title: ClassVar[str] = ""
    audit: ClassVar[tuple[str, ...]] = ()
    safety: ClassVar[Safety] = Safety.SAFE
    triggers: ClassVar[tuple[bytes, ...]] = ()
    #: Options a user may set in ``[tool.fixkit.<id>]``, with their defaults.
    options: ClassVar[Mapping[str, Any]] = {}

    METADATA_DEPENDENCIES: ClassVar[tuple[ProviderT, ...]] = (PositionProvider,)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "id" not in cls.__dict__:
            cls.id = _id_from_module(cls.__module__)

    def __init__(
        self,
        context: CodemodContext,
        options: Mapping[str, Any] | None = None,
        project: Any = None,
    ) -> None:
        super().__init__(context)
        merged = dict(self.options)
        merged.update(options or {})
        self.config: dict[str, Any] = merged
        #: Whatever :meth:`collect` returned for this run (None if not overridden).
        self.project = project
        self._recorder = _Recorder()

    # -- contract helpers -------------------------------------------------

    @classmethod
    def doc(cls) -> str:
        """The codemod's docstring, dedented."""
        import inspect

        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def summary(cls) -> str:
        """The first paragraph under ``## What it does``."""
        doc = cls.doc()
        _, _, rest = doc.partition("## What it does")
        para = rest.strip().split("\n\n", 1)[0]
        return " ".join(para.split())

    @classmethod
    def section(cls, heading: str) -> str:
        """The text under one ``## heading`` of the docstring."""
        doc = cls.doc()
        marker = f"## {heading}"
        _, found, rest = doc.partition(marker)
        if not found:
            return ""
        return rest.split("\n## ", 1)[0].strip()

    @classmethod
    def contract_errors(cls) -> list[str]:
        """What this codemod lacks of the contract (empty when it holds)."""
        errors: list[str] = []
        if not _ID_RE.match(cls.id):
            errors.append(f"id {cls.id!r} is not kebab-case")
        if not cls.title or cls.title.endswith("."):
            errors.append("title is missing or ends with a period")
        if not cls.audit:
            errors.append("no audit ids")
        if not isinstance(cls.safety, Safety):
            errors.append("safety is not a Safety")
        if not cls.triggers or not all(isinstance(t, bytes) and t for t in cls.triggers):
            errors.append("triggers must be non-empty bytes")
        doc = cls.doc()
        positions = [doc.find(h) for h in REQUIRED_HEADINGS]
        for heading, pos in zip(REQUIRED_HEADINGS, positions, strict=False):
            if pos < 0:
                errors.append(f"docstring lacks {heading!r}")
        if all(p >= 0 for p in positions) and positions != sorted(positions):
            errors.append("docstring headings are out of order")
        return errors

    @classmethod
    def wants(cls, data: bytes) -> bool:
        """The pre-filter: may this file hold a site? Byte checks only, never a parse.

        True when any trigger occurs in ``data``. A codemod may narrow it with more
        byte checks, as long as it stays True for every file it could change or report.
        """
        return any(t in data for t in cls.triggers)

    @classmethod
    def collect(cls, files: ProjectFiles) -> Any:
        """Gather facts from the whole tree once per run (override when needed).

        The result must be picklable; each instance sees it as :attr:`project`.
        """
        return None

    # -- recording --------------------------------------------------------

    @property
    def findings(self) -> list[Finding]:
        """Everything recorded during the last :meth:`transform_module` call."""
        return self._recorder.findings

    def _position(self, node: cst.CSTNode) -> tuple[int, int, int]:
        try:
            pos = self.get_metadata(PositionProvider, node)
        except KeyError:
            return (0, 0, 0)
        return (pos.start.line, pos.start.column + 1, pos.end.line)

    def fixed(self, node: cst.CSTNode, message: str) -> None:
        """Record that the site at ``node`` (a node of the original tree) was rewritten."""
        line, col, end = self._position(node)
        self._recorder.findings.append(Finding(self.id, line, col, message, True, end))

    def skip(self, node: cst.CSTNode, reason: str) -> None:
        """Record a site this codemod declines, with the reason; the code stays as it is."""
        line, col, end = self._position(node)
        self._recorder.findings.append(Finding(self.id, line, col, reason, False, end))
        self.warn(f"{line}:{col}: {reason}")

    def transform_module(self, tree: cst.Module) -> cst.Module:
        """Run the transform; findings of an earlier call are discarded first."""
        self._recorder = _Recorder()
        return super().transform_module(tree)

    def share_metadata(self, wrapper: MetadataWrapper) -> None:
        """Resolve metadata in ``wrapper`` when transforming ``wrapper.module``.

        The engine hands every codemod that sees the freshly parsed module the same
        wrapper, so position, scope and qualified-name metadata are computed once per
        file, not once per codemod, and the tree is not deep-copied for each of them.
        """
        self._shared_wrapper = wrapper

    @contextmanager
    def _handle_metadata_reference(self, module: cst.Module) -> Generator[cst.Module, None, None]:
        wrapper = getattr(self, "_shared_wrapper", None)
        if wrapper is None or wrapper.module is not module:
            with super()._handle_metadata_reference(module) as tree:
                yield tree
            return
        previous = self.context.wrapper
        with self.resolve(wrapper):
            self.context = replace(self.context, wrapper=wrapper)
            try:
                yield wrapper.module
            finally:
                self.context = replace(self.context, wrapper=previous)

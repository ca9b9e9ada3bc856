"""Small codemods used only by the engine's tests."""

from __future__ import annotations

from typing import Any

import libcst as cst

from fixkit.codemod import Codemod, ProjectFiles, Safety


class RenameFoo(Codemod):
    """Rename ``foo`` to ``bar``; decline ``keep``.

    ## What it does
    Renames the name `foo` to `bar`.

    ## Why is this bad?
    Tests need a codemod.

    ## Example
    ```python
    foo = 1
    ```
    Use instead:
    ```python
    bar = 1
    ```

    ## Fix safety
    Safe.

    ## References
    - Audit 0.1
    """

    id = "rename-foo"
    title = "Rename foo to bar"
    audit = ("0.1",)
    triggers = (b"foo",)

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:
        if original_node.value == "foo":
            self.fixed(original_node, "foo renamed to bar")
            return updated_node.with_changes(value="bar")
        if original_node.value == "keep":
            self.skip(original_node, "keep is kept")
        return updated_node


class BreakCode(Codemod):
    """Produce code that does not compile.

    ## What it does
    Turns `boom` into a `return` at module level.

    ## Why is this bad?
    Tests the verifier.

    ## Example
    `boom`

    ## Fix safety
    Never safe.

    ## References
    - Audit 0.2
    """

    id = "break-code"
    title = "Break the code"
    audit = ("0.2",)
    triggers = (b"boom",)

    def leave_Expr(self, original_node: cst.Expr, updated_node: cst.Expr) -> Any:
        if isinstance(original_node.value, cst.Name) and original_node.value.value == "boom":
            return cst.Return(value=cst.Name("boom"))
        return updated_node


class NotIdempotent(Codemod):
    """Append an underscore to ``grow`` names, every time.

    ## What it does
    Renames names that start with `grow`.

    ## Why is this bad?
    Tests the idempotence check.

    ## Example
    `grow = 1`

    ## Fix safety
    Never safe.

    ## References
    - Audit 0.3
    """

    id = "not-idempotent"
    title = "Grow names"
    audit = ("0.3",)
    triggers = (b"grow",)

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:
        if original_node.value.startswith("grow"):
            return updated_node.with_changes(value=original_node.value + "_")
        return updated_node


class Crashes(Codemod):
    """Raise on every file.

    ## What it does
    Raises.

    ## Why is this bad?
    Tests that a crash is one file's failure.

    ## Example
    `crash`

    ## Fix safety
    n/a

    ## References
    - Audit 0.4
    """

    id = "crashes"
    title = "Crash"
    audit = ("0.4",)
    triggers = (b"crash",)

    def visit_Module(self, node: cst.Module) -> None:
        raise RuntimeError("kaboom")


class CountsModels(Codemod):
    """Rename ``model_count`` to the number of files that declare ``class Model``.

    ## What it does
    Uses the whole tree.

    ## Why is this bad?
    Tests `collect`.

    ## Example
    `model_count`

    ## Fix safety
    Safe.

    ## References
    - Audit 0.5
    """

    id = "counts-models"
    title = "Count models"
    audit = ("0.5",)
    triggers = (b"model_count",)

    @classmethod
    def collect(cls, files: ProjectFiles) -> Any:
        return sum(1 for _ in files.sources(b"class Model"))

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.BaseExpression:
        if original_node.value == "model_count":
            return cst.Integer(str(self.project))
        return updated_node


class RenameQux(Codemod):
    """Rename ``qux`` to ``quux`` (an unsafe fix).

    ## What it does
    Renames `qux`.

    ## Why is this bad?
    Tests unsafe selection.

    ## Example
    `qux`

    ## Fix safety
    Unsafe: tests only.

    ## References
    - Audit 0.6
    """

    id = "rename-qux"
    title = "Rename qux"
    audit = ("0.6",)
    safety = Safety.UNSAFE
    triggers = (b"qux",)

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:
        if original_node.value == "qux":
            self.fixed(original_node, "qux renamed")
            return updated_node.with_changes(value="quux")
        return updated_node


class KillsWorker(Codemod):
    """Kill the process it runs in when a file says ``die``.

    ## What it does
    Ends its worker process.

    ## Why is this bad?
    Tests that a dead worker fails its files, not the run.

    ## Example
    `die`

    ## Fix safety
    n/a

    ## References
    - Audit 0.7
    """

    id = "kills-worker"
    title = "Kill the worker"
    audit = ("0.7",)
    triggers = (b"die", b"foo")

    def visit_Module(self, node: cst.Module) -> None:
        if "die" in node.code:
            import os

            os._exit(3)

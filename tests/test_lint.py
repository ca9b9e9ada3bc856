"""mypy (strict) and ruff hold on fixkit/ and codemods/, so the test command checks them too."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, check=False
    )


def test_mypy_strict() -> None:
    out = _run("mypy", "--no-incremental")
    assert out.returncode == 0, out.stdout + out.stderr


@pytest.mark.parametrize("what", [("check",), ("format", "--check")], ids=["check", "format"])
def test_ruff(what: tuple[str, ...]) -> None:
    out = _run("ruff", *what, "fixkit", "codemods", "tests")
    assert out.returncode == 0, out.stdout + out.stderr

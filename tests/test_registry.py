"""Every codemod keeps the contract; the README's catalogue is what the docstrings say."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from fixkit import registry
from fixkit.catalogue import render, splice
from fixkit.codemod import Codemod, Safety
from fixkit.golden import cases

ROOT = Path(__file__).resolve().parent.parent
BUILTIN = list(registry.builtin_codemods())
CASES = cases(ROOT / "golden")


def test_there_are_builtin_codemods() -> None:
    assert BUILTIN, "no codemod found in fixkit.codemods"


@pytest.mark.parametrize("cls", BUILTIN, ids=lambda c: c.id)
def test_codemod_contract(cls: type[Codemod]) -> None:
    assert cls.contract_errors() == []
    assert cls.id == cls.__module__.rsplit(".", 1)[-1].replace("_", "-")
    assert all(re.fullmatch(r"\d+\.\d+", a) for a in cls.audit), cls.audit
    assert "Use instead:" in cls.section("Example")
    for audit_id in cls.audit:
        assert audit_id in cls.section("References"), f"References does not cite {audit_id}"


@pytest.mark.parametrize("cls", BUILTIN, ids=lambda c: c.id)
def test_golden_cases_change_and_decline(cls: type[Codemod]) -> None:
    mine = [c for c in CASES if c.codemod == cls.id]
    changing = [c for c in mine if c.expected.exists()]
    unchanged = [c for c in mine if not c.expected.exists()]
    if cls.safety is Safety.REPORT_ONLY:
        assert not changing and unchanged
        return
    assert changing, f"{cls.id} has no changing golden case"
    assert unchanged, f"{cls.id} has no unchanged golden case"
    assert len(unchanged) >= len(changing), (
        f"{cls.id}: {len(changing)} changing cases but only {len(unchanged)} that stay unchanged"
    )


def test_golden_folders_name_known_codemods() -> None:
    ids = {c.id for c in registry.all_codemods()}
    assert {c.codemod for c in CASES} <= ids


def test_codemods_package_holds_only_codemods() -> None:
    forbidden = re.compile(
        r"^\s*(import|from)\s+(git|typer|fixkit\.(engine|cli|branches|forge|discovery))\b", re.M
    )
    for path in (ROOT / "codemods").glob("*.py"):
        assert not forbidden.search(path.read_text(encoding="utf-8")), (
            f"{path.name} imports the engine"
        )


def test_readme_catalogue_is_generated() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert splice(readme, render(BUILTIN)) == readme, (
        "README.md's catalogue drifted: run `python -m fixkit.catalogue README.md`"
    )

"""Every golden case: byte-for-byte output, findings, compilable and stable output."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from fixkit.golden import GoldenCase, cases, render_findings, run_case
from fixkit.results import Failed

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
UPDATE = os.environ.get("FIXKIT_UPDATE_GOLDEN") == "1"

ALL_CASES = cases(GOLDEN)


@pytest.mark.parametrize("case", ALL_CASES, ids=[f"{c.codemod}/{c.name}" for c in ALL_CASES])
def test_golden_case(case: GoldenCase) -> None:
    source = case.input.read_bytes()
    report = run_case(case)
    failures = [r for r in report.results if isinstance(r, Failed)]
    assert not failures, f"codemod failed: {failures}"
    findings = render_findings(report)
    if UPDATE:
        if report.final != source:
            case.expected.write_bytes(report.final)
        elif case.expected.exists():
            case.expected.unlink()
        case.findings.write_text(findings, encoding="utf-8", newline="\n")
        return
    expected = case.expected.read_bytes() if case.expected.exists() else source
    assert report.final == expected, "output differs from the golden file"
    if case.findings.exists():
        assert findings == case.findings.read_text(encoding="utf-8")
    if case.expected.exists():
        compile(expected, str(case.expected), "exec", dont_inherit=True)
        again = run_case(case, data=expected)
        assert again.final == expected, "a second run changes the expected output"

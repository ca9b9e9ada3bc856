"""finally-close beyond its golden cases: the contract, CRLF and a quiet second run."""

from __future__ import annotations

from pathlib import Path

from fixkit import registry
from fixkit.golden import cases, run_case

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
CASES = [c for c in cases(GOLDEN) if c.codemod == "finally-close"]


def test_contract_holds() -> None:
    cls = registry.get("finally-close")
    assert cls.contract_errors() == []
    assert cls.audit == ("6.1", "6.8", "1.8")


def test_crlf_case_keeps_every_line_ending() -> None:
    (case,) = [c for c in CASES if c.name == "crlf-file-keeps-line-endings"]
    out = case.expected.read_bytes()
    assert out.count(b"\n") == out.count(b"\r\n") > 0


def test_fixed_output_reports_nothing_on_a_second_run() -> None:
    changing = [c for c in CASES if c.expected.exists()]
    assert len(changing) >= 8
    for case in changing:
        report = run_case(case, data=case.expected.read_bytes())
        assert not report.changed
        findings = [f for r in report.results for f in getattr(r, "findings", ())]
        # Sites closed by this codemod are recognised as closed; only sites it declined remain.
        assert not any(f.fixed for f in findings), case.name
        before = [
            f for r in run_case(case).results for f in getattr(r, "findings", ()) if not f.fixed
        ]
        assert len(findings) == len(before), case.name

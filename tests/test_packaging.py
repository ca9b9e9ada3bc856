"""fixkit.codemods is found from an editable install and from a wheel; no top-level `codemods`."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROBE = (
    "import importlib.util, fixkit.codemods, fixkit.registry as r;"
    "print(fixkit.codemods.__path__[0]);"
    "print(','.join(c.id for c in r.builtin_codemods()));"
    "print(importlib.util.find_spec('codemods'))"
)


def _module_ids() -> str:
    names = sorted(p.stem for p in (ROOT / "codemods").glob("*.py") if not p.stem.startswith("_"))
    return ",".join(n.replace("_", "-") for n in names)


def test_editable_install_finds_every_codemod(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    path, ids, top = out.stdout.splitlines()
    assert Path(path).resolve() == (ROOT / "codemods").resolve()
    assert ids == _module_ids()
    assert top == "None"


def test_wheel_install_finds_every_codemod(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(wheels),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    [wheel] = wheels.glob("fixkit-*.whl")
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    assert (target / "fixkit" / "codemods" / "__init__.py").is_file()
    for package in (ROOT / "fixkit").rglob("__init__.py"):
        assert (target / package.relative_to(ROOT)).is_file(), (
            f"{package.parent.name} is not in the wheel"
        )
    assert not (target / "codemods").exists()
    # Only the wheel's fixkit and the dependencies (site-packages without the editable finder).
    deps = sysconfig.get_paths()["purelib"]
    code = f"import sys; sys.path[:] = [{str(target)!r}, {deps!r}] + [p for p in sys.path if 'site-packages' not in p]; {PROBE}"
    out = subprocess.run(
        [sys.executable, "-S", "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    path, ids, top = out.stdout.splitlines()
    assert Path(path).resolve() == (target / "fixkit" / "codemods").resolve()
    assert ids == _module_ids()
    assert top == "None"

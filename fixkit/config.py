"""``[tool.fixkit]`` in the target's pyproject.toml, merged with the command line."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

__all__ = ["Config", "ConfigError", "find_pyproject", "load_config"]

_KNOWN_KEYS = {
    "select",
    "ignore",
    "exclude",
    "unsafe",
    "jobs",
    "branch-prefix",
    "base",
    "committer-name",
    "committer-email",
}


class ConfigError(Exception):
    """The configuration cannot be read or has a wrong value."""


@dataclass(frozen=True)
class Config:
    """Settings for one run."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    unsafe: bool = False
    jobs: int = 0
    branch_prefix: str = "fixkit/"
    base: str = "HEAD"
    committer_name: str = ""
    committer_email: str = ""
    codemod_options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    source: Path | None = None

    def merged(self, **overrides: Any) -> Config:
        """A copy with the command line's values (those not None) on top."""
        clean = {k: v for k, v in overrides.items() if v is not None}
        return replace(self, **clean)


def find_pyproject(start: Path) -> Path | None:
    """The nearest pyproject.toml at or above ``start`` that has a ``[tool.fixkit]`` table."""
    here = start.resolve()
    if here.is_file():
        here = here.parent
    for folder in (here, *here.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            try:
                data = tomllib.loads(candidate.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
                continue
            if "fixkit" in data.get("tool", {}):
                return candidate
        if (folder / ".git").exists():
            break
    return None


def _str_tuple(table: Mapping[str, Any], key: str, where: Path) -> tuple[str, ...]:
    value = table.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: [tool.fixkit] {key} must be a list of strings")
    return tuple(value)


def load_config(start: Path, known_codemods: set[str] | None = None) -> Config:
    """Read ``[tool.fixkit]`` for a run on ``start``; defaults when there is none."""
    path = find_pyproject(start)
    if path is None:
        return Config()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    table = data["tool"]["fixkit"]
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.fixkit] must be a table")
    options: dict[str, Mapping[str, Any]] = {}
    for key, value in table.items():
        if isinstance(value, dict):
            if known_codemods is not None and key not in known_codemods:
                raise ConfigError(f"{path}: [tool.fixkit.{key}] names no known codemod")
            options[key] = value
        elif key not in _KNOWN_KEYS:
            raise ConfigError(f"{path}: unknown key {key!r} in [tool.fixkit]")
    unsafe = table.get("unsafe", False)
    jobs = table.get("jobs", 0)
    if not isinstance(unsafe, bool):
        raise ConfigError(f"{path}: [tool.fixkit] unsafe must be true or false")
    if not isinstance(jobs, int) or jobs < 0:
        raise ConfigError(f"{path}: [tool.fixkit] jobs must be a whole number")
    strings = {}
    for key in ("branch-prefix", "base", "committer-name", "committer-email"):
        value = table.get(key)
        if value is not None and not isinstance(value, str):
            raise ConfigError(f"{path}: [tool.fixkit] {key} must be a string")
        if value is not None:
            strings[key.replace("-", "_")] = value
    return Config(
        select=_str_tuple(table, "select", path),
        ignore=_str_tuple(table, "ignore", path),
        exclude=_str_tuple(table, "exclude", path),
        unsafe=unsafe,
        jobs=jobs,
        codemod_options=options,
        source=path,
        **strings,
    )

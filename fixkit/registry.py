"""Find every codemod: the built-in catalogue and third-party entry points."""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from importlib.metadata import entry_points
from types import ModuleType

from fixkit.codemod import Codemod

ENTRY_POINT_GROUP = "fixkit.codemods"

__all__ = [
    "ENTRY_POINT_GROUP",
    "RegistryError",
    "all_codemods",
    "builtin_codemods",
    "get",
    "load_module_codemods",
]


class RegistryError(Exception):
    """A codemod module breaks the contract, or an id is unknown."""


def load_module_codemods(module: ModuleType) -> list[type[Codemod]]:
    """The codemod classes a module defines (not the ones it imports)."""
    found = []
    for value in vars(module).values():
        if (
            isinstance(value, type)
            and issubclass(value, Codemod)
            and value is not Codemod
            and value.__module__ == module.__name__
            and not getattr(value, "__abstractmethods__", None)
        ):
            found.append(value)
    return found


def _builtin_modules() -> list[ModuleType]:
    import fixkit.codemods as package

    modules = []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        modules.append(importlib.import_module(f"{package.__name__}.{info.name}"))
    return modules


def _entry_point_modules() -> list[ModuleType]:
    modules = []
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        loaded = ep.load()
        if isinstance(loaded, ModuleType):
            modules.append(loaded)
        else:
            modules.append(importlib.import_module(loaded.__module__))
    return modules


@cache
def all_codemods() -> tuple[type[Codemod], ...]:
    """Every registered codemod, built-in ones first, each in a stable order."""
    result: dict[str, type[Codemod]] = {}
    for module in [*_builtin_modules(), *_entry_point_modules()]:
        for cls in load_module_codemods(module):
            if cls.id in result and result[cls.id] is not cls:
                raise RegistryError(
                    f"two codemods claim the id {cls.id!r}: "
                    f"{result[cls.id].__module__} and {cls.__module__}"
                )
            result[cls.id] = cls
    return tuple(result.values())


def builtin_codemods() -> tuple[type[Codemod], ...]:
    """The codemods that ship with fixkit (in ``fixkit.codemods``)."""
    return tuple(c for c in all_codemods() if c.__module__.startswith("fixkit.codemods."))


def get(codemod_id: str) -> type[Codemod]:
    """The codemod with this id; :class:`RegistryError` names the known ones otherwise."""
    for cls in all_codemods():
        if cls.id == codemod_id:
            return cls
    known = ", ".join(c.id for c in all_codemods())
    raise RegistryError(f"unknown codemod {codemod_id!r} (known: {known})")

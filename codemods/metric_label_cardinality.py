"""Remove per-entity id labels from Prometheus metrics (audit 4.1)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

import libcst as cst
import libcst.matchers as m
from libcst.metadata import (
    Assignment,
    ParentNodeProvider,
    ProviderT,
    QualifiedNameProvider,
    ScopeProvider,
)

from fixkit.codemod import Codemod, ProjectFiles, Safety
from fixkit.cstutil import string_value

__all__ = ["MetricLabelCardinality"]

_UNSAFE_NOTE = "unsafe: the metric's series change, dashboards and alerts on {} break"

#: Module-level names bound to a call (the metrics a module may declare).
_MODULE_BINDING = re.compile(rb"^([A-Za-z_][A-Za-z0-9_]*)\s*(?::[^=\n]+)?=\s*[\w.]+\(", re.M)
#: ``helper("metric_name", ...)``: the metric names a helper call may record.
_HELPER_NAME = re.compile(rb"\w\(\s*([\"'])([A-Za-z_][A-Za-z0-9_]*)\1\s*,")
_WORD = re.compile(rb"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class _Uses:
    """Where, in the whole tree, a metric's name or a helper's metric name occurs."""

    names: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    strings: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass
class _Plan:
    """The label edits of one metric: every one of them, or none."""

    removed: list[str]
    drops: dict[cst.CSTNode, set[int]] = field(default_factory=dict)
    sites: list[cst.Call] = field(default_factory=list)


_N = TypeVar("_N", cst.Arg, cst.BaseElement, cst.BaseDictElement)


class MetricLabelCardinality(Codemod):
    """Remove labels that hold per-entity ids from Prometheus metrics.

    ## What it does
    Finds Prometheus metrics labelled with per-entity values (`session_id`, `student_id`,
    `user_id`, `request_id`, `trace_id`, `email`, any label ending in `_id` or `_uuid`) and
    removes those labels consistently: from the `labelnames` of a
    `prometheus_client.Counter` / `Gauge` / `Histogram` / `Summary` declaration (aliases and
    qualified names are followed) bound to a module-level name, and from every
    `.labels(...)` call of that metric in the module, keyword or positional. For a metrics
    helper called with a label dict, `metrics_counter("name", {"session_id": ..., ...})`,
    the dict's high-cardinality entries are removed from every call of that metric name in
    the module. Options: `labels` (the label names to remove), `pattern` (a regular
    expression over label names, default `_id$|_uuid$`) and `helpers` (the helper function
    names, default `metrics_counter`, `metrics_gauge`, `metrics_histogram`, `record_metric`;
    they are looked for in files that mention `prometheus_client` or `metric`).

    ## Why is this bad?
    Every distinct combination of label values is its own time series, kept in the
    process's memory for as long as it runs and stored by Prometheus. A label that holds a
    session, student or request id creates one series per id: memory grows without bound in
    the application and in Prometheus, and queries over the metric slow down. Truncating
    the id (`session_id[:8]`) does not help.

    ## Example
    ```python
    metrics_counter("interactions_total", {
        "session_id": session_id[:8],
        "student_id": student_id[:8],
        "agent_used": agent_used,
        "status": status,
    })
    ```

    Use instead:
    ```python
    metrics_counter("interactions_total", {
        "agent_used": agent_used,
        "status": status,
    })
    ```

    ## Fix safety
    Unsafe: the fix changes the metric's schema. The series lose the removed labels, so
    dashboards, recording rules and alerts that group or filter by them break, and series
    already stored keep the old labels. Each finding says so. Per-entity detail belongs in
    logs or traces. Sites fixkit cannot change consistently are reported and left alone: a
    metric whose name is used in another module, a metric not bound to a module-level name,
    `.labels(**kwargs)`, positional `.labels(...)` that do not match the declared label
    names, other uses of the metric object (`.remove(...)`, passing it around), a removed
    label value with side effects (a call other than `str()`), a helper call whose metric
    name is not a string literal, and a metric whose labels would all be removed (it would
    become an unlabelled metric of another shape).

    ## References
    Audit 4.1 (Prometheus metrics with high-cardinality labels).
    """

    title = "Remove per-entity id labels from Prometheus metrics"
    audit = ("4.1",)
    safety = Safety.UNSAFE
    triggers = (b"prometheus_client", b"metric")
    options: ClassVar[Mapping[str, Any]] = {
        "labels": ["session_id", "student_id", "user_id", "request_id", "trace_id", "email"],
        "pattern": r"_id$|_uuid$",
        "helpers": ["metrics_counter", "metrics_gauge", "metrics_histogram", "record_metric"],
    }

    METADATA_DEPENDENCIES: ClassVar[tuple[ProviderT, ...]] = (
        *Codemod.METADATA_DEPENDENCIES,
        QualifiedNameProvider,
        ScopeProvider,
        ParentNodeProvider,
    )

    METRIC_TYPES = frozenset(
        f"{module}.{kind}"
        for module in ("prometheus_client", "prometheus_client.metrics")
        for kind in ("Counter", "Gauge", "Histogram", "Summary")
    )
    #: Uses of a metric object that do not name its labels.
    LABEL_FREE_METHODS = frozenset({"clear", "collect", "describe"})

    # -- the whole tree -------------------------------------------------------

    @classmethod
    def collect(cls, files: ProjectFiles) -> _Uses:
        """Which files mention each metric a module declares or a helper records."""
        names: set[bytes] = set()
        strings: set[bytes] = set()
        for _, data in files.sources(*cls.triggers):
            if b"prometheus_client" in data:
                names.update(found.group(1) for found in _MODULE_BINDING.finditer(data))
            strings.update(found.group(2) for found in _HELPER_NAME.finditer(data))
        if not names and not strings:
            return _Uses()
        name_uses: dict[str, list[str]] = {}
        string_uses: dict[str, list[str]] = {}
        for path, data in files.sources(*names, *strings):
            words = set(_WORD.findall(data))
            for word in words & names:
                name_uses.setdefault(word.decode(), []).append(path)
            for word in words & strings:
                if b'"' + word + b'"' in data or b"'" + word + b"'" in data:
                    string_uses.setdefault(word.decode(), []).append(path)
        return _Uses(
            {k: tuple(v) for k, v in name_uses.items()},
            {k: tuple(v) for k, v in string_uses.items()},
        )

    # -- analysis, once per module ----------------------------------------------

    def visit_Module(self, node: cst.Module) -> None:
        self._module = node
        self._labels = frozenset(str(label) for label in self.config["labels"])
        self._pattern = re.compile(str(self.config["pattern"]))
        self._helpers = frozenset(str(helper) for helper in self.config["helpers"])
        self._drops: dict[cst.CSTNode, set[int]] = {}
        self._notes: list[tuple[cst.CSTNode, str, bool]] = []
        uses = self.project if isinstance(self.project, _Uses) else _Uses()
        helper_calls: dict[str, list[tuple[cst.Call, cst.Dict]]] = {}
        for call in _calls(node):
            if self._qualified(call.func, self.METRIC_TYPES):
                self._declaration(call, uses)
                continue
            helper = _helper_dict(call, self._helpers)
            if helper is None:
                continue
            metric, labels = helper
            if not self._high(_dict_keys(labels)):
                continue
            if metric is None:
                self._report(
                    call,
                    "the metric name of this helper call is not a string literal; its other "
                    "calls cannot be found; left alone",
                )
                continue
            helper_calls.setdefault(metric, []).append((call, labels))
        for metric, sites in helper_calls.items():
            self._helper_metric(metric, sites, uses)
        for site, message, fixed in sorted(self._notes, key=lambda n: self._position(n[0])):
            if fixed:
                self.fixed(site, message)
            else:
                self.skip(site, message)

    def _report(self, node: cst.CSTNode, message: str, *, fixed: bool = False) -> None:
        """Record a finding; they are reported in source order once the module is analysed."""
        self._notes.append((node, message, fixed))

    def _high(self, labels: Iterable[str | None]) -> list[str]:
        """The high-cardinality label names among ``labels``, in order."""
        return [
            label
            for label in labels
            if label is not None and (label in self._labels or self._pattern.search(label))
        ]

    def _declaration(self, call: cst.Call, uses: _Uses) -> None:
        collection = _labelnames(call)
        if collection is None:
            return
        names = _literal_names(collection)
        if names is None:
            # Labels computed at run time (a helper's own declaration, say) are not
            # reported; a module-level constant list of them is.
            bound = self._constant(collection)
            high = self._high(_literal_names(bound) or []) if bound is not None else []
            if high:
                code = self._module.code_for_node(collection)
                self._report(
                    call,
                    f"the labelnames come from {code} (high-cardinality: {', '.join(high)}); "
                    "only a literal list in the declaration is rewritten; left alone",
                )
            return
        removed = self._high(names)
        if not removed:
            return
        shown = _phrase(removed)
        if set(removed) == set(names):
            self._report(
                call,
                f"every label of this metric is high-cardinality ({', '.join(removed)}); removing them all "
                "would turn it into an unlabelled metric; left alone",
            )
            return
        target = self._module_binding(call)
        if target is None:
            self._report(
                call,
                f"the metric with {shown} is not bound to a module-level name; its "
                ".labels() calls cannot all be found; left alone",
            )
            return
        name = target.value
        elsewhere = sorted(p for p in uses.names.get(name, ()) if p != self.context.filename)
        if elsewhere:
            self._report(
                call,
                f"{name} is also used in {', '.join(elsewhere)}; its {shown} must be "
                "removed there too; left alone",
            )
            return
        plan = _Plan(removed)
        plan.drops[collection] = {i for i, n in enumerate(names) if n in removed}
        if not self._plan_label_calls(target, names, plan):
            return
        self._drops.update(plan.drops)
        note = _UNSAFE_NOTE.format(", ".join(removed))
        calls = len(plan.sites)
        where = f" and from its {calls} .labels() call{'s' if calls != 1 else ''}" if calls else ""
        self._report(
            call, f"removed high-cardinality {shown} from {name}{where}; {note}", fixed=True
        )
        for site in plan.sites:
            self._report(site, f"removed {shown} from {name}.labels(); {note}", fixed=True)

    def _constant(self, node: cst.BaseExpression) -> cst.BaseExpression | None:
        """The value a name is bound to, when it is bound exactly once."""
        if not isinstance(node, cst.Name):
            return None
        scope = self.get_metadata(ScopeProvider, node, None)
        if scope is None:
            return None
        assignments = list(scope.assignments[node.value])
        if len(assignments) != 1 or not isinstance(assignments[0], Assignment):
            return None
        holder = self.get_metadata(ParentNodeProvider, assignments[0].node, None)
        if isinstance(holder, cst.AssignTarget):
            holder = self.get_metadata(ParentNodeProvider, holder, None)
        return holder.value if isinstance(holder, (cst.Assign, cst.AnnAssign)) else None

    def _module_binding(self, call: cst.Call) -> cst.Name | None:
        """The name the declaration is bound to, if it is the only module-level binding."""
        holder = self.get_metadata(ParentNodeProvider, call)
        target: cst.BaseExpression | None = None
        if isinstance(holder, cst.Assign) and len(holder.targets) == 1:
            target = holder.targets[0].target
        elif isinstance(holder, cst.AnnAssign):
            target = holder.target
        if not isinstance(target, cst.Name):
            return None
        line = self.get_metadata(ParentNodeProvider, holder)
        if not isinstance(self.get_metadata(ParentNodeProvider, line), cst.Module):
            return None
        scope = self.get_metadata(ScopeProvider, target, None)
        if scope is None or len(scope.assignments[target.value]) != 1:
            return None
        return target

    def _plan_label_calls(self, target: cst.Name, labels: list[str], plan: _Plan) -> bool:
        """Add every ``name.labels(...)`` of the module to ``plan``; False when one cannot be."""
        name = target.value
        scope = self.get_metadata(ScopeProvider, target, None)
        assert scope is not None
        shown = _phrase(plan.removed)
        accesses = sorted(
            (a.node for assignment in scope.assignments[name] for a in assignment.references),
            key=self._position,
        )
        for use in accesses:
            attribute = self.get_metadata(ParentNodeProvider, use)
            method: str | None = None
            site: cst.CSTNode | None = None
            if isinstance(attribute, cst.Attribute) and attribute.value is use:
                method = attribute.attr.value
                site = self.get_metadata(ParentNodeProvider, attribute)
            if method in self.LABEL_FREE_METHODS:
                continue
            if method != "labels" or not isinstance(site, cst.Call) or site.func is not attribute:
                what = f"{name}.{method}" if method else name
                self._report(
                    use,
                    f"{what} is used here other than through .labels(); the {shown} "
                    f"of {name} cannot be removed consistently; left alone",
                )
                return False
            problem = self._plan_label_call(site, labels, plan)
            if problem is not None:
                self._report(site, f"{problem}; {name} keeps its {shown}; left alone")
                return False
            plan.sites.append(site)
        return True

    def _plan_label_call(self, site: cst.Call, labels: list[str], plan: _Plan) -> str | None:
        args = list(site.args)
        if any(a.star for a in args):
            return "a .labels() call with *args or **kwargs cannot be followed"
        positional = [a for a in args if a.keyword is None]
        if positional and len(positional) != len(args):
            return "a .labels() call mixes positional and keyword labels"
        if positional and len(positional) != len(labels):
            return (
                f"a .labels() call passes {len(positional)} positional label value(s) for "
                f"{len(labels)} label names; they cannot be mapped"
            )
        drop: set[int] = set()
        for index, arg in enumerate(args):
            label = labels[index] if arg.keyword is None else arg.keyword.value
            if label not in plan.removed:
                continue
            if _has_side_effects(arg.value):
                code = self._module.code_for_node(arg.value)
                return f"the value of label {label} ({code}) may have side effects"
            drop.add(index)
        if drop:
            plan.drops[site] = drop
        return None

    def _helper_metric(
        self, metric: str, sites: list[tuple[cst.Call, cst.Dict]], uses: _Uses
    ) -> None:
        """Remove the high-cardinality entries of every helper call of ``metric``, or none."""
        elsewhere = sorted(p for p in uses.strings.get(metric, ()) if p != self.context.filename)
        first = sites[0][0]
        if elsewhere:
            self._report(
                first,
                f"the metric {metric!r} is also recorded in {', '.join(elsewhere)}; its labels "
                "must change there too; left alone",
            )
            return
        drops: dict[cst.CSTNode, set[int]] = {}
        messages: list[tuple[cst.Call, str]] = []
        for call, labels in sites:
            keys = _dict_keys(labels)
            removed = self._high(keys)
            shown = _phrase(removed)
            if len(removed) == len([k for k in keys if k is not None]) and not any(
                isinstance(e, cst.StarredDictElement) for e in labels.elements
            ):
                self._report(
                    call,
                    f"every label of {metric!r} here is high-cardinality ({', '.join(removed)}); "
                    "removing "
                    "them all would turn it into an unlabelled metric; left alone",
                )
                return
            drop: set[int] = set()
            for index, element in enumerate(labels.elements):
                if not isinstance(element, cst.DictElement) or keys[index] not in removed:
                    continue
                if _has_side_effects(element.value):
                    code = self._module.code_for_node(element.value)
                    self._report(
                        call,
                        f"the value of label {keys[index]} ({code}) may have side effects; "
                        f"{metric!r} keeps its labels; left alone",
                    )
                    return
                drop.add(index)
            drops[labels] = drop
            note = _UNSAFE_NOTE.format(", ".join(removed))
            messages.append((call, f"removed high-cardinality {shown} from {metric!r}; {note}"))
        self._drops.update(drops)
        for call, message in messages:
            self._report(call, message, fixed=True)

    def _qualified(self, node: cst.CSTNode, names: frozenset[str]) -> bool:
        found = self.get_metadata(QualifiedNameProvider, node, set())
        return any(q.name in names for q in found)

    # -- the rewrite ------------------------------------------------------------

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        drop = self._drops.get(original_node)
        if drop is None:
            return updated_node
        return updated_node.with_changes(args=_without(updated_node.args, drop))

    def leave_Dict(self, original_node: cst.Dict, updated_node: cst.Dict) -> cst.Dict:
        drop = self._drops.get(original_node)
        if drop is None:
            return updated_node
        return updated_node.with_changes(elements=_without(updated_node.elements, drop))

    def leave_List(self, original_node: cst.List, updated_node: cst.List) -> cst.List:
        drop = self._drops.get(original_node)
        if drop is None:
            return updated_node
        return updated_node.with_changes(elements=_without(updated_node.elements, drop))

    def leave_Tuple(self, original_node: cst.Tuple, updated_node: cst.Tuple) -> cst.Tuple:
        drop = self._drops.get(original_node)
        if drop is None:
            return updated_node
        elements = _without(updated_node.elements, drop)
        if len(elements) == 1 and not isinstance(elements[0].comma, cst.Comma):
            # ("a") is a string, and prometheus_client would take its letters as labels.
            elements = [elements[0].with_changes(comma=cst.Comma())]
        return updated_node.with_changes(elements=elements)


def _phrase(labels: Sequence[str]) -> str:
    """``label a`` or ``labels a, b``."""
    return f"label{'s' if len(labels) > 1 else ''} {', '.join(labels)}"


def _calls(node: cst.CSTNode) -> list[cst.Call]:
    return [c for c in m.findall(node, m.Call()) if isinstance(c, cst.Call)]


def _literal_names(node: cst.BaseExpression) -> list[str] | None:
    """The strings of a literal list or tuple of strings, or None."""
    if not isinstance(node, (cst.List, cst.Tuple)):
        return None
    names: list[str] = []
    for element in node.elements:
        value = string_value(element.value) if isinstance(element, cst.Element) else None
        if value is None:
            return None
        names.append(value)
    return names


def _labelnames(call: cst.Call) -> cst.BaseExpression | None:
    """The ``labelnames`` argument of a metric declaration, if it has one."""
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == "labelnames":
            return arg.value
    positional = [a for a in call.args if a.keyword is None]
    if any(a.star for a in positional):
        return None
    return positional[2].value if len(positional) > 2 else None


def _helper_dict(call: cst.Call, helpers: frozenset[str]) -> tuple[str | None, cst.Dict] | None:
    """(the metric name, the label dict) of a helper call, or None."""
    func = call.func
    name = func.attr.value if isinstance(func, cst.Attribute) else None
    if isinstance(func, cst.Name):
        name = func.value
    if name not in helpers:
        return None
    dicts = [a.value for a in call.args if isinstance(a.value, cst.Dict) and not a.star]
    if len(dicts) != 1:
        return None
    label_dict = dicts[0]
    assert isinstance(label_dict, cst.Dict)
    first = call.args[0] if call.args else None
    metric = None
    if first is not None and first.keyword is None and not first.star:
        metric = string_value(first.value)
    return metric, label_dict


def _dict_keys(labels: cst.Dict) -> list[str | None]:
    return [
        string_value(e.key) if isinstance(e, cst.DictElement) else None for e in labels.elements
    ]


def _has_side_effects(value: cst.BaseExpression) -> bool:
    """True unless evaluating ``value`` only reads names, slices and calls ``str()``."""
    for node in m.findall(value, m.Call() | m.Await() | m.Yield() | m.NamedExpr()):
        if not (isinstance(node, cst.Call) and m.matches(node.func, m.Name("str"))):
            return True
    return False


def _without(items: Sequence[_N], drop: set[int]) -> list[_N]:
    """``items`` without the indices in ``drop``; the last one keeps the list's final comma."""
    kept = [item for index, item in enumerate(items) if index not in drop]
    if kept and items and len(items) - 1 in drop:
        kept[-1] = kept[-1].with_changes(comma=items[-1].comma)
    return kept

"""Custom checks over checkov's resource graph: resources found by their role in the stack, not by
their address (the tasks' security groups are the ones the ECS service's network_configuration
names, the ALB's are those in aws_lb.security_groups, the roles are those the task definition's
task_role_arn/execution_role_arn name), through variables, outputs, locals and module calls.

checkov (3.3, pinned) runs Python graph checks from its graph registry: a BaseGraphCheck whose
run(graph) returns (passed, failed, unknown) vertices. GraphRoleCheck registers itself there when
checkov imports this folder (--external-checks-dir). A verdict's reason travels to the JSON results
in the entity checkov reports (key TFS_DETAILS), where tfsuite.policy.runner reads it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from checkov.common.checks_infra.registry import get_graph_checks_registry
from checkov.common.graph.checks_infra.base_check import BaseGraphCheck
from checkov.common.models.enums import CheckCategories
from checkov.runner_filter import RunnerFilter

TFS_DETAILS = "__tfs_details__"
PASSED, FAILED = "PASSED", "FAILED"


class Graph:
    """checkov's graph (rustworkx or networkx) as vertices and labelled out-edges."""

    def __init__(self, connector: Any) -> None:
        if hasattr(connector, "weighted_edge_list"):  # rustworkx (checkov's default)
            self.vertices = {index: data for index, data in connector.nodes()}
            edges = [(s, t, (e or {}).get("label", "")) for s, t, e in connector.weighted_edge_list()]
        else:  # networkx
            self.vertices = dict(connector.nodes(data=True))
            edges = [(s, t, (e or {}).get("label", "")) for s, t, e in connector.edges(data=True)]
        self.out: dict[int, list[tuple[str, int]]] = defaultdict(list)
        for source, target, label in edges:
            self.out[source].append((str(label), target))

    def kind(self, index: int) -> str:
        return str(self.vertices[index].get("block_type_", ""))

    def rtype(self, index: int) -> str:
        return str(self.vertices[index].get("resource_type", ""))

    def address(self, index: int) -> str:
        vertex = self.vertices[index]
        prefix = "data." if self.kind(index) == "data" else ""
        return str(vertex.get("__address__") or f"{prefix}{vertex.get('block_name_', '?')}")

    def of_type(self, *types: str, kind: str = "resource") -> list[int]:
        return [i for i in self.vertices if self.kind(i) == kind and self.rtype(i) in types]

    def refs(self, index: int, attribute: str) -> set[int]:
        """The resources and data sources an attribute of a vertex refers to, followed through
        variables (to the module call's argument), outputs, locals and module calls."""
        found: set[int] = set()
        todo = [t for label, t in self.out[index] if label == attribute or label.startswith(attribute + ".")]
        seen: set[int] = set()
        while todo:
            current = todo.pop()
            if current in seen or len(seen) > 2000:
                continue
            seen.add(current)
            kind = self.kind(current)
            if kind in ("resource", "data"):
                found.add(current)
            elif kind == "variable":
                name = str(self.vertices[current].get("block_name_", ""))
                for _, module in self.out[current]:
                    if self.kind(module) == "module":
                        todo += [t for lab, t in self.out[module] if lab == name or lab.startswith(name + ".")]
            elif kind in ("output", "locals"):
                todo += [t for _, t in self.out[current]]
        return found

    def value(self, index: int, attribute: str) -> Any:
        return self.vertices[index].get(attribute)


def values(value: Any) -> list:
    if value is None:
        return []
    if isinstance(value, list):
        return [v for item in value for v in values(item)]
    return [value]


def nested(graph: Graph, index: int, block: str) -> list[dict]:
    """The instances of a nested block (ingress, load_balancer, ...) as rendered dicts."""
    return [b for b in values(graph.value(index, block)) if isinstance(b, dict)]


def alb_security_groups(graph: Graph) -> set[int]:
    albs = [i for i in graph.of_type("aws_lb", "aws_alb")
            if str(graph.value(i, "load_balancer_type") or "application") == "application"]
    return {sg for alb in albs for sg in graph.refs(alb, "security_groups") if graph.rtype(sg) == "aws_security_group"}


def task_security_groups(graph: Graph, service: int) -> set[int]:
    return {sg for sg in graph.refs(service, "network_configuration.security_groups")
            if graph.rtype(sg) == "aws_security_group"}


class GraphRoleCheck(BaseGraphCheck):
    """Subclasses set id, name, category and judge(graph) -> [(vertex, PASSED|FAILED, reason)]."""

    def __init__(self, *, id: str, name: str, category: CheckCategories) -> None:  # noqa: A002 (checkov's word)
        super().__init__()
        self.id = id
        self.name = name
        self.category = category.value
        self.frameworks = ["terraform"]

    def judge(self, graph: Graph) -> Iterable[tuple[int, str, str]]:
        raise NotImplementedError

    def run(self, graph_connector: Any):
        graph = Graph(graph_connector)
        verdicts: dict[int, tuple[str, list[str]]] = {}
        for index, result, reason in self.judge(graph):
            current, reasons = verdicts.get(index, (PASSED, []))
            verdicts[index] = (FAILED if FAILED in (current, result) else PASSED,
                               reasons + ([reason] if reason and result == FAILED else []))
        passed, failed = [], []
        for index, (result, reasons) in verdicts.items():
            vertex = dict(graph.vertices[index])
            config = dict(vertex.get("config_") or {})
            config[TFS_DETAILS] = reasons
            vertex["config_"] = config
            (failed if result == FAILED else passed).append(vertex)
        return passed, failed, []

    def register(self) -> GraphRoleCheck:
        registry = get_graph_checks_registry("terraform")
        if not any(c.id == self.id for c in registry.checks):
            RunnerFilter.notify_external_check(self.id)
            registry.checks.append(self)
        return self

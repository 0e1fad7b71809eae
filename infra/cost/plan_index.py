"""A plan read for pricing: its resources by URN, references between them, and each one's tier."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

# The tiers of infra/__main__.py, by the component that declares a resource.
TIERS = {
    "Network": "network",
    "SecurityGroups": "network",
    "Database": "data",
    "Cache": "data",
    "Broker": "data",
    "SearchDomain": "data",
    "GeneratedSecret": "data",
    "Registry": "delivery",
    "Cluster": "services",
    "AppService": "services",
    "LoadBalancer": "services",
    "WebFirewall": "services",
    "Bastion": "operations",
    "Notifications": "operations",
    "Alarms": "monitoring",
    "ScheduledChecks": "monitoring",
    "Grafana": "monitoring",
    "MetricsStore": "monitoring",
}
TIER_ORDER = ("network", "data", "delivery", "services", "operations", "monitoring", "other")
_REFERENCE = re.compile(r"^\$\{(urn:pulumi:[^}]*)\.([A-Za-z0-9_.\[\]]+)\}$")


@dataclass(frozen=True)
class Resource:
    urn: str
    name: str
    type: str
    inputs: dict[str, Any]

    @property
    def tier(self) -> str:
        """The tier of the outermost component in the URN's type chain (`postings:infra:Database$...`)."""
        chain = self.urn.split("::")[2].split("$")
        for token in chain:
            if token.startswith("postings:infra:"):
                return TIERS.get(token.rsplit(":", 1)[-1], "other")
        return "other"


class PlanIndex:
    """The custom resources of a plan (`infra rehearse --json`), looked up by URN and by type."""

    def __init__(self, plan: dict[str, Any]) -> None:
        self.stack = str(plan.get("stack", ""))
        self.config: dict[str, str] = dict(plan.get("config", {}))
        self.region = self.config.get("aws:region", "us-east-1")
        self.resources = [
            Resource(urn=r["urn"], name=r["name"], type=r["type"], inputs=r.get("inputs", {}))
            for r in plan.get("resources", [])
            if r.get("custom", True)
        ]
        self._by_urn = {r.urn: r for r in self.resources}

    def referenced(self, value: Any) -> Resource | None:
        """The resource a `${urn.property}` reference points at, or None for a literal."""
        if not isinstance(value, str):
            return None
        match = _REFERENCE.match(value)
        return self._by_urn.get(match.group(1)) if match else None

    def of_type(self, type_token: str) -> list[Resource]:
        return [r for r in self.resources if r.type == type_token]

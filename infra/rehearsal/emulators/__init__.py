"""Every emulator module, imported once so its type tokens and invokes are registered."""

from infra.rehearsal.emulators import (
    compute,
    data,
    edge,
    monitoring,
    network,
    observability,
    providers,
    storage,
)

__all__ = ["compute", "data", "edge", "monitoring", "network", "observability", "providers", "storage"]

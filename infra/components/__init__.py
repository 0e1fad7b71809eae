"""One ComponentResource per AWS concern; `infra/__main__.py` wires them together."""

"""One module per AWS service, each declaring its types' specs, rules and invokes; all imported here once."""

import importlib
import pkgutil

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")

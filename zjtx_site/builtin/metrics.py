"""Built-in plugin: the derived figures of rules.md (zjtx_site.metrics)."""

from ..hookspecs import hookimpl
from ..metrics import REGISTRY


@hookimpl
def zjtx_register_metrics(register):
    for name in sorted(REGISTRY):
        register(REGISTRY[name])

"""Built-in plugin: the derived figures of rules.md (zjtx_site.scoring.metrics)."""

from zjtx_site.scoring.hookspecs import hookimpl
from zjtx_site.scoring.metrics import REGISTRY


@hookimpl
def zjtx_register_metrics(register):
    for name in sorted(REGISTRY):
        register(REGISTRY[name])

"""Built-in plugin: the national tier rule sets (rulesets/*.yaml)."""

from zjtx_site.scoring.hookspecs import hookimpl
from zjtx_site.scoring.rules import builtin_ruleset_files


@hookimpl
def zjtx_register_rulesets(register):
    for f in builtin_ruleset_files():
        register(f)

"""The tool's own YAML data (rule sets, bands, grading, plans): parsed fast, once.

These files are the project's data, not staff input (that goes through
intake, with line numbers for every problem). They are parsed with ruamel's
C loader (libyaml: about 4× the speed of the pure-Python parser, and the
same values for every file of scoring/data/) and cached by their text, so
registering a rule set and building the engine from it parse it once. Callers
share the parsed value: they read it and never change it.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from ruamel.yaml import YAML


@lru_cache(maxsize=64)
def load_data(text: str) -> Any:
    return YAML(typ="safe").load(text)    # the C loader when ruamel.yaml.clib is installed

"""The Jinja2 environment: project templates first, then the built-in ones."""

from __future__ import annotations

import hashlib
from importlib import resources
from pathlib import Path

import jinja2

from zjtx_site.render.escape import finalize, front_matter


def environment(project: Path) -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = []
    own = project / "templates"
    if own.is_dir():
        # like mkdocs-material's overrides: a file of the same name wins
        loaders.append(jinja2.FileSystemLoader(str(own)))
    loaders.append(jinja2.PackageLoader("zjtx_site.render", "templates"))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,
        autoescape=False,          # Markdown out; every value is escaped by finalize
        finalize=finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    # ``title: {{ name | front_matter }}``: a quoted YAML scalar, safe whatever the name
    env.filters["front_matter"] = front_matter
    return env


def template_digest(env: jinja2.Environment, names: list[str]) -> str:
    """A hash of the template sources in use, so a template change re-renders."""
    h = hashlib.sha256()
    for name in sorted(names):
        # environment() always sets a loader; a hand-made one without it has no templates to hash
        assert env.loader is not None
        source, _, _ = env.loader.get_source(env, name)
        h.update(name.encode() + b"\0" + source.encode("utf-8") + b"\0")
    return h.hexdigest()


def builtin_template_names() -> list[str]:
    folder = resources.files("zjtx_site.render").joinpath("templates")
    return sorted(f.name for f in folder.iterdir() if f.name.endswith(".j2"))

"""One mkdocs build, in this process: ``python -m zjtx_site.website.mkdocs_run CONFIG [--dirty]``.

What ``mkdocs build --strict [--dirty]`` does, with two differences. mkdocs
logs its caution about ``--dirty`` as a warning, so a strict dirty build
always aborts; :mod:`.engines` asks for a dirty build only when nothing but
page contents changed, and that one warning is dropped here (every other
warning still aborts). And the theme's end-of-life banner, printed only under
mkdocs' own command line, is shown by ``zjtx`` itself, once per build.
"""

from __future__ import annotations

import logging
import sys

DIRTY_CAUTION = "A 'dirty' build is being performed"


class _DropDirtyCaution(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith(DIRTY_CAUTION)


def main(argv: list[str]) -> int:
    config_file, dirty = argv[0], "--dirty" in argv[1:]
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    log = logging.getLogger("mkdocs")
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
    logging.getLogger("mkdocs.commands.build").addFilter(_DropDirtyCaution())

    from mkdocs import config, exceptions
    from mkdocs.commands import build

    try:
        cfg = config.load_config(config_file=config_file, strict=True)
        cfg.plugins.on_startup(command="build", dirty=dirty)
        try:
            build.build(cfg, dirty=dirty)
        finally:
            cfg.plugins.on_shutdown()
    except exceptions.Abort as exc:
        print(str(exc.message), file=sys.stderr)
        return 1
    except exceptions.MkDocsException as exc:
        print(f"ERROR   -  {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

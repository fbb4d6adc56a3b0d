"""``python -m zjtx_site``: the ``zjtx`` command without the console script."""

import sys

from zjtx_site.cli import main

# guarded: a process pool started with "spawn" (Windows, macOS) imports the
# main module again in each worker, as __mp_main__
if __name__ == "__main__":
    sys.exit(main())

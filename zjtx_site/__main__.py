"""``python -m zjtx_site``: the ``zjtx`` command without the console script."""

import sys

from zjtx_site.cli import main

sys.exit(main())

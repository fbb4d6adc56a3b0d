"""The face of the tool: argument parsing, printed messages and exit codes.

Only this wing turns library errors into Chinese messages and exit codes.
Commands import what they need inside their functions, so that ``zjtx
--help`` starts fast and a broken plugin never breaks commands that do not
load plugins.
"""

from zjtx_site.cli.main import main

__all__ = ["main"]

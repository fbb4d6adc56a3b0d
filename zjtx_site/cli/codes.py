"""Exit codes of the ``zjtx`` command, documented in the README (section 退出码与项目锁)."""

OK = 0
FAILED = 1          # check found errors, or a build failed: content/ and site/ unchanged
USAGE = 2           # a wrong argument or a refused request (publish's checks, import's target exists...)
INCOMPLETE = 3      # build/score --keep-going finished, but skipped files or results marked 评分不完整
LOCKED = 4          # another zjtx process holds the project lock (its pid is named)
INTERRUPTED = 130   # Ctrl-C

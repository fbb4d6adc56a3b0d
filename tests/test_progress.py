"""Progress lines: quiet for the first 10 seconds and off a terminal; then every
stage's line, with the time so far and an estimate for counted stages."""

from __future__ import annotations

import io

from zjtx_site.cli.progress import Progress


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_quiet_when_not_a_terminal():
    out = io.StringIO()
    p = Progress(out, delay=0)
    p("已评分 10/100")
    p.flush()
    p.close()
    assert out.getvalue() == ""


def test_a_short_build_stays_quiet():
    out, clock = Terminal(), Clock()
    p = Progress(out, clock=clock, delay=10)
    p("已校验 3 个文件")
    clock.now = 4
    p("网站构建完成")
    p.close()
    assert out.getvalue() == ""


def test_a_long_build_shows_every_stage_with_an_estimate():
    out, clock = Terminal(), Clock()
    p = Progress(out, clock=clock, delay=10)
    p("已校验 1000 个文件，1000 个有效")
    clock.now = 2
    p("已评分 200/1000")
    clock.now = 6
    p("已评分 400/1000")            # 200 in 4 s: 600 more in 12 s
    p.flush()                        # the timer at 10 s
    clock.now = 12
    p("已评分 1000 份")
    p.close()
    lines = out.getvalue().splitlines()
    assert [ln.split("] ", 1)[1] for ln in lines] == [
        "已校验 1000 个文件，1000 个有效", "已评分 200/1000", "已评分 400/1000，预计还需 12 秒", "已评分 1000 份"]
    assert lines[-1].startswith("[   12 秒]")

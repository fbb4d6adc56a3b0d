"""Charts drawn on several processes are byte-identical to charts drawn in one."""

from fractions import Fraction

from zjtx_site.render import charts
from zjtx_site.render.pages import Chart
from zjtx_site.website import drawing
from zjtx_site.website.writer import Writer

LABELS = ["专业化", "精细化", "特色化", "创新能力", "产业链配套", "主导产品所属领域"]


def _queue(w, n):
    for i in range(n):
        w.write(Chart(path=f"c/{i}.svg", key=f"k{i}", kind="radar", args=(LABELS, [
            Fraction(10 * (i % 10)), Fraction(50), Fraction(i), Fraction(99), Fraction(1, 3), Fraction(100)])))


def test_parallel_charts_equal_serial_ones(tmp_path, monkeypatch):
    w = Writer(tmp_path / "a", tmp_path / "prev", {})
    _queue(w, 20)                      # ≥ 16 jobs: drawn on a process pool when cores allow
    monkeypatch.setattr(drawing.os, "cpu_count", lambda: 2)
    w.draw_charts(lambda s: None)
    for i in range(20):
        serial = charts.radar(LABELS, [Fraction(10 * (i % 10)), Fraction(50), Fraction(i),
                                       Fraction(99), Fraction(1, 3), Fraction(100)])
        assert (tmp_path / "a" / "c" / f"{i}.svg").read_bytes() == serial
    assert w.rendered == 20 and not w.charts

"""Registry grading throughput and memory (issues 6 and 11).

Generates a registry CSV of N rows (default 400,000) in a temporary folder —
Chinese headers, valid credit codes, revenues spread over every band
(thousands separators and full-width digits in some rows), field cells with
codes, labels and the official names of 中国制造2025 and the standard
(先进轨道交通装备, 农业装备, ...), names and notes that start with = + - @
(CSV injection), and a few bad rows — then runs ``zjtx classify`` on it in a
child process, so that the peak resident memory measured
(``getrusage(RUSAGE_CHILDREN).ru_maxrss``) is the grading's own and not
this generator's. Checks that every official name was graded and that no
output cell starts with a formula character. Runs N/10 rows first, as the
baseline of the same run: memory must stay flat (peak ratio near 1).
Prints rows/s, seconds and peak MB.
Target: under 15 s and under 200 MB on one core.

Run: .venv/bin/python benchmarks/classify_bench.py [N]
"""

from __future__ import annotations

import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from zjtx_site.excel.classify import FORMULA_START  # noqa: E402
from zjtx_site.intake.creditcode import CHARSET, check_char  # noqa: E402
from zjtx_site.intake.schema import MIC_FIELDS, SIX_FOUNDATIONS  # noqa: E402

TARGET_SECONDS = 15
TARGET_MB = 200
BAD_ROWS = 25


def credit_code(rng: random.Random) -> str:
    first = "91" + "".join(rng.choice("0123456789") for _ in range(6)) + "".join(
        rng.choice(CHARSET) for _ in range(9))
    return first + check_char(first)


def generate(path: Path, n: int, seed: int = 20260520) -> int:
    rng = random.Random(seed)
    mic = ([c.label for c in MIC_FIELDS] + [c.value for c in MIC_FIELDS]
           + [a for c in MIC_FIELDS for a in c.aliases])          # official names too
    six = ([c.label for c in SIX_FOUNDATIONS] + [c.value for c in SIX_FOUNDATIONS]
           + [a for c in SIX_FOUNDATIONS for a in c.aliases])
    evil = ("=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-2+3", "@SUM(1)", "\tx", "\rx")
    bad_at = set(rng.sample(range(n), BAD_ROWS))
    full = str.maketrans("0123456789", "０１２３４５６７８９")
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["企业名称", "统一社会信用代码", "营业收入（万元）", "十大领域", "六基", "网络强国", "所在区",
                    "备注"])
        for i in range(n):
            rev = rng.choice((rng.randint(0, 999), rng.randint(1000, 4999), rng.randint(5000, 19999),
                              rng.randint(20000, 90000)))
            cents = rng.randint(0, 99)
            rev_text = f"{rev}.{cents:02d}" if i % 3 else str(rev)
            if i % 17 == 0:
                rev_text = f"{rev:,}"
            elif i % 29 == 0:
                rev_text = rev_text.translate(full)
            m = rng.random()
            mic_cell = "" if m < 0.4 else ("、".join(rng.sample(mic, rng.randint(1, 2))))
            six_cell = "" if rng.random() < 0.7 else rng.choice(six)
            net = rng.choice(("是", "否", "", ""))
            code = credit_code(rng)
            if i in bad_at:
                kind = i % 3
                if kind == 0:
                    rev_text = "约" + rev_text
                elif kind == 1:
                    mic_cell = "不存在的领域"
                else:
                    code = code[:-1] + ("0" if code[-1] != "0" else "1")
            name = f"广州测试企业{i:06d}有限公司"
            if i % 97 == 0:
                name = evil[i % len(evil)] + name
            w.writerow([name, code, rev_text, mic_cell, six_cell, net,
                        rng.choice(("黄埔区", "天河区", "番禺区", "南沙区")), evil[i % len(evil)] if i % 13 == 0 else ""])
    return len(bad_at)


CHILD = """
import resource, sys, time
from pathlib import Path
from zjtx_site.excel.classify import classify
t = time.perf_counter()
s = classify(Path(sys.argv[1]), Path(sys.argv[2]), chart=True)
import json
print(json.dumps({"rows": s.rows, "graded": s.graded, "bad": s.bad_rows,
                  "seconds": time.perf_counter() - t, "levels": dict(s.levels),
                  "fields": {k: sum(v.values()) for k, v in s.fields.items()},
                  "peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def grade(tmp: Path, n: int) -> tuple[dict, float, int]:
    """(child's result, wall seconds, bad rows made) for a registry of n rows."""
    src = tmp / f"registry-{n}.csv"
    t0 = time.perf_counter()
    bad = generate(src, n)
    print(f"generated {n:,} rows ({src.stat().st_size / 1e6:.1f} MB, {bad} bad rows) "
          f"in {time.perf_counter() - t0:.1f} s")
    out = tmp / f"registry-{n}-out.csv"
    env = dict(os.environ, PYTHONPATH=str(ROOT), ZJTX_PLUGINS="")
    t1 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", CHILD, str(src), str(out)], env=env,
                          capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t1
    if proc.returncode != 0:
        raise SystemExit(proc.stdout + proc.stderr)
    res = json.loads(proc.stdout.strip().splitlines()[-1])
    assert res["rows"] == n and res["bad"] == bad, res
    # the official names were graded (only the planted bad rows failed), and no
    # cell of the result starts a formula in Excel
    for c in MIC_FIELDS:
        assert res["fields"].get(c.value), c.value
    with out.open(encoding="utf-8-sig", newline="") as fh:
        live = sum(1 for row in csv.reader(fh) for cell in row if cell.startswith(FORMULA_START))
    assert live == 0, f"{live} cells would be formulas in Excel"
    return res, wall, bad


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 400_000
    with tempfile.TemporaryDirectory(prefix="zjtx-classify-") as tmp:
        base, _, _ = grade(Path(tmp), max(n // 10, 1000))
        res, wall, _bad = grade(Path(tmp), n)
        peak_mb = res["peak_kb"] / 1024          # KiB on Linux
        base_mb = base["peak_kb"] / 1024
        print(f"graded {res['graded']:,} rows, {res['bad']} bad rows reported; levels {res['levels']}")
        print(f"classify: {res['seconds']:.2f} s inside the child, {n / res['seconds']:,.0f} rows/s")
        print(f"process : {wall:.2f} s wall including interpreter start and imports, "
              f"{n / wall:,.0f} rows/s")
        print(f"peak RSS: {peak_mb:.1f} MB ({n:,} rows) vs {base_mb:.1f} MB ({base['rows']:,} rows): "
              f"ratio {peak_mb / base_mb:.2f} for {n / base['rows']:.0f}x the rows (flat memory: near 1)")
        print("checked : official field names graded; no result cell starts with = + - @ tab or CR")
        ok = wall < TARGET_SECONDS and peak_mb < TARGET_MB
        print(f"target  : < {TARGET_SECONDS} s and < {TARGET_MB} MB -> {'met' if ok else 'NOT met'}")
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

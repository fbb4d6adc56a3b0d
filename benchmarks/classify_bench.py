"""Registry grading throughput and memory (issue 6).

Generates a registry CSV of N rows (default 400,000) in a temporary folder —
Chinese headers, valid credit codes, revenues spread over every band
(thousands separators and full-width digits in some rows), field cells with
codes and labels, and a few bad rows — then runs ``zjtx classify`` on it in
a child process, so that the peak resident memory measured
(``getrusage(RUSAGE_CHILDREN).ru_maxrss``) is the grading's own and not
this generator's. Prints rows/s, seconds and peak MB.
Target: under 15 s and under 200 MB on one core.

Run: .venv/bin/python benchmarks/classify_bench.py [N]
"""

from __future__ import annotations

import csv
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

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
    mic = [c.label for c in MIC_FIELDS] + [c.value for c in MIC_FIELDS]
    six = [c.label for c in SIX_FOUNDATIONS] + [c.value for c in SIX_FOUNDATIONS]
    bad_at = set(rng.sample(range(n), BAD_ROWS))
    full = str.maketrans("0123456789", "０１２３４５６７８９")
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["企业名称", "统一社会信用代码", "营业收入（万元）", "十大领域", "六基", "网络强国", "所在区"])
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
            w.writerow([f"广州测试企业{i:06d}有限公司", code, rev_text, mic_cell, six_cell, net,
                        rng.choice(("黄埔区", "天河区", "番禺区", "南沙区"))])
    return len(bad_at)


CHILD = """
import sys, time
from pathlib import Path
from zjtx_site.excel.classify import classify
t = time.perf_counter()
s = classify(Path(sys.argv[1]), Path(sys.argv[2]), chart=True)
import json
print(json.dumps({"rows": s.rows, "graded": s.graded, "bad": s.bad_rows,
                  "seconds": time.perf_counter() - t, "levels": dict(s.levels)}))
"""


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 400_000
    with tempfile.TemporaryDirectory(prefix="zjtx-classify-") as tmp:
        src = Path(tmp) / "registry.csv"
        t0 = time.perf_counter()
        bad = generate(src, n)
        gen = time.perf_counter() - t0
        size_mb = src.stat().st_size / 1e6
        print(f"generated {n:,} rows ({size_mb:.1f} MB, {bad} bad rows) in {gen:.1f} s")
        out = Path(tmp) / "registry-out.csv"
        env = dict(os.environ, PYTHONPATH=str(ROOT), ZJTX_PLUGINS="")
        t1 = time.perf_counter()
        proc = subprocess.run([sys.executable, "-c", CHILD, str(src), str(out)], env=env,
                              capture_output=True, text=True)
        wall = time.perf_counter() - t1
        if proc.returncode != 0:
            print(proc.stdout, proc.stderr)
            return 1
        peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
        res = json.loads(proc.stdout.strip().splitlines()[-1])
        peak_mb = peak_kb / 1024
        assert res["rows"] == n and res["bad"] == bad, res
        print(f"graded {res['graded']:,} rows, {res['bad']} bad rows reported; levels {res['levels']}")
        print(f"classify: {res['seconds']:.2f} s inside the child, {n / res['seconds']:,.0f} rows/s")
        print(f"process : {wall:.2f} s wall including interpreter start and imports, "
              f"{n / wall:,.0f} rows/s")
        print(f"peak RSS: {peak_mb:.1f} MB")
        ok = wall < TARGET_SECONDS and peak_mb < TARGET_MB
        print(f"target  : < {TARGET_SECONDS} s and < {TARGET_MB} MB -> {'met' if ok else 'NOT met'}")
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

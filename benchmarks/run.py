"""Validate-and-score throughput against the parse floor (issue 3).

Generates N company files (default 2,000) from the bundled examples with
varied figures, then times in the same run:
  floor   the fastest plain load: ruamel.yaml YAML(typ="safe") with its C parser
  rt      round-trip load (keeps line numbers), for reference
  full    zjtx: read + validate + build the typed Company + score every tier
and prints files/s and the ratio full / floor (target: at most 1.3).
Run: make bench   (or .venv/bin/python benchmarks/run.py [N])
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from zjtx_site.intake import layout  # noqa: E402
from zjtx_site.intake.loader import load_file  # noqa: E402
from zjtx_site.scoring.engine import assess, make_engine  # noqa: E402


def generate(target: Path, n: int) -> list[Path]:
    examples = sorted((ROOT / "companies").glob("*/*.yaml"))
    rng = random.Random(20261126)
    paths = []
    for i in range(n):
        src = examples[i % len(examples)].read_text("utf-8")
        text = src.replace("niche_years: ", f"niche_years: {rng.randint(1, 15)} #", 1) if i % 3 == 0 else src
        folder = target / "companies" / f"gen-{i:05d}"
        folder.mkdir(parents=True)
        p = folder / examples[i % len(examples)].name
        p.write_text(text, "utf-8")
        paths.append(p)
    return paths


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    with tempfile.TemporaryDirectory() as tmp:
        paths = generate(Path(tmp), n)
        entries = [layout.entry_for(p)[0] for p in paths]
        engine = make_engine(None)
        safe = YAML(typ="safe", pure=False)
        rt = YAML(typ="rt")

        def floor():
            for p in paths:
                safe.load(p.read_text("utf-8"))

        def roundtrip():
            for p in paths[: max(1, n // 10)]:
                rt.load(p.read_text("utf-8"))

        def full():
            for e in entries:
                r = load_file(e)
                assert r.company is not None, r.problems
                assess(engine, r.company)

        full()  # warm caches once
        # paired and alternating: each ratio compares two runs made side by side,
        # so load from other work on a shared machine falls on both
        ratios, floors, fulls = [], [], []
        for _ in range(5):
            t_floor, t_full = timed(floor), timed(full)
            floors.append(t_floor)
            fulls.append(t_full)
            ratios.append(t_full / t_floor)
        t_rt = timed(roundtrip) * 10
        print(f"files: {n}")
        print(f"floor (safe C load)     {n / statistics.median(floors):8.1f} files/s")
        print(f"round-trip load         {n / t_rt:8.1f} files/s (reference)")
        print(f"validate + score        {n / statistics.median(fulls):8.1f} files/s")
        print(f"ratio full / floor      {statistics.median(ratios):8.2f}  median of 5 paired runs "
              f"(min {min(ratios):.2f}, max {max(ratios):.2f}; target ≤ 1.30)")


if __name__ == "__main__":
    main()

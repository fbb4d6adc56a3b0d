"""What intake and scoring keep between builds (zjtx_site.memo): exact, refused when foreign,
never stale, and a rebuild after one file changed validates and scores that file only."""

from __future__ import annotations

import dataclasses
import pickle
import shutil
from fractions import Fraction

import pytest
from test_engines import REPO, project_with

from zjtx_site import memo as memo_mod
from zjtx_site.build import build
from zjtx_site.intake import loader
from zjtx_site.intake.loader import load_project
from zjtx_site.memo import Memo, dumps, key_of, loads
from zjtx_site.scoring import batch
from zjtx_site.scoring.engine import Engine, assess, make_engine

SOME = ("gz-jirui-drive", "gz-lanqi-bio")


def fractions_in(value, found):
    if isinstance(value, Fraction):
        found.append(value)
    elif isinstance(value, (tuple, list)):
        for v in value:
            fractions_in(v, found)
    elif hasattr(value, "__dataclass_fields__"):
        for name in value.__dataclass_fields__:
            fractions_in(getattr(value, name), found)
    return found


@pytest.fixture(scope="module")
def examples():
    engine = make_engine(REPO)
    return [assess(engine, c) for c in load_project(REPO).companies]


def test_every_example_assessment_comes_back_equal_and_exact(examples):
    assert len(examples) >= 19
    for a in examples:
        back = loads(dumps(a))
        assert back == a and back is not a
        exact = fractions_in(back, [])
        assert exact and all(type(f) is Fraction for f in exact)
        assert type(back.company) is type(a.company)


def test_a_memo_naming_anything_but_our_value_classes_is_refused(tmp_path):
    class Boom:
        def __reduce__(self):
            return (shutil.rmtree, (str(tmp_path / "victim"),))

    (tmp_path / "victim").mkdir()
    crafted = pickle.dumps(Boom())
    with pytest.raises(pickle.UnpicklingError):
        loads(crafted)
    # a function of ours is refused too, not only the standard library's
    with pytest.raises(pickle.UnpicklingError):
        loads(pickle.dumps(load_project))
    memo = Memo(tmp_path / "m", "x")
    key = key_of("k")
    memo.put(key, 1)
    (tmp_path / "m" / "x" / key[:2] / key).write_bytes(crafted)
    assert memo.get(key) is None and (tmp_path / "victim").is_dir()


def test_an_unreadable_or_unkeepable_entry_is_a_miss_not_an_error(tmp_path):
    memo = Memo(tmp_path / "m", "x")
    key = key_of("k")
    memo.put(key, (Fraction(1, 3), "甲"))
    assert Memo(tmp_path / "m", "x").get(key) == (Fraction(1, 3), "甲")
    (tmp_path / "m" / "x" / key[:2] / key).write_bytes(b"\x80\x05truncated")
    assert memo.get(key) is None
    memo.put(key, lambda: 1)                      # not picklable: nothing kept, nothing raised
    assert memo.get(key) is None
    assert not list((tmp_path / "m").rglob("*.tmp"))


def test_prune_keeps_only_what_this_run_used(tmp_path):
    first = Memo(tmp_path / "m", "x")
    for k in "abc":
        first.put(key_of(k), k)
    second = Memo(tmp_path / "m", "x")
    assert second.get(key_of("b")) == "b"
    second.put(key_of("d"), "d")
    second.prune()
    kept = {p.name for p in (tmp_path / "m" / "x").rglob("*") if p.is_file()}
    assert kept == {key_of("b"), key_of("d")}


def test_switched_off_by_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv(memo_mod.OFF_ENV, "1")
    memo = Memo(tmp_path / "m", "x")
    memo.put(key_of("a"), 1)
    assert memo.get(key_of("a")) is None and not (tmp_path / "m").exists()


def counting(monkeypatch):
    """How many files are validated and companies scored, by name."""
    seen: dict[str, list[str]] = {"validated": [], "scored": []}
    real_load, real_assess = loader._load, batch.assess

    def load(entry, raw):
        seen["validated"].append(entry.company_id)
        return real_load(entry, raw)

    def scored(engine, company, **kw):
        seen["scored"].append(company.company_id)
        return real_assess(engine, company, **kw)

    monkeypatch.setattr(loader, "_load", load)
    monkeypatch.setattr(batch, "assess", scored)
    return seen


@pytest.mark.site
def test_a_rebuild_validates_and_scores_only_the_changed_file_and_builds_the_same_content(tmp_path, monkeypatch):
    root = project_with(tmp_path / "p", SOME)
    build(root)
    seen = counting(monkeypatch)
    f = root / "companies" / "gz-jirui-drive" / "2026.yaml"
    f.write_text(f.read_text("utf-8").replace("niche_years: 13", "niche_years: 15"), "utf-8")
    build(root)
    assert seen == {"validated": ["gz-jirui-drive"], "scored": ["gz-jirui-drive"]}
    fresh = project_with(tmp_path / "fresh", SOME)
    shutil.copy(f, fresh / "companies" / "gz-jirui-drive" / "2026.yaml")
    monkeypatch.setenv(memo_mod.OFF_ENV, "1")
    build(fresh)
    assert {p.relative_to(root).as_posix(): p.read_bytes() for p in (root / "content").rglob("*") if p.is_file()} \
        == {p.relative_to(fresh).as_posix(): p.read_bytes() for p in (fresh / "content").rglob("*") if p.is_file()}
    # the changed file's old entries are gone: one entry per file and per company round
    rounds = len(list((root / "companies").rglob("*.yaml")))
    for kind in ("files", "assessments"):
        assert len([p for p in (root / memo_mod.FOLDER / kind).rglob("*") if p.is_file()]) == rounds


@pytest.mark.site
def test_new_rules_plugins_or_code_score_everything_again(tmp_path, monkeypatch):
    root = project_with(tmp_path / "p", SOME[:1])
    build(root, run_site=False)
    every = sorted(p.parent.name for p in (root / "companies").rglob("*.yaml"))
    seen = counting(monkeypatch)
    build(root, run_site=False, forced="miit-2022")              # another rule set forced
    assert sorted(seen["scored"]) == every and seen["validated"] == []
    seen["scored"].clear()
    (root / "plugins").mkdir()
    plugin = root / "plugins" / "note.py"
    plugin.write_text("# a local plugin that registers nothing\n", "utf-8")
    monkeypatch.setenv("ZJTX_PLUGINS", "local:note")
    build(root, run_site=False, forced="miit-2022")              # the plugin set changed
    assert sorted(seen["scored"]) == every
    seen["scored"].clear()
    build(root, run_site=False, forced="miit-2022")
    assert seen["scored"] == []
    plugin.write_text("# a local plugin that registers nothing, edited\n", "utf-8")
    build(root, run_site=False, forced="miit-2022")              # its source changed
    assert sorted(seen["scored"]) == every
    seen["scored"].clear()
    monkeypatch.setattr(batch, "code_digest", lambda: "another version of the tool")
    monkeypatch.setattr(loader, "code_digest", lambda: "another version of the tool")
    build(root, run_site=False, forced="miit-2022")
    assert sorted(seen["scored"]) == every and sorted(seen["validated"]) == every


def test_values_the_parser_marks_in_extra_are_kept_and_come_back(tmp_path):
    """``extra`` keeps the parser's own string types (a date, an infinite number)."""
    root = project_with(tmp_path / "p", SOME[:1])
    f = root / "companies" / "gz-jirui-drive" / "2026.yaml"
    f.write_text(f.read_text("utf-8").replace("  industry_code: C3449",
                                              "  industry_code: C3449\n  certified_on: 2024-05-01\n  ratio: .inf"),
                 "utf-8")
    first = load_project(root, memo=Memo.of_project(root, "files"))
    again = Memo.of_project(root, "files")
    second = load_project(root, memo=again)
    assert again.hits == len(second.results) == 2
    assert second.companies == first.companies
    c = next(c for c in second.companies if c.round == "2026")
    assert type(c.extra["certified_on"]).__name__ == "DateText" and type(c.extra["ratio"]).__name__ == "BadNumber"


def test_what_could_not_be_read_back_is_not_kept(tmp_path):
    memo = Memo(tmp_path / "m", "x")
    memo.put(key_of("path"), (tmp_path, 1))          # pathlib is not among the allowed classes
    memo.put(key_of("fn"), (1, load_project))         # nor is a function of ours
    assert not [p for p in (tmp_path / "m").rglob("*") if p.is_file()]


def test_an_entry_of_another_shape_is_a_miss(tmp_path, monkeypatch):
    root = project_with(tmp_path / "p", SOME[:1])
    build(root, run_site=False)
    for kind in ("files", "assessments"):
        for entry in (root / memo_mod.FOLDER / kind).rglob("*"):
            if entry.is_file():
                entry.write_bytes(dumps(Fraction(1, 3)))    # readable, but not what is kept there
    seen = counting(monkeypatch)
    build(root, run_site=False)
    assert len(seen["validated"]) == len(seen["scored"]) == 2


def test_incomplete_assessments_are_not_kept(tmp_path, examples, monkeypatch):
    engine = make_engine(REPO)
    company = examples[0].company
    broken = dataclasses.replace(examples[0], failures=("插件 x 出错",))
    monkeypatch.setattr(batch, "assess", lambda *a, **k: broken)
    memo = Memo(tmp_path / "m", "assessments")
    got, failures = batch.assess_all(engine, [company], keep_going=True, memo=memo)
    assert got == [broken] and failures == ["插件 x 出错"]
    assert not [p for p in (tmp_path / "m").rglob("*") if p.is_file()]
    monkeypatch.setattr(batch, "assess", lambda *a, **k: examples[0])
    batch.assess_all(engine, [company], memo=Memo(tmp_path / "m", "assessments"))
    assert len([p for p in (tmp_path / "m").rglob("*") if p.is_file()]) == 1


def bump_first_number(spec):
    """A copy of a rule-set spec with its first number one larger (a threshold moved)."""
    if isinstance(spec, dict):
        out, done = {}, False
        for k, v in spec.items():
            if not done:
                v2 = bump_first_number(v)
                done = v2 != v
                v = v2
            out[k] = v
        return out
    if isinstance(spec, list):
        return list(bump_first_number(dict(enumerate(spec))).values())
    if isinstance(spec, (int, float)) and not isinstance(spec, bool):
        return spec + 1
    return spec


def test_the_engine_digest_follows_every_rule_set_threshold():
    engine = make_engine(REPO)
    assert make_engine(REPO).digest() == engine.digest()
    for rid, rs in engine.rulesets.items():
        for tier in rs.tiers:
            moved = bump_first_number(rs.tiers[tier])
            assert moved != rs.tiers[tier], (rid, tier)
            edited = dataclasses.replace(rs, tiers={**rs.tiers, tier: moved})
            assert Engine(engine.registry, {**engine.rulesets, rid: edited}).digest() != engine.digest(), (rid, tier)

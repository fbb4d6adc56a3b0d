"""docs/fields.md is generated from the field table and must not drift."""

from pathlib import Path

from zjtx_site.intake.fields import walk
from zjtx_site.intake.fieldsdoc import render
from zjtx_site.intake.schema import COMPANY

DOC = Path(__file__).resolve().parent.parent / "docs" / "fields.md"


def test_committed_field_reference_matches_the_table():
    assert DOC.read_text("utf-8") == render(), "run: python -m zjtx_site.intake.fieldsdoc > docs/fields.md"


def test_every_field_is_in_the_reference():
    text = render()
    for path, f in walk(COMPANY):
        assert f"`{path}` | {f.label} |" in text


def test_committed_company_stub_matches_the_table():
    from zjtx_site.intake.model_stub import stub

    path = Path(__file__).resolve().parents[1] / "zjtx_site" / "intake" / "model.pyi"
    assert path.read_text(encoding="utf-8") == stub(), \
        "run: python -m zjtx_site.intake.model_stub > zjtx_site/intake/model.pyi"

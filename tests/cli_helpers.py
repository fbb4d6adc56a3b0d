"""Running the zjtx command in-process, for tests that go through the CLI."""

from __future__ import annotations

from zjtx_site import cli


def run(capsys, *argv) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of ``zjtx ARGV``; never a traceback."""
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err

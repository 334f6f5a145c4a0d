"""Console width: wide lines in logs and pipes, the terminal's own width (or COLUMNS) otherwise."""

from livecommerce.console import PIPE_WIDTH, console_width, make_console


def test_piped_output_is_wide_unless_columns_is_set():
    assert console_width(False, {}) == PIPE_WIDTH
    assert console_width(False, {"COLUMNS": "100"}) is None
    assert console_width(True, {}) is None


def test_a_captured_console_does_not_wrap_at_80(capsys, monkeypatch):
    monkeypatch.delenv("COLUMNS", raising=False)
    make_console().print("x" * 120)
    assert "x" * 120 in capsys.readouterr().out

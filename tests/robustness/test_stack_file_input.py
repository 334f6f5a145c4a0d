"""Hostile stack files (issue 18, items 7, 8, 9, 11 and the directory case of 15): every one is exit 2 with one
`error:` line naming the file, the line and the key, no traceback, and no echo of what might be a secret."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import math
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from livecommerce.cli import main
from livecommerce.errors import UserError
from livecommerce.userfiles import MAX_VALUES, load_yaml, read_text

ANCHOR = "    owner: live-platform\n"  # a line every shipped stack file has, at the platform level


def run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def with_line(stacks: Path, extra: str, env: str = "dev") -> Path:
    """The copied stack file with `extra` inserted after the owner line; returns the file."""
    path = stacks / f"Pulumi.{env}.yaml"
    text = path.read_text()
    assert ANCHOR in text, f"{path.name} has no {ANCHOR!r}; update this test"
    path.write_text(text.replace(ANCHOR, ANCHOR + extra, 1))
    return path


def edit(stacks: Path, old: str, new: str, env: str = "dev") -> Path:
    path = stacks / f"Pulumi.{env}.yaml"
    text = path.read_text()
    assert old in text, f"{path.name} no longer has {old!r}; update this test"
    path.write_text(text.replace(old, new, 1))
    return path


def one_error(code: int, err: str, file: Path) -> str:
    assert code == 2, err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"error: {file}: "), lines
    return lines[0]


@pytest.mark.parametrize(("extra", "key", "hint"), [
    # Item 7: PyYAML made a date that JSON cannot carry; `validate` crashed.
    ("    tags: {since: 2026-01-01}\n", "livecommerce:platform.tags.since (line 7)", 'quotes: "2026-01-01"'),
    ("    tags: {at: 2026-01-01 10:00:00}\n", "livecommerce:platform.tags.at (line 7)", "quotes"),
    # Item 15: `12:30` is 750 in YAML 1.1 ("got 750"), a string to the Pulumi CLI.
    ("    tags: {window: 12:30}\n", "livecommerce:platform.tags.window (line 7)", 'base-60 number 750'),
    ("    tags: {flag: yes}\n", "livecommerce:platform.tags.flag (line 7)", "write true or false"),
    ("    tags: {code: 0755}\n", "livecommerce:platform.tags.code (line 7)", "leading zero"),
    ("    tags: {blob: !!binary aGVsbG8=}\n", "livecommerce:platform.tags.blob (line 7)", "!!binary"),
    ("    tags: {ratio: .nan}\n", "livecommerce:platform.tags.ratio (line 7)", "finite number"),
    # Item 8: the last value silently won (it turned dev's fleet on and changed 66 owner tags).
    ("    owner: someone-else\n", "livecommerce:platform.owner (line 7)", "duplicate key (first at line 6)"),
    ("    fleet: {enabled: false, enabled: true}\n", "livecommerce:platform.fleet.enabled (line 7)", "duplicate"),
])
def test_ambiguous_or_repeated_yaml_is_one_line_naming_file_line_and_key(stacks, extra, key, hint):
    path = with_line(stacks, extra)
    for argv in (["validate", "dev"], ["preview", "dev", "-q"]):
        code, _, err = run([*argv, "--stacks-dir", str(stacks)])
        line = one_error(code, err, path)
        assert key in line and hint in line, line


def test_a_quoted_date_time_or_word_is_just_a_string(stacks):
    with_line(stacks, '    tags: {since: "2026-01-01", window: "12:30", flag: "yes"}\n')
    code, _, err = run(["validate", "dev", "--stacks-dir", str(stacks)])
    assert code == 0, err


def test_duplicate_top_level_config_keys_are_refused(stacks):
    path = stacks / "Pulumi.dev.yaml"
    path.write_text(path.read_text() + "config:\n  alicloud:region: cn-shanghai\n")
    line = one_error(*run(["validate", "dev", "--stacks-dir", str(stacks)])[::2], path)
    assert "config (line" in line and "duplicate key (first at line 3)" in line


def test_utf16_from_a_windows_editor_is_refused(stacks):
    path = stacks / "Pulumi.dev.yaml"
    path.write_bytes(path.read_text().encode("utf-16"))
    line = one_error(*run(["validate", "dev", "--stacks-dir", str(stacks)])[::2], path)
    assert "UTF-16" in line and "save it as UTF-8" in line


def test_utf16_without_a_byte_order_mark_is_refused(stacks):
    path = stacks / "Pulumi.dev.yaml"
    path.write_bytes(path.read_text().encode("utf-16-le"))
    line = one_error(*run(["validate", "dev", "--stacks-dir", str(stacks)])[::2], path)
    assert "line 1 column 2: NUL byte" in line and "UTF-8" in line


def test_one_latin1_byte_is_refused_with_its_place_and_without_the_text(stacks):
    path = stacks / "Pulumi.dev.yaml"
    secret_line = '    tags: {note: "token=qaSecretTok\xe9n"}\n'
    text = path.read_text().replace(ANCHOR, ANCHOR + secret_line, 1)
    path.write_bytes(text.encode("latin-1"))
    line = one_error(*run(["validate", "dev", "--stacks-dir", str(stacks)])[::2], path)
    assert "line 7 column 36: byte 0xe9 is not UTF-8" in line
    assert "qaSecret" not in line


def test_a_utf8_byte_order_mark_is_fine(stacks):
    path = stacks / "Pulumi.dev.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    code, _, err = run(["validate", "dev", "--stacks-dir", str(stacks)])
    assert code == 0, err


def test_a_control_character_is_refused_with_its_place(stacks):
    path = with_line(stacks, '    tags: {bell: "a\x07b"}\n')
    line = one_error(*run(["validate", "dev", "--stacks-dir", str(stacks)])[::2], path)
    assert "line 7 column 20: control character U+0007" in line


BOMB = "config:\n  livecommerce:bomb:\n    a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"    {n}: &{n} [{', '.join([f'*{p}'] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi", strict=True))


def test_a_yaml_alias_bomb_under_1kb_is_refused_before_it_expands(stacks):
    assert len(BOMB) < 1024  # 9**9 = 387 million values once expanded
    path = stacks / "Pulumi.dev.yaml"
    path.write_text(BOMB)
    for argv in (["validate", "dev"], ["preview", "dev"], ["check", "dev"]):
        line = one_error(*run([*argv, "--stacks-dir", str(stacks)])[::2], path)
        assert f"more than {MAX_VALUES:,} values through YAML aliases" in line


def test_a_recursive_alias_is_refused(stacks):
    path = stacks / "Pulumi.dev.yaml"
    path.write_text("config: &loop\n  livecommerce:platform: [*loop]\n")
    line = one_error(*run(["validate", "dev", "--stacks-dir", str(stacks)])[::2], path)
    assert "livecommerce:platform[0] (line 1)" in line and "cycle" in line  # line of the anchor


def test_ordinary_aliases_still_work(stacks):
    path = stacks / "Pulumi.dev.yaml"
    text = path.read_text()
    assert "    cost_center: cc-live-dev\n" in text
    text = text.replace("    cost_center: cc-live-dev\n",
                        "    cost_center: &cc cc-live-dev\n    tags: {billing: *cc}\n", 1)
    path.write_text(text)
    code, _, err = run(["validate", "dev", "--stacks-dir", str(stacks)])
    assert code == 0, err


def test_deep_nesting_is_one_line(stacks):
    path = stacks / "Pulumi.dev.yaml"
    path.write_text("config:\n  livecommerce:x: " + "[" * 20000 + "]" * 20000 + "\n")
    line = one_error(*run(["validate", "dev", "--stacks-dir", str(stacks)])[::2], path)
    assert "nested too deeply" in line


def test_a_huge_file_is_refused_unread(stacks):
    path = stacks / "Pulumi.dev.yaml"
    path.write_text("# padding\n" * 200_000)
    line = one_error(*run(["validate", "dev", "--stacks-dir", str(stacks)])[::2], path)
    assert "larger than 1024 KiB" in line


def test_a_directory_named_like_a_stack_file_is_called_a_directory(stacks):
    path = stacks / "Pulumi.dev.yaml"
    path.unlink()
    path.mkdir()
    code, _, err = run(["validate", "dev", "--stacks-dir", str(stacks)])
    line = one_error(code, err, path)
    assert "is a directory, not a stack file" in line  # was "no such stack; known: dev"
    # ... and it is no environment when listing stacks.
    code, out, err = run(["validate", "--stacks-dir", str(stacks)])
    assert "Pulumi.dev.yaml" not in out and "ok" in out and code == 0, err


@pytest.mark.parametrize("name", ["../prod", "dev/x", "", "a b", "dev\x00"])
def test_a_name_that_is_not_a_stack_name_never_reaches_the_filesystem(stacks, name):
    code, _, err = run(["validate", name, "--stacks-dir", str(stacks)])
    assert code == 2 and "Traceback" not in err
    assert "not a stack name" in err and "letters, digits" in err


def test_an_unreadable_stack_file_is_one_line(stacks, monkeypatch):
    path = stacks / "Pulumi.dev.yaml"

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr("builtins.open", denied)
    with pytest.raises(UserError) as info:
        read_text(path, str(path), what="stack file")
    assert info.value.lines == [f"{path}: cannot read the stack file (Permission denied); check its permissions"]


# ---- the loader itself --------------------------------------------------------------------------

TEXT = st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"))
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(TEXT),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(TEXT, max_size=8), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(JSON_VALUES)
def test_every_json_value_written_by_a_yaml_dumper_reads_back_unchanged(value):
    """The strict loader refuses only what is ambiguous: anything a YAML writer emits for JSON data
    (which quotes `12:30`, `yes`, dates) reads back as exactly that data."""
    for style in (False, None, True):
        text = yaml.safe_dump({"v": value}, default_flow_style=style, allow_unicode=True)
        got = load_yaml(text, "t.yaml")["v"]
        assert got == value or (isinstance(value, float) and math.isclose(got, value))


def test_dates_can_be_allowed_for_files_whose_model_has_dates():
    assert load_yaml("expires: 2027-01-31\n", "w.yaml", dates=True) == {"expires": dt.date(2027, 1, 31)}
    with pytest.raises(UserError):
        load_yaml("expires: 2027-01-31\n", "w.yaml")


def test_merge_keys_are_not_duplicates_but_repeats_inside_them_are():
    base = "base: &b {x: 1, y: 2}\nuse:\n  <<: *b\n  x: 3\n"
    assert load_yaml(base, "m.yaml")["use"] == {"x": 3, "y": 2}
    with pytest.raises(UserError, match=r"m.yaml: use.x \(line 5\): duplicate key \(first at line 4\)"):
        load_yaml(base + "  x: 4\n", "m.yaml")


def test_the_expanded_size_counts_every_alias_use():
    text = "a: &a [1, 2, 3]\nb: [*a, *a, *a]\n"
    assert load_yaml(text, "s.yaml") == {"a": [1, 2, 3], "b": [[1, 2, 3]] * 3}
    with pytest.raises(UserError, match="more than 10 values"):
        load_yaml(text, "s.yaml", max_values=10)


def test_the_waivers_file_is_read_by_the_same_strict_loader(tmp_path, capsys):
    """Same class of defect in the other hand-written YAML file: a repeated `expires` kept the last one."""
    waivers = tmp_path / "w.yaml"
    waivers.write_text("waivers:\n  - rule: r\n    expires: 2020-01-01\n    expires: 2099-01-01\n")
    plan = tmp_path / "p.json"
    plan.write_text(json.dumps({"format": "livecommerce.plan/v1", "project": "livecommerce", "stack": "prod",
                                "resources": [], "outputs": {}}))
    assert main(["check", "--plan", str(plan), "--waivers", str(waivers)]) == 2
    err = capsys.readouterr().err
    assert f"{waivers}: waivers[0].expires (line 4): duplicate key (first at line 3)" in err


def test_a_waivers_file_that_does_not_exist_is_an_error_not_ignored(tmp_path, capsys):
    plan = tmp_path / "p.json"
    plan.write_text(json.dumps({"format": "livecommerce.plan/v1", "project": "livecommerce", "stack": "prod",
                                "resources": [], "outputs": {}}))
    missing = tmp_path / "waivers.yml"
    assert main(["check", "--plan", str(plan), "--waivers", str(missing)]) == 2
    err = capsys.readouterr().err
    assert err.strip() == f"error: {missing}: no such waivers file; check the path"


def test_a_reader_dependent_scalar_under_a_secret_looking_key_is_not_quoted():
    with pytest.raises(UserError) as info:
        load_yaml("contacts: [{phone_secret: 138:00:13}]\n", "s.yaml")
    (line,) = info.value.lines
    assert line.startswith("s.yaml: contacts[0].phone_secret (line 1): the value unquoted is a base-60 number")
    assert "138" not in line.split("(line 1)")[1]

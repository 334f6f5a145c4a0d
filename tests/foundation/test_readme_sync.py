"""The README, as a new user reads it, against the code: every CLI option `--help` shows is in the command
table, and no section says the same thing twice (merges left duplicated rows and lines behind)."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import typer.main

from livecommerce.cli import app

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()


def _command_cells() -> dict[str, str]:
    """Command name -> the first cell of its row in the CLI table (the usage the user copies)."""
    table = README.split("| command | what it does |", 1)[1].split("\n\n", 1)[0]
    cells: dict[str, str] = {}
    for line in table.splitlines()[2:]:
        first = line.split(" | ", 1)[0]
        m = re.match(r"\| `livecommerce ([a-z-]+)", first)
        if m:
            cells[m.group(1)] = cells.get(m.group(1), "") + first
    return cells


def _missing_options(cells: dict[str, str]) -> dict[str, list[str]]:
    missing: dict[str, list[str]] = {}
    for name, command in typer.main.get_command(app).commands.items():
        cell = cells.get(name)
        if cell is None:
            missing[name] = ["(no row)"]
            continue
        for param in command.params:
            names = [o for o in (*param.opts, *param.secondary_opts) if o.startswith("--") and o != "--help"]
            # One spelling of an option is enough: `--tier` for `--tier/--env`, `--no-policies` for the switch.
            if names and not any(re.search(re.escape(o) + r"(?![\w-])", cell) for o in names):
                missing.setdefault(name, []).append("/".join(names))
    return missing


def test_every_cli_command_and_option_is_in_the_readme_table():
    assert _missing_options(_command_cells()) == {}, "add them to README.md's CLI table"


def test_the_table_check_sees_a_missing_option():
    cells = _command_cells()
    cells["graph"] = cells["graph"].replace("[--out FILE]", "")
    assert _missing_options(cells) == {"graph": ["--out"]}


def test_no_readme_line_or_table_row_is_repeated():
    lines = [line for line in README.splitlines()
             if len(line) > 40 and not line.startswith(("|---", "```", "<!--", "$ ", "  "))]
    repeated = [line for line, n in Counter(lines).items() if n > 1]
    assert repeated == []
    outputs = README.split("## Outputs", 1)[1].split("\n## ", 1)[0]
    blocks = [row.split("|")[1].strip() for row in outputs.splitlines() if row.startswith("| ") and "---" not in row]
    assert [b for b, n in Counter(blocks).items() if n > 1] == []


def _stale_references(texts: dict[str, str]) -> list[str]:
    """`docs/...md` anywhere, and `components/...py` outside the decision records (which tell history),
    that name no file of the repository."""
    stale = []
    for where, text in texts.items():
        found = set(re.findall(r"(?<![\w/])docs/[\w./-]+\.md", text))
        if not where.startswith("docs/decisions/"):
            found |= set(re.findall(r"(?<![\w/])components/[\w/]+\.py", text))
        stale += [f"{where}: {ref}" for ref in sorted(found) if not (ROOT / ref).exists()]
    return stale


def test_every_doc_and_module_a_file_names_exists():
    texts = {}
    for path in ROOT.rglob("*"):
        rel = path.relative_to(ROOT).as_posix()
        if path.suffix in {".py", ".md", ".yaml", ".yml"} and path.is_file() and not rel.startswith(
                (".venv/", "build/", ".git/", ".hypothesis/")) and path != Path(__file__).resolve():
            texts[rel] = path.read_text(errors="replace")
    assert _stale_references(texts) == []
    assert _stale_references({"x.py": "see docs/decisions/nope.md and components/gone.py"}) == [
        "x.py: components/gone.py", "x.py: docs/decisions/nope.md"]

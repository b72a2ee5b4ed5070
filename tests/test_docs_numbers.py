"""The numbers of docs/ are generated: well-formed blocks (fast), and the CI
blocks reproduce within their stated tolerance (slow, ``pytest -m slow``).

``benchmarks/docs_numbers.py`` documents the markers; ``docs/benchmarks.md``
(*Generated numbers in the docs*) explains them to readers.
"""

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "benchmarks" / "docs_numbers.py"

_spec = importlib.util.spec_from_file_location("docs_numbers", SCRIPT)
docs_numbers = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(docs_numbers)

DOC_FILES = sorted((ROOT / "docs").glob("*.md"))
BLOCKS = [block for path in DOC_FILES for block in docs_numbers.parse_file(path)]


def block_id(block):
    return f"{block.path.name}:{block.line}"


# -- every block of docs/ is well formed (fast) -------------------------------------------------


def test_docs_have_generated_blocks():
    files = {block.path.name for block in BLOCKS}
    assert {"benchmarks.md", "validation.md", "finite-lambda.md", "studies.md"} <= files


@pytest.mark.parametrize("block", BLOCKS, ids=block_id)
def test_block_is_well_formed(block):
    # the script exists, the prose above shows the command, named columns and lines exist
    assert docs_numbers.lint(block) == []
    assert (ROOT / block.script).is_file()


@pytest.mark.parametrize("path", DOC_FILES, ids=lambda p: p.name)
def test_no_bare_number_in_a_table_outside_generated_blocks(path):
    # a table cell holding only a number is a measured or computed value: it
    # belongs in a generated block (reference tables hold text and formulas)
    lines = path.read_text(encoding="utf-8").split("\n")
    inside = set()
    for block in docs_numbers.parse_file(path):
        inside.update(range(block.begin, block.end + 1))
    fenced = False
    for index, line in enumerate(lines):
        if line.lstrip().startswith("```"):
            fenced = not fenced
        if fenced or index in inside or not line.lstrip().startswith("|"):
            continue
        for cell in docs_numbers._cells(line):
            skeleton, values, _ = docs_numbers.split_numbers(cell)
            assert not (values and re.fullmatch(r"[#\s,/()±–—%-]*", skeleton)), (
                f"{path.name}:{index + 1}: number {cell!r} in a table outside a generated block")


def test_blocks_left_out_of_ci_say_why():
    for block in BLOCKS:
        assert block.ci_skip == "" or len(block.ci_skip.split()) >= 3, block_id(block)
    assert any(not b.ci_skip for b in BLOCKS) and any(b.ci_skip for b in BLOCKS)


# -- the checker itself (fast) -----------------------------------------------------------------


def test_numbers_are_parsed_as_the_docs_write_them():
    skeleton, values, _ = docs_numbers.split_numbers("| 1\u202f600\u202f225 | −0.5 | 2.24–2.32 | 3.2e-08 | 6.8e−4 |")
    assert values == [1600225.0, -0.5, 2.24, 2.32, 3.2e-08, 6.8e-4]
    assert skeleton == "| # | # | #–# | # | # |"
    # words keep their digits (τ_1, R^64 is a number, 1e-8 is one number)
    assert docs_numbers.split_numbers("τ_1 at 1e-8 in R^64")[1] == [1e-8, 64.0]


def test_tolerance_clauses():
    tol = docs_numbers.parse_tolerance(
        'rtol=0.05 (counts); columns "a", "b c" rtol=0.5, atol=1e-8; columns "s" not checked (timing); '
        'lines "seconds" not checked (timing); lines "defect" rtol=0.9')
    assert tol.default == docs_numbers.Tol(0.05, 0.0)
    assert tol.columns == {"a": docs_numbers.Tol(0.5, 1e-8), "b c": docs_numbers.Tol(0.5, 1e-8)}
    assert tol.unchecked_columns == {"s": "timing"} and tol.unchecked_lines == {"seconds": "timing"}
    assert tol.lines == {"defect": docs_numbers.Tol(0.9, 0.0)}
    assert docs_numbers.parse_tolerance("exact").default == docs_numbers.Tol()
    for bad in ["", "rtol=x", 'columns "a" not checked', "rtol=-1", "fast"]:
        with pytest.raises(ValueError):
            docs_numbers.parse_tolerance(bad)


def make_doc(tmp_path, table, command, marker_tail='tolerance: rtol=0.01; columns "s" not checked (timing)'):
    text = "\n".join([
        "# A page", "", f"`{command}`:", "",
        f"<!-- BEGIN generated: {command} | {marker_tail} -->", *table, "<!-- END generated -->", "",
        "```text", "<!-- BEGIN generated: an example in a fence, not a block -->", "```", "",
    ])
    path = tmp_path / "page.md"
    path.write_text(text, encoding="utf-8")
    return path


FRESH = ["| λ | evaluations | s |", "|---|---|---|", "| 1e-8 | 5056 | 0.30 |", "| 1e-32 | 7466 | 0.41 |"]
FRESH_COMMAND = "python -c \"print('" + "\\n".join(FRESH) + "')\""


def test_check_passes_within_tolerance_and_names_each_mismatch(tmp_path, capsys):
    table = list(FRESH)
    table[3] = "| 1e-32 | 7500 | 9.99 |"  # 0.5 % off, and a timing that is not compared
    path = make_doc(tmp_path, table, command=FRESH_COMMAND)
    assert docs_numbers.main(["--check", str(path)]) == 0
    table[2] = "| 1e-8 | 6000 | 0.30 |"  # 16 % off
    path = make_doc(tmp_path, table, command=FRESH_COMMAND)
    assert docs_numbers.main(["--check", str(path)]) == 1
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1
    assert "page.md:5" in out[0] and 'row "1e-8", column "evaluations"' in out[0]
    assert "documented 6000, fresh 5056" in out[0] and "tolerance rtol=0.01" in out[0]


def test_write_rewrites_blocks_in_place(tmp_path):
    stale = ["| λ | evaluations | s |", "|---|---|---|", "| 1e-8 | 1 | 0.30 |"]
    path = make_doc(tmp_path, stale, command=FRESH_COMMAND)
    blocks = docs_numbers.parse_file(path)
    assert len(blocks) == 1 and blocks[0].content.split("\n") == stale  # the fenced marker is no block
    assert docs_numbers.main(["--write", str(path)]) == 0
    assert docs_numbers.parse_file(path)[0].content.split("\n") == FRESH
    assert docs_numbers.main(["--check", str(path)]) == 0
    assert [p.name for p in tmp_path.iterdir()] == ["page.md"]  # no temporary file left


def test_structure_changes_are_mismatches(tmp_path, capsys):
    command = "python -c \"print('" + "\\n".join(FRESH[:3]) + "')\""
    path = make_doc(tmp_path, FRESH, command=command)
    assert docs_numbers.main(["--check", str(path)]) == 1
    assert "number of lines" in capsys.readouterr().out


def test_malformed_markers_are_refused(tmp_path):
    path = tmp_path / "bad.md"
    for text in ["<!-- BEGIN generated: python x.py -->\n<!-- END generated -->",  # no tolerance
                 "<!-- BEGIN generated: python x.py | tolerance: exact -->\n",  # not closed
                 "<!-- END generated -->",
                 "<!-- BEGIN generated: python x.py | tolerance: exact | ci: later -->\n<!-- END generated -->"]:
        path.write_text(text, encoding="utf-8")
        with pytest.raises(docs_numbers.FormatError):
            docs_numbers.parse_file(path)


# -- the CI blocks reproduce (slow) -------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("path", sorted({b.path for b in BLOCKS if not b.ci_skip}), ids=lambda p: p.name)
def test_ci_blocks_reproduce(path):
    # each command at most about 2 minutes on 2 cores, all of them about 10
    done = subprocess.run([sys.executable, str(SCRIPT), "--check", "--ci", str(path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, done.stdout + done.stderr

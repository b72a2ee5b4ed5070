"""Every number in docs/ comes from a script: list, check and rewrite the generated blocks.

A generated block is the verbatim stdout of one command, between two HTML
comments (invisible when the markdown is rendered)::

    `python benchmarks/flow_solvers.py --table methods` (about 10 s):

    <!-- BEGIN generated: python benchmarks/flow_solvers.py --table methods | tolerance: rtol=0.02; columns "seconds" not checked (timing) -->
    | method | rtol | evaluations | steps | seconds | max balance defect |
    ...
    <!-- END generated -->

Markers inside fenced code blocks are examples, not blocks.  The BEGIN
marker has fields separated by `` | ``:

* the command (first field): ``python`` followed by a script of
  ``benchmarks/`` or ``examples/`` and its arguments, run from the repository
  root; the prose just above the block shows the same command in backticks;
* ``tolerance: CLAUSE; CLAUSE; ...`` (required), clauses:

  - ``rtol=X``, ``atol=Y`` or ``rtol=X, atol=Y``: every number of the block
    passes when ``|documented − fresh| ≤ max(atol, rtol · max(|documented|, |fresh|))``
    (default 0 for both; ``exact`` says so explicitly);
  - ``columns "A", "B" rtol=X, atol=Y``: other tolerances for those table columns;
  - ``columns "A", "B" not checked (REASON)``: numbers of those columns are not
    compared (timings, which depend on the machine);
  - ``lines "TEXT" not checked (REASON)``: lines or table rows containing
    ``TEXT`` are not compared at all; ``lines "TEXT" rtol=X``: other
    tolerances for those lines or rows;
  - a parenthesized remark after a tolerance, e.g. ``rtol=0.01 (3 digits printed)``;

* ``ci: skip (REASON)`` (optional): the block is too slow for CI; ``--write``
  still regenerates it, ``--ci`` leaves it out.

Comparison: the fresh output and the block are compared line by line (the
same number of lines, whitespace runs collapsed).  Each line, or each cell of
a markdown table row, is split into its text and its numbers (``12``,
``-0.5``, ``−0.5``, ``3.2e-08``, thin-space thousands ``1 600 225``); the
text must be equal and the numbers within tolerance.  Tables are runs of
lines starting with ``|``; their first row names the columns.

    python benchmarks/docs_numbers.py --list                    # every block of docs/*.md
    python benchmarks/docs_numbers.py --check                   # re-run all, compare; exit 1 on a mismatch
    python benchmarks/docs_numbers.py --check docs/validation.md --ci
    python benchmarks/docs_numbers.py --write --only flow_solvers.py   # regenerate blocks in place
    python benchmarks/docs_numbers.py --lint                    # well-formed markers only, nothing run

Standard library and numpy only.
"""

import argparse
import os
import re
import shlex
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
SCRIPT_DIRS = ("benchmarks", "examples")

BEGIN = re.compile(r"^(?P<indent>[ \t]*)<!-- BEGIN generated: (?P<body>.*) -->\s*$")
END = re.compile(r"^[ \t]*<!-- END generated -->\s*$")

#: A number in text: optional sign (``-``, ``+``, ``−``), thin-space grouped
#: thousands or a decimal, optional exponent; not glued to a word on its left.
NUMBER = re.compile(
    r"(?<![\w.])[-+\u2212]?"
    r"(?:\d{1,3}(?:[\u202f\u2009]\d{3})+(?![\d.])|\d+(?:\.\d+)?|\.\d+)"
    r"(?:[eE][-+\u2212]?\d+)?"
)


class FormatError(ValueError):
    """A malformed marker or tolerance (``file:line: message``)."""


# -- tolerances ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tol:
    rtol: float = 0.0
    atol: float = 0.0

    def passes(self, documented, fresh):
        return abs(documented - fresh) <= max(self.atol, self.rtol * max(abs(documented), abs(fresh)))

    def __str__(self):
        parts = [f"rtol={self.rtol:g}"] + ([f"atol={self.atol:g}"] if self.atol else [])
        return ", ".join(parts) if (self.rtol or self.atol) else "exact"


@dataclass(frozen=True)
class Tolerance:
    """The ``tolerance:`` field of a marker."""

    default: Tol = Tol()
    columns: dict = field(default_factory=dict)  # column name -> Tol
    unchecked_columns: dict = field(default_factory=dict)  # column name -> reason
    unchecked_lines: dict = field(default_factory=dict)  # text -> reason
    lines: dict = field(default_factory=dict)  # text -> Tol
    text: str = ""

    def for_line(self, documented, fresh):
        """The tolerance of a line (or table row), ``None`` when it is not checked."""
        if any(t in documented or t in fresh for t in self.unchecked_lines):
            return None
        return next((tol for t, tol in self.lines.items() if t in documented or t in fresh), self.default)

    def for_cell(self, row_tol, column):
        """A cell's tolerance: its column's, else its row's."""
        return self.columns.get(column, row_tol)


def _split_outside_quotes(text, separator):
    """Split on ``separator`` where it is not inside double quotes."""
    parts, current, quoted, i = [], [], False, 0
    while i < len(text):
        if text[i] == '"':
            quoted = not quoted
        if not quoted and text.startswith(separator, i):
            parts.append("".join(current))
            current = []
            i += len(separator)
            continue
        current.append(text[i])
        i += 1
    parts.append("".join(current))
    return parts


_TOL_PAIR = re.compile(r"^(?P<key>rtol|atol)\s*=\s*(?P<value>[0-9.eE+-]+)$")
_NAMES = re.compile(r'^(?P<kind>columns?|lines?)\s+(?P<names>"[^"]*"(?:\s*,\s*"[^"]*")*)\s*(?P<rest>.*)$')
_REMARK = re.compile(r"\s*\((?P<remark>[^()]*)\)\s*$")


def _parse_tol(text):
    """``rtol=X, atol=Y`` (either, or ``exact``), with an optional ``(remark)``."""
    text = _REMARK.sub("", text).strip()
    if text == "exact":
        return Tol()
    values = {}
    for part in text.split(","):
        match = _TOL_PAIR.match(part.strip())
        if not match or match["key"] in values:
            raise ValueError(f"expected rtol=X and/or atol=Y, got {text!r}")
        value = float(match["value"])
        if not (value >= 0 and np.isfinite(value)):
            raise ValueError(f"tolerances are finite and non-negative, got {part.strip()!r}")
        values[match["key"]] = value
    return Tol(**values)


def parse_tolerance(text):
    """Parse the clauses of a ``tolerance:`` field (module docstring)."""
    default, columns, unchecked_columns, unchecked_lines, lines = Tol(), {}, {}, {}, {}
    clauses = [c.strip() for c in _split_outside_quotes(text, ";")]
    if not any(clauses):
        raise ValueError("empty tolerance")
    for clause in clauses:
        if not clause:
            continue
        named = _NAMES.match(clause)
        if named is None:
            default = _parse_tol(clause)
            continue
        names = re.findall(r'"([^"]*)"', named["names"])
        if any(not name.strip() for name in names):
            raise ValueError(f"empty name in {clause!r}")
        rest = named["rest"].strip()
        unchecked = re.match(r"^not checked\s*\((?P<reason>[^()]+)\)$", rest)
        by_line = named["kind"].startswith("line")
        if unchecked is not None:
            (unchecked_lines if by_line else unchecked_columns).update(
                {name: unchecked["reason"].strip() for name in names})
        elif rest.startswith("not checked"):
            raise ValueError(f"give the reason in parentheses: {clause!r}")
        else:
            tol = _parse_tol(rest)
            (lines if by_line else columns).update({name: tol for name in names})
    return Tolerance(default, columns, unchecked_columns, unchecked_lines, lines, text.strip())


# -- blocks -------------------------------------------------------------------------------------


@dataclass
class Block:
    path: Path
    line: int  # 1-based line of the BEGIN marker
    command: str
    tolerance: Tolerance
    ci_skip: str  # reason, or "" when CI checks the block
    content: str
    begin: int  # 0-based index of the BEGIN line
    end: int  # 0-based index of the END line
    marker: str
    indent: str = ""  # the BEGIN marker's indentation, also that of every line of the block

    @property
    def where(self):
        return f"{_relative(self.path)}:{self.line}"

    @property
    def script(self):
        words = shlex.split(self.command)
        return words[1] if len(words) > 1 else ""


def _relative(path):
    try:
        return str(Path(path).resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def parse_marker(body):
    """``(command, Tolerance, ci_skip_reason)`` of a BEGIN marker's body."""
    fields = [f.strip() for f in _split_outside_quotes(body, " | ")]
    command, options = fields[0], {}
    if not command:
        raise ValueError("no command")
    for item in fields[1:]:
        key, sep, value = item.partition(":")
        key = key.strip()
        if not sep or key not in ("tolerance", "ci") or key in options:
            raise ValueError(f"unknown or repeated field {item!r} (fields: tolerance, ci)")
        options[key] = value.strip()
    if "tolerance" not in options:
        raise ValueError("no tolerance field")
    tolerance = parse_tolerance(options["tolerance"])
    skip = ""
    if "ci" in options:
        match = re.match(r"^skip\s*\((?P<reason>[^()]+)\)$", options["ci"])
        if match is None:
            raise ValueError(f"ci field must be 'skip (REASON)', got {options['ci']!r}")
        skip = match["reason"].strip()
    return command, tolerance, skip


def parse_file(path):
    """The generated blocks of a markdown file; :class:`FormatError` on malformed markers."""
    path = Path(path)
    lines = path.read_text(encoding="utf-8").split("\n")
    blocks, open_at, parsed, fenced = [], None, None, False
    for index, line in enumerate(lines):
        where = f"{_relative(path)}:{index + 1}"
        if line.lstrip().startswith("```"):  # markers inside code fences are examples
            fenced = not fenced
        if fenced:
            continue
        if "generated" in line and line.lstrip().startswith("<!--") and not (BEGIN.match(line) or END.match(line)):
            raise FormatError(f"{where}: malformed marker {line.strip()!r}")
        if BEGIN.match(line):
            if open_at is not None:
                raise FormatError(f"{where}: BEGIN inside the block opened at line {open_at + 1}")
            try:
                parsed = parse_marker(BEGIN.match(line)["body"])
            except ValueError as exc:
                raise FormatError(f"{where}: {exc}") from None
            open_at = index
        elif END.match(line):
            if open_at is None:
                raise FormatError(f"{where}: END without BEGIN")
            command, tolerance, skip = parsed
            indent = BEGIN.match(lines[open_at])["indent"]
            content = "\n".join(line[len(indent):] if line.startswith(indent) else line.lstrip()
                                for line in lines[open_at + 1 : index])
            blocks.append(Block(path, open_at + 1, command, tolerance, skip, content, open_at, index,
                                lines[open_at].strip(), indent))
            open_at = None
    if open_at is not None:
        raise FormatError(f"{_relative(path)}:{open_at + 1}: BEGIN without END")
    return blocks


def doc_files(files=None):
    return [Path(f) for f in files] if files else sorted(DOCS.glob("*.md"))


def lint(block):
    """Problems of a block that need no run: script, prose, names in the tolerance."""
    problems = []
    words = shlex.split(block.command)
    if len(words) < 2 or words[0] != "python":
        problems.append(f"command must be 'python SCRIPT ...', got {block.command!r}")
    else:
        script = Path(words[1])
        if script.parts[:1] not in [(d,) for d in SCRIPT_DIRS] or not (ROOT / script).is_file():
            problems.append(f"{words[1]} is not a script of {' or '.join(d + '/' for d in SCRIPT_DIRS)}")
    if not block.content.strip():
        problems.append("empty block")
    text = block.path.read_text(encoding="utf-8").split("\n")
    previous = [b.end for b in parse_file(block.path) if b.end < block.begin]
    prose = "\n".join(text[(max(previous) + 1 if previous else 0) : block.begin])
    if f"`{block.command}`" not in prose:
        problems.append(f"the prose above the block does not show `{block.command}`")
    headers = set()
    for table in _tables(block.content.split("\n")):
        headers.update(_cells(block.content.split("\n")[table[0]]))
    for name in list(block.tolerance.columns) + list(block.tolerance.unchecked_columns):
        if name not in headers:
            problems.append(f"tolerance names column {name!r}, which no table of the block has")
    for name in list(block.tolerance.unchecked_lines) + list(block.tolerance.lines):
        if name not in block.content:
            problems.append(f"tolerance names lines {name!r}, which no line of the block contains")
    return [f"{block.where}: {p}" for p in problems]


# -- comparing ----------------------------------------------------------------------------------


def split_numbers(text):
    """``(skeleton, values, texts)``: the text with each number replaced by
    ``#`` and whitespace runs collapsed, the numbers and how they were written."""
    texts = [m.group(0) for m in NUMBER.finditer(text)]
    values = [float(t.replace("\u2212", "-").replace("\u202f", "").replace("\u2009", "")) for t in texts]
    skeleton = re.sub(r"\s+", " ", NUMBER.sub("#", text)).strip()
    return skeleton, values, texts


def _cells(line):
    """Cells of a markdown table row (``\\|`` is not a separator), stripped."""
    cells = re.split(r"(?<!\\)\|", line.strip())
    if cells and cells[0] == "":
        cells = cells[1:]
    if cells and cells[-1] == "":
        cells = cells[:-1]
    return [c.strip() for c in cells]


def _tables(lines):
    """Index lists of the markdown tables among ``lines``."""
    tables, current = [], []
    for i, line in enumerate(lines):
        if line.lstrip().startswith("|"):
            current.append(i)
        elif current:
            tables.append(current)
            current = []
    if current:
        tables.append(current)
    return tables


def _lines(text):
    lines = [line.rstrip() for line in text.strip("\n").split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    return lines


def _row_labels(rows):
    """A short label per table row: its first cells, as many as make it unique (at most 4)."""
    labels = []
    for cells in rows:
        for width in range(1, 5):
            key = cells[:width]
            if sum(1 for other in rows if other[:width] == key) == 1 or width == min(4, len(cells)):
                labels.append(" | ".join(key))
                break
        else:
            labels.append(" | ".join(cells[:1]))
    return labels


@dataclass(frozen=True)
class Mismatch:
    block: Block
    where: str  # "line 3", 'row "1e-8", column "evaluations"'
    documented: str
    fresh: str
    tolerance: str = ""

    def __str__(self):
        tail = f" (tolerance {self.tolerance})" if self.tolerance else ""
        return (f"{self.block.where}: [{self.block.command}] {self.where}: documented {self.documented}, "
                f"fresh {self.fresh}{tail}")


def _compare_text(block, where, documented, fresh, tol):
    """Mismatches between two pieces of text (one line or one cell)."""
    skel_d, values_d, texts_d = split_numbers(documented)
    skel_f, values_f, texts_f = split_numbers(fresh)
    if skel_d != skel_f or len(values_d) != len(values_f):
        return [Mismatch(block, where + " (text)", repr(documented), repr(fresh))]
    out = []
    for k, (a, b) in enumerate(zip(values_d, values_f)):
        if not tol.passes(a, b):
            place = where if len(values_d) == 1 else f"{where}, number {k + 1}"
            out.append(Mismatch(block, place, texts_d[k], texts_f[k], str(tol)))
    return out


def compare(block, fresh):
    """Every mismatch between a block and the fresh output of its command."""
    tolerance = block.tolerance
    doc_lines, new_lines = _lines(block.content), _lines(fresh)
    if len(doc_lines) != len(new_lines):
        first = next((i for i, (a, b) in enumerate(zip(doc_lines, new_lines))
                      if split_numbers(a)[0] != split_numbers(b)[0]), min(len(doc_lines), len(new_lines)))
        return [Mismatch(block, f"number of lines (first differing line {first + 1})",
                         str(len(doc_lines)), str(len(new_lines)))]
    tables = {i: table for table in _tables(doc_lines) for i in table}
    out = []
    for i, (documented, new) in enumerate(zip(doc_lines, new_lines)):
        row_tol = tolerance.for_line(documented, new)
        if row_tol is None:
            continue
        if i not in tables:
            out += _compare_text(block, f"line {i + 1}", documented, new, row_tol)
            continue
        table = tables[i]
        header = _cells(doc_lines[table[0]])
        cells_d, cells_f = _cells(documented), _cells(new)
        if len(cells_d) != len(cells_f):
            out.append(Mismatch(block, f"line {i + 1} (number of cells)", str(len(cells_d)), str(len(cells_f))))
            continue
        if i == table[0] or (len(table) > 1 and i == table[1]):
            out += _compare_text(block, f"table header, line {i + 1}", documented, new, tolerance.default)
            continue
        body = [_cells(doc_lines[j]) for j in table[2:]]
        label = _row_labels(body)[table.index(i) - 2]
        for column, (a, b) in enumerate(zip(cells_d, cells_f)):
            name = header[column] if column < len(header) else str(column + 1)
            where = f'row "{label}", column "{name}"'
            if name in tolerance.unchecked_columns:
                if split_numbers(a)[0] != split_numbers(b)[0]:
                    out.append(Mismatch(block, where + " (text)", repr(a), repr(b)))
                continue
            out += _compare_text(block, where, a, b, tolerance.for_cell(row_tol, name))
    return out


# -- running ------------------------------------------------------------------------------------


class CommandFailed(RuntimeError):
    pass


def run(command, timeout=None):
    """Stdout of a block's command, run from the repository root with this
    interpreter and this checkout's package first on the path."""
    words = shlex.split(command)
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.setdefault("PYTHONIOENCODING", "utf-8")
    try:
        done = subprocess.run([sys.executable] + words[1:], cwd=ROOT, env=env, capture_output=True,
                              text=True, encoding="utf-8", timeout=timeout)
    except subprocess.TimeoutExpired:
        raise CommandFailed(f"timed out after {timeout:g} s") from None
    if done.returncode != 0:
        tail = " / ".join(done.stderr.strip().splitlines()[-3:])
        raise CommandFailed(f"exit {done.returncode}: {tail}")
    return done.stdout


def select(files, ci=False, only=()):
    blocks = [b for path in doc_files(files) for b in parse_file(path)]
    if ci:
        blocks = [b for b in blocks if not b.ci_skip]
    if only:
        blocks = [b for b in blocks if any(o in b.command for o in only)]
    return blocks


def fresh_outputs(blocks, timeout=None, log=sys.stderr):
    """``{command: stdout or CommandFailed}``, each command run once."""
    outputs = {}
    for block in blocks:
        if block.command in outputs:
            continue
        start = time.perf_counter()
        print(f"{block.where}: {block.command} ...", end="", file=log, flush=True)
        try:
            outputs[block.command] = run(block.command, timeout)
            status = ""
        except CommandFailed as exc:
            outputs[block.command] = exc
            status = " FAILED"
        print(f" {time.perf_counter() - start:.0f} s{status}", file=log, flush=True)
    return outputs


def write_atomically(path, text):
    path = Path(path)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, path.stat().st_mode & 0o777)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def rewrite(path, replacements):
    """Replace the content of the blocks of ``path`` whose BEGIN line index is
    in ``replacements`` (index -> new text); returns how many changed."""
    lines = Path(path).read_text(encoding="utf-8").split("\n")
    changed = 0
    for block in sorted(parse_file(path), key=lambda b: -b.begin):
        if block.begin not in replacements:
            continue
        new = [(block.indent + line) if line else "" for line in _lines(replacements[block.begin])]
        if new != lines[block.begin + 1 : block.end]:
            changed += 1
        lines[block.begin + 1 : block.end] = new
    if changed:
        write_atomically(path, "\n".join(lines))
    return changed


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--list", action="store_true", help="list the generated blocks")
    action.add_argument("--lint", action="store_true", help="check that every block is well formed (runs nothing)")
    action.add_argument("--check", action="store_true", help="re-run each block's command and compare")
    action.add_argument("--write", action="store_true", help="rewrite the blocks from fresh output")
    parser.add_argument("files", nargs="*", help="markdown files (default: docs/*.md)")
    parser.add_argument("--ci", action="store_true", help="only the blocks not marked 'ci: skip'")
    parser.add_argument("--only", nargs="+", default=(), metavar="TEXT",
                        help="only the blocks whose command contains one of these strings")
    parser.add_argument("--timeout", type=float, default=None, help="seconds per command")
    args = parser.parse_args(argv)

    try:
        blocks = select(args.files, args.ci, args.only)
    except (FormatError, OSError) as exc:
        print(f"docs_numbers: {exc}", file=sys.stderr)
        return 2
    if args.list:
        for b in blocks:
            status = f"ci: skip ({b.ci_skip})" if b.ci_skip else "ci: check"
            print(f"{b.where}\t{status}\t{b.command}\ttolerance: {b.tolerance.text}")
        return 0
    if args.lint:
        problems = [p for b in blocks for p in lint(b)]
        for p in problems:
            print(p)
        print(f"{len(blocks)} blocks, {len(problems)} problems", file=sys.stderr)
        return 1 if problems else 0

    outputs = fresh_outputs(blocks, args.timeout)
    failures = 0
    if args.check:
        for b in blocks:
            output = outputs[b.command]
            if isinstance(output, CommandFailed):
                print(f"{b.where}: [{b.command}] command failed: {output}")
                failures += 1
                continue
            for mismatch in compare(b, output):
                print(mismatch)
                failures += 1
        print(f"{len(blocks)} blocks checked, {failures} mismatches", file=sys.stderr)
        return 1 if failures else 0

    by_file = {}
    for b in blocks:
        output = outputs[b.command]
        if isinstance(output, CommandFailed):
            print(f"{b.where}: [{b.command}] command failed, block left as it was: {output}")
            failures += 1
            continue
        by_file.setdefault(b.path, {})[b.begin] = output
    for path, replacements in by_file.items():
        changed = rewrite(path, replacements)
        print(f"{_relative(path)}: {len(replacements)} blocks regenerated, {changed} changed", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

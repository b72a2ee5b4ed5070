"""Tables for terminals and notebooks (rich is imported only when rendering).

:class:`DataTable` is how every result of the package shows itself: a title,
one row per item, a legend that explains every column, and numbers that are
never split across lines.  Numeric cells do not wrap; when the terminal is
too narrow for the columns side by side (80 columns and a dozen numbers), the
table is drawn transposed, one column per row of data, in as many blocks as
it takes.  ``_repr_html_`` gives the same table as HTML for notebooks.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from html import escape
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from .scale import lambda_label

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, Group, RenderableType
    from rich.table import Table

    from .prediction import Prediction
    from .process.algorithm1 import LimitProcess
    from .process.mask import Mask

__all__ = ["Column", "DataTable", "number", "plain_text", "prediction_renderable", "saddle_table", "summary_table"]

#: Width a text column may fold down to (numbers never fold).
_TEXT_MIN = 10


def _widest(cells: Iterable[str]) -> int:
    """Display width of the widest line of these cells (markup removed)."""
    from rich.cells import cell_len
    from rich.text import Text

    return max((cell_len(line) for cell in cells for line in Text.from_markup(cell).plain.splitlines()), default=1)


@dataclass(frozen=True)
class Column:
    """A column of a :class:`DataTable`: its header, whether it holds
    numbers (right-aligned, never wrapped), and what it means (the legend)."""

    header: str
    numeric: bool = True
    meaning: str = ""
    max_width: int | None = None  # a text column that should stay narrow (others take the room)


@dataclass(frozen=True)
class DataTable:
    """Rows under :class:`Column` headers, with a legend (module docstring).

    Cells are strings (rich markup allowed for styles); ``notes`` are lines
    printed under the legend.

    Examples
    --------
    >>> from rich.console import Console
    >>> table = DataTable("Jumps", (Column("k", meaning="jump index"), Column("τ_k", meaning="jump time")),
    ...                   (("1", "0.4"), ("2", "1.25")))
    >>> console = Console(width=40, record=True)
    >>> console.print(table)  # doctest: +ELLIPSIS
    Jumps...
    >>> "τ_k: jump time" in console.export_text()
    True
    """

    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def legend(self) -> str:
        """``header: meaning`` for every column that has a meaning, then the notes."""
        lines = [f"{c.header}: {c.meaning}" for c in self.columns if c.meaning]
        return "\n".join(lines + list(self.notes))

    def _wide(self) -> Table:
        from rich.table import Table

        table = Table(title=self.title, title_justify="left")
        for i, c in enumerate(self.columns):
            if c.numeric:  # as wide as its widest number: rich never crops it
                table.add_column(c.header, justify="right", no_wrap=True, min_width=_widest([r[i] for r in self.rows]))
            else:
                table.add_column(c.header, overflow="fold", max_width=c.max_width)
        for row in self.rows:
            table.add_row(*row)
        return table

    def _transposed(self, rows: list[tuple[str, ...]], first: bool) -> Table:
        """Rows as columns: the first column names the quantities; numbers
        never wrap, text folds."""
        from rich.table import Table
        from rich.text import Text

        table = Table(title=self.title if first else None, title_justify="left")
        table.add_column(self.columns[0].header, overflow="fold", min_width=_TEXT_MIN)
        numeric = [i for i, c in enumerate(self.columns) if c.numeric and i > 0]
        text = [i for i, c in enumerate(self.columns) if not c.numeric and i > 0]
        for row in rows:
            # a column of numbers and short words never wraps (rich then folds only the names);
            # one holding long text folds it, and its numbers keep their width
            short = _widest([row[i] for i in text]) <= 2 * _TEXT_MIN
            table.add_column(row[0], justify="right", overflow="fold", no_wrap=short,
                             min_width=_widest([row[i] for i in numeric]))
        for i, c in enumerate(self.columns[1:], start=1):
            cells = []
            for row in rows:
                cell = Text.from_markup(row[i], justify="right" if c.numeric else "left")
                cell.no_wrap = c.numeric
                cells.append(cell)
            table.add_row(c.header, *cells)
        return table

    @staticmethod
    def _minimum_width(columns: Iterable[tuple[bool, list[str]]]) -> int:
        """Width the columns need without splitting a number: the widest
        cell of a numeric column, a few characters for a text column (which
        folds), plus padding and rules (rich's own measure lets no-wrap cells
        shrink)."""
        from rich.cells import cell_len
        from rich.text import Text

        total = 1
        for numeric, cells in columns:
            plain = [Text.from_markup(cell).plain for cell in cells]
            if numeric:
                width = max((cell_len(line) for text in plain for line in text.splitlines()), default=1)
            else:
                width = min(max((cell_len(word) for text in plain for word in text.split()), default=1), _TEXT_MIN)
            total += width + 3
        return total

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[RenderableType]:
        from rich.text import Text

        header = [(False, [c.header]) for c in self.columns]
        wide = [(c.numeric, [row[i] for row in self.rows] + [h for h in header[i][1]]) for i, c in enumerate(self.columns)]
        if self._minimum_width(wide) <= options.max_width or not self.rows:
            yield self._wide()
        else:
            names = (True, [word for c in self.columns[1:] for word in c.header.split()])  # rich folds at words
            blocks: list[list[tuple[str, ...]]] = []
            block: list[tuple[str, ...]] = []
            for row in self.rows:  # as many data columns per block as fit
                trial = [names] + [(True, list(r)) for r in block + [row]]
                if block and self._minimum_width(trial) > options.max_width:
                    blocks.append(block)
                    block = []
                block.append(row)
            blocks.append(block)
            for i, rows in enumerate(blocks):
                yield self._transposed(rows, i == 0)
        if self.legend:
            yield Text.from_markup(self.legend, style="dim")

    def _repr_html_(self) -> str:
        from rich.text import Text

        def plain(cell: str) -> str:
            return escape(Text.from_markup(cell).plain)

        head = "".join(f"<th>{escape(c.header)}</th>" for c in self.columns)
        body = "".join(
            "<tr>" + "".join(
                f'<td style="text-align:{"right" if c.numeric else "left"};white-space:'
                f'{"nowrap" if c.numeric else "normal"}">{plain(cell)}</td>' for c, cell in zip(self.columns, row)
            ) + "</tr>"
            for row in self.rows
        )
        legend = "<br>".join(escape(line) for line in self.legend.splitlines())
        return (f"<table><caption style='caption-side:top;text-align:left'><b>{escape(self.title)}</b></caption>"
                f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
                + (f"<p style='font-size:smaller'>{legend}</p>" if legend else ""))


def plain_text(renderable: Any, width: int = 100) -> str:
    """``renderable`` as rich prints it, in plain text ``width`` columns wide.

    Parameters
    ----------
    renderable : rich renderable
        A :class:`DataTable`, a result with ``__rich__``, markup text.
    width : int
        Columns of the virtual terminal.

    Returns
    -------
    str
        The text without styles or trailing blank lines.

    Examples
    --------
    >>> print(plain_text(DataTable("T", (Column("k", meaning="index"),), (("1",),)), width=20))
      T
    ┏━━━┓
    ┃ k ┃
    ┡━━━┩
    │ 1 │
    └───┘
    k: index
    """
    import io

    from rich.console import Console

    console = Console(width=width, record=True, file=io.StringIO(), color_system=None)
    console.print(renderable)
    return console.export_text().rstrip()


def number(value: Any, exact: bool = False, digits: int = 7) -> str:
    """A number for a table: its float, and in exact mode the exact value on a
    second line (``—`` for ``None``).

    Parameters
    ----------
    value : number or None
        A float, or an exact (sympy) number.
    exact : bool
        Add the exact value on a second line when it differs from the float.
    digits : int
        Significant digits of the float.

    Returns
    -------
    str

    Examples
    --------
    >>> from fractions import Fraction
    >>> number(0.1 + 0.2), number(None)
    ('0.3', '—')
    >>> print(number(Fraction(1, 3), exact=True))
    0.3333333
    = 1/3
    """
    if value is None:
        return "—"
    as_float = float(value)
    text = f"{as_float:.{digits}g}"
    if exact:
        literal = str(value)
        if literal != text:
            return f"{text}\n= {literal}"
    return text


def saddle_table(process: LimitProcess, scale: float | None = None) -> DataTable:
    """One row per saddle ``θ_k`` of a limit process (spec §3); with
    ``scale = ln(1/λ)`` also the leading-order times ``τ_k ln(1/λ)``.

    Parameters
    ----------
    process : LimitProcess
        The result of :func:`~limitproc.limit_process`.
    scale : float, optional
        ``ln(1/λ)``.

    Returns
    -------
    DataTable
        Index, jump time (and ``τ ln(1/λ)`` with a scale), neuron, data
        fitted, loss and squared norm of each saddle.

    Examples
    --------
    >>> from limitproc import Problem, limit_process
    >>> p = Problem([3.0, 4.0, -2.0], [[1, 1, -1], [-1, -1, 1]], signs=[1, -1])
    >>> table = saddle_table(limit_process(p))
    >>> [c.header for c in table.columns]
    ['k', 'τ_k', 'neuron', 'fitted', 'L(θ_k)', '||θ_k||²']
    >>> table.rows[1]
    ('1', '0.6', '0', '2', '0.6666667', '10')
    """
    exact = process.backend == "exact"
    columns = [
        Column("k", meaning="saddle index; θ_0 = 0 is the start"),
        Column("τ_k", meaning="accelerated jump time t/ln(1/λ) (spec §3)"),
    ]
    h = float(getattr(process, "step", 0.0) or 0.0)
    if scale is not None:
        columns.append(Column("τ_k ln(1/λ)", meaning=f"leading-order gradient-flow time at λ = {lambda_label(scale)}"
                                                     + (" (flow time of gradient descent: t = h · step)" if h else "")))
        if h:
            columns.append(Column("step (leading)", meaning=f"leading-order gradient-descent step τ_k ln(1/λ)/h, "
                                                            f"h = {h:.6g} (corrected steps: the finite-λ table)"))
    columns += [
        Column("neuron", meaning="the neuron j_k that jumps (its group of equal mask columns in brackets)"),
        Column("fitted", meaning="number of data fitted at this jump"),
        Column("L(θ_k)", meaning="training loss (1/(2n)) Σ (h(x_i) − y_i)² on the saddle"),
        Column("||θ_k||²", meaning="squared ℓ2 norm of all weights of the saddle"),
    ]
    rows = []
    for s in process.saddles:
        neuron = "—" if s.neuron is None else str(s.neuron)
        if len(s.group) > 1:
            neuron += f" ({len(s.group)})"
        row = [str(s.k), number(s.tau, exact)]
        if scale is not None:
            row.append(f"{float(s.tau) * scale:.7g}")
            if h:
                row.append(f"{float(s.tau) * scale / h:.7g}")
        row += [neuron, str(len(s.data)), number(s.loss, exact), number(s.sq_norm, exact)]
        rows.append(tuple(row))
    notes: list[str] = []
    if process.out_of_range:
        notes.append(f"[yellow]beyond float64 in the labels' units: {', '.join(process.out_of_range)} "
                     f"(labels scaled by c = {process.label_scale:.3g} for the computation; scaled losses "
                     f"L/c²: {', '.join(f'{v:.6g}' for v in process.scaled_losses)})[/]")
    if h:
        notes.append(f"gradient descent with flow-time step h = {h:.6g}: exponents fall at ln(1 + h r)/h instead of r "
                     "(docs/gradient-descent.md §3); finite-λ corrected half-fit steps in the finite-λ table")
    what = f"gradient descent, h = {h:.6g}" if h else f"{process.backend} backend"
    return DataTable(f"Saddles of the limit process ({what}, spec §3)", tuple(columns),
                     tuple(rows), tuple(notes))


def summary_table(prediction: Prediction) -> DataTable:
    """Final interpolator, minimum norm, ratio, closed forms and margin.

    Parameters
    ----------
    prediction : Prediction
        The result of :func:`~limitproc.predict`.

    Returns
    -------
    DataTable
        One row per quantity: number of jumps, final loss and norm, minimum
        norm (seed 000 Proposition 1), ratio, two-phase times (seed 000 §4),
        resolution margin (spec §8), and the number of sub-processes.

    Examples
    --------
    >>> from limitproc import Problem, predict
    >>> p = Problem([3.0, 4.0, -2.0], [[1, 1, -1], [-1, -1, 1]], signs=[1, -1])
    >>> rows = summary_table(predict(p)).rows
    >>> [row[:2] for row in rows[:5]]
    [('jumps K', '2'), ('final loss L(θ_K)', '0'), ('||θ_K||²', '14'), ('||θ*||²', '14'), ('ratio ||θ_K||²/||θ*||²', '1')]
    """
    process = prediction.process
    mask = cast("Mask", process.mask)  # typed object in limitproc/process/
    exact = process.backend == "exact"
    final = process.final
    rows = [
        ("jumps K", str(process.K), "neurons that grow, one per saddle (≤ min(m, n))"),
        ("final loss L(θ_K)", number(final.loss, exact),
         "0 iff every datum has an active neuron of its sign" if process.interpolates else
         f"> 0: {mask.zero_rows.size} data can never be fitted"),
        ("||θ_K||²", number(final.sq_norm, exact), "squared ℓ2 norm of the reached saddle"),
        ("||θ*||²", number(prediction.min_sq_norm, exact), "minimum-norm interpolator 2(||y+||+||y−||), seed 000 Prop. 1"),
        ("ratio ||θ_K||²/||θ*||²", number(prediction.ratio, exact),
         "implicit bias (≥ 1; 1 in the two-phase case)" if prediction.ratio is not None else
         "undefined: θ_K does not interpolate"),
    ]
    tp = prediction.two_phase
    times = "\n".join(number(t, exact) for t in tp.times)
    rows.append(("two-phase times 1/||D±||", times or "—",
                 "seed 000 §4: the process when its Asm. 3 holds " + ("(it holds)" if tp.condition else "(it does not hold here)")))
    margin = prediction.margin
    if margin.value == np.inf:
        rows.append(("resolution margin μ", "∞", "no jump has a competitor: any small λ resolves the process"))
    else:
        rows.append(("resolution margin μ", number(margin.value, exact),
                     f"spec §8: smallest exponent of a competitor at a jump (jump {margin.k}, neuron "
                     f"{margin.neuron} vs {margin.competitor})"))
        rows.append(("largest λ described", f"10^{margin.log10_largest_lambda():.1f}",
                     "√c exp(−5/μ): below it the fitted sets match (spec §8)"))
        if prediction.log_inv_lambda is not None:
            scaled = margin.scale(log_inv_lam=prediction.log_inv_lambda)
            verdict = "resolved" if scaled >= 5 else "NOT resolved: neighbouring neurons will share the fit"
            rows.append(("μ ln(1/λ)", f"{scaled:.3g}", f"at λ = {lambda_label(prediction.log_inv_lambda)}: {verdict}"))
    rows.append(("independent sub-processes", str(mask.n_components), "connected components of the mask graph"))
    columns = (Column("quantity", numeric=False), Column("value"), Column("meaning / source", numeric=False))
    return DataTable("Summary", columns, tuple(rows))


def prediction_renderable(prediction: Prediction) -> Group:
    """What ``limitproc predict`` prints: the saddles, the summary, the
    assumption report and the near-ties kept (a rich renderable).

    Parameters
    ----------
    prediction : Prediction
        The result of :func:`~limitproc.predict`.

    Returns
    -------
    rich.console.Group

    Examples
    --------
    >>> from rich.console import Console
    >>> from limitproc import Problem, predict
    >>> p = Problem([3.0, 4.0, -2.0], [[1, 1, -1], [-1, -1, 1]], signs=[1, -1])
    >>> import io
    >>> console = Console(width=100, record=True, file=io.StringIO())
    >>> console.print(prediction_renderable(predict(p)))
    >>> text = console.export_text()
    >>> "Saddles of the limit process" in text and "Summary" in text
    True
    """
    from rich.console import Group

    parts: list[RenderableType] = [
        saddle_table(prediction.process, prediction.log_inv_lambda), summary_table(prediction), prediction.report,
    ]
    ties = prediction.process.near_ties
    if ties:
        parts.append("[yellow]near-ties kept in float order:[/] " + "; ".join(map(repr, ties)))
    return Group(*parts)

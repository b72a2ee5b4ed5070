"""The assumption report of spec §5: what holds, what fails, what was done.

Seed 002 Assumption 4: (i) every row and every column of the mask is
non-zero and the columns are pairwise distinct; (ii) labels are non-zero and
every argmin of Algorithm 1 is unique.  Each failure is reported with the
sensible behaviour of spec §5 that the calculator applied.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any

    from rich.table import Table

    from ..problem.problem import Problem
    from .algorithm1 import LimitProcess
    from .closed_forms import TwoPhase

__all__ = ["Check", "AssumptionReport", "assumption_report"]

_LISTED = 8


def _listed(values: Iterable[Any]) -> str:
    values = [int(v) for v in values]
    head = ", ".join(map(str, values[:_LISTED]))
    return head + (f", … ({len(values)} in all)" if len(values) > _LISTED else "")


@dataclass(frozen=True)
class Check:
    """One assumption: whether it holds, and what the calculator did.

    ``required`` is False for informational checks (the two-phase condition)
    that the theory of seed 002 does not need.

    Attributes
    ----------
    name : str
        Short name, e.g. ``"rows non-zero"``.
    reference : str
        Where the assumption comes from, e.g. ``"seed 002 Asm. 4(i)"``.
    holds : bool
        Whether it holds for this problem and process.
    detail : str
        What it means here and what the calculator did (spec §5).
    required : bool
        Whether the theory needs it (:attr:`AssumptionReport.ok`).
    """

    name: str
    reference: str
    holds: bool
    detail: str
    required: bool = True

    def to_dict(self) -> dict[str, Any]:
        """The check as JSON-ready values.

        Returns
        -------
        dict
            ``name``, ``reference``, ``holds``, ``required``, ``detail``.

        Examples
        --------
        >>> Check("labels non-zero", "seed 002 Asm. 4(ii)", True, "all labels non-zero").to_dict()["holds"]
        True
        """
        return {"name": self.name, "reference": self.reference, "holds": self.holds,
                "required": self.required, "detail": self.detail}


@dataclass(frozen=True)
class AssumptionReport:
    """Every check of spec §5 for one problem and its process.

    Attributes
    ----------
    checks : tuple of Check
        In the order of :func:`assumption_report`: inputs, balance, the parts
        of seed 002 Assumption 4, the mask, then informational checks.
    """

    checks: tuple[Check, ...]

    @property
    def ok(self) -> bool:
        """All required assumptions hold."""
        return all(c.holds for c in self.checks if c.required)

    @property
    def failures(self) -> tuple[Check, ...]:
        """The required checks that fail."""
        return tuple(c for c in self.checks if c.required and not c.holds)

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready values.

        Returns
        -------
        dict
            ``ok`` and ``checks`` (a list of :meth:`Check.to_dict`).

        Examples
        --------
        >>> from limitproc import Problem, limit_process
        >>> d = assumption_report(limit_process(Problem([3.0, 4.0], [[1, 1], [1, -1]], signs=[1, 1]))).to_dict()
        >>> d["ok"], d["checks"][0]["name"]
        (True, 'orthogonal inputs')
        """
        return {"ok": self.ok, "checks": [c.to_dict() for c in self.checks]}

    def __str__(self) -> str:
        return "\n".join(
            f"[{'ok' if c.holds else ('FAIL' if c.required else 'no')}] {c.name} ({c.reference}): {c.detail}"
            for c in self.checks
        )

    def __rich__(self) -> Table:
        from rich.table import Table

        table = Table(title="Assumptions (spec §5)", title_justify="left")
        table.add_column("assumption")
        table.add_column("source")
        table.add_column("holds")
        table.add_column("detail: what it means and what was done", overflow="fold")
        for c in self.checks:
            mark = "[green]yes[/]" if c.holds else ("[red]no[/]" if c.required else "[yellow]no[/]")
            table.add_row(c.name, c.reference, mark, c.detail)
        return table


def assumption_report(process: LimitProcess, two_phase: TwoPhase | None = None) -> AssumptionReport:
    """The checks of spec §5 for a :class:`~limitproc.process.algorithm1.LimitProcess`.

    Parameters
    ----------
    process : LimitProcess
        The output of :func:`~limitproc.process.algorithm1.limit_process`
        (its problem, mask, ties and near-ties).
    two_phase : TwoPhase, optional
        The closed forms of :func:`~limitproc.process.closed_forms.two_phase`:
        adds the informational two-phase check (seed 000 Assumption 3).

    Returns
    -------
    AssumptionReport
        Each assumption of seed 002 (Assumptions 1, 3, 4), whether it holds
        and what was done where it fails (spec §5).

    Examples
    --------
    >>> from limitproc import Problem, limit_process
    >>> p = Problem([1.0, 2.0, -1.0], [[1, -1, 1], [1, -1, 1]], signs=[1, 1])
    >>> report = assumption_report(limit_process(p))
    >>> report.ok, [c.name for c in report.failures]
    (False, ['rows non-zero', 'columns distinct'])
    """
    problem, mask = process.problem, process.mask
    y = problem.y
    checks = [_inputs_check(problem), _balance_check(problem)]
    rows = mask.zero_rows
    lost = problem.label_norm(rows) ** 2 / (2 * problem.n)
    checks.append(Check(
        "rows non-zero", "seed 002 Asm. 4(i)", rows.size == 0,
        "every datum has an initially active neuron of its label's sign" if rows.size == 0 else
        f"data {_listed(rows)} have no active neuron of their sign: never fitted, "
        f"final loss {lost:.6g} > 0",
    ))
    cols = mask.zero_columns
    checks.append(Check(
        "columns non-zero", "seed 002 Asm. 4(i)", cols.size == 0,
        "every neuron is active on some datum of its sign" if cols.size == 0 else
        f"neurons {_listed(cols)} are active on no datum of their sign: they never move",
    ))
    groups = mask.groups
    checks.append(Check(
        "columns distinct", "seed 002 Asm. 4(i)", not groups,
        "no two neurons share sign and active data" if not groups else
        f"{len(groups)} groups of equal columns merged, each acts as one neuron carried by its first "
        f"member (its total squared norm is reported): "
        + "; ".join("(" + ", ".join(map(str, g)) + ")" for g in groups[:_LISTED]),
    ))
    zeros = np.flatnonzero(y == 0)
    checks.append(Check(
        "labels non-zero", "seed 002 Asm. 4(ii)", zeros.size == 0,
        "all labels non-zero" if zeros.size == 0 else
        f"data {_listed(zeros)} have label 0: fitted from the start (residual already 0)",
    ))
    checks.append(_argmin_check(process))
    undecided = mask.undecided
    checks.append(Check(
        "mask decided", "spec §6", undecided.size == 0,
        "no inner product <z_j, x_i> is within rounding of 0" if undecided.size == 0 else
        f"{len(undecided)} (datum, neuron) pairs have |<z_j, x_i>| within rounding of 0, first "
        f"{tuple(int(v) for v in undecided[0])}: the mask was taken as computed",
    ))
    if two_phase is not None:
        checks.append(Check(
            "two-phase condition", "seed 000 Asm. 3", two_phase.condition,
            (f"S_+1 = {_listed(two_phase.neurons_plus) or '∅'}, S_-1 = {_listed(two_phase.neurons_minus) or '∅'}: "
             + ("one jump per label sign, the minimum-norm interpolator is reached" if two_phase.condition else
                "no neuron is active on all data of some sign: more jumps, norm above the minimum")),
            required=False,
        ))
    checks.append(Check(
        "independent sub-processes", "spec §3", True,
        f"{mask.n_components} connected components of the mask graph evolve independently",
        required=False,
    ))
    return AssumptionReport(tuple(checks))


def _inputs_check(problem: Problem) -> Check:
    """Which regime the inputs are in and why (docs/general-inputs.md §4)."""
    regime = problem.regime
    if problem.X is None:
        return Check("orthogonal inputs", "seed 002 Asm. 1", True, "orthonormal: the standard basis of R^n")
    if regime.orthogonal:
        if regime.unit_norms(regime.rounding):
            norms = f"norms within {regime.norm_deviation:.0e} of 1 (rounding): orthonormal"
        elif regime.unit_norms(problem.tol):
            norms = (f"||x_i||² within {regime.norm_deviation:.1e} of 1 (≤ tolerance {problem.tol:.0e}): taken as 1, "
                     f"rates and squared norms off by at most {regime.norm_deviation / 2:.1e} relative")
        else:
            norms = (f"norms {regime.norms.min():.6g} to {regime.norms.max():.6g}: rates from ||x_i|| y_i, "
                     "fits along y_i / ||x_i|| (docs/general-inputs.md §1)")
        return Check("orthogonal inputs", "seed 002 Asm. 1", True,
                     f"max |cos(x_i, x_k)| = {regime.max_cosine:.1e} ≤ rounding η_d = {regime.rounding:.1e}; {norms}")
    eps = regime.coupling
    scale = problem.coupling_scale
    if scale == 0:
        window = "no neuron sleeps on a datum of its sign, so the coupling wakes none"
    elif np.isfinite(scale):
        window = f"the mask holds for λ ≫ λ_c = {scale:.1e}; below it the coupling can wake sleeping components"
    else:
        window = "some neuron sits at exactly 0 on a datum of its sign: any coupling that pushes it up wakes it"
    return Check(
        "orthogonal inputs", "seed 002 Asm. 1", False,
        f"{regime.describe()}: the prediction is the orthogonal problem's with the same norms; rates, jump times "
        f"and squared norms within factors √(1 ± ε) (relative {eps / 2:.1e}), losses exact, while the jump order "
        f"holds (docs/general-inputs.md §4); {window}",
    )


def _balance_check(problem: Problem) -> Check:
    """Balanced, or unbalanced with effective signs (docs/general-inputs.md §3)."""
    if problem.balanced:
        return Check("balanced initialization", "seed 002 Asm. 3", True,
                     f"|a_j(0)| = ||w_j(0)|| within {problem.tol:.0e} relative, or signs given")
    offsets = problem.balance_offsets
    collapsed = problem.sign_collapses
    return Check(
        "balanced initialization", "seed 002 Asm. 3", False,
        f"{int(np.count_nonzero(offsets))} of {problem.m} neurons unbalanced ({int((offsets > 0).sum())} with "
        f"|a_j(0)| > ||w_j(0)||, which keep their sign); δ_j = a_j² − ||w_j||² is conserved (seed 000 Lemma 1) and "
        "O(λ²): the limit is that of the effective signs of the initial transient (docs/general-inputs.md §3)"
        + (f"; sign collapse of neurons {_listed(collapsed)} (seed 001 App. C)" if collapsed else ""),
        required=False,
    )


def _argmin_check(process: LimitProcess) -> Check:
    """Seed 002 Assumption 4(ii), argmin part: each jump of Algorithm 1 is the
    unique minimizer of the candidate times.  Two ways it fails are reported
    with what happened: an exact tie between neurons sharing unfitted data
    (outside the theory: refused, or broken by index with ``ties="first"``),
    and equal jump times of neurons with disjoint unfitted data (a
    simultaneous jump: the process is still well defined)."""
    name, source = "argmin unique", "seed 002 Asm. 4(ii)"
    exact = process.backend == "exact"
    # compared on the scaled labels, where the float backend decided them (finite where the times overflow)
    times = [float(s.tau) for s in process.jumps] if exact else list(process.scaled_times)
    taus = [s.tau for s in process.jumps] if exact else times
    broken = {tuple(pair) for _, pair in process.ties}
    simultaneous = [(a.neuron, b.neuron, process.jumps[i].tau)
                    for i, (a, b) in enumerate(zip(process.jumps, process.jumps[1:]))
                    if taus[i] == taus[i + 1] and (a.neuron, b.neuron) not in broken]
    together = ""
    if simultaneous:
        listed = ", ".join(f"{a}&{b} at τ = {tau}" for a, b, tau in simultaneous[:_LISTED])
        how = "exactly" if exact else "in float arithmetic"
        together = (f"neurons with disjoint unfitted data jump at the same time ({listed}; equal {how}): "
                    "a simultaneous jump, each fits its own data and the process goes on (spec §5)")
    if process.ties:
        pairs = "; ".join(f"neurons {a}&{b} at τ = {t}" for t, (a, b) in process.ties[:_LISTED])
        detail = (f"exact tie between neurons sharing unfitted data ({pairs}): outside the theory (spec §5); "
                  "predict refuses it (exit 2) unless --ties first, which lets the lowest-index neuron jump "
                  "and the other lose the shared data, as done here")
        return Check(name, source, False, detail + (f"; also {together}" if together else ""))
    if process.deferred:
        listed = "; ".join(t if isinstance(t, str) else f"neurons {t.neurons} gap {t.gap:.1e} ≤ bound {t.bound:.1e}"
                           for t in process.deferred)
        tie = f"; exact ties found: {together}" if simultaneous else "; the exact order was used"
        return Check(name, source, not simultaneous,
                     f"float near-tie ({listed}) decided by the exact backend{tie}")
    if process.near_ties:
        listed = "; ".join(f"neurons {t.neurons} gap {t.gap:.1e} ≤ bound {t.bound:.1e}" for t in process.near_ties)
        return Check(name, source, False,
                     f"float cannot order candidate times ({listed}); the float order was kept: rerun with --exact"
                     + (f"; also {together}" if together else ""))
    if simultaneous:
        return Check(name, source, False, together)
    how = "proved by exact arithmetic" if exact else "float order certain within its error bound"
    with np.errstate(over="ignore"):  # a gap beyond float64 in the labels' units is inf (out_of_range)
        gaps = np.diff(times) / (1.0 if exact else process.label_scale)
    return Check(name, source, True,
                 f"every jump decided ({how})" + (f"; smallest gap between jump times {gaps.min():.3g}" if gaps.size else ""))

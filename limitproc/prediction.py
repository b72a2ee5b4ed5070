"""Everything ``limitproc predict`` reports about one problem.

A :class:`Prediction` bundles the limit process (spec §3), the closed forms
of seed 000 (spec §4), the implicit-bias ratio, the resolution margin
(spec §8) and the assumption report (spec §5), with a JSON form of stable
schema (``docs/json-schema.md``) and an npz form.
"""

from dataclasses import dataclass, field

import numpy as np

from . import __version__
from .process.algorithm1 import limit_process
from .process.assumptions import assumption_report
from .process.closed_forms import two_phase
from .process.min_norm import implicit_bias_ratio, min_norm_sq

__all__ = ["Prediction", "predict", "SCHEMA_VERSION"]

#: Version of the JSON schema of :meth:`Prediction.to_dict`.
SCHEMA_VERSION = 1


@dataclass(frozen=True, eq=False)
class Prediction:
    """The limit process of a problem and what follows from it.

    Attributes
    ----------
    process : LimitProcess
    two_phase : TwoPhase
    min_sq_norm : number
        ``||θ*||² = 2(||y_+|| + ||y_−||)`` (seed 000 Proposition 1).
    ratio : number or None
        ``||θ_K||² / ||θ*||²`` when ``θ_K`` interpolates.
    report : AssumptionReport
    lam : float or None
        Initialization scale for un-accelerated times ``t = τ ln(1/λ)``.
    """

    process: object = field(repr=False)
    two_phase: object = field(repr=False)
    min_sq_norm: object
    ratio: object
    report: object = field(repr=False)
    lam: object = None

    @property
    def margin(self):
        return self.process.resolution_margin

    @property
    def log_inv_lambda(self):
        return None if self.lam is None else float(np.log(1.0 / self.lam))

    def to_dict(self):
        """JSON-ready dict, schema ``docs/json-schema.md``."""
        process, problem = self.process, self.process.problem
        exact = process.backend == "exact"
        scale = self.log_inv_lambda
        saddles = []
        for s in process.saddles:
            entry = {
                "k": s.k,
                "tau": float(s.tau),
                "t": None if scale is None else float(s.tau) * scale,
                "neuron": s.neuron,
                "group": list(s.group),
                "data": s.data.tolist(),
                "n_data": len(s.data),
                "rate": float(s.rate),
                "loss": float(s.loss),
                "sq_norm": float(s.sq_norm),
                "a": float(s.a),
            }
            if exact:
                entry["exact"] = {key: str(getattr(s, key)) for key in ("tau", "rate", "loss", "sq_norm", "a")}
            saddles.append(entry)
        final = process.final
        margin = self.margin
        out = {
            "schema_version": SCHEMA_VERSION,
            "limitproc_version": __version__,
            "backend": process.backend,
            "lambda": self.lam,
            "problem": {
                "n": problem.n,
                "d": problem.d,
                "m": problem.m,
                "standard_basis": problem.standard_basis,
                "n_positive": int((problem.y > 0).sum()),
                "n_negative": int((problem.y < 0).sum()),
                "positive_neurons": int((problem.signs > 0).sum()),
                "negative_neurons": int((problem.signs < 0).sum()),
                "gram_deviation": problem.gram_deviation,
            },
            "saddles": saddles,
            "final": {
                "K": process.K,
                "loss": float(final.loss),
                "sq_norm": float(final.sq_norm),
                "min_sq_norm": float(self.min_sq_norm),
                "ratio": None if self.ratio is None else float(self.ratio),
                "interpolates": process.interpolates,
            },
            "two_phase": self.two_phase.to_dict(self.lam),
            "resolution_margin": {
                "mu": None if margin.value == np.inf else float(margin.value),
                "k": margin.k,
                "neuron": margin.neuron,
                "competitor": margin.competitor,
                "largest_lambda": margin.largest_lambda(),
                "log10_largest_lambda": None if margin.value == 0 else margin.log10_largest_lambda(),
                "mu_log_inv_lambda": None if scale is None or margin.value == np.inf else float(margin.value) * scale,
            },
            "structure": {
                "components": process.mask.n_components,
                "mask_entries": process.mask.size,
                "zero_rows": process.mask.zero_rows.tolist(),
                "zero_columns": process.mask.zero_columns.tolist(),
                "groups": [list(g) for g in process.mask.groups],
            },
            "interactions": [
                {"k": i.k, "neuron": i.neuron, "old_rate": float(i.old_rate), "new_rate": float(i.new_rate),
                 "exponent": float(i.exponent)}
                for i in process.interactions
            ],
            "assumptions": self.report.to_dict(),
            "near_ties": [t.to_dict() for t in process.near_ties],
            "deferred_to_exact": [t.to_dict() for t in process.deferred],
            "ties_broken": [{"tau": float(t), "exact": str(t) if exact else None, "neurons": list(pair)}
                            for t, pair in process.ties],
        }
        if exact:
            out["final"]["exact"] = {
                "loss": str(final.loss), "sq_norm": str(final.sq_norm), "min_sq_norm": str(self.min_sq_norm),
                "ratio": None if self.ratio is None else str(self.ratio),
            }
            out["resolution_margin"]["exact"] = None if margin.value == np.inf else str(margin.value)
        return out

    def save_npz(self, path):
        """Arrays of the prediction (keys documented in ``docs/formats.md``)."""
        process = self.process
        jumps = process.jumps
        problem = process.problem
        arrays = {
            "tau": process.times,
            "neuron": np.array([s.neuron for s in jumps], dtype=np.int64),
            "loss": process.losses,
            "sq_norm": process.sq_norms,
            "rate": np.array([float(s.rate) for s in jumps]),
            "a": np.array([float(s.a) for s in jumps]),
            "data": np.concatenate([s.data for s in jumps]) if jumps else np.empty(0, dtype=np.int64),
            "data_offsets": np.cumsum([0] + [len(s.data) for s in jumps]),
            "coefficients": np.concatenate([np.asarray(s.coefficients, dtype=float) for s in jumps]) if jumps else np.empty(0),
            "initial_rates": np.array([float(r) for r in process.initial_rates]),
            "exponents_at_jumps": np.array([process.exponents(t) for t in [0.0] + process.times.tolist()]),
        }
        if problem.m * problem.d <= 10**7:
            arrays["final_a"], arrays["final_W"] = process.parameters()
        np.savez_compressed(path, **arrays)
        return path

    def __rich__(self):
        from .tables import prediction_renderable

        return prediction_renderable(self)


def predict(problem, *, lam=None, exact=False, near_ties="exact", ties="raise"):
    """Algorithm 1 and everything ``limitproc predict`` reports (spec §3–§5, §8).

    Examples
    --------
    >>> from limitproc import Problem
    >>> p = Problem([3.0, 4.0, -2.0], [[1, 1, -1], [-1, -1, 1]], signs=[1, -1])
    >>> result = predict(p, lam=1e-8)
    >>> [round(float(s.tau), 6) for s in result.process.jumps], result.ratio
    ([0.6, 1.5], 1.0)
    """
    if lam is not None and not 0 < lam < 1:
        raise ValueError(f"lam must be in (0, 1), got {lam}")
    process = limit_process(problem, exact=exact, near_ties=near_ties, ties=ties)
    exact_values = process.backend == "exact"
    phases = two_phase(problem, process.mask, exact_values)
    return Prediction(
        process=process,
        two_phase=phases,
        min_sq_norm=min_norm_sq(problem, exact_values),
        ratio=implicit_bias_ratio(process, exact_values),
        report=assumption_report(process, phases),
        lam=lam,
    )

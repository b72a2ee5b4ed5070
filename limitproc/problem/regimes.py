r"""How orthogonal the inputs are: their norms, their coupling and the regime.

``docs/general-inputs.md`` §4.  With ``c_i = ||x_i||`` and the cosine Gram
matrix ``Ĝ_ik = <x_i, x_k> / (c_i c_k)``, the inputs fall in one of three
regimes:

* **orthogonal**: ``max_{i≠k} |Ĝ_ik| ≤ η_d = 4 (γ_d + 2u)`` (``u = 2^-53``,
  ``γ_d = d u / (1 − d u)``): the computed cosines are what rounding makes of
  exactly orthogonal rows (each entry rounded once, ``2u``; the Gram entry
  computed in float64, ``γ_d``; a factor 4 for the orthogonalization that
  produced them).  The theory is exact, for rows of any norms.
* **near-orthogonal**: ``η_d < max |Ĝ_ik| ≤ tol`` and
  ``ε = ||Ĝ − I||_2 < ε* = min_i |y_i| c_i / ||y ∘ c||``.  Below ``ε*`` the
  coupling never outweighs an unfitted datum's own gradient (in the spirit of
  seed 001 Assumption 2), and the prediction of the orthogonal problem with
  the same norms holds to first order in ``ε``, for ``λ`` above the coupling
  scale ``λ_c`` (:func:`coupling_scale`).
* anything else is refused with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..errors import OrthonormalityError
from ..process.mask import rounding_bound

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = ["InputRegime", "classify_inputs", "coupling_scale", "rounding_threshold"]

_U = 2.0**-53
_MAX_LISTED = 3


def rounding_threshold(d: int) -> float:
    """``η_d = 4 (γ_d + 2u)``: the largest cosine rounding makes of exactly
    orthogonal rows of ``R^d`` (module docstring).

    Parameters
    ----------
    d : int
        Dimension of the inputs.

    Returns
    -------
    float
        ``η_d``.

    Examples
    --------
    >>> bool(2e-16 < rounding_threshold(2) < 3e-15)
    True
    """
    return 4.0 * (rounding_bound(d) + 2.0 * _U)


def row_norms(M: NDArray[np.float64]) -> NDArray[np.float64]:
    """Euclidean norms of the rows of ``M``, without overflow or underflow."""
    scale = np.abs(M).max(axis=1) if M.size else np.zeros(M.shape[0])
    safe = np.where(scale > 0, scale, 1.0)
    return scale * np.sqrt(((M / safe[:, None]) ** 2).sum(axis=1))


@dataclass(frozen=True, eq=False)
class InputRegime:
    """The geometry of the inputs (module docstring).

    Attributes
    ----------
    name : {"orthogonal", "near-orthogonal"}
    norms : ndarray, shape (n,)
        ``c_i = ||x_i||``.
    max_cosine : float
        ``max_{i≠k} |<x_i, x_k>| / (c_i c_k)`` (0 for one datum).
    pair : tuple of int or None
        Where it is attained.
    coupling : float
        ``ε = ||Ĝ − I||_2`` for near-orthogonal inputs, 0 for orthogonal ones
        (their cosines are rounding).
    rounding : float
        ``η_d``.
    ceiling : float
        ``ε* = min_i |y_i| c_i / ||y ∘ c||`` (``inf`` when every label is 0).
    tol : float
        The largest cosine the user accepts as near-orthogonal.
    gram_deviation : float
        ``max |<x_i, x_k> − 1[i = k]|``: the distance to spec §1's
        orthonormal inputs.
    """

    name: str
    norms: NDArray[np.float64]
    max_cosine: float
    pair: tuple[int, ...] | None
    coupling: float
    rounding: float
    ceiling: float
    tol: float
    gram_deviation: float

    @property
    def orthogonal(self) -> bool:
        """Whether the regime is ``"orthogonal"`` (cosines within rounding)."""
        return self.name == "orthogonal"

    @property
    def norm_deviation(self) -> float:
        """``max_i |c_i² − 1|``."""
        return float(np.abs(self.norms**2 - 1.0).max())

    def unit_norms(self, tol: float) -> bool:
        """Every ``|c_i² − 1| ≤ tol``.

        Parameters
        ----------
        tol : float
            The largest deviation of a squared norm from 1.

        Returns
        -------
        bool

        Examples
        --------
        >>> regime = classify_inputs(np.array([[-0.5, 1.0], [2.0, 1.0]]), np.array([-1.0, 1.0]), 1e-8)
        >>> regime.unit_norms(1e-8), regime.unit_norms(5.0)
        (False, True)
        """
        return self.norm_deviation <= tol

    def describe(self) -> str:
        """One line: the regime and the numbers that put the inputs in it.

        Returns
        -------
        str

        Examples
        --------
        >>> regime = classify_inputs(np.array([[-0.5, 1.0], [2.0, 1.0]]), np.array([-1.0, 1.0]), 1e-8)
        >>> regime.describe()
        'orthogonal: max |cos(x_i, x_k)| = 0.0e+00 at (0, 1) ≤ rounding η_d = 1.8e-15; norms 1.11803 to 2.23607'
        """
        if self.unit_norms(self.rounding):
            norms = "unit norms"
        elif self.unit_norms(self.tol):
            norms = f"||x_i||² within {self.norm_deviation:.1e} of 1"
        else:
            norms = f"norms {self.norms.min():.6g} to {self.norms.max():.6g}"
        if self.orthogonal:
            where = "" if self.pair is None else f" at {self.pair}"
            return (f"orthogonal: max |cos(x_i, x_k)| = {self.max_cosine:.1e}{where} ≤ rounding "
                    f"η_d = {self.rounding:.1e}; {norms}")
        return (f"near-orthogonal: max |cos(x_i, x_k)| = {self.max_cosine:.1e} at {self.pair} "
                f"(> rounding {self.rounding:.1e}, ≤ tolerance {self.tol:.0e}); ε = ||Ĝ − I||₂ = "
                f"{self.coupling:.1e} < ceiling ε* = {self.ceiling:.3g}; {norms}")


def _ceiling(y: NDArray[np.float64], norms: NDArray[np.float64]) -> float:
    weighted = np.abs(y) * norms
    total = float(np.linalg.norm(weighted))
    return float(weighted.min() / total) if total > 0 else np.inf


def classify_inputs(X: NDArray[np.float64] | None, y: NDArray[np.float64], tol: float) -> InputRegime:
    """The :class:`InputRegime` of inputs ``X`` (``None``: the standard basis)
    with labels ``y`` (scaled labels will do: only ratios enter), or an
    :class:`~limitproc.errors.OrthonormalityError` naming why they are
    refused (module docstring).

    Parameters
    ----------
    X : ndarray, shape (n, d), or None
        The inputs; ``None`` for the standard basis of ``R^n``.
    y : ndarray, shape (n,)
        The labels (only their ratios enter, through the ceiling ``ε*``).
    tol : float
        The largest cosine accepted as near-orthogonal.

    Returns
    -------
    InputRegime

    Raises
    ------
    OrthonormalityError
        More rows than dimensions, a zero row, a cosine above ``tol``, or a
        coupling ``ε`` at or above the ceiling ``ε*``.

    Examples
    --------
    >>> classify_inputs(np.array([[-0.5, 1.0], [2.0, 1.0]]), np.array([-1.0, 1.0]), 1e-8).name
    'orthogonal'
    """
    if X is None:
        n = len(y)
        return InputRegime("orthogonal", np.ones(n), 0.0, None, 0.0, rounding_threshold(n), _ceiling(y, np.ones(n)),
                           float(tol), 0.0)
    n, d = X.shape
    if n > d:
        raise OrthonormalityError(
            f"X has n = {n} rows in dimension d = {d}: at most d vectors of R^d are orthogonal"
        )
    norms = row_norms(X)
    zero = np.flatnonzero(norms == 0)
    if zero.size:
        raise OrthonormalityError(f"x_{zero[0]} is the zero vector ({zero.size} such rows): its output is always 0")
    unit = X / norms[:, None]
    cosines = np.abs(unit @ unit.T)
    np.fill_diagonal(cosines, 0.0)
    # spec §1's max |<x_i, x_k> − 1[i = k]|, from the same products
    deviation = max(float((cosines * norms[:, None] * norms[None, :]).max()), float(np.abs(norms**2 - 1.0).max()))
    eta = rounding_threshold(d)
    ceiling = _ceiling(y, norms)
    worst = float(cosines.max()) if n > 1 else 0.0
    pair = tuple(int(t) for t in np.unravel_index(np.argmax(cosines), cosines.shape)) if n > 1 else None
    if worst <= eta:
        return InputRegime("orthogonal", norms, worst, pair, 0.0, eta, ceiling, float(tol), deviation)
    if worst > tol:
        upper = np.triu(cosines)
        failing = int((upper > max(tol, eta)).sum())
        order = np.argsort(upper, axis=None)[::-1][: min(_MAX_LISTED, failing)]
        pairs = [tuple(int(t) for t in np.unravel_index(flat, upper.shape)) for flat in order]
        listed = ", ".join(f"{p} {upper[p]:.1e}" for p in pairs)
        raise OrthonormalityError(
            f"X rows are not orthonormal, nor orthogonal within the tolerance: max |cos(x_i, x_k)| = {worst:.1e} "
            f"at {pairs[0]} (tolerance {tol:.0e}, rounding {eta:.1e}); {failing} pairs fail, worst: {listed}"
            + ("" if worst >= ceiling else
               f"; near-orthogonal inputs are accepted up to the ceiling ε* = {ceiling:.3g} with a larger "
               "tolerance (docs/general-inputs.md §4)")
        )
    coupling = float(np.abs(np.linalg.eigvalsh(unit @ unit.T - np.eye(n))).max())
    if not coupling < ceiling:
        raise OrthonormalityError(
            f"X rows are too far from orthogonal: ε = ||Ĝ − I||₂ = {coupling:.3g} ≥ ceiling ε* = "
            f"min_i |y_i| ||x_i|| / ||y ∘ c|| = {ceiling:.3g} (max |cos(x_i, x_k)| = {worst:.1e} at {pair}): "
            "the coupling can outweigh a datum's own gradient, which the theory excludes "
            "(docs/general-inputs.md §4)"
        )
    return InputRegime("near-orthogonal", norms, worst, pair, coupling, eta, ceiling, float(tol), deviation)


def coupling_scale(
    regime: InputRegime,
    coordinates: NDArray[np.float64],
    init_norms: NDArray[np.float64],
    signs: NDArray[np.integer],
    y: NDArray[np.float64],
    columns: NDArray[np.bool_],
) -> float:
    """``λ_c = ε max_{j,k} sqrt(N_j) / |<W0_j, x_k>/||x_k|| |`` over neurons
    ``j`` with data and data ``k`` of their sign they are not active on, with
    ``N_j = ||(y/c)_{S_j}||`` on their column ``S_j`` (docs/general-inputs.md
    §4): above it the coupling cannot wake such a component before ``j``
    has jumped; 0 for orthogonal inputs.

    ``coordinates`` are ``<z_j, x_k>/||x_k||`` (m, n), ``columns`` the mask
    columns as an (m, n) boolean array.

    Parameters
    ----------
    regime : InputRegime
        The regime of the inputs (its ``coupling`` ``ε`` and norms).
    coordinates : ndarray, shape (m, n)
        ``<z_j, x_k>/||x_k||``.
    init_norms : ndarray, shape (m,)
        ``||W0_j||``.
    signs : ndarray, shape (m,)
        Effective output signs.
    y : ndarray, shape (n,)
        Labels divided by the label scale ``c``.
    columns : ndarray of bool, shape (m, n)
        The mask columns.

    Returns
    -------
    float
        ``λ_c`` in the units of the scaled labels (``inf`` when a sleeping
        coordinate is exactly 0); :attr:`Problem.coupling_scale
        <limitproc.problem.Problem.coupling_scale>` multiplies it by ``√c``.

    Examples
    --------
    The positive neuron is active on ``x_0`` only, with ``<W0, x_1> < 0``
    and ``cos(x_0, x_1) = 10^-4``:

    >>> from limitproc import Problem
    >>> X = np.array([[1.0, 0.0], [1e-4, np.sqrt(1 - 1e-8)]])
    >>> p = Problem([1.0, 1.0], [[1.0, -0.3]], signs=[1], X=X, tol=1e-3)
    >>> lam_c = coupling_scale(p.regime, p.data_coordinates(), p.init_norms, p.effective_signs,
    ...                        p.scaled_labels, p.effective_activity())
    >>> round(lam_c, 7), lam_c == p.coupling_scale
    (0.0003334, True)
    """
    if regime.orthogonal:
        return 0.0
    c = regime.norms
    reach = np.sqrt(np.sqrt(((columns * (y / c)) ** 2).sum(axis=1)))  # sqrt(N_j)
    asleep = (coordinates <= 0) & (signs[:, None] * y[None, :] > 0) & columns.any(axis=1, keepdims=True)
    if not asleep.any():
        return 0.0
    depth = np.abs(coordinates) * init_norms[:, None]
    with np.errstate(divide="ignore"):
        ratio = np.where(asleep, reach[:, None] / depth, 0.0)
    return float(regime.coupling * ratio.max())

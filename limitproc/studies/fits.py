"""Power-law fits in log-log coordinates (seed 002 Figure 5: ``||θ||² ∝ n^slope``)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from scipy.stats import linregress

if TYPE_CHECKING:
    from numpy.typing import ArrayLike, NDArray

__all__ = ["LogLogFit", "loglog_fit"]


@dataclass(frozen=True)
class LogLogFit:
    """Least-squares line ``ln y = slope · ln x + intercept``.

    Attributes
    ----------
    slope, intercept, stderr : float
        Slope, intercept and the standard error of the slope (NaN with two
        points).
    points : int
    """

    slope: float
    intercept: float
    stderr: float
    points: int

    def __call__(self, x: ArrayLike) -> NDArray[np.float64]:
        """The fitted ``y`` at ``x``.

        Parameters
        ----------
        x : array_like
            Positive abscissas.

        Returns
        -------
        ndarray
            ``e^intercept x^slope``, of the shape of ``x``.

        Examples
        --------
        >>> loglog_fit([1, 4, 16], [2, 4, 8])([9.0, 100.0])
        array([ 6., 20.])
        """
        return np.exp(self.intercept) * np.asarray(x, dtype=float) ** self.slope

    def __str__(self) -> str:
        error = "" if math.isnan(self.stderr) else f" ± {self.stderr:.3f}"
        return f"slope {self.slope:.3f}{error} ({self.points} points)"


def loglog_fit(x: ArrayLike, y: ArrayLike) -> LogLogFit:
    """Fit a power law ``y ≈ C x^slope`` by least squares in log-log.

    Points with a non-positive or non-finite coordinate are left out.

    Parameters
    ----------
    x, y : array_like
        The points.

    Returns
    -------
    LogLogFit

    Raises
    ------
    ValueError
        Fewer than two distinct positive ``x`` values are left.

    Examples
    --------
    >>> fit = loglog_fit([1, 4, 16, 64], [2, 4, 8, 16])
    >>> round(fit.slope, 6), round(float(np.exp(fit.intercept)), 6)
    (0.5, 2.0)
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    keep = (x > 0) & (y > 0) & np.isfinite(x) & np.isfinite(y)
    lx, ly = np.log(x[keep]), np.log(y[keep])
    if lx.size < 2 or np.ptp(lx) == 0:
        raise ValueError(f"a log-log fit needs at least two distinct positive x values, got {lx.size}")
    fit = linregress(lx, ly)
    stderr = float(fit.stderr) if lx.size > 2 else math.nan
    return LogLogFit(float(fit.slope), float(fit.intercept), stderr, int(lx.size))

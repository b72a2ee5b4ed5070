r"""The predicted loss curve at a finite λ and the rate after the last saddle.

Seeds digest F12, F14, §5.3; derivation in ``docs/finite-lambda.md`` §3–§4.
Each fitted block relaxes from its logistic along the neural tangent kernel
of the fitted neurons, ``K = Σ_l n r_l (d_l d_lᵀ + I_{I_l}) + Σ_{later j}
a_j² 1[A_ij]`` (the last term: neurons that jump later keep a positive
remnant on the data fitted before them).  The directions orthogonal to
``d_l`` start at size ``O(λ)`` and the remnants are kicked in at size
``λ^{e}``; :class:`_Block` integrates the linear relaxation of every block
with these amplitudes, and :func:`loss_blocks` builds them from the offsets of
:mod:`limitproc.finite.offsets`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .offsets import LOGISTIC_TAIL, logistic

if TYPE_CHECKING:
    from numpy.typing import ArrayLike, NDArray

    from .corrections import FiniteLambdaPrediction

__all__ = ["RATE_WINDOW", "SLOPE_LEVELS", "fitted_rate", "loss_blocks", "ntk_blocks", "window_rate", "local_slope"]

#: ``FiniteLambdaPrediction.rate`` is the decay rate of ``L − L(θ_K)`` fitted
#: (least squares on ``ln(L − L(θ_K))``) over the times where that excess falls
#: from the first to the second of these fractions of ``L(θ_0) − L(θ_K)``.
#: The lower end is where a simulation at the default ``rtol = 1e-10`` still
#: resolves the residuals to about 1e-4 relative (their size there is about
#: ``1e-5 ||y||``); a single level at 1e-12 was not (``docs/finite-lambda.md`` §3.2).
RATE_WINDOW = (1e-6, 1e-10)

#: Levels (fractions of ``L(θ_0) − L(θ_K)``) at which :meth:`FiniteLambdaPrediction.to_dict`
#: lists the predicted local rate :meth:`~FiniteLambdaPrediction.slope`: a run
#: stopped early is compared at the level its loss reached.
SLOPE_LEVELS = (1e-2, 1e-4, 1e-6, 1e-8, 1e-10, 1e-12)

#: Solver of the growth windows of :class:`_Block`: the block relaxes fast
#: while a later group grows slowly, a stiff linear system (DOP853 was
#: measured to leave error floors of 1e-7 on long windows).
_WINDOW_METHOD = "BDF"

#: Residuals below this fraction of a block's labels are left out of the
#: relaxation model (a loss below ``1e-40`` of the block's drop).
_FLOOR = 1e-20




# -- the loss curve and the final rate ------------------------------------------------


def _sqrt_logistic(n_rate, rate, t, t_half):
    """``b = sqrt(u)`` and ``db/dt`` of a logistic ``u = n r/(1 + e^{-2r(t − t_half)})``."""
    x = 2.0 * rate * (t - t_half)
    b = np.sqrt(n_rate * logistic(-x))
    return b, b * rate * logistic(x)


class _Segment:
    """Constant coefficients ``M`` from ``t0`` on: ``z(t) = e^{M (t − t0)} z(t0)``.

    Outside the growth windows ``db_G/dt = 0`` and ``M`` has the form
    ``[[S, 0], [C, 0]]`` with ``S`` symmetric (``leading`` rows): then, with
    ``S = V diag(λ) Vᵀ``, ``e^{Mt} = [[V e^{λt} Vᵀ, 0], [C V φ(t) Vᵀ, I]]``,
    ``φ = (e^{λt} − 1)/λ`` (a symmetric eigendecomposition, always well
    conditioned).  Other matrices use an eigendecomposition when it is well
    conditioned, matrix exponentials otherwise.
    """

    def __init__(self, t0, matrix, leading=None, step=0.0):
        self.t0, self.matrix, self.step = t0, matrix, step
        self.eigen = self.symmetric = None
        p = leading
        if (p is not None and np.array_equal(matrix[:p, :p], matrix[:p, :p].T)
                and not matrix[:p, p:].any() and not matrix[p:, p:].any()):
            values, vectors = np.linalg.eigh(matrix[:p, :p])
            self.symmetric = p, values, vectors, matrix[p:, :p] @ vectors
            return
        if step:
            raise ValueError("gradient descent's constant segments have the symmetric form [[S, 0], [C, 0]]")
        values, vectors = np.linalg.eig(matrix)
        inverse = np.linalg.inv(vectors)
        k = matrix.shape[0]
        # 1-norm condition number, within a factor k of the 2-norm one
        if np.all(np.isfinite(inverse)) and np.abs(vectors).sum(0).max() * np.abs(inverse).sum(0).max() < 1e8 / k:
            self.eigen = values, vectors, inverse

    def _growth_factors(self, times):
        p, values, _, _ = self.symmetric
        dt = np.asarray(times, dtype=float) - self.t0
        if self.step:  # gradient descent: (1 + h λ)^{t/h}, the sign of 1 + hλ once per step
            h = self.step
            base = 1.0 + h * values
            with np.errstate(divide="ignore"):
                log_base = np.log(np.abs(base)) / h
            growth = np.exp(np.outer(dt, log_base))
            odd = np.outer(np.floor(dt / h + 1e-9), np.ones(values.size)) % 2 == 1
            growth = np.where(odd & (base < 0), -growth, growth)
            with np.errstate(divide="ignore", invalid="ignore"):
                phi = np.where(values != 0.0, (growth - 1.0) / values, dt[:, None])
            return growth, phi
        lt = np.outer(dt, values)
        with np.errstate(divide="ignore", invalid="ignore"):
            phi = np.where(values != 0.0, np.expm1(lt) / values, dt[:, None])
        return np.exp(lt), phi

    def exponentials(self, times):
        """``e^{M (t − t0)}`` at each time, shape (T, k, k)."""
        dt = np.asarray(times, dtype=float) - self.t0
        if self.symmetric is not None:
            p, _, V, CV = self.symmetric
            decay, phi = self._growth_factors(times)
            k = self.matrix.shape[0]
            out = np.zeros((dt.size, k, k))
            out[:, :p, :p] = (V[None] * decay[:, None, :]) @ V.T
            out[:, p:, :p] = (CV[None] * phi[:, None, :]) @ V.T
            out[:, p:, p:] = np.eye(k - p)
            return out
        if self.eigen is not None:
            values, vectors, inverse = self.eigen
            scaled = np.exp(np.outer(dt, values))[:, None, :] * vectors[None]
            return (scaled @ inverse).real
        from scipy.linalg import expm

        return np.array([expm(self.matrix * s) for s in dt])

    def propagate(self, times, z0):
        """``e^{M (t − t0)} z0`` at each time, shape (T, k)."""
        if self.symmetric is not None:
            p, _, V, CV = self.symmetric
            decay, phi = self._growth_factors(times)
            w = V.T @ z0[:p]
            return np.hstack([(decay * w) @ V.T, z0[p:] + (phi * w) @ CV.T])
        if self.eigen is None:
            return self.exponentials(times) @ z0
        values, vectors, inverse = self.eigen
        dt = np.asarray(times, dtype=float) - self.t0
        return ((np.exp(np.outer(dt, values)) * (inverse @ z0)) @ vectors.T).real

    def first_rows(self, times):
        """First rows of ``e^{M (t − t0)}``, shape (T, k)."""
        if self.symmetric is not None:
            p, _, V, _ = self.symmetric
            decay, _ = self._growth_factors(times)
            out = np.zeros((decay.shape[0], self.matrix.shape[0]))
            out[:, :p] = (decay * V[0]) @ V.T
            return out
        if self.eigen is None:
            return self.exponentials(times)[:, 0, :]
        values, vectors, inverse = self.eigen
        dt = np.asarray(times, dtype=float) - self.t0
        return ((np.exp(np.outer(dt, values)) * vectors[0]) @ inverse).real


class _Block:
    """Residual of the data fitted by one jump, after its logistic (module
    docstring, "Loss curve and rate"; ``docs/finite-lambda.md`` §4).

    ``R`` (signs flipped so that the labels are positive) and the remnants
    ``C_G`` of the later jumping groups active on the block obey

    .. math::

        \\dot R = -r (R + d\\, d^T R) - Σ_G \\frac{u_G}{n} E_G R + Σ_G \\dot b_G E_G C_G,
        \\qquad \\dot C_G = -\\frac{b_G}{n} E_G^T R ,

    with ``b_G = sqrt(u_G)`` the logistic growth of group ``G``.  Data with the
    same later groups form a class; along ``ŷ_c`` the classes couple through
    ``d`` (state ``α_c``, and ``γ`` for the remnants); orthogonally to it each
    class evolves by a small matrix acting alike on all its coordinates, so
    only its fundamental matrix ``Φ_c`` and the Gram matrix of the initial
    vectors are needed.  The coefficients are constant outside the growth
    windows ``|t − t_G| ≤ 20/r_G`` (matrix exponentials there) and integrated
    inside them.
    """

    def __init__(self, n, rate, t_half, labels, perp, later, start, profile=None, step=0.0):
        from .jumps import jump_profile

        self.n, self.rate, self.t_half, self.start = n, rate, t_half, start
        self.step = float(step)
        # the jump's own fit (logistic, or gradient descent's discrete logistic)
        self.profile = jump_profile(labels, np.ones(labels.size), n, step) if profile is None else profile
        self.later_profiles = [item[4] if len(item) > 4 else None for item in later]
        self.norm = float(np.linalg.norm(labels))
        d = labels / self.norm
        self.perp_sq = float(perp @ perp)  # ||W||², the O(λ) part orthogonal to d
        # later groups: n r_G, r_G, t_G and {position in block: remnant component}
        self.later_nr = np.array([item[0] for item in later], dtype=float)
        self.later_rate = np.array([item[1] for item in later], dtype=float)
        self.later_t = np.array([item[2] for item in later], dtype=float)
        keys = [tuple(G for G, item in enumerate(later) if pos in item[3]) for pos in range(d.size)]
        self.classes = sorted(set(keys))
        members = [np.array([p for p, key in enumerate(keys) if key == c]) for c in self.classes]
        P = len(self.classes)
        self.eta = np.array([np.linalg.norm(d[idx]) for idx in members])
        self.member = np.zeros((P, len(later)))
        for ci, c in enumerate(self.classes):
            self.member[ci, list(c)] = 1.0
        p0 = float(self.profile.residual(start - t_half)[0, 0])
        R0 = -self.norm * p0 * d + np.sqrt(n * rate * abs((1.0 - p0) * p0)) * perp
        along, gammas, self.grams = [], [], []
        for c, idx in zip(self.classes, members):
            yhat = d[idx] / np.linalg.norm(d[idx])
            alpha = float(yhat @ R0[idx])
            rows = [R0[idx] - alpha * yhat]
            for G in c:
                vec = np.array([later[G][3][p] for p in idx])
                gammas.append(float(yhat @ vec))
                rows.append(vec - gammas[-1] * yhat)
            along.append(alpha)
            rows = np.array(rows)
            self.grams.append(rows @ rows.T)
        pairs = [(ci, G) for ci, c in enumerate(self.classes) for G in c]
        self.pair_class = np.array([ci for ci, _ in pairs], dtype=int)
        self.pair_group = np.array([G for _, G in pairs], dtype=int)
        self.P, self.Q = P, len(pairs)
        self.sizes = [1 + len(c) for c in self.classes]
        # classes of equal size are integrated as one stack
        self.stacks = []
        for k in sorted(set(self.sizes)):
            which = np.array([ci for ci, size in enumerate(self.sizes) if size == k], dtype=int)
            groups = np.array([self.classes[ci] for ci in which], dtype=int).reshape(which.size, k - 1)
            self.stacks.append((k, which, groups))
        self._build(np.array(along + gammas, dtype=float))

    # coefficients ---------------------------------------------------------------------

    def _growth(self, t, phase=None):
        """``(b_G, db_G/dt)`` at ``t``; ``phase`` forces the constant values
        (``False``: before the growth, ``True``: after)."""
        if phase is not None:
            return np.where(phase, np.sqrt(self.later_nr), 0.0), np.zeros(self.later_nr.size)
        if not self.step:
            return _sqrt_logistic(self.later_nr, self.later_rate, t, self.later_t)
        pairs = [profile.growth(t - t_G) for profile, t_G in zip(self.later_profiles, self.later_t)]
        return np.array([float(b) for b, _ in pairs]), np.array([float(db) for _, db in pairs])

    def _decay(self, matrix):
        """Gradient descent: the symmetric decay ``S`` of the residual per unit
        time becomes ``ln(I + h S)/h`` (``R ← (I − h K/n) R`` per step,
        ``docs/gradient-descent.md`` §8; ``ln |1 + h λ|`` beyond the
        stability limit of one step, where the mode alternates)."""
        if not self.step:
            return matrix
        if matrix.ndim == 1:
            return np.log(np.abs(1.0 + self.step * matrix)) / self.step
        values, vectors = np.linalg.eigh(matrix)
        mapped = (vectors * (np.log(np.abs(1.0 + self.step * values)) / self.step)) @ vectors.T
        return 0.5 * (mapped + mapped.T)

    def _matrices(self, b, bdot, mapped=True):
        """The along matrix and the per-class matrices: the generators of the
        windows (``mapped``: gradient descent's ``ln(I + h S)/h``), or the
        raw ``S`` of the constant segments, which :class:`_Segment` raises to
        the powers ``(1 + h λ)^{t/h}`` itself."""
        decay = self._decay if mapped else (lambda matrix: matrix)
        n, r, P = self.n, self.rate, self.P
        U = self.member @ b**2 / n
        M = np.zeros((P + self.Q, P + self.Q))
        M[:P, :P] = decay(-r * np.outer(self.eta, self.eta) - np.diag(r + U))
        own = decay(-(r + U))
        q = np.arange(self.Q)
        M[self.pair_class, P + q] = bdot[self.pair_group]
        M[P + q, self.pair_class] = -b[self.pair_group] / n
        A = []
        for ci, c in enumerate(self.classes):
            k = len(c) + 1
            block = np.zeros((k, k))
            block[0, 0] = own[ci]
            block[0, 1:] = bdot[list(c)]
            block[1:, 0] = -b[list(c)] / n
            A.append(block)
        return M, A

    def _window_rhs(self, t, state):
        n, r, P, Q = self.n, self.rate, self.P, self.Q
        b, bdot = self._growth(t)
        U = self.member @ b**2 / n
        alpha, gamma = state[:P], state[P:P + Q]
        if self.step:
            dalpha = self._decay(-r * np.outer(self.eta, self.eta) - np.diag(r + U)) @ alpha
        else:
            dalpha = -(r + U) * alpha - r * self.eta * (self.eta @ alpha)
        own = self._decay(-(r + U))
        dalpha += np.bincount(self.pair_class, bdot[self.pair_group] * gamma, minlength=P)
        out = [dalpha, -b[self.pair_group] / n * alpha[self.pair_class]]
        offset = P + Q
        for k, which, groups in self.stacks:
            size = which.size * k * k
            Psi = state[offset:offset + size].reshape(which.size, k, k)
            new = np.empty_like(Psi)
            new[:, 0, :] = (own[which][:, None] * Psi[:, 0, :]
                            + np.einsum("nq,nqj->nj", bdot[groups], Psi[:, 1:, :]))
            new[:, 1:, :] = -(b[groups] / n)[:, :, None] * Psi[:, None, 0, :]
            out.append(new.ravel())
            offset += size
        return np.concatenate(out)

    def _window_jac(self, t, state):
        """The (constant in the state) Jacobian of :meth:`_window_rhs`, sparse."""
        from scipy.sparse import block_diag, identity, kron

        M, A = self._matrices(*self._growth(t))
        blocks = [M]
        for k, stacked, _ in self.stacks:
            blocks.extend(kron(A[ci], identity(k)) for ci in stacked)
        return block_diag(blocks, format="csc")

    def _pack(self, matrices):
        return np.concatenate([np.array([matrices[ci] for ci in which]).ravel() for _, which, _ in self.stacks])

    def _unpack(self, flat):
        out = [None] * self.P
        offset = 0
        for k, which, _ in self.stacks:
            size = which.size * k * k
            for ci, Psi in zip(which, flat[offset:offset + size].reshape(which.size, k, k)):
                out[ci] = Psi
            offset += size
        return out

    def _build(self, z):
        """Segments from ``start`` on: constant ones and growth windows."""
        windows = sorted((tg - LOGISTIC_TAIL / r, tg + LOGISTIC_TAIL / r) for r, tg in zip(self.later_rate, self.later_t))
        merged = []
        for lo, hi in windows:
            if hi <= self.start:
                continue
            lo = max(lo, self.start)
            if merged and lo <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], hi)
            else:
                merged.append([lo, hi])
        t = self.start
        Phis = [np.eye(k) for k in self.sizes]
        self.segments = []
        for lo, hi in merged + [[np.inf, np.inf]]:
            M, A = self._matrices(*self._growth(t, self.later_t <= t), mapped=False)
            constant = (_Segment(t, M, self.P, self.step), [_Segment(t, a, 1, self.step) for a in A])
            self.segments.append(("const", t, z, Phis, constant))
            if not np.isfinite(lo):
                break
            if lo > t:
                z = constant[0].propagate([lo], z)[0]
                Phis = [seg.exponentials([lo])[0] @ Phi for seg, Phi in zip(constant[1], Phis)]
            # growth window: the scaled along state and fresh fundamental matrices
            scale = float(np.linalg.norm(z)) or 1.0
            state0 = np.concatenate([z / scale, self._pack([np.eye(k) for k in self.sizes])])
            from scipy.integrate import solve_ivp

            sol = solve_ivp(self._window_rhs, (lo, hi), state0, method=_WINDOW_METHOD, rtol=1e-10, atol=1e-12,
                            dense_output=True, **({"jac": self._window_jac} if _WINDOW_METHOD != "DOP853" else {}))
            self.segments.append(("window", lo, sol, scale, Phis))
            end = sol.y[:, -1]
            z = end[: self.P + self.Q] * scale
            Phis = [Psi @ Phi for Psi, Phi in zip(self._unpack(end[self.P + self.Q:]), Phis)]
            t = hi

    # evaluation -----------------------------------------------------------------------

    def _late_loss(self, t):
        """Loss of the block at sorted times ``t ≥ start``."""
        out = np.empty(t.size)
        starts = [seg[1] for seg in self.segments]
        which = np.searchsorted(starts, t, side="right") - 1
        for s in np.unique(which):
            sel = which == s
            seg = self.segments[s]
            if seg[0] == "const":
                _, _, z0, Phis, (along, classes) = seg
                z = along.propagate(t[sel], z0)
                rows = [runner.first_rows(t[sel]) @ Phi for runner, Phi in zip(classes, Phis)]
            else:
                _, _, sol, scale, Phis = seg
                states = sol.sol(t[sel]).T
                z = states[:, : self.P + self.Q] * scale
                rows = [None] * self.P
                offset = self.P + self.Q
                for k, stacked, _ in self.stacks:
                    size = stacked.size * k * k
                    first = states[:, offset:offset + size].reshape(-1, stacked.size, k, k)[:, :, 0, :]
                    for position, ci in enumerate(stacked):
                        rows[ci] = first[:, position, :] @ Phis[ci]
                    offset += size
            total = (z[:, : self.P] ** 2).sum(axis=1)
            for row, gram in zip(rows, self.grams):
                total += np.einsum("ti,ij,tj->t", row, gram, row)
            out[sel] = total
        return out / (2.0 * self.n)

    def loss(self, t):
        """``||R(t)||² / (2n)`` of the block (logistic and ``O(λ)`` orthogonal
        part before ``start``, the linear relaxation after)."""
        t = np.asarray(t, dtype=float)
        flat = t.ravel()
        out = np.empty(flat.shape)
        early = flat < self.start
        p = self.profile.residual(flat[early] - self.t_half)[:, 0]
        out[early] = (self.norm**2 * p**2 + self.perp_sq * self.n * self.rate * np.abs((1.0 - p) * p)) / (2.0 * self.n)
        if (~early).any():
            order = np.argsort(flat[~early])
            late = np.empty(order.size)
            late[order] = self._late_loss(flat[~early][order])
            out[~early] = late
        return out.reshape(t.shape)


def ntk_blocks(process):
    """Final NTK ``K/n`` per fitted block and the remnant structure (module
    docstring): ``r_l (I + d dᵀ) + diag(Σ_{later G active} n r_G)/n``.

    Inputs of any norms (``docs/general-inputs.md`` §6): ``∂h(x_i)/∂a = c_i ω_i``
    and ``∂h(x_i)/∂w = a x_i`` give ``K_ik = c_i c_k ω_i ω_k + a² c_i² δ_ik`` on
    a block fitted with ``a² = N``, ``ω_i = y_i/(c_i √N)``, i.e.
    ``(y yᵀ/N + N diag(c²))/n``, plus ``N_G c_i²/n`` for a later group active
    on datum ``i``; for unit norms this is the expression above
    (``docs/finite-lambda.md`` §3.1).

    Parameters
    ----------
    process : LimitProcess

    Returns
    -------
    list of ndarray
        One symmetric matrix per jump, on the data it fitted.

    Examples
    --------
    Block 1 is ``r_1 (I + d dᵀ)`` with ``r_1 = 5/6``, ``d ∝ (3, 4)``; block 2
    is ``r_2 = 1/3``; the smallest eigenvalue is the asymptotic rate:

    >>> from limitproc import Problem, limit_process
    >>> p = Problem([1.5, 2.0, -1.0], [[1, 1, -1], [-1, -1, 1]], signs=[1, -1])
    >>> [K.round(4).tolist() for K in ntk_blocks(limit_process(p))]
    [[[1.1333, 0.4], [0.4, 1.3667]], [[0.6667]]]
    """
    problem, mask = process.problem, process.mask
    blocks = []
    general = bool(problem.extensions)
    c = problem.input_norms
    for s in process.jumps:
        data = s.data
        if general:
            y = problem.y[data]
            N = float(s.a) ** 2
            diag = N * c[data] ** 2
            for later in process.jumps[s.k:]:
                active = np.isin(data, mask.data_of(later.neuron))
                diag[active] += float(later.a) ** 2 * c[data][active] ** 2
            blocks.append((np.outer(y, y) / N + np.diag(diag)) / problem.n)
            continue
        r = float(s.rate)
        labels = np.abs(problem.y[data])
        d = labels / np.linalg.norm(labels)
        diag = np.full(data.size, r)
        for later in process.jumps[s.k:]:
            active = np.isin(data, mask.data_of(later.neuron))
            diag[active] += float(later.rate)
        blocks.append(np.diag(diag) + r * np.outer(d, d))
    return blocks


class _DenseBlock:
    """Residual of the data fitted by one jump beyond spec §1 (inputs of any
    norms, unbalanced initializations; ``docs/general-inputs.md`` §6).

    Until ``start`` the residual is the jump's own one-neuron fit
    (:class:`~limitproc.finite.jumps.JumpProfile`: ``R_i = y_i p_κ(t − t_k)``);
    from then on the linear relaxation ``dR/dt = −(K(t)/n) R`` along the NTK
    of :func:`ntk_blocks` (``R ← (I − h K/n) R`` per step of gradient
    descent), where each later group active on the block adds its diagonal
    term ``N_G c_i²/n`` from its half-fit time on.  Left out (derived for
    unit norms only, ``docs/finite-lambda.md`` §2.2): the ``O(λ)`` part
    orthogonal to the fit and the ``λ^e`` kicks of the remnants, which only
    move the loss below ``λ²`` of the drop and the fast modes of early blocks.
    """

    def __init__(self, n, labels, norms, profile, t_half, later, start, step=0.0):
        self.n, self.t_half, self.start, self.step = n, t_half, start, float(step)
        self.profile = profile
        self.rate = profile.rate
        y = np.abs(np.asarray(labels, dtype=float))
        self.y2 = y**2
        self.classes = profile.classes
        base = (np.outer(y, y) / profile.fit + profile.fit * np.diag(norms**2)) / n
        R = y * profile.residual(start - t_half)[0][self.classes]
        self.segments = []
        t = start
        extra = np.zeros(y.size)
        for t_G, N_G, active in sorted(later, key=lambda item: item[0]) + [(np.inf, 0.0, None)]:
            if t_G <= t:
                extra[active] += N_G * norms[active] ** 2 / n
                continue
            values, vectors = np.linalg.eigh(base + np.diag(extra))
            rates = values if not self.step else -np.log(np.abs(1.0 - self.step * values)) / self.step
            signs = np.where(1.0 - self.step * values < 0, -1.0, 1.0)
            self.segments.append((t, vectors.T @ R, rates, signs, vectors))
            if not np.isfinite(t_G):
                break
            R = vectors @ (self._decay(self.segments[-1], t_G))
            t = t_G
            extra[active] += N_G * norms[active] ** 2 / n

    def _decay(self, segment, t):
        t0, coefficients, rates, signs, _ = segment
        factor = np.exp(-rates * (t - t0))
        if self.step:
            odd = np.floor((t - t0) / self.step + 1e-9) % 2 == 1
            factor = np.where(odd, signs * factor, factor)
        return coefficients * factor

    def loss(self, t):
        """``||R(t)||² / (2n)`` of the block (class docstring)."""
        t = np.asarray(t, dtype=float)
        flat = t.ravel()
        out = np.empty(flat.shape)
        early = flat < self.start
        p = self.profile.residual(flat[early] - self.t_half)[:, self.classes]
        out[early] = (p**2 @ self.y2) / (2.0 * self.n)
        starts = [segment[0] for segment in self.segments]
        late = np.flatnonzero(~early)
        which = np.searchsorted(starts, flat[late], side="right") - 1
        for k in np.unique(which):
            chosen = late[which == k]
            segment = self.segments[k]
            out[chosen] = [float((self._decay(segment, v) ** 2).sum()) for v in flat[chosen]]
        out[late] /= 2.0 * self.n
        return out.reshape(t.shape)


def _start(rate, t_half, later_times):
    """The linear relaxation starts once the jump's own fit is over (``p = e^{-2}``
    at least), or halfway to the next jump that acts on the block."""
    nearest = min([tg for tg in later_times if tg > t_half], default=np.inf)
    return t_half + max(2.0 / rate, min(10.0 / rate, 0.5 * (nearest - t_half)))


def _dense_blocks(process, offsets, times, progress=None):
    """One :class:`_DenseBlock` per jump (inputs of any norms, unbalanced initializations)."""
    problem, mask = process.problem, process.mask
    c = problem.input_norms
    out = []
    for s in process.jumps:
        data = s.data
        t_half = float(times[s.k - 1])
        later = []
        for s2 in process.jumps[s.k:]:
            if float(s2.tau) == float(s.tau):
                continue
            active = np.isin(data, mask.data_of(s2.neuron))
            if active.any():
                later.append((float(times[s2.k - 1]), float(s2.a) ** 2, active))
        profile = offsets.profiles[s.k - 1]
        start = _start(profile.rate, t_half, [item[0] for item in later])
        out.append(_DenseBlock(problem.n, problem.y[data], c[data], profile, t_half, later, start, process.step))
        if progress is not None:
            progress("relaxation", len(out), process.K)
    return tuple(out)


def loss_blocks(process, offsets, L, times, progress=None):
    """One :class:`_Block` per jump, with the O(λ) orthogonal amplitudes and
    the ``λ^e`` remnants of the later jumping groups; ``progress("relaxation",
    done, K)`` is called after each.  Beyond spec §1's setting (inputs of any
    norms, unbalanced initializations): :class:`_DenseBlock`.

    ``docs/finite-lambda.md`` §2 (the logistic and its ``O(λ)`` and ``λ^e``
    amplitudes) and §3.1 (the relaxation along the NTK).

    Parameters
    ----------
    process : LimitProcess
    offsets : LogNormOffsets
        :func:`~limitproc.finite.offsets.log_norm_offsets` of ``process``.
    L : float
        ``ln(1/λ)``.
    times : ndarray, shape (K,)
        The corrected jump times ``τ_k L + C_k``.
    progress : callable, optional
        ``progress("relaxation", done, K)``.

    Returns
    -------
    tuple
        One block per jump; ``block.loss(t)`` is its part of ``L(t) − L(θ_K)``.

    Examples
    --------
    Each block holds half its drop at its jump's corrected time:

    >>> from limitproc import Problem, limit_process
    >>> from limitproc.finite import finite_lambda
    >>> p = Problem([1.5, 2.0, -1.0], [[1, 1, -1], [-1, -1, 1]], signs=[1, -1])
    >>> pred = finite_lambda(limit_process(p), 1e-8)
    >>> blocks = loss_blocks(pred.process, pred.offsets, pred.log_inv_lam, pred.times)
    >>> [round(b.rate, 4) for b in blocks]
    [0.8333, 0.3333]
    >>> blocks[0].loss(np.array([0.0, pred.times[0]])).round(4).tolist()
    [1.0417, 0.2604]
    """
    if process.problem.extensions or offsets._states is None:
        return _dense_blocks(process, offsets, times, progress)
    problem, mask = process.problem, process.mask
    n = problem.n
    lam_log = -L
    states = offsets._states
    shares = offsets.shares
    profiles = offsets.profiles
    remnants = {}  # (jump k, leader) -> log size of the along part
    for step in offsets.realignments:
        for k, log_size in zip(step.jumps, step.remnant):
            remnants[(k, step.neuron)] = step.exponent, log_size
    out = []
    for s in process.jumps:
        data = s.data
        labels = np.abs(problem.y[data])
        d = labels / np.linalg.norm(labels)
        r = float(s.rate)
        group = list(s.group or (s.neuron,))
        total = shares[group].sum()
        W = np.zeros(data.size)
        for g in group:
            c = states[g][data]
            W += np.sqrt(shares[g] / total) * (c - d * (d @ c))
        W *= np.exp(lam_log)
        t_half = float(times[s.k - 1])
        # Amplitude bound of the block's residual at t_half: it decays at
        # least at rate r (K/n ≥ r I); a later group is left out when both the
        # residual at its window and its kick are below _FLOOR (a loss of
        # _FLOOR² relative to the block's drop).
        log_bound = np.log(np.linalg.norm(labels) + np.sqrt(n * r) * np.linalg.norm(W))
        log_floor = np.log(_FLOOR * np.linalg.norm(labels))
        later = []
        for s2 in sorted(process.jumps[s.k:], key=lambda jump: float(times[jump.k - 1])):
            if float(s2.tau) == float(s.tau):
                continue
            leader = s2.neuron
            if (s.k, leader) not in remnants:
                continue
            active = np.isin(data, mask.data_of(leader))
            lost = np.flatnonzero(active)
            exponent, log_size = remnants[(s.k, leader)]
            size = np.exp(log_size - exponent * L) if np.isfinite(log_size) else 0.0
            direction = labels[lost] / np.linalg.norm(labels[lost])
            group2 = list(s2.group or (s2.neuron,))
            total2 = shares[group2].sum()
            perp = np.zeros(lost.size)
            for g in group2:
                c = states[g][data[lost]]
                perp += np.sqrt(shares[g] / total2) * (c - direction * (direction @ c))
            vectors = size * direction + np.exp(lam_log) * perp
            t_G, r_G = float(times[s2.k - 1]), float(s2.rate)
            elapsed = max(t_G - LOGISTIC_TAIL / r_G - t_half, 0.0)
            with np.errstate(divide="ignore"):
                log_kick = np.log(np.sqrt(n * r_G) * np.linalg.norm(vectors))
            if log_bound - r * elapsed < log_floor and log_kick < log_floor:
                continue
            log_bound = np.logaddexp(log_bound, log_kick + r * elapsed)
            later.append((n * r_G, r_G, t_G, {int(p): vectors[q] for q, p in enumerate(lost)}, profiles[s2.k - 1]))
        # the linear relaxation starts once the logistic is over (p = e^{-20}),
        # or halfway to the next jump that kicks this block (p ≥ e^{-4})
        nearest = min([tg for _, _, tg, _, _ in later if tg > t_half], default=np.inf)
        start = t_half + max(2.0 / r, min(10.0 / r, 0.5 * (nearest - t_half)))
        out.append(_Block(n, r, t_half, labels, W, later, start, profiles[s.k - 1], process.step))
        if progress is not None:
            progress("relaxation", len(out), process.K)
    return tuple(out)


def fitted_rate(t: ArrayLike, excess: ArrayLike, drop: float, window: tuple[float, float] = RATE_WINDOW) -> float:
    """``ν = −½ × slope`` of the least-squares line through ``ln(excess)``
    against ``t`` over the samples where ``excess`` first falls from
    ``window[0] · drop`` to ``window[1] · drop`` (seeds digest F14); ``nan``
    when fewer than 3 samples lie there.

    Parameters
    ----------
    t : array_like
        Sample times, increasing.
    excess : array_like
        ``L(t) − L(θ_K)`` at ``t``.
    drop : float
        ``L(θ_0) − L(θ_K)``.
    window : (float, float)
        The fractions of ``drop`` the fit runs between (:data:`RATE_WINDOW`).

    Returns
    -------
    float

    Examples
    --------
    >>> t = np.linspace(0.0, 20.0, 201)
    >>> round(fitted_rate(t, 2.0 * np.exp(-2 * 0.75 * t), 2.0), 12)
    0.75
    """
    t, excess = np.asarray(t, dtype=float), np.asarray(excess, dtype=float)
    hi, lo = window[0] * drop, window[1] * drop
    start = np.flatnonzero(excess <= hi)
    if start.size == 0:
        return np.nan
    after = np.flatnonzero(excess[start[0]:] < lo)
    stop = start[0] + (after[0] if after.size else excess.size - start[0])
    inside = np.arange(start[0], stop)
    inside = inside[excess[inside] > 0]
    if inside.size < 3:
        return np.nan
    return float(-0.5 * np.polyfit(t[inside], np.log(excess[inside]), 1)[0])


#: Points per round of :func:`_crossing` (32 intervals: 5 halvings per round).
_CROSSING_POINTS = 33


def _crossing(excess, lo, hi, target, halvings=60):
    """The end ``hi`` of a bracket ``[lo, hi]`` of width ``2^-halvings`` of
    the given one around where ``excess`` falls to ``target`` (``excess(hi) ≤
    target``): the bracket of 60 bisection steps, found by evaluating
    ``excess`` on 31 inner points at a time (12 vectorized calls, not 60)."""
    width = (hi - lo) * 2.0**-halvings
    while hi - lo > width:
        grid = np.linspace(lo, hi, _CROSSING_POINTS)
        inner = grid[1:-1]
        if not (inner.size and inner[0] > lo and inner[-1] < hi):  # float resolution reached
            break
        below = np.flatnonzero(excess(inner) <= target)
        i = int(below[0]) + 1 if below.size else _CROSSING_POINTS - 1
        lo, hi = grid[i - 1], grid[i]
    return hi


def window_rate(prediction: FiniteLambdaPrediction, window: tuple[float, float]) -> float:
    """:func:`fitted_rate` of the predicted excess, sampled on 401 points
    between the times it first falls to ``window[0]`` and ``window[1]`` of
    the drop after the last jump.

    :attr:`~limitproc.finite.corrections.FiniteLambdaPrediction.rate`
    with ``window = RATE_WINDOW`` (``docs/finite-lambda.md`` §3.2).

    Parameters
    ----------
    prediction : FiniteLambdaPrediction
    window : (float, float)
        The fractions of the drop the fit runs between.

    Returns
    -------
    float
        ``ν`` (``nan`` without jumps or drop).

    Examples
    --------
    >>> from limitproc import Problem, limit_process
    >>> from limitproc.finite import finite_lambda
    >>> p = Problem([1.5, 2.0, -1.0], [[1, 1, -1], [-1, -1, 1]], signs=[1, -1])
    >>> pred = finite_lambda(limit_process(p), 1e-8)
    >>> round(window_rate(pred, RATE_WINDOW), 4), round(window_rate(pred, (1e-2, 1e-4)), 4)
    (0.6664, 0.5979)
    """
    blocks = prediction._blocks
    p = prediction.process
    drop = float(p.losses[0] - p.final.loss)
    if not blocks or not drop > 0:
        return np.nan
    start = float(np.max(prediction.times))
    span = 20.0 / min(prediction.asymptotic_rate, min(b.rate for b in blocks))
    for _ in range(8):
        if prediction.excess(start + span) < window[1] * drop:
            break
        span *= 4.0
    else:
        return np.nan

    def crossing(level):  # first time after the last jump the excess is ≤ level · drop
        return _crossing(prediction.excess, start, start + span, level * drop)

    grid = np.linspace(crossing(window[0]), crossing(window[1]), 401)
    return fitted_rate(grid, prediction.excess(grid), drop, (np.inf, 0.0))


def local_slope(prediction: FiniteLambdaPrediction, level: float) -> float:
    """``−½ d ln(L − L(θ_K))/dt`` where the predicted excess first falls to
    ``level · (L(θ_0) − L(θ_K))`` after the last jump (``nan`` if never).

    :meth:`~limitproc.finite.corrections.FiniteLambdaPrediction.slope`
    (``docs/finite-lambda.md`` §3.2): the rate a run stopped at that level shows.

    Parameters
    ----------
    prediction : FiniteLambdaPrediction
    level : float
        Fraction of the drop.

    Returns
    -------
    float

    Examples
    --------
    The slope approaches the asymptotic rate ``2/3`` as the loss falls:

    >>> from limitproc import Problem, limit_process
    >>> from limitproc.finite import finite_lambda
    >>> p = Problem([1.5, 2.0, -1.0], [[1, 1, -1], [-1, -1, 1]], signs=[1, -1])
    >>> pred = finite_lambda(limit_process(p), 1e-8)
    >>> round(local_slope(pred, 1e-2), 4), round(local_slope(pred, 1e-6), 4)
    (0.4871, 0.6649)
    """
    blocks = prediction._blocks
    p = prediction.process
    drop = float(p.losses[0] - p.final.loss)
    if not blocks or not drop > 0:
        return np.nan
    target = level * drop
    start = float(np.max(prediction.times))
    span = 20.0 / min(prediction.asymptotic_rate, min(b.rate for b in blocks))
    for _ in range(8):
        grid = np.linspace(start, start + span, 1001)
        excess = prediction.excess(grid)
        below = np.flatnonzero(excess <= target)
        if below.size:
            break
        span *= 4.0
    else:
        return np.nan
    i = int(below[0])
    if i == 0:
        lo = hi = grid[0]
        local = 2.0 * prediction.asymptotic_rate
    else:
        lo, hi = grid[i - 1], grid[i]
        ratio = excess[i - 1] / excess[i] if excess[i] > 0 else np.inf
        local = np.log(ratio) / (hi - lo) if np.isfinite(ratio) and ratio > 1 else 2.0 * prediction.asymptotic_rate
    hi = _crossing(prediction.excess, lo, hi, target)
    width = 0.05 / local  # the excess changes by about e^{±0.05} across
    a, b = prediction.excess(hi - width), prediction.excess(hi + width)
    return float(-np.log(b / a) / (4.0 * width)) if a > 0 and b > 0 else np.nan

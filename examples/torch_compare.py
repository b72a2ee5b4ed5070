"""Train a two-layer ReLU network with plain PyTorch full-batch gradient descent,
log the run, and compare it with the predicted saddle-to-saddle path
(docs/from-training-script.md).

The network is spec §1's, ``nn.Sequential(Linear(d, m, bias=False), ReLU(),
Linear(m, 1, bias=False))``, in float64, trained with ``nn.MSELoss()`` (mean:
one step of ``lr`` is ``h = 2 lr`` of flow time) on orthonormal inputs given
in the data basis (``X = I``), as spec §7 recommends: with rotated inputs the
rounding of ``<w_j, x_i>`` wakes frozen components at small λ.

    pip install torch          # CPU build is enough
    python examples/torch_compare.py --lam 1e-8 --lr 0.05 --out run.npz --plot run.png

Writes the log (``run.npz``), prints the comparison table, and writes its
JSON (``--json``) and figure (``--plot``).

``--table comparison`` prints the comparison as the markdown of
docs/from-training-script.md §4 on stdout, and writes the log to a temporary
folder unless ``--out`` is given:

    python examples/torch_compare.py --table comparison
"""

import argparse
import os
import sys
import tempfile

import numpy as np

from limitproc import limit_process, sample_dataset
from limitproc.runs import TrainingLogger, compare, problem_from_torch, read_log


def build_model(torch, problem_arrays, lam):
    """Spec §1's network with the balanced initialization ``w_j = λ W0_j``,
    ``a_j = λ a0_j`` (PyTorch's default initialization is not balanced)."""
    W0, a0 = problem_arrays["W0"], problem_arrays["a0"]
    m, d = W0.shape
    model = torch.nn.Sequential(
        torch.nn.Linear(d, m, bias=False), torch.nn.ReLU(), torch.nn.Linear(m, 1, bias=False)
    ).double()
    with torch.no_grad():
        model[0].weight.copy_(torch.from_numpy(lam * W0))
        model[2].weight.copy_(torch.from_numpy(lam * a0[None, :]))
    return model


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=16, help="number of data (default 16)")
    parser.add_argument("-m", type=int, default=6, help="number of neurons (default 6)")
    parser.add_argument("--seed", type=int, default=5, help="dataset seed (default 5: resolved at λ = 1e-8, spec §8)")
    parser.add_argument("--lam", type=float, default=1e-8, help="initialization scale λ (default 1e-8)")
    parser.add_argument("--lr", type=float, default=0.05, help="learning rate of MSELoss() (default 0.05: h = 0.1)")
    parser.add_argument("--steps", type=int, default=None, help="default: 1.3 × the predicted last jump step")
    parser.add_argument("--every", type=int, default=10, help="log one row every this many steps")
    parser.add_argument("--out", default=None,
                        help="the training log (npz or csv; default run.npz, or a temporary file with --table)")
    parser.add_argument("--json", default=None, help="write the comparison as JSON")
    parser.add_argument("--plot", default=None, help="write the comparison figure (PNG)")
    parser.add_argument("--table", choices=["comparison"],
                        help="print the comparison as the markdown of docs/from-training-script.md")
    args = parser.parse_args(argv)
    if args.out is None and args.table:
        with tempfile.TemporaryDirectory(prefix="torch_compare-") as folder:
            args.out = os.path.join(folder, "run.npz")
            return run(args)
    args.out = args.out or "run.npz"
    return run(args)


def run(args):
    """Train, log to ``args.out``, compare; the exit status of :func:`main`."""
    import torch

    torch.set_default_dtype(torch.float64)
    arrays = sample_dataset(args.n, args.m, labels="gaussian", seed=args.seed, basis=True)
    X = torch.eye(args.n)  # the data basis
    y = torch.from_numpy(arrays["y"])
    model = build_model(torch, arrays, args.lam)

    # The prediction needs only the initialization: read it off the model.
    problem, lam = problem_from_torch(model, X, y)
    process = limit_process(problem)
    from limitproc.runs.prediction import predict_run

    prediction = predict_run(process, lam, lr=args.lr, reduction="mean")
    steps = args.steps or int(1.3 * prediction.steps[-1]) + 200
    print(f"{problem!r}, λ = {lam:.3g}: {prediction.K} jumps predicted at steps "
          f"{np.round(prediction.steps).astype(int).tolist()}; training {steps} steps", file=sys.stderr)

    criterion = torch.nn.MSELoss()  # reduction="mean"
    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr)
    with TrainingLogger(args.out, lr=args.lr, reduction="mean", lam=lam, every=args.every) as logger:
        for step in range(steps + 1):
            loss = criterion(model(X).squeeze(1), y)
            logger.record(step, loss, model)
            if step == steps or not torch.isfinite(loss):
                break
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()

    comparison = compare(process, read_log(args.out), lam=lam)
    from rich.console import Console

    Console(stderr=True, width=200).print(comparison)
    if args.table:
        print_markdown(comparison, args, steps)
    if args.json:
        comparison.write_json(args.json)
    if args.plot:
        comparison.plot(args.plot)
    return 0 if comparison.verdict.name in ("MATCH", "UNRESOLVED_MATCH", "INCOMPLETE") else 1


def print_markdown(comparison, args, steps):
    """The run's settings, the jumps table and the verdict, in markdown."""
    pred = comparison.prediction

    def num(value, spec):
        return "—" if value is None or not np.isfinite(value) else format(value, spec)

    print(f"n = {args.n}, m = {args.m}, `λ = {np.exp(-pred.log_inv_lam):.2g}` (read off the model), "
          f"`lr = {args.lr:g}` on `MSELoss()` (`h = {pred.step_size:g}`), {steps} steps in float64, data basis.")
    print()
    print("| k | neuron | data | predicted step | observed step | Δ/pred | ± tol | ‖w‖² pred / obs | status |")
    print("|---|---|---|---|---|---|---|---|---|")
    for j in comparison.jumps:
        print(f"| {j.k} | {j.neuron} | {{{', '.join(map(str, j.data))}}} | {j.predicted_step:.1f} "
              f"| {num(j.observed_step, '.1f')} | {num(j.relative_error, '+.1%')} | {j.tolerance_steps:.1f} "
              f"| {j.predicted_sq_norm:.4g} / {num(j.observed_sq_norm, '.4g')} | {j.status} |")
    print()
    print(f"Verdict `{comparison.verdict.name}` (`μ ln(1/λ) = {pred.margin_scale:.3g}`, "
          f"`h_max = {pred.stability.step_max:.3g}`).")


if __name__ == "__main__":
    sys.exit(main())

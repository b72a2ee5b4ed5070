"""Mutation check of the property tests (issue #4).

Plants deliberate bugs in Algorithm 1 and its companions, one at a time, in a
copy of the package, runs ``tests/test_properties.py`` against each copy and
reports which mutants the suite kills (some property fails) and by which tests,
as the markdown table of ``docs/benchmarks.md``.

    python benchmarks/mutation_check.py                 # every mutant, seed 0
    python benchmarks/mutation_check.py --seeds 0 1 2   # kills must not depend on the seed
    python benchmarks/mutation_check.py --only exact-old-rate mask-sign --jobs 2

Each run copies ``limitproc/``, ``tests/`` and ``pyproject.toml`` to a
temporary directory, applies one textual replacement (which must match exactly
once, so that a change of the source is noticed instead of silently testing
nothing), and runs

    python -m pytest tests/test_properties.py -p no:cacheprovider --hypothesis-seed=SEED

there with ``PYTHONPATH`` pointing at the copy and the ``mutation`` Hypothesis
profile (the CI profile without shrinking: a mutant only has to be found).
An unmutated copy is run first and must pass.  Not part of the test suite.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEST = "tests/test_properties.py"


@dataclass(frozen=True)
class Mutant:
    name: str
    description: str
    path: str
    old: str
    new: str


MUTANTS = [
    Mutant(
        "float-old-rate",
        "exponent update with the old rate: T_j ← τ + e_j / r_j (float backend)",
        "limitproc/process/arithmetic.py",
        "        self.rate[js] = np.sqrt(self.S[js]) / self.n\n        T = tau + e / self.rate[js]\n",
        "        T = tau + e / self.rate[js]\n        self.rate[js] = np.sqrt(self.S[js]) / self.n\n",
    ),
    Mutant(
        "float-no-decrement",
        "exponent not decremented: e_j stays 1 when its rate drops (float backend)",
        "limitproc/process/arithmetic.py",
        "        return np.maximum(self.rate[js] * delta, 0.0)\n",
        "        return np.ones(len(js))\n",
    ),
    Mutant(
        "float-clock-reset",
        "candidate time restarted from 0: T_j ← e_j / r'_j, τ dropped (float backend)",
        "limitproc/process/arithmetic.py",
        "        T = tau + e / self.rate[js]\n",
        "        T = e / self.rate[js]\n",
    ),
    Mutant(
        "exact-old-rate",
        "exponent update with the old rate (exact backend)",
        "limitproc/process/arithmetic.py",
        "            self.rate[j] = self._rate(j)\n            self.T[j] = tau + e_j / self.rate[j]\n",
        "            self.T[j] = tau + e_j / self.rate[j]\n            self.rate[j] = self._rate(j)\n",
    ),
    Mutant(
        "exact-no-decrement",
        "exponent not decremented (exact backend)",
        "limitproc/process/arithmetic.py",
        "        e[:] = [self.rate[j] * (self.T[j] - tau) for j in js]\n",
        "        e[:] = [sympy.Integer(1) for j in js]\n",
    ),
    Mutant(
        "initial-rate-no-sqrt",
        "first candidate times n / S_j instead of n / sqrt(S_j) (float backend)",
        "limitproc/process/arithmetic.py",
        "        self.T[live] = self.n / np.sqrt(S[live])",
        "        self.T[live] = self.n / S[live]",
    ),
    Mutant(
        "no-near-tie-check",
        "float argmin decides near-ties silently (no deferral to the exact backend)",
        "limitproc/process/arithmetic.py",
        "        close = np.flatnonzero((gap <= bound) & (candidates != winner))\n",
        "        close = np.flatnonzero(gap < 0)\n",
    ),
    Mutant(
        "mask-sign",
        "sign check removed from the mask: A_ij = 1[<z_j, x_i> > 0]",
        "limitproc/process/mask.py",
        "        active[pos_neurons] = (G[pos_neurons] > 0) & positive\n"
        "        active[~pos_neurons] = (G[~pos_neurons] > 0) & negative\n",
        "        active[pos_neurons] = G[pos_neurons] > 0\n        active[~pos_neurons] = G[~pos_neurons] > 0\n",
    ),
    Mutant(
        "no-groups",
        "equal columns not merged into one neuron (spec §5)",
        "limitproc/process/mask.py",
        "            key = (int(self.signs[j]), self.data_of(j).tobytes())\n",
        "            key = (int(j), self.data_of(j).tobytes())\n",
    ),
    Mutant(
        "printed-witness-saddle",
        "seed 000's printed a = s sqrt(n) r in the saddle (unbalanced)",
        "limitproc/process/algorithm1.py",
        "num.number(sign * scale)",
        "num.number(sign * num.sqrt(n) * rate)",
    ),
    Mutant(
        "printed-witness-interpolator",
        "seed 000's printed a_1 = sqrt(n) ||D_+|| in the minimum-norm interpolator",
        "limitproc/process/min_norm.py",
        "        a.append(sign * np.sqrt(n * norm))\n",
        "        a.append(sign * np.sqrt(n) * norm)\n",
    ),
    Mutant(
        "loss-tail-off-by-one",
        "L(θ_k) from the unfitted set of the previous saddle",
        "limitproc/process/algorithm1.py",
        "num.number(tails[k] / (2 * n))",
        "num.number(tails[k - 1] / (2 * n))",
    ),
    Mutant(
        "fitted-set-not-updated",
        "F_{k+1} ← F_k: the jump's data are not marked fitted",
        "limitproc/process/algorithm1.py",
        "            unfitted[data] = False\n",
        "            pass\n",
    ),
    Mutant(
        "sq-norm-half",
        "||θ_k||² summed as n r instead of 2 n r",
        "limitproc/process/algorithm1.py",
        "        sq_norm = sq_norm + 2 * n * rate\n",
        "        sq_norm = sq_norm + n * rate\n",
    ),
    Mutant(
        "exponent-zero-late",
        "exponents(): e_j = 0 only after the neuron's jump time, not at it",
        "limitproc/process/algorithm1.py",
        "            if t <= tau:\n                e[j] = 0.0\n",
        "            if t < tau:\n                e[j] = 0.0\n",
    ),
    Mutant(
        "tie-not-reported",
        "overlapping exact ties broken silently instead of raising TieError",
        "limitproc/process/algorithm1.py",
        '        if ties == "raise":\n',
        "        if False:\n",
    ),
    Mutant(
        "two-phase-times",
        "D± = Σ y_i x_i without the 1/n: two-phase times 1/||y±|| instead of n/||y±||",
        "limitproc/process/closed_forms.py",
        "    D_plus, D_minus = plus / n, minus / n\n",
        "    D_plus, D_minus = plus, minus\n",
    ),
]


def prepare(directory, mutant=None):
    """Copy the package and the tests to ``directory`` and plant ``mutant``."""
    for name in ("limitproc", "tests"):
        shutil.copytree(ROOT / name, directory / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", directory / "pyproject.toml")
    if mutant is not None:
        target = directory / mutant.path
        text = target.read_text()
        count = text.count(mutant.old)
        if count != 1:
            raise SystemExit(f"mutant {mutant.name}: the original text occurs {count} times in {mutant.path}")
        target.write_text(text.replace(mutant.old, mutant.new))


def environment(directory, profile):
    env = dict(os.environ)
    env["PYTHONPATH"] = str(directory) + os.pathsep + env.get("PYTHONPATH", "")
    env["HYPOTHESIS_PROFILE"] = profile
    return env


def run(mutant, seed, profile, timeout):
    """Run the property tests against one mutant; returns a result dict."""
    with tempfile.TemporaryDirectory(prefix="limitproc-mutant-") as tmp:
        directory = Path(tmp)
        prepare(directory, mutant)
        env = environment(directory, profile)
        where = subprocess.run(
            [sys.executable, "-c", "import limitproc; print(limitproc.__file__)"],
            cwd=directory, env=env, capture_output=True, text=True,
        ).stdout.strip()
        if not where.startswith(str(directory)):
            raise SystemExit(f"the copy is not the package imported: {where}")
        command = [sys.executable, "-m", "pytest", TEST, "-q", "-p", "no:cacheprovider", f"--hypothesis-seed={seed}"]
        start = time.perf_counter()
        try:
            done = subprocess.run(command, cwd=directory, env=env, capture_output=True, text=True, timeout=timeout)
            output, code = done.stdout + done.stderr, done.returncode
        except subprocess.TimeoutExpired as exc:
            output, code = (exc.stdout or b"").decode(errors="replace"), "timeout"
        seconds = time.perf_counter() - start
    failed = sorted(set(re.findall(r"^FAILED \S+::(\w+)", output, flags=re.M)))
    return {
        "mutant": mutant.name if mutant else "(none)",
        "seed": seed,
        "code": code,
        "killed": code != 0,
        "failed": failed,
        "seconds": seconds,
        "output": output,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--only", nargs="+", help="mutant names (default: all)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--profile", default="mutation", help="Hypothesis profile (tests/conftest.py)")
    parser.add_argument("--timeout", type=float, default=1800.0)
    parser.add_argument("--list", action="store_true", help="list the mutants and exit")
    args = parser.parse_args(argv)
    mutants = [m for m in MUTANTS if not args.only or m.name in args.only]
    if args.list:
        for m in MUTANTS:
            print(f"{m.name:30s} {m.description}")
        return 0
    if args.only and len(mutants) != len(args.only):
        raise SystemExit(f"unknown mutants: {sorted(set(args.only) - {m.name for m in MUTANTS})}")

    for seed in args.seeds:
        baseline = run(None, seed, args.profile, args.timeout)
        if baseline["killed"]:
            print(baseline["output"])
            raise SystemExit(f"the unmutated copy fails with seed {seed}: fix the suite first")
        print(f"The unmutated copy passes with seed {seed} in {baseline['seconds']:.0f} s.")

    jobs = [(m, seed) for m in mutants for seed in args.seeds]
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        results = list(pool.map(lambda job: run(job[0], job[1], args.profile, args.timeout), jobs))

    print()
    print("| mutant | planted bug | seed | killed | s | failing property tests |")
    print("|---|---|--:|---|--:|---|")
    descriptions = {m.name: m.description for m in mutants}
    for r in results:
        tests = ", ".join(f"`{name.removeprefix('test_')}`" for name in r["failed"]) or (
            "(timeout)" if r["code"] == "timeout" else "—")
        description = descriptions[r["mutant"]].replace("|", "\\|")
        print(f"| `{r['mutant']}` | {description} | {r['seed']} | {'yes' if r['killed'] else '**no**'} "
              f"| {r['seconds']:.0f} | {tests} |")
    survivors = sorted({r["mutant"] for r in results if not r["killed"]})
    print(f"\n{len(results) - sum(not r['killed'] for r in results)} of {len(results)} runs killed", end="")
    print(f"; survivors: {', '.join(survivors)}." if survivors else "; no survivors.")
    return 1 if survivors else 0


if __name__ == "__main__":
    sys.exit(main())

"""Timing helpers of the benchmarks: interleaved repetitions and child processes.

The machine the benchmarks run on is shared: a command and the floor or peer
it is compared with are timed in the same run, alternately (``A B A B …``),
and the benchmarks report ratios of medians, which a slow drift of the load
affects alike.
"""

import os
import statistics
import subprocess
import sys
import time

__all__ = ["child", "compile_package", "interleaved", "load_note", "median_ratio", "python"]


def compile_package():
    """Write the bytecode of ``limitproc`` (as an installed package has it),
    so that commands timed as fresh processes do not compile its modules on
    every start where ``PYTHONDONTWRITEBYTECODE`` is set."""
    import compileall

    import limitproc

    compileall.compile_dir(os.path.dirname(limitproc.__file__), quiet=2)


def python(*args):
    """A command running this interpreter."""
    return [sys.executable, *args]


#: GNU time reports the peak resident memory of the command alone; the
#: ``ru_maxrss`` of a child forked from this process also counts the pages it
#: shared with it before ``exec``.
_TIME = "/usr/bin/time"


def child(command, check=True):
    """Run ``command``; ``(wall seconds, peak resident bytes, exit code, stderr)``
    of that process alone (through GNU time when it is there)."""
    wrapped = os.access(_TIME, os.X_OK)
    full = [_TIME, "-f", "peak-kb %M", *command] if wrapped else list(command)
    start = time.perf_counter()
    process = subprocess.Popen(full, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    stderr = process.stderr.read().decode(errors="replace")
    process.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    peak = usage.ru_maxrss * 1024
    if wrapped:
        lines = stderr.rstrip().splitlines()
        if lines and lines[-1].startswith("peak-kb "):
            peak = int(lines[-1].split()[1]) * 1024
            stderr = "\n".join(line for line in lines[:-1] if not line.startswith("Command exited with"))
    if wrapped and code == 0 and "Command exited with non-zero status" in stderr:
        code = 1
    if check and code != 0:
        raise RuntimeError(f"{' '.join(map(str, command))} exited with {code}: {stderr.strip()}")
    return wall, peak, code, stderr


def interleaved(functions, repeats):
    """Call every function of ``functions`` (a dict name -> callable returning
    seconds, or a value whose first item is seconds) once per round, ``repeats``
    rounds; returns name -> list of results."""
    results = {name: [] for name in functions}
    for _ in range(repeats):
        for name, function in functions.items():
            results[name].append(function())
    return results


def seconds(result):
    return result[0] if isinstance(result, tuple) else result


def median_ratio(results, numerator, denominator):
    """Median over rounds of ``numerator / denominator`` (same round), and the medians."""
    top = [seconds(r) for r in results[numerator]]
    bottom = [seconds(r) for r in results[denominator]]
    ratios = [a / b for a, b in zip(top, bottom)]
    return statistics.median(ratios), statistics.median(top), statistics.median(bottom)


def load_note():
    """The machine's 1-minute load average, for the record (other jobs on the cores)."""
    return f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"

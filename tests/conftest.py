"""Hypothesis profiles for the property tests (tests/test_properties.py).

* ``ci`` (loaded by default): fast enough for CI on two shared cores.
* ``thorough``: ten times the examples, for a longer local or nightly run.
* ``mutation``: ``ci`` without shrinking and without the example database,
  used by ``benchmarks/mutation_check.py`` (a planted bug only has to be found).

Select one with the environment variable ``HYPOTHESIS_PROFILE`` or with
Hypothesis's own pytest option::

    HYPOTHESIS_PROFILE=thorough python -m pytest tests/test_properties.py
    python -m pytest tests/test_properties.py --hypothesis-profile=thorough

Deadlines are off: run times of the exact backend vary with the numbers drawn
and with the load of shared CI machines.  Each test scales its own number of
examples from the profile's ``max_examples`` (see ``examples`` in
tests/test_properties.py).
"""

import os

from hypothesis import Phase, settings

settings.register_profile("ci", max_examples=150, deadline=None, print_blob=True)
settings.register_profile("thorough", max_examples=1500, deadline=None, print_blob=True)
settings.register_profile(
    "mutation",
    settings.get_profile("ci"),
    database=None,
    phases=[Phase.explicit, Phase.generate],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

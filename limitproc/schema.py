"""Conventions of the JSON documents limitproc writes (``docs/json-schema.md``)."""

import numpy as np

__all__ = ["json_number"]


def json_number(value):
    """``float(value)``, or ``None`` when it is not finite (JSON has no nan/inf).

    >>> json_number(2), json_number(float("nan"))
    (2.0, None)
    """
    value = float(value)
    return value if np.isfinite(value) else None

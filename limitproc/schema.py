"""Conventions of the JSON documents limitproc writes (``docs/json-schema.md``).

Every document is a JSON object that starts with two keys:

* ``"schema"``: ``"limitproc.<kind>"``, what the document holds
  (:data:`SCHEMAS` lists the kinds);
* ``"schema_version"``: an integer, raised when a field changes meaning or
  disappears (fields are only ever added within a version).

Numbers that are not finite are written as ``null`` (:func:`json_number`):
the documents are strict JSON, without ``NaN`` or ``Infinity``.
"""

from __future__ import annotations

from typing import Any, SupportsFloat

import numpy as np

__all__ = ["SCHEMAS", "document", "json_number", "schema_of"]

#: Kinds of documents and their current versions.
SCHEMAS = {
    "prediction": 1,      # limitproc predict --json (Prediction.to_dict)
    "assumptions": 1,     # limitproc check --json (AssumptionReport)
    "validation": 1,      # limitproc validate --json (ValidationReport.to_dict)
    "finite_lambda": 2,   # FiniteLambdaPrediction.to_dict, also under "finite_lambda" of a prediction
    "sweep": 1,           # limitproc sweep --json (SweepResult.to_dict)
    "probability": 1,     # limitproc probability --json (InitProbabilities.to_dict)
    "comparison": 1,      # limitproc compare --json (Comparison.to_dict)
    "reproduction": 1,    # limitproc reproduce NAME --json (Reproduction.to_dict)
    "error": 1,           # any command with --json that exits with code 2
}


def schema_of(kind: str) -> dict[str, Any]:
    """The two leading keys of a document of ``kind``.

    Parameters
    ----------
    kind : str
        A key of :data:`SCHEMAS`.

    Returns
    -------
    dict
        ``{"schema": "limitproc.<kind>", "schema_version": SCHEMAS[kind]}``.

    Examples
    --------
    >>> schema_of("sweep")
    {'schema': 'limitproc.sweep', 'schema_version': 1}
    """
    return {"schema": f"limitproc.{kind}", "schema_version": SCHEMAS[kind]}


def document(kind: str, body: dict[str, Any]) -> dict[str, Any]:
    """``body`` (a dict) preceded by the schema keys of ``kind``.

    Parameters
    ----------
    kind : str
        A key of :data:`SCHEMAS`.
    body : dict
        The fields of the document; keys ``"schema"`` and
        ``"schema_version"`` in it are ignored.

    Returns
    -------
    dict
        A new dict: the schema keys (:func:`schema_of`), then ``body``.

    Examples
    --------
    >>> document("error", {"error": {"type": "InputError"}})
    {'schema': 'limitproc.error', 'schema_version': 1, 'error': {'type': 'InputError'}}
    """
    out = schema_of(kind)
    out.update((key, value) for key, value in body.items() if key not in out)
    return out


def json_number(value: SupportsFloat) -> float | None:
    """``float(value)``, or ``None`` when it is not finite (JSON has no nan/inf).

    Parameters
    ----------
    value : number
        Anything ``float()`` accepts (numpy scalars, fractions, sympy numbers).

    Returns
    -------
    float or None

    Examples
    --------
    >>> json_number(2), json_number(float("nan"))
    (2.0, None)
    """
    value = float(value)
    return value if np.isfinite(value) else None

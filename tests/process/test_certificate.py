"""certify() recognises correct saddles and rejects broken ones."""

import dataclasses

import numpy as np

from limitproc import Problem, certify, limit_process


def test_certify_rejects_a_wrong_jump():
    p = Problem([3.0, 4.0, 1.0], [[1, 1, -1], [-1, 1, 1]], signs=[1, 1])
    process = limit_process(p)
    assert certify(process).ok
    first = process.saddles[1]
    unbalanced = dataclasses.replace(first, a=np.sqrt(3) * 5 / 3)  # seed 000's printed a = sqrt(n)||D||
    broken = dataclasses.replace(process, saddles=(process.saddles[0], unbalanced) + process.saddles[2:])
    result = certify(broken)
    assert not result.ok and result.balance > 0.1 and result.fit > 0.1
    wrong_loss = dataclasses.replace(first, loss=0.5)
    assert not certify(dataclasses.replace(process, saddles=(process.saddles[0], wrong_loss) + process.saddles[2:])).ok

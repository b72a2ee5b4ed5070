"""The assumption report of spec §5."""

from limitproc import Problem, assumption_report, limit_process, predict


def names(report, holds):
    return [c.name for c in report.checks if c.holds == holds and c.required]


def test_clean_problem_passes():
    p = Problem([3.0, 4.0, -2.0, -1.0], [[1, 1, -1, 1], [-1, 1, 1, 1], [1, -1, 1, 1]], signs=[1, 1, -1])
    report = predict(p).report
    assert report.ok and names(report, False) == []
    assert "two-phase condition" in str(report)


def test_each_failure_is_reported_with_its_consequence():
    p = Problem([2.0, 1.0, -1.0, 0.0], [[1, -1, 1, 1], [-1, -1, 1, 1], [1, -1, 1, 1], [1, -1, -1, 1]],
                signs=[1, 1, 1, 1], allow_zero_labels=True)
    report = assumption_report(limit_process(p))
    assert not report.ok
    failed = {c.name: c.detail for c in report.failures}
    assert set(failed) == {"rows non-zero", "columns non-zero", "columns distinct", "labels non-zero"}
    assert "never fitted" in failed["rows non-zero"] and "1, 2" in failed["rows non-zero"]
    assert "never move" in failed["columns non-zero"]
    assert "(0, 2, 3)" in failed["columns distinct"]
    assert "fitted from the start" in failed["labels non-zero"]
    assert report.to_dict()["ok"] is False


def test_near_tie_report():
    p = Problem(["1", "1/1000000000", "1/999999999"], [[1, 1, -1], [1, -1, 1]], signs=[1, 1])
    reported = assumption_report(limit_process(p, near_ties="report"))
    assert "argmin unique" in names(reported, False)
    deferred = assumption_report(limit_process(p))
    assert "argmin unique" in names(deferred, True)
    assert "decided by the exact backend" in str(deferred)

"""Data-quality figures and checks of a day, and the job's exit codes."""

from __future__ import annotations

import json
from datetime import timedelta

from support import session, utc

from shop_jobs.jobs.quality_checks import EXIT_CHECK_FAILED, main
from shop_jobs.lake import write_events
from shop_jobs.transforms.quality import QualityLimits, day_figures, failed_checks

T = utc(2026, 11, 28, 10, 0)


def day_events(make_events):
    return make_events(
        {"event_id": "a", "anonymous_id": "x", "event_ts": T},
        {"event_id": "a", "anonymous_id": "x", "event_ts": T, "received_at": T + timedelta(seconds=5)},
        {"event_id": "b", "anonymous_id": None, "event_ts": T + timedelta(hours=3)},
        # Reached the collector two hours after it happened (an app that was offline).
        {"event_id": "c", "anonymous_id": "y", "event_ts": T, "received_at": T + timedelta(hours=2)},
    )


def test_figures(make_events, make_sessions):
    sessions = make_sessions(
        session(anonymous_id="x", first_event_id="a", session_start=T),
        session(anonymous_id="x", first_event_id="a", session_start=T),
    )
    figures = day_figures(day_events(make_events), sessions, late_after_seconds=3600)
    assert figures["rows"] == 4
    assert figures["distinct_events"] == 3
    assert (figures["rows_per_hour"]["10"], figures["rows_per_hour"]["13"], figures["rows_per_hour"]["00"]) == (3, 1, 0)
    assert (figures["duplicate_share"], figures["late_share"]) == (0.25, 0.25)
    assert figures["null_rates"]["anonymous_id"] == 0.25
    assert figures["duplicate_session_ids"] == 1
    failed = failed_checks(figures, QualityLimits(max_late_share=0.3))
    assert failed == [
        "duplicate share 25.00% above 5.00%",
        "1 session ids appear more than once in the sessions table",
    ]
    assert (
        failed_checks(
            {**figures, "duplicate_session_ids": 0}, QualityLimits(max_duplicate_share=0.3, max_late_share=0.3)
        )
        == []
    )


def test_job_exit_codes(make_events, tmp_path, capsys):
    write_events(day_events(make_events), str(tmp_path / "events"))
    argv = ["--events-path", str(tmp_path / "events"), "--sessions-path", str(tmp_path / "sessions"), "--date"]
    assert main([*argv, "2026-11-28", "--max-duplicate-share", "0.5", "--max-late-share", "0.5"]) == 0
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1])["passed"] is True

    assert main([*argv, "2026-11-28"]) == EXIT_CHECK_FAILED
    out, err = capsys.readouterr()
    assert json.loads(out.strip().splitlines()[-1])["failed"] == [
        "duplicate share 25.00% above 5.00%",
        ("late share 25.00% (received over 3600 s after event time) above 20.00%"),
    ]
    assert "quality_checks: failed: duplicate share" in err
    assert main([*argv, "2026-11-29"]) == 3

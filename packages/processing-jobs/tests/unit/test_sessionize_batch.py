"""The job end to end on the local filesystem; tests/integration runs it against S3 through s3a."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from pyspark.testing import assertDataFrameEqual
from support import DAY, JOB_EVENTS, expected_day_sessions, session, utc

from shop_jobs.jobs.entrypoint import EXIT_INPUT_MISSING
from shop_jobs.jobs.sessionize_batch import SUMMARY_SCHEMA, main
from shop_jobs.lake import write_events


@pytest.fixture(scope="module")
def lake(make_events, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("lake")
    write_events(make_events(*JOB_EVENTS), str(root / "events"))
    return root


def run_job(lake: Path, day: str, capsys) -> tuple[int, dict | None, str]:
    code = main(["--events-path", str(lake / "events"), "--sessions-path", str(lake / "sessions"), "--date", day])
    out, err = capsys.readouterr()
    lines = out.strip().splitlines()
    return code, (json.loads(lines[-1]) if code == 0 else None), err


def test_day_run_writes_the_sessions_that_start_that_day(spark, make_sessions, lake, capsys):
    code, summary, _ = run_job(lake, DAY, capsys)
    assert code == 0
    jsonschema.validate(summary, SUMMARY_SCHEMA)
    assert summary == {"date": DAY, "sessions": 2, "events": 6}
    written = spark.read.parquet(str(lake / "sessions" / f"dt={DAY}"))
    assertDataFrameEqual(written, make_sessions(*expected_day_sessions()).drop("dt"), checkRowOrder=False)


def test_re_runs_replace_only_their_own_day(spark, sessions_schema, lake, capsys):
    assert run_job(lake, "2026-11-29", capsys)[:2] == (0, {"date": "2026-11-29", "sessions": 2, "events": 2})
    first = spark.read.schema(sessions_schema.full).parquet(str(lake / "sessions")).collect()
    assert run_job(lake, DAY, capsys)[0] == 0
    again = spark.read.schema(sessions_schema.full).parquet(str(lake / "sessions"))
    assertDataFrameEqual(again, first, checkRowOrder=False)
    assert sorted(r.dt for r in again.select("dt").distinct().collect()) == [DAY, "2026-11-29"]
    assert len(list((lake / "sessions" / f"dt={DAY}").glob("*.parquet"))) == 1


def test_missing_input_partition_exits_non_zero_with_the_path(lake, capsys):
    code, _, err = run_job(lake, "2026-12-24", capsys)
    assert code == EXIT_INPUT_MISSING
    assert f"{lake / 'events'}/dt=2026-12-24 does not exist" in err


def test_day_without_sessions_clears_an_earlier_result(
    spark, make_events, make_sessions, sessions_schema, tmp_path, capsys
):
    # Both events belong to a session that started the day before.
    events = make_events(
        {"event_id": "a", "anonymous_id": "anon", "event_ts": utc(2026, 12, 1, 23, 50)},
        {"event_id": "b", "anonymous_id": "anon", "event_ts": utc(2026, 12, 2, 0, 10)},
    )
    write_events(events, str(tmp_path / "events"))
    # What an earlier run wrote when the day still had a session of its own.
    earlier = make_sessions(session(anonymous_id="anon", first_event_id="b", session_start=utc(2026, 12, 2, 0, 10)))
    earlier.drop("dt").write.parquet(str(tmp_path / "sessions" / "dt=2026-12-02"))

    code, summary, _ = run_job(tmp_path, "2026-12-02", capsys)
    assert (code, summary) == (0, {"date": "2026-12-02", "sessions": 0, "events": 0})
    assert spark.read.schema(sessions_schema.data).parquet(str(tmp_path / "sessions" / "dt=2026-12-02")).count() == 0


@pytest.mark.parametrize(
    "argv",
    [
        ["--events-path", "e", "--sessions-path", "s", "--date", "28-11-2026"],
        ["--events-path", "e", "--sessions-path", "s", "--date", DAY, "--gap-minutes", "0"],
        ["--sessions-path", "s", "--date", DAY],
    ],
)
def test_bad_arguments_are_usage_errors(argv):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2


def test_a_device_the_users_table_knows_is_no_new_visitor(spark, make_events, make_sessions, tmp_path, capsys):
    # The users table (next to the sessions table) has a person first seen a week earlier on "known-device".
    from shop_jobs.transforms.users import build_users

    earlier = make_sessions(
        session(anonymous_id="known-device", first_event_id="old", user_id="u-1", session_start=utc(2026, 11, 21, 9))
    )
    build_users(earlier).write.partitionBy("dt").parquet(str(tmp_path / "users"))
    events = make_events(
        {"event_id": "k1", "anonymous_id": "known-device", "event_ts": utc(2026, 11, 28, 10)},
        {"event_id": "n1", "anonymous_id": "new-device", "event_ts": utc(2026, 11, 28, 10)},
    )
    write_events(events, str(tmp_path / "events"))

    assert run_job(tmp_path, DAY, capsys)[0] == 0
    written = spark.read.parquet(str(tmp_path / "sessions" / f"dt={DAY}")).collect()
    assert {r.anonymous_id: r.is_new_visitor for r in written} == {"known-device": False, "new-device": True}

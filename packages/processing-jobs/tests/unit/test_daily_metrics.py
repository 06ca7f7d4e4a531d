from __future__ import annotations

import json

from pyspark.testing import assertDataFrameEqual
from support import session, utc

from shop_jobs.jobs.daily_metrics import main
from shop_jobs.jobs.entrypoint import EXIT_INPUT_MISSING
from shop_jobs.schema import DAILY_METRICS_TABLE, load_table_schema
from shop_jobs.transforms.daily_metrics import daily_metrics

DAILY_METRICS_SCHEMA = load_table_schema(DAILY_METRICS_TABLE).full


def day_sessions(make_sessions):
    start = utc(2026, 11, 28, 9, 0)
    return make_sessions(
        session(anonymous_id="a", first_event_id="1", user_id="u-1", session_start=start,
                session_end=utc(2026, 11, 28, 9, 10), event_count=6, page_views=3, product_views=2, orders=1,
                revenue=30.0, cart_adds=2),
        session(anonymous_id="a", first_event_id="2", user_id="u-1", session_start=utc(2026, 11, 28, 12, 0),
                session_end=utc(2026, 11, 28, 12, 5), event_count=4, page_views=2, orders=2, revenue=12.5),
        session(anonymous_id="b", first_event_id="3", session_start=start, page_views=1, is_bounce=True),
        session(anonymous_id="c", first_event_id="4", session_start=utc(2026, 11, 29, 1, 0), page_views=1,
                is_bounce=True),
    )  # fmt: skip


def test_daily_metrics_per_day(spark, make_sessions):
    expected = spark.createDataFrame(
        [
            # 3 sessions of 2 visitors, one identified; 600 + 300 + 0 seconds; one of three bounced.
            # sessions, visitors, identified, new-visitor sessions (a's first, b), page views, product views,
            # cart sessions, checkout sessions, orders, revenue, converting, rates, mean duration.
            (3, 2, 1, 2, 6, 2, 1, 0, 3, 42.5, 2, 1 / 3, 2 / 3, 300.0, "2026-11-28"),
            (1, 1, 0, 1, 1, 0, 0, 0, 0, 0.0, 0, 1.0, 0.0, 0.0, "2026-11-29"),
        ],
        DAILY_METRICS_SCHEMA,
    )
    assertDataFrameEqual(daily_metrics(day_sessions(make_sessions)), expected, checkRowOrder=False)


def test_job_writes_the_day_and_fails_on_a_missing_one(spark, make_sessions, tmp_path, capsys):
    day_sessions(make_sessions).write.partitionBy("dt").parquet(str(tmp_path / "sessions"))
    argv = ["--sessions-path", str(tmp_path / "sessions"), "--metrics-path", str(tmp_path / "metrics")]

    assert main([*argv, "--date", "2026-11-28"]) == 0
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary == {"date": "2026-11-28", "sessions": 3, "orders": 3, "revenue": 42.5}
    written = spark.read.schema(DAILY_METRICS_SCHEMA).parquet(str(tmp_path / "metrics"))
    assert [(r.dt, r.sessions, r.visitors) for r in written.collect()] == [("2026-11-28", 3, 2)]

    assert main([*argv, "--date", "2026-12-01"]) == EXIT_INPUT_MISSING
    assert "dt=2026-12-01 does not exist" in capsys.readouterr().err

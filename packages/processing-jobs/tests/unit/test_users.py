"""The users table: identity stitching across devices and an identify, first-touch channel, and the job."""

from __future__ import annotations

import json
from datetime import timedelta

from pyspark.testing import assertSchemaEqual
from support import session, utc

from shop_jobs.jobs.build_users import main
from shop_jobs.schema import USERS_TABLE, load_table_schema
from shop_jobs.transforms.users import build_users, visitors_from_users

T = utc(2026, 11, 20, 9, 0)


def journeys(make_sessions):
    return make_sessions(
        # A phone: anonymous first (from a search), then signs in as u-1 a day later.
        session(anonymous_id="phone", first_event_id="p1", session_start=T, channel="organic_search",
                landing_page="/", country="PT", device_type="mobile"),
        session(anonymous_id="phone", first_event_id="p2", user_id="u-1", session_start=T + timedelta(days=1),
                channel="email", orders=1, revenue=40.0, country="ES", device_type="mobile"),
        # The same person on a laptop, signed in, a week later: one more device, a second order.
        session(anonymous_id="laptop", first_event_id="l1", user_id="u-1", session_start=T + timedelta(days=7),
                channel="direct", orders=1, revenue=10.0, device_type="desktop"),
        # A visitor who never signs in.
        session(anonymous_id="guest", first_event_id="g1", session_start=T + timedelta(days=2), channel="referral"),
        # A shared computer: u-2 first, u-3 last; the device goes to u-3.
        session(anonymous_id="shared", first_event_id="s1", user_id="u-2", session_start=T + timedelta(days=3)),
        session(anonymous_id="shared", first_event_id="s2", user_id="u-3", session_start=T + timedelta(days=4)),
    )  # fmt: skip


def by_key(frame):
    return {r.user_key: r for r in frame.collect()}


def test_schema_is_the_contracts(make_sessions):
    assertSchemaEqual(
        build_users(journeys(make_sessions)).schema, load_table_schema(USERS_TABLE).full, ignoreNullable=True
    )


def test_devices_seen_with_a_user_id_and_their_earlier_anonymous_sessions_are_the_users(make_sessions):
    users = by_key(build_users(journeys(make_sessions)))
    assert sorted(users) == ["guest", "u-1", "u-3"]
    u1 = users["u-1"]
    assert (u1.anonymous_ids, u1.devices, u1.sessions, u1.orders, u1.revenue) == ("laptop,phone", 2, 3, 2, 50.0)
    # First touch is the anonymous search visit before the sign-in.
    assert (u1.first_channel, u1.first_landing_page, u1.dt) == ("organic_search", "/", "2026-11-20")
    assert u1.first_order_at == (T + timedelta(days=1)).replace(tzinfo=None)
    assert (u1.last_country, u1.last_device_type) == ("ES", "desktop")
    assert (users["guest"].user_id, users["guest"].anonymous_ids, users["guest"].first_channel) == (
        None,
        "guest",
        "referral",
    )
    assert (users["u-3"].anonymous_ids, users["u-3"].sessions) == ("shared", 2)


def test_every_stitched_device_is_known_with_its_persons_first_seen(make_sessions):
    known = {r.anonymous_id: r.first_seen for r in visitors_from_users(build_users(journeys(make_sessions))).collect()}
    assert known["laptop"] == known["phone"] == T.replace(tzinfo=None)


def test_job_rebuilds_the_whole_table(spark, make_sessions, tmp_path, capsys):
    journeys(make_sessions).write.partitionBy("dt").parquet(str(tmp_path / "sessions"))
    argv = ["--sessions-path", str(tmp_path / "sessions"), "--users-path", str(tmp_path / "users")]
    for _ in range(2):
        assert main(argv) == 0
        assert json.loads(capsys.readouterr().out.strip().splitlines()[-1]) == {
            "users": 3,
            "identified": 2,
            "sessions": 6,
        }
    written = spark.read.schema(load_table_schema(USERS_TABLE).full).parquet(str(tmp_path / "users"))
    assert written.count() == 3

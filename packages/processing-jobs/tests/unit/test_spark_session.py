from __future__ import annotations

import pytest

from shop_jobs.spark_session import bundled_hadoop_version, s3a_conf, s3a_jars_dir

LOCAL = {
    "S3_ENDPOINT_URL": "http://127.0.0.1:19000",
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "localsecret",
    "AWS_REGION": "eu-west-1",
}


def test_no_endpoint_leaves_s3a_alone():
    assert s3a_conf({"AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "y"}) == {}


def test_local_endpoint_settings():
    conf = s3a_conf(LOCAL)
    assert conf["fs.s3a.endpoint"] == "http://127.0.0.1:19000"
    assert conf["fs.s3a.endpoint.region"] == "eu-west-1"
    assert conf["fs.s3a.path.style.access"] == "true"
    assert conf["fs.s3a.connection.ssl.enabled"] == "false"
    assert conf["fs.s3a.access.key"] == "local"
    assert conf["fs.s3a.secret.key"] == "localsecret"


def test_https_endpoint_keeps_tls():
    assert s3a_conf({**LOCAL, "S3_ENDPOINT_URL": "https://s3.local:9000"})["fs.s3a.connection.ssl.enabled"] == "true"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"AWS_SECRET_ACCESS_KEY": ""}, "AWS_SECRET_ACCESS_KEY"),
        ({"S3_ENDPOINT_URL": "127.0.0.1:19000"}, "http"),
    ],
)
def test_incomplete_settings_fail_early(change, message):
    with pytest.raises(ValueError, match=message):
        s3a_conf({**LOCAL, **change})


def test_jars_dir_follows_the_bundled_hadoop(monkeypatch):
    monkeypatch.delenv("SHOP_SPARK_JARS_DIR", raising=False)
    version = bundled_hadoop_version()
    assert version.startswith("3.")
    jars = s3a_jars_dir()
    assert jars is not None
    assert jars.parts[-3:] == (".tools", "spark-jars", f"hadoop-{version}")

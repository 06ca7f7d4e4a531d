"""One place that decides how a SparkSession is obtained.

On Databricks the runtime has already created the session (and owns its S3 access), so it is reused
untouched. Locally a modest session is built for a 2-core, few-GiB machine, and when S3_ENDPOINT_URL
is set, s3a:// is pointed at the local S3-compatible server.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlparse

from pyspark.sql import SparkSession

JARS_DIR_ENV = "SHOP_SPARK_JARS_DIR"

LOCAL_DEFAULTS: dict[str, str] = {
    "spark.driver.memory": "1g",
    "spark.sql.shuffle.partitions": "4",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    # Loopback only: the machine's host name may resolve elsewhere, and nothing here is remote.
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
    # Events are UTC and dt/hour partitions are UTC days and hours; rendering in the machine's zone
    # would shift them.
    "spark.sql.session.timeZone": "UTC",
    "spark.driver.extraJavaOptions": "-Duser.timezone=UTC",
    "spark.executor.extraJavaOptions": "-Duser.timezone=UTC",
}


class SparkJarsMissingError(RuntimeError):
    """S3_ENDPOINT_URL asks for s3a:// but hadoop-aws and the AWS SDK jars have not been fetched."""


def on_databricks() -> bool:
    return "DATABRICKS_RUNTIME_VERSION" in os.environ


def bundled_hadoop_version() -> str:
    """The Hadoop release inside pyspark's jars/, which hadoop-aws has to match exactly."""
    import pyspark

    jars = Path(pyspark.__file__).parent / "jars"
    for jar in jars.glob("hadoop-client-api-*.jar"):
        return jar.stem.removeprefix("hadoop-client-api-")
    raise RuntimeError(f"no hadoop-client-api jar in {jars}")


def _repo_root() -> Path | None:
    for parent in Path(__file__).resolve().parents:
        if (parent / "scripts" / "lib.sh").is_file() and (parent / "packages").is_dir():
            return parent
    return None


def s3a_jars_dir() -> Path | None:
    """$SHOP_SPARK_JARS_DIR, else where scripts/fetch-jars.sh puts them (.tools/spark-jars/hadoop-<v>)."""
    explicit = os.environ.get(JARS_DIR_ENV)
    if explicit:
        return Path(explicit)
    root = _repo_root()
    if root is None:
        return None
    return root / ".tools" / "spark-jars" / f"hadoop-{bundled_hadoop_version()}"


def s3a_conf(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """Hadoop settings that point s3a:// at the S3-compatible server in S3_ENDPOINT_URL.

    Empty when S3_ENDPOINT_URL is unset, so real AWS (or Databricks' own configuration) is left alone.
    """
    env = os.environ if env is None else env
    endpoint = env.get("S3_ENDPOINT_URL")
    if not endpoint:
        return {}
    parsed = urlparse(endpoint)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ValueError(f"S3_ENDPOINT_URL must look like http://host:port, got {endpoint!r}")
    region = env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "us-east-1"
    conf = {
        "fs.s3a.endpoint": endpoint,
        "fs.s3a.endpoint.region": region,
        # Local servers answer on one host name, not bucket.host virtual hosts.
        "fs.s3a.path.style.access": "true",
        "fs.s3a.connection.ssl.enabled": str(parsed.scheme == "https").lower(),
        "fs.s3a.aws.credentials.provider": "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider",
        # A local server has nothing to retry into; failing fast surfaces a stopped server quickly.
        "fs.s3a.attempts.maximum": "2",
        "fs.s3a.retry.limit": "2",
        "fs.s3a.connection.establish.timeout": "15s",
        "fs.s3a.connection.timeout": "30s",
    }
    for hadoop_key, env_key in (
        ("fs.s3a.access.key", "AWS_ACCESS_KEY_ID"),
        ("fs.s3a.secret.key", "AWS_SECRET_ACCESS_KEY"),
    ):
        if not env.get(env_key):
            raise ValueError(f"S3_ENDPOINT_URL is set but {env_key} is not")
        conf[hadoop_key] = env[env_key]
    return conf


def get_spark(
    app_name: str = "shop-jobs",
    *,
    master: str | None = None,
    conf: Mapping[str, str] | None = None,
) -> SparkSession:
    """The running session on Databricks (or one a caller already started); otherwise a new local one.

    master defaults to $SHOP_SPARK_MASTER or local[2]; conf overrides LOCAL_DEFAULTS.
    """
    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    if on_databricks():
        return SparkSession.builder.getOrCreate()

    builder = SparkSession.builder.appName(app_name).master(master or os.environ.get("SHOP_SPARK_MASTER", "local[2]"))
    settings = dict(LOCAL_DEFAULTS)
    s3a = s3a_conf()
    jars_dir = s3a_jars_dir()
    jars = sorted(jars_dir.glob("*.jar")) if jars_dir and jars_dir.is_dir() else []
    if s3a and not jars:
        raise SparkJarsMissingError(
            f"S3_ENDPOINT_URL is set but there are no s3a jars in {jars_dir}; "
            "run packages/processing-jobs/scripts/fetch-jars.sh"
        )
    if jars:
        # spark.jars loads them in a child class loader behind pyspark's own jars, so the SDK cannot
        # shadow the netty, slf4j or httpclient that Spark ships.
        settings["spark.jars"] = ",".join(str(j) for j in jars)
    settings.update({f"spark.hadoop.{k}": v for k, v in s3a.items()})
    settings.update(conf or {})
    for key, value in settings.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()

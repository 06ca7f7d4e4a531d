#!/usr/bin/env bash
# Resolves the jars Spark needs that pyspark lacks (s3a://: hadoop-aws + the AWS SDK v2 modules S3A uses; Spark's Kafka source; see jars/pom.xml)
# into <repo>/.tools/spark-jars/hadoop-<version>/ with Maven, which caches downloads in ~/.m2.
# Idempotent: a stamp holding the pom's checksum makes a second run a no-op; editing the pom re-resolves.
# Prints the jar directory on stdout. Usage: scripts/fetch-jars.sh
set -euo pipefail
PKG_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=SCRIPTDIR/../../../scripts/lib.sh
source "$PKG_DIR/../../scripts/lib.sh"

pom="$PKG_DIR/jars/pom.xml"
hadoop_version="$(sed -n 's:.*<hadoop.version>\(.*\)</hadoop.version>.*:\1:p' "$pom")"
[ -n "$hadoop_version" ] || die "no <hadoop.version> in $pom"

# hadoop-aws only works with the hadoop-client jars of the very same release, and those come from pyspark.
bundled=""
for jar in "$PKG_DIR"/.venv/lib/python3.*/site-packages/pyspark/jars/hadoop-client-api-*.jar; do
  [ -f "$jar" ] && bundled="$jar" && break
done
if [ -n "$bundled" ]; then
  bundled_version="$(basename "$bundled" .jar)"; bundled_version="${bundled_version#hadoop-client-api-}"
  [ "$bundled_version" = "$hadoop_version" ] ||
    die "jars/pom.xml pins hadoop $hadoop_version but pyspark bundles hadoop $bundled_version: make them equal"
fi

dest="$TOOLS_DIR/spark-jars/hadoop-$hadoop_version"
stamp="$dest/.complete"
want="$(sha256sum "$pom" | cut -d' ' -f1)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  echo "$dest"
  exit 0
fi

command -v mvn >/dev/null 2>&1 || die "mvn is required to resolve the Spark S3 jars (Debian package: maven)"
log "resolving Spark jars (s3a, Kafka) for hadoop $hadoop_version into ${dest#"$ROOT"/}"
# Resolve into a scratch folder and move it into place, so an interrupted run never looks complete.
tmp="$dest.partial.$$"
rm -rf "$tmp"
trap 'rm -rf "$tmp"' EXIT
mvn -B -q -Dstyle.color=never -f "$pom" dependency:copy-dependencies -Djars.outputDirectory="$tmp" >&2
echo "$want" >"$tmp/.complete"
rm -rf "$dest"
mv "$tmp" "$dest"
log "$(find "$dest" -name '*.jar' | wc -l) jars, $(du -sm "$dest" | cut -f1) MB"
echo "$dest"

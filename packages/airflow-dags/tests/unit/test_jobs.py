from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

import pytest

from shop_dags.config import LocalSettings, load_config
from shop_dags.jobs import (
    QUALITY_CHECKS,
    JobFailedError,
    arguments_for,
    job_arguments,
    parse_summary,
    run_local_job,
)


def settings_running(script: str, cwd: Path) -> LocalSettings:
    return LocalSettings(repo_root=cwd, jobs_project=cwd, python_command=(sys.executable, "-c", script))


def test_job_arguments_follow_the_cli_contract():
    config = load_config({"S3_BUCKET": "lake", "SHOP_SESSION_GAP_MINUTES": "45"})

    assert job_arguments(config, "2026-11-27") == [
        "--events-path", "s3a://lake/events",
        "--sessions-path", "s3a://lake/sessions",
        "--date", "2026-11-27",
        "--gap-minutes", "45",
        "--lookahead-hours", "2",
        "--users-path", "s3a://lake/users",
    ]  # fmt: skip


def test_quality_checks_get_the_configured_late_share_bound():
    default, demo = load_config({"S3_BUCKET": "lake"}), load_config({"SHOP_MAX_LATE_SHARE": "1"})

    assert arguments_for(default, QUALITY_CHECKS, "2026-11-27") == [
        "--events-path", "s3a://lake/events",
        "--sessions-path", "s3a://lake/sessions",
        "--date", "2026-11-27",
        "--max-late-share", "0.2",
    ]  # fmt: skip
    assert arguments_for(demo, QUALITY_CHECKS, "2026-11-27")[-2:] == ["--max-late-share", "1.0"]


def test_a_real_subprocess_summary_comes_back_as_a_dict(tmp_path: Path):
    script = (
        "import json, sys, os; print('spark noise', file=sys.stderr); print('banner');"
        "print(json.dumps({'date': sys.argv[2], 'sessions': 3, 'events': 9, 'cwd': os.getcwd()}))"
    )

    summary = run_local_job(settings_running(script, tmp_path), ["--date", "2026-11-27"])

    assert summary == {"date": "2026-11-27", "sessions": 3, "events": 9, "cwd": str(tmp_path)}


def test_a_failing_job_fails_the_task_with_its_stderr_tail(tmp_path: Path):
    script = "import sys\nfor i in range(100): print(f'log line {i}', file=sys.stderr)\nsys.exit(3)"

    with pytest.raises(JobFailedError) as err:
        run_local_job(settings_running(script, tmp_path), [])

    message = str(err.value)
    assert "exited with code 3" in message
    assert "log line 99" in message
    assert "log line 0\n" not in message  # only the tail


def test_a_missing_jobs_environment_says_how_to_install_it(tmp_path: Path):
    settings = LocalSettings(
        repo_root=tmp_path,
        jobs_project=tmp_path,
        python_command=(str(tmp_path / ".venv/bin/python"),),
    )

    with pytest.raises(JobFailedError, match=r"scripts/bootstrap.sh python"):
        run_local_job(settings, [])


@pytest.mark.parametrize(
    ("stdout", "expected"),
    [("", "printed no summary"), ("done\n", "is not JSON"), ('["a"]\n', "not a JSON object")],
)
def test_output_that_breaks_the_contract_is_an_error_not_an_empty_summary(stdout: str, expected: str):
    with pytest.raises(JobFailedError, match=expected):
        parse_summary(stdout)


def test_a_stopped_task_takes_the_whole_job_tree_down(tmp_path: Path):
    """Airflow's execution_timeout raises inside the task; the job (and the JVM it would start) must not
    keep running unowned. A child that starts a grandchild stands in for python + Spark's JVM."""
    pids = tmp_path / "pids"
    script = (
        "import os, subprocess, sys, time\n"
        "g = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)'])\n"
        f"open({str(pids)!r}, 'w').write(f'{{os.getpid()}} {{g.pid}}')\n"
        "time.sleep(120)\n"
    )

    def timeout(signum, frame):
        raise TimeoutError("execution_timeout")

    previous = signal.signal(signal.SIGALRM, timeout)
    signal.alarm(2)
    try:
        with pytest.raises(TimeoutError):
            run_local_job(settings_running(script, tmp_path), [])
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)

    for pid in map(int, pids.read_text().split()):
        assert not _alive(pid), f"process {pid} outlived the task"


def _alive(pid: int) -> bool:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        # Reaped zombies vanish; an unreaped one (the grandchild, re-parented) shows state Z.
        stat = Path(f"/proc/{pid}/stat")
        if stat.exists() and stat.read_text().split(")")[-1].split()[0] == "Z":
            return False
        time.sleep(0.1)
    return True

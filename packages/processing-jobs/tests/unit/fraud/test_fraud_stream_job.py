"""The fraud_stream entry point's command line and its progress lines (no Spark needed)."""

from __future__ import annotations

from shop_jobs.jobs.fraud_stream import parse_args
from shop_jobs.jobs.progress import progress_line

BASE = ["--brokers", "b:1", "--alerts-path", "/tmp/a", "--checkpoint", "/tmp/c"]


def test_the_batch_cap_and_progress_log_are_off_unless_asked_for():
    args = parse_args(BASE)
    assert args.max_offsets_per_trigger is None
    assert args.progress_log is None
    args = parse_args([*BASE, "--max-offsets-per-trigger", "500", "--progress-log", "/tmp/p.jsonl"])
    assert args.max_offsets_per_trigger == 500
    assert args.progress_log == "/tmp/p.jsonl"


def test_a_progress_line_keeps_rows_rates_duration_watermark_and_state_size():
    progress = {
        "batchId": 7,
        "timestamp": "2026-12-05T12:00:00.000Z",
        "numInputRows": 120,
        "inputRowsPerSecond": 60.0,
        "processedRowsPerSecond": 240.0,
        "durationMs": {"triggerExecution": 500, "addBatch": 400},
        "eventTime": {"watermark": "2026-12-05T11:50:00.000Z"},
        "stateOperators": [{"numRowsTotal": 30}, {"numRowsTotal": 12}],
        "sources": [
            {"startOffset": {"events.raw": {"0": 10, "1": 4}}, "endOffset": {"events.raw": {"0": 70, "1": 64}}}
        ],
    }
    assert progress_line(progress) == {
        "batchId": 7,
        "timestamp": "2026-12-05T12:00:00.000Z",
        "numInputRows": 120,
        "inputRowsPerSecond": 60.0,
        "processedRowsPerSecond": 240.0,
        "triggerExecutionMs": 500,
        "durationMs": {"triggerExecution": 500, "addBatch": 400},
        "watermark": "2026-12-05T11:50:00.000Z",
        "stateRows": 42,
        "endOffsets": {"events.raw": {"0": 70, "1": 64}},
    }


def test_a_progress_line_of_an_idle_batch_has_no_watermark_or_state():
    line = progress_line({"batchId": 0, "numInputRows": 0, "durationMs": {}})
    assert line["watermark"] is None
    assert line["stateRows"] == 0
    assert line["triggerExecutionMs"] is None
    assert line["endOffsets"] == {}


def test_end_offsets_given_as_json_text_are_read_and_anything_else_is_left_out():
    sources = [{"endOffset": '{"events.raw": {"2": 9}}'}, {"endOffset": "not json"}, {"endOffset": None}]
    assert progress_line({"batchId": 1, "sources": sources})["endOffsets"] == {"events.raw": {"2": 9}}

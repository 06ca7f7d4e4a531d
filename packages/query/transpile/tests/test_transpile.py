import pytest

from shop_transpile.files import body_of, render, stale
from shop_transpile.transpile import TranspileError, protect, restore, to_duckdb


def test_params_and_fragments_survive_translation_unchanged():
    sql = "SELECT count_if(event_name = {{event.order_completed}}) AS n FROM t WHERE dt BETWEEN :from AND :to"
    out = to_duckdb(sql)
    assert "{{event.order_completed}}" in out
    assert ":from" in out
    assert ":to" in out
    assert "COUNT_IF" in out


def test_placeholders_inside_string_literals_and_comments_are_left_alone():
    protected = protect("SELECT ':not_a_param', '{{nor.this}}' -- :nor_this\nFROM t WHERE x = :real")
    assert list(protected.tokens.values()) == [":real"]
    assert "':not_a_param'" in protected.sql


def test_a_cast_is_not_taken_for_a_parameter():
    assert protect("SELECT x::int FROM t").tokens == {}


def test_restore_fails_when_a_placeholder_was_lost():
    with pytest.raises(TranspileError, match="lost placeholder"):
        restore("SELECT 1", {"__shop_p0__": ":from"})


def test_reserved_token_names_are_refused():
    with pytest.raises(TranspileError, match="reserved"):
        protect("SELECT __shop_p0__ FROM t")


@pytest.mark.parametrize(
    ("athena", "duckdb"),
    [
        ("SELECT json_extract_scalar(p, '$.id') FROM t", "p ->> '$.id'"),
        ("SELECT approx_distinct(x) FROM t", "APPROX_COUNT_DISTINCT(x)"),
        ("SELECT split(s, ',') FROM t", "STR_SPLIT(s, ',')"),
        ("SELECT date_add('day', -7, d) FROM t", "INTERVAL (-7) DAY"),
        ("SELECT max_by(a, b) FROM t", "ARG_MAX(a, b)"),
    ],
)
def test_trino_functions_become_duckdb_ones(athena, duckdb):
    assert duckdb in to_duckdb(athena)


def test_integer_division_is_refused_with_the_fix():
    with pytest.raises(TranspileError, match=r"integer division is ambiguous.*CAST an operand AS DOUBLE"):
        to_duckdb("SELECT count(*) / sum(x) FROM t")


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT CAST(a AS DOUBLE) / b FROM t",
        "SELECT a / CAST(b AS DECIMAL(10, 2)) FROM t",
        "SELECT max(a) / 3600.0 FROM t",
        "SELECT round(CAST(a AS DOUBLE) / nullif(b, 0), 4) FROM t",
        "SELECT avg(a) / b FROM t",
    ],
)
def test_division_with_a_fractional_operand_passes(sql):
    assert "/" in to_duckdb(sql)


def test_a_trino_function_without_translation_fails_the_build():
    with pytest.raises(TranspileError, match=r"format_datetime\(\) has no DuckDB translation"):
        to_duckdb("SELECT format_datetime(ts, 'yyyy') FROM t")


def test_invalid_sql_and_several_statements_are_refused():
    with pytest.raises(TranspileError, match="not valid Athena SQL"):
        to_duckdb("SELECT FROM WHERE (")
    with pytest.raises(TranspileError, match="exactly one statement"):
        to_duckdb("SELECT 1; SELECT 2")


def test_body_of_drops_the_header_and_the_semicolon():
    assert body_of("-- doc\n-- @param x date = today : x\n\nSELECT 1;\n") == "SELECT 1"


def test_check_reports_stale_missing_and_orphan_files(tmp_path):
    (tmp_path / "questions").mkdir()
    (tmp_path / "views").mkdir()
    (tmp_path / "questions" / "q.sql").write_text("-- q\nSELECT :x AS x\n")
    assert stale(tmp_path) == ["duckdb/questions/q.sql is missing"]
    [output] = render(tmp_path)
    output.path.parent.mkdir(parents=True)
    output.path.write_text(output.content)
    assert stale(tmp_path) == []
    output.path.write_text(output.content + "-- edited\n")
    (tmp_path / "duckdb" / "questions" / "gone.sql").write_text("SELECT 1\n")
    assert stale(tmp_path) == ["duckdb/questions/q.sql is stale", "duckdb/questions/gone.sql has no source"]


def test_the_package_sources_all_translate_and_are_up_to_date():
    from shop_transpile.__main__ import DEFAULT_SQL_DIR

    assert stale(DEFAULT_SQL_DIR) == []

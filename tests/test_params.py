"""The parameter grammar of the web contract: what it accepts, and that every
malformed input is a BadRequest (a 400), never another exception."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import QueryDict
from hypothesis import given, settings
from hypothesis import strategies as st

from pandamon.errors import BadRequest
from pandamon.params import (
    CONTROL_PARAMS,
    JOB_FIELDS,
    MAX_LIMIT,
    MAX_LIST_VALUES,
    WINDOW_PARAMS,
    parse_filter,
    parse_params,
)


def test_value_grammar_any_of_not_and_wildcards():
    f = parse_filter("computingsite", "ANALY_*|BNL_ATLAS_1,!CERN-PROD,!*_MCORE")
    assert f.values == ("BNL_ATLAS_1",)
    assert f.patterns == ("ANALY_*",)
    assert f.negated == ("CERN-PROD",)
    assert f.negated_patterns == ("*_MCORE",)


def test_not_specified_is_null_and_negated_not_null():
    assert parse_filter("cloud", "Not specified").null
    f = parse_filter("cloud", "!Not specified")
    assert f.not_null and not f.null


def test_star_alone_matches_everything():
    f = parse_filter("cloud", "*")
    assert not f.has_positive and not f.negated


def test_integer_columns_take_integer_lists():
    assert parse_filter("pandaid", "1|2,3").values == (1, 2, 3)
    with pytest.raises(BadRequest, match="pandaid must be an integer"):
        parse_filter("pandaid", "12a")


def test_date_columns_take_a_day_or_a_moment():
    (start, end), = parse_filter("creationtime", "2026-11-20").ranges
    assert end - start == dt.timedelta(days=1)


def test_parameter_names_are_case_insensitive_and_cache_busters_ignored():
    params = parse_params(QueryDict("JobStatus=running&timestamp=123&_=9&json"))
    assert params.filters["jobstatus"].values == ("running",)


@pytest.mark.parametrize("query, fragment", [
    ("jobstatuss=running", "unknown parameter 'jobstatuss'"),
    ("pandaid=abc", "pandaid must be an integer"),
    ("hours=0", "hours must be between"),
    ("days=x", "days must be an integer"),
    ("jobstatus=", "parameter 'jobstatus' is empty"),
    ("jobstatus=a||b", "empty term"),
    ("sortby=size", "sortby must be one of"),
    ("limit=0", "limit must be at least 1"),
    ("limit=1e6", "limit must be an integer"),
    ("jobtype=magic", "jobtype must be one of"),
    ("date_from=yesterday", "date_from must be YYYY-MM-DD"),
    ("date_from=2026-11-20&date_to=2026-11-10", "date_from must be earlier than date_to"),
    ("fields=a;b", "fields: 'a;b' is not a field name"),
    ("cloud=!", "'!' must be followed by a value"),
    ("cloud=" + "x" * 60, "longer than the column"),
])
def test_malformed_parameters_name_the_parameter(query, fragment):
    with pytest.raises(BadRequest, match=fragment):
        parse_params(QueryDict(query))


def test_a_limit_above_the_maximum_is_clamped_and_remembered():
    params = parse_params(QueryDict("limit=10000000"))
    assert params.limit == MAX_LIMIT == 200_000 and params.limit_requested == 10_000_000
    params = parse_params(QueryDict("limit=200000"))
    assert params.limit == 200_000 and params.limit_requested is None


def test_lists_are_capped():
    with pytest.raises(BadRequest, match=f"at most {MAX_LIST_VALUES}"):
        parse_params({"pandaid": "|".join(str(i) for i in range(MAX_LIST_VALUES + 1))})


def test_days_win_over_hours_and_default_is_twelve_hours():
    assert parse_params({"hours": "3", "days": "2"}).window.hours == 48
    params = parse_params({})
    assert params.window.hours == 12 and not params.window.explicit


def test_lookup_by_id_without_window_has_no_window():
    assert parse_params({"pandaid": "42"}).window is None
    assert parse_params({"jeditaskid": "7", "hours": "3"}).window.hours == 3


def test_per_vo_default_window(settings):
    settings.PANDAMON_VO_HOURS = {"lsst": 48}
    assert parse_params({"vo": "lsst"}).window.hours == 48
    assert parse_params({"vo": "atlas"}).window.hours == 12


def test_earlierthan_moves_the_end_back():
    params = parse_params({"earlierthan": "24", "hours": "6"})
    assert params.window.hours == 6
    assert dt.datetime.now(dt.UTC) - params.window.end > dt.timedelta(hours=23)


NAMES = st.sampled_from(sorted(WINDOW_PARAMS | CONTROL_PARAMS | {
    "pandaid", "jobstatus", "computingsite", "attemptnr", "creationtime", "cpuconversion", "produsername",
    "piloterrorcode", "jobparameters", "nonsense", "json", "timestamp",
})) | st.text(max_size=12)
VALUES = st.text(max_size=40) | st.sampled_from(["*", "!", "|", ",", "!*", "Not specified", "-1", "1e9",
                                                  "99999999999999999999", "2026-13-01", "2026-11-20T25:00"])


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(NAMES, VALUES, max_size=5))
def test_arbitrary_input_is_accepted_or_a_bad_request(query):
    """Whatever a script sends, the parser answers with Params or BadRequest."""
    try:
        params = parse_params(query)
    except BadRequest as exc:
        assert str(exc)
    else:
        for name in params.filters:
            assert name in JOB_FIELDS


def test_nul_characters_are_refused():
    with pytest.raises(BadRequest, match="NUL"):
        parse_params({"computingsite": "ANALY\x00X"})


@pytest.mark.parametrize("value", ["Inf", "nan", "-infinity", "1e400", "x"])
def test_decimal_columns_take_finite_numbers(value):
    with pytest.raises(BadRequest, match="cpuconversion must be a finite number"):
        parse_params({"cpuconversion": value})


@pytest.mark.parametrize("query", [{"earlierthandays": "\u0660"}, {"pandaid": "\u0663\u0664"}, {"hours": "\uff12"},
                                   {"date_from": "\u0662\u0660\u0662\u0666-01-01"}])
def test_numbers_and_dates_take_ascii_digits_only(query):
    """Python's int() and strptime read other scripts' digits; the contract's integers are ASCII."""
    with pytest.raises(BadRequest):
        parse_params(query)


def test_unknown_parameter_message_lists_bigpanda_names_too():
    with pytest.raises(BadRequest, match="unknown parameter 'usr'") as refused:
        parse_params(QueryDict("usr=someone"))
    message = str(refused.value)
    for name in ("user", "username", "mode", "region", "harvesterinstance", "extra", "<time column>range"):
        assert name in message

"""The USCC validator against an independent implementation (python-stdnum)."""

import string

from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import uscc as stdnum_uscc

from kechuang.core import uscc

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def test_known_vector():
    assert uscc.parse("91110000600037341L").value == "91110000600037341L"
    assert uscc.is_valid("91 110000 600037341L")
    assert not uscc.is_valid("91110000600037341M")


def test_errors_name_the_problem():
    for raw, code in [
        ("123", "length"),
        ("91110000600037341I", "charset"),
        ("91110000600037341M", "check"),
    ]:
        try:
            uscc.parse(raw)
        except uscc.USCCError as exc:
            assert exc.code == code
        else:
            raise AssertionError(raw)


@settings(max_examples=2000)
@given(st.text(alphabet=CHARSET, min_size=17, max_size=17))
def test_check_character_agrees_with_stdnum(body):
    assert uscc.check_character(body) == stdnum_uscc.calc_check_digit(body)


@settings(max_examples=2000)
@given(st.text(alphabet=CHARSET + "IOSVZ", min_size=18, max_size=18))
def test_validity_agrees_with_stdnum(code):
    # stdnum also insists on digits in positions 3-8, as we do.
    assert uscc.is_valid(code) == stdnum_uscc.is_valid(code)


@given(st.text(alphabet=string.digits, min_size=8, max_size=8))
def test_org_code_check_is_one_char(first8):
    assert len(uscc.org_code_check(first8)) == 1

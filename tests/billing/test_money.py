"""Money is Decimal and integer minor units: rounding per line, half up; totals are the sums of
the rounded lines; currencies with 0 and 3 decimals; never a float."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.billing.money import (
    format_minor,
    line_amounts,
    normalize_currency,
    parse_amount,
    parse_decimal,
    totals,
)
from portal.core.errors import UserError


def test_line_rounds_discount_and_tax_half_up_each() -> None:
    # 3 × 33.33 = 99.99; 10 % discount = 9.999 → 10.00; net 89.99; 19 % tax = 17.0981 → 17.10
    amounts = line_amounts(Decimal(3), 3333, Decimal(10), Decimal(19))
    assert amounts.discount_minor == 1000
    assert amounts.net_minor == 8999
    assert amounts.tax_minor == 1710
    assert amounts.total_minor == 10709


def test_half_cent_rounds_up_not_to_even() -> None:
    assert line_amounts(Decimal("0.5"), 1, Decimal(0), Decimal(0)).net_minor == 1
    assert line_amounts(Decimal(1), 250, Decimal(0), Decimal(1)).tax_minor == 3  # 2.5 → 3


def test_totals_are_sums_of_rounded_lines() -> None:
    # Three lines of 0.333… tax each: rounded per line (0+0+0), not 1 cent on the sum.
    lines = [line_amounts(Decimal(1), 333, Decimal(0), Decimal("0.1")) for _ in range(3)]
    summed = totals(lines)
    assert [x.tax_minor for x in lines] == [0, 0, 0]
    assert summed.tax_minor == 0
    assert summed.total_minor == 999
    assert summed.subtotal_minor == 999 and summed.discount_minor == 0


def test_discount_in_totals() -> None:
    summed = totals([line_amounts(Decimal(2), 5000, Decimal(25), Decimal(10))])
    assert (summed.subtotal_minor, summed.discount_minor, summed.tax_minor) == (10000, 2500, 750)
    assert summed.total_minor == 8250


def test_zero_decimal_jpy_and_three_decimal_bhd() -> None:
    assert parse_amount("1500", "JPY") == 1500
    assert format_minor(1500, "JPY") == "JPY 1,500"
    with pytest.raises(UserError, match="more than 0 decimals for JPY"):
        parse_amount("1500.5", "JPY")
    # JPY: 8 % tax on 1,234 yen = 98.72 → 99 yen
    assert line_amounts(Decimal(1), 1234, Decimal(0), Decimal(8)).tax_minor == 99
    assert parse_amount("12.345", "BHD") == 12345
    assert format_minor(12345, "BHD") == "BHD 12.345"
    with pytest.raises(UserError):
        parse_amount("1.2345", "BHD")
    # BHD: 10 % of 1.005 = 0.1005 → 0.101 (half up at the fils)
    assert line_amounts(Decimal(1), 1005, Decimal(0), Decimal(10)).tax_minor == 101


def test_bad_input_is_a_user_error() -> None:
    for raw in ("abc", "1e400x", "NaN", "Infinity"):
        with pytest.raises(UserError):
            parse_amount(raw, "EUR")
    with pytest.raises(UserError, match="between 0 and 100"):
        parse_decimal("101", "tax", high=Decimal(100))
    with pytest.raises(UserError, match="'EURO' is not a currency"):
        normalize_currency("EURO")
    assert normalize_currency(" eur ") == "EUR"
    assert parse_amount("1,234.50", "EUR") == 123450


@given(
    quantity=st.decimals(min_value=0, max_value=10_000, places=4, allow_nan=False),
    price=st.integers(min_value=0, max_value=10**9),
    discount=st.decimals(min_value=0, max_value=100, places=2, allow_nan=False),
    tax=st.decimals(min_value=0, max_value=100, places=2, allow_nan=False),
)
def test_line_totals_are_exact_integers_never_float(
    quantity: Decimal, price: int, discount: Decimal, tax: Decimal
) -> None:
    amounts = line_amounts(quantity, price, discount, tax)
    for value in (amounts.net_minor, amounts.tax_minor, amounts.total_minor):
        assert type(value) is int
    assert amounts.total_minor == amounts.net_minor + amounts.tax_minor
    exact = quantity * price
    # the gross is within half a minor unit of the exact product
    assert abs((amounts.net_minor + amounts.discount_minor) - exact) <= Decimal("0.5")
    assert 0 <= amounts.discount_minor <= amounts.net_minor + amounts.discount_minor

"""Money as `Decimal` and integer minor units, never float.

Rounding rules (documented for the README and the tests):
- Amounts are kept as integers in the currency's minor unit (ISO 4217 exponent: 2 for EUR,
  0 for JPY, 3 for BHD).
- Each line is rounded on its own, half up: net = quantity × unit price, then the line's
  discount (a percentage of the net) is rounded, then its tax (a percentage of the discounted
  net) is rounded.
- The invoice's totals are the sums of the rounded line amounts, so the lines always add up
  to the total printed.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from flask_babel import format_currency, get_locale

from portal.core.errors import UserError

# ISO 4217 exponents that are not 2; every other listed code has two decimals.
EXPONENTS: dict[str, int] = {
    **dict.fromkeys(
        ("BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "VND",
         "VUV", "XAF", "XOF", "XPF"),
        0,
    ),
    **dict.fromkeys(("BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"), 3),
}  # fmt: skip
TWO_DECIMALS = frozenset(
    "AED AUD BGN BRL CAD CHF CNY COP CZK DKK EGP EUR GBP HKD HUF IDR ILS INR MAD MXN MYR NGN "
    "NOK NZD PEN PHP PKR PLN QAR RON RSD RUB SAR SEK SGD THB TRY TWD UAH USD ZAR".split()
)
CURRENCIES = frozenset(EXPONENTS) | TWO_DECIMALS
HUNDRED = Decimal(100)


def normalize_currency(raw: str) -> str:
    """An upper-case ISO 4217 code this portal knows, or a UserError naming what was typed."""
    code = (raw or "").strip().upper()
    if code not in CURRENCIES:
        raise UserError(f"{raw!r} is not a currency code we know (ISO 4217, like EUR).", "currency")
    return code


def exponent(currency: str) -> int:
    return EXPONENTS.get(currency, 2)


def round_minor(value: Decimal) -> int:
    """Half up to a whole number of minor units."""
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def parse_amount(raw: str, currency: str, field: str = "amount") -> int:
    """'1,234.50' in EUR → 123450; more decimals than the currency has are refused."""
    text = (raw or "").strip().replace(",", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise UserError(f"{raw!r} is not an amount.", field) from None
    if not value.is_finite():
        raise UserError(f"{raw!r} is not an amount.", field)
    scaled = value.scaleb(exponent(currency))
    if scaled != scaled.to_integral_value():
        places = exponent(currency)
        raise UserError(f"{raw!r} has more than {places} decimals for {currency}.", field)
    return int(scaled)


def parse_decimal(raw: str, field: str, *, places: int = 4, low: Decimal = Decimal(0),
                  high: Decimal = Decimal("1000000000")) -> Decimal:  # fmt: skip
    """A quantity or a percentage: a finite Decimal within bounds with at most `places`."""
    text = (raw or "").strip().replace(",", "") or "0"
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise UserError(f"{raw!r} is not a number.", field) from None
    if not value.is_finite() or value < low or value > high:
        raise UserError(f"{raw!r} must be between {low} and {high}.", field)
    if value != value.quantize(Decimal(1).scaleb(-places)):
        raise UserError(f"{raw!r} has more than {places} decimals.", field)
    return value


def format_minor(amount: int, currency: str) -> str:
    """123450, EUR → 'EUR 1,234.50' (JPY has no decimals, BHD three)."""
    places = exponent(currency)
    value = Decimal(amount).scaleb(-places)
    return f"{currency} {value:,.{places}f}"


def format_local(amount: int, currency: str) -> str:
    """In the reader's language (Flask-Babel's locale): 123456, EUR → '1.234,56 €' in German,
    '1 234,56 €' in French; English keeps `format_minor`'s 'EUR 1,234.56'."""
    locale = get_locale()
    if locale is None or locale.language == "en":
        return format_minor(amount, currency)
    return str(format_currency(Decimal(amount).scaleb(-exponent(currency)), currency))


def format_plain(amount: int, currency: str) -> str:
    """123450, EUR → '1234.50', the form a field shows for editing."""
    places = exponent(currency)
    return f"{Decimal(amount).scaleb(-places):.{places}f}"


@dataclass(frozen=True, slots=True)
class LineAmounts:
    net_minor: int  # quantity × unit price − discount
    discount_minor: int
    tax_minor: int
    total_minor: int


def line_amounts(quantity: Decimal, unit_price_minor: int, discount_percent: Decimal,
                 tax_percent: Decimal) -> LineAmounts:  # fmt: skip
    """One line, each step rounded half up to minor units (see the module's rules)."""
    gross = round_minor(quantity * Decimal(unit_price_minor))
    discount = round_minor(Decimal(gross) * discount_percent / HUNDRED)
    net = gross - discount
    tax = round_minor(Decimal(net) * tax_percent / HUNDRED)
    return LineAmounts(net_minor=net, discount_minor=discount, tax_minor=tax, total_minor=net + tax)


@dataclass(frozen=True, slots=True)
class Totals:
    subtotal_minor: int  # before discounts
    discount_minor: int
    tax_minor: int
    total_minor: int


def totals(lines: list[LineAmounts]) -> Totals:
    """The invoice's totals: sums of the rounded lines."""
    discount = sum(line.discount_minor for line in lines)
    net = sum(line.net_minor for line in lines)
    tax = sum(line.tax_minor for line in lines)
    return Totals(
        subtotal_minor=net + discount, discount_minor=discount, tax_minor=tax, total_minor=net + tax
    )

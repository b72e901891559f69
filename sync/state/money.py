"""ISO 4217 currencies and exact amounts in minor units.

Amounts are integers of the currency's minor unit (cents, yen, fils); code
that needs arithmetic uses ``Decimal``.  Nothing here ever touches a float.

The one rounding rule: sums and conversions are exact (``EXACT`` traps any
inexact result), and a value is rounded once, half to even, to the minor
unit of its currency (``round_minor``) when it is shown or stored.  This is
also how hledger rounds what it displays, so totals agree to the cent.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import (
    ROUND_HALF_EVEN,
    Context,
    Decimal,
    DivisionByZero,
    Inexact,
    InvalidOperation,
    Overflow,
)
from itertools import pairwise

from crewdeck.sync.state.visible import quoted

# Minor-unit exponents per ISO 4217 (the 2025 list, funds and metals left out).
_EXPONENT_0 = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF"
_EXPONENT_3 = "BHD IQD JOD KWD LYD OMR TND"
_EXPONENT_4 = "CLF UYW"
_EXPONENT_2 = (
    "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BRL BSD "
    "BTN BWP BYN BZD CAD CDF CHF CNY COP CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB "
    "EUR FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD "
    "KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU "
    "MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR "
    "RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB "
    "TJS TMT TOP TRY TTD TWD TZS UAH USD UYU UZS VED VES WST XCD XCG YER ZAR ZMW ZWG"
)

MINOR_UNITS: dict[str, int] = {
    **dict.fromkeys(_EXPONENT_2.split(), 2),
    **dict.fromkeys(_EXPONENT_0.split(), 0),
    **dict.fromkeys(_EXPONENT_3.split(), 3),
    **dict.fromkeys(_EXPONENT_4.split(), 4),
}


#: The largest amount in minor units an entry or budget may hold (10^13 of a
#: two-decimal currency): far beyond any campaign, far inside SQLite's integers.
MAX_MINOR = 10**15

#: Sums and products of amounts and rates: exact, or an error, never rounded.
EXACT = Context(prec=80, rounding=ROUND_HALF_EVEN, traps=[InvalidOperation, Inexact, Overflow, DivisionByZero])
#: Quotients (shares of a budget, rates per day, percentages) cannot be
#: exact; they keep 40 significant digits until ``round_minor``.
QUOTIENT = Context(prec=40, rounding=ROUND_HALF_EVEN, traps=[InvalidOperation, Overflow, DivisionByZero])


class MoneyError(ValueError):
    """An amount or a currency that cannot be used, with the reason."""


#: The most of a currency a line shows: a code has 3 letters, a file's cell may hold 131,072 characters.
CODE_SHOWN = 20


def shown_code(code: str) -> str:
    """``code``, or its first ``CODE_SHOWN - 1`` characters and an ellipsis when it is longer."""
    return code if len(code) <= CODE_SHOWN else code[: CODE_SHOWN - 1] + "…"


def check_currency(code: object) -> str:
    if not isinstance(code, str) or code.upper() != code or code not in MINOR_UNITS:
        shown = shown_code(code) if isinstance(code, str) else code
        raise MoneyError(f"unknown currency {shown!r} (use an ISO 4217 code such as EUR, USD, JPY)")
    return code


def exponent(currency: str) -> int:
    return MINOR_UNITS[check_currency(currency)]


#: The codes of currency signs a person types by habit (``€12``, as hledger takes them): the example a refusal gives.
#: Only a sign that means one currency alone is here: ``$`` is USD only standing alone (``R$``, ``A$`` are others),
#: and ``¢`` is a hundredth of one (``¢50`` is 0.50 of it).
_SIGN_CODES = {"€": "EUR", "£": "GBP", "$": "USD", "¥": "JPY", "₹": "INR", "₩": "KRW", "₺": "TRY", "₪": "ILS", "₽": "RUB"}
#: An amount written with one sign before or after a number and nothing else (``€12``, ``-€12``, ``€ 12``, ``12,50€``).
_SIGN_ALONE = re.compile(r"(?P<lead>[-+]?)(?P<before>\S)\s*(?P<number>[-+]?[0-9.,]+)|(?P<written>[-+]?[0-9.,]+)\s*(?P<after>\S)")
#: A number whose commas group its thousands, a dot before its decimals (``20,000``, ``-1,250.00``), as an ad
#: platform's export writes one, and a person writing English; ``0,500`` groups nothing (a decimal comma, or a slip).
GROUPED_THOUSANDS = re.compile(r"[-+]?[1-9][0-9]{0,2}(,[0-9]{3})+(\.[0-9]+)?\Z")
#: A number whose one comma marks its decimals, dots grouping its thousands or none (``12,50``, ``1.234,56``).
_COMMA_DECIMALS = re.compile(r"[-+]?([0-9]{1,3}(\.[0-9]{3})+|[0-9]+),(?P<decimals>[0-9]+)\Z")


def _example_number(currency: str) -> str:
    """A number ``currency`` takes, with as many decimals as it has (``120.50``, ``120`` of JPY, ``120.500`` of KWD)."""
    places = exponent(currency)
    return "120" + ("." + "50".ljust(places, "0") if places else "")


def decimal_comma_fits(number: str, currency: str | None) -> bool:
    """Whether ``number``'s comma may mark its decimals in ``currency`` (``None``: a rate, any number of them): in EUR
    ``12,50`` may, ``20,000`` may not (EUR has two decimal places; JPY none, KWD three), nor ``1,250.00``."""
    found = _COMMA_DECIMALS.match(number)
    return found is not None and (currency not in MINOR_UNITS or len(found["decimals"]) <= MINOR_UNITS[currency])


def thousands_dropped(number: str, currency: str) -> str | None:
    """``number`` without its commas where they can only group its thousands in ``currency`` and it is then an amount
    of it (``20,000`` of JPY: ``20000``; ``1,250.00`` of EUR: ``1250.00``); ``None`` where a comma may mark decimals
    (``1,250`` of KWD, with its three places) or the number is none grouped so: no reading is guessed."""
    if currency not in MINOR_UNITS or not GROUPED_THOUSANDS.match(number) or decimal_comma_fits(number, currency):
        return None
    plain = number.replace(",", "")
    return plain if len(plain.partition(".")[2]) <= MINOR_UNITS[currency] else None


def _as_taken(number: str, currency: str) -> str:
    """``number``, written with marks ``parse_decimal`` refuses, as it takes it where only one reading fits
    (``1,250.00`` and ``1.234,56`` of EUR: ``1250.00``, ``1234.56``); else as written."""
    plain = thousands_dropped(number, currency)
    if plain is not None:
        return plain
    if decimal_comma_fits(number, currency) and not GROUPED_THOUSANDS.match(number):
        return number.replace(".", "").replace(",", ".")
    return number


def _sign_example(raw: str, written: str | None) -> str | None:
    """How ``raw``, an amount written with a currency sign, is written here (``€12,50`` -> ``12.50 EUR``), the code
    ``written`` beside it winning over its sign's; ``None`` when the sign does not stand alone by a number or stands
    for no one currency (``R$10``, ``¢50``): no code is guessed, and no number a currency would refuse is echoed."""
    found = _SIGN_ALONE.fullmatch(raw.strip())
    if found is None:
        return None
    sign = found["before"] or found["after"]
    if sign not in _SIGN_CODES:
        return None
    code = written or _SIGN_CODES[sign]
    number = _as_taken((found["lead"] or "") + (found["number"] or found["written"]), code)
    try:
        parse_decimal(number, code)
    except MoneyError:
        number = _example_number(code)
    return f"{number} {code}"


def _sign_problem(raw: str, written: str | None) -> str | None:
    """Why ``raw`` written with a currency sign is refused, and how it is written here (``written``: the code written
    beside it, if one was); ``None`` when it has no sign."""
    if not any(unicodedata.category(char) == "Sc" for char in raw):
        return None
    example = _sign_example(raw, written)
    if example is None:
        return f"amount {quoted(raw)}: write the currency as its ISO 4217 code after the number, not its sign"
    return f"amount {quoted(raw)}: write the currency as its code after the number, not its sign, like {quoted(example)}"


def parse_decimal(text: str, currency: str, *, written: bool = True) -> int:
    """``"120.50"`` in EUR -> ``12050``.  Refuses what a person might mistype.

    Accepted: an optional leading minus or plus (``+12``, as a bank's statement
    writes money in: the same as ``12``), digits, and at most as many decimals
    as the currency has.  Refused: decimal commas (``12,50``), exponents
    (``1e3``), negative zero, a sign twice, thousands separators.
    """
    places = exponent(currency)
    raw = text.strip()
    body = raw[1:] if raw.startswith(("-", "+")) else raw
    whole, dot, frac = body.partition(".")
    if "," in raw or not whole.isdigit() or not whole.isascii() or (dot and (not frac.isdigit() or not frac.isascii())):
        # Looked for only once the amount is refused: every amount an import reads comes through here.
        signed = _sign_problem(raw, currency if written else None)
        if signed:
            raise MoneyError(signed)
        plain = thousands_dropped(raw, currency)
        if plain is not None:  # "use a dot as the decimal separator" of "20,000 JPY" read as a decimal comma
            raise MoneyError(f"amount {quoted(raw)}: write it without its thousands separators, like {quoted(f'{plain} {currency}')}")
        if "," in raw:
            raise MoneyError(f"amount {quoted(raw)}: use a dot as the decimal separator, without thousands separators")
        raise MoneyError(f"amount {quoted(raw)} is not a plain decimal number like 120.50")
    if len(frac) > places:
        if places == 0:
            raise MoneyError(f"amount {quoted(raw)}: {currency} has no minor unit, give a whole number")
        raise MoneyError(f"amount {quoted(raw)}: {currency} has {places} decimal places, not {len(frac)}")
    # More digits than the largest amount has is too large; said before int(), which refuses 4,301 of them.
    if len(whole.lstrip("0")) > len(str(MAX_MINOR)):
        raise MoneyError(f"amount {quoted(raw)} is too large")
    minor: int = int(whole) * 10**places + (int(frac.ljust(places, "0")) if places else 0)
    if raw.startswith("-"):
        if minor == 0:
            raise MoneyError(f"amount {quoted(raw)}: negative zero is not an amount")
        minor = -minor
    if abs(minor) > MAX_MINOR:
        raise MoneyError(f"amount {quoted(raw)} is too large")
    return minor


def parse_amount(text: str, default_currency: str | None = None) -> tuple[int, str]:
    """``"120.50 EUR"`` (or ``"EUR 120.50"``) -> ``(12050, "EUR")``."""
    parts = text.split()
    # "1 234,50" with no currency is a number grouped by a space, not 1 in a currency "234,50"; nor is "1 234,50 EUR"
    # a number and a currency written wrong.
    numeric = [part.replace(",", "").replace(".", "").lstrip("-+").isdigit() for part in parts]
    if any(first and second for first, second in pairwise(numeric)):
        raise MoneyError(f"amount {quoted(text)}: no spaces or thousands separators in a number; write it like '1000.00 EUR'")
    if len(parts) == 2:
        first, second = parts
        number, currency = (second, first) if _currency_first(first, second) else (first, second)
    elif len(parts) == 1 and default_currency:
        number, currency = parts[0], default_currency
    else:
        raise MoneyError(f"amount {quoted(text)}: write it as a number and a currency, like '120.50 EUR'")
    currency = currency.upper() if currency.isalpha() and len(currency) == 3 else currency
    if currency not in MINOR_UNITS and any(all(unicodedata.category(char) == "Sc" for char in part) for part in parts):
        # A sign apart from its number ("€ 12", "12 €") read as the currency: said as a sign is, not "unknown currency".
        signed = _sign_problem(text, None)
        if signed:
            raise MoneyError(signed)
    check_currency(currency)
    return parse_decimal(number, currency, written=len(parts) == 2), currency


def _currency_first(first: str, second: str) -> bool:
    """Whether ``first second`` is written currency first (``EUR 120.50``).

    A word before a currency code is a mistyped number (``NaN EUR``), to be
    refused as one, not taken for an unknown currency.
    """

    def code(word: str) -> bool:
        return word.isalpha() and word.upper() in MINOR_UNITS

    return (code(first) and not code(second)) or (first.isalpha() and not second.isalpha())


def to_decimal(minor: int, currency: str) -> Decimal:
    return Decimal(minor).scaleb(-exponent(currency))


def format_minor(minor: int, currency: str, *, grouping: bool = False) -> str:
    """``12050, "EUR"`` -> ``"120.50"`` (sign, digits, exactly the currency's places).

    ``grouping`` adds thousands separators (``"1,234.50"``) for people to
    read; machine formats (JSON, CSV, journals) never use it.
    """
    places = exponent(currency)
    sign = "-" if minor < 0 else ""
    whole, frac = divmod(abs(minor), 10**places) if places else (abs(minor), 0)
    digits = f"{whole:,}" if grouping else str(whole)
    return f"{sign}{digits}.{frac:0{places}d}" if places else f"{sign}{digits}"


def round_minor(value: Decimal, currency: str) -> int:
    """A value in major units as minor units, rounded half to even: the one rounding rule."""
    scaled = value.scaleb(exponent(currency), context=EXACT)
    return int(scaled.quantize(Decimal(1), rounding=ROUND_HALF_EVEN, context=QUOTIENT))


def money_json(minor: int, currency: str) -> dict[str, str]:
    """``{"amount": "120.50", "currency": "EUR"}``: how every amount leaves as JSON."""
    return {"amount": format_minor(minor, currency), "currency": currency}


def parse_rate(text: str) -> Decimal:
    """An exchange rate as people type it: a plain positive decimal like ``0.9215``."""
    raw = text.strip()
    whole, dot, frac = raw.partition(".")
    if "," in raw:
        raise MoneyError(f"rate {quoted(raw)}: use a dot as the decimal separator")
    if not (whole.isascii() and whole.isdigit()) or (dot and not (frac.isascii() and frac.isdigit())):
        raise MoneyError(f"rate {quoted(raw)} is not a plain decimal number like 0.9215")
    if len(whole) > 12 or len(frac) > 12:
        raise MoneyError(f"rate {quoted(raw)}: at most 12 digits before and 12 after the point")
    rate = Decimal(raw)
    if rate == 0:
        raise MoneyError(f"rate {quoted(raw)} must be more than zero")
    return rate


def decimal_to_minor(value: Decimal, currency: str) -> int:
    """Exact conversion; refuses a value with more places than the currency has."""
    try:
        scaled = value.scaleb(exponent(currency))
    except InvalidOperation:
        raise MoneyError(f"amount {value} is not a number") from None
    if scaled != scaled.to_integral_value():
        raise MoneyError(f"amount {value} has more decimals than {currency} allows")
    return int(scaled)

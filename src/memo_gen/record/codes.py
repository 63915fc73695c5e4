"""ISO 3166-1 alpha-2 country codes (with XK, Kosovo) and ISO 4217 currency codes.

``COUNTRY_CODES`` is Babel's (CLDR's) list of territories, less what is not an ISO 3166-1
alpha-2 country code (see :func:`country_codes_from_babel`), written out by
``python -m memo_gen.record.codes``; tests/test_codes.py checks it still equals Babel's. It is
written out rather than read from Babel because loading Babel's locale data would cost every
``memo-gen validate`` about 27 ms (median of 20 runs of data/astana-2025-03-13.yaml: 246 ms
with the list, 273 ms reading Babel; ``validate`` imports no Babel otherwise).

``CURRENCY_CODES`` is ISO 4217's list of current codes (Debian's iso-codes tables), kept by
hand: Babel has no such list. ``babel.numbers.list_currencies()`` is every code CLDR has ever
had, 307 of them, with withdrawn ones (DEM, FRF, RUR …) and codes ISO does not assign (CNH);
and the currencies CLDR dates to territories miss current ISO codes (SVC) and change with the
day they are asked for, so validation would change with the calendar. tests/test_codes.py
checks that Babel knows each of them.
"""

from __future__ import annotations

import re
from pathlib import Path

# fmt: off
COUNTRY_CODES = frozenset(
    {
     "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
     "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS",
     "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN",
     "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE",
     "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF",
     "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM",
     "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM",
     "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC",
     "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK",
     "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA",
     "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG",
     "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW",
     "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS",
     "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO",
     "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
     "VN", "VU", "WF", "WS", "XK", "YE", "YT", "ZA", "ZM", "ZW",
    }
)

CURRENCY_CODES = frozenset(
    {
     "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT",
     "BGN", "BHD", "BIF", "BMD", "BND", "BOB", "BOV", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD",
     "CAD", "CDF", "CHE", "CHF", "CHW", "CLF", "CLP", "CNY", "COP", "COU", "CRC", "CUC", "CUP",
     "CVE", "CZK", "DJF", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP",
     "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ", "GYD", "HKD", "HNL", "HRK", "HTG", "HUF", "IDR",
     "ILS", "INR", "IQD", "IRR", "ISK", "JMD", "JOD", "JPY", "KES", "KGS", "KHR", "KMF", "KPW",
     "KRW", "KWD", "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL", "LYD", "MAD", "MDL", "MGA",
     "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN", "MXV", "MYR", "MZN", "NAD",
     "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "PYG",
     "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE",
     "SLL", "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB", "TJS", "TMT", "TND", "TOP",
     "TRY", "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "USN", "UYI", "UYU", "UYW", "UZS", "VED",
     "VES", "VND", "VUV", "WST", "XAF", "XAG", "XAU", "XBA", "XBB", "XBC", "XBD", "XCD", "XDR",
     "XOF", "XPD", "XPF", "XPT", "XSU", "XTS", "XUA", "XXX", "YER", "ZAR", "ZMW", "ZWL",
    }
)
# fmt: on


# ISO 3166-1 codes that are not countries: exceptionally reserved (AC Ascension, EU, UN …)
# and user-assigned (AA, QM–QZ, XA–XZ, ZZ), which CLDR uses for its own regions; XK, Kosovo,
# is user-assigned but used for Kosovo by the EU and others, and kept.
_EXCEPTIONALLY_RESERVED = frozenset(
    {"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "FX", "IC", "SU", "TA", "UK", "UN"}
)
_KEPT_USER_ASSIGNED = frozenset({"XK"})


def _user_assigned(code: str) -> bool:
    return code in {"AA", "ZZ"} or "QM" <= code <= "QZ" or code.startswith("X")


def country_codes_from_babel() -> frozenset[str]:
    """Babel's territories that are ISO 3166-1 alpha-2 country codes (imports Babel): its
    numeric regions (001, 419 …), reserved and user-assigned codes left out, XK kept."""
    from babel import Locale

    territories = [str(code) for code in Locale("en").territories]
    return frozenset(
        code
        for code in territories
        if re.fullmatch("[A-Z]{2}", code)
        and code not in _EXCEPTIONALLY_RESERVED
        and (code in _KEPT_USER_ASSIGNED or not _user_assigned(code))
    )


def source_text(text: str, countries: frozenset[str]) -> str:
    """This module's source ``text`` with ``countries`` as ``COUNTRY_CODES``."""
    start = text.index("COUNTRY_CODES = frozenset(")
    end = text.index("CURRENCY_CODES = frozenset(")
    codes = sorted(countries)
    rows = [", ".join(f'"{code}"' for code in codes[i : i + 16]) for i in range(0, len(codes), 16)]
    body = "".join(f"     {row},\n" for row in rows)
    literal = f"COUNTRY_CODES = frozenset(\n    {{\n{body}    }}\n)\n\n"
    return text[:start] + literal + text[end:]


def main() -> None:
    """Rewrite ``COUNTRY_CODES`` in this file from Babel (silently: only the command line
    prints; ``git diff`` shows what changed)."""
    path = Path(__file__)
    text = path.read_text(encoding="utf-8")
    path.write_text(source_text(text, country_codes_from_babel()), encoding="utf-8")


if __name__ == "__main__":  # pragma: no cover
    main()

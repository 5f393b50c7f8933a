"""Formats the RoI checks: LEI (ISO 17442, ISO 7064 mod 97-10 check digits), ISO dates, countries, currencies."""

import datetime
import re

from django.utils.translation import gettext as _

LEI_PATTERN = re.compile(r"^[0-9A-Z]{18}[0-9]{2}$")
EUID_PATTERN = re.compile(r"^[A-Z]{2}[A-Z0-9.\-]{3,60}$")

# ISO 3166-1 alpha-2 (officially assigned codes) and ISO 4217 active currencies: the sets the templates accept.
COUNTRIES = frozenset(
    """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY
    BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK
    FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR
    IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK
    ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM
    PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF
    TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
    """.split()  # noqa: SIM905
)
CURRENCIES = frozenset(
    """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF
    CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD
    HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD
    MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN
    PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY
    TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XOF XPF YER ZAR ZMW ZWL
    """.split()  # noqa: SIM905
)


def lei_check_digits_ok(code: str) -> bool:
    """ISO 17442: letters become 10…35, and the 20-character number modulo 97 is 1 (ISO 7064 MOD 97-10)."""
    return int("".join(str(int(char, 36)) for char in code)) % 97 == 1


def lei_problem(code: str) -> str | None:
    """Why `code` is not an LEI, or None when it is one."""
    if not LEI_PATTERN.match(code or ""):
        return _("An LEI is 20 characters: 18 letters or digits, then 2 check digits.")
    if not lei_check_digits_ok(code):
        return _("The LEI's check digits are wrong (ISO 17442, mod 97).")
    return None


def lei_with_check_digits(base18: str) -> str:
    """The LEI made of 18 characters and the check digits that make it valid (demo data, tests)."""
    number = int("".join(str(int(char, 36)) for char in base18.upper() + "00"))
    return f"{base18.upper()}{98 - number % 97:02d}"


def iso_date_problem(value: str) -> str | None:
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return _("Not an ISO 8601 date (YYYY-MM-DD).")
    return None if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else _("Not an ISO 8601 date (YYYY-MM-DD).")

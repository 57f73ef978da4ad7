"""English month and day names, as both generators write them in URLs (`:monthname`,
`:long_month`, `:w_day`), whatever the machine's locale (`calendar.month_name` follows it)."""

from __future__ import annotations

from typing import Final

MONTHS: Final = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
DAYS: Final = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# English: "4 Dec 2026" and "4 Dec 2026 14:05"; the month by name, never a day/month guess.
# Inputs show ISO dates (2026-12-04) and accept "4 Dec 2026" too.
DATE_FORMAT = "j M Y"
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y H:i"
SHORT_DATETIME_FORMAT = "j M Y H:i"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
FIRST_DAY_OF_WEEK = 1  # Monday, as in Kazakhstan
DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # '2026-12-04'
    "%d %b %Y",  # '4 Dec 2026'
]
TIME_INPUT_FORMATS = ["%H:%M:%S", "%H:%M:%S.%f", "%H:%M"]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
    "%d %b %Y %H:%M:%S",
    "%d %b %Y %H:%M",
]

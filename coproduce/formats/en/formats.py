"""How the site writes dates and times in English: one place for every page, email and log
summary. Times are on the 24-hour clock ("23:06", never "11:06 p.m."), as people read them in
timetables. Templates name these (`|date:"DATETIME_FORMAT"`), Python code passes the same
names to `django.utils.formats.date_format`.
"""

DATE_FORMAT = "j F Y"  # 4 December 2026
TIME_FORMAT = "H:i"  # 23:06
DATETIME_FORMAT = "j F Y, H:i"  # 4 December 2026, 23:06
SHORT_DATE_FORMAT = "j M Y"  # 4 Dec 2026
SHORT_DATETIME_FORMAT = "j M Y, H:i"  # 4 Dec 2026, 23:06

"""How the site writes dates and times in English: one way on every page, in every email and text
message and in the history. Times are on the 24-hour clock ("23:06", never "11:06 p.m."), as
people read them in timetables; months are written in full and no day of the week is added.

Nothing names these patterns directly: templates use the `moment` and `day` filters
(`{% load dates %}`) and Python code calls `coproduce.dates.moment` / `coproduce.dates.day`.
The short forms equal the long ones so that anything Django writes by itself (the admin, a
form's initial value) looks the same too.
"""

DATE_FORMAT = "j F Y"  # 4 December 2026
TIME_FORMAT = "H:i"  # 23:06
DATETIME_FORMAT = "j F Y, H:i"  # 4 December 2026, 23:06
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT

"""An activity as an iCalendar file (RFC 5545), to add to a phone's or computer's calendar.

Built with the `icalendar` library so that escaping, line folding and time zones follow the
standard. The UID is stable per activity, so opening a changed activity's file again updates
the entry already in the calendar instead of adding a second one; SEQUENCE counts changes
made in the history (calendar programs take the higher one as newer).
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from icalendar import Alarm, Calendar, Event

from coproduce.site import absolute_url, public_site
from projects.models import Event as LogEvent
from projects.models import EventKind

from .models import Activity


def activity_calendar(activity: Activity) -> bytes:
    """The `.ics` bytes for one activity: one event with its time, place, link and a
    reminder the day before."""
    url = absolute_url(activity.get_absolute_url())
    changes = LogEvent.objects.filter(
        project_id=activity.project_id,
        kind__in=[EventKind.ACTIVITY_CHANGED, EventKind.ACTIVITY_CANCELLED],
        data__activity=activity.pk,
    ).count()
    calendar = Calendar()
    calendar.add("prodid", "-//coproduce//activities//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"activity-{activity.pk}@{public_site().domain}")
    event.add("dtstamp", timezone.now())
    event.add("sequence", changes)
    event.add("dtstart", activity.starts_at)
    event.add("dtend", activity.ends_at)
    event.add("summary", f"{activity.title} ({activity.project.title})")
    if activity.is_cancelled:
        # Calendar programs strike the entry through or remove it on seeing this.
        event.add("status", "CANCELLED")
    event.add("location", activity.place or activity.video_link)
    description = [activity.get_kind_display(), url]
    if activity.video_link:
        description.insert(1, activity.video_link)
    event.add("description", "\n".join(description))
    event.add("url", url)
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", activity.title)
    alarm.add("trigger", timedelta(days=-1))
    event.add_component(alarm)
    calendar.add_component(event)
    return bytes(calendar.to_ical())

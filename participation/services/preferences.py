"""Each member's channel and topics, and the one-click unsubscribe."""

from __future__ import annotations

from collections.abc import Collection, Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from coproduce.contact import optional_phone
from coproduce.models import User

from ..models import Channel, ChannelChoice, NotificationPreference, Topic


class PreferenceError(Exception):
    """A choice that cannot be saved; str(error) says why in plain English."""


def preferences_for(user_ids: Iterable[int]) -> dict[int, NotificationPreference]:
    """Everyone's choices in one query; people who never chose get the defaults."""
    ids = list(user_ids)
    found = {p.user_id: p for p in NotificationPreference.objects.filter(user_id__in=ids)}
    return {uid: found.get(uid) or NotificationPreference(user_id=uid) for uid in ids}


def channels_for(user: User, preference: NotificationPreference) -> list[Channel]:
    """Text messages need a number; without one a member still gets email, never nothing. An
    account with no email address (someone who signs in by phone) gets texts."""
    sms = bool(user.phone) and (
        preference.channel in (ChannelChoice.SMS, ChannelChoice.BOTH) or not user.email
    )
    email = bool(user.email) and (
        preference.channel in (ChannelChoice.EMAIL, ChannelChoice.BOTH) or not sms
    )
    return [channel for channel, wanted in ((Channel.EMAIL, email), (Channel.SMS, sms)) if wanted]


@transaction.atomic
def update_preferences(
    *, user: User, channel: ChannelChoice | str, phone: str, topics: Collection[Topic | str]
) -> NotificationPreference:
    channel = ChannelChoice(channel)
    phone = optional_phone(phone)
    if channel != ChannelChoice.EMAIL and not phone:
        raise PreferenceError(_("Add your mobile number to get text messages."))
    if user.phone != phone:
        if not user.email:
            # Their number is how they sign in: a new, unchecked one would lock them out.
            raise PreferenceError(
                _("You sign in with your mobile number, so it cannot be changed here.")
            )
        # A new number is unchecked until a code sent to it is typed back.
        user.phone, user.phone_verified = phone, False
        user.save(update_fields=["phone", "phone_verified"])
    preference, _created = NotificationPreference.objects.select_for_update().get_or_create(
        user=user
    )
    wanted = {Topic(topic) for topic in topics}
    choices = {"channel": channel, **{topic.value: topic in wanted for topic in Topic}}
    changed = [name for name, value in choices.items() if getattr(preference, name) != value]
    # The same choices sent again change nothing, not even the "changed" date.
    if changed:
        for name in changed:
            setattr(preference, name, choices[name])
        preference.save(update_fields=[*changed, "updated_at"])
    return preference


@transaction.atomic
def unsubscribe(*, user_id: int, topic: Topic) -> User | None:
    """Switch one topic off for one person. Doing it twice is the same as once."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return None
    preference, _created = NotificationPreference.objects.select_for_update().get_or_create(
        user=user
    )
    if preference.wants(topic):
        setattr(preference, topic.value, False)
        preference.save(update_fields=[topic.value, "updated_at"])
    return user

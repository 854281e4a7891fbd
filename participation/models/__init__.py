from .access import AccessNeeds, ContactWay, StorySharing
from .activity import (
    Activity,
    ActivityKind,
    ActivityQuerySet,
    Adjustment,
    Answer,
    Attendance,
    Presence,
    Reply,
)
from .consent import Consent, Purpose, has_consent, quotable, unquotable_ids
from .contribution import Contribution, ContributionKind, ContributionResponse
from .invitation import Invitation, InvitationQuerySet, InvitationState
from .notification import (
    TOPIC_OF_KIND,
    Channel,
    ChannelChoice,
    MessageKind,
    NotificationPreference,
    OutboxMessage,
    OutboxQuerySet,
    OutboxStatus,
    Topic,
)

__all__ = [
    "TOPIC_OF_KIND",
    "AccessNeeds",
    "Activity",
    "ActivityKind",
    "ActivityQuerySet",
    "Adjustment",
    "Answer",
    "Attendance",
    "Channel",
    "ChannelChoice",
    "Consent",
    "ContactWay",
    "Contribution",
    "ContributionKind",
    "ContributionResponse",
    "Invitation",
    "InvitationQuerySet",
    "InvitationState",
    "MessageKind",
    "NotificationPreference",
    "OutboxMessage",
    "OutboxQuerySet",
    "OutboxStatus",
    "Presence",
    "Purpose",
    "Reply",
    "StorySharing",
    "Topic",
    "has_consent",
    "quotable",
    "unquotable_ids",
]

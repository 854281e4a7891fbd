from .access import AccessNeeds, ContactWay, StorySharing
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
    "Purpose",
    "StorySharing",
    "Topic",
    "has_consent",
    "quotable",
    "unquotable_ids",
]

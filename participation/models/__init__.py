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
    "Channel",
    "ChannelChoice",
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
    "Topic",
]

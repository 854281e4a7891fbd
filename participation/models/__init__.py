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
    "Activity",
    "ActivityKind",
    "ActivityQuerySet",
    "Adjustment",
    "Answer",
    "Attendance",
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
    "Presence",
    "Reply",
    "Topic",
]

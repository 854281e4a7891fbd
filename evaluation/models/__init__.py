from .answers import COMMENT, MIN_ANSWERS, ItemAnswer, SurveyResponse
from .instrument import (
    MOMENTS_OF,
    SCALE_POINTS,
    Asking,
    Instrument,
    InstrumentQuerySet,
    Item,
    Moment,
    Scale,
)
from .report import Finding, SummaryVersion, TeamSummary
from .requests import SurveyRequest, SurveyRequestQuerySet, survey_url

__all__ = [
    "COMMENT",
    "MIN_ANSWERS",
    "MOMENTS_OF",
    "SCALE_POINTS",
    "Asking",
    "Finding",
    "Instrument",
    "InstrumentQuerySet",
    "Item",
    "ItemAnswer",
    "Moment",
    "Scale",
    "SummaryVersion",
    "SurveyRequest",
    "SurveyRequestQuerySet",
    "SurveyResponse",
    "TeamSummary",
    "survey_url",
]

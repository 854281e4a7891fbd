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
from .requests import SurveyRequest, SurveyRequestQuerySet, survey_url

__all__ = [
    "COMMENT",
    "MIN_ANSWERS",
    "MOMENTS_OF",
    "SCALE_POINTS",
    "Asking",
    "Instrument",
    "InstrumentQuerySet",
    "Item",
    "ItemAnswer",
    "Moment",
    "Scale",
    "SurveyRequest",
    "SurveyRequestQuerySet",
    "SurveyResponse",
    "survey_url",
]

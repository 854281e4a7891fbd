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
    "SurveyResponse",
]

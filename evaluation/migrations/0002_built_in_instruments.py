"""The two built-in questionnaires, in our own plain English.

The texts live here, not in app code, so that changing the app never changes what a past
migration loaded. An organisation can edit them, or add its own, in the admin.

Sources: the ladder of co-production of Think Local Act Personal's National Co-production
Advisory Group (seven steps, free to reuse with attribution); the four principles of SCIE
Guide 51, "Co-production in social care"; and what participants in Fulfilling Lives Lambeth,
Southwark and Lewisham reported (more compassion and understanding, more confidence, renewed
drive and energy). See ../shared/research/coproduction_domain.md, sections 0 and 1.
"""

from django.db import migrations

RATING = [
    ["Not at all", ""],
    ["A little", ""],
    ["Partly", ""],
    ["Mostly", ""],
    ["Fully", ""],
]

TRUE_FOR_ME = [
    ["Not true", ""],
    ["A little true", ""],
    ["Partly true", ""],
    ["Mostly true", ""],
    ["Completely true", ""],
]

LADDER = [
    ["Coercion", "People were made to come along, but what they said was not taken into account."],
    ["Educating", "Staff explained how the service works, so that people could understand it."],
    ["Informing", "People were told what had been decided, and why."],
    [
        "Consultation",
        "People were asked what they thought, but had no real power to change things.",
    ],
    [
        "Engagement",
        "People had more chances to give their views and some influence, "
        "but only as far as staff allowed.",
    ],
    [
        "Co-design",
        "People helped to design things and really changed them, "
        "but were not involved in seeing them through.",
    ],
    [
        "Co-production",
        "People with lived experience and staff shared power as equal partners, "
        "from the start to the end.",
    ],
]

INSTRUMENTS = [
    {
        "key": "stage-check",
        "name": "How well did we work together in this stage?",
        "introduction": (
            "This stage of the project has ended. Tell us how well experts by experience and "
            "practitioners worked together in it. It takes about five minutes. "
            "You can skip any question."
        ),
        "asking": "each_stage",
        "source": (
            "Think Local Act Personal, ladder of co-production; "
            "SCIE Guide 51, principles of co-production"
        ),
        "items": [
            {
                "key": "rung",
                "question": "Which step of the ladder did this stage reach?",
                "help_text": "Choose the step that is closest to how this stage really went.",
                "scale": "ladder",
                "points": LADDER,
            },
            {
                "key": "equality",
                "question": "Were everyone's views and skills valued equally?",
                "help_text": "No one's voice counted for more than anyone else's.",
                "scale": "rating",
                "points": RATING,
            },
            {
                "key": "diversity",
                "question": "Did this stage bring in a wide mix of people?",
                "help_text": "Including people who are often left out.",
                "scale": "rating",
                "points": RATING,
            },
            {
                "key": "accessibility",
                "question": "Could everyone take part fully, in the way that suits them?",
                "help_text": "Think about places, times, papers and ways of joining in.",
                "scale": "rating",
                "points": RATING,
            },
            {
                "key": "reciprocity",
                "question": "Did people get something back for what they put in?",
                "help_text": "Like payment, new skills, or seeing their ideas used.",
                "scale": "rating",
                "points": RATING,
            },
            {
                "key": "comment",
                "question": "Is there anything else you want to say about this stage?",
                "help_text": "",
                "scale": "text",
                "points": [],
            },
        ],
    },
    {
        "key": "impact",
        "name": "How are you finding taking part?",
        "introduction": (
            "We ask these questions when you join a project and again when it ends, "
            "to see what taking part changed for you. It takes about three minutes. "
            "You can skip any question."
        ),
        "asking": "start_and_end",
        "source": (
            "What participants in Fulfilling Lives Lambeth, Southwark and Lewisham said "
            "co-production changed for them"
        ),
        "items": [
            {
                "key": "compassion",
                "question": "I care about what matters to the other people in this project.",
                "help_text": "",
                "scale": "rating",
                "points": TRUE_FOR_ME,
            },
            {
                "key": "understanding",
                "question": "I understand why other people in this project see things as they do.",
                "help_text": "",
                "scale": "rating",
                "points": TRUE_FOR_ME,
            },
            {
                "key": "confidence",
                "question": "I feel confident to say what I think.",
                "help_text": "",
                "scale": "rating",
                "points": TRUE_FOR_ME,
            },
            {
                "key": "drive",
                "question": "I have the drive and energy to make things better.",
                "help_text": "",
                "scale": "rating",
                "points": TRUE_FOR_ME,
            },
            {
                "key": "comment",
                "question": "Is there anything else you want to tell us?",
                "help_text": "",
                "scale": "text",
                "points": [],
            },
        ],
    },
]


def load(apps, schema_editor, only=None):
    """Load the instruments (those whose keys are in `only`, when given)."""
    Instrument = apps.get_model("evaluation", "Instrument")
    Item = apps.get_model("evaluation", "Item")
    for spec in INSTRUMENTS:
        if only is not None and spec["key"] not in only:
            continue
        fields = {k: v for k, v in spec.items() if k not in ("key", "items")}
        instrument, _created = Instrument.objects.update_or_create(key=spec["key"], defaults=fields)
        for position, item in enumerate(spec["items"], start=1):
            Item.objects.update_or_create(
                instrument=instrument,
                key=item["key"],
                defaults={**{k: v for k, v in item.items() if k != "key"}, "position": position},
            )


def unload(apps, schema_editor):
    Instrument = apps.get_model("evaluation", "Instrument")
    Instrument.objects.filter(key__in=[spec["key"] for spec in INSTRUMENTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0001_instruments_and_answers")]

    operations = [migrations.RunPython(load, unload)]

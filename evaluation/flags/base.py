"""What a tokenism flag is, and the shape of a source of flags."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from projects.models import Project, Stage


@dataclass(frozen=True)
class Flag:
    key: str  # a slug naming the kind of flag, e.g. "late-joiners"
    title: str  # what the flag is, e.g. "Experts by experience joined after the proposal"
    explanation: str  # one sentence with the figures: who, how many, since when
    stage: str = ""  # the stage it is about, when it is about one (a Stage value)

    @property
    def stage_name(self) -> str:
        """Its stage as people read it ("Design"), or "" when it is about the whole project.
        Every page, download and PDF names a flag's stage through this."""
        return str(dict(Stage.choices).get(self.stage, self.stage)) if self.stage else ""


# projects -> {project id: flags raised in that project}; projects with none may be left out.
FlagSource = Callable[[Sequence[Project]], dict[int, list[Flag]]]

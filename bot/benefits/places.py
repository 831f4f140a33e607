"""Typed questions naming a place or service a benefit covers, answered from the structured policy.

Curated Q&A entries answer the places they mention better than generated text can (they
say what the report leaves open), and BM25 finds them: ``tests/test_benefits_flow.py``
shows 雪乡, 亚布力, 东北虎林园 and 挂号 questions answered that way. So this resolver only
takes the places and benefit names that no curated benefits entry mentions: a policy added
to ``content/benefits.json`` without Q&A is still answerable by what it names.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.benefits.render import render_benefit
from bot.core.content_models import Benefit, BenefitPolicy, QAEntry
from bot.core.i18n import DEFAULT_LOCALE, gettext_for
from bot.core.knowledge import Knowledge
from bot.understanding.engine import Answer, Kind, Query
from bot.understanding.normalise import normalise

MIN_TERM = 2  # a single character (园, 票) names nothing


@dataclass(frozen=True)
class _Term:
    text: str  # normalised
    policy: BenefitPolicy
    benefit: Benefit


class BenefitPlaces:
    """An engine resolver: a benefit's place or name in the question → that benefit's terms."""

    def __init__(self, policies: Iterable[BenefitPolicy], curated: Iterable[QAEntry]) -> None:
        covered = " ".join(normalise(" ".join([*e.questions, *e.keywords, e.answer])) for e in curated)
        terms = [
            _Term(normalise(word), policy, benefit)
            for policy in policies
            for benefit in policy.benefits
            for word in (benefit.name, *benefit.places)
        ]
        # Longest first, so that a place inside a longer name does not take the question.
        self._terms = sorted(
            (t for t in terms if len(t.text) >= MIN_TERM and t.text not in covered), key=lambda t: -len(t.text)
        )

    @classmethod
    def from_knowledge(cls, knowledge: Knowledge) -> BenefitPlaces:
        curated = [item.entry for item in knowledge.entries.values() if item.topic == "benefits"]
        return cls(knowledge.files.benefits.policies, curated)

    @property
    def terms(self) -> list[str]:
        return [t.text for t in self._terms]

    def __call__(self, query: Query) -> Answer | None:
        """None for a question naming a place (吉林省林业系统的劳模看病免挂号费吗): the ranking tells
        whether the policy's region covers it, and says so when it does not."""
        term = next((t for t in self._terms if t.text in query.text), None)
        if term is None or query.places:
            return None
        rendered = render_benefit(term.policy, [term.benefit], gettext_for(DEFAULT_LOCALE))
        return Answer(
            "benefits",
            Kind.ENTRY,
            1.0,
            text=rendered.body,
            title=rendered.heading or "",
            sources=(term.policy.source,),
            data={"policy": term.policy.id, "benefit": term.benefit.id},
        )

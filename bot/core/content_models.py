"""Pydantic models of the knowledge files under ``content/``.

The models are strict (unknown fields are errors) so that a typo in a hand-edited
file stops start-up instead of silently dropping a fact.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Topic = Literal["law", "benefits", "stations", "loans", "faq"]
# A date only as precise as the source is: "2022", "2022-01" or "2022-01-13".
PartialDate = Annotated[str, Field(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(Strict):
    """Where a fact comes from: a law article, or a publication and its date."""

    publication: str = Field(min_length=1)  # "工人日报" or "中华人民共和国工会法（2021年修正）"
    date: PartialDate
    title: str | None = None
    article: int | None = Field(default=None, ge=1)
    note: str | None = None  # e.g. "示例数据" or a reliability remark


class QAEntry(Strict):
    """A curated question with its answer; ``questions`` are phrasings users really type."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    questions: list[str] = Field(min_length=1)
    keywords: list[str] = Field(default_factory=list)
    answer: str = Field(min_length=1)
    source: Source
    articles: list[int] = Field(default_factory=list)  # related law articles, for links
    english: str | None = None  # optional English answer for the en locale


class Chapter(Strict):
    number: int = Field(ge=1)
    title: str = Field(min_length=1)


class Article(Strict):
    number: int = Field(ge=1)
    chapter: int = Field(ge=1)
    text: str = Field(min_length=1)


class LawFile(Strict):
    source: Source
    chapters: list[Chapter] = Field(min_length=1)
    articles: list[Article] = Field(min_length=1)
    qa: list[QAEntry] = Field(default_factory=list)

    @model_validator(mode="after")
    def _articles_consistent(self) -> LawFile:
        chapters = {c.number for c in self.chapters}
        numbers = [a.number for a in self.articles]
        if numbers != list(range(1, len(numbers) + 1)):
            raise ValueError("articles must be numbered 1..N in order")
        for article in self.articles:
            if article.chapter not in chapters:
                raise ValueError(f"article {article.number} names unknown chapter {article.chapter}")
        return self


class Benefit(Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str  # "景区免门票"
    detail: str  # what exactly the holder gets
    places: list[str] = Field(default_factory=list)  # named places or services it covers
    family_member: str | None = None  # e.g. "可携带一名家属同行，享受同样待遇"
    applies_to: Literal["all", "serving", "retired"] = "all"


class BenefitPolicy(Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str
    region: str  # region or system, e.g. "黑龙江省林业系统"
    issuer: str  # who made the policy
    eligible_honours: list[str] = Field(min_length=1)
    conditions: list[str] = Field(default_factory=list)
    includes_retirees: bool
    card: str | None = None  # the card to show
    card_issuer: str | None = None
    benefits: list[Benefit] = Field(min_length=1)
    effective: PartialDate
    source: Source


class BenefitsFile(Strict):
    policies: list[BenefitPolicy] = Field(min_length=1)
    qa: list[QAEntry] = Field(default_factory=list)


class Station(Strict):
    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    city: str = Field(min_length=1)
    district: str = ""
    address: str = Field(min_length=1)
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    kind: str = Field(min_length=1)  # "户外劳动者服务站点" / "环卫工休息室"
    facilities: list[str] = Field(default_factory=list)
    hours: str = ""
    phone: str | None = None
    sample: bool = False  # sample entries are labelled as such in every reply
    source: Source


class StationsFile(Strict):
    stations: list[Station] = Field(default_factory=list)
    qa: list[QAEntry] = Field(default_factory=list)


OTHER_GROUP = "其他"  # the questionnaire's answer for someone in none of a programme's groups


class LoanWhen(Strict):
    """A rule's conditions on the questionnaire's answers; all given ones must hold, none = always.

    A model rather than a free dict so that a misspelt key (``amount_gt`` → ``amout_gt``)
    stops start-up instead of making the rule match everyone.
    """

    group_in: list[str] | None = Field(default=None, min_length=1)
    group_not_in: list[str] | None = Field(default=None, min_length=1)
    city_not: str | None = Field(default=None, min_length=1)  # the answer is not in this city
    unpaid_loan: bool | None = None  # an earlier union loan is still being repaid
    amount_gt: int | None = Field(default=None, ge=0)  # yuan
    amount_lt: int | None = Field(default=None, ge=0)

    def groups(self) -> set[str]:
        return set(self.group_in or ()) | set(self.group_not_in or ())


class LoanRule(Strict):
    """One eligibility rule; the questionnaire evaluates them in order, first match decides."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    when: LoanWhen
    verdict: Literal["eligible", "not_eligible", "needs_check"]
    reason: str = Field(min_length=1)  # shown to the user: the rule that decided


class LoanProgramme(Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str
    operator: str  # who lends: "抚顺市总工会"
    region: str
    eligible_groups: list[str] = Field(min_length=1)
    amount_min: int | None = Field(default=None, ge=0)  # yuan
    amount_max: int | None = Field(default=None, ge=0)
    term: str
    interest: str
    conditions: list[str] = Field(default_factory=list)
    documents: list[str] = Field(default_factory=list)
    how_to_apply: str
    rules: list[LoanRule] = Field(default_factory=list)
    source: Source
    group_aliases: dict[str, list[str]] = Field(default_factory=dict)  # words people type for a group

    @model_validator(mode="after")
    def _rules_and_aliases_consistent(self) -> LoanProgramme:
        if len({rule.id for rule in self.rules}) != len(self.rules):
            raise ValueError("rule ids must be unique within a programme")
        unknown = sorted(set(self.group_aliases) - set(self.eligible_groups))
        if unknown:
            raise ValueError(f"group_aliases names {'、'.join(unknown)}, not one of eligible_groups")
        return self


class LoansFile(Strict):
    """The first programme is the questionnaire's: its groups (plus 其他) are what users pick,
    and every programme's rules are written in those groups."""

    programmes: list[LoanProgramme] = Field(min_length=1)
    qa: list[QAEntry] = Field(default_factory=list)

    @model_validator(mode="after")
    def _rules_name_offered_groups(self) -> LoansFile:
        offered = set(self.programmes[0].eligible_groups) | {OTHER_GROUP}
        for p, programme in enumerate(self.programmes):
            for r, rule in enumerate(programme.rules):
                unknown = sorted(rule.when.groups() - offered)
                if unknown:
                    raise ValueError(
                        f"programmes[{p}] ({programme.id}) rules[{r}] ({rule.id}) field when: "
                        f"group {'、'.join(unknown)} is never offered by the questionnaire; "
                        f"use one of programmes[0].eligible_groups or {OTHER_GROUP}"
                    )
        return self


class FaqFile(Strict):
    qa: list[QAEntry] = Field(min_length=1)


class Lexicon(Strict):
    """Linguistic data for the engine: words, synonyms and input slips, not facts."""

    words: list[str] = Field(default_factory=list)  # domain dictionary for jieba
    synonyms: list[list[str]] = Field(default_factory=list)  # each group: canonical first
    slips: dict[str, str] = Field(default_factory=dict)  # common input slip → correct
    topic_words: dict[Topic, list[str]] = Field(default_factory=dict)
    chitchat: dict[str, list[str]] = Field(default_factory=dict)  # kind → phrases
    off_topic: list[str] = Field(default_factory=list)
    stopwords: list[str] = Field(default_factory=list)


class SubscriptionTopic(Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=20)  # goes into callback data
    label: str = Field(min_length=1)


class SubscriptionCity(Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=20)
    name: str = Field(min_length=1)


class SubscriptionsFile(Strict):
    """What members can narrow announcements by; staff target the same topics and cities."""

    issuer: str = Field(min_length=1, max_length=40)  # who notices come from, unless UNION_NAME says
    topics: list[SubscriptionTopic] = Field(min_length=1)
    cities: list[SubscriptionCity] = Field(min_length=1)

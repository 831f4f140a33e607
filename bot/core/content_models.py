"""Pydantic models of the knowledge files under ``content/``.

The models are strict (unknown fields are errors) so that a typo in a hand-edited
file stops start-up instead of silently dropping a fact.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Topic = Literal["law", "benefits", "stations", "loans", "faq"]
# A date only as precise as the source is: "2022", "2022-01" or "2022-01-13".
PartialDate = Annotated[str, Field(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")]
UNDATED = "undated"  # a source that gives no year: replies say 年份未标 rather than invent one


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Label(Strict):
    """A name members see on a button or in a sentence, with its English name for English readers.

    Chinese readers get ``name`` (converted to Traditional for zh_Hant); a label without ``en``
    stops start-up, so an English reader never meets a button they cannot read.
    """

    name: str = Field(min_length=1)
    en: str = Field(min_length=1)


class Source(Strict):
    """Where a fact comes from: a law article, or a publication and its date."""

    publication: str = Field(min_length=1)  # "工人日报" or "中华人民共和国工会法（2021年修正）"
    date: PartialDate | Literal["undated"]  # "undated", said explicitly, when the source gives no year
    title: str | None = None
    article: int | None = Field(default=None, ge=1)
    note: str | None = None  # e.g. "示例数据" or a reliability remark


class Lack(Strict):
    """A detail an entry's sources do not give."""

    detail: str = Field(min_length=1)  # a scope.json detail's label: 具体比例
    # When given, only a question naming one of these asks for what is missing: ben-hardship lacks the
    # national standard (全国统一), not the sum Luohe paid, which it states.
    when: list[str] = Field(default_factory=list)

    def asked_in(self, question: str) -> bool:
        return not self.when or any(word in question for word in self.when)


class QAEntry(Strict):
    """A curated question with its answer; ``questions`` are phrasings users really type."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    questions: list[str] = Field(min_length=1)
    questions_en: list[str] = Field(default_factory=list)  # how English-speaking workers ask it
    keywords: list[str] = Field(default_factory=list)
    answer: str = Field(min_length=1)
    source: Source
    articles: list[int] = Field(default_factory=list)  # related law articles, for links
    english: str | None = None  # optional English answer for the en locale
    # The topic the entry answers when it is not its file's: commentary on the law kept with the
    # news page in faq.json answers questions about the law, so it is ``law``.
    topic: Topic | None = None
    also: list[Source] = Field(default_factory=list)  # sources of further facts the answer states
    # Details its sources do not give, as its answer says (会费的具体比例, 所需材料): a question asking
    # for one gets the honest reply, not this entry given as sure.
    lacks: list[Lack] = Field(default_factory=list)


class Chapter(Strict):
    number: int = Field(ge=1)
    title: str = Field(min_length=1)


class Article(Strict):
    number: int = Field(ge=1)
    chapter: int = Field(ge=1)
    text: str = Field(min_length=1)
    questions: list[str] = Field(default_factory=list)  # how workers ask what the article answers
    questions_en: list[str] = Field(default_factory=list)  # how English-speaking workers ask it
    lacks: list[Lack] = Field(default_factory=list)  # art. 43 names members' dues, not how much they are


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
    en: str = Field(min_length=1)  # the name for English readers
    detail: str  # what exactly the holder gets
    places: list[str] = Field(default_factory=list)  # named places or services it covers
    family_member: str | None = None  # e.g. "可携带一名家属同行，享受同样待遇"
    applies_to: Literal["all", "serving", "retired"] = "all"


BUTTON_CHARS = 20  # a Chinese button label a phone shows whole
BUTTON_CHARS_EN = 40  # Latin letters are about half as wide


class BenefitPolicy(Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str
    label: str = Field(min_length=1, max_length=BUTTON_CHARS)  # the policy's button: short enough for a phone
    label_en: str = Field(min_length=1, max_length=BUTTON_CHARS_EN)
    region: str  # region or system, e.g. "黑龙江省林业系统"
    issuer: str  # who made the policy
    eligible_honours: list[Label] = Field(min_length=1)
    conditions: list[str] = Field(default_factory=list)
    # True / False: the source says whether retired holders are covered; null: it does not say.
    includes_retirees: bool | None
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
    eligible_groups: list[Label] = Field(min_length=1)
    name_en: str = Field(min_length=1)  # English names of name, operator and region, for English readers
    operator_en: str = Field(min_length=1)
    region_en: str = Field(min_length=1)
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

    @property
    def group_names(self) -> list[str]:
        return [group.name for group in self.eligible_groups]

    @model_validator(mode="after")
    def _rules_and_aliases_consistent(self) -> LoanProgramme:
        if len({rule.id for rule in self.rules}) != len(self.rules):
            raise ValueError("rule ids must be unique within a programme")
        unknown = sorted(set(self.group_aliases) - set(self.group_names))
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
        offered = set(self.programmes[0].group_names) | {OTHER_GROUP}
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


class Asked(Strict):
    """A question a blind evaluation writer asked, kept once its set was spent, with what answers it."""

    q: str = Field(min_length=1)
    ref: str = Field(pattern=r"^(qa:[a-z0-9][a-z0-9-]*|art:[1-9]\d*)$")  # the entry or article answering it
    # The evaluation set it comes from: scoring or calibrating on that set leaves its own questions out.
    origin: str = Field(min_length=1)


class AskedFile(Strict):
    """Real questions from spent evaluation sets. Writers who never saw the content phrase things the
    curated questions do not (契约工, 公会, stories); searched as further curated questions."""

    asked: list[Asked] = Field(default_factory=list)

    def without(self, origins: Collection[str]) -> AskedFile:
        return AskedFile(asked=[a for a in self.asked if a.origin not in origins])

    def by_ref(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for asked in self.asked:
            found.setdefault(asked.ref, []).append(asked.q)
        return found


class MenuFile(Strict):
    """What the menu offers before members have asked enough to know what they ask most."""

    faq: list[str] = Field(min_length=1)  # Q&A entry ids, in order, for the ❓ 常见问题 buttons


class Lexicon(Strict):
    """Linguistic data for the engine: words, synonyms and input slips, not facts."""

    words: list[str] = Field(default_factory=list)  # domain dictionary for jieba
    synonyms: list[list[str]] = Field(default_factory=list)  # each group: canonical first
    slips: dict[str, str] = Field(default_factory=dict)  # common input slip → correct
    topic_words: dict[Topic, list[str]] = Field(default_factory=dict)
    chitchat: dict[str, list[str]] = Field(default_factory=dict)  # kind → phrases
    off_topic: list[str] = Field(default_factory=list)
    stopwords: list[str] = Field(default_factory=list)
    english: dict[str, str] = Field(default_factory=dict)  # English word or phrase → the Chinese word it means
    english_stopwords: list[str] = Field(default_factory=list)  # English words that carry no meaning here


class Citation(Strict):
    """A fact stated in many answers (the union hotline), cited wherever its marker appears."""

    marker: str = Field(min_length=1)  # text that, in an answer, states the fact ("-12351")
    text: str = Field(min_length=1)  # the fact as a reply states it
    source: Source


class OtherLaw(Strict):
    """A law or regulation other than the Trade Union Law, and the few of its articles we quote."""

    name: str = Field(min_length=1)  # "劳动法"
    aliases: list[str] = Field(default_factory=list)  # other ways to write it ("劳动合同法" is its own law)
    held: dict[int, str] = Field(default_factory=dict)  # article → id of the entry quoting it


class Region(Strict):
    """Where the facts of some entries hold: a place (and an employer system) the knowledge covers."""

    label: str = Field(min_length=1)  # "黑龙江省林业系统", as a reply names it
    places: list[str] = Field(min_length=1)  # administrative divisions, as the gazetteer names them
    systems: list[str] = Field(default_factory=list)  # the employer system it is limited to: "林业"
    entries: list[str] = Field(default_factory=list)  # ids of the entries whose facts hold only here


class TopicScope(Strict):
    what: str = Field(min_length=1)  # what a place can lack: "站点" → "还没有北京的站点"
    held: str = Field(min_length=1)  # what the knowledge holds of the topic, for "我们有的是……"
    help: list[str] = Field(default_factory=list)  # entries shown in full when a place is not covered
    # Programmes are local (each place has its own): a place named is only answered by entries
    # holding for it, or by national ones when the question names a national programme.
    local: bool = False
    national: list[str] = Field(default_factory=list)  # words naming a national programme: "创业担保贷款"


class Subject(Strict):
    """A question the knowledge has no answer for (加班费怎么算): say so rather than guess."""

    label: str = Field(min_length=1)
    words: list[str] = Field(min_length=1)
    asks: list[str] = Field(default_factory=list)  # when given, one of these must be asked too (几倍, 多少)
    # A workplace problem (调休, 高温补贴, 社保断缴): what the union may do about it is in the law, so a
    # question asking that, or a story mentioning it in passing, is not refused for it.
    workplace: bool = False


class Detail(Strict):
    """A figure a question may ask for (多少钱, 有效期几年): when no answer found states one, say so."""

    label: str = Field(min_length=1)  # what the reply says is missing: 具体金额
    # How an answer states it (details.FIGURES); none for a detail only an entry's ``lacks`` can miss
    # (所需材料, 文件全文): no pattern tells whether a text lists the documents to bring.
    figure: (
        Literal["money", "share", "duration", "days", "years", "date", "until", "area", "people", "address", "hours"]
        | None
    ) = None
    asks: list[str] = Field(min_length=1)  # words that ask for it


class ScopeFile(Strict):
    """What the knowledge covers: the law, the places and systems, the subjects it does not."""

    law_names: list[str] = Field(min_length=1)  # the Trade Union Law as people write it
    other_laws: list[OtherLaw] = Field(default_factory=list)
    law_name_suffixes: list[str] = Field(default_factory=list)  # "法", "条例": "…法第N条" names a law
    outside: list[str] = Field(default_factory=list)  # places neither the law nor the knowledge reach
    foreign_words: list[str] = Field(default_factory=list)  # "外国", "国外" and names the gazetteer lacks
    international: list[str] = Field(default_factory=list)  # what answers about other countries: "art:9"
    regions: list[Region] = Field(default_factory=list)
    topics: dict[Topic, TopicScope] = Field(default_factory=dict)
    topic_words: dict[Topic, list[str]] = Field(default_factory=dict)  # words that make a question the topic's
    subjects: list[Subject] = Field(default_factory=list)
    details: list[Detail] = Field(default_factory=list)
    future_words: list[str] = Field(default_factory=list)  # "明年": the knowledge is dated
    # "工会能管吗": a question about what the union may do, which the law answers whatever the
    # workplace problem (加班不给调休, 争取高温补贴) or when it happens (合同明年到期).
    role_words: list[str] = Field(default_factory=list)
    hotline: Citation  # where to ask, closing every not-covered reply; cited in every answer stating it


class SubscriptionTopic(Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=20)  # goes into callback data
    label: str = Field(min_length=1)
    en: str = Field(min_length=1)  # the label for English readers


class SubscriptionCity(Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=20)
    name: str = Field(min_length=1)
    en: str = Field(min_length=1)


class SubscriptionsFile(Strict):
    """What members can narrow announcements by; staff target the same topics and cities."""

    issuer: str = Field(min_length=1, max_length=40)  # who notices come from, unless UNION_NAME says
    topics: list[SubscriptionTopic] = Field(min_length=1)
    cities: list[SubscriptionCity] = Field(min_length=1)

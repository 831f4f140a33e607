"""Words for the loan questionnaire, in the user's locale; channel-neutral plain text.

The facts (groups, ranges, terms, rule reasons, where to apply) come from content/loans.json;
this module only puts them into sentences. Channels add their own controls (buttons in
Telegram, numbers and words in the console). Everything from content goes through ``_.label``
or ``_.content``, so 繁體 readers read it in Traditional and English readers get English labels.

A verdict comes in two parts: ``verdict`` is short (the outcome, why, a note on the amount),
``details`` holds the rest (the answers, range, term, interest, documents, how to apply).
Rule ids are for tests and staff, never shown to members.
"""

from __future__ import annotations

from bot.core.content_models import LoanProgramme
from bot.core.i18n import N_
from bot.loans.amount import AmountProblem
from bot.loans.questionnaire import STEPS, Action, Choice, FormState, LoanForm, Outcome, Problem, Step
from bot.loans.rules import AmountFlag, Answers, ProgrammeVerdict, Verdict
from bot.understanding.render import Gettext, Rendered, sources_line

QUESTIONS = {
    Step.GROUP: N_("您属于哪一类人员？"),
    Step.CITY: N_("您在哪个城市创业？请点选，或直接输入城市名。"),
    Step.UNPAID: N_("您以前借过工会的借款吗？如果借过，现在还有没还清的吗？"),
    Step.AMOUNT: N_("您需要借多少钱？请直接输入金额，例如“5万”或“50000”。"),
    Step.BUSINESS: N_("您打算做什么生意？请用一两句话简单描述，例如“开一家早餐店”。"),
}
AMOUNT_RANGE = N_("{operator}每次借款{range}。")  # told only to members in the programme's region
OUTCOMES = {
    "eligible": N_("✅ 符合条件"),
    "not_eligible": N_("❌ 不符合条件"),
    "needs_check": N_("❓ 需要进一步确认"),
}
PROBLEMS = {
    Problem.NOT_A_CHOICE: N_("没看懂这个回答，请从下面的选项中选一个。"),
    Problem.NOT_A_PLACE: N_("没找到这个地方。请输入您创业所在的城市，例如“沈阳”，或点下面的按钮。"),
    Problem.AMBIGUOUS: N_("这个回答能对上不止一个选项，请点选其中一个。"),
    Problem.EMPTY: N_("没有读到内容，请再回答一次。"),
    Problem.TOO_LONG: N_("太长了，请简短一些（不超过{limit}个字）。"),
    Problem.STALE: N_("这个按钮已经过期了。请回答当前的问题："),
    Problem.FORGED: N_("这个按钮无效。请回答当前的问题："),
    AmountProblem.EMPTY: N_("没看懂这个金额。请输入数字和单位，例如“5万”“50000”或“五万元”。"),
    AmountProblem.NOT_A_NUMBER: N_("没看懂这个金额。请输入数字和单位，例如“5万”“50000”或“五万元”。"),
    AmountProblem.RANGE: N_("请只填一个金额，例如“8万”，不要填范围。"),
    AmountProblem.NOT_POSITIVE: N_("金额要大于零。请输入您需要借的金额，例如“5万”。"),
    AmountProblem.NO_UNIT: N_("金额不到一千元，是不是少写了单位？请写成“5万”或“50000”这样的形式。"),
    AmountProblem.TOO_LARGE: N_("这个金额太大了，请检查一下再输入，例如“10万”。"),
}
STEP_PROBLEMS = {  # a clearer hint where the generic one would mislead
    (Step.CITY, Problem.NOT_A_CHOICE): N_("请点选，或输入城市名，例如“抚顺”或“沈阳”。"),
    (Step.BUSINESS, Problem.EMPTY): N_("请用文字简单描述您的生意，例如“开一家早餐店”。"),
}
LIMITS = {Step.CITY: 20, Step.BUSINESS: 200}
CHOICE_LABELS = {  # the fixed choices, by key; the programme's own choices carry content labels
    "other": N_("其他"),
    "elsewhere": N_("其他城市"),
    "yes": N_("有，还没还清"),
    "no": N_("没有（已还清或没借过）"),
    "resume": N_("继续"),
    "restart": N_("重新开始"),
    "cancel": N_("✖️ 取消"),
}
AMOUNT_NOTES = {
    AmountFlag.ABOVE: N_("⚠️ 您需要的{amount}超过了这个项目每次借款的额度（{range}）。"),
    AmountFlag.BELOW: N_("⚠️ 您需要的{amount}低于这个项目通常的借款额度（{range}）。"),
}


def choice_label(choice: Choice, _: Gettext) -> str:
    if choice.label is None:
        return _(CHOICE_LABELS[choice.key])
    return _.label(choice.label, choice.en) if choice.en else _.content(choice.label)


def yuan(amount: int, _: Gettext) -> str:
    """50000 → 5万元, 15000 → 1.5万元, 800 → 800元 as Chinese forms write them; ¥50,000 in English."""
    return _.money(amount)


def operator(programme: LoanProgramme, _: Gettext) -> str:
    return _.label(programme.operator, programme.operator_en)


def amount_range(programme: LoanProgramme, _: Gettext) -> str:
    low, high = programme.amount_min, programme.amount_max
    if low is not None and high is not None:
        return _("{low}~{high}").format(low=yuan(low, _), high=yuan(high, _))
    if high is not None:
        return _("最高{high}").format(high=yuan(high, _))
    if low is not None:
        return _("{low}起").format(low=yuan(low, _))
    return _("额度资料未给出")


def question(form: LoanForm, state: FormState, _: Gettext) -> str:
    """The step's question with its position, e.g. "（2/5）您在哪个城市创业？".

    The amount question names the programme's range only to someone in its region: a member
    elsewhere would take another city's range for their own.
    """
    programme = form.programme
    text = _(QUESTIONS[state.step])
    if state.step is Step.AMOUNT and form.in_region(state.answers.get(Step.CITY.value)):
        text += _(AMOUNT_RANGE).format(operator=operator(programme, _), range=amount_range(programme, _))
    return _("（{number}/{total}）{question}").format(number=state.number, total=len(STEPS), question=text)


def problem(step: Step, code: str | None, _: Gettext) -> str:
    key = next((k for k in PROBLEMS if k == code), Problem.NOT_A_CHOICE)
    message = STEP_PROBLEMS.get((step, key), PROBLEMS[key])  # type: ignore[arg-type]
    return _(message).format(limit=LIMITS.get(step, 20))


def flag(programme: LoanProgramme, amount_flag: AmountFlag, _: Gettext) -> str:
    values = {"operator": operator(programme, _), "range": amount_range(programme, _)}
    if amount_flag is AmountFlag.ABOVE:
        return _("注意：这个金额超过了{operator}每次借款的额度（{range}），结论里会说明。").format(**values)
    return _("注意：这个金额低于{operator}通常的借款额度（{range}），结论里会说明。").format(**values)


def reply(form: LoanForm, outcome: Outcome, _: Gettext) -> str:
    """The words for an outcome that keeps the questionnaire open: hint or note, then the question."""
    assert outcome.state is not None
    lines = []
    if outcome.action is Action.REASK:
        lines.append(problem(outcome.state.step, outcome.problem, _))
    if outcome.flag is not None:
        lines.append(flag(form.programme, outcome.flag, _))
    lines.append(question(form, outcome.state, _))
    return "\n".join(lines)


def closed(action: Action, _: Gettext) -> str:
    if action is Action.CANCELLED:
        return _("已退出贷款测评，填过的内容已清除。")
    return _("已退出贷款测评。")


def resume_offer(state: FormState, _: Gettext) -> str:
    return _(
        "您有一份没填完的贷款测评（已答{done}/{total}题）。要继续，还是重新开始？不想测了可以点“取消”，或发送 /cancel。"
    ).format(done=state.number - 1, total=len(STEPS))


def back_to_step(state: FormState, _: Gettext) -> str:
    """The button under an answer given in the middle of the questionnaire: back to where it was."""
    return _("↩️ 回到贷款测评（第{number}题）").format(number=state.number)


def summary(form: LoanForm, answers: Answers, _: Gettext) -> str:
    group = form.named(Step.GROUP, answers.group)
    city = form.named(Step.CITY, answers.city)
    return _("您的回答：{group}；{city}；未还清的工会借款：{unpaid}；金额：{amount}；生意：{business}").format(
        group=choice_label(group, _) if group else _.content(answers.group),
        city=choice_label(city, _) if city else answers.city,  # a typed city stays as the member wrote it
        unpaid=_("有") if answers.unpaid else _("没有"),
        amount=yuan(answers.amount, _),
        business=answers.business,
    )


def _outcome_lines(verdict: ProgrammeVerdict, amount: int, _: Gettext) -> list[str]:
    """One programme in a few lines: its outcome, the reason in plain words, a note on the amount."""
    programme = verdict.programme
    name = _.label(programme.name, programme.name_en)
    lines = [_("【{name}】{outcome}").format(name=name, outcome=_(OUTCOMES[verdict.outcome]))]
    if verdict.rule is not None:
        lines.append(_.content(verdict.rule.reason))
    else:
        lines.append(_("资料里没有写到您这种情况，需要向{operator}确认。").format(operator=operator(programme, _)))
    if verdict.amount_flag is not None:
        note = _(AMOUNT_NOTES[verdict.amount_flag])
        lines.append(note.format(amount=yuan(amount, _), range=amount_range(programme, _)))
    return lines


def _shown(result: Verdict) -> tuple[ProgrammeVerdict, ...]:
    return (result.main, *result.alternatives)


def _sources(result: Verdict, _: Gettext, notes: bool = True) -> str | None:
    """The programmes' sources; the short verdict leaves out their notes (the details carry them)."""
    sources = (v.programme.source for v in _shown(result))
    if not notes:
        sources = (s.model_copy(update={"note": None}) for s in sources)
    return sources_line(tuple(dict.fromkeys(sources)), _)


def verdict(result: Verdict, _: Gettext) -> Rendered:
    """The short verdict (a phone screen): each programme's outcome and why, and the sources."""
    lines = [*_.chinese_only(), *_outcome_lines(result.main, result.answers.amount, _)]
    if not result.in_region:
        main = result.main.programme
        lines += [
            "",
            _(
                "资料里只有{operator}（{region}）的项目，不一定适用于您所在的地方，请问问当地总工会。也可以了解："
            ).format(operator=operator(main, _), region=_.label(main.region, main.region_en)),
        ]
        for alternative in result.alternatives:
            lines += ["", *_outcome_lines(alternative, result.answers.amount, _)]
    return Rendered(_("贷款资格测评结果"), "\n".join(lines), _sources(result, _, notes=False))


def _terms(verdict: ProgrammeVerdict, _: Gettext) -> list[str]:
    """What the programme offers and how to apply, for the details."""
    programme = verdict.programme
    documents = "、".join(_.content(d) for d in programme.documents) or _("资料未列出，请向{operator}询问").format(
        operator=operator(programme, _)
    )
    return [
        _("【{name}】（{operator}）").format(
            name=_.label(programme.name, programme.name_en), operator=operator(programme, _)
        ),
        _("额度：{range}").format(range=amount_range(programme, _)),
        _("期限：{term}").format(term=_.content(programme.term)),
        _("利息：{interest}").format(interest=_.content(programme.interest)),
        _("所需材料：{documents}").format(documents=documents),
        _("怎么申请：{how}").format(how=_.content(programme.how_to_apply)),
    ]


def _detail_lines(form: LoanForm, result: Verdict, _: Gettext) -> list[str]:
    lines = [summary(form, result.answers, _)]
    for shown in _shown(result):
        lines += ["", *_terms(shown, _)]
    return lines


def details(form: LoanForm, result: Verdict, _: Gettext) -> Rendered:
    """Everything behind the short verdict: the answers, then each programme's terms and how to apply."""
    lines = [*_.chinese_only(), *_detail_lines(form, result, _)]
    return Rendered(_("贷款测评：详细说明"), "\n".join(lines), _sources(result, _))


def verdict_with_details(form: LoanForm, result: Verdict, _: Gettext) -> Rendered:
    """The verdict and its details in one, for a channel without a button to open them (console, WeChat)."""
    body = "\n\n".join([verdict(result, _).body, "\n".join(_detail_lines(form, result, _))])
    return Rendered(_("贷款资格测评结果"), body, _sources(result, _))

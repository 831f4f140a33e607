"""The loan questionnaire in the console chat: the same state machine as Telegram, typed.

Choices are listed with numbers (typing the number or the words both work); 返回 and 取消
are typed. Typing 贷款测评 again while a questionnaire is open offers 继续 / 重新开始. A question
typed at a step is answered (as on Telegram), and the step waits for its answer. WeChat runs the
questionnaire through this class too.
"""

from __future__ import annotations

from bot.loans import render as loans_render
from bot.loans.aside import aside
from bot.loans.questionnaire import (
    RESUME_CHOICES,
    START_WORDS,
    Action,
    Choice,
    FormState,
    LoanForm,
    Outcome,
    parse_resume,
)
from bot.understanding.engine import Engine
from bot.understanding.render import Gettext, render_answer


class ConsoleLoan:
    def __init__(self, engine: Engine, _: Gettext) -> None:
        self.engine = engine
        self.form = LoanForm(engine.knowledge.files.loans)
        self._ = _
        self.state: FormState | None = None
        self.offering = False  # the 继续 / 重新开始 offer is open

    def wants(self, line: str) -> bool:
        """True when the line belongs to the questionnaire (one is open, or it starts one)."""
        return self.state is not None or line.strip() in START_WORDS

    def reply(self, line: str) -> str:
        if line.strip() in START_WORDS and self.state is not None:
            self.offering = True
            return self._offer()
        if self.state is None or (self.offering and parse_resume(line) == "restart"):
            return self._show(Outcome(Action.NEXT, self.form.start()))
        if self.offering:
            choice = parse_resume(line)
            if choice == "cancel":
                return self._show(LoanForm.cancel())
            return self._show(Outcome(Action.NEXT, self.state)) if choice else self._offer()
        outcome = self.form.typed(self.state, line)
        answer = aside(self.engine, self.state.step, outcome, line)
        if answer is not None:  # a question, not an answer: answer it; the step waits
            waiting = self._("（贷款测评还停在第{number}题：直接回答就能继续，输入“取消”退出）")
            return "\n\n".join([render_answer(answer, self._).plain(), waiting.format(number=self.state.number)])
        return self._show(outcome)

    def _offer(self) -> str:
        return "\n".join([loans_render.resume_offer(self.state, self._), *self._numbered(RESUME_CHOICES)])  # type: ignore[arg-type]

    def _show(self, outcome: Outcome) -> str:
        self.state, self.offering, _ = outcome.state, False, self._
        if outcome.state is not None:
            lines = [loans_render.reply(self.form, outcome, _), *self._numbered(self.form.choices(outcome.state.step))]
            return "\n".join([*lines, _("（输入“返回”回到上一步，输入“取消”退出测评）")])
        if outcome.verdict is not None:  # no button for the details here: they follow the verdict
            return loans_render.verdict_with_details(self.form, outcome.verdict, _).plain()
        return loans_render.closed(outcome.action, _) + _("想再测时输入“贷款测评”。")

    def _numbered(self, choices: tuple[Choice, ...]) -> list[str]:
        return [f"{i}. {loans_render.choice_label(c, self._)}" for i, c in enumerate(choices, start=1)]

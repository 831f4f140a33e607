"""The topic menu: what each of its buttons (``menu:<topic>``) opens in the web chat.

Law opens the basic-duties overview with its two articles; stations asks for the location;
benefits and loans start their checks (``benefits``, ``loans``); every topic also offers a few
of its curated questions as chips, taken from the knowledge rather than written here.
"""

from __future__ import annotations

from bot.channels.web.messages import GEO, Message, answer_message, chip, text_message
from bot.core.i18n import N_
from bot.law.articles import OVERVIEW_ARTICLES, overview_entry
from bot.services import Services
from bot.understanding.render import MENU_TOPICS, Gettext

EXAMPLES_SHOWN = 3
SEND_LOCATION = N_("📍 发送我的位置")
STATIONS_INTRO = N_(
    "请点下面的“📍 发送我的位置”，我帮您找离您最近的3个户外劳动者服务站点。\n"
    "也可以直接输入城市或区县，例如“海口龙华区的站点”。"
)
EXAMPLES = N_("可以这样问（点一下就能看到回答）：")
ARTICLE = N_("工会法第{number}条")
WELCOME = N_("您好！我是职工服务机器人。请选择一个主题，或者直接输入您的问题。")


def menu_chips(_: Gettext) -> list[dict[str, str]]:
    return [chip(_(label), f"menu:{topic}") for topic, label in MENU_TOPICS]


def welcome(_: Gettext) -> Message:
    return text_message(_(WELCOME), menu_chips(_))


def example_chips(services: Services, topic: str, _: Gettext) -> list[dict[str, str]]:
    """The first curated questions of ``topic``, each a chip that asks it."""
    entries = [(key, item.entry) for key, item in services.knowledge.entries.items() if item.topic == topic]
    return [chip(_.content(entry.questions[0]), f"ask:qa:{key}") for key, entry in entries[:EXAMPLES_SHOWN]]


def examples(services: Services, topic: str, _: Gettext) -> Message:
    return text_message(_(EXAMPLES), example_chips(services, topic, _))


def law(services: Services, _: Gettext, staff: bool) -> list[Message]:
    """The union's basic duties (the overview entry) with its articles as chips, then examples."""
    entry = overview_entry(services.knowledge)
    key = next((k for k, item in services.knowledge.entries.items() if item.entry is entry), None)
    answer = services.engine.answer_ref(f"qa:{key}") if key else None
    if answer is None:
        return [examples(services, "law", _)]
    message = answer_message(answer, _, services.stations.needs, staff)
    message["chips"] = [chip(_(ARTICLE).format(number=_.numeral(n)), f"ask:art:{n}") for n in OVERVIEW_ARTICLES]
    return [message, examples(services, "law", _)]


def stations(_: Gettext) -> list[Message]:
    return [text_message(_(STATIONS_INTRO), [chip(_(SEND_LOCATION), GEO)])]

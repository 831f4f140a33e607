"""Words around station results, in the reader's locale.

Sample stations are labelled in every reply that shows one (a notice on top, a mark on
each name, and in the map card's title), so that an invented address is never taken
for a real one.
"""

from __future__ import annotations

from bot.core.content_models import Station
from bot.core.i18n import N_
from bot.stations.csv_import import ImportResult, RowError
from bot.stations.directory import FAR_M, Listing, LocationRequest, Nearby
from bot.understanding.engine import Answer
from bot.understanding.render import Gettext, Rendered, knowledge_body, sources_line

NEED_LABELS = {
    "charge": N_("能充电"),
    "heat": N_("能热饭"),
    "water": N_("能喝水"),
    "toilet": N_("能上厕所"),
    "medicine": N_("有应急药品"),
}


def need_label(need: str, _: Gettext) -> str:
    return _(NEED_LABELS[need])


def station_name(station: Station, _: Gettext) -> str:
    name = _.content(station.name)
    return _("【示例】{name}").format(name=name) if _unmarked_sample(station) else name


def _unmarked_sample(station: Station) -> bool:
    return station.sample and "示例" not in station.name


def venue_title(station: Station, _: Gettext) -> str:
    """The map card's title: the sample mark goes here too, as the card is seen on its own."""
    name = _.content(station.name)
    return _("【示例数据】{name}").format(name=name.replace("【示例】", "")) if station.sample else name


def station_lines(number: int, station: Station, _: Gettext, distance_m: float | None = None) -> list[str]:
    head = f"{number}. {station_name(station, _)}"
    if distance_m is not None:
        head += " · " + _.distance(distance_m)
    lines = [head, "   " + _("地址：{address}").format(address=_.content(station.address))]
    if station.facilities:
        facilities = "、".join(_.content(f) for f in station.facilities)
        lines.append("   " + _("设施：{facilities}").format(facilities=facilities))
    if station.hours:
        lines.append("   " + _("开放时间：{hours}").format(hours=_.content(station.hours)))
    if station.phone:
        lines.append("   " + _("电话：{phone}").format(phone=station.phone))
    return lines


def _sample_notice(stations: tuple[Station, ...], _: Gettext) -> list[str]:
    if not any(s.sample for s in stations):
        return []
    return [_("⚠️ 示例数据：下面的站点只是演示用的示例，名称、地址和电话都不是真实的，请不要前往。"), ""]


def _with_need(need: str | None, plain: str, with_need: str, _: Gettext, **values: object) -> str:
    """One of two whole sentences, so that translators can place the need where their language wants it."""
    if need is None:
        return _(plain).format(**values)
    return _(with_need).format(need=need_label(need, _), **values)


def render_nearby(found: Nearby, _: Gettext) -> tuple[str, list[str]]:
    """Heading and body lines for the stations nearest to a shared location."""
    if not found.hits:
        if found.need:
            heading = _("没有找到{need}的站点").format(need=need_label(found.need, _))
            return heading, [_("试试不加条件查看全部站点。")]
        return _("没有找到站点"), [_("我们的资料里还没有任何站点。")]
    if found.far:  # a list of stations hundreds of km away helps nobody: say so, and where to look
        nearest = found.hits[0]
        far = _("您附近{radius}以内没有我们收录的站点，最近的一个在{city}，离您{distance}。").format(
            radius=_.distance(FAR_M), city=_.content(nearest.station.city), distance=_.distance(nearest.distance_m)
        )
        return _with_need(found.need, N_("附近没有站点"), N_("附近没有{need}的站点"), _), [far]
    stations = tuple(h.station for h in found.hits)
    lines = _sample_notice(stations, _)
    for number, hit in enumerate(found.hits, start=1):
        lines += station_lines(number, hit.station, _, hit.distance_m)
    return _with_need(found.need, N_("离您最近的站点"), N_("离您最近的{need}的站点"), _), lines


def render_listing(found: Listing, _: Gettext) -> tuple[str, list[str]]:
    """Heading and body lines for the stations of a named city or district."""
    place = _.content(found.place)
    if not found.known:
        heading = _with_need(found.need, N_("没有找到{place}的站点"), N_("没有找到{place}{need}的站点"), _, place=place)
        sorry = _with_need(
            found.need,
            N_("抱歉，我们的资料里还没有{place}的站点。"),
            N_("抱歉，我们的资料里还没有{place}{need}的站点。"),
            _,
            place=place,
        )
        return heading, [sorry]
    lines = _sample_notice(found.stations, _)
    for number, station in enumerate(found.stations, start=1):
        lines += station_lines(number, station, _)
    if found.total > len(found.stations):
        more = _("共{total}个站点，这里列出前{shown}个。发送您的位置，可以查看离您最近的站点。")
        lines += ["", more.format(total=found.total, shown=len(found.stations))]
    return _with_need(found.need, N_("{place}的站点"), N_("{place}{need}的站点"), _, place=place), lines


def render_location_request(found: LocationRequest, _: Gettext) -> tuple[str, list[str]]:
    heading = _with_need(found.need, N_("查找附近的站点"), N_("查找附近{need}的站点"), _)
    ask = _with_need(
        found.need,
        N_("请发送您的位置，我帮您找离您最近的站点：点输入框旁的📎，选择“位置”。"),
        N_("请发送您的位置，我帮您找离您最近的{need}的站点：点输入框旁的📎，选择“位置”。"),
        _,
    )
    return heading, [ask]


def render_stations(answer: Answer, _: Gettext) -> Rendered:
    """Any station answer; the national way to find stations (answer.text) follows a miss."""
    found = answer.data["found"]
    if isinstance(found, Nearby):
        heading, lines = render_nearby(found, _)
    elif isinstance(found, Listing):
        heading, lines = render_listing(found, _)
    else:
        heading, lines = render_location_request(found, _)
    if answer.text:
        lines += ["", knowledge_body(answer.text, _)]
    return Rendered(heading, "\n".join(lines), sources_line(answer.sources, _))


# -- staff import report (run_bot.py import-stations) ---------------------------------

UNREADABLE = {
    "missing": N_("无法打开文件：{detail}"),
    "encoding": N_("文件不是 UTF-8、GB18030 或 Big5 编码的 CSV（{detail}）。请在 Excel 里“另存为 CSV UTF-8”。"),
    "empty": N_("文件是空的：没有表头或没有数据行。"),
    "header": N_("表头不对：应为 {columns}，实际是 {detail}"),
}
ROW_ERRORS = {
    "columns": N_("第{row}行：列数太多（{value}列），可能是某个字段里有英文逗号，请给它加上引号"),
    "missing": N_("第{row}行：{column} 不能为空"),
    "not_number": N_("第{row}行：{column} 不是数字（{value}）"),
    "out_of_range": N_("第{row}行：{column} 超出范围（{value}）：纬度 lat 应在 -90 到 90，经度 lon 应在 -180 到 180"),
    "duplicate": N_("第{row}行：与第{other_row}行重复（城市、名称和地址都相同）"),
    "invalid": N_("第{row}行：{column} 不合格（{value}）"),
}


def render_unreadable(code: str, detail: str, columns: str, _: Gettext) -> str:
    return _(UNREADABLE[code]).format(detail=detail, columns=columns)


def render_row_error(error: RowError, _: Gettext) -> str:
    return _(ROW_ERRORS[error.code]).format(
        row=error.row, column=error.column, value=error.value, other_row=error.other_row
    )


def render_import_report(result: ImportResult, target: str, _: Gettext) -> list[str]:
    if not result.ok:
        lines = [render_row_error(e, _) for e in result.errors]
        return [*lines, _("有 {count} 行不合格，没有导入任何站点，原有站点保持不变。").format(count=len(result.errors))]
    cities = "、".join(f"{city} {count}" for city, count in sorted(result.cities.items(), key=lambda kv: -kv[1]))
    return [
        _("导入成功：共 {count} 个站点，{n} 个城市（{cities}）。").format(
            count=len(result.stations), n=len(result.cities), cities=cities
        ),
        _("已替换 {path}；运行中的机器人几秒内会自动改用新的站点，不用重启。").format(path=target),
    ]


def render_write_failed(target: str, detail: str, _: Gettext) -> str:
    return _("无法写入 {path}（{detail}），原有站点保持不变。").format(path=target, detail=detail)

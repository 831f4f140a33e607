"""``run_bot.py import-stations FILE.csv``: staff replace the station set from a spreadsheet.

Exit codes: 0 imported, 1 bad rows (nothing imported; each bad row printed), 2 the file
cannot be read as a station CSV, or the new set cannot be written. A running bot notices
the new file within seconds (or at once on ``POST /api/stations/reload``).
"""

from __future__ import annotations

import sys
from pathlib import Path

from bot.core.i18n import DEFAULT_LOCALE, gettext_for
from bot.core.settings import Settings
from bot.stations.csv_import import COLUMNS, UnreadableFile, import_stations
from bot.stations.render import render_import_report, render_unreadable, render_write_failed
from bot.stations.station_files import StationFiles


def main(path: Path, settings: Settings) -> int:
    _ = gettext_for(DEFAULT_LOCALE)
    target = StationFiles(settings.content_dir, settings.data_dir).imported
    try:
        result = import_stations(path, target)
    except UnreadableFile as exc:
        print(render_unreadable(exc.code, exc.detail, ",".join(COLUMNS), _), file=sys.stderr)
        return 2
    except OSError as exc:
        print(render_write_failed(str(target), exc.strerror or str(exc), _), file=sys.stderr)
        return 2
    print("\n".join(render_import_report(result, str(target), _)), file=sys.stdout if result.ok else sys.stderr)
    return 0 if result.ok else 1

"""``run_bot.py import-stations FILE.csv``: staff replace the station set from a spreadsheet.

Exit codes: 0 imported, 1 bad rows (nothing imported; each bad row printed), 2 the file
cannot be read as a station CSV, or the new set cannot be written.
"""

from __future__ import annotations

import sys
from pathlib import Path

from bot.core.content_loader import load_model
from bot.core.content_models import StationsFile
from bot.core.i18n import DEFAULT_LOCALE, gettext_for
from bot.core.settings import Settings
from bot.services import IMPORTED_STATIONS
from bot.stations.csv_import import COLUMNS, UnreadableFile, import_stations
from bot.stations.render import render_import_report, render_unreadable, render_write_failed


def main(path: Path, settings: Settings) -> int:
    _ = gettext_for(DEFAULT_LOCALE)
    target = settings.data_dir / IMPORTED_STATIONS
    qa = load_model(settings.content_dir / "stations.json", StationsFile).qa  # the Q&A stays with the stations
    try:
        result = import_stations(path, target, qa)
    except UnreadableFile as exc:
        print(render_unreadable(exc.code, exc.detail, ",".join(COLUMNS), _), file=sys.stderr)
        return 2
    except OSError as exc:
        print(render_write_failed(str(target), exc.strerror or str(exc), _), file=sys.stderr)
        return 2
    print("\n".join(render_import_report(result, str(target), _)), file=sys.stdout if result.ok else sys.stderr)
    return 0 if result.ok else 1

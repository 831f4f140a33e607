"""Where the station set lives: the staff import in ``DATA_DIR``, else the shipped sample in content/.

``import-stations`` writes ``DATA_DIR/stations.npz`` (compact columns, see ``columns.py``). Earlier
versions wrote the whole set as ``DATA_DIR/stations.json``; such a file is converted once and kept
as ``stations.json.imported``, so that an upgrade never falls back to the sample set.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from bot.core.content_loader import load_model
from bot.core.content_models import StationsFile
from bot.stations.columns import StationColumns

log = logging.getLogger(__name__)

IMPORTED = "stations.npz"  # in DATA_DIR
LEGACY = "stations.json"  # in DATA_DIR, written by import-stations before the compact columns
SHIPPED = "stations.json"  # in content/: the sample stations and the stations Q&A

Signature = tuple[int, int, int]


@dataclass(frozen=True)
class StationFiles:
    content_dir: Path
    data_dir: Path

    @property
    def imported(self) -> Path:
        return self.data_dir / IMPORTED

    def signature(self) -> Signature | None:
        """What changes when the import is replaced (a new file, size or time); None when there is none.

        Other errors (an unreadable DATA_DIR) are raised: they say nothing about a new import.
        """
        try:
            stat = self.imported.stat()
        except FileNotFoundError:
            return None
        return stat.st_ino, stat.st_size, stat.st_mtime_ns

    def load(self) -> tuple[Signature | None, StationColumns]:
        """The set a start-up would use now, and the signature of the file it came from.

        The signature is taken before the file is read, so a change while reading is seen next time.
        """
        legacy = self.data_dir / LEGACY
        if not self.imported.exists() and legacy.exists():
            columns = self._convert(legacy)
            return self.signature(), columns
        signature = self.signature()
        if signature is None:
            shipped = load_model(self.content_dir / SHIPPED, StationsFile).stations
            return None, StationColumns.from_stations(shipped)
        return signature, StationColumns.load(self.imported)

    def _convert(self, legacy: Path) -> StationColumns:
        columns = StationColumns.from_stations(load_model(legacy, StationsFile).stations)
        try:
            columns.save(self.imported)
            legacy.rename(legacy.with_name(legacy.name + ".imported"))
        except OSError as exc:
            log.warning("could not convert %s to %s (%s); it is read again at the next start", legacy, IMPORTED, exc)
        else:
            log.info("converted %s (%d stations) to %s", legacy, len(columns), self.imported)
        return columns

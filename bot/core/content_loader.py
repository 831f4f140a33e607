"""Load and validate the knowledge files, read through TinyDB.

The files are plain JSON objects of lists (easy to edit by hand); a read-only TinyDB
storage presents each list as a table. Validation errors become one line that names
the file, the entry and the field, so staff can fix a broken file without a traceback.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from tinydb import TinyDB
from tinydb.storages import Storage

from bot.core.content_models import (
    AskedFile,
    BenefitsFile,
    FaqFile,
    LawFile,
    Lexicon,
    LoansFile,
    MenuFile,
    QAEntry,
    ScopeFile,
    StationsFile,
    Topic,
)


class ContentError(Exception):
    """A knowledge file is missing, not JSON, or fails validation."""


class ListJSONStorage(Storage):
    """Read-only TinyDB storage over plain JSON objects of lists.

    A list of objects becomes a table of documents; any other value (a list of
    words, a mapping, one object) becomes a one-document table ``{"value": ...}``.
    """

    def __init__(self, path: str) -> None:
        self._path = Path(path)
        self.singletons: set[str] = set()

    def read(self) -> dict[str, dict[str, Any]]:
        with self._path.open(encoding="utf-8-sig") as fh:
            raw = json.load(fh)
        if not isinstance(raw, dict):
            raise ContentError(f"{self._path.name}: top level must be a JSON object")
        tables: dict[str, dict[str, Any]] = {}
        for key, value in raw.items():
            if isinstance(value, list) and all(isinstance(doc, dict) for doc in value):
                tables[key] = {str(i): doc for i, doc in enumerate(value, start=1)}
            else:
                self.singletons.add(key)
                tables[key] = {"1": {"value": value}}
        return tables

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        raise ContentError(f"{self._path.name}: content files are read-only at run time")


def read_tables(path: Path) -> dict[str, Any]:
    """Read a content file through TinyDB, giving back its lists and values."""
    db = TinyDB(str(path), storage=ListJSONStorage)
    try:
        with db:
            tables = {name: [dict(doc) for doc in db.table(name).all()] for name in db.tables()}
            singletons = db.storage.singletons
    except FileNotFoundError:
        raise ContentError(f"{path.name}: file not found in {path.parent}") from None
    except json.JSONDecodeError as exc:
        raise ContentError(f"{path.name}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    return {name: docs[0]["value"] if name in singletons else docs for name, docs in tables.items()}


def _describe(file: str, data: dict[str, Any], error: ValidationError) -> str:
    first = error.errors()[0]
    loc = list(first["loc"])
    where = "top level"
    field_path = ".".join(str(p) for p in loc)
    if len(loc) >= 2 and isinstance(loc[1], int):
        table, index = str(loc[0]), loc[1]
        entry = data.get(table, [])[index] if isinstance(data.get(table), list) and index < len(data[table]) else {}
        name = entry.get("id") or entry.get("number") or entry.get("name") if isinstance(entry, dict) else None
        where = f"entry {table}[{index}]" + (f" ({name})" if name is not None else "")
        field_path = ".".join(str(p) for p in loc[2:]) or "(whole entry)"
    extra = f" (+{error.error_count() - 1} more)" if error.error_count() > 1 else ""
    return f"{file}: {where}: field {field_path}: {first['msg']}{extra}"


M = TypeVar("M", bound=BaseModel)


def load_model(path: Path, model: type[M]) -> M:
    data = read_tables(path)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ContentError(_describe(path.name, data, exc)) from None


@dataclass(frozen=True)
class ContentFiles:
    law: LawFile
    benefits: BenefitsFile
    stations: StationsFile
    loans: LoansFile
    faq: FaqFile
    lexicon: Lexicon
    menu: MenuFile
    scope: ScopeFile
    asked: AskedFile

    def qa_ids(self) -> set[str]:
        """The ids of every curated Q&A entry, whichever file holds it."""
        return {entry.id for _, entries in self.qa_by_topic() for entry in entries}

    def qa_by_topic(self) -> tuple[tuple[Topic, list[QAEntry]], ...]:
        """Each topic's curated Q&A; the topic is the file the entries live in."""
        return (
            ("law", self.law.qa),
            ("benefits", self.benefits.qa),
            ("stations", self.stations.qa),
            ("loans", self.loans.qa),
            ("faq", self.faq.qa),
        )


def load_content(content_dir: Path) -> ContentFiles:
    """Load every knowledge file (the staff-imported stations are read by ``bot/stations/station_files.py``)."""
    files = ContentFiles(
        law=load_model(content_dir / "law.json", LawFile),
        benefits=load_model(content_dir / "benefits.json", BenefitsFile),
        stations=load_model(content_dir / "stations.json", StationsFile),
        loans=load_model(content_dir / "loans.json", LoansFile),
        faq=load_model(content_dir / "faq.json", FaqFile),
        lexicon=load_model(content_dir / "lexicon.json", Lexicon),
        menu=load_model(content_dir / "menu.json", MenuFile),
        scope=load_model(content_dir / "scope.json", ScopeFile),
        asked=load_model(content_dir / "asked.json", AskedFile),
    )
    _check_unique_ids(files)
    _check_menu(files)
    _check_scope_ids(files)
    _check_lacks(files)
    _check_asked(files)
    return files


def _check_menu(files: ContentFiles) -> None:
    known = files.qa_ids()
    for index, entry_id in enumerate(files.menu.faq):
        if entry_id not in known:
            raise ContentError(f"menu.json: entry faq[{index}] ({entry_id}): field faq: no Q&A entry has this id")


def _check_unique_ids(files: ContentFiles) -> None:
    seen: dict[str, str] = {}
    for topic, entries in files.qa_by_topic():
        file = f"{topic}.json"
        for entry in entries:
            if entry.id in seen:
                raise ContentError(f"{file}: entry qa ({entry.id}): field id: also used in {seen[entry.id]}")
            seen[entry.id] = file


def _check_scope_ids(files: ContentFiles) -> None:
    """Every entry scope.json names exists: a renamed entry must not silently lose its region."""
    known = files.qa_ids()
    scope = files.scope
    named = [
        *((f"regions ({r.label})", e) for r in scope.regions for e in r.entries),
        *((f"topics ({t})", e) for t, ts in scope.topics.items() for e in ts.help),
        *((f"other_laws ({law.name})", e) for law in scope.other_laws for e in law.held.values()),
    ]
    for where, entry_id in named:
        if entry_id not in known:
            raise ContentError(f"scope.json: entry {where}: field entries: no Q&A entry has the id {entry_id}")


def _check_lacks(files: ContentFiles) -> None:
    """Every detail an entry lacks is one scope.json asks about: a misspelt label would never fire."""
    labels = {detail.label for detail in files.scope.details}
    lacking = [
        *(
            (f"{topic}.json", f"qa ({entry.id})", entry.lacks)
            for topic, entries in files.qa_by_topic()
            for entry in entries
        ),
        *(("law.json", f"articles ({article.number})", article.lacks) for article in files.law.articles),
    ]
    for file, where, lacks in lacking:
        for lack in lacks:
            if lack.detail not in labels:
                raise ContentError(
                    f"{file}: entry {where}: field lacks.detail: no scope.json detail is labelled {lack.detail}"
                )


def _check_asked(files: ContentFiles) -> None:
    """Every asked question names an entry or article that exists: a renamed entry must take them along."""
    known = {*(f"qa:{entry_id}" for entry_id in files.qa_ids()), *(f"art:{a.number}" for a in files.law.articles)}
    for index, asked in enumerate(files.asked.asked):
        if asked.ref not in known:
            raise ContentError(f"asked.json: entry asked[{index}]: field ref: nothing has the reference {asked.ref}")

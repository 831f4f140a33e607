import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from bot.core.storage import StorageError, TinyStore, atomic_write_text


def test_put_get_delete_round_trip(tmp_path: Path) -> None:
    store = TinyStore(tmp_path)
    store.put("users", "1", {"locale": "en", "tags": ["a"]})
    store.put("users", "2", {"locale": "zh_Hans"})
    store.put("users", "1", {"locale": "zh_Hant"})
    assert store.get("users", "1") == {"locale": "zh_Hant"}
    assert store.delete("users", "2") is True
    assert store.delete("users", "2") is False
    assert store.all("users") == {"1": {"locale": "zh_Hant"}}
    assert TinyStore(tmp_path).get("users", "1") == {"locale": "zh_Hant"}  # durable across reopen


def test_returned_documents_are_copies(tmp_path: Path) -> None:
    store = TinyStore(tmp_path)
    store.put("users", "1", {"tags": ["a"]})
    doc = store.get("users", "1")
    doc["tags"].append("b")
    assert store.get("users", "1") == {"tags": ["a"]}


def test_put_many_is_one_write(tmp_path: Path) -> None:
    store = TinyStore(tmp_path)
    store.put_many("subs", {str(i): {"n": i} for i in range(100)})
    data = json.loads((tmp_path / "state.json").read_text())
    assert len(data["subs"]) == 100
    assert store.get("subs", "42") == {"n": 42}


def test_broken_file_is_reported_with_its_name(tmp_path: Path) -> None:
    (tmp_path / "state.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(StorageError, match=r"state\.json"):
        TinyStore(tmp_path)


def test_atomic_write_leaves_no_temp_files(tmp_path: Path) -> None:
    target = tmp_path / "x.json"
    atomic_write_text(target, "1")
    atomic_write_text(target, "2")
    assert target.read_text() == "2"
    assert [p.name for p in tmp_path.iterdir()] == ["x.json"]


WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from bot.core.storage import TinyStore
    store = TinyStore(Path(sys.argv[1]))
    i = 0
    while True:
        store.put("counter", str(i % 50), {"i": i, "pad": "x" * 200})
        print(i, flush=True)
        i += 1
    """
)


def test_kill_9_during_writes_never_corrupts(tmp_path: Path) -> None:
    """Kill a writer mid-stream; the file must load and hold every acknowledged write."""
    root = Path(__file__).resolve().parent.parent
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(tmp_path)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
    )
    acknowledged = -1
    for line in proc.stdout:
        acknowledged = int(line)
        if acknowledged >= 300:
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    proc.stdout.close()
    store = TinyStore(tmp_path)
    doc = store.get("counter", str(acknowledged % 50))
    assert doc is not None
    assert doc["i"] >= acknowledged

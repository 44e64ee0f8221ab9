"""A separate process writing pins, for the concurrency and kill -9 tests.

    python pin_writer.py STORE NAME COUNT [--hang-after N]

STORE is a SQLite file or a postgresql:// URL.

Waits for one line on stdin (so two writers start together), then adds COUNT pins,
printing each pin id after its commit. With --hang-after N, the (N+1)th add stops
inside its transaction (after the pin row is written, before commit) and prints
IN_TRANSACTION, waiting to be killed.
"""
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bot.store import open_database  # noqa: E402
from bot.store import pins as pins_module  # noqa: E402
from bot.models import Moment  # noqa: E402
from bot.store.pins import Actor, PinEntry, PinStore  # noqa: E402


def main() -> None:
    address, name, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    hang_after = int(sys.argv[5]) if len(sys.argv) > 5 and sys.argv[4] == "--hang-after" else None
    store = PinStore(_open(address))
    actor = Actor("test", name, name)
    print("READY", flush=True)
    sys.stdin.readline()
    for i in range(count):
        if i == hang_after:
            _hang_inside_next_transaction()
        question = f"question {i} from {name}"
        entry = PinEntry(question, question, Moment(text=f"see https://example.org/{name}/{i}",
                                                       url=f"https://example.org/{name}/{i}"))
        pin, _ = store.add(entry, actor, "2025-01-01T00:00:00Z")
        print(pin.pin_id, flush=True)


def _open(address: str):
    if address.startswith("postgresql://"):
        return open_database(address, Path("."))
    from bot.store.sqlite import SqliteDatabase

    return SqliteDatabase(Path(address))


def _hang_inside_next_transaction() -> None:
    original = pins_module._audit

    def audit_then_hang(*args, **kwargs):
        original(*args, **kwargs)
        print("IN_TRANSACTION", flush=True)
        time.sleep(600)

    pins_module._audit = audit_then_hang


if __name__ == "__main__":
    main()

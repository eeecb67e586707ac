"""Password hashing parameters stay within what issue #19 asks (50-250 ms of CPU per sign-in on
the benchmark machine, `bench/signin_burst.py` prints it), and at most `HASH_CONCURRENCY` hashes
run at once in a process, so a burst of sign-ins leaves gunicorn's other threads CPU to serve
pages. The parameters are asserted rather than a timing, which would be flaky on a shared machine.
"""

from __future__ import annotations

import threading
import time

import pytest
from argon2 import extract_parameters

from portal.auth import passwords


def test_the_hash_parameters_are_owasp_argon2id_at_about_60_ms() -> None:
    parameters = extract_parameters(passwords.hash_password("a kettle of fish 58"))
    assert parameters.type.name == "ID"
    assert parameters.memory_cost == 19 * 1024  # KiB: OWASP's 19 MiB
    assert parameters.time_cost == 3  # 2 passes took ~40 ms, under the 50 ms floor
    assert parameters.parallelism == 1
    assert passwords.HASH_CONCURRENCY == 1


def test_hashes_made_with_the_old_parameters_still_verify() -> None:
    from argon2 import PasswordHasher

    old = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1).hash("old secret 58")
    assert passwords.verify_password(old, "old secret 58")
    assert not passwords.verify_password(old, "old secret 59")


class GatedHasher:
    """Stands in for argon2: each verify waits for the gate and records how many run at once."""

    def __init__(self, fail: bool = False) -> None:
        self.gate = threading.Event()
        self.lock = threading.Lock()
        self.running = 0
        self.most = 0
        self.started = 0
        self.fail = fail

    def verify(self, _hash: str, _password: str) -> bool:
        with self.lock:
            self.running += 1
            self.started += 1
            self.most = max(self.most, self.running)
        try:
            self.gate.wait(5)
            if self.fail:
                raise RuntimeError("argon2 failed")
            return True
        finally:
            with self.lock:
                self.running -= 1


def test_threads_wait_while_the_process_is_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = GatedHasher()
    monkeypatch.setattr(passwords, "_hasher", fake)
    threads = [
        threading.Thread(target=passwords.verify_password, args=("$argon2id$x", "pw"))
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    time.sleep(0.2)
    assert fake.started == passwords.HASH_CONCURRENCY  # the others wait for a slot
    fake.gate.set()
    for thread in threads:
        thread.join(5)
    assert fake.started == 4
    assert fake.most == passwords.HASH_CONCURRENCY


def test_a_failing_hash_gives_its_slot_back(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = GatedHasher(fail=True)
    fake.gate.set()
    monkeypatch.setattr(passwords, "_hasher", fake)
    for _ in range(passwords.HASH_CONCURRENCY + 1):
        with pytest.raises(RuntimeError):
            passwords.verify_password("$argon2id$x", "pw")
    for _ in range(passwords.HASH_CONCURRENCY):  # every slot is free again
        assert passwords._slots.acquire(timeout=1)
    for _ in range(passwords.HASH_CONCURRENCY):
        passwords._slots.release()

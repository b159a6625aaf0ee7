"""Failed logins: 5 per login (20 per address) → 5 minutes locked, even with the right password."""

from alambic.auth.throttle import LoginThrottle


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_five_failures_lock_the_login_for_five_minutes():
    clock = Clock()
    throttle = LoginThrottle(max_failures=5, max_failures_per_address=20, window=300, lockout=300, clock=clock)
    for _ in range(4):
        throttle.failure("ana", "10.0.0.1")
        assert throttle.locked_for("ana", "10.0.0.1") == 0
    throttle.failure("ANA", "10.0.0.1")
    assert throttle.locked_for("ana", "10.0.0.1") == 300
    assert throttle.locked_for("ana", "10.0.0.2") == 300  # the login, from anywhere
    assert throttle.locked_for("bruno", "10.0.0.1") == 0  # the address is not locked yet
    clock.now += 299
    assert throttle.locked_for("ana", "10.0.0.3") == 1
    clock.now += 1
    assert throttle.locked_for("ana", "10.0.0.3") == 0


def test_failures_older_than_the_window_are_forgotten_and_success_clears():
    clock = Clock()
    throttle = LoginThrottle(max_failures=5, window=300, lockout=300, clock=clock)
    for _ in range(4):
        throttle.failure("ana", "10.0.0.1")
    clock.now += 301
    throttle.failure("ana", "10.0.0.1")
    assert throttle.locked_for("ana", "10.0.0.1") == 0
    for _ in range(3):
        throttle.failure("ana", "10.0.0.1")
    throttle.success("ana", "10.0.0.1")
    throttle.failure("ana", "10.0.0.1")
    assert throttle.locked_for("ana", "10.0.0.1") == 0


def test_an_address_trying_many_logins_is_locked():
    clock = Clock()
    throttle = LoginThrottle(max_failures=5, max_failures_per_address=20, clock=clock)
    for n in range(20):
        throttle.failure(f"inconnu{n}", "10.0.0.9")
    assert throttle.locked_for("ana", "10.0.0.9") == 300  # any login from that address
    assert throttle.locked_for("ana", "10.0.0.1") == 0

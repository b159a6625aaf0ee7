"""Login sessions end at logout, after 12 h idle, or after their maximum age."""

from alambic.auth.sessions import SessionStore


class Clock:
    def __init__(self):
        self.now = 1_000_000.0

    def __call__(self):
        return self.now


def test_idle_expiry_and_activity():
    clock = Clock()
    store = SessionStore(idle=12 * 3600, max_age=7 * 86400, clock=clock)
    sid = store.start("ana")
    assert len(sid) >= 40 and store.login_for(sid) == "ana"
    clock.now += 11 * 3600
    assert store.login_for(sid) == "ana"  # activity: the idle clock restarts
    clock.now += 11 * 3600
    assert store.login_for(sid, touch=False) == "ana"
    clock.now += 1.5 * 3600
    assert store.login_for(sid) is None  # 12.5 h without activity
    assert store.login_for(sid) is None and len(store) == 0


def test_maximum_age_even_when_active():
    clock = Clock()
    store = SessionStore(idle=3600, max_age=3 * 3600, clock=clock)
    sid = store.start("ana")
    for _ in range(5):
        clock.now += 1800
        assert store.login_for(sid) == "ana"
    clock.now += 1801
    assert store.login_for(sid) is None


def test_logout_ends_only_that_session():
    store = SessionStore()
    first, second = store.start("ana"), store.start("ana")
    assert first != second
    assert store.end(first) == "ana"
    assert store.login_for(first) is None and store.login_for(second) == "ana"
    assert store.end("inconnu") is None and store.end(None) is None
    assert store.end_all("ana") == 1 and store.login_for(second) is None
    assert store.login_for(None) is None

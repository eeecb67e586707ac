"""Recurring jobs: each run happens once across workers, and an emptied Redis heals itself."""

from __future__ import annotations

from redis import Redis

from jobs.queue import register_jobs
from jobs.scheduler import Recurring, Scheduler
from jobs.tasks import RECURRING

COUNT: list[str] = []


def count_run() -> None:
    COUNT.append("ran")


def test_embedded_schedule_runs_each_job_once_per_interval(app):
    COUNT.clear()
    app.config["PROBE_INTERVAL"] = 3600
    register_jobs(app, [count_run])
    scheduler = Scheduler(app, [Recurring("probe", count_run, "PROBE_INTERVAL")])
    assert scheduler.tick() == ["probe"]
    assert scheduler.tick() == [], "not due again within the interval"
    assert COUNT == ["ran"]


def test_workers_share_one_schedule_and_an_emptied_redis_heals(redis_app, redis_prefix):
    redis_app.config["PROBE_INTERVAL"] = 3600
    first = Scheduler(redis_app, [Recurring("probe", count_run, "PROBE_INTERVAL")])
    second = Scheduler(redis_app, [Recurring("probe", count_run, "PROBE_INTERVAL")])
    queue = redis_app.extensions["foyer.queue"]
    assert first.tick() == ["probe"]
    assert second.tick() == [], "another worker does not start the same run"
    assert queue.count == 1
    client = Redis.from_url(redis_app.config["REDIS_URL"])
    keys = list(client.scan_iter(match=f"{redis_prefix}*"))
    client.delete(*keys)  # Redis restarted empty: schedule keys and queued jobs are gone
    assert second.tick() == ["probe"], "the next tick starts it again"
    client.close()


def test_every_recurring_job_has_an_interval_setting(app):
    for entry in RECURRING:
        assert int(app.config[entry.interval_setting]) > 0, entry.name
        assert app.extensions["foyer.jobs"][entry.func.__name__] is entry.func

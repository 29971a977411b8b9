"""Redis connection and the RQ queue used for reminders, alerts and reports."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app
from redis import Redis
from rq import Queue


def init_app(app: Flask) -> None:
    """Create the app's Redis connection (lazy: nothing connects until first use)."""
    app.extensions["portal_redis"] = Redis.from_url(
        app.config["REDIS_URL"], socket_connect_timeout=2, socket_timeout=5,
        health_check_interval=30)


def redis_conn(app: Flask | None = None) -> Redis:
    """The app's Redis connection."""
    return (app or current_app).extensions["portal_redis"]


def get_queue(app: Flask | None = None) -> Queue:
    """The portal's RQ queue."""
    app = app or current_app
    return Queue(app.config["RQ_QUEUE"], connection=redis_conn(app))


def enqueue(func: Any, *args: Any, **kwargs: Any) -> Any:
    """Enqueue ``func`` on the portal queue (jobs take ids, never ORM objects)."""
    return get_queue().enqueue(func, *args, **kwargs)

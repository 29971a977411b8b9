"""Per-area contributions to the access-matrix test.

Each module here defines ``samples(session, world) -> dict[str, object]`` giving a
value for every URL argument its routes use (objects owned by ``world.agency``),
and ``FOREIGN: dict[str, int]``: what a responsible person of *another* agency gets
from each agency-scoped endpoint (403 or 404 for drafts and private data, 200 for
public read-only data).
"""

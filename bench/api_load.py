"""Throughput of ``GET /api/v1/kb/search`` under gunicorn, measured with wrk.

Run: ``python bench/api_load.py --n 100000`` against a database kept by
``bench/search.py --n 100000 --keep`` (or ``--corpus`` for a fresh database with the
110-article test corpus). An operator and a personal API token are created, gunicorn
serves the app on 127.0.0.1 only, and wrk (``apt-get install wrk``) sends queries with
``Authorization: Bearer``; requests/s, latency percentiles (p50/p95/p99), errors
(socket errors, non-2xx), the CPU each side spent per request and the CPU the
hypervisor took (steal) are printed. The gunicorn process is ours and is stopped at
the end.

The queries (``--stream``): ``suite`` cycles the 191 relevance-suite queries (kk, ru,
mixed, typos, Russian-letter Kazakh), so every query repeats; ``distinct`` sends
queries of which none repeats: one to three words taken from one published article,
some with a typo, some with the last word half typed, as operators type them. With
``distinct`` the result cache never hits, whatever ``KB_SEARCH_CACHE`` says.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LUA = """
local paths = {%(paths)s}
local i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i], {["Authorization"] = "Bearer %(token)s"})
end
local bad = 0
response = function(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %%d %%d %%.1f %%.1f %%.1f %%.1f %%d %%d\\n",
    summary.requests, summary.duration, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout, summary.errors.status))
end
"""


def database_url(server: str, args: argparse.Namespace) -> str:
    """The database to serve: a kept benchmark database, or a fresh one with the corpus."""
    from sqlalchemy.engine import make_url

    if not args.corpus:
        url = make_url(server).set(drivername="postgresql+psycopg", database=f"kbbench_{args.n}")
        return url.render_as_string(hide_password=False)
    import psycopg

    from portal import migrate

    name = "kbload_corpus"
    admin = make_url(server).set(drivername="postgresql").render_as_string(False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0")
    url = make_url(server).set(drivername="postgresql+psycopg", database=name)
    url_s = url.render_as_string(hide_password=False)
    migrate.upgrade(url_s)
    return url_s


def prepare(url: str, corpus: bool) -> str:
    """(Import the corpus,) create an operator with a token; returns the token."""
    from portal import create_app
    from portal.auth.models import User
    from portal.auth.passwords import hash_password
    from portal.auth.tokens import create_token
    from portal.db import db
    from portal.security import Role

    app = create_app({"DATABASE_URL": url, "TESTING": True, "SECRET_KEY": "bench"})
    with app.test_request_context():
        if corpus:
            from portal.knowledge.importer import import_articles

            with (ROOT / "portal/demo/data/kb_articles.jsonl").open(encoding="utf-8") as fh:
                assert import_articles(db.session, fh, publish=True).ok
        user = User(username=f"load.{secrets.token_hex(3)}", full_name="Load test operator",
                    role=Role.UCC_OPERATOR, password_hash=hash_password(secrets.token_hex(8)))
        db.session.add(user)
        db.session.flush()
        _token, clear = create_token(db.session, None, user, "api_load")
        db.session.commit()
        db.engine.dispose()
    return clear


def queries() -> list[str]:
    """The relevance-suite queries (kk, ru, mixed, typos, Russian-letter Kazakh)."""
    path = ROOT / "tests/knowledge/corpus/queries.jsonl"
    return [json.loads(line)["query"] for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def distinct_queries(url: str, count: int, seed: int = 1414) -> list[str]:
    """``count`` queries, no two alike once folded, built from the published articles."""
    import random

    import psycopg
    from sqlalchemy.engine import make_url

    from portal.knowledge.indexing import fold_kk

    rnd = random.Random(seed)
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn) as conn:
        texts = [" ".join(r) for r in conn.execute(
            "SELECT title_kk, title_ru, body_kk, body_ru FROM kb_articles "
            "WHERE status = 'published'")]
    articles = [list(dict.fromkeys(w for w in re.findall(r"\w{3,}", t) if not w.isdigit()))
                for t in texts]
    articles = [a for a in articles if len(a) >= 3]
    seen: set[tuple[str, ...]] = set()
    out: list[str] = []
    for _attempt in range(count * 20):
        if len(out) == count:
            break
        words = rnd.sample(rnd.choice(articles), rnd.choices((1, 2, 3), (30, 45, 25))[0])
        if rnd.random() < 0.15:  # a typo: two letters swapped, or one dropped
            n = rnd.randrange(len(words))
            w, i = words[n], rnd.randrange(1, len(words[n]) - 1)
            words[n] = w[:i] + w[i + 1] + w[i] + w[i + 2:] if rnd.random() < 0.5 \
                else w[:i] + w[i + 1:]
        typing = rnd.random() < 0.3  # the last word still being typed
        if typing and len(words[-1]) > 4:
            words[-1] = words[-1][:rnd.randrange(3, len(words[-1]))]
        query = " ".join(w.lower() if rnd.random() < 0.7 else w for w in words)
        key = (*(fold_kk(w.lower()) for w in words), typing)
        if key not in seen:
            seen.add(key)
            out.append(query if typing else query + " ")
    return out


def machine_ticks() -> tuple[float, float, float]:
    """(Idle incl. I/O wait, steal, total) CPU ticks of all cores since boot (/proc/stat)."""
    fields = [float(x) for x in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    return fields[3] + fields[4], fields[7], sum(fields[:8])


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(url: str, port: int, workers: int, threads: int,
                   worker_class: str = "sync") -> subprocess.Popen:
    """gunicorn on 127.0.0.1 (our child, in its own process group)."""
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": secrets.token_hex(16),
           "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")}
    cmd = [sys.executable, "-m", "gunicorn", "-w", str(workers), "-k", worker_class,
           *(["--threads", str(threads)] if worker_class == "gthread" else []),
           "-b", f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("gunicorn did not start")


def _cpu_by_pid(server_pid: int) -> dict[str, dict[int, float]]:
    """CPU seconds (user + system) of gunicorn's process tree and of every PostgreSQL
    process, by pid."""
    import psutil

    def cpu(p: psutil.Process) -> float | None:
        try:
            t = p.cpu_times()
            return t.user + t.system
        except psutil.Error:  # ended meanwhile
            return None

    server = psutil.Process(server_pid)
    groups = {"app": [server, *server.children(recursive=True)],
              "postgres": [p for p in psutil.process_iter(["name"])
                           if p.info["name"] in {"postgres", "postmaster"}]}
    return {k: {p.pid: c for p in procs if (c := cpu(p)) is not None}
            for k, procs in groups.items()}


def _cpu_delta(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds spent between two readings (a process born meanwhile counts whole)."""
    return sum(c - before.get(pid, 0.0) for pid, c in after.items())


def run_wrk(base: str, token: str, qs: list[str], seconds: int, connections: int,
            threads: int, server_pid: int | None = None) -> dict[str, float]:
    """One wrk run; returns requests/s, latency percentiles (ms), error counts and the
    CPU milliseconds per request spent by gunicorn and by PostgreSQL."""
    paths = ", ".join(json.dumps("/api/v1/kb/search?limit=10&q=" + urllib.parse.quote(q))
                      for q in qs)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(LUA % {"paths": paths, "token": token})
        script = fh.name
    before = _cpu_by_pid(server_pid) if server_pid else {}
    ticks0 = machine_ticks()
    try:
        out = subprocess.run(["wrk", "-t", str(threads), "-c", str(connections),
                              "-d", f"{seconds}s", "-s", script, base],
                             capture_output=True, text=True, timeout=seconds + 60).stdout
    finally:
        os.unlink(script)
    match = re.search(r"RESULT (\d+) (\d+) ([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+) (\d+) (\d+)", out)
    assert match, out
    n, micros, p50, p95, p99, top, sock, status = match.groups()
    after = _cpu_by_pid(server_pid) if server_pid else {}
    ticks1 = machine_ticks()
    cpu = {f"cpu_ms_per_request_{k}": round(_cpu_delta(before[k], v) * 1000 / int(n), 2)
           for k, v in after.items()}
    return {"requests": int(n), "rps": int(n) / (int(micros) / 1e6), "p50_ms": float(p50),
            "p95_ms": float(p95), "p99_ms": float(p99), "max_ms": float(top),
            "socket_errors": int(sock), "non_2xx": int(status), **cpu,
            # Shares of the machine's CPU time during the run: idle (a run that leaves
            # a core idle is limited by something else than CPU), and taken by the
            # hypervisor for others (steal).
            **{f"{name}_pct": round(100 * (ticks1[k] - ticks0[k])
                                    / max(1.0, ticks1[2] - ticks0[2]), 1)
               for k, name in ((0, "machine_idle"), (1, "steal"))}}


def main() -> None:
    """Prepare, serve, load, report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="use database kbbench_<n>")
    parser.add_argument("--corpus", action="store_true", help="fresh database, test corpus")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker")
    # sync, as README's deployment runs it: no keep-alive, so each request goes to a free
    # worker. gthread keeps wrk's 16 connections where they were accepted; in about one
    # run in three they piled on some workers and half the CPU stayed idle (94-110 req/s
    # against 250-296 in the other runs, measured).
    parser.add_argument("--worker-class", default="sync", choices=["gthread", "sync"])
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--wrk-threads", type=int, default=1,
                        help="wrk runs on the same 2 cores: one thread is enough")
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--stream", default="suite", choices=["suite", "distinct"],
                        help="cycle the relevance suite, or never repeat a query")
    parser.add_argument("--server", default=os.environ.get(
        "TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    args = parser.parse_args()

    url = database_url(args.server, args)
    token = prepare(url, args.corpus)
    port = free_port()
    proc = start_gunicorn(url, port, args.workers, args.threads, args.worker_class)
    try:
        base = f"http://127.0.0.1:{port}"
        if args.stream == "suite":
            warm, qs = queries(), queries()
        else:  # more than wrk can send at 1,000 req/s: no query is sent twice
            stream = distinct_queries(url, 1000 * (args.seconds + 5))
            warm, qs = stream[:5000], stream[5000:]
        run_wrk(base, token, warm, 5, args.connections, args.wrk_threads)  # warm-up
        result = run_wrk(base, token, qs, args.seconds, args.connections,
                         args.wrk_threads, proc.pid)
        if args.stream == "distinct":
            assert result["requests"] <= len(qs), "the stream ran out: queries repeated"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    kind = (f"{args.threads} threads" if args.worker_class == "gthread"
            else "sync (1 request each)")
    print(f"gunicorn {args.workers} workers x {kind}, "
          f"wrk {args.wrk_threads} thread(s), "
          f"{args.connections} connections, {args.seconds}s, database {url.rsplit('/', 1)[1]}, "
          f"{args.stream} queries")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

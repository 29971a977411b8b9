"""Benchmark: the Annex 2 PDF for 1,000 and 10,000 appeals (issue #6: ≤ 5 s / ≤ 20 s, ≤ 500 MB).

Each size runs in a fresh process against a fresh database: N complaint appeals with
realistic Kazakh/Russian texts are inserted for March 2026, then the QC authority's
report (all rows) is made exactly as the job makes it: rows query, PDF (chunks rendered
on every core, merged, numbered), XLSX. Reported per size: wall seconds of each phase,
CPU seconds of the PDF over all processes (on a shared machine: CPU / workers is what
the wall time would be without other load),
pages, file sizes, and peak resident memory of the main process and of the largest
rendering child (getrusage), and the peak physical memory of the whole process tree
(PSS, sampled every 200 ms: pages shared after fork are counted once).

Usage: python bench/reports.py [--sizes 1000 10000] [--workers N]
Env: BENCH_DATABASE_URL (a server URL whose user may create databases; default
postgresql://postgres@127.0.0.1:5432/postgres).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

import psutil
import psycopg
from sqlalchemy import insert
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from portal import create_app, migrate  # noqa: E402
from portal.agencies.models import Agency, AgencyKind, Region  # noqa: E402
from portal.appeals.models import Appeal, Channel, Character  # noqa: E402
from portal.calendar.workdays import ASTANA_TZ  # noqa: E402
from portal.db import db  # noqa: E402

TARGETS = {1000: 5.0, 10000: 20.0}
MEMORY_TARGET_MB = 500
REGIONS = [("abai", "Абай облысы", "область Абай"), ("akmola", "Ақмола облысы",
           "Акмолинская область"), ("almaty_region", "Алматы облысы", "Алматинская область"),
           ("north_kz", "Солтүстік Қазақстан облысы", "Северо-Казахстанская область"),
           ("astana", "Астана қаласы", "город Астана"), ("shymkent", "Шымкент қаласы",
                                                          "город Шымкент")]
SURNAMES = ["Әбдірахманов", "Жұмабаева", "Сейітқали", "Петров", "Нұрланұлы", "Ким",
            "Оспанова", "Тұрсынбеков", "Иванова", "Қасымов"]
NAMES = ["Ерлан", "Гүлнар", "Айгүл", "Иван", "Дәурен", "Мария", "Бақыт", "Әсел", "Сергей"]
PHRASES_KK = [
    "Көрсетілетін қызметті беруші құжаттарды қабылдаудан негізсіз бас тартты",
    "мемлекеттік қызмет көрсету мерзімі бұзылды, анықтама уақытында берілмеді",
    "ХҚКО қызметкері сұраққа жауап бермей, өтініш берушіге дөрекі сөйледі",
    "egov.kz порталы арқылы берілген өтініш бойынша хабарлама келмеді",
    "стандартта көзделмеген қосымша құжаттар талап етілді",
    "жергілікті атқарушы органның қызметкері қабылдау кестесін сақтамады",
]
PHRASES_RU = [
    "Услугодатель необоснованно отказал в приеме документов",
    "нарушен срок оказания государственной услуги, справка не выдана вовремя",
    "сотрудник ЦОН не ответил на вопрос и грубо разговаривал с заявителем",
    "уведомление по заявлению, поданному через портал egov.kz, не поступило",
    "потребовали дополнительные документы, не предусмотренные стандартом",
]
MEASURES = ["Өтініш берушіге түсіндірме берілді", "Услугодателю направлен запрос",
            "Жауапты тұлғаға хабарланды, жауап күтілуде",
            "Заявителю разъяснен порядок обжалования", "Қызметті берушіге сұрау жіберілді"]


def _text(rng: random.Random, parts: list[str], lo: int, hi: int) -> str:
    out = ""
    while len(out) < rng.randint(lo, hi):
        out += (". " if out else "") + rng.choice(parts)
    return out + "."


def seed(session, n: int, rng: random.Random) -> None:
    """A QC authority, a ministry, regions and ``n`` complaints registered in March 2026."""
    session.execute(insert(Region), [{"code": c, "name_kk": kk, "name_ru": ru}
                                     for c, kk, ru in REGIONS])
    session.add_all([
        Agency(code="adgs", kind=AgencyKind.QC_AUTHORITY, name_kk="Мемлекеттік қызмет істері "
               "агенттігі", name_ru="Агентство по делам государственной службы",
               email="kense@kyzmet.gov.kz"),
        Agency(code="mtszn", kind=AgencyKind.CENTRAL, name_kk="Еңбек министрлігі",
               name_ru="Министерство труда", email="info@enbek.gov.kz")])
    session.flush()
    ministry = session.query(Agency).filter_by(code="mtszn").one()
    start = datetime(2026, 3, 1, tzinfo=ASTANA_TZ)
    step = timedelta(days=30) / max(n, 1)
    rows = []
    for i in range(n):
        lang = PHRASES_KK if rng.random() < 0.6 else PHRASES_RU
        rows.append({
            "number": f"2026-{i + 1:06d}", "channel": rng.choice(list(Channel)),
            "received_at": start + step * i, "region_code": rng.choice(REGIONS)[0],
            "applicant_surname": rng.choice(SURNAMES), "applicant_name": rng.choice(NAMES),
            "phone": "+7 701 000 00 00", "email": "", "agency_id": ministry.id,
            "character": rng.choice([Character.STANDARD_VIOLATION, Character.STAFF_CONDUCT]),
            "subject": "", "content": _text(rng, lang, 80, 320),
            "measures": _text(rng, MEASURES, 30, 150),
            "request_number": f"ЖТ-{i}" if rng.random() < 0.3 else "",
            "status": "closed", "assigned_group": "", "referred_to": "",
            "email_message_id": "", "email_references": "", "locale": "kk"})
    for lo in range(0, n, 2000):
        session.execute(insert(Appeal), rows[lo:lo + 2000])
    session.commit()


def _cpu() -> float:
    """CPU seconds (user + system) of this process and its finished children."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def run_one(url: str, n: int, workers: int | None) -> dict:
    """Seed ``n`` appeals and time the QC authority's Annex 2 report."""
    import weasyprint  # noqa: F401  (a worker has it imported before the job starts)

    from portal.appeals import report as annex2
    from portal.reports.registry import get_kind
    from portal.reports.render import render_pdf, render_xlsx

    overrides = {"DATABASE_URL": url, "PORTAL_DEV": True, "TESTING": True}
    if workers:
        overrides["REPORT_PDF_WORKERS"] = workers
    app = create_app(overrides)
    kind = get_kind("annex2")
    with app.app_context():
        seed(db.session, n, random.Random(n))
        t0 = time.perf_counter()
        rows = annex2.rows(db.session, date(2026, 3, 1), date(2026, 3, 31), None)
        t1 = time.perf_counter()
        context = {"title": kind.title, "month": "наурыз 2026", "subtitle": "Есепті кезең",
                   "recipient_name": "Мемлекеттік қызмет істері агенттігі", "all_rows": True,
                   "generated_at": datetime.now(ASTANA_TZ), "total": len(rows),
                   "clause": kind.clause}
        c1 = _cpu()
        pdf, pages = render_pdf(kind, rows, "kk", context)
        t2 = time.perf_counter()
        c2 = _cpu()
        xlsx = render_xlsx(kind, rows, "kk", title="Annex 2", subtitle="March 2026")
        t3 = time.perf_counter()
    out_dir = Path(os.environ.get("BENCH_OUT", "/tmp"))
    (out_dir / f"annex2-bench-{n}.pdf").write_bytes(pdf)
    return {"rows": len(rows), "query_s": round(t1 - t0, 2), "pdf_s": round(t2 - t1, 2),
            "xlsx_s": round(t3 - t2, 2), "total_s": round(t3 - t0, 2), "pages": pages,
            "pdf_cpu_s": round(c2 - c1, 1),
            "pdf_mb": round(len(pdf) / 1e6, 2), "xlsx_mb": round(len(xlsx) / 1e6, 2),
            "rss_main_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "rss_child_mb": round(
                resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024),
            "workers": app.config.get("REPORT_PDF_WORKERS", min(os.cpu_count() or 1, 4))}


def _database(server: str) -> tuple[str, str]:
    name = f"bench_reports_{uuid.uuid4().hex[:8]}"
    admin = make_url(server).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" ENCODING \'UTF8\' TEMPLATE template0')
    url = make_url(server).set(drivername="postgresql+psycopg", database=name)
    return url.render_as_string(hide_password=False), name


def _tree_memory(proc: psutil.Process) -> float:
    """Physical memory of a process and its children in MB (PSS: shared pages split)."""
    total = 0.0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            total += p.memory_full_info().pss
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return total / 1e6


def _run_measured(cmd: list[str]) -> tuple[dict, float]:
    """Run one size, sampling the process tree's memory every 200 ms; (result, peak MB)."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    watched, peak = psutil.Process(proc.pid), 0.0
    while proc.poll() is None:
        try:
            peak = max(peak, _tree_memory(watched))
        except psutil.NoSuchProcess:
            break
        time.sleep(0.2)
    out, err = proc.communicate()
    if proc.returncode:
        raise RuntimeError(err[-3000:])
    return json.loads(out.strip().splitlines()[-1]), round(peak)


def main() -> None:
    """Run every size in its own process and print a table against the targets."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.url, args.one, args.workers)))
        return
    server = os.environ.get("BENCH_DATABASE_URL",
                            "postgresql://postgres@127.0.0.1:5432/postgres")
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"{'rows':>6} {'pdf s':>6} {'target':>6} {'cpu s':>6} {'total s':>7} {'pages':>5} "
          f"{'pdf MB':>6} {'peak MB':>7} {'main MB':>7} {'child MB':>8} {'workers':>7}")
    for n in args.sizes:
        url, name = _database(server)
        try:
            migrate.upgrade(url)
            cmd = [sys.executable, __file__, "--one", str(n), "--url", url]
            if args.workers:
                cmd += ["--workers", str(args.workers)]
            r, peak = _run_measured(cmd)
            r["tree_peak_mb"] = peak
        finally:
            admin = make_url(server).set(drivername="postgresql").render_as_string(
                hide_password=False)
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        target = TARGETS.get(n)
        ok = "ok" if target and r["pdf_s"] <= target else "SLOW" if target else ""
        mem = "ok" if r["tree_peak_mb"] <= MEMORY_TARGET_MB else "HIGH"
        print(f"{n:>6} {r['pdf_s']:>6} {target or '-':>6} {r['pdf_cpu_s']:>6} "
              f"{r['total_s']:>7} {r['pages']:>5} "
              f"{r['pdf_mb']:>6} {r['tree_peak_mb']:>7} {r['rss_main_mb']:>7} "
              f"{r['rss_child_mb']:>8} {r['workers']:>7}  time {ok}, memory {mem}")


if __name__ == "__main__":
    main()

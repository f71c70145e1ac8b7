"""Import bench (issue 13): N delivery points with their meters, customers and contracts written as CSV
files, then imported with `tournee import` into a fresh PostgreSQL database (or SQLite), each kind timed,
peak memory (max RSS of the import process) measured. Then the same files imported again: all unchanged.

    .venv/bin/python bench/bench_import.py --points 1000000              # the goal: ≤ 10 min in all
    BENCH_PG_URL=postgresql://postgres@127.0.0.1:5432/test .venv/bin/python bench/bench_import.py --points 100000
"""
import argparse
import csv
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
TOURNEE = ROOT / ".venv" / "bin" / "tournee"
KINDS = ["communes", "customers", "points", "meters", "contracts"]
GOAL_SECONDS = 600
GOAL_POINTS = 1_000_000


def write_files(folder: Path, points: int, seed: int = 13) -> dict[str, Path]:
    rng = random.Random(seed)
    files = {kind: folder / f"{kind}.csv" for kind in KINDS}
    with open(files["communes"], "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f, delimiter=";")
        out.writerow(["code", "nom", "eau", "assainissement", "frais_deplacement", "montant_frais_deplacement"])
        for number in range(100):
            out.writerow([f"B{number:03d}", f"Commune {number}", "oui", "oui", "oui", "40,00"])
    handles = {kind: open(files[kind], "w", newline="", encoding="utf-8") for kind in KINDS[1:]}
    writers = {kind: csv.writer(handle, delimiter=";") for kind, handle in handles.items()}
    writers["customers"].writerow(["reference", "civilite", "nom", "prenom", "email", "mobile", "adresse_postale"])
    writers["points"].writerow(["reference", "commune", "adresse", "latitude", "longitude", "nature",
                                "maison_individuelle", "logement_loue"])
    writers["meters"].writerow(["numero_serie", "point", "cadrans", "mode_releve", "derniere_visite", "date_pose"])
    writers["contracts"].writerow(["numero", "client", "point", "service", "date_debut", "prepaye_jusqu_au",
                                   "prelevement", "iban", "depot_garantie", "depot_paye_par"])
    for n in range(1, points + 1):
        commune = f"B{rng.randrange(100):03d}"
        writers["customers"].writerow([f"C{n:09d}", rng.choice(["M.", "Mme"]), f"Nom{n}", "Prénom",
                                       f"client{n}@example.fr", "06 12 34 56 78", f"{n} rue Neuve"])
        writers["points"].writerow([f"P{n:09d}", commune, f"{n} rue Neuve", f"{44 + rng.random():.5f}",
                                    f"{-0.5 - rng.random():.5f}", "eau", rng.choice(["oui", "non"]),
                                    rng.choice(["oui", "non"])])
        writers["meters"].writerow([f"M{n:011d}", f"P{n:09d}", 5, rng.choice(["manuel", "radio", "télérelève"]),
                                    "15/03/2026", "01/01/2015"])
        debit = rng.random() < 0.3
        writers["contracts"].writerow([f"K{n:09d}", f"C{n:09d}", f"P{n:09d}", "eau", "01/01/2015", "",
                                       "oui" if debit else "non", "FR7630004000031234567890143" if debit else "",
                                       "0", ""])
    for handle in handles.values():
        handle.close()
    return files


def run_import(kind: str, path: Path, env: dict) -> tuple[float, float, float, str]:
    """Wall seconds, peak memory (MB), CPU seconds of the import process (its threads, not PostgreSQL's),
    and the summary line."""
    started = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run([str(TOURNEE), "import", kind, str(path), "--batch", "5000"], env=env,
                          capture_output=True, text=True)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak_mb = max(before.ru_maxrss, after.ru_maxrss) / 1024
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    if done.returncode:
        sys.exit(f"import {kind} failed:\n{done.stdout}\n{done.stderr[-3000:]}")
    summary = next(line for line in done.stdout.splitlines() if line.startswith("Lignes"))
    return seconds, peak_mb, cpu, summary


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--points", type=int, default=100_000)
    parser.add_argument("--sqlite", action="store_true", help="SQLite instead of PostgreSQL")
    parser.add_argument("--once", action="store_true", help="skip the second (unchanged) pass")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-import-") as folder:
        folder = Path(folder)
        started = time.perf_counter()
        files = write_files(folder, args.points)
        print(f"files for {args.points} points written in {time.perf_counter() - started:.0f} s "
              f"({sum(p.stat().st_size for p in files.values()) / 1e6:.0f} MB)")
        env = {**os.environ, "TOURNEE_INSTANCE": str(folder / "instance"), "TOURNEE_TICK_INTERVAL": "0"}
        admin, name = None, None
        if args.sqlite:
            env.pop("DATABASE_URL", None)
        else:
            server = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
            server = server.replace("postgresql://", "postgresql+psycopg://", 1)
            admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
            name = f"tournee_bench_{uuid.uuid4().hex[:8]}"
            with admin.connect() as conn:
                conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
            env["DATABASE_URL"] = str(sa.engine.make_url(server).set(database=name).render_as_string(False))
        try:
            subprocess.run([str(TOURNEE), "db", "upgrade"], env=env, check=True, capture_output=True)
            total, peak = 0.0, 0.0
            for label in ("first import",) if args.once else ("first import", "same files again"):
                print(f"-- {label}")
                for kind in KINDS:
                    seconds, peak_mb, cpu, summary = run_import(kind, files[kind], env)
                    total += seconds if label == "first import" else 0
                    peak = max(peak, peak_mb)
                    print(f"{kind:<10} {seconds:7.1f} s  {peak_mb:5.0f} MB  {cpu:6.1f} s CPU  {summary}", flush=True)
            rate = args.points / total
            print(f"first import: {total:.0f} s for {args.points} points with meters, customers and contracts "
                  f"({rate:.0f} points/s → {GOAL_POINTS / rate / 60:.1f} min for {GOAL_POINTS:,}); "
                  f"peak memory {peak:.0f} MB")
        finally:
            if admin is not None:
                with admin.connect() as conn:
                    conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    if args.points >= GOAL_POINTS and total > GOAL_SECONDS:
        sys.exit(f"goal missed: {total:.0f} s > {GOAL_SECONDS} s")


if __name__ == "__main__":
    main()

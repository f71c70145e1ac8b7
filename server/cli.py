"""The project's own commands of the `tournee` CLI (registered on the app by create_app)."""
from datetime import date, datetime, timezone

import click
from flask import Flask
from flask.cli import with_appcontext

from .extensions import db


def register_commands(app: Flask) -> None:
    for command in (load_demo_command, generate_command, generate_day_command, create_user_command, serve_command,
                    tick_command, backup_command, restore_command, verify_command, import_command,
                    create_integration_client_command, purge_command, set_password_command, deactivate_command):
        app.cli.add_command(command)


def _print_demo_accounts(summary: dict) -> None:
    click.echo("Comptes de démonstration (mot de passe commun : %s)" % summary["password"])
    for login, role, name in summary["users"]:
        click.echo(f"  {login:<12} {role:<11} {name}")


@click.command("load-demo")
@click.option("--if-empty", is_flag=True, help="Ne rien faire si la base contient déjà des données.")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), help="Jour de référence des données.")
@with_appcontext
def load_demo_command(if_empty: bool, today: datetime | None):
    """Load the demo data of both utilities."""
    from .services.base.seeding import database_is_empty, demo_accounts, load_demo
    if not database_is_empty():
        if if_empty:
            click.echo("Base déjà remplie : données de démonstration non rechargées.")
            _print_demo_accounts(demo_accounts())
            return
        raise click.ClickException("La base contient déjà des données ; utilisez une base vide.")
    summary = load_demo(today.date() if today else date.today())
    _seed_demo_reports()
    click.echo(f"Données de démonstration chargées : {summary['points']} points de livraison.")
    _print_demo_accounts(summary)


def _seed_demo_reports() -> None:
    """Reports in every state of their review, with photos and signatures, for the office's screens."""
    from datetime import timezone

    from flask import current_app

    from .blobs import DiskBlobStore
    from .services.reporting.demo_reports import demo_report_scenarios, seed_demo_reports
    store = DiskBlobStore(current_app.config["BLOB_DIR"], current_app.config["BLOB_MAX_BYTES"])
    count = seed_demo_reports(demo_report_scenarios(), now=datetime.now(timezone.utc), store=store)
    click.echo(f"Comptes-rendus de démonstration : {count}, dans tous les états de leur relecture.")


@click.command("generate")
@click.option("--points", type=click.IntRange(1, 10_000_000), required=True, help="Nombre de points à créer.")
@click.option("--seed", type=int, default=7)
@click.option("--batch", type=click.IntRange(100, 100_000), default=5000)
@click.option("--dossiers", type=click.IntRange(0, 10_000_000), default=None,
              help="Dossiers de chaque type et état (défaut : un pour 100 points).")
@click.option("--orders-today", type=click.IntRange(0, 1_000_000), default=None,
              help="Ordres du jour répartis sur les techniciens (défaut : un pour 1 000 points, 1 000 au plus).")
@click.option("--reports", type=click.IntRange(0, 10_000_000), default=None,
              help="Comptes-rendus dans tous les états, la plupart à traiter (défaut : un pour 20 points, 50 000 au plus).")
@click.option("--technicians", type=click.IntRange(0, 100_000), default=40)
@with_appcontext
def generate_command(points: int, seed: int, batch: int, dossiers: int | None, orders_today: int | None,
                     reports: int | None, technicians: int):
    """Fill the database with N realistic delivery points (bulk inserts), then the activity of a day
    over them: dossiers, the day's orders, reports; statistics refreshed (ANALYZE) at the end."""
    from .services.base.activity_seeding import generate_activity
    from .services.base.seeding import generate_points
    with click.progressbar(length=points, label="Génération des points") as bar:
        state = {"done": 0}

        def progress(done: int):
            bar.update(done - state["done"])
            state["done"] = done
        generate_points(points, date.today(), seed=seed, batch=batch, progress=progress)
    click.echo(f"{points} points de livraison générés.")
    made = generate_activity(
        date.today(), dossiers=points // 100 if dossiers is None else dossiers,
        orders_today=min(points // 1000, 1000) if orders_today is None else orders_today,
        reports=min(points // 20, 50_000) if reports is None else reports, technicians=technicians, seed=seed)
    click.echo(f"{made['dossiers']} dossiers, {made['orders_today']} ordres du jour, "
               f"{made['reports']} comptes-rendus générés.")


@click.command("generate-day")
@click.option("--orders", type=click.IntRange(1, 100_000), default=400, help="Ordres non affectés à créer.")
@click.option("--technicians", type=click.IntRange(1, 1000), default=10, help="Techniciens au moins, créés au besoin.")
@click.option("--utility", type=click.Choice(["water", "electricity"]), default="water")
@click.option("--day", type=click.DateTime(["%Y-%m-%d"]), help="Jour planifié (aujourd'hui par défaut).")
@click.option("--seed", type=int, default=17)
@with_appcontext
def generate_day_command(orders: int, technicians: int, utility: str, day: datetime | None, seed: int):
    """A day of unassigned orders for the planner ("Proposer les tournées"), windows on a third."""
    from .services.base.planning_day import generate_day
    summary = generate_day(day.date() if day else date.today(), utility=utility, orders=orders,
                           technicians=technicians, seed=seed)
    click.echo(f"{summary['orders']} ordres à planifier sur {summary['points']} points, "
               f"{summary['technicians']} techniciens (mot de passe tournee2026 pour les nouveaux).")


@click.command("create-user")
@click.argument("login")
@click.option("--name", required=True)
@click.option("--role", type=click.Choice(["agent", "chief", "technician", "controller", "cashier", "admin"]),
              required=True)
@click.password_option()
@with_appcontext
def create_user_command(login: str, name: str, role: str, password: str):
    """Create a user."""
    from .services.base.accounts import create_user
    create_user(login, name, role, password)
    click.echo(f"Utilisateur {login} créé.")


@click.command("set-password")
@click.argument("login")
@click.password_option()
@with_appcontext
def set_password_command(login: str, password: str):
    """Change a user's password (their open sessions end)."""
    from .errors import DomainError
    from .services.base.accounts import change_password, user_by_login
    try:
        change_password(user_by_login(login).id, password, by=None, at=datetime.now(timezone.utc))
    except DomainError as refused:
        raise click.ClickException(refused.message) from None
    click.echo(f"Mot de passe de {login} changé ; ses sessions ouvertes sont fermées.")


@click.command("deactivate")
@click.argument("login")
@with_appcontext
def deactivate_command(login: str):
    """Deactivate a user: no sign-in, open sessions and tablets refused at their next request."""
    from .errors import DomainError
    from .services.base.accounts import set_active, user_by_login
    try:
        set_active(user_by_login(login).id, False, by=None, at=datetime.now(timezone.utc))
    except DomainError as refused:
        raise click.ClickException(refused.message) from None
    click.echo(f"Utilisateur {login} désactivé ; ses sessions et ses tablettes sont refusées.")


@click.command("serve")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=int)
@with_appcontext
def serve_command(host: str, port: int):
    """Embedded default: migrate, load the demo data when empty, then serve office and tablet app."""
    from flask import current_app
    from flask_migrate import upgrade
    upgrade()
    load_demo_command.callback(if_empty=True, today=None)
    from .embedded_server import serve
    app = current_app._get_current_object()
    db.session.remove()
    db.engine.dispose()  # the workers open their own connections; none is shared across the fork
    click.echo(f"Tournée sur http://{host}:{port}/ (bureau) et http://{host}:{port}/app/ (tablette)")
    _start_periodic_tick(app)  # in the master process only: one tick whatever the number of workers
    serve(app, host=host, port=port, workers=app.config["SERVE_WORKERS"], threads=app.config["SERVE_THREADS"])


@click.command("tick")
@click.option("--now", "now_text", help="Instant de référence ISO 8601 (ex. 2026-12-05T08:00), UTC par défaut.")
@with_appcontext
def tick_command(now_text: str | None):
    """Run the procedures' timers due at NOW (W8, W19, E10); idempotent."""
    from datetime import timezone
    from .metrics import observe_tick
    from .services.dossiers.timelines import tick
    try:
        now = datetime.fromisoformat(now_text) if now_text else datetime.now(timezone.utc)
    except ValueError:
        raise click.BadParameter("format attendu : AAAA-MM-JJTHH:MM", param_hint="--now")
    now = now if now.tzinfo else now.replace(tzinfo=timezone.utc)
    with observe_tick():
        done = tick(now)  # the administered business calendar (W19)
    labels = {"reminders": "relances", "analysis_tasks": "tâches d'analyse", "letters": "courriers 1-70",
              "closures": "ordres CEO11", "removals": "ordres de dépose", "taken_over": "dossiers repris"}
    summary = ", ".join(f"{labels.get(k, k)} : {v}" for k, v in sorted(done.items())) or "rien à faire"
    click.echo(f"Échéances au {now.isoformat(timespec='minutes')} — {summary}.")


def _start_periodic_tick(app: Flask):
    """Embedded default: a daemon thread runs the timers every TICK_INTERVAL_SECONDS (300 s by default;
    TOURNEE_TICK_INTERVAL=0 turns it off where cron runs `tournee tick`). Returns the thread's stop event."""
    import logging
    import threading
    from datetime import timezone
    interval = float(app.config.get("TICK_INTERVAL_SECONDS") or 0)
    if interval <= 0:
        return None
    stop = threading.Event()

    def loop():
        from .metrics import observe_tick
        from .services.dossiers.timelines import tick
        while not stop.wait(interval):
            with app.app_context():
                try:
                    with observe_tick():
                        tick(datetime.now(timezone.utc))
                except Exception:  # keep serving; the next round retries
                    logging.getLogger("tournee.tick").exception("periodic tick failed")
                finally:
                    db.session.remove()
    threading.Thread(target=loop, name="tournee-tick", daemon=True).start()
    return stop


@click.command("backup")
@click.argument("dest", type=click.Path(file_okay=False))
@with_appcontext
def backup_command(dest: str):
    """Consistent copy of the database and the blobs into DEST, with a manifest (server may be running)."""
    from datetime import timezone
    from flask import current_app
    from .services.operations.backups import BackupError, backup_instance
    try:
        manifest = backup_instance(dest, current_app.config["BLOB_DIR"], datetime.now(timezone.utc))
    except BackupError as err:
        raise click.ClickException(str(err))
    reports = manifest["tables"].get("reports")
    click.echo(f"Sauvegarde {manifest['backend']} dans {dest} : {reports} comptes-rendus, "
               f"{len(manifest['blobs'])} fichiers, révision {manifest['schema_revision']}.")


@click.command("restore")
@click.argument("src", type=click.Path(exists=True, file_okay=False))
@with_appcontext
def restore_command(src: str):
    """Bring the backup SRC back onto this empty instance (database and blobs), then verify it."""
    from flask import current_app
    from .services.operations.backups import BackupError, restore_instance
    try:
        restored = restore_instance(src, current_app.config["BLOB_DIR"])
    except BackupError as err:
        raise click.ClickException(str(err))
    click.echo(f"Restauré ({restored.backend}) : {restored.tables.get('reports')} comptes-rendus, "
               f"{restored.blobs} fichiers.")
    verify_command.callback(against=src)


@click.command("verify")
@click.option("--against", type=click.Path(exists=True, file_okay=False),
              help="Dossier de sauvegarde : vérifier aussi qu'aucune table n'a moins de lignes que dans la copie.")
@with_appcontext
def verify_command(against: str | None):
    """Check every report's seal, every blob a report names (present, right hash) and count every table."""
    from flask import current_app
    from .services.operations.backups import BackupError, read_manifest
    from .services.operations.integrity import verify_instance
    try:
        expected = read_manifest(against)["tables"] if against else None
    except BackupError as err:
        raise click.ClickException(str(err))
    result = verify_instance(current_app.config["BLOB_DIR"], expected)
    for name, count in sorted(result.tables.items()):
        click.echo(f"  {name:<28} {'absente' if count is None else count}")
    click.echo(f"Comptes-rendus vérifiés : {result.reports}, contenu altéré : {len(result.altered_reports)}")
    click.echo(f"Sceaux vérifiés : {result.seals}, rompus : {len(result.broken_seals)}")
    click.echo(f"Fichiers cités : {result.blobs_named}, attendus de la tablette : {result.blobs_awaited}, "
               f"absents : {len(result.missing_blobs)}, abîmés : {len(result.damaged_blobs)}")
    for uuid in result.altered_reports[:20]:
        click.echo(f"  contenu altéré : compte-rendu {uuid}")
    for uuid in result.broken_seals[:20]:
        click.echo(f"  sceau rompu : compte-rendu {uuid}")
    for sha in (result.missing_blobs + result.damaged_blobs)[:20]:
        click.echo(f"  fichier en défaut : {sha}")
    for name, (expected_count, found) in sorted(result.count_differences.items()):
        click.echo(f"  table {name} : {found} lignes, {expected_count} dans la sauvegarde")
    if not result.ok:
        raise click.ClickException("Vérification en échec.")
    click.echo("Vérification réussie.")


@click.command("import")
@click.argument("kind", type=click.Choice(["communes", "tariffs", "customers", "points", "contacts", "meters",
                                          "readings", "contracts"]))
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Vérifier le fichier sans rien importer.")
@click.option("--batch", type=click.IntRange(100, 50_000), default=2000, help="Lignes par lot.")
@with_appcontext
def import_command(kind: str, path: str, dry_run: bool, batch: int):
    """Import a file (CSV or XLSX) of the utility's own data: all or nothing, idempotent."""
    from datetime import timezone
    from .errors import DomainError
    from .services.own_data.importer import run_import
    with click.progressbar(length=1000, label=f"Import {kind}", show_percent=True) as bar:
        state = {"done": 0}

        def progress(fraction: float):
            reached = int(fraction * 1000)
            bar.update(reached - state["done"])
            state["done"] = reached
        try:
            result = run_import(kind, path, user=None, now=datetime.now(timezone.utc), dry_run=dry_run,
                                progress=progress, batch=batch)
        except DomainError as err:
            raise click.ClickException(err.message)
    _echo_import_result(result)
    if not result.ok:
        raise SystemExit(1)


def _echo_import_result(result) -> None:
    click.echo(f"Fichier : {result.file_description}")
    if result.ignored_columns:
        click.echo("Colonnes ignorées : " + ", ".join(result.ignored_columns))
    click.echo(f"Lignes : {result.rows} — créées : {result.created}, mises à jour : {result.updated}, "
               f"inchangées : {result.unchanged}, refusées : {result.refused}")
    for problem in result.problems:
        column = f", colonne {problem.column}" if problem.column else ""
        click.echo(f"  ligne {problem.line}{column} : {problem.reason}", err=True)
    if result.problems_total > len(result.problems):
        click.echo(f"  … et {result.problems_total - len(result.problems)} autres problèmes", err=True)
    if result.dry_run:
        click.echo("Essai à blanc : rien n'a été importé." if result.ok else
                   "Essai à blanc : le fichier serait refusé en entier.")
    elif result.committed:
        click.echo("Import terminé.")
    else:
        click.echo("Fichier refusé : rien n'a été importé (tout ou rien).", err=True)


@click.command("create-integration-client")
@click.argument("name")
@click.option("--scope", "scopes", multiple=True, required=True,
              type=click.Choice(["readings", "terminations", "invoices", "points", "payments"]),
              help="Export que le client peut lire (répétable).")
@with_appcontext
def create_integration_client_command(name: str, scopes: tuple[str, ...]):
    """Create an integration client of the export feed; prints its token once."""
    from datetime import timezone
    from .errors import DomainError
    from .services.own_data.export_feed import create_integration_client
    try:
        token = create_integration_client(name, list(scopes), now=datetime.now(timezone.utc))
    except DomainError as err:
        raise click.ClickException(err.message)
    click.echo(f"Client d'intégration {name} créé ({', '.join(sorted(scopes))}). Jeton (affiché une seule fois) :")
    click.echo(token)


@click.command("purge")
@click.option("--dry-run", is_flag=True, help="Lister les clients concernés sans rien modifier.")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), help="Jour de référence (aujourd'hui par défaut).")
@with_appcontext
def purge_command(dry_run: bool, today: datetime | None):
    """W24: pseudonymise the customers whose contracts all ended longer ago than TOURNEE_RETENTION_DAYS."""
    from datetime import timezone
    from flask import current_app
    from .services.own_data.retention import purge_personal_data
    days = current_app.config["RETENTION_DAYS"]
    day = today.date() if today else date.today()
    result = purge_personal_data(day, days, now=datetime.now(timezone.utc), dry_run=dry_run)
    click.echo(f"Conservation : {days} jours après la fin du dernier contrat. Clients concernés : {result.due}.")
    for ref, end in result.listed:
        click.echo(f"  {ref} (dernier contrat terminé le {end:%d/%m/%Y})")
    if result.due > len(result.listed):
        click.echo(f"  … et {result.due - len(result.listed)} autres")
    click.echo("Essai à blanc : rien n'a été modifié." if dry_run else
               f"{result.pseudonymised} clients pseudonymisés (montants, dates, index et sceaux conservés).")

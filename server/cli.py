"""The `tournee` command: Flask's CLI of create_app plus the project's own commands."""
from datetime import date, datetime

import click
from flask import Flask
from flask.cli import FlaskGroup, with_appcontext
from werkzeug.serving import run_simple

from .extensions import db


def _create_app():
    from . import create_app
    return create_app()


def main() -> None:
    """Entry point of the `tournee` console script."""
    cli = FlaskGroup(create_app=_create_app, add_default_commands=True, add_version_option=False,
                     load_dotenv=False, help="Tournée : commandes d'exploitation.")
    cli.main(prog_name="tournee")


def register_commands(app: Flask) -> None:
    for command in (load_demo_command, generate_command, create_user_command, serve_command):
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
    from .services.seeding import database_is_empty, demo_accounts, load_demo
    if not database_is_empty():
        if if_empty:
            click.echo("Base déjà remplie : données de démonstration non rechargées.")
            _print_demo_accounts(demo_accounts())
            return
        raise click.ClickException("La base contient déjà des données ; utilisez une base vide.")
    summary = load_demo(today.date() if today else date.today())
    click.echo(f"Données de démonstration chargées : {summary['points']} points de livraison.")
    _print_demo_accounts(summary)


@click.command("generate")
@click.option("--points", type=click.IntRange(1, 10_000_000), required=True, help="Nombre de points à créer.")
@click.option("--seed", type=int, default=7)
@click.option("--batch", type=click.IntRange(100, 100_000), default=5000)
@with_appcontext
def generate_command(points: int, seed: int, batch: int):
    """Fill the database with N realistic delivery points (bulk inserts)."""
    from .services.seeding import generate_points
    with click.progressbar(length=points, label="Génération des points") as bar:
        state = {"done": 0}

        def progress(done: int):
            bar.update(done - state["done"])
            state["done"] = done
        generate_points(points, date.today(), seed=seed, batch=batch, progress=progress)
    click.echo(f"{points} points de livraison générés.")


@click.command("create-user")
@click.argument("login")
@click.option("--name", required=True)
@click.option("--role", type=click.Choice(["agent", "chief", "technician", "controller", "cashier", "admin"]),
              required=True)
@click.password_option()
@with_appcontext
def create_user_command(login: str, name: str, role: str, password: str):
    """Create a user."""
    from .services.accounts import create_user
    create_user(login, name, role, password)
    click.echo(f"Utilisateur {login} créé.")


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
    click.echo(f"Tournée sur http://{host}:{port}/ (bureau) et http://{host}:{port}/app/ (tablette)")
    run_simple(host, port, current_app._get_current_object(), threaded=True, use_reloader=False)

"""The `tournee` console script: Flask's CLI of create_app, with the commands of `cli` that it registers."""
from flask.cli import FlaskGroup

from . import create_app


def main() -> None:
    cli = FlaskGroup(create_app=create_app, add_default_commands=True, add_version_option=False,
                     load_dotenv=False, help="Tournée : commandes d'exploitation.")
    cli.main(prog_name="tournee")

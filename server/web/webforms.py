"""flask-wtf form classes of the office (CSRF on every one)."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import HiddenField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length


class LoginForm(FlaskForm):
    login = StringField("Identifiant", validators=[DataRequired("Identifiant requis."), Length(max=64)])
    password = PasswordField("Mot de passe", validators=[DataRequired("Mot de passe requis."), Length(max=256)])
    next = HiddenField()


class SearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search changes nothing

    q = StringField("Rechercher", validators=[Length(max=120)])


class ConfirmForm(FlaskForm):
    """An empty form for POST buttons: it carries the CSRF token."""


class TaskFinishForm(ConfirmForm):
    """Finishing a task: the page to go back to (a local path, checked by the view)."""
    next = HiddenField()


class CountersignCodeForm(FlaskForm):
    """A chief's countersignature code for the tablet (PROTOCOL §8), confirmed by their password."""
    code = PasswordField("Nouveau code", validators=[DataRequired("Code requis."), Length(max=64)])
    confirm = PasswordField("Confirmer le code", validators=[DataRequired("Confirmation requise."), Length(max=64),
                                                             EqualTo("code", "Les deux saisies du code diffèrent.")])
    password = PasswordField("Mot de passe actuel", validators=[DataRequired("Mot de passe requis."), Length(max=256)])


IMPORT_KINDS = [("communes", "Communes"), ("customers", "Clients"), ("points", "Points de livraison"),
                ("meters", "Compteurs"), ("readings", "Historique des relevés"), ("contracts", "Contrats")]


class ImportUploadForm(FlaskForm):
    """An import file (CSV or XLSX) of the utility's own data and its kind; checked by a dry run first."""
    kind = SelectField("Données", choices=[SelectChoice(value, label) for value, label in IMPORT_KINDS])
    file = FileField("Fichier (CSV ou XLSX)", validators=[FileRequired("Choisissez un fichier."),
                                                         FileAllowed(["csv", "txt", "xlsx"],
                                                                     "Fichier CSV ou XLSX attendu.")])

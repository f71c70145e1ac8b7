"""flask-wtf form classes of the office (CSRF on every one)."""
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField
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

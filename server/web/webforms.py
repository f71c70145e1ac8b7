"""flask-wtf form classes of the office (CSRF on every one)."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, DateField, HiddenField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Optional, Regexp


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


IMPORT_KINDS = [("communes", "Communes"), ("tariffs", "Tarifs"), ("customers", "Clients"),
                ("points", "Points de livraison"), ("contacts", "Contacts des points (propriétaires…)"),
                ("meters", "Compteurs"), ("readings", "Historique des relevés"),
                ("contracts", "Contrats")]


class ImportUploadForm(FlaskForm):
    """An import file (CSV or XLSX) of the utility's own data and its kind; checked by a dry run first."""
    kind = SelectField("Données", choices=[SelectChoice(value, label) for value, label in IMPORT_KINDS])
    file = FileField("Fichier (CSV ou XLSX)", validators=[FileRequired("Choisissez un fichier."),
                                                         FileAllowed(["csv", "txt", "xlsx"],
                                                                     "Fichier CSV ou XLSX attendu.")])


NUMBER = Regexp(r"^\d{1,8}([.,]\d{1,4})?$", message="Nombre attendu (ex. 2,10).")


class CommuneForm(FlaskForm):
    """A commune's services and travel-fee rule (W1, W4)."""
    name = StringField("Nom", validators=[DataRequired("Nom requis."), Length(max=120)])
    runs_water = BooleanField("Eau")
    runs_sewage = BooleanField("Assainissement")
    runs_electricity = BooleanField("Électricité")
    travel_fee_allowed = BooleanField("Frais de déplacement facturables")
    travel_fee_amount = StringField("Montant des frais de déplacement", validators=[Optional(), NUMBER])
    water_manager = StringField("Gestionnaire de l'eau (assainissement seul)", validators=[Optional(), Length(max=200)])


class TariffForm(FlaskForm):
    """A new tariff with its first day of validity."""
    service = SelectField("Service", choices=[SelectChoice("water", "Eau"), SelectChoice("sewage", "Assainissement"),
                                              SelectChoice("electricity", "Électricité")])
    valid_from = DateField("En vigueur à partir du", validators=[DataRequired("Date requise (JJ/MM/AAAA).")])
    unit_price = StringField("Prix unitaire (m³ ou kWh)", validators=[DataRequired("Prix requis."), NUMBER])
    subscription_per_year = StringField("Abonnement annuel", validators=[DataRequired("Abonnement requis."), NUMBER])
    vat_rate = StringField("Taux de TVA (ex. 0,055)", validators=[DataRequired("Taux requis."), NUMBER])


class UserCreateForm(FlaskForm):
    """A new user: role, utility and section (their chief); a temporary password is shown once."""
    login = StringField("Identifiant", validators=[DataRequired("Identifiant requis."), Length(max=64)])
    name = StringField("Nom", validators=[DataRequired("Nom requis."), Length(max=120)])
    role = SelectField("Rôle", choices=[SelectChoice(v, l) for v, l in (
        ("agent", "Agent clientèle"), ("chief", "Chef de section"), ("technician", "Technicien"),
        ("controller", "Contrôle factures"), ("cashier", "Caissier"), ("admin", "Administrateur"))])
    utility = SelectField("Métier", choices=[SelectChoice("", "Les deux"), SelectChoice("water", "Eau"),
                                             SelectChoice("electricity", "Électricité")])
    chief_id = SelectField("Section (chef)", choices=[], validate_choice=False)


class PasswordChangeForm(FlaskForm):
    current = PasswordField("Mot de passe actuel", validators=[DataRequired("Mot de passe requis."), Length(max=256)])
    new = PasswordField("Nouveau mot de passe", validators=[DataRequired("Nouveau mot de passe requis."),
                                                            Length(max=256)])
    confirm = PasswordField("Confirmer", validators=[DataRequired("Confirmation requise."),
                                                     EqualTo("new", "Les deux saisies diffèrent.")])


class DeviceNameForm(FlaskForm):
    """The name a chief gives a tablet."""
    name = StringField("Nom de la tablette", validators=[DataRequired("Nom requis."), Length(max=120)])


class CalendarDayForm(FlaskForm):
    """A day off added to (or a holiday removed from) the business calendar of one year (W19)."""
    year = HiddenField(validators=[DataRequired("Année requise."), Regexp(r"^\d{4}$", message="Année invalide.")])
    day = DateField("Date", validators=[DataRequired("Date requise (JJ/MM/AAAA).")])
    label = StringField("Libellé (ex. pont, fête locale)", validators=[Optional(), Length(max=120)])


class CalendarSettingForm(FlaskForm):
    """W19: the timers count working days or calendar days."""
    calendar = SelectField("Décompte des délais du logement vacant", choices=[
        SelectChoice("fr-working-days", "Jours ouvrés (hors week-ends et jours fériés)"),
        SelectChoice("calendar-days", "Jours calendaires (tous les jours comptent)")])

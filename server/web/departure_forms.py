"""flask-wtf forms of the departure procedures: intake (water, electricity), dossier actions, order filters."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, HiddenField, IntegerField, RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Length, NumberRange, Optional, Regexp

from ..labels import LABELS

OPTIONAL_DATE = [Optional()]
ARRIVAL_SOURCES = ("predecessor", "third_party", "field")  # W14: the ASI branch when the successor is known
EMAIL = Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message="E-mail invalide.")
CONTACT_ROLES = (("owner", "Propriétaire"), ("manager", "Gestionnaire / syndic"), ("agency", "Agence immobilière"),
                 ("notary", "Notaire"), ("landlord", "Bailleur social (HLM)"))


def options(pairs) -> list[SelectChoice]:
    """Choices as wtforms 3.3 wants them (tuples are deprecated)."""
    return [SelectChoice(value, label) for value, label in pairs]


def _text(label: str, size: int = 200, *validators):
    return StringField(label, validators=[Optional(), Length(max=size), *validators])


class WaterDepartureForm(FlaskForm):
    kind = RadioField("Type de demande", default="immediate", validators=[DataRequired("Choisir le type de demande.")],
                      choices=options([("announced", "Départ annoncé à l'avance (dossier DSI)"),
                                       ("immediate", "Départ immédiat (le client part ou est parti, index connu)"),
                                       ("unannounced", "Départ non signalé (client parti sans prévenir, aucun nouvel occupant)"),
                                       ("newcomer", "Départ signalé par le nouvel occupant (mutation)"),
                                       ("contest", "Contestation de la facturation poursuivie après le départ")]))
    departure_on = DateField("Date de départ (prévisionnelle, ou de l'état des lieux / remise des clés / vente)",
                             validators=OPTIONAL_DATE)
    index = IntegerField("Index de départ communiqué par le client", validators=[Optional(), NumberRange(min=0)])
    proof = SelectField("Justificatif du client", default="none",
                        choices=options([("none", "Aucun"), ("inventory", "État des lieux avec date et index"),
                                 ("photo", "Photo du compteur horodatée")]))
    email = _text("E-mail du client", 254, EMAIL)
    mobile = _text("Mobile du client", 32)
    new_address = _text("Nouvelle adresse (envoi de la facture d'arrêt de compte)", 255)
    iban = _text("IBAN pour un éventuel remboursement", 34)
    owner_role = SelectField("Qualité", choices=options(CONTACT_ROLES), default="owner")
    owner_name = _text("Nom du propriétaire / gestionnaire")
    owner_phone = _text("Téléphone", 32)
    owner_email = _text("E-mail", 254, EMAIL)
    owner_verified = BooleanField("Coordonnées connues du propriétaire / gestionnaire vérifiées avec le client")
    successor_name = _text("Nom et prénom du successeur / nouvel occupant")
    successor_phone = _text("Téléphone du successeur", 32)
    successor_email = _text("E-mail du successeur", 254, EMAIL)
    successor_source = SelectField("Successeur connu par (branche de l'arrivée)", default="predecessor",
                                   validate_choice=False,
                                   validators=[AnyOf(ARRIVAL_SOURCES, message="Choisir qui a fait connaître le successeur.")],
                                   choices=options([("predecessor", "Information par le prédécesseur (le client sortant)"),
                                                    ("third_party", "Information par un tiers (propriétaire, agence, notaire…)"),
                                                    ("field", "Information du terrain (constaté sur place)")]))
    reading_choice = SelectField("Si le relevé ne peut pas être retenu", default="",
                                 choices=options([("", "—"), ("photo", "Le client envoie une photo horodatée du compteur"),
                                          ("appointment", "Rendez-vous de relevé par un agent")]))
    appointment_on = DateField("Date du rendez-vous de relevé", validators=OPTIONAL_DATE)
    dsi_id = HiddenField()


class ElectricityTerminationForm(FlaskForm):
    kind = RadioField("Type de demande", default="classic", validators=[DataRequired("Choisir le type de demande.")],
                      choices=options([("takeover", "Résiliation avec reprise par un successeur (mutation)"),
                               ("classic", "Résiliation classique (interruption et relevé)"),
                               ("anticipated", "Résiliation anticipée (date de coupure)")]))
    termination_on = DateField("Date de résiliation / de coupure", validators=OPTIONAL_DATE)
    index = IntegerField("Index de mutation", validators=[Optional(), NumberRange(min=0)])
    index_confirmed = BooleanField("Index inhabituel vérifié avec les deux clients")
    requester_name = _text("Nom du demandeur")
    requester_identity = _text("Pièce d'identité du demandeur (type et numéro)", 64)
    successor_ref = _text("Référence client du repreneur (s'il existe déjà)", 20)
    successor_name = _text("Nom du repreneur")
    successor_identity = _text("Pièce d'identité du repreneur", 64)
    successor_phone = _text("Téléphone du repreneur", 32)
    successor_email = _text("E-mail du repreneur", 254, EMAIL)


class PostponeForm(FlaskForm):
    new_date = DateField("Nouvelle date de départ", validators=[DataRequired("Date requise.")])


class PhotoReadingForm(FlaskForm):
    index = IntegerField("Index lu sur la photo", validators=[DataRequired("Index requis."), NumberRange(min=0)])
    photo_on = DateField("Date et heure de la photo (jour)", validators=[DataRequired("Date requise.")])


class DossierFilterForm(FlaskForm):
    class Meta:
        csrf = False

    type = SelectField("Type", default="", choices=options([("", "Tous"), *LABELS["dossier_type"].items()]), validators=[Optional()])
    state = SelectField("État", default="open", choices=options([("", "Tous"), ("open", "Ouvert"), ("closed", "Clos"),
                                                          ("treated", "Traité"), ("cancelled", "Annulé")]),
                        validators=[Optional()])
    late = BooleanField("En retard sur leur calendrier")


class OrderFilterForm(FlaskForm):
    class Meta:
        csrf = False

    type = SelectField("Type", default="", validators=[Optional()], choices=options([
        ("", "Tous"), ("READING", "Relevé d'index"), ("CUTOFF", "Interruption et relevé"), ("REMOVAL", "Dépose"),
        ("CLOSURE", "Fermeture de branchement"), ("INVESTIGATION", "Enquête client")]))
    state = SelectField("État", default="", validators=[Optional()], choices=options([
        ("", "Tous"), ("issued", "Émis"), ("assigned", "Affecté"), ("reported", "Compte-rendu reçu"),
        ("countersigned", "Contresigné"), ("closed", "Clos"), ("cancelled", "Annulé")]))
    commune = SelectField("Commune", default="", validators=[Optional()], choices=options([("", "Toutes")]))
    date_from = DateField("Prévu du", validators=OPTIONAL_DATE)
    date_to = DateField("au", validators=OPTIONAL_DATE)
    assignee = SelectField("Technicien", default="", validators=[Optional()], choices=options([("", "Tous"), ("0", "Non affecté")]))


class RequesterSignatureForm(FlaskForm):
    """E2: the requester signs the order once it exists: printed order brought back, or on the counter's screen."""
    method = HiddenField(validators=[AnyOf(("printed", "drawn"), message="Choisir comment le demandeur a signé.")])
    typed_ref = StringField("N° de l'ordre imprimé rapporté signé", validators=[Optional(), Length(max=20)])
    strokes = HiddenField(validators=[Optional(), Length(max=60000)])


class TransferForm(FlaskForm):
    """W11: the transfer to the newcomer, at the index read on the transfer day."""
    index = IntegerField("Index de mutation", validators=[DataRequired("Index de mutation requis."), NumberRange(min=0)])
    on = DateField("Date de la mutation", validators=[DataRequired("Date requise.")])
    index_confirmed = BooleanField("Index inhabituel vérifié avec les deux clients")

"""flask-wtf forms of invoice control, the cashier's counter, refunds by transfer, indicators and batch printing."""
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional


class InvoiceSearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search changes nothing

    q = StringField("N° de facture, de contrat ou nom du client", validators=[Optional(), Length(max=120)])


class RefundForm(FlaskForm):
    """E3: the person at the counter states their name and identity document number."""
    payee_name = StringField("Nom et prénom du bénéficiaire",
                             validators=[DataRequired("Nom du bénéficiaire requis."), Length(max=200)])
    payee_identity = StringField("N° de la pièce d'identité présentée",
                                 validators=[DataRequired("Numéro de pièce d'identité requis."), Length(max=64)])


class BankDetailsForm(FlaskForm):
    """The customer's bank details recorded on the contract, from their RIB (services.closing.transfers); the refund
    by transfer itself is a confirmation (webforms.ConfirmForm): it goes to the IBAN on file."""
    iban = StringField("Nouvel IBAN du client (relevé d'identité bancaire)",
                       validators=[DataRequired("IBAN requis."), Length(max=50)])


class TransfersPeriodForm(FlaskForm):
    class Meta:
        csrf = False  # a GET that changes nothing

    since = DateField("Du", validators=[Optional()])
    until = DateField("Au", validators=[Optional()])


class RefuseInvoiceForm(FlaskForm):
    reason = StringField("Motif du refus", validators=[DataRequired("Motif requis."), Length(max=500)])


class PrintDayForm(FlaskForm):
    class Meta:
        csrf = False  # a GET that changes nothing

    date = DateField("Jour", validators=[DataRequired("Jour requis (AAAA-MM-JJ).")])


class IndicatorsForm(FlaskForm):
    class Meta:
        csrf = False

    months = IntegerField("Mois", validators=[Optional(), NumberRange(1, 36)])


class ContractNumberForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search changes nothing

    number = StringField("N° de contrat", validators=[Optional(), Length(max=20)])


class PrepaymentForm(FlaskForm):
    """E1: a payment on account (no suspension of supply): the amount and who pays it."""
    amount = StringField("Montant versé", validators=[DataRequired("Montant requis."), Length(max=20)])
    payer_name = StringField("Nom et prénom du payeur", validators=[DataRequired("Nom du payeur requis."),
                                                                     Length(max=200)])
    payer_identity = StringField("N° de la pièce d'identité présentée", validators=[Optional(), Length(max=64)])

"""flask-wtf forms of the chief's board and of the report review (CSRF on every one)."""
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, IntegerField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, Optional, Regexp

TIME = Regexp(r"^([01]\d|2[0-3]):[0-5]\d$", message="Heure au format HH:MM.")


class DayForm(FlaskForm):
    class Meta:
        csrf = False  # a GET that changes nothing

    day = DateField("Jour", validators=[Optional()])
    technician = IntegerField("Technicien", validators=[Optional()])  # one technician's round, its columns paged


class AssignForm(FlaskForm):
    technician_id = IntegerField("Technicien", validators=[Optional()])  # empty: take the order back


class MoveForm(FlaskForm):
    step = IntegerField("Sens", validators=[DataRequired(), AnyOf([-1, 1])])
    day = DateField("Jour", validators=[Optional()])


class WindowForm(FlaskForm):
    start = StringField("Début", validators=[Optional(), TIME])
    end = StringField("Fin", validators=[Optional(), TIME])


class ReasonForm(FlaskForm):
    reason = TextAreaField("Motif", validators=[DataRequired("Motif requis."), Length(max=500)])


class CountersignForm(FlaskForm):
    signer_name = StringField("Nom du signataire", validators=[DataRequired("Nom requis."), Length(max=120)])
    strokes = HiddenField("Signature", validators=[DataRequired("Signez dans le cadre."), Length(max=60000)])


class BatchCountersignForm(CountersignForm):
    """One drawn signature for the reports the chief judged clean (their ids, comma separated)."""
    ids = HiddenField("Comptes-rendus", validators=[DataRequired("Aucun compte-rendu jugé bon."), Regexp(r"^\d+(,\d+){0,199}$")])

    def report_ids(self) -> list[int]:
        return [int(i) for i in self.ids.data.split(",")]


class CorrectForm(FlaskForm):
    field_id = StringField("Champ", validators=[DataRequired(), Length(max=64)])
    value = StringField("Nouvelle valeur", validators=[Length(max=500)])
    reason = TextAreaField("Motif de la correction", validators=[DataRequired("Motif requis."), Length(max=500)])

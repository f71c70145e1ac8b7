"""flask-wtf forms of the board's planner (issue 17)."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, FloatField, IntegerField, StringField
from wtforms.validators import DataRequired, NumberRange, Optional

from .review_forms import TIME


class ProposeForm(FlaskForm):
    day = DateField("Jour", validators=[DataRequired()])
    allow_moving = BooleanField("Autoriser à déplacer les ordres déjà sur les tablettes")
    replan = BooleanField("Replanifier")


class AcceptForm(FlaskForm):
    technician_id = IntegerField("Technicien", validators=[Optional()])  # empty: every round
    day = DateField("Jour", validators=[Optional()])


class DismissForm(FlaskForm):
    day = DateField("Jour", validators=[Optional()])


class TechnicianDayForm(FlaskForm):
    work_start = StringField("Début de journée", validators=[Optional(), TIME])
    work_end = StringField("Fin de journée", validators=[Optional(), TIME])
    start_lat = FloatField("Latitude du départ", validators=[Optional(), NumberRange(-90, 90)])
    start_lon = FloatField("Longitude du départ", validators=[Optional(), NumberRange(-180, 180)])
    arpnt = BooleanField("Habilité ARPNT (déposes de compteur)")
    round_cap = IntegerField("Visites au plus par jour", validators=[Optional(), NumberRange(1, 500)])
    day = DateField("Jour", validators=[Optional()])

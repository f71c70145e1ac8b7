"""flask-wtf forms of the board's planner (issue 17)."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField
from wtforms.validators import DataRequired, Optional


class ProposeForm(FlaskForm):
    day = DateField("Jour", validators=[DataRequired()])
    allow_moving = BooleanField("Autoriser à déplacer les ordres déjà sur les tablettes")
    replan = BooleanField("Replanifier")


class AcceptForm(FlaskForm):
    technician_id = IntegerField("Technicien", validators=[Optional()])  # empty: every round
    day = DateField("Jour", validators=[Optional()])


class DismissForm(FlaskForm):
    day = DateField("Jour", validators=[Optional()])

"""Who is signed in on the office pages: Flask-Login's manager, bound by create_app."""
from flask_login import LoginManager

login_manager = LoginManager()

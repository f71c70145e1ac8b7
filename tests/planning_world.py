"""A day to plan for the planner's tests (issue 17): six unassigned water orders on demo points, two of
them with an appointment window, and an electricity reading, issued the way the office issues them."""
from sqlalchemy import select

from server.extensions import db
from server.models import DeliveryPoint
from server.services.dossiers.orders import issue_order
from server.services.field import dispatch
from tests.review_reports import NOW, user

UNASSIGNED_WATER = ("P00000030", "P00000031", "P00000033", "P00000034", "P00000037", "P00000038")
WINDOWS = {"P00000030": ("09:00", "10:30"), "P00000037": ("14:00", "16:00")}


def point(ref: str) -> DeliveryPoint:
    return db.session.scalar(select(DeliveryPoint).where(DeliveryPoint.ref == ref))


def issue_day_to_plan() -> dict[str, int]:
    """Point ref -> order id of the orders left for the chief to plan today."""
    issued = {}
    for ref in UNASSIGNED_WATER + ("P00000164",):
        order = issue_order("INVESTIGATION" if ref == "P00000033" else "READING", point(ref), now=NOW, planned_date=NOW.date())
        db.session.commit()
        issued[ref] = order.id
    for ref, (start, end) in WINDOWS.items():
        dispatch.set_window_times(issued[ref], start, end, chief=user("chef.eau"), now=NOW)
    return issued

"""The domain model, one module per aggregate; importing this package registers every table."""
from .audit import AuditEntry, Counter
from .billing import Invoice, Payment
from .calendar import CalendarDay, CalendarSetting
from .communications import Communication, Letter
from .contracts import Contract
from .devices import BlobUpload, Device
from .dossiers import Dossier, DossierEvent, Task
from .exports import ExportEvent, IntegrationClient
from .network import Commune, DeliveryPoint, Meter, PointContact, Reading, Tariff
from .orders import Order
from .people import CountersignGuesses, Customer, LoginAttempt, User
from .planning import RoundProposal
from .prepayments import Prepayment
from .reports import Countersignature, QuarantinedReport, Report, ReportVersion

__all__ = [
    "AuditEntry", "Counter", "Invoice", "Payment", "Communication", "Letter", "Contract", "Device",
    "CalendarDay", "CalendarSetting", "Dossier", "DossierEvent", "Task", "ExportEvent", "IntegrationClient", "Commune", "DeliveryPoint", "Meter", "PointContact", "Reading",
    "Tariff", "Order", "Customer", "LoginAttempt", "User", "QuarantinedReport", "Report",
    "Countersignature", "ReportVersion", "Prepayment", "RoundProposal", "BlobUpload", "CountersignGuesses",
]

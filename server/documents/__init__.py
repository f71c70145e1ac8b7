"""Printable documents (French): reportlab renderers that take plain dataclasses and return PDF bytes.

Nothing here reads the database: services build the dataclasses, these modules only draw them.
"""
from .contracts import ContractDocument, render_contract_pdf
from .invoices import InvoiceDocument, InvoiceLine, render_invoice_pdf
from .letters import LetterDocument, render_letter_pdf
from .orders import OrderDocument, render_order_pdf, render_orders_pdf
from .reports import (ReportAnswer, ReportDocument, ReportPhoto, ReportSignature, render_report_pdf)

__all__ = ["ContractDocument", "render_contract_pdf", "InvoiceDocument", "InvoiceLine", "render_invoice_pdf", "LetterDocument", "render_letter_pdf",
           "OrderDocument", "render_order_pdf", "render_orders_pdf", "ReportAnswer", "ReportDocument",
           "ReportPhoto", "ReportSignature", "render_report_pdf"]

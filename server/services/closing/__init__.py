"""Closing a contract and the money: terminations, closing and balance invoices, their control, the
cashier and refunds by transfer."""

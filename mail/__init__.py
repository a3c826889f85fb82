"""E-mail notifications: templates and delivery (aiosmtplib)."""

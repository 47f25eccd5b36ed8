"""Time-based one-time codes (RFC 6238, via pyotp) for two-factor logins: 6 digits, 30-second steps."""

from __future__ import annotations

import pyotp

ISSUER = "contactnotes"


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str) -> str:
    """The otpauth:// URI an authenticator app reads (from a QR code, or pasted)."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def verify(secret: str, code: str) -> bool:
    """The current code, or the one just before or after it (clocks drift; a code typed late still works)."""
    return code.isascii() and code.isdigit() and pyotp.TOTP(secret).verify(code, valid_window=1)


def current_code(secret: str) -> str:
    return pyotp.TOTP(secret).now()

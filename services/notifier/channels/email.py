"""Email channel: aiosmtplib with no TLS, STARTTLS or implicit TLS; alerts and digests.

Every mail carries List-Unsubscribe (URL, optional mailto) with One-Click POST and an
unsubscribe link in both parts. An unreachable server is a RetryableError (the caller keeps the
alert queued); a refused login is a ChannelAuthError; a refused address is a PermanentError.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import parseaddr
from pathlib import Path
from typing import Literal
from urllib.parse import quote

import aiosmtplib
from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.notifier.channels._email_message import Envelope, build_mail
from services.notifier.channels._redact import forget_secret, redact, register_secret
from services.notifier.channels.base import ChannelAuthError, Delivery, check_smtp_code
from services.notifier.unsubscribe import unsubscribe_token
from shared.errors import PermanentError, RetryableError
from shared.messages import Development

__all__ = ["EmailChannel", "EmailSettings"]

SMTP_TIMEOUT_S = 30.0
MAX_CONNECTIONS = 4  # concurrent SMTP sessions; most relays throttle beyond a few
RETRY_AFTER_S = 60.0  # suggested wait after an outage
DEFAULT_PORTS = {"none": 25, "starttls": 587, "tls": 465}


class EmailSettings(BaseSettings):
    """`FRONTWATCH_SMTP_*`; the password also from `FRONTWATCH_SMTP_PASSWORD_FILE` or from
    `secrets_dir` (pass `_secrets_dir=` to read `frontwatch_smtp_password` there)."""

    model_config = SettingsConfigDict(env_prefix="FRONTWATCH_SMTP_", extra="ignore")

    host: str | None = Field(default=None, description="Unset disables the email channel.")
    port: int | None = Field(default=None, ge=1, le=65535, description="Default from `tls`.")
    username: str | None = None
    password: SecretStr | None = None
    password_file: Path | None = None
    tls: Literal["none", "starttls", "tls"] = "starttls"
    sender: str = "frontwatch <alerts@localhost>"
    unsubscribe_url_template: str = Field(
        default="http://localhost:8080/unsubscribe?email={target}&token={token}",
        description="{target}: URL-quoted address; {token}: HMAC of it (needs unsubscribe_secret).",
    )
    unsubscribe_secret: SecretStr | None = None
    unsubscribe_mailto: str | None = Field(default=None, examples=["unsubscribe@example.org"])
    cert_bundle: Path | None = Field(default=None, description="CA file to trust (self-signed).")
    timeout_s: float = Field(default=SMTP_TIMEOUT_S, gt=0)

    @model_validator(mode="after")
    def _check(self) -> EmailSettings:
        if not self.host:  # channel disabled: nothing else matters
            return self
        if self.password is None and self.password_file is not None:
            try:
                secret = self.password_file.read_text(encoding="utf-8").strip()
            except OSError as exc:
                raise ValueError(f"cannot read password_file: {exc.strerror}") from None
            self.password = SecretStr(secret)
        if (self.password is None) != (self.username is None):
            raise ValueError("set both username and password, or neither")
        if "@" not in parseaddr(self.sender)[1]:
            raise ValueError(f"sender is not an email address: {self.sender!r}")
        if "{token}" in self.unsubscribe_url_template and self.unsubscribe_secret is None:
            raise ValueError("unsubscribe_url_template uses {token}: set unsubscribe_secret")
        return self

    @property
    def smtp_port(self) -> int:
        """The port, defaulting by TLS mode (25, 587, 465)."""
        return self.port or DEFAULT_PORTS[self.tls]


def _address(target: str) -> str:
    address = parseaddr(target)[1]
    if "@" not in address or any(c in target for c in "\r\n,;"):
        raise PermanentError(f"not a single email address: {target!r}")
    return address


def _message_id(ref: str | None) -> str | None:
    return ref if ref and ref.startswith("<") and ref.endswith(">") and "\n" not in ref else None


class EmailChannel:
    """Sends one mail per alert, and digests; refs are the mails' Message-IDs."""

    name = "email"

    def __init__(
        self, settings: EmailSettings, *, now: Callable[[], datetime] = lambda: datetime.now(UTC)
    ) -> None:
        if not settings.host:
            raise ValueError("FRONTWATCH_SMTP_HOST is not set")
        self._settings = settings
        self._now = now
        self._slots = asyncio.Semaphore(MAX_CONNECTIONS)
        self._secrets = [s.get_secret_value() for s in (settings.password, settings.unsubscribe_secret) if s]
        for secret in self._secrets:
            register_secret(secret)
        self._domain = parseaddr(settings.sender)[1].rpartition("@")[2] or "localhost"
        self._closed = False

    def __repr__(self) -> str:
        s = self._settings
        return f"EmailChannel(host={s.host!r}, port={s.smtp_port}, tls={s.tls!r})"

    @property
    def unsubscribe_secret(self) -> str | None:
        """The key unsubscribe links are signed with, if one is configured."""
        secret = self._settings.unsubscribe_secret
        return None if secret is None else secret.get_secret_value()

    def unsubscribe_url(self, target: str) -> str:
        """Return the unsubscribe URL for `target`, signed when a secret is configured."""
        secret = self.unsubscribe_secret
        token = unsubscribe_token(secret, target) if secret else ""
        template = self._settings.unsubscribe_url_template
        return template.format(target=quote(target, safe=""), token=token)

    async def send(self, delivery: Delivery) -> str:
        """Mail one alert (an update threads under `previous_ref`); return its Message-ID.

        Raises RetryableError (server unreachable, 4xx), PermanentError (address refused, 5xx),
        ChannelAuthError (login refused, TLS impossible).
        """
        address = _address(delivery.target)
        message = build_mail(
            [delivery.dev], self._envelope(address), in_reply_to=_message_id(delivery.previous_ref)
        )
        return await self._deliver(message, address)

    async def send_digest(self, target: str, devs: Sequence[Development]) -> str:
        """Mail one digest grouping `devs`; return its Message-ID. Raises like `send`."""
        address = _address(target)
        return await self._deliver(build_mail(devs, self._envelope(address)), address)

    def _envelope(self, address: str) -> Envelope:
        return Envelope(
            sender=self._settings.sender,
            to=address,
            unsubscribe_url=self.unsubscribe_url(address),
            unsubscribe_mailto=self._settings.unsubscribe_mailto,
            now=self._now(),
            msgid_domain=self._domain,
        )

    async def _deliver(self, message: EmailMessage, address: str) -> str:
        if self._closed:
            raise RetryableError("the email channel is closed")
        s = self._settings
        tls_context = None
        if s.tls != "none":
            tls_context = ssl.create_default_context(cafile=str(s.cert_bundle) if s.cert_bundle else None)
        async with self._slots:
            try:
                await aiosmtplib.send(
                    message,
                    recipients=[address],
                    hostname=s.host,
                    port=s.smtp_port,
                    username=s.username,
                    password=s.password.get_secret_value() if s.password else None,
                    use_tls=s.tls == "tls",
                    start_tls=s.tls == "starttls",
                    tls_context=tls_context,
                    timeout=s.timeout_s,
                )
            except (aiosmtplib.SMTPException, OSError) as exc:
                raise _map_error(exc) from None  # no chain: it may quote the AUTH exchange
        return str(message["Message-ID"])

    async def close(self) -> None:
        """Stop redacting this channel's secrets (connections are per send). Idempotent."""
        if not self._closed:
            self._closed = True
            for secret in self._secrets:
                forget_secret(secret)


def _map_error(exc: BaseException) -> Exception:
    """Translate an aiosmtplib or socket failure into the retry decision."""
    detail = redact(f"{type(exc).__name__}: {exc}")
    if isinstance(exc, aiosmtplib.SMTPAuthenticationError):
        return ChannelAuthError(f"SMTP login refused: {detail}")
    if isinstance(exc, aiosmtplib.SMTPNotSupported | ssl.SSLCertVerificationError):
        return ChannelAuthError(f"SMTP server unusable with these settings: {detail}")
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused) and exc.recipients:
        exc = exc.recipients[0]
        detail = redact(f"{type(exc).__name__}: {exc}")
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        try:
            check_smtp_code(exc.code, detail)
        except (RetryableError, PermanentError) as mapped:
            return mapped
    return RetryableError(f"SMTP server unreachable: {detail}", RETRY_AFTER_S)

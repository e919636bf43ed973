"""EmailChannel against a real aiosmtpd server on 127.0.0.1."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr, ValidationError

from services.notifier.channels.base import ChannelAuthError, Delivery
from services.notifier.channels.email import EmailChannel, EmailSettings
from shared.errors import PermanentError, RetryableError
from tests.notifier.conftest import FIXED_NOW, MakeDev
from tests.notifier.smtp_server import SmtpServer, free_port, make_self_signed_cert

READER = "reader@example.org"
ARABIC = "ارتفع عدد القتلى المدنيين منذ العاشر من أيلول إلى 388 بينهم 141 طفلاً و86 امرأة."


def settings(server: SmtpServer | None = None, **overrides: Any) -> EmailSettings:
    """Email settings for the test server (or a closed port when `server` is None)."""
    values: dict[str, Any] = {
        "host": "127.0.0.1",
        "port": server.port if server else free_port(),
        "tls": "none",
        "sender": "frontwatch <alerts@frontwatch.test>",
        "unsubscribe_url_template": "https://frontwatch.test/u?e={target}&t={token}",
        "unsubscribe_secret": "unsub-signing-key",
        "unsubscribe_mailto": "unsubscribe@frontwatch.test",
        "timeout_s": 5,
    }
    values.update(overrides)
    return EmailSettings(**values)


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    """A plain SMTP server without login."""
    with SmtpServer() as server:
        yield server


@pytest.fixture
def tls_cert(tmp_path: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, or skip when it cannot be generated."""
    cert = make_self_signed_cert(tmp_path)
    if cert is None:
        pytest.skip("neither the cryptography package nor the openssl command is available")
    return cert


def parts(mail: EmailMessage) -> tuple[str, str]:
    """The text and HTML bodies of a multipart/alternative mail."""
    text = mail.get_body(("plain",))
    html = mail.get_body(("html",))
    assert text is not None and html is not None
    return str(text.get_content()), str(html.get_content())


async def test_alert_mail_headers_and_parts(smtp: SmtpServer, make_dev: MakeDev) -> None:
    """An alert is multipart text+HTML with From/To/Subject and one-click List-Unsubscribe."""
    channel = EmailChannel(settings(smtp), now=lambda: FIXED_NOW)
    ref = await channel.send(Delivery(READER, make_dev()))
    [mail] = smtp.mailbox.mails
    assert mail["Message-ID"] == ref and ref.endswith("@frontwatch.test>")
    assert mail["From"] == "frontwatch <alerts@frontwatch.test>" and mail["To"] == READER
    assert mail["Subject"] == "Casualty update — Baghouz"
    assert mail.get_content_type() == "multipart/alternative"
    url = channel.unsubscribe_url(READER)
    assert url.startswith("https://frontwatch.test/u?e=reader%40example.org&t=")
    assert mail["List-Unsubscribe"] == (f"<{url}>, <mailto:unsubscribe@frontwatch.test?subject=unsubscribe>")
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text, html = parts(mail)
    assert "388 killed (civilians)" in text and f"Unsubscribe: {url}" in text
    assert f'<a href="{url.replace("&", "&amp;")}">Unsubscribe</a>' in html
    assert '<a href="https://example.org/a1">Observatory report</a>' in html
    assert smtp.mailbox.envelopes[0].rcpt_tos == [READER]


async def test_arabic_mail_is_rtl_utf8(smtp: SmtpServer, make_dev: MakeDev) -> None:
    """An Arabic alert has dir="rtl" HTML, Arabic headings and intact UTF-8 in both parts."""
    dev = make_dev(lang="ar", summary=ARABIC, places=["الباغوز"])
    await EmailChannel(settings(smtp)).send(Delivery(READER, dev))
    [mail] = smtp.mailbox.mails
    text, html = parts(mail)
    assert '<html lang="ar" dir="rtl">' in html and '<div dir="rtl" lang="ar"' in html
    assert ARABIC in text and ARABIC in html
    assert mail["Subject"] == "تحديث حصيلة الضحايا — الباغوز"
    html_part = mail.get_body(("html",))
    assert html_part is not None and html_part.get_content_charset() == "utf-8"


async def test_update_threads_under_previous_mail(smtp: SmtpServer, make_dev: MakeDev) -> None:
    """An update carries In-Reply-To and References of the earlier alert's Message-ID."""
    channel = EmailChannel(settings(smtp))
    first = await channel.send(Delivery(READER, make_dev()))
    update = make_dev(status="update", revision=2, changes=["killed 388 → 400"])
    await channel.send(Delivery(READER, update, previous_ref=first))
    mail = smtp.mailbox.mails[1]
    assert mail["In-Reply-To"].strip() == first == mail["References"].strip()
    assert mail["Subject"].startswith("Update: ")


async def test_digest_groups_developments(smtp: SmtpServer, make_dev: MakeDev) -> None:
    """A digest is one mail holding every development, oldest first, English and Arabic."""
    devs = [
        make_dev(development_id="d2", summary="Second.", detected_at=FIXED_NOW + timedelta(1)),
        make_dev(development_id="d1", summary="First."),
        make_dev(development_id="d3", lang="ar", summary=ARABIC, detected_at=FIXED_NOW + timedelta(2)),
    ]
    ref = await EmailChannel(settings(smtp)).send_digest(READER, devs)
    [mail] = smtp.mailbox.mails
    text, html = parts(mail)
    assert mail["Message-ID"] == ref and mail["Subject"] == "frontwatch Digest: 3"
    assert text.index("First.") < text.index("Second.") < text.index(ARABIC)
    assert html.count('<div dir="ltr"') == 2 and html.count('<div dir="rtl"') == 1
    assert mail["List-Unsubscribe"]


async def test_starttls_with_login(tls_cert: tuple[Path, Path], make_dev: MakeDev) -> None:
    """STARTTLS against a self-signed server (trusted via cert_bundle) with login delivers."""
    with SmtpServer(login=("alerts", "s3cret-pw"), tls="starttls", cert=tls_cert) as server:
        config = settings(
            server, tls="starttls", username="alerts", password="s3cret-pw", cert_bundle=tls_cert[0]
        )
        await EmailChannel(config).send(Delivery(READER, make_dev()))
    assert len(server.mailbox.mails) == 1 and server.auth_attempts == 1


async def test_implicit_tls(tls_cert: tuple[Path, Path], make_dev: MakeDev) -> None:
    """Implicit TLS (SMTPS) delivers a mail."""
    with SmtpServer(tls="tls", cert=tls_cert) as server:
        await EmailChannel(settings(server, tls="tls", cert_bundle=tls_cert[0])).send(
            Delivery(READER, make_dev())
        )
    assert len(server.mailbox.mails) == 1


async def test_untrusted_certificate_is_channel_error(tls_cert: tuple[Path, Path], make_dev: MakeDev) -> None:
    """A certificate that does not verify is a ChannelAuthError: the operator must act."""
    with (
        SmtpServer(tls="starttls", cert=tls_cert) as server,
        pytest.raises(ChannelAuthError, match=r"CERTIFICATE_VERIFY_FAILED|certificate"),
    ):
        await EmailChannel(settings(server, tls="starttls")).send(Delivery(READER, make_dev()))
    assert server.mailbox.mails == []


async def test_dead_server_is_retryable(make_dev: MakeDev) -> None:
    """A closed port raises RetryableError quickly, with a suggested delay."""
    start = time.monotonic()
    with pytest.raises(RetryableError, match="unreachable") as caught:
        await EmailChannel(settings(None)).send(Delivery(READER, make_dev()))
    assert caught.value.retry_after_s and time.monotonic() - start < 2


async def test_bad_login_is_permanent(make_dev: MakeDev) -> None:
    """A refused login is a ChannelAuthError (PermanentError) that does not show the password."""
    with SmtpServer(login=("alerts", "right-pw")) as server:
        config = settings(server, username="alerts", password="wrong-pw-XYZ")
        with pytest.raises(PermanentError) as caught:
            await EmailChannel(config).send(Delivery(READER, make_dev()))
    assert isinstance(caught.value, ChannelAuthError) and "535" in str(caught.value)
    assert "wrong-pw-XYZ" not in repr(caught.value) and server.mailbox.mails == []


@pytest.mark.parametrize(
    ("reply", "error"),
    [("550 5.1.1 no such user", PermanentError), ("451 4.3.0 try again later", RetryableError)],
    ids=["550-permanent", "451-retryable"],
)
async def test_recipient_refusals_map_by_code(
    smtp: SmtpServer, make_dev: MakeDev, reply: str, error: type[Exception]
) -> None:
    """A 5xx recipient refusal is permanent, a 4xx one retryable."""
    smtp.mailbox.refuse_rcpt = reply
    with pytest.raises(error, match=reply[:3]):
        await EmailChannel(settings(smtp)).send(Delivery(READER, make_dev()))


@pytest.mark.parametrize("target", ["not-an-address", "a@b.org, c@d.org", "a@b.org\r\nBcc: x@y"])
async def test_bad_address_is_permanent(smtp: SmtpServer, make_dev: MakeDev, target: str) -> None:
    """A target that is not exactly one address is refused before any SMTP traffic."""
    with pytest.raises(PermanentError, match="not a single email address"):
        await EmailChannel(settings(smtp)).send(Delivery(target, make_dev()))
    assert smtp.mailbox.mails == []


def test_settings_from_env_and_password_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """FRONTWATCH_SMTP_* variables and a *_FILE password configure the channel; repr hides it."""
    secret = tmp_path / "smtp_password"
    secret.write_text("file-pw-123\n", encoding="utf-8")
    monkeypatch.setenv("FRONTWATCH_SMTP_HOST", "mail.example.org")
    monkeypatch.setenv("FRONTWATCH_SMTP_TLS", "tls")
    monkeypatch.setenv("FRONTWATCH_SMTP_USERNAME", "alerts")
    monkeypatch.setenv("FRONTWATCH_SMTP_PASSWORD_FILE", str(secret))
    monkeypatch.setenv("FRONTWATCH_SMTP_UNSUBSCRIBE_SECRET", "k")
    config = EmailSettings()
    assert config.smtp_port == 465 and config.password is not None
    assert config.password.get_secret_value() == "file-pw-123"
    assert "file-pw-123" not in repr(config) + repr(EmailChannel(config))


def test_settings_reject_half_login() -> None:
    """A username without a password is a configuration error at start-up."""
    with pytest.raises(ValidationError, match="username and password"):
        EmailSettings(host="h", username="alerts", unsubscribe_secret=SecretStr("k"))

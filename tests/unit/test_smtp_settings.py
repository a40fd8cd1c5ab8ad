"""E-mail settings: SCANFLOOR_SMTP_URL names one SMTP server (smtp:// with STARTTLS when
offered, smtps:// for TLS from the start), SCANFLOOR_MAIL_FROM the From address; a server
refuses to start on a bad one, and no message ever repeats the URL's password. Sending
(mailer.py) hands a message to a real SMTP server on 127.0.0.1 within one deadline."""

from __future__ import annotations

import socket
import threading
import time
from email.message import EmailMessage

import pytest

from scanfloor.config import ConfigError, Settings
from scanfloor.mailer import MailNotSent, send_mail
from scanfloor.smtp_rules import (
    MailSettingError,
    SmtpServer,
    check_mail_from,
    parse_smtp_url,
    password_in_clear_allowed,
    sender_domain,
)
from tests.smtp_sink import SmtpSink


def test_a_blank_smtp_url_turns_email_off():
    assert parse_smtp_url("") is None
    assert parse_smtp_url("   ") is None
    assert parse_smtp_url(None) is None


def test_smtp_urls_give_the_host_port_tls_and_decoded_credentials():
    assert parse_smtp_url("smtp://mail.example.com") == SmtpServer("mail.example.com", 25, False)
    assert parse_smtp_url("SMTPS://mail.example.com") == SmtpServer("mail.example.com", 465, True)
    server = parse_smtp_url("smtp://po%40wh:p%3Ass%40w0rd@mail.example.com:587/")
    assert server == SmtpServer("mail.example.com", 587, False, "po@wh", "p:ss@w0rd")
    assert "p:ss@w0rd" not in repr(server)


@pytest.mark.parametrize(
    "url",
    [
        "http://mail.example.com",
        "mail.example.com:25",
        "smtp://",
        "smtp://mail.example.com:0",
        "smtp://mail.example.com:99999",
        "smtp://mail.example.com:smtp",
        "smtp://mail.example.com/relay",
        "smtp://mail.example.com?tls=1",
        "smtp://user@mail.example.com",
    ],
)
def test_a_bad_smtp_url_is_refused(url):
    with pytest.raises(MailSettingError):
        parse_smtp_url(url)


def test_a_password_goes_in_clear_only_to_this_machine():
    assert password_in_clear_allowed("127.0.0.1")
    assert password_in_clear_allowed("::1")
    assert password_in_clear_allowed("localhost")
    assert not password_in_clear_allowed("mail.example.com")
    assert not password_in_clear_allowed("10.0.0.5")


def test_from_addresses_are_one_line_and_have_a_domain():
    assert check_mail_from(" buying@wh.example ") == "buying@wh.example"
    assert check_mail_from("Buying <buying@wh.example>") == "Buying <buying@wh.example>"
    assert sender_domain("Buying <buying@WH.example>") == "wh.example"
    for bad in ("", "buying", "buying@localhost", "a@wh.example\r\nBcc: x@evil.example"):
        with pytest.raises(MailSettingError):
            check_mail_from(bad)


def _settings(**env: str) -> Settings:
    return Settings.from_env({"SCANFLOOR_MODE": "test", **env})


def test_the_server_refuses_to_start_with_bad_email_settings_and_keeps_the_password_out():
    with pytest.raises(ConfigError, match="SCANFLOOR_SMTP_URL") as caught:
        _settings(SCANFLOOR_SMTP_URL="smtp://po:hunter2-secret@mail.example.com:x").check()
    assert "hunter2-secret" not in str(caught.value)
    with pytest.raises(ConfigError, match="SCANFLOOR_MAIL_FROM"):
        _settings(SCANFLOOR_SMTP_URL="smtp://mail.example.com").check()  # no From address
    with pytest.raises(ConfigError, match="SCANFLOOR_MAIL_FROM"):
        _settings(SCANFLOOR_MAIL_FROM="not an address").check()


def test_good_email_settings_reach_the_app_config():
    settings = _settings(
        SCANFLOOR_SMTP_URL=" smtps://po:pw@mail.example.com ",
        SCANFLOOR_MAIL_FROM="buying@wh.example",
    )
    settings.check()
    config = settings.flask_config()
    assert config["SCANFLOOR_SMTP_URL"] == "smtps://po:pw@mail.example.com"
    assert config["SCANFLOOR_MAIL_FROM"] == "buying@wh.example"
    off = _settings()
    off.check()
    assert off.flask_config()["SCANFLOOR_SMTP_URL"] == ""


def _note() -> EmailMessage:
    note = EmailMessage()
    note["From"], note["To"], note["Subject"] = "buying@wh.example", "po@acme.example", "Hi"
    note.set_content("A note.")
    return note


def test_a_message_is_handed_to_the_smtp_server_for_its_recipient():
    sink = SmtpSink()
    try:
        server = parse_smtp_url(sink.url)
        assert server is not None
        send_mail(server, _note(), timeout=5)
        [got] = sink.received
        assert (got.mail_from, got.rcpt_to) == ("buying@wh.example", ["po@acme.example"])
        assert got.message["Subject"] == "Hi"
    finally:
        sink.stop()


def test_a_mail_server_that_never_answers_is_cut_off_at_the_deadline():
    listener = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []

    def hold() -> None:  # accept, then say nothing: no greeting ever comes
        conn, _ = listener.accept()
        accepted.append(conn)

    threading.Thread(target=hold, daemon=True).start()
    server = SmtpServer("127.0.0.1", listener.getsockname()[1], False)
    started = time.monotonic()
    try:
        with pytest.raises(MailNotSent, match="timed out"):
            send_mail(server, _note(), timeout=0.5)
        assert time.monotonic() - started < 3
    finally:
        for conn in accepted:
            conn.close()
        listener.close()

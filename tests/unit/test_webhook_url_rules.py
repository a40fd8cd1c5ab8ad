"""Webhook URLs reach public https endpoints only (allocation/webhook_url_rules.py).

Every way of writing an internal address is refused: dotted, decimal, octal and hex IPv4,
IPv6, IPv4 carried inside IPv6, localhost names, internal suffixes. Plain http and
loopback pass only where the deployment allows loopback (development and tests).
"""

from __future__ import annotations

import ipaddress

import pytest

from scanfloor.allocation.webhook_url_rules import (
    MAX_URL_LENGTH,
    WebhookUrlRefused,
    address_refusal,
    check_resolved,
    check_webhook_url,
    parse_ipv4_number,
)

ip = ipaddress.ip_address


def refused(url: str, *, allow_loopback: bool = False) -> WebhookUrlRefused:
    with pytest.raises(WebhookUrlRefused) as caught:
        check_webhook_url(url, allow_loopback=allow_loopback)
    return caught.value


# --- what passes ---------------------------------------------------------------------------


def test_a_public_https_url_passes_with_its_port_and_path():
    t = check_webhook_url("https://Hooks.Example.com:8443/in/x?a=1#frag", allow_loopback=False)
    assert (t.scheme, t.host, t.port, t.target, t.address) == (
        "https",
        "hooks.example.com",
        8443,
        "/in/x?a=1",
        None,
    )


def test_default_ports_and_an_empty_path():
    assert check_webhook_url("https://hooks.example.com", allow_loopback=False).port == 443
    assert check_webhook_url("https://hooks.example.com", allow_loopback=False).target == "/"
    t = check_webhook_url("http://127.0.0.1/h", allow_loopback=True)
    assert t.port == 80


def test_a_public_address_literal_passes_and_needs_no_lookup():
    t = check_webhook_url("https://93.184.215.14/hook", allow_loopback=False)
    assert t.address == ip("93.184.215.14")
    t6 = check_webhook_url(
        "https://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]/", allow_loopback=False
    )
    assert t6.address == ip("2606:2800:21f:cb07:6820:80da:af6b:8b2c")


def test_an_international_name_in_its_xn_form_passes():
    assert check_webhook_url("https://xn--bcher-kva.example/", allow_loopback=False).host


# --- https only ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["http://hooks.example.com/x", "ftp://hooks.example.com/x", "file:///etc/passwd"]
)
def test_anything_but_https_is_refused(url):
    assert refused(url).code == "webhook_https_required"


def test_plain_http_to_a_public_host_is_refused_even_where_loopback_is_allowed():
    assert refused("http://hooks.example.com/", allow_loopback=True).code == (
        "webhook_https_required"
    )
    assert refused("http://93.184.215.14/", allow_loopback=True).code == "webhook_https_required"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hook",
        "http://localhost:8080/hook",
        "http://[::1]:8080/hook",
        "http://[::ffff:127.0.0.1]:8080/hook",
        "https://127.0.0.1/hook",
    ],
)
def test_loopback_passes_only_where_allowed(url):
    assert check_webhook_url(url, allow_loopback=True).port
    assert refused(url).code in {"webhook_https_required", "webhook_address_refused"}


# --- internal addresses, however written ---------------------------------------------------


@pytest.mark.parametrize(
    ("host", "reason"),
    [
        ("169.254.169.254", "metadata"),
        ("168.63.129.16", "metadata"),
        ("100.100.100.200", "metadata"),
        ("[fd00:ec2::254]", "metadata"),
        ("127.0.0.1", "loopback"),
        ("127.8.9.10", "loopback"),
        ("0.0.0.0", "unspecified"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("169.254.10.10", "link-local"),
        ("224.0.0.1", "multicast"),
        ("239.255.255.250", "multicast"),
        ("100.64.0.1", "non-public"),
        ("192.0.2.10", "private"),  # documentation range
        ("240.0.0.1", "private"),  # reserved for future use: Python files it as private
        ("[::1]", "loopback"),
        ("[::]", "unspecified"),
        ("[fe80::1]", "link-local"),
        ("[fc00::1]", "private"),
        ("[fd12:3456::1]", "private"),
        ("[ff02::1]", "multicast"),
        ("[::ffff:127.0.0.1]", "loopback"),
        ("[::ffff:169.254.169.254]", "metadata"),
        ("[::ffff:10.0.0.1]", "private"),
        ("[::ffff:a9fe:a9fe]", "metadata"),
        ("[2002:a9fe:a9fe::1]", "metadata"),  # 6to4 carrying 169.254.169.254
        ("[64:ff9b::10.0.0.1]", "private"),  # NAT64 carrying 10.0.0.1
        ("[::7f00:1]", "reserved"),  # IPv4-compatible ::127.0.0.1 (deprecated)
    ],
)
def test_internal_addresses_are_refused_naming_why(host, reason):
    error = refused(f"https://{host}/latest/meta-data/")
    assert error.code == "webhook_address_refused"
    assert error.details["reason"] == reason


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("2130706433", "127.0.0.1"),  # one decimal number
        ("0177.0.0.1", "127.0.0.1"),  # octal
        ("0x7f.0.0.1", "127.0.0.1"),  # hex
        ("0x7f000001", "127.0.0.1"),
        ("127.1", "127.0.0.1"),  # short forms fill the last part
        ("127.0.1", "127.0.0.1"),
        ("2852039166", "169.254.169.254"),
        ("0251.0376.0251.0376", "169.254.169.254"),
        ("0xa9.0xfe.0xa9.0xfe", "169.254.169.254"),
        ("169.254.43518", "169.254.169.254"),
        ("012.0.0.1", "10.0.0.1"),
    ],
)
def test_numeric_host_forms_are_read_as_a_resolver_reads_them(host, address):
    assert parse_ipv4_number(host) == ip(address)
    error = refused(f"https://{host}/")
    assert error.code == "webhook_address_refused"
    assert error.details["address"] == address


@pytest.mark.parametrize(
    "host", ["256.0.0.1", "1.2.3.4.5", "08.0.0.1", "0x1ff.0.0.1", "example.123", "1.2.3.4294967296"]
)
def test_a_numeric_host_that_is_no_address_is_refused_not_looked_up(host):
    assert refused(f"https://{host}/").code == "webhook_url_malformed"


def test_a_public_address_in_decimal_form_is_that_address():
    assert check_webhook_url("https://1572395042/", allow_loopback=False).address == ip(
        "93.184.216.34"
    )


# --- names ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "host", ["localhost", "LOCALHOST", "localhost.", "api.localhost", "x.y.localhost"]
)
def test_localhost_names_are_loopback(host):
    error = refused(f"https://{host}/")
    assert (error.code, error.details["reason"]) == ("webhook_address_refused", "loopback")
    assert check_webhook_url(f"https://{host}/", allow_loopback=True).address is None


@pytest.mark.parametrize(
    "host",
    [
        "metadata",
        "redis",
        "metadata.google.internal",
        "instance-data.ec2.internal",
        "printer.local",
        "nas.localdomain",
        "router.home.arpa",
        "db.corp",
        "wiki.intranet",
        "box.lan",
    ],
)
def test_internal_names_are_refused(host):
    error = refused(f"https://{host}/")
    assert error.code == "webhook_host_internal"
    assert error.details["host"] == host


@pytest.mark.parametrize(
    "url",
    [
        "https://169.254.169.254@hooks.example.com/",
        "https://user:pass@hooks.example.com/",
    ],
)
def test_credentials_in_the_url_are_refused(url):
    assert refused(url).code == "webhook_url_credentials"


@pytest.mark.parametrize(
    "url",
    [
        "https://hooks.example.com\\@169.254.169.254/",
        "https://hooks.example.com /x",
        "https://hooks.example.com/\r\nHost: evil",
        "https://hooks.example.com\t/",
        "https://bücher.example/",
        "https://-bad-.example.com/",
        "https://a..example.com/",
        "https://hooks.example.com:99999/",
        "https://hooks.example.com:0/",
        "https://hooks.example.com:x/",
        "https://[::1/",
        "https:///path-only",
        "https://%31%32%37.0.0.1/",
    ],
)
def test_malformed_urls_are_refused(url):
    assert refused(url, allow_loopback=True).code == "webhook_url_malformed"


def test_the_length_limit_is_the_column_length():
    base = "https://hooks.example.com/"
    at_limit = base + "a" * (MAX_URL_LENGTH - len(base))
    assert check_webhook_url(at_limit, allow_loopback=False).host == "hooks.example.com"
    error = refused(at_limit + "a")
    assert (error.code, error.details["length"]) == ("webhook_url_too_long", MAX_URL_LENGTH + 1)


# --- after resolution ----------------------------------------------------------------------


def test_every_resolved_address_must_pass_so_a_mixed_answer_is_refused():
    target = check_webhook_url("https://hooks.example.com/", allow_loopback=False)
    public = ip("93.184.215.14")
    assert check_resolved(target, [public, public], allow_loopback=False) == [public]
    for inner in ("127.0.0.1", "10.0.0.8", "169.254.169.254", "::ffff:192.168.0.1", "fe80::2"):
        with pytest.raises(WebhookUrlRefused) as caught:
            check_resolved(target, [public, ip(inner)], allow_loopback=False)
        assert caught.value.code == "webhook_address_refused"
        assert caught.value.details["address"] == str(ip(inner))


def test_a_name_with_no_address_is_refused():
    target = check_webhook_url("https://hooks.example.com/", allow_loopback=False)
    with pytest.raises(WebhookUrlRefused) as caught:
        check_resolved(target, [], allow_loopback=False)
    assert caught.value.code == "webhook_unresolved"


def test_plain_http_must_resolve_to_loopback_only():
    target = check_webhook_url("http://localhost:8080/", allow_loopback=True)
    assert check_resolved(target, [ip("127.0.0.1"), ip("::1")], allow_loopback=True)
    with pytest.raises(WebhookUrlRefused) as caught:
        check_resolved(target, [ip("93.184.215.14")], allow_loopback=True)
    assert caught.value.code == "webhook_https_required"


def test_loopback_answers_are_refused_unless_allowed():
    target = check_webhook_url("https://hooks.example.com/", allow_loopback=False)
    with pytest.raises(WebhookUrlRefused) as caught:
        check_resolved(target, [ip("127.0.0.1")], allow_loopback=False)
    assert caught.value.details["reason"] == "loopback"
    assert check_resolved(target, [ip("127.0.0.1")], allow_loopback=True)


@pytest.mark.parametrize(
    ("address", "allowed"),
    [
        ("8.8.8.8", True),
        ("2001:4860:4860::8888", True),
        ("::ffff:8.8.8.8", True),  # mapped public: judged by the address it carries
        ("2002:808:808::1", True),  # 6to4 of a public address
        ("64:ff9b::808:808", True),  # NAT64 of a public address
        ("2001:db8::1", False),  # documentation
        ("198.18.0.1", False),  # benchmarking
    ],
)
def test_public_addresses_pass_and_special_ranges_do_not(address, allowed):
    assert (address_refusal(ip(address), allow_loopback=False) is None) is allowed

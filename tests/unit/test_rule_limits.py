"""Every length and size limit in the rule modules, at its edge: the maximum passes and one
more is refused, with the refusal's code and details (no database).

A limit matches a database column or an API bound, so an off-by-one either stores what the
column cannot hold or refuses what the API documents as valid."""

from __future__ import annotations

import hashlib
from decimal import Decimal

import pytest

from scanfloor.auth.rules import (
    BADGE_MAX,
    DISPLAY_NAME_MAX,
    PASSWORD_MAX,
    PASSWORD_MIN,
    PIN_MAX,
    PIN_MIN,
    USERNAME_MAX,
    CredentialRuleError,
    account_key,
    check_display_name,
    check_password,
    check_pin,
    check_role,
    normalise_badge,
    normalise_username,
)
from scanfloor.catalog.codes import CodeError, canonical_barcode, normalise_sku
from scanfloor.catalog.rules import (
    MAX_CONTAINER_CODE,
    MAX_LOCATION_CODE,
    MAX_LOT_CODE,
    CatalogRuleError,
    canonical_container_code,
    normalise_location_code,
    normalise_lot_code,
)
from scanfloor.catalog.scan_rules import MAX_SCAN_LENGTH, MalformedScan, interpret_scan
from scanfloor.commands.rules import MAX_KEY, BadKey, check_key, stored_posting_key
from scanfloor.purchasing.csv_rules import MAX_PROBLEMS, MAX_ROWS, CsvRefused, parse_po_csv
from scanfloor.purchasing.rules import (
    MAX_PO_NUMBER,
    MAX_SUPPLIER_CODE,
    PurchasingRuleError,
    normalise_po_number,
    normalise_supplier_code,
    parse_tolerance,
    parse_unit_cost,
)
from scanfloor.putaway.rules import MAX_TASK_NUMBER, BadTaskId, parse_task_id

# --- the limits themselves (what the columns and the API say) -------------------------------


def test_the_limits_are_the_ones_the_columns_and_the_api_document():
    assert (USERNAME_MAX, DISPLAY_NAME_MAX, BADGE_MAX) == (64, 120, 64)
    assert (PASSWORD_MIN, PASSWORD_MAX, PIN_MIN, PIN_MAX) == (4, 256, 4, 8)
    assert (MAX_CONTAINER_CODE, MAX_LOCATION_CODE, MAX_LOT_CODE) == (32, 64, 40)
    assert (MAX_PO_NUMBER, MAX_SUPPLIER_CODE, MAX_KEY) == (40, 32, 200)
    assert (MAX_SCAN_LENGTH, MAX_ROWS, MAX_PROBLEMS) == (512, 5000, 100)


# --- auth -----------------------------------------------------------------------------------


def credential_refusal(check, raw: str) -> str:
    with pytest.raises(CredentialRuleError) as refused:
        check(raw)
    assert " " in str(refused.value)
    return refused.value.field


def test_a_username_of_the_maximum_length_is_kept_and_one_more_is_refused():
    assert normalise_username("U" * USERNAME_MAX) == "u" * USERNAME_MAX
    assert credential_refusal(normalise_username, "u" * (USERNAME_MAX + 1)) == "username"


def test_a_display_name_of_the_maximum_length_is_kept_and_one_more_is_refused():
    assert check_display_name(" " + "n" * DISPLAY_NAME_MAX + " ") == "n" * DISPLAY_NAME_MAX
    assert credential_refusal(check_display_name, "n" * (DISPLAY_NAME_MAX + 1)) == "display_name"
    assert credential_refusal(check_display_name, "   ") == "display_name"


def test_a_password_is_from_the_minimum_to_the_maximum_length():
    for size in (PASSWORD_MIN, PASSWORD_MAX):
        assert check_password("p" * size) == "p" * size
    for size in (PASSWORD_MIN - 1, PASSWORD_MAX + 1):
        assert credential_refusal(check_password, "p" * size) == "password"


def test_a_badge_of_the_maximum_length_is_kept_and_one_more_is_refused():
    assert normalise_badge("B" * BADGE_MAX) == "B" * BADGE_MAX
    assert credential_refusal(normalise_badge, "B" * (BADGE_MAX + 1)) == "badge"
    assert credential_refusal(normalise_badge, "B\x07") == "badge"


def test_a_pin_is_from_the_minimum_to_the_maximum_number_of_digits():
    assert check_pin("1" * PIN_MIN) == "1" * PIN_MIN
    assert check_pin("9" * PIN_MAX) == "9" * PIN_MAX
    for size in (PIN_MIN - 1, PIN_MAX + 1):
        assert credential_refusal(check_pin, "1" * size) == "pin"


# --- catalog --------------------------------------------------------------------------------


def catalog_refusal(check, raw: str) -> dict[str, object]:
    with pytest.raises(CatalogRuleError) as refused:
        check(raw)
    return refused.value.details


def test_a_location_code_of_the_maximum_length_is_kept_and_one_more_is_refused():
    assert normalise_location_code("a" * MAX_LOCATION_CODE) == "A" * MAX_LOCATION_CODE
    too_long = "a" * (MAX_LOCATION_CODE + 1)
    assert catalog_refusal(normalise_location_code, too_long) == {"code": too_long}


def test_a_lot_code_of_the_maximum_length_is_kept_and_one_more_is_refused():
    assert normalise_lot_code("l" * MAX_LOT_CODE) == "L" * MAX_LOT_CODE
    too_long = "l" * (MAX_LOT_CODE + 1)
    assert catalog_refusal(normalise_lot_code, too_long) == {"code": too_long}


@pytest.mark.parametrize("check", [normalise_location_code, normalise_lot_code])
@pytest.mark.parametrize("raw", ["", "  ", "A 1", "A\t1", "A\x001"])
def test_codes_refuse_blank_spaced_and_unprintable_text(check, raw):
    assert catalog_refusal(check, raw) == {"code": raw}


def test_an_lpn_of_the_maximum_length_is_kept_and_one_more_is_refused():
    assert canonical_container_code("t" * MAX_CONTAINER_CODE) == ("lpn", "T" * MAX_CONTAINER_CODE)
    with pytest.raises(CodeError) as refused:
        canonical_container_code("t" * (MAX_CONTAINER_CODE + 1))
    assert str(refused.value) == "an LPN is at most 32 characters"


def test_a_sku_of_64_characters_is_kept_and_65_are_refused():
    assert normalise_sku("s" * 64) == "S" * 64
    with pytest.raises(CodeError) as refused:
        normalise_sku("s" * 65)
    assert str(refused.value) == "SKU must be 1-64 printable characters"


def test_an_internal_barcode_is_3_to_48_characters():
    assert canonical_barcode("abc") == ("internal", "ABC")
    assert canonical_barcode("x" * 48) == ("internal", "X" * 48)
    for raw in ("ab", "x" * 49):
        with pytest.raises(CodeError) as refused:
            canonical_barcode(raw)
        assert str(refused.value).startswith("internal codes are 3-48 characters")


def test_a_scan_of_the_maximum_length_is_read_and_one_more_character_is_refused():
    assert interpret_scan("A" * MAX_SCAN_LENGTH).code == "A" * MAX_SCAN_LENGTH
    with pytest.raises(MalformedScan) as refused:
        interpret_scan("A" * (MAX_SCAN_LENGTH + 1))
    assert refused.value.details == {
        "reason": "too_long",
        "length": MAX_SCAN_LENGTH + 1,
        "max_length": MAX_SCAN_LENGTH,
    }


# --- purchasing -----------------------------------------------------------------------------


def purchasing_refusal(check, raw: str) -> tuple[str, dict[str, object]]:
    with pytest.raises(PurchasingRuleError) as refused:
        check(raw)
    return refused.value.code, refused.value.details


def test_a_po_number_of_the_maximum_length_is_kept_and_one_more_is_refused():
    assert normalise_po_number("p" * MAX_PO_NUMBER) == "P" * MAX_PO_NUMBER
    too_long = "p" * (MAX_PO_NUMBER + 1)
    assert purchasing_refusal(normalise_po_number, too_long) == (
        "invalid_number",
        {"number": too_long},
    )


def test_a_supplier_code_of_the_maximum_length_is_kept_and_one_more_is_refused():
    assert normalise_supplier_code("s" * MAX_SUPPLIER_CODE) == "S" * MAX_SUPPLIER_CODE
    too_long = "s" * (MAX_SUPPLIER_CODE + 1)
    assert purchasing_refusal(normalise_supplier_code, too_long) == (
        "invalid_code",
        {"code": too_long},
    )


def test_tolerance_is_from_0_to_100_percent_with_two_decimals():
    assert parse_tolerance("100") == Decimal("100")
    assert parse_tolerance("0") == Decimal("0")
    assert parse_tolerance("99.99") == Decimal("99.99")
    for raw in ("100.01", "-0.01", "0.001"):
        assert purchasing_refusal(parse_tolerance, raw) == ("invalid_tolerance", {"value": raw})


def test_a_unit_cost_is_below_a_trillion_with_six_decimals():
    assert parse_unit_cost("999999999999.999999") == Decimal("999999999999.999999")
    assert parse_unit_cost("0") == Decimal("0")
    for raw in ("1000000000000", "-0.000001", "0.0000001"):
        assert purchasing_refusal(parse_unit_cost, raw) == ("invalid_unit_cost", {"value": raw})


HEADER = "po_number,supplier,sku,quantity,unit_cost\n"


def test_a_csv_of_the_maximum_rows_is_read_and_one_more_row_is_refused():
    row = "PO-1,ACME,SKU-1,1,1.00\n"
    orders = parse_po_csv(HEADER + row * MAX_ROWS)
    assert len(orders[0].lines) == MAX_ROWS
    with pytest.raises(CsvRefused) as refused:
        parse_po_csv(HEADER + row * (MAX_ROWS + 1))
    problem = refused.value.problems[0]
    assert (problem.row, problem.column, problem.message) == (
        MAX_ROWS + 2,
        None,
        "at most 5000 rows per file",
    )


def test_a_refused_csv_lists_at_most_the_maximum_problems_and_counts_them_all():
    bad = HEADER + "PO-1,ACME,SKU-1,0,1.00\n" * (MAX_PROBLEMS + 1)
    with pytest.raises(CsvRefused) as refused:
        parse_po_csv(bad)
    assert len(refused.value.problems) == MAX_PROBLEMS
    assert refused.value.total == MAX_PROBLEMS + 1
    assert refused.value.problems[-1].row == MAX_PROBLEMS + 1


# --- commands and putaway -------------------------------------------------------------------


def test_an_idempotency_key_of_the_maximum_length_is_taken_and_one_more_is_refused():
    check_key("k" * MAX_KEY)
    with pytest.raises(BadKey) as refused:
        check_key("k" * (MAX_KEY + 1))
    assert str(refused.value).startswith("an idempotency key is 1-200 printable characters")


def test_a_stored_posting_key_at_the_maximum_is_kept_and_a_longer_one_is_hashed():
    key = "k" * (MAX_KEY - len("u:1/"))
    assert stored_posting_key("u:1", key, 1) == f"u:1/{key}"
    assert stored_posting_key("u:1", "k" * 10, 2) == "u:1/" + "k" * 10 + "~2"
    longer = f"u:1/{key}~2"
    assert stored_posting_key("u:1", key, 2) == (
        "u:1/sha256:" + hashlib.sha256(longer.encode()).hexdigest()
    )


def test_a_task_number_below_the_maximum_is_read_and_the_maximum_is_refused():
    assert parse_task_id(f"b-{MAX_TASK_NUMBER - 1}") == ("loose", MAX_TASK_NUMBER - 1)
    assert parse_task_id("c-1") == ("lpn", 1)
    for raw in (f"b-{MAX_TASK_NUMBER}", "b-0", "b-01"):
        with pytest.raises(BadTaskId) as refused:
            parse_task_id(raw)
        assert str(refused.value) == "a putaway task id is b-<number> or c-<number>"


def test_an_unknown_role_is_refused_naming_the_role_field_and_the_roles():
    with pytest.raises(CredentialRuleError) as refused:
        check_role("owner", ("worker", "admin"))
    assert (refused.value.field, str(refused.value)) == (
        "role",
        "role must be one of worker, admin",
    )


def test_password_throttling_counts_a_username_in_any_case_and_a_badge_exactly():
    assert account_key("password", " Dana.K ") == "password:dana.k"
    assert account_key("badge", " B-7x ") == "badge:B-7x"

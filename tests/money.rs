//! Money by currency: minor units, rounding and printing of zero-, two- and three-decimal
//! currencies, and the debug forms.

use custfit::units::Currency;
use custfit::Money;

fn m(s: &str) -> Money {
    s.parse().unwrap()
}

#[test]
fn minor_units_by_currency() {
    for (code, units) in [
        ("JPY", 0),
        ("KRW", 0),
        ("EUR", 2),
        ("USD", 2),
        ("BHD", 3),
        ("KWD", 3),
        ("JOD", 3),
        ("IQD", 3),
        ("LYD", 3),
        ("OMR", 3),
        ("TND", 3),
    ] {
        let c: Currency = code.parse().unwrap();
        assert_eq!(c.minor_units(), units, "{code}");
    }
}

#[test]
fn three_decimal_currencies_round_and_print_at_the_third_place() {
    assert_eq!(m("1.0005 KWD").round().to_string(), "1.000 KWD");
    assert_eq!(m("1.0015 KWD").round().to_string(), "1.002 KWD");
    assert_eq!(m("1.5 KWD").to_string(), "1.500 KWD");
    assert_eq!(m("1.5 KWD"), m("1.500 KWD"));
    assert_eq!(m("3 JPY").to_string(), "3 JPY");
    assert_eq!(m("2.5 JPY").round().to_string(), "2 JPY");
    // More decimals than the currency's are kept, so that the text reads back exactly.
    assert_eq!(m("1.23456 EUR").to_string(), "1.23456 EUR");
    assert_eq!(
        m("1.23456 EUR").to_string().parse::<Money>().unwrap(),
        m("1.23456 EUR")
    );
    assert_eq!(m("12 EUR").to_string(), "12.00 EUR");
}

#[test]
fn debug_forms_name_the_type() {
    assert_eq!(format!("{:?}", Currency::EUR), "Currency(EUR)");
    assert_eq!(format!("{:?}", m("1.50 EUR")), "Money(1.50 EUR)");
}

#[test]
fn checked_additions_of_quantities_return_results_like_money() {
    use custfit::units::{Hours, MoneyError};
    let max = Hours::new(rust_decimal::Decimal::MAX).unwrap();
    let one = Hours::new(rust_decimal::Decimal::ONE).unwrap();
    assert_eq!(max.checked_add(one), Err(MoneyError::Overflow));
    assert_eq!(
        one.checked_add(one).unwrap(),
        Hours::new(rust_decimal::Decimal::TWO).unwrap()
    );
}

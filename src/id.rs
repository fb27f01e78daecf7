//! The customer's identifier: the one piece of the customer record the bottom layer (errors)
//! needs.

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Problem, Result};

/// A customer's identifier in the source system: non-empty text.
///
/// Cheap to clone (shared), since every result row carries one.
///
/// ```
/// use custfit::CustomerId;
/// let id = CustomerId::new("acme-001")?;
/// assert_eq!(id.as_str(), "acme-001");
/// assert!(CustomerId::new("  ").is_err());
/// # Ok::<(), custfit::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(try_from = "String")]
pub struct CustomerId(Arc<str>);

/// On the wire, the text itself (written from the shared copy, without cloning it).
impl Serialize for CustomerId {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl CustomerId {
    /// An id; surrounding white space is kept, but an id of only white space is refused.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidField`] on field `id` with [`Problem::Empty`].
    pub fn new(id: impl AsRef<str>) -> Result<Self> {
        let id = id.as_ref();
        if is_blank(id) {
            Err(Error::invalid(None, "id", Problem::Empty))
        } else {
            Ok(CustomerId(Arc::from(id)))
        }
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Whether `text` is empty or only white space: `text.trim().is_empty()`, deciding at the
/// first character that is not white space (the usual text is decided by its first
/// character, where trimming looks at both ends). Every text of a customer is checked so.
pub(crate) fn is_blank(text: &str) -> bool {
    match text.as_bytes().first() {
        // The usual text starts with an ASCII character that is not white space (the ASCII
        // white space of `char::is_whitespace`: space, and tab to carriage return).
        Some(&b) if b.is_ascii() && !matches!(b, b' ' | b'\t'..=b'\r') => false,
        _ => text.chars().all(char::is_whitespace),
    }
}

impl fmt::Display for CustomerId {
    /// Honors width and alignment (`{:<8}`), so ids line up in tables.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.0)
    }
}

impl fmt::Debug for CustomerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CustomerId({:?})", &*self.0)
    }
}

/// Ids compare, order and hash as their text, so maps keyed by id can be looked up by `&str`.
impl std::borrow::Borrow<str> for CustomerId {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for CustomerId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for CustomerId {
    type Error = Error;
    fn try_from(s: String) -> Result<Self> {
        CustomerId::new(s)
    }
}

impl TryFrom<&str> for CustomerId {
    type Error = Error;
    fn try_from(s: &str) -> Result<Self> {
        CustomerId::new(s)
    }
}

impl From<CustomerId> for String {
    fn from(id: CustomerId) -> String {
        id.0.to_string()
    }
}

impl std::str::FromStr for CustomerId {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        CustomerId::new(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_and_a_currency_are_their_text_on_the_wire() {
        let id = CustomerId::new(" C-\"7\" ").unwrap();
        let text = serde_json::to_string(&id).unwrap();
        assert_eq!(text, r#"" C-\"7\" ""#);
        assert_eq!(serde_json::from_str::<CustomerId>(&text).unwrap(), id);
        let eur = crate::units::Currency::EUR;
        assert_eq!(serde_json::to_string(&eur).unwrap(), r#""EUR""#);
    }

    #[test]
    fn blank_is_empty_or_white_space_only() {
        for blank in ["", " ", "\t\n", "\u{a0}\u{2003}", " \u{3000} "] {
            assert!(is_blank(blank), "{blank:?}");
        }
        for text in ["a", " a", "a ", "\u{a0}x", "x\u{2003}", "-"] {
            assert!(!is_blank(text), "{text:?}");
        }
    }

    proptest::proptest! {
        /// Exactly `trim().is_empty()`, on text mixing ASCII and Unicode white space.
        #[test]
        fn blank_is_what_trimming_leaves_empty(
            chars in proptest::collection::vec(
                proptest::sample::select(vec![' ', '\t', '\n', '\r', '\u{b}', '\u{c}', '\u{1c}', '\u{e}', '\u{a0}', '\u{85}', '\u{2028}', '\u{3000}', '\u{200b}', 'a', '0', 'é']),
                0..12,
            ),
        ) {
            let text: String = chars.into_iter().collect();
            proptest::prop_assert_eq!(is_blank(&text), text.trim().is_empty());
        }
    }
}

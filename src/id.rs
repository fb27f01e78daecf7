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
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CustomerId(Arc<str>);

impl CustomerId {
    /// An id; surrounding white space is kept, but an id of only white space is refused.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidField`] on field `id` with [`Problem::Empty`].
    pub fn new(id: impl AsRef<str>) -> Result<Self> {
        let id = id.as_ref();
        if id.trim().is_empty() {
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

//! Roles whose time is priced, and values per role.

use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// A role whose hours the cost model prices.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Support engineers.
    Support,
    /// Product engineering.
    Engineering,
    /// Customer-success managers.
    Success,
    /// Executives.
    Executive,
    /// Implementation consultants.
    Implementation,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 5] = [
        Role::Support,
        Role::Engineering,
        Role::Success,
        Role::Executive,
        Role::Implementation,
    ];

    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Support => "support",
            Role::Engineering => "engineering",
            Role::Success => "success",
            Role::Executive => "executive",
            Role::Implementation => "implementation",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One value per [`Role`]. Non-exhaustive like [`Role`]: build one with [`PerRole::from_fn`]
/// or from [`Default`] and set its fields.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PerRole<T> {
    /// Support engineers.
    pub support: T,
    /// Product engineering.
    pub engineering: T,
    /// Customer-success managers.
    pub success: T,
    /// Executives.
    pub executive: T,
    /// Implementation consultants.
    pub implementation: T,
}

impl<T> PerRole<T> {
    /// Build from a function of the role.
    ///
    /// ```
    /// use custfit::cost::{PerRole, Role};
    /// let hours = PerRole::from_fn(|r| if r == Role::Support { 10 } else { 0 });
    /// assert_eq!(*hours.get(Role::Support), 10);
    /// ```
    pub fn from_fn(mut f: impl FnMut(Role) -> T) -> Self {
        PerRole {
            support: f(Role::Support),
            engineering: f(Role::Engineering),
            success: f(Role::Success),
            executive: f(Role::Executive),
            implementation: f(Role::Implementation),
        }
    }

    /// The value for `role`.
    pub fn get(&self, role: Role) -> &T {
        match role {
            Role::Support => &self.support,
            Role::Engineering => &self.engineering,
            Role::Success => &self.success,
            Role::Executive => &self.executive,
            Role::Implementation => &self.implementation,
        }
    }

    /// The value for `role`, mutably.
    pub fn get_mut(&mut self, role: Role) -> &mut T {
        match role {
            Role::Support => &mut self.support,
            Role::Engineering => &mut self.engineering,
            Role::Success => &mut self.success,
            Role::Executive => &mut self.executive,
            Role::Implementation => &mut self.implementation,
        }
    }

    /// Apply `f` to every value.
    pub fn map<U>(&self, mut f: impl FnMut(Role, &T) -> U) -> PerRole<U> {
        PerRole {
            support: f(Role::Support, &self.support),
            engineering: f(Role::Engineering, &self.engineering),
            success: f(Role::Success, &self.success),
            executive: f(Role::Executive, &self.executive),
            implementation: f(Role::Implementation, &self.implementation),
        }
    }
}

/// Hours per role (exact decimals).
pub type RoleHours = PerRole<Decimal>;

impl RoleHours {
    /// Hours of every role added up, or `None` on overflow.
    pub fn total(&self) -> Option<Decimal> {
        [
            self.engineering,
            self.success,
            self.executive,
            self.implementation,
        ]
        .into_iter()
        .try_fold(self.support, Decimal::checked_add)
    }

    /// `self + other`, role by role, or `None` on overflow.
    pub fn checked_add(&self, other: &RoleHours) -> Option<RoleHours> {
        Some(PerRole {
            support: self.support.checked_add(other.support)?,
            engineering: self.engineering.checked_add(other.engineering)?,
            success: self.success.checked_add(other.success)?,
            executive: self.executive.checked_add(other.executive)?,
            implementation: self.implementation.checked_add(other.implementation)?,
        })
    }
}

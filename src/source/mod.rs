//! Data sources: how callers hand customers in. The crate itself does no I/O.
//!
//! Implement [`CustomerSource`] over a database cursor, a CSV reader or a message stream; the
//! in-memory implementations here cover slices, vectors and iterators. When activity lives in
//! another system (a ticketing tool, a time tracker), implement [`ActivitySource`] and join the
//! two with [`WithActivity`].
//!
//! A source yields `Result`s: a record that cannot be read or validated is an error that carries
//! the record's id, so that a portfolio run can report it and go on with the rest.

pub mod flat;

use std::collections::HashMap;

use crate::customer::activity::Activity;
use crate::customer::{Customer, CustomerId};
use crate::error::Result;

pub use crate::error::SourceCause;

/// A source of customer records, read one at a time.
///
/// Object-safe, so `Box<dyn CustomerSource + Send>` can be chosen at run time.
///
/// ```
/// use custfit::source::{CustomerSource, VecSource};
/// # fn customers() -> Vec<custfit::Customer> { Vec::new() }
/// let mut source = VecSource::new(customers());
/// while let Some(record) = source.next_customer() {
///     let customer = record?;
///     println!("{}", customer.id());
/// }
/// # Ok::<(), custfit::Error>(())
/// ```
pub trait CustomerSource {
    /// The next record, `None` when the source is exhausted.
    ///
    /// # Errors
    ///
    /// A record that cannot be read or is invalid yields `Some(Err(..))` naming the record;
    /// the source goes on with the next record on the following call.
    fn next_customer(&mut self) -> Option<Result<Customer>>;

    /// Bounds on the number of records left, as [`Iterator::size_hint`].
    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, None)
    }
}

impl<S: CustomerSource + ?Sized> CustomerSource for &mut S {
    fn next_customer(&mut self) -> Option<Result<Customer>> {
        (**self).next_customer()
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        (**self).size_hint()
    }
}

impl<S: CustomerSource + ?Sized> CustomerSource for Box<S> {
    fn next_customer(&mut self) -> Option<Result<Customer>> {
        (**self).next_customer()
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        (**self).size_hint()
    }
}

/// Customers borrowed from a slice (each is cloned as it is read).
#[derive(Debug, Clone)]
pub struct SliceSource<'a> {
    rest: std::slice::Iter<'a, Customer>,
}

impl<'a> SliceSource<'a> {
    /// A source over `customers`.
    pub fn new(customers: &'a [Customer]) -> Self {
        SliceSource {
            rest: customers.iter(),
        }
    }
}

impl CustomerSource for SliceSource<'_> {
    fn next_customer(&mut self) -> Option<Result<Customer>> {
        self.rest.next().cloned().map(Ok)
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.rest.size_hint()
    }
}

/// Customers owned in a vector.
#[derive(Debug, Clone)]
pub struct VecSource {
    rest: std::vec::IntoIter<Customer>,
}

impl VecSource {
    /// A source that yields `customers` in order.
    pub fn new(customers: Vec<Customer>) -> Self {
        VecSource {
            rest: customers.into_iter(),
        }
    }
}

impl CustomerSource for VecSource {
    fn next_customer(&mut self) -> Option<Result<Customer>> {
        self.rest.next().map(Ok)
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.rest.size_hint()
    }
}

/// Any iterator of `Result<Customer>` (for example records parsed lazily from a file).
#[derive(Debug, Clone)]
pub struct IterSource<I> {
    iter: I,
}

impl<I> IterSource<I>
where
    I: Iterator<Item = Result<Customer>>,
{
    /// A source over `iter`.
    pub fn new(iter: I) -> Self {
        IterSource { iter }
    }
}

impl<I> CustomerSource for IterSource<I>
where
    I: Iterator<Item = Result<Customer>>,
{
    fn next_customer(&mut self) -> Option<Result<Customer>> {
        self.iter.next()
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.iter.size_hint()
    }
}

/// Activity kept apart from the customer records (a ticketing tool, a time tracker).
pub trait ActivitySource {
    /// The activity of `customer` over the assessment period, or `None` if the source has none
    /// (the customer's own activity is then kept).
    ///
    /// # Errors
    ///
    /// [`crate::Error::Source`] naming the customer when the source fails.
    fn activity(&self, customer: &CustomerId) -> Result<Option<Activity>>;
}

impl<A: ActivitySource + ?Sized> ActivitySource for &A {
    fn activity(&self, customer: &CustomerId) -> Result<Option<Activity>> {
        (**self).activity(customer)
    }
}

/// Activity held in memory, by customer id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActivityMap {
    by_customer: HashMap<CustomerId, Activity>,
}

impl ActivityMap {
    /// An empty map.
    pub fn new() -> Self {
        ActivityMap::default()
    }

    /// Set the activity of `customer`, returning the one it replaces.
    pub fn insert(&mut self, customer: CustomerId, activity: Activity) -> Option<Activity> {
        self.by_customer.insert(customer, activity)
    }
}

impl FromIterator<(CustomerId, Activity)> for ActivityMap {
    fn from_iter<T: IntoIterator<Item = (CustomerId, Activity)>>(iter: T) -> Self {
        ActivityMap {
            by_customer: iter.into_iter().collect(),
        }
    }
}

impl ActivitySource for ActivityMap {
    fn activity(&self, customer: &CustomerId) -> Result<Option<Activity>> {
        Ok(self.by_customer.get(customer).cloned())
    }
}

/// Customers from `S` with their activity from `A` (re-validated after the join).
#[derive(Debug, Clone)]
pub struct WithActivity<S, A> {
    customers: S,
    activity: A,
}

impl<S: CustomerSource, A: ActivitySource> WithActivity<S, A> {
    /// Join `customers` with `activity`.
    pub fn new(customers: S, activity: A) -> Self {
        WithActivity {
            customers,
            activity,
        }
    }
}

impl<S: CustomerSource, A: ActivitySource> CustomerSource for WithActivity<S, A> {
    fn next_customer(&mut self) -> Option<Result<Customer>> {
        let customer = match self.customers.next_customer()? {
            Ok(c) => c,
            Err(e) => return Some(Err(e)),
        };
        Some(match self.activity.activity(customer.id()) {
            Ok(Some(activity)) => customer.with_activity(activity),
            Ok(None) => Ok(customer),
            Err(e) => Err(e),
        })
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.customers.size_hint()
    }
}

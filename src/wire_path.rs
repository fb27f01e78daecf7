//! The field path of a wire-format error: a deserializer adapter that notes where, in nested
//! maps and lists, deserializing failed (`activity.tickets[2].handling_hours`).
//!
//! serde's errors carry only a message; the path is known only while deserializing. [`Track`]
//! keeps the keys and indices entered so far, and the first (innermost) failure records the
//! path at that point. It wraps every deserializer, visitor, map and sequence on the way down
//! and forwards everything else unchanged, so the value read is the same as without it.
//! Enum contents and internally tagged values (buffered by serde) are not entered: an error in
//! them is named by the field that holds them.
//!
//! It is also where the wire format is made strict for every value read through it: a struct
//! is read from a map only (serde would read a JSON array positionally into it, so that
//! `"behavior": ["0.9", "0.1"]` set two facts), an internally tagged enum likewise, and a key
//! repeated in a map is refused (serde would keep the last value).

use std::cell::RefCell;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

/// One step into a value: a map key or a list index.
enum Step {
    Key(String),
    Index(usize),
}

/// The path entered so far and, once something failed, where.
#[derive(Default)]
pub(crate) struct Track {
    steps: RefCell<Vec<Step>>,
    last_key: RefCell<Option<String>>,
    failed_at: RefCell<Option<String>>,
}

impl Track {
    /// Where deserializing failed, relative to the tracked value (empty at its top).
    pub(crate) fn failed_at(&self) -> Option<String> {
        self.failed_at.borrow().clone()
    }

    fn path(&self, extra: Option<&str>) -> String {
        let mut out = String::new();
        let steps = self.steps.borrow();
        let keys = steps.iter().map(|s| match s {
            Step::Key(k) => (true, k.as_str().into()),
            Step::Index(i) => (false, format!("[{i}]")),
        });
        for (is_key, text) in keys.chain(extra.map(|k| (true, k.to_owned()))) {
            if is_key && !out.is_empty() {
                out.push('.');
            }
            out.push_str(&text);
        }
        out
    }

    /// Note the path of the first failure (the innermost: errors travel outwards).
    fn check<T, E>(&self, result: Result<T, E>, extra: Option<&str>) -> Result<T, E> {
        if result.is_err() && self.failed_at.borrow().is_none() {
            *self.failed_at.borrow_mut() = Some(self.path(extra));
        }
        result
    }

    fn enter<T>(&self, step: Step, f: impl FnOnce() -> T) -> T {
        self.steps.borrow_mut().push(step);
        let out = f();
        self.steps.borrow_mut().pop();
        out
    }
}

/// `d`, tracked: for a type's own (remote-derived) deserialize function.
pub(crate) fn tracked<'a, 'de, D: Deserializer<'de> + 'a>(
    d: D,
    track: &'a Track,
) -> impl Deserializer<'de, Error = D::Error> + 'a {
    Tracked { inner: d, track }
}

/// A path and a relative path below it, joined (`activity` + `tickets[2]`).
pub(crate) fn join(prefix: &str, rest: Option<&str>) -> String {
    match rest {
        None | Some("") => prefix.to_owned(),
        Some(rest) if rest.starts_with('[') => format!("{prefix}{rest}"),
        Some(rest) => format!("{prefix}.{rest}"),
    }
}

/// The names the value types (units, money, ids) give their errors when no field is known.
const VALUE_TYPE_NAMES: &[&str] = &[
    "hours",
    "quantity",
    "share",
    "probability",
    "ratio",
    "nps",
    "money",
    "currency",
    "id",
];

/// The full path of an error and its message: `path` is where the tracker saw the failure;
/// a message of this crate's own that already names a field relative to a value on that path
/// (`field `rates.support.time_driven.practical_capacity`: ...` raised at `cost_model.rates`)
/// is merged into one path, its prefix dropped from the message.
pub(crate) fn locate(path: &str, message: &str) -> (String, String) {
    let inner = ["configuration field `", "field `"]
        .iter()
        .find_map(|prefix| {
            let rest = message.strip_prefix(prefix)?;
            let (field, rest) = rest.split_once("`: ")?;
            Some((field, rest))
        });
    let Some((field, rest)) = inner else {
        return (path.to_owned(), message.to_owned());
    };
    if path.is_empty() {
        return (field.to_owned(), rest.to_owned());
    }
    // A value type names itself (`hours`, `money`) for want of a field: the path is the field.
    if VALUE_TYPE_NAMES.contains(&field) {
        return (path.to_owned(), rest.to_owned());
    }
    let outer: Vec<&str> = path.split('.').collect();
    let inner: Vec<&str> = field.split('.').collect();
    let overlap = (1..=outer.len().min(inner.len()))
        .rev()
        .find(|&k| outer[outer.len() - k..] == inner[..k])
        .unwrap_or(0);
    let full = outer
        .iter()
        .chain(&inner[overlap..])
        .copied()
        .collect::<Vec<_>>()
        .join(".");
    (full, rest.to_owned())
}

/// Deserialize a `T` through a tracking adapter.
pub(crate) fn deserialize<'de, T, D>(d: D, track: &Track) -> Result<T, D::Error>
where
    T: de::Deserialize<'de>,
    D: Deserializer<'de>,
{
    let out = T::deserialize(Tracked { inner: d, track });
    track.check(out, None)
}

/// A seed that deserializes a `T` through the tracking adapter, for
/// [`MapAccess::next_value_seed`].
pub(crate) struct Seed<'a, T>(pub(crate) &'a Track, pub(crate) std::marker::PhantomData<T>);

impl<'de, T: de::Deserialize<'de>> DeserializeSeed<'de> for Seed<'_, T> {
    type Value = T;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        deserialize(d, self.0)
    }
}

/// The adapter: a deserializer, visitor, seed, map or sequence with the track beside it.
struct Tracked<'a, X> {
    inner: X,
    track: &'a Track,
}

impl<'a, X> Tracked<'a, X> {
    fn wrap<Y>(&self, inner: Y) -> Tracked<'a, Y> {
        Tracked {
            inner,
            track: self.track,
        }
    }
}

macro_rules! forward_deserialize {
    ($($method:ident($($arg:ident: $ty:ty),*)),* $(,)?) => {$(
        fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, D::Error> {
            let visitor = self.wrap(visitor);
            self.inner.$method($($arg,)* visitor)
        }
    )*};
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Tracked<'_, D> {
    type Error = D::Error;

    forward_deserialize! {
        deserialize_any(), deserialize_bool(), deserialize_i8(), deserialize_i16(),
        deserialize_i32(), deserialize_i64(), deserialize_i128(), deserialize_u8(),
        deserialize_u16(), deserialize_u32(), deserialize_u64(), deserialize_u128(),
        deserialize_f32(), deserialize_f64(), deserialize_char(), deserialize_str(),
        deserialize_string(), deserialize_bytes(), deserialize_byte_buf(),
        deserialize_option(), deserialize_unit(), deserialize_seq(),
        deserialize_identifier(), deserialize_ignored_any(),
        deserialize_unit_struct(name: &'static str),
        deserialize_newtype_struct(name: &'static str),
        deserialize_tuple(len: usize),
        deserialize_tuple_struct(name: &'static str, len: usize),
        deserialize_enum(name: &'static str, variants: &'static [&'static str]),
    }

    // A map's keys are checked for repeats.
    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        let visitor = self.wrap(Unique(visitor));
        self.inner.deserialize_map(visitor)
    }

    // A struct is read from a map, never positionally from a sequence (its visitor refuses
    // repeated fields itself).
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        let visitor = self.wrap(visitor);
        self.inner.deserialize_map(visitor)
    }

    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }
}

/// Visitor methods that hand the value to `self.inner` as they are; shared with the strict
/// reading of history (`history::wire`).
macro_rules! forward_visit {
    ($($method:ident($ty:ty)),* $(,)?) => {$(
        fn $method<E: serde::de::Error>(self, v: $ty) -> Result<V::Value, E> {
            self.inner.$method(v)
        }
    )*};
}

pub(crate) use forward_visit;

impl<'de, V: Visitor<'de>> Visitor<'de> for Tracked<'_, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.expecting(f)
    }

    forward_visit! {
        visit_bool(bool), visit_i8(i8), visit_i16(i16), visit_i32(i32), visit_i64(i64),
        visit_i128(i128), visit_u8(u8), visit_u16(u16), visit_u32(u32), visit_u64(u64),
        visit_u128(u128), visit_f32(f32), visit_f64(f64), visit_char(char),
        visit_bytes(&[u8]), visit_borrowed_bytes(&'de [u8]), visit_byte_buf(Vec<u8>),
    }

    // Strings are noted: when this visitor reads a map key, it is the key entered next.
    fn visit_str<E: de::Error>(self, v: &str) -> Result<V::Value, E> {
        *self.track.last_key.borrow_mut() = Some(v.to_owned());
        self.inner.visit_str(v)
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<V::Value, E> {
        *self.track.last_key.borrow_mut() = Some(v.to_owned());
        self.inner.visit_borrowed_str(v)
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<V::Value, E> {
        *self.track.last_key.borrow_mut() = Some(v.clone());
        self.inner.visit_string(v)
    }

    fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
        self.inner.visit_none()
    }

    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.inner.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        let d = self.wrap(d);
        self.inner.visit_some(d)
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        let d = self.wrap(d);
        self.inner.visit_newtype_struct(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        // serde reads an internally tagged enum from a sequence too, its tag first: refused,
        // as a struct is.
        if expects_internally_tagged(&self.inner) {
            return Err(de::Error::invalid_type(de::Unexpected::Seq, &self));
        }
        let seq = self.wrap(Indexed {
            inner: seq,
            next: 0,
        });
        self.inner.visit_seq(seq)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        let map = self.wrap(map);
        self.inner.visit_map(map)
    }

    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<V::Value, A::Error> {
        let data = self.wrap(data);
        self.inner.visit_enum(data)
    }
}

// The variant's name is read through the adapter, so that an enum used as a map key (a
// lifecycle stage) names its entry; the variant's contents are not entered.
impl<'de, A: de::EnumAccess<'de>> de::EnumAccess<'de> for Tracked<'_, A> {
    type Error = A::Error;
    type Variant = A::Variant;

    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, A::Variant), A::Error> {
        let seed = self.wrap(seed);
        self.inner.variant_seed(seed)
    }
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Tracked<'_, S> {
    type Value = S::Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<S::Value, D::Error> {
        let d = self.wrap(d);
        self.inner.deserialize(d)
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Tracked<'_, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        self.track.last_key.borrow_mut().take();
        let seed = self.wrap(seed);
        let key = self.inner.next_key_seed(seed);
        // An unknown or malformed key is named by the key itself.
        let failed = self.track.last_key.borrow().clone();
        self.track.check(key, failed.as_deref())
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        let key = self.track.last_key.borrow_mut().take();
        let step = Step::Key(key.unwrap_or_else(|| "?".to_owned()));
        let seed = self.wrap(seed);
        self.track.enter(step, || {
            let value = self.inner.next_value_seed(seed);
            self.track.check(value, None)
        })
    }

    fn size_hint(&self) -> Option<usize> {
        self.inner.size_hint()
    }
}

/// Whether `visitor` reads an internally tagged enum (serde's visitor for one says so).
fn expects_internally_tagged<'de, V: Visitor<'de>>(visitor: &V) -> bool {
    struct Expecting<'a, V>(&'a V);
    impl<'de, V: Visitor<'de>> fmt::Display for Expecting<'_, V> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            self.0.expecting(f)
        }
    }
    Expecting(visitor)
        .to_string()
        .starts_with("internally tagged enum")
}

/// A visitor of a map whose keys must not repeat.
struct Unique<V>(V);

impl<'de, V: Visitor<'de>> Visitor<'de> for Unique<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.expecting(f)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.0.visit_map(Keyed {
            inner: map,
            seen: Vec::new(),
        })
    }
}

/// A map and the keys read from it so far.
struct Keyed<A> {
    inner: A,
    seen: Vec<String>,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Keyed<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        // The key is read through the tracking adapter (the map itself is wrapped), which
        // notes its text.
        let key = self.inner.next_key_seed(Noting(seed))?;
        let Some((key, text)) = key else {
            return Ok(None);
        };
        if let Some(text) = text {
            if self.seen.contains(&text) {
                return Err(de::Error::custom(format_args!(
                    "the key `{text}` is given twice"
                )));
            }
            self.seen.push(text);
        }
        Ok(Some(key))
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        self.inner.next_value_seed(seed)
    }

    fn size_hint(&self) -> Option<usize> {
        self.inner.size_hint()
    }
}

/// A key seed that also returns the key's text, when it is a string.
struct Noting<K>(K);

impl<'de, K: DeserializeSeed<'de>> DeserializeSeed<'de> for Noting<K> {
    type Value = (K::Value, Option<String>);
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        let text = std::cell::RefCell::new(None);
        let value = self.0.deserialize(NotingDeserializer {
            inner: d,
            text: &text,
        })?;
        Ok((value, text.into_inner()))
    }
}

/// A key's deserializer that notes the key's text as its visitor sees it.
struct NotingDeserializer<'a, D> {
    inner: D,
    text: &'a std::cell::RefCell<Option<String>>,
}

macro_rules! forward_noting {
    ($($method:ident($($arg:ident: $ty:ty),*)),* $(,)?) => {$(
        fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, D::Error> {
            self.inner.$method($($arg,)* NotingVisitor { inner: visitor, text: self.text })
        }
    )*};
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for NotingDeserializer<'_, D> {
    type Error = D::Error;

    forward_noting! {
        deserialize_any(), deserialize_bool(), deserialize_i8(), deserialize_i16(),
        deserialize_i32(), deserialize_i64(), deserialize_i128(), deserialize_u8(),
        deserialize_u16(), deserialize_u32(), deserialize_u64(), deserialize_u128(),
        deserialize_f32(), deserialize_f64(), deserialize_char(), deserialize_str(),
        deserialize_string(), deserialize_bytes(), deserialize_byte_buf(),
        deserialize_option(), deserialize_unit(), deserialize_seq(), deserialize_map(),
        deserialize_identifier(), deserialize_ignored_any(),
        deserialize_unit_struct(name: &'static str),
        deserialize_newtype_struct(name: &'static str),
        deserialize_tuple(len: usize),
        deserialize_tuple_struct(name: &'static str, len: usize),
        deserialize_struct(name: &'static str, fields: &'static [&'static str]),
        deserialize_enum(name: &'static str, variants: &'static [&'static str]),
    }

    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }
}

/// A key's visitor that notes the key's text.
struct NotingVisitor<'a, V> {
    inner: V,
    text: &'a std::cell::RefCell<Option<String>>,
}

impl<'de, V: Visitor<'de>> Visitor<'de> for NotingVisitor<'_, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.expecting(f)
    }

    forward_visit! {
        visit_bool(bool), visit_i8(i8), visit_i16(i16), visit_i32(i32), visit_i64(i64),
        visit_i128(i128), visit_u8(u8), visit_u16(u16), visit_u32(u32), visit_u64(u64),
        visit_u128(u128), visit_f32(f32), visit_f64(f64), visit_char(char),
        visit_bytes(&[u8]), visit_borrowed_bytes(&'de [u8]), visit_byte_buf(Vec<u8>),
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<V::Value, E> {
        *self.text.borrow_mut() = Some(v.to_owned());
        self.inner.visit_str(v)
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<V::Value, E> {
        *self.text.borrow_mut() = Some(v.to_owned());
        self.inner.visit_borrowed_str(v)
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<V::Value, E> {
        *self.text.borrow_mut() = Some(v.clone());
        self.inner.visit_string(v)
    }

    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<V::Value, A::Error> {
        let data = NotingEnum {
            inner: data,
            text: self.text,
        };
        self.inner.visit_enum(data)
    }
}

/// An enum key (a lifecycle stage) whose variant name is noted.
struct NotingEnum<'a, A> {
    inner: A,
    text: &'a std::cell::RefCell<Option<String>>,
}

impl<'de, A: de::EnumAccess<'de>> de::EnumAccess<'de> for NotingEnum<'_, A> {
    type Error = A::Error;
    type Variant = A::Variant;

    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, A::Variant), A::Error> {
        let seed = Noting(seed);
        let ((value, text), variant) = self.inner.variant_seed(seed)?;
        *self.text.borrow_mut() = text;
        Ok((value, variant))
    }
}

/// A sequence and the index of its next element.
struct Indexed<A> {
    inner: A,
    next: usize,
}

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for Tracked<'_, Indexed<A>> {
    type Error = A::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, A::Error> {
        let index = self.inner.next;
        self.inner.next += 1;
        let seed = self.wrap(seed);
        self.track.enter(Step::Index(index), || {
            let element = self.inner.inner.next_element_seed(seed);
            self.track.check(element, None)
        })
    }

    fn size_hint(&self) -> Option<usize> {
        self.inner.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Ticket {
        count: u32,
        hours: Option<u32>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Activity {
        tickets: Vec<Ticket>,
        #[serde(default)]
        notes: std::collections::BTreeMap<String, u8>,
    }

    fn failed_at(json: &str) -> Option<String> {
        let track = Track::default();
        let mut de = serde_json::Deserializer::from_str(json);
        let out: Result<Activity, _> = deserialize(&mut de, &track);
        assert_eq!(out.is_err(), track.failed_at().is_some(), "{json}");
        track.failed_at()
    }

    #[test]
    fn merges_a_path_the_message_already_names() {
        let msg = "configuration field `rates.support.time_driven.practical_capacity`: must be > 0";
        assert_eq!(
            locate("cost_model.rates", msg),
            (
                "cost_model.rates.support.time_driven.practical_capacity".to_owned(),
                "must be > 0".to_owned()
            )
        );
        assert_eq!(
            locate("contract", "field `term_end`: is required"),
            ("contract.term_end".to_owned(), "is required".to_owned())
        );
        assert_eq!(
            locate("", "field `money`: cannot parse"),
            ("money".to_owned(), "cannot parse".to_owned())
        );
        assert_eq!(
            locate("activity.tickets[2]", "invalid type: integer"),
            (
                "activity.tickets[2]".to_owned(),
                "invalid type: integer".to_owned()
            )
        );
        // A value type's own name gives way to the field that holds it.
        assert_eq!(
            locate(
                "contract.sla.standby_hours_per_month",
                "field `hours`: must not be negative"
            )
            .0,
            "contract.sla.standby_hours_per_month".to_owned()
        );
        assert_eq!(
            locate("activity.implementation.hours", "field `hours`: x").0,
            "activity.implementation.hours".to_owned()
        );
        assert_eq!(
            locate("contract.sla.first_response_hours", "field `hours`: x").0,
            "contract.sla.first_response_hours".to_owned()
        );
        // A field that is not a continuation of the path is appended whole.
        assert_eq!(locate("a.b", "field `c.d`: x").0, "a.b.c.d".to_owned());
        assert_eq!(locate("a.b.c", "field `b.c.d`: x").0, "a.b.c.d".to_owned());
    }

    #[test]
    fn names_the_innermost_field_of_a_failure() {
        let ok = r#"{"tickets":[{"count":1,"hours":2},{"count":3,"hours":null}]}"#;
        assert_eq!(failed_at(ok), None);
        let bad = r#"{"tickets":[{"count":1},{"count":3,"hours":"x"}]}"#;
        assert_eq!(failed_at(bad).as_deref(), Some("tickets[1].hours"));
        let unknown = r#"{"tickets":[{"count":1,"hour":2}]}"#;
        assert_eq!(failed_at(unknown).as_deref(), Some("tickets[0].hour"));
        let missing = r#"{"tickets":[{"hours":2}]}"#;
        assert_eq!(failed_at(missing).as_deref(), Some("tickets[0]"));
        let map_value = r#"{"tickets":[],"notes":{"a":1,"b":300}}"#;
        assert_eq!(failed_at(map_value).as_deref(), Some("notes.b"));
        assert_eq!(failed_at(r#"{"tickets":7}"#).as_deref(), Some("tickets"));
        assert_eq!(failed_at("[]").as_deref(), Some(""));
    }
}

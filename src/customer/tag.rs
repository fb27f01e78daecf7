//! Tags: the short labels many customers share (industry, segment, region, owner, channel,
//! plan, product version, use case), each text stored once.

use std::borrow::Borrow;
use std::collections::HashSet;
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// A label shared by many customers. Cloning one shares its text instead of copying it, so a
/// source that reads the same few labels a million times keeps one copy of each (through a
/// [`TagSet`]) and builds customers without allocating for them.
///
/// A tag is its text: it compares, orders, hashes, prints and serializes as the string.
///
/// ```
/// use custfit::customer::{Tag, TagSet};
/// let mut tags = TagSet::default();
/// let a = tags.tag("mid-market");
/// let b = tags.tag("mid-market");
/// assert_eq!(a, b);
/// assert!(Tag::ptr_eq(&a, &b)); // one copy of the text
/// assert_eq!(&*a, "mid-market");
/// assert_eq!(tags.len(), 1);
/// ```
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Tag(Arc<str>);

impl Tag {
    /// A tag of `text`, with its own copy of the text (a [`TagSet`] shares copies).
    pub fn new(text: &str) -> Self {
        Tag(Arc::from(text))
    }

    /// The tag as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Where the text is stored: equal for tags that share one copy.
    pub(super) fn addr(&self) -> usize {
        Arc::as_ptr(&self.0).cast::<u8>() as usize
    }

    /// Whether `a` and `b` share one copy of their text.
    pub fn ptr_eq(a: &Tag, b: &Tag) -> bool {
        Arc::ptr_eq(&a.0, &b.0)
    }
}

impl Deref for Tag {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Tag {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// Tags hash and compare as their text, so sets of tags are looked up by `&str`.
impl Borrow<str> for Tag {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Tag {
    fn from(text: &str) -> Self {
        Tag::new(text)
    }
}

impl From<String> for Tag {
    fn from(text: String) -> Self {
        Tag(Arc::from(text))
    }
}

impl From<Box<str>> for Tag {
    fn from(text: Box<str>) -> Self {
        Tag(Arc::from(text))
    }
}

impl From<Arc<str>> for Tag {
    fn from(text: Arc<str>) -> Self {
        Tag(text)
    }
}

impl From<std::borrow::Cow<'_, str>> for Tag {
    fn from(text: std::borrow::Cow<'_, str>) -> Self {
        Tag::new(&text)
    }
}

impl From<&String> for Tag {
    fn from(text: &String) -> Self {
        Tag::new(text)
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.0)
    }
}

impl fmt::Debug for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl PartialEq<str> for Tag {
    fn eq(&self, other: &str) -> bool {
        &*self.0 == other
    }
}

impl PartialEq<&str> for Tag {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

impl Serialize for Tag {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Tag {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Tag::from)
    }
}

/// The tags a source has read, each text once: [`TagSet::tag`] gives the stored tag for a
/// text it has seen, so only a new text allocates. It grows with the distinct texts (a few
/// hundred in a real export), never with the records, and stores at most
/// [`TagSet::MAX_TEXTS`]: a column with a new text on every row (an owner per customer) gets
/// tags of their own beyond that, so memory stays bounded.
///
/// One set per reader (per thread) is the usual way; tags are `Send + Sync`, so customers
/// built with them can go to any thread.
#[derive(Debug, Clone, Default)]
pub struct TagSet {
    tags: HashSet<Tag>,
    /// The tags looked up last, by a cheap hash of their text: most lookups hit here and
    /// skip hashing the text in full (the set's hash resists collisions, so a text chosen to
    /// collide costs only a miss here).
    recent: Vec<Option<Tag>>,
}

/// Slots of [`TagSet::recent`].
const RECENT: usize = 256;

/// The slot of `text` in [`TagSet::recent`]: its length and first and last bytes.
fn slot(text: &str) -> usize {
    let b = text.as_bytes();
    let (first, last) = (b.first().copied(), b.last().copied());
    let h = b.len()
        ^ usize::from(first.unwrap_or(0)) << 3
        ^ usize::from(last.unwrap_or(0)) << 1
        ^ usize::from(b.get(1).copied().unwrap_or(0)) << 5;
    h % RECENT
}

impl TagSet {
    /// The most distinct texts a set stores.
    pub const MAX_TEXTS: usize = 1 << 16;

    /// The tag of `text`: the stored one when the set has it, else a new one, stored while
    /// the set holds fewer than [`TagSet::MAX_TEXTS`].
    pub fn tag(&mut self, text: &str) -> Tag {
        if self.recent.is_empty() {
            self.recent = vec![None; RECENT];
        }
        let slot = &mut self.recent[slot(text)];
        if let Some(tag) = slot.as_ref().filter(|t| t.as_str() == text) {
            return tag.clone();
        }
        let tag = match self.tags.get(text) {
            Some(tag) => tag.clone(),
            None => {
                let tag = Tag::new(text);
                if self.tags.len() < Self::MAX_TEXTS {
                    self.tags.insert(tag.clone());
                }
                tag
            }
        };
        *slot = Some(tag.clone());
        tag
    }

    /// The number of distinct texts.
    pub fn len(&self) -> usize {
        self.tags.len()
    }

    /// Whether no tag was made yet.
    pub fn is_empty(&self) -> bool {
        self.tags.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tag_is_its_text() {
        let t = Tag::from("smb".to_owned());
        assert_eq!(t, "smb");
        assert_eq!(t.as_str(), "smb");
        assert_eq!(format!("[{t:>5}]"), "[  smb]");
        assert_eq!(format!("{t:?}"), "\"smb\"");
        assert_eq!(serde_json::to_string(&t).unwrap(), "\"smb\"");
        let back: Tag = serde_json::from_str("\"smb\"").unwrap();
        assert_eq!(back, t);
        assert!(!Tag::ptr_eq(&back, &t));
        assert!(Tag::new("a") < Tag::new("b"));
    }

    #[test]
    fn texts_sharing_a_recent_slot_still_get_their_own_tags() {
        let mut set = TagSet::default();
        // Same length, first, second and last bytes: the same slot.
        let (a, b) = ("ab1b", "ab2b");
        assert_eq!(slot(a), slot(b));
        let ta = set.tag(a);
        let tb = set.tag(b);
        assert_eq!(ta, "ab1b");
        assert_eq!(tb, "ab2b");
        assert!(Tag::ptr_eq(&set.tag(a), &ta));
        assert!(Tag::ptr_eq(&set.tag(b), &tb));
        assert_eq!(set.len(), 2);
        assert_eq!(set.tag(""), "");
    }

    #[test]
    fn a_full_set_stores_no_more_texts_but_still_tags_them() {
        let mut set = TagSet::default();
        for i in 0..TagSet::MAX_TEXTS + 10 {
            assert_eq!(
                set.tag(&format!("owner {i}")),
                format!("owner {i}").as_str()
            );
        }
        assert_eq!(set.len(), TagSet::MAX_TEXTS);
        // Texts stored before it filled up are still shared.
        assert!(Tag::ptr_eq(&set.tag("owner 0"), &set.tag("owner 0")));
        assert_eq!(Tag::from(std::borrow::Cow::Borrowed("x")), "x");
        assert_eq!(Tag::from(Box::<str>::from("y")), "y");
    }

    #[test]
    fn a_tag_reads_and_compares_as_its_text() {
        let t = Tag::new("emea");
        let as_ref: &str = t.as_ref();
        assert_eq!(as_ref, "emea");
        assert!(t == *"emea");
        assert!(t != *"apac");
        assert!(t == "emea");
        assert!(t != "apac");
        let borrowed: &str = std::borrow::Borrow::borrow(&t);
        assert_eq!(borrowed, "emea");
    }

    #[test]
    fn the_labels_of_an_export_spread_over_the_recent_slots() {
        let labels = [
            "smb",
            "mid-market",
            "enterprise",
            "emea",
            "apac",
            "americas",
            "logistics",
            "retail",
            "manufacturing",
            "healthcare",
            "direct",
            "partner",
            "inbound",
            "referral",
            "starter",
            "growth",
            "scale",
            "v1",
            "v2",
            "v3",
        ];
        let slots: HashSet<usize> = labels.iter().map(|l| slot(l)).collect();
        assert!(slots.len() >= 16, "{} distinct slots", slots.len());
        assert!(labels.iter().all(|l| slot(l) < RECENT));
    }

    #[test]
    fn a_set_shares_one_copy_per_text() {
        let mut set = TagSet::default();
        assert!(set.is_empty());
        let a = set.tag("emea");
        let b = set.tag("emea");
        let c = set.tag("apac");
        assert!(Tag::ptr_eq(&a, &b));
        assert!(!Tag::ptr_eq(&a, &c));
        assert_eq!(set.len(), 2);
        assert!(!set.is_empty());
    }
}

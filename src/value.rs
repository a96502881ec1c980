//! The JSON tree every document is held in once read (options, events, catalog, profile,
//! rules, stored state): `Value`, its object `Map` and its `Number`, drop-in for the parts of
//! `serde_json::Value` the crate uses, with the same semantics. `Map` keeps its entries in a
//! `Vec` sorted by key and binary-searched, so iteration is serde_json's order (its `Map` is a
//! `BTreeMap`: keys sorted by bytes) and every text written stays byte-identical; in the wasm
//! the B-tree's search, insertion, node splitting, iteration and drop were 6.6 KB raw
//! (ARCHITECTURE.md, "Download size"). Numbers keep serde_json's three kinds (u64, i64, f64)
//! and its equality (`1` is not `1.0`). Depends on std only; host builds also convert from and
//! to `serde_json::Value` and implement serde's traits, for the server and the tests.

use crate::prelude::*;
use core::borrow::Borrow;
use core::fmt;

/// A JSON document (serde_json's `Value`).
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Value {
    #[default]
    Null,
    Bool(bool),
    Number(Number),
    String(String),
    Array(Vec<Value>),
    Object(Map<String, Value>),
}

/// A JSON number: a u64 when read as a non-negative integer, an i64 when negative, else a
/// finite f64 (serde_json's `Number`; kinds compare unequal: `1 != 1.0`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Number {
    n: N,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum N {
    PosInt(u64),
    /// Always below zero.
    NegInt(i64),
    /// Always finite.
    Float(f64),
}

impl Number {
    /// `None` for a non-finite float, as serde_json (JSON holds none).
    pub fn from_f64(f: f64) -> Option<Number> {
        f.is_finite().then_some(Number { n: N::Float(f) })
    }

    pub fn as_u64(&self) -> Option<u64> {
        match self.n {
            N::PosInt(u) => Some(u),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match self.n {
            N::PosInt(u) => i64::try_from(u).ok(),
            N::NegInt(i) => Some(i),
            N::Float(_) => None,
        }
    }

    /// Always `Some` (serde_json's signature).
    pub fn as_f64(&self) -> Option<f64> {
        Some(match self.n {
            N::PosInt(u) => u as f64,
            N::NegInt(i) => i as f64,
            N::Float(f) => f,
        })
    }

    pub fn is_u64(&self) -> bool {
        matches!(self.n, N::PosInt(_))
    }

    pub fn is_i64(&self) -> bool {
        self.as_i64().is_some()
    }

    pub fn is_f64(&self) -> bool {
        matches!(self.n, N::Float(_))
    }
}

macro_rules! from_unsigned {
    ($($t:ty),*) => {$(
        impl From<$t> for Number {
            fn from(u: $t) -> Number {
                Number { n: N::PosInt(u as u64) }
            }
        }
        impl From<$t> for Value {
            fn from(u: $t) -> Value {
                Value::Number(u.into())
            }
        }
    )*};
}
from_unsigned!(u8, u16, u32, u64, usize);

macro_rules! from_signed {
    ($($t:ty),*) => {$(
        impl From<$t> for Number {
            fn from(i: $t) -> Number {
                let i = i as i64;
                Number { n: if i < 0 { N::NegInt(i) } else { N::PosInt(i as u64) } }
            }
        }
        impl From<$t> for Value {
            fn from(i: $t) -> Value {
                Value::Number(i.into())
            }
        }
    )*};
}
from_signed!(i8, i16, i32, i64, isize);

/// A non-finite float is `null` (serde_json's `From<f64>`).
impl From<f64> for Value {
    fn from(f: f64) -> Value {
        Number::from_f64(f).map_or(Value::Null, Value::Number)
    }
}

/// Widened to f64, as serde_json holds an f32.
impl From<f32> for Value {
    fn from(f: f32) -> Value {
        Value::from(f as f64)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::String(s)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::String(s.to_owned())
    }
}

impl From<Number> for Value {
    fn from(n: Number) -> Value {
        Value::Number(n)
    }
}

impl From<Map<String, Value>> for Value {
    fn from(m: Map<String, Value>) -> Value {
        Value::Object(m)
    }
}

impl<T: Into<Value>> From<Vec<T>> for Value {
    fn from(items: Vec<T>) -> Value {
        Value::Array(items.into_iter().map(Into::into).collect())
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Value {
        v.map_or(Value::Null, Into::into)
    }
}

impl<T: Into<Value>> FromIterator<T> for Value {
    fn from_iter<I: IntoIterator<Item = T>>(items: I) -> Value {
        Value::Array(items.into_iter().map(Into::into).collect())
    }
}

/// Absent keys and indexes read as this.
static NULL: Value = Value::Null;

/// What indexes a `Value`: a key (`&str`, `String`) or a position (`usize`), as serde_json's
/// `Index` trait.
pub trait Index {
    fn index_into<'v>(&self, v: &'v Value) -> Option<&'v Value>;
    fn index_into_mut<'v>(&self, v: &'v mut Value) -> Option<&'v mut Value>;
    /// For `IndexMut`: a `null` becomes an object, an absent key is inserted as `null`.
    fn index_or_insert<'v>(&self, v: &'v mut Value) -> &'v mut Value;
}

impl Index for usize {
    fn index_into<'v>(&self, v: &'v Value) -> Option<&'v Value> {
        match v {
            Value::Array(items) => items.get(*self),
            _ => None,
        }
    }

    fn index_into_mut<'v>(&self, v: &'v mut Value) -> Option<&'v mut Value> {
        match v {
            Value::Array(items) => items.get_mut(*self),
            _ => None,
        }
    }

    fn index_or_insert<'v>(&self, v: &'v mut Value) -> &'v mut Value {
        match self.index_into_mut(v) {
            Some(item) => item,
            // A static message: serde_json's formats the value with `Debug`.
            None => panic!("JSON index out of bounds or not an array"),
        }
    }
}

impl Index for str {
    fn index_into<'v>(&self, v: &'v Value) -> Option<&'v Value> {
        match v {
            Value::Object(map) => map.get(self),
            _ => None,
        }
    }

    fn index_into_mut<'v>(&self, v: &'v mut Value) -> Option<&'v mut Value> {
        match v {
            Value::Object(map) => map.get_mut(self),
            _ => None,
        }
    }

    fn index_or_insert<'v>(&self, v: &'v mut Value) -> &'v mut Value {
        if v.is_null() {
            *v = Value::Object(Map::new());
        }
        match v {
            Value::Object(map) => map.entry(self).or_insert(Value::Null),
            _ => panic!("JSON key indexes a value that is not an object"),
        }
    }
}

impl Index for String {
    fn index_into<'v>(&self, v: &'v Value) -> Option<&'v Value> {
        self.as_str().index_into(v)
    }

    fn index_into_mut<'v>(&self, v: &'v mut Value) -> Option<&'v mut Value> {
        self.as_str().index_into_mut(v)
    }

    fn index_or_insert<'v>(&self, v: &'v mut Value) -> &'v mut Value {
        self.as_str().index_or_insert(v)
    }
}

impl<T: Index + ?Sized> Index for &T {
    fn index_into<'v>(&self, v: &'v Value) -> Option<&'v Value> {
        (**self).index_into(v)
    }

    fn index_into_mut<'v>(&self, v: &'v mut Value) -> Option<&'v mut Value> {
        (**self).index_into_mut(v)
    }

    fn index_or_insert<'v>(&self, v: &'v mut Value) -> &'v mut Value {
        (**self).index_or_insert(v)
    }
}

impl<I: Index> core::ops::Index<I> for Value {
    type Output = Value;

    /// `null` when absent or not a container, as serde_json.
    fn index(&self, index: I) -> &Value {
        index.index_into(self).unwrap_or(&NULL)
    }
}

impl<I: Index> core::ops::IndexMut<I> for Value {
    fn index_mut(&mut self, index: I) -> &mut Value {
        index.index_or_insert(self)
    }
}

impl Value {
    pub fn get<I: Index>(&self, index: I) -> Option<&Value> {
        index.index_into(self)
    }

    pub fn get_mut<I: Index>(&mut self, index: I) -> Option<&mut Value> {
        index.index_into_mut(self)
    }

    /// The value at a JSON Pointer (RFC 6901: `/a/0/b`, `~1` for `/`, `~0` for `~`);
    /// `""` is the whole document.
    pub fn pointer(&self, pointer: &str) -> Option<&Value> {
        if pointer.is_empty() {
            return Some(self);
        }
        let rest = pointer.strip_prefix('/')?;
        crate::jsontext::split(rest, b'/').try_fold(self, |v, token| {
            let token = token.replace("~1", "/").replace("~0", "~");
            match v {
                Value::Object(map) => map.get(token.as_str()),
                Value::Array(items) => items.get(array_index(&token)?),
                _ => None,
            }
        })
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match *self {
            Value::Bool(b) => Some(b),
            _ => None,
        }
    }

    pub fn as_number(&self) -> Option<&Number> {
        match self {
            Value::Number(n) => Some(n),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        self.as_number().and_then(Number::as_f64)
    }

    pub fn as_u64(&self) -> Option<u64> {
        self.as_number().and_then(Number::as_u64)
    }

    pub fn as_i64(&self) -> Option<i64> {
        self.as_number().and_then(Number::as_i64)
    }

    pub fn as_array(&self) -> Option<&Vec<Value>> {
        match self {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_array_mut(&mut self) -> Option<&mut Vec<Value>> {
        match self {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&Map<String, Value>> {
        match self {
            Value::Object(map) => Some(map),
            _ => None,
        }
    }

    pub fn as_object_mut(&mut self) -> Option<&mut Map<String, Value>> {
        match self {
            Value::Object(map) => Some(map),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    pub fn is_boolean(&self) -> bool {
        matches!(self, Value::Bool(_))
    }

    pub fn is_number(&self) -> bool {
        matches!(self, Value::Number(_))
    }

    pub fn is_string(&self) -> bool {
        matches!(self, Value::String(_))
    }

    pub fn is_array(&self) -> bool {
        matches!(self, Value::Array(_))
    }

    pub fn is_object(&self) -> bool {
        matches!(self, Value::Object(_))
    }

    pub fn is_u64(&self) -> bool {
        self.as_number().is_some_and(Number::is_u64)
    }

    pub fn is_i64(&self) -> bool {
        self.as_number().is_some_and(Number::is_i64)
    }

    pub fn is_f64(&self) -> bool {
        self.as_number().is_some_and(Number::is_f64)
    }

    /// The value, leaving `null` in its place.
    pub fn take(&mut self) -> Value {
        core::mem::take(self)
    }
}

/// A JSON Pointer's array index: digits only, no leading zero (serde_json's rule).
fn array_index(token: &str) -> Option<usize> {
    if token.starts_with('+') || (token.starts_with('0') && token.len() > 1) {
        return None;
    }
    token.parse().ok()
}

/// Compact JSON text, as serde_json's `Display` without `{:#}`.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::jsontext::text(self))
    }
}

/// serde_json's comparisons with plain values (`v == "x"`, `v == 3`).
macro_rules! eq_with {
    ($($t:ty => $as:ident as $wide:ty),*) => {$(
        impl PartialEq<$t> for Value {
            fn eq(&self, other: &$t) -> bool {
                self.$as().is_some_and(|v| v == *other as $wide)
            }
        }
        impl PartialEq<$t> for &Value {
            fn eq(&self, other: &$t) -> bool {
                **self == *other
            }
        }
        impl PartialEq<Value> for $t {
            fn eq(&self, other: &Value) -> bool {
                other == self
            }
        }
    )*};
}
eq_with!(bool => as_bool as bool, i8 => as_i64 as i64, i16 => as_i64 as i64,
    i32 => as_i64 as i64, i64 => as_i64 as i64, isize => as_i64 as i64, u8 => as_u64 as u64,
    u16 => as_u64 as u64, u32 => as_u64 as u64, u64 => as_u64 as u64, usize => as_u64 as u64,
    f32 => as_f64 as f64, f64 => as_f64 as f64);

impl PartialEq<str> for Value {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == Some(other)
    }
}

impl PartialEq<&str> for Value {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == Some(*other)
    }
}

impl PartialEq<String> for Value {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == Some(other.as_str())
    }
}

impl PartialEq<Value> for &str {
    fn eq(&self, other: &Value) -> bool {
        other == self
    }
}

/// A JSON object: entries sorted by key (bytes), found by binary search. Generic in name
/// only, so `Map<String, Value>` reads as serde_json's.
#[derive(Clone, Debug, PartialEq)]
pub struct Map<K, V> {
    entries: Vec<(K, V)>,
}

impl Default for Map<String, Value> {
    fn default() -> Self {
        Map::new()
    }
}

type Entries<'a> = core::slice::Iter<'a, (String, Value)>;
type EntriesMut<'a> = core::slice::IterMut<'a, (String, Value)>;

impl Map<String, Value> {
    pub fn new() -> Self {
        Map {
            entries: Vec::new(),
        }
    }

    /// An object's entries in the order a document lists them, as inserting them one by one
    /// would leave them (sorted by key, the last of equal keys kept), in O(n log n): one by
    /// one, every key out of order would shift the entries after it, quadratic on a document
    /// that lists many keys in reverse.
    pub fn from_entries(entries: Vec<(String, Value)>) -> Self {
        if entries.windows(2).all(|w| w[0].0 < w[1].0) {
            return Map { entries };
        }
        let order = sorted_by_key(&entries);
        let mut entries = entries;
        let mut out: Vec<(String, Value)> = Vec::with_capacity(entries.len());
        for at in order {
            // Each index comes once: taking it leaves an empty key and a null behind, not a
            // `Vec<Option<_>>` copy of the entries (less wasm).
            let Some(entry) = entries.get_mut(at as usize).map(core::mem::take) else {
                continue;
            };
            match out.last_mut() {
                Some(last) if last.0 == entry.0 => *last = entry,
                _ => out.push(entry),
            }
        }
        Map { entries: out }
    }

    pub fn with_capacity(n: usize) -> Self {
        Map {
            entries: Vec::with_capacity(n),
        }
    }

    /// Where `key` is (`Ok`) or would go (`Err`).
    fn find<Q: Ord + ?Sized>(&self, key: &Q) -> Result<usize, usize>
    where
        String: Borrow<Q>,
    {
        self.entries.binary_search_by(|(k, _)| k.borrow().cmp(key))
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn clear(&mut self) {
        self.entries.clear()
    }

    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&Value>
    where
        String: Borrow<Q>,
    {
        let at = self.find(key).ok()?;
        self.entries.get(at).map(|(_, v)| v)
    }

    pub fn get_mut<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<&mut Value>
    where
        String: Borrow<Q>,
    {
        let at = self.find(key).ok()?;
        self.entries.get_mut(at).map(|(_, v)| v)
    }

    pub fn contains_key<Q: Ord + ?Sized>(&self, key: &Q) -> bool
    where
        String: Borrow<Q>,
    {
        self.find(key).is_ok()
    }

    /// The value before, if the key was there (its place kept).
    pub fn insert(&mut self, key: String, v: Value) -> Option<Value> {
        // Objects are mostly read and built in key order: appending needs no search.
        if self.entries.last().is_none_or(|(last, _)| *last < key) {
            self.entries.push((key, v));
            return None;
        }
        match self.find(key.as_str()) {
            Ok(at) => self
                .entries
                .get_mut(at)
                .map(|(_, old)| core::mem::replace(old, v)),
            Err(at) => {
                self.entries.insert(at, (key, v));
                None
            }
        }
    }

    pub fn remove<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<Value>
    where
        String: Borrow<Q>,
    {
        let at = self.find(key).ok()?;
        Some(self.entries.remove(at).1)
    }

    /// The value at `key`, inserted by the `Entry` when absent.
    pub fn entry<S: Into<String>>(&mut self, key: S) -> Entry<'_> {
        let key = key.into();
        let at = self.find(key.as_str());
        Entry { map: self, key, at }
    }

    pub fn retain(&mut self, mut keep: impl FnMut(&String, &mut Value) -> bool) {
        self.entries.retain_mut(|(k, v)| keep(k, v))
    }

    /// Moves every entry of `other` in (replacing equal keys), leaving it empty.
    pub fn append(&mut self, other: &mut Self) {
        for (k, v) in other.entries.drain(..) {
            self.insert(k, v);
        }
    }

    pub fn iter(&self) -> Iter<'_> {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    pub fn iter_mut(&mut self) -> IterMut<'_> {
        self.entries.iter_mut().map(|(k, v)| (&*k, v))
    }

    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &String> + ExactSizeIterator {
        self.entries.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl DoubleEndedIterator<Item = &Value> + ExactSizeIterator {
        self.entries.iter().map(|(_, v)| v)
    }

    pub fn values_mut(
        &mut self,
    ) -> impl DoubleEndedIterator<Item = &mut Value> + ExactSizeIterator {
        self.entries.iter_mut().map(|(_, v)| v)
    }
}

pub type Iter<'a> =
    core::iter::Map<Entries<'a>, fn(&'a (String, Value)) -> (&'a String, &'a Value)>;
pub type IterMut<'a> =
    core::iter::Map<EntriesMut<'a>, fn(&'a mut (String, Value)) -> (&'a String, &'a mut Value)>;

/// A key's place in a `Map`, found once (`Map::entry`).
pub struct Entry<'a> {
    map: &'a mut Map<String, Value>,
    key: String,
    at: Result<usize, usize>,
}

impl<'a> Entry<'a> {
    pub fn or_insert(self, v: Value) -> &'a mut Value {
        self.or_insert_with(|| v)
    }

    pub fn or_insert_with(self, make: impl FnOnce() -> Value) -> &'a mut Value {
        let at = match self.at {
            Ok(at) => at,
            Err(at) => {
                self.map.entries.insert(at, (self.key, make()));
                at
            }
        };
        // `at` is in bounds: found, or just inserted there.
        match self.map.entries.get_mut(at) {
            Some((_, v)) => v,
            None => unreachable!(),
        }
    }
}

impl<'a> IntoIterator for &'a Map<String, Value> {
    type Item = (&'a String, &'a Value);
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

impl<'a> IntoIterator for &'a mut Map<String, Value> {
    type Item = (&'a String, &'a mut Value);
    type IntoIter = IterMut<'a>;

    fn into_iter(self) -> IterMut<'a> {
        self.iter_mut()
    }
}

impl IntoIterator for Map<String, Value> {
    type Item = (String, Value);
    type IntoIter = alloc::vec::IntoIter<(String, Value)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl<K: Into<String>, V: Into<Value>> Extend<(K, V)> for Map<String, Value> {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, items: I) {
        for (k, v) in items {
            self.insert(k.into(), v.into());
        }
    }
}

impl<K: Into<String>, V: Into<Value>> FromIterator<(K, V)> for Map<String, Value> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(items: I) -> Self {
        let mut map = Map::new();
        map.extend(items);
        map
    }
}

impl<Q: Ord + ?Sized> core::ops::Index<&Q> for Map<String, Value>
where
    String: Borrow<Q>,
{
    type Output = Value;

    fn index(&self, key: &Q) -> &Value {
        match self.get(key) {
            Some(v) => v,
            None => panic!("no entry found for key"),
        }
    }
}

/// The server and the tests still hold serde_json's documents: they cross into the crate's
/// type here (same kinds, same numbers, same order).
#[cfg(not(target_arch = "wasm32"))]
mod host {
    use super::{Map, Number, Value, N};

    impl From<serde_json::Value> for Value {
        fn from(v: serde_json::Value) -> Value {
            match v {
                serde_json::Value::Null => Value::Null,
                serde_json::Value::Bool(b) => Value::Bool(b),
                serde_json::Value::Number(n) => Value::Number(n.into()),
                serde_json::Value::String(s) => Value::String(s),
                serde_json::Value::Array(items) => items.into_iter().collect(),
                serde_json::Value::Object(map) => Value::Object(map.into_iter().collect()),
            }
        }
    }

    impl From<&serde_json::Value> for Value {
        fn from(v: &serde_json::Value) -> Value {
            v.clone().into()
        }
    }

    impl From<serde_json::Number> for Number {
        fn from(n: serde_json::Number) -> Number {
            let n = match (n.as_u64(), n.as_i64()) {
                (Some(u), _) => N::PosInt(u),
                (None, Some(i)) => N::NegInt(i),
                _ => N::Float(n.as_f64().unwrap_or_default()),
            };
            Number { n }
        }
    }

    impl From<Value> for serde_json::Value {
        fn from(v: Value) -> serde_json::Value {
            match v {
                Value::Null => serde_json::Value::Null,
                Value::Bool(b) => serde_json::Value::Bool(b),
                Value::Number(n) => serde_json::Value::Number(n.into()),
                Value::String(s) => serde_json::Value::String(s),
                Value::Array(items) => items.into_iter().map(serde_json::Value::from).collect(),
                Value::Object(map) => {
                    serde_json::Value::Object(map.into_iter().map(|(k, v)| (k, v.into())).collect())
                }
            }
        }
    }

    impl From<Number> for serde_json::Number {
        fn from(n: Number) -> serde_json::Number {
            match n.n {
                N::PosInt(u) => u.into(),
                N::NegInt(i) => i.into(),
                // Finite: `Number` holds no other float.
                N::Float(f) => serde_json::Number::from_f64(f).unwrap_or(0.into()),
            }
        }
    }

    /// Through serde_json's own tree: the server embeds the crate's values in its `json!`.
    impl serde::Serialize for Value {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            serde_json::Value::from(self.clone()).serialize(s)
        }
    }

    impl<'de> serde::Deserialize<'de> for Value {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Value, D::Error> {
            serde_json::Value::deserialize(d).map(Value::from)
        }
    }

    impl serde::Serialize for Map<String, Value> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            serde_json::Value::from(Value::Object(self.clone())).serialize(s)
        }
    }
}

/// The entries' positions sorted by key, equal keys in their order: a heapsort of the
/// positions by (key, position), which is unique, so that no order is left to chance (std's
/// stable sort would add its own copy of a sort to the wasm; `order` sorts by numbers).
fn sorted_by_key(entries: &[(String, Value)]) -> Vec<u32> {
    let mut at: Vec<u32> = (0..entries.len() as u32).collect();
    let less =
        |a: u32, b: u32| (entries[a as usize].0.as_str(), a) < (entries[b as usize].0.as_str(), b);
    // Moves `heap[root]` down until no child of it is larger.
    let sift = |heap: &mut [u32], mut root: usize| loop {
        let mut child = 2 * root + 1;
        if child + 1 < heap.len() && less(heap[child], heap[child + 1]) {
            child += 1;
        }
        if child >= heap.len() || !less(heap[root], heap[child]) {
            return;
        }
        heap.swap(root, child);
        root = child;
    };
    for root in (0..at.len() / 2).rev() {
        sift(&mut at, root);
    }
    for end in (1..at.len()).rev() {
        at.swap(0, end);
        sift(&mut at[..end], 0);
    }
    at
}

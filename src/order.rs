//! One sort for the engine's rankings (campaigns by priority, a slot's candidates by
//! score, due replenishments by urgency). Each `sort_unstable_by` call site compiles its
//! own copy of the standard library's sort, about 2.3 KB of wasm each; here every ranking
//! sorts the same key type through one copy, and the items follow.

/// Sorts `items` by `key`, ascending: the `f64` by `total_cmp`, then the `u32`, then the
/// items' current order (so equal keys keep it). Negate the `f64` for a descending order.
pub fn sort_by_key<T>(items: &mut Vec<T>, key: impl Fn(&T) -> (f64, u32)) {
    let mut keys: Vec<(f64, u32, u32)> = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let (a, b) = key(item);
        keys.push((a, b, i as u32));
    }
    sort_keys(&mut keys);
    let mut slots: Vec<Option<T>> = std::mem::take(items).into_iter().map(Some).collect();
    items.extend(keys.iter().filter_map(|k| slots[k.2 as usize].take()));
}

#[inline(never)]
fn sort_keys(keys: &mut [(f64, u32, u32)]) {
    keys.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_by_number_then_integer_and_keeps_the_order_of_ties() {
        let mut v = vec![
            ("c", 2.0, 1),
            ("a", 1.0, 5),
            ("b", 2.0, 0),
            ("d", 1.0, 5),
            ("e", -0.5, 9),
        ];
        sort_by_key(&mut v, |x| (x.1, x.2));
        let names: Vec<&str> = v.iter().map(|x| x.0).collect();
        assert_eq!(names, ["e", "a", "d", "b", "c"]);
        let mut w = vec![3.0_f64, 9.0, 1.0];
        sort_by_key(&mut w, |x| (-x, 0));
        assert_eq!(w, [9.0, 3.0, 1.0]);
        let mut empty: Vec<u8> = Vec::new();
        sort_by_key(&mut empty, |_| (0.0, 0));
        assert!(empty.is_empty());
    }
}

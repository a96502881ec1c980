//! One sort for the engine's rankings (campaigns by priority, a slot's candidates by
//! score, due replenishments by urgency). Each `sort_unstable_by` call site compiles its
//! own copy of the standard library's sort, about 2.3 KB of wasm each; here every ranking
//! sorts the same key type through one small heapsort, and the items follow.

use crate::prelude::*;

/// Sorts `items` by `key`, ascending: the `f64` by `total_cmp`, then the `u32`, then the
/// items' current order (so equal keys keep it). Negate the `f64` for a descending order.
pub fn sort_by_key<T>(items: &mut [T], key: impl Fn(&T) -> (f64, u32)) {
    let mut keys: Vec<(f64, u32, u32)> = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let (a, b) = key(item);
        keys.push((a, b, i as u32));
    }
    for (a, b) in swaps(keys) {
        items.swap(a, b);
    }
}

/// The keys sorted, as the swaps that move each item to its place (place k takes the item
/// that was at `keys[k].2`), one cycle of the permutation after another. Not generic, so an
/// item type adds only the loop above to the wasm.
#[inline(never)]
fn swaps(mut keys: Vec<(f64, u32, u32)>) -> Vec<(usize, usize)> {
    sort_keys(&mut keys);
    let mut out = Vec::new();
    for start in 0..keys.len() {
        let mut at = start;
        loop {
            // Place `at` is done once it takes the item at `keys[at].2`, which then names
            // `at` itself; the cycle closes back at `start`.
            let next = core::mem::replace(&mut keys[at].2, at as u32) as usize;
            if next == start {
                break;
            }
            out.push((at, next));
            at = next;
        }
    }
    out
}

/// A heapsort. Every key is distinct (the position is part of it), so any correct sort
/// gives the same order; this one is a few hundred bytes of wasm where std's
/// `sort_unstable_by` was 3.4 KB (quicksort, small-sort networks, a heapsort fallback), and
/// the rankings sorted here are tens to hundreds of items.
#[inline(never)]
fn sort_keys(keys: &mut [(f64, u32, u32)]) {
    for root in (0..keys.len() / 2).rev() {
        sift_down(keys, root);
    }
    for end in (1..keys.len()).rev() {
        keys.swap(0, end);
        sift_down(&mut keys[..end], 0);
    }
}

/// Moves `heap[root]` down until no child of it is larger.
fn sift_down(heap: &mut [(f64, u32, u32)], mut root: usize) {
    let less = |a: &(f64, u32, u32), b: &(f64, u32, u32)| {
        a.0.total_cmp(&b.0)
            .then(a.1.cmp(&b.1))
            .then(a.2.cmp(&b.2))
            .is_lt()
    };
    loop {
        let mut child = 2 * root + 1;
        if child + 1 < heap.len() && less(&heap[child], &heap[child + 1]) {
            child += 1;
        }
        if child >= heap.len() || !less(&heap[root], &heap[child]) {
            return;
        }
        heap.swap(root, child);
        root = child;
    }
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
        // Many items with many ties: the order of a stable sort by the key.
        let mut seed = 7u32;
        let mut many: Vec<(f64, u32, usize)> = (0..1000)
            .map(|i| {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                (f64::from(seed >> 28) - 4.0, (seed >> 20) % 3, i)
            })
            .collect();
        let mut expected = many.clone();
        expected.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        sort_by_key(&mut many, |x| (x.0, x.1));
        assert_eq!(many, expected);
        let mut empty: Vec<u8> = Vec::new();
        sort_by_key(&mut empty, |_| (0.0, 0));
        assert!(empty.is_empty());
    }
}

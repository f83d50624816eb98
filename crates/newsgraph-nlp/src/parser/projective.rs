//! Tree checks and pseudo-projective transformation (Nivre & Nilsson 2005): a gold tree in,
//! a projective tree with some relabelled lifted arcs out; and back, after parsing.
//!
//! The transition system only builds projective trees, so every non-projective training arc
//! is lifted (its dependent re-attached to the head's head, shortest arc first) until the
//! tree is projective. A lifted arc can carry the relation of its original head in its label
//! ("head" encoding); after parsing, such an arc is lowered again by a breadth-first search
//! below its head for a token with that relation.

/// True when `heads` (1-based heads of tokens 1..=n, 0 for the root) form a tree with
/// exactly one root word.
pub(crate) fn is_tree(heads: &[u32]) -> bool {
    let n = heads.len();
    if heads.iter().any(|&h| h as usize > n) || heads.iter().filter(|&&h| h == 0).count() != 1 {
        return false;
    }
    // 0 = unvisited, 1 = on the current path, 2 = known to reach the root.
    let mut mark = vec![0u8; n + 1];
    mark[0] = 2;
    let mut path = Vec::new();
    for start in 1..=n {
        let mut t = start;
        while mark[t] == 0 {
            mark[t] = 1;
            path.push(t);
            t = heads[t - 1] as usize;
        }
        if mark[t] == 1 {
            return false;
        }
        for &p in &path {
            mark[p] = 2;
        }
        path.clear();
    }
    true
}

/// Pre-order entry and exit times of each token (0..=n) in the tree, computed without
/// recursion, so that "a dominates b" is `enter[a] <= enter[b] && enter[b] < leave[a]`.
fn dfs_times(heads: &[u32]) -> (Vec<u32>, Vec<u32>) {
    let n = heads.len();
    let mut start = vec![0usize; n + 2];
    for &h in heads {
        start[h as usize + 1] += 1;
    }
    for i in 1..start.len() {
        start[i] += start[i - 1];
    }
    let mut fill = start.clone();
    let mut kids = vec![0u32; n];
    for (i, &h) in heads.iter().enumerate() {
        kids[fill[h as usize]] = i as u32 + 1;
        fill[h as usize] += 1;
    }
    let mut enter = vec![0u32; n + 1];
    let mut leave = vec![0u32; n + 1];
    let mut clock = 0u32;
    // (node, index of the next child to visit)
    let mut stack = vec![(0usize, start[0])];
    enter[0] = clock;
    clock += 1;
    while let Some(top) = stack.last_mut() {
        let (node, next) = *top;
        if next < start[node + 1] {
            top.1 += 1;
            let c = kids[next] as usize;
            enter[c] = clock;
            clock += 1;
            stack.push((c, start[c]));
        } else {
            leave[node] = clock;
            stack.pop();
        }
    }
    (enter, leave)
}

/// The shortest non-projective arc (ties: leftmost dependent), as its dependent (1-based).
fn shortest_non_projective(heads: &[u32]) -> Option<usize> {
    let (enter, leave) = dfs_times(heads);
    let mut best: Option<(u32, usize)> = None;
    for (i, &h) in heads.iter().enumerate() {
        let d = i as u32 + 1;
        let (lo, hi) = if h < d { (h, d) } else { (d, h) };
        let len = hi - lo;
        if best.is_some_and(|(l, _)| l <= len) {
            continue;
        }
        let h = h as usize;
        let covered = (lo + 1..hi).all(|k| {
            let k = k as usize;
            enter[h] <= enter[k] && enter[k] < leave[h]
        });
        if !covered {
            best = Some((len, i + 1));
        }
    }
    best.map(|(_, d)| d)
}

/// Lifts arcs until the tree is projective. Returns each lifted dependent (1-based) with its
/// original head. `heads` must be a tree (see [`is_tree`]); it stays one.
pub(crate) fn projectivize(heads: &mut [u32]) -> Vec<(usize, u32)> {
    let original = heads.to_vec();
    let mut lifted = Vec::new();
    while let Some(d) = shortest_non_projective(heads) {
        let h = heads[d - 1] as usize;
        // Arcs from the artificial root cover everything and are never non-projective.
        if h == 0 {
            break;
        }
        heads[d - 1] = heads[h - 1];
        if !lifted.iter().any(|&(x, _)| x == d) {
            lifted.push((d, original[d - 1]));
        }
    }
    lifted.sort_unstable();
    lifted
}

/// Lowers lifted arcs after parsing. `heads` are 1-based heads of tokens 1..=n and
/// `labels` the tokens' base-label ids; `lift[i]` is `Some(r)` when token i+1's arc was
/// predicted as lifted from a head whose base label is `r`. A lifted token is re-attached to
/// the first token with label `r` found breadth-first below its predicted head, outside its
/// own subtree. The work is capped at a constant times n, so the pass stays linear.
pub(crate) fn deprojectivize(heads: &mut [u32], labels: &[u16], lift: &[Option<u16>]) {
    let n = heads.len();
    if lift.iter().all(Option::is_none) {
        return;
    }
    let mut budget = 64 * n + 4096;
    let mut start = vec![0usize; n + 2];
    let mut kids = vec![0u32; n];
    let mut queue: Vec<u32> = Vec::new();
    for d in 1..=n {
        let Some(want) = lift[d - 1] else { continue };
        // Children lists reflect the re-attachments made so far.
        if budget < 3 * n {
            return;
        }
        budget -= 3 * n;
        start.iter_mut().for_each(|s| *s = 0);
        for &h in heads.iter() {
            start[h as usize + 1] += 1;
        }
        for i in 1..start.len() {
            start[i] += start[i - 1];
        }
        let mut fill = start.clone();
        for (i, &h) in heads.iter().enumerate() {
            kids[fill[h as usize]] = i as u32 + 1;
            fill[h as usize] += 1;
        }
        let h = heads[d - 1];
        queue.clear();
        queue.push(h);
        let mut found = None;
        let mut at = 0;
        while at < queue.len() && found.is_none() {
            let t = queue[at] as usize;
            at += 1;
            for &c in &kids[start[t]..start[t + 1]] {
                if c as usize == d {
                    continue;
                }
                if labels[c as usize - 1] == want {
                    found = Some(c);
                    break;
                }
                queue.push(c);
            }
        }
        if let Some(target) = found {
            heads[d - 1] = target;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tree_checks() {
        assert!(is_tree(&[0]));
        assert!(is_tree(&[2, 0, 2]));
        assert!(!is_tree(&[0, 0]));
        assert!(!is_tree(&[2, 1, 0]));
        assert!(!is_tree(&[5, 0]));
        assert!(!is_tree(&[]));
    }

    #[test]
    fn lifting_makes_projective_trees() {
        // "A hearing is scheduled on the issue today": 2 → 5 crosses 3/4's arcs.
        let cases: &[&[u32]] = &[
            &[2, 4, 4, 0, 2, 7, 5, 4],
            &[3, 4, 0, 3, 1],
            &[0, 4, 1, 1, 2],
            &[2, 0, 2, 1, 3, 4, 5, 1],
        ];
        for &orig in cases {
            assert!(is_tree(orig), "{orig:?}");
            let mut heads = orig.to_vec();
            let lifted = projectivize(&mut heads);
            assert!(is_tree(&heads), "{orig:?} → {heads:?}");
            assert!(shortest_non_projective(&heads).is_none(), "{heads:?}");
            for (i, (&a, &b)) in orig.iter().zip(heads.iter()).enumerate() {
                if a != b {
                    assert!(lifted.iter().any(|&(d, h)| d == i + 1 && h == a));
                }
            }
        }
    }

    #[test]
    fn lowering_undoes_a_lift() {
        // "A hearing is scheduled on the issue today": "issue" (7) hangs from "hearing" (2)
        // across the root "scheduled" (4), and is lifted to 4.
        let orig = [2, 4, 4, 0, 7, 7, 2, 4];
        let mut heads = orig.to_vec();
        let lifted = projectivize(&mut heads);
        assert_eq!(lifted, vec![(7, 2)]);
        assert_eq!(heads[6], 4);
        let labels: Vec<u16> = (0..8).collect();
        let mut lift = vec![None; 8];
        lift[6] = Some(labels[1]);
        deprojectivize(&mut heads, &labels, &lift);
        assert_eq!(heads, orig);
    }
}

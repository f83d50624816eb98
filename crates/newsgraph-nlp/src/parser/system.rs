//! The arc-hybrid transition system: a parser configuration, its legal moves, and the dynamic
//! oracle that tells, for any configuration, how many gold arcs each move would lose.
//!
//! Tokens are numbered 1..=n and 0 is the artificial root, which sits at the bottom of the
//! stack for the whole parse. The buffer is always a suffix of the sentence, so it is a single
//! index. Moves (Kuhlmann et al. 2011; Goldberg & Nivre 2013):
//!
//! * SHIFT: push the first buffer token;
//! * LEFT(l): pop the stack top and make it an `l` dependent of the first buffer token;
//! * RIGHT(l): pop the stack top and make it an `l` dependent of the token under it.
//!
//! RIGHT onto the artificial root is only allowed once the buffer is empty and a single word
//! is left on the stack, which makes every parse a tree with exactly one `root` word. Every
//! configuration that is not final has a legal move and each move is O(1), so a sentence of
//! n tokens takes exactly 2n moves.

/// Marks "no token" in child slots (the artificial root is never anyone's child).
pub(crate) const NO_TOKEN: u32 = 0;
/// Marks a token that has no head yet.
pub(crate) const NO_HEAD: u32 = u32::MAX;
/// Label of the arc from the artificial root.
pub(crate) const ROOT_LABEL: u16 = u16::MAX;
/// Label slot of a token without an incoming arc.
pub(crate) const NO_LABEL: u16 = u16::MAX - 1;

/// Class id of SHIFT; LEFT(l) is `1 + l` and RIGHT(l) is `1 + labels + l`.
pub(crate) const SHIFT: usize = 0;

/// What the feature templates need to know about one token's attachments so far.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Node {
    /// Head index, or [`NO_HEAD`].
    pub head: u32,
    /// Label id of the incoming arc, [`NO_LABEL`] or [`ROOT_LABEL`].
    pub label: u16,
    /// Leftmost dependent.
    pub left1: u32,
    /// Second leftmost dependent.
    pub left2: u32,
    /// Rightmost dependent.
    pub right1: u32,
    /// Second rightmost dependent.
    pub right2: u32,
    /// Set of base labels of the left dependents (bit `base % 64`).
    pub left_labels: u64,
    /// Set of base labels of the right dependents.
    pub right_labels: u64,
}

impl Node {
    const EMPTY: Node = Node {
        head: NO_HEAD,
        label: NO_LABEL,
        left1: NO_TOKEN,
        left2: NO_TOKEN,
        right1: NO_TOKEN,
        right2: NO_TOKEN,
        left_labels: 0,
        right_labels: 0,
    };
}

/// One parser configuration.
#[derive(Clone, Debug, Default)]
pub(crate) struct State {
    /// Stack of token indices; `stack[0]` is the artificial root.
    pub stack: Vec<u32>,
    /// First buffer token; the buffer is empty when this exceeds `n`.
    pub next: u32,
    /// Number of words.
    pub n: u32,
    /// Per token 0..=n.
    pub nodes: Vec<Node>,
}

/// A move, decoded from its class id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Move {
    /// Push the first buffer token.
    Shift,
    /// Stack top becomes a dependent of the first buffer token.
    Left(u16),
    /// Stack top becomes a dependent of the token under it.
    Right(u16),
}

impl Move {
    /// Decodes a class id given the number of labels.
    pub(crate) fn from_class(class: usize, labels: usize) -> Move {
        if class == SHIFT {
            Move::Shift
        } else if class <= labels {
            Move::Left((class - 1) as u16)
        } else {
            Move::Right((class - 1 - labels) as u16)
        }
    }
}

impl State {
    /// Resets to the initial configuration for `n` words, reusing the buffers.
    pub(crate) fn reset(&mut self, n: usize) {
        self.n = n as u32;
        self.next = 1;
        self.stack.clear();
        self.stack.push(0);
        self.nodes.clear();
        self.nodes.resize(n + 1, Node::EMPTY);
    }

    /// True when the buffer is empty.
    #[inline]
    pub(crate) fn buffer_empty(&self) -> bool {
        self.next > self.n
    }

    /// True when only the final attachment to the root is left.
    #[inline]
    pub(crate) fn needs_root(&self) -> bool {
        self.buffer_empty() && self.stack.len() == 2
    }

    /// True when every word has its head.
    #[inline]
    pub(crate) fn is_final(&self) -> bool {
        self.buffer_empty() && self.stack.len() <= 1
    }

    /// SHIFT is legal.
    #[inline]
    pub(crate) fn can_shift(&self) -> bool {
        !self.buffer_empty()
    }

    /// LEFT is legal: a word on the stack and a token in the buffer.
    #[inline]
    pub(crate) fn can_left(&self) -> bool {
        !self.buffer_empty() && self.stack.len() >= 2
    }

    /// RIGHT is legal: two words on the stack (arcs from the root wait for the end).
    #[inline]
    pub(crate) fn can_right(&self) -> bool {
        self.stack.len() >= 3
    }

    /// The i-th stack item from the top, if any (the artificial root included).
    #[inline]
    pub(crate) fn stack_at(&self, i: usize) -> Option<u32> {
        let len = self.stack.len();
        if i < len {
            Some(self.stack[len - 1 - i])
        } else {
            None
        }
    }

    /// The i-th buffer token, if any.
    #[inline]
    pub(crate) fn buffer_at(&self, i: u32) -> Option<u32> {
        let t = self.next + i;
        if t <= self.n { Some(t) } else { None }
    }

    /// Applies a move that the caller has checked to be legal; `base` maps a label id to its
    /// base-label id (for the label-set features).
    pub(crate) fn apply(&mut self, mv: Move, base: &[u16]) {
        match mv {
            Move::Shift => {
                self.stack.push(self.next);
                self.next += 1;
            }
            Move::Left(l) => {
                if let Some(d) = self.stack.pop() {
                    self.attach(self.next, d, l, base);
                }
            }
            Move::Right(l) => {
                if let Some(d) = self.stack.pop()
                    && let Some(&h) = self.stack.last()
                {
                    self.attach(h, d, l, base);
                }
            }
        }
    }

    /// Attaches the last word to the artificial root.
    pub(crate) fn attach_root(&mut self) {
        if let Some(d) = self.stack.pop() {
            let node = &mut self.nodes[d as usize];
            node.head = 0;
            node.label = ROOT_LABEL;
        }
    }

    fn attach(&mut self, h: u32, d: u32, l: u16, base: &[u16]) {
        let bit = 1u64 << (base.get(usize::from(l)).copied().unwrap_or(0) % 64);
        {
            let dn = &mut self.nodes[d as usize];
            dn.head = h;
            dn.label = l;
        }
        let hn = &mut self.nodes[h as usize];
        // Left dependents arrive nearest first and right dependents leftmost first, so the
        // newest one is always the outermost.
        if d < h {
            hn.left2 = hn.left1;
            hn.left1 = d;
            hn.left_labels |= bit;
        } else {
            hn.right2 = hn.right1;
            hn.right1 = d;
            hn.right_labels |= bit;
        }
    }

    /// True when token `t` is on the stack (tokens before the buffer that have no head yet).
    #[inline]
    fn on_stack(&self, t: u32) -> bool {
        t == 0 || (t < self.next && self.nodes[t as usize].head == NO_HEAD)
    }
}

/// A gold tree prepared for the oracle.
#[derive(Clone, Debug, Default)]
pub(crate) struct Gold {
    /// Gold head per token 0..=n (entry 0 unused).
    pub head: Vec<u32>,
    /// Gold label id per token (entry 0 unused; the root word has [`ROOT_LABEL`]).
    pub label: Vec<u16>,
    /// Dependents of token t: `deps[dep_start[t]..dep_start[t + 1]]`.
    pub dep_start: Vec<u32>,
    /// Dependents, grouped by head.
    pub deps: Vec<u32>,
}

impl Gold {
    /// Builds the oracle's view of a tree given as heads (0 = root) and label ids, both
    /// indexed by token 1..=n at positions 0..n.
    pub(crate) fn new(heads: &[u32], labels: &[u16]) -> Gold {
        let n = heads.len();
        let mut head = Vec::with_capacity(n + 1);
        head.push(0);
        head.extend_from_slice(heads);
        let mut label = Vec::with_capacity(n + 1);
        label.push(NO_LABEL);
        label.extend_from_slice(labels);
        let mut count = vec![0u32; n + 2];
        for &h in heads {
            count[h as usize + 1] += 1;
        }
        for i in 1..count.len() {
            count[i] += count[i - 1];
        }
        let dep_start = count.clone();
        let mut deps = vec![0u32; n];
        for (i, &h) in heads.iter().enumerate() {
            let slot = &mut count[h as usize];
            deps[*slot as usize] = i as u32 + 1;
            *slot += 1;
        }
        Gold {
            head,
            label,
            dep_start,
            deps,
        }
    }

    fn deps_of(&self, t: u32) -> &[u32] {
        let t = t as usize;
        &self.deps[self.dep_start[t] as usize..self.dep_start[t + 1] as usize]
    }
}

/// Costs of the legal moves in one configuration: the number of gold arcs that stop being
/// reachable. LEFT and RIGHT cost one more for every label but the gold one when the arc
/// itself is gold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Costs {
    /// Cost of SHIFT, if legal.
    pub shift: Option<u32>,
    /// Unlabelled cost of LEFT, if legal, and the label that is free (when the arc is gold).
    pub left: Option<(u32, Option<u16>)>,
    /// Unlabelled cost of RIGHT, if legal, and the label that is free.
    pub right: Option<(u32, Option<u16>)>,
}

impl Costs {
    /// The cost of one class.
    pub(crate) fn of(&self, class: usize, labels: usize) -> Option<u32> {
        let labelled = |c: Option<(u32, Option<u16>)>, l: u16| {
            c.map(|(cost, free)| match free {
                Some(g) if g != l => cost + 1,
                _ => cost,
            })
        };
        match Move::from_class(class, labels) {
            Move::Shift => self.shift,
            Move::Left(l) => labelled(self.left, l),
            Move::Right(l) => labelled(self.right, l),
        }
    }
}

/// The dynamic oracle (Goldberg & Nivre 2013): exact for projective gold trees, since the
/// arc-hybrid system is arc-decomposable.
pub(crate) fn costs(state: &State, gold: &Gold) -> Costs {
    let next = state.next;
    let in_buffer = |t: u32| t >= next && t <= state.n;
    let shift = state.can_shift().then(|| {
        let b = next;
        let lost_deps = gold
            .deps_of(b)
            .iter()
            .filter(|&&d| d < b && state.on_stack(d))
            .count();
        let h = gold.head[b as usize];
        let s0 = state.stack_at(0);
        let lost_head = h < b && state.on_stack(h) && Some(h) != s0;
        lost_deps as u32 + u32::from(lost_head)
    });
    let s0 = state.stack_at(0).unwrap_or(0);
    let s0_deps_in_buffer = || gold.deps_of(s0).iter().filter(|&&d| in_buffer(d)).count() as u32;
    let h0 = gold.head.get(s0 as usize).copied().unwrap_or(0);
    let gold_label = |h: u32| (h0 == h).then(|| gold.label[s0 as usize]);
    let left = state.can_left().then(|| {
        let s1 = state.stack_at(1);
        let lost_head = h0 != next && (Some(h0) == s1 || (in_buffer(h0) && h0 > next));
        (s0_deps_in_buffer() + u32::from(lost_head), gold_label(next))
    });
    let right = state.can_right().then(|| {
        let s1 = state.stack_at(1).unwrap_or(0);
        (
            s0_deps_in_buffer() + u32::from(in_buffer(h0)),
            gold_label(s1),
        )
    });
    Costs { shift, left, right }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Follows zero-cost moves (the first or the last in class order) and returns the heads
    /// and labels built.
    fn follow_oracle(
        heads: &[u32],
        labels: &[u16],
        n_labels: usize,
        last: bool,
    ) -> Vec<(u32, u16)> {
        let gold = Gold::new(heads, labels);
        let base: Vec<u16> = (0..n_labels as u16).collect();
        let mut st = State::default();
        st.reset(heads.len());
        let classes = 1 + 2 * n_labels;
        let mut steps = 0;
        while !st.is_final() {
            if st.needs_root() {
                st.attach_root();
                continue;
            }
            let c = costs(&st, &gold);
            let mut zero = (0..classes).filter(|&k| c.of(k, n_labels) == Some(0));
            let k = if last { zero.next_back() } else { zero.next() };
            let k = k.expect("the oracle always offers a zero-cost move");
            st.apply(Move::from_class(k, n_labels), &base);
            steps += 1;
            assert!(steps <= 2 * heads.len());
        }
        st.nodes[1..].iter().map(|n| (n.head, n.label)).collect()
    }

    #[test]
    fn oracle_rebuilds_small_projective_trees() {
        // (heads, labels) with labels as small ids; ROOT_LABEL on the root word.
        let r = ROOT_LABEL;
        let cases: &[(&[u32], &[u16])] = &[
            (&[0], &[r]),
            (&[2, 0, 2], &[0, r, 1]),
            (&[2, 0, 4, 2, 2], &[0, r, 0, 1, 2]),
            (&[0, 1, 2, 3, 4], &[r, 1, 1, 1, 1]),
            (&[5, 5, 5, 5, 0], &[0, 1, 2, 0, r]),
            (&[3, 3, 0, 5, 3, 5, 3], &[0, 1, r, 2, 0, 1, 2]),
        ];
        for (heads, labels) in cases {
            for last in [false, true] {
                let built = follow_oracle(heads, labels, 3, last);
                let want: Vec<(u32, u16)> = heads
                    .iter()
                    .zip(labels.iter())
                    .map(|(&h, &l)| (h, l))
                    .collect();
                assert_eq!(built, want, "heads {heads:?}");
            }
        }
    }

    #[test]
    fn moves_are_legal_until_final() {
        let mut st = State::default();
        st.reset(3);
        assert!(st.can_shift() && !st.can_left() && !st.can_right());
        st.apply(Move::Shift, &[0]);
        assert!(st.can_left() && !st.can_right());
        st.apply(Move::Shift, &[0]);
        st.apply(Move::Shift, &[0]);
        assert!(st.buffer_empty() && st.can_right() && !st.can_left());
        st.apply(Move::Right(0), &[0]);
        st.apply(Move::Right(0), &[0]);
        assert!(st.needs_root());
        st.attach_root();
        assert!(st.is_final());
        assert_eq!(st.nodes[1].head, 0);
        assert_eq!(st.nodes[1].right1, 2);
        assert_eq!(st.nodes[2].right1, 3);
    }
}

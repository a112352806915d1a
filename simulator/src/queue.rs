//! The event queue: a min-heap ordered by `(time, sequence)`.
//!
//! Every scheduled event gets the next value of a sequence counter, so events due at the same microsecond
//! come out in the order they were scheduled (first in, first out). Nothing depends on the heap's internal
//! layout, so the order of processing is fully determined by the seed and the configuration.
//!
//! Events are never removed from the middle of the heap. Cancelled work (an idle timer whose instance was reused,
//! say) is detected when it is popped, with generation counters kept by the engine ("lazy deletion").
//!
//! The heap is 4-ary with the `(time, sequence)` pair packed into one `u128` key kept in its own array: that
//! halves the depth of a binary heap and makes each comparison a single wide integer compare.
//! The engine keeps several queues that share one sequence counter ([`EventQueue::push_with_seq`]) and merges
//! them by key ([`EventQueue::peek_key`]), which orders events exactly as one queue would. Request completions,
//! the busiest lane (one per request), go to a [`CalendarQueue`]: buckets of about a millisecond for the near
//! future, the heap for the rest, with exactly the heap's `(time, sequence)` order.

use crate::time::SimTime;

/// An event scheduled at `time`, as returned by [`EventQueue::pop`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scheduled<E> {
    /// When the event is due.
    pub time: SimTime,
    /// Scheduling order; breaks ties between equal times.
    pub seq: u64,
    /// What happens.
    pub event: E,
}

/// Packs `(time, seq)` into one key whose integer order is the lexicographic order of the pair.
#[inline]
pub fn pack_key(time: SimTime, seq: u64) -> u128 {
    (u128::from(time.0) << 64) | u128::from(seq)
}

/// Unpacks a key made by [`pack_key`].
#[inline]
pub fn unpack_key(key: u128) -> (SimTime, u64) {
    (SimTime((key >> 64) as u64), key as u64)
}

const ARITY: usize = 4;

/// A deterministic future-event list (4-ary min-heap on packed `(time, seq)` keys).
#[derive(Debug, Clone)]
pub struct EventQueue<E> {
    keys: Vec<u128>,
    events: Vec<E>,
    next_seq: u64,
}

impl<E: Copy> Default for EventQueue<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E: Copy> EventQueue<E> {
    /// An empty queue.
    pub fn new() -> Self {
        Self::with_capacity(0)
    }

    /// An empty queue with room for `n` events before it reallocates.
    pub fn with_capacity(n: usize) -> Self {
        EventQueue {
            keys: Vec::with_capacity(n),
            events: Vec::with_capacity(n),
            next_seq: 0,
        }
    }

    /// Schedules `event` at `time` with the queue's own sequence counter.
    #[inline]
    pub fn push(&mut self, time: SimTime, event: E) {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.push_with_seq(time, seq, event);
    }

    /// Schedules `event` at `(time, seq)`, for callers that share one counter between queues. Keys must be
    /// unique.
    #[inline(always)]
    pub fn push_with_seq(&mut self, time: SimTime, seq: u64, event: E) {
        let key = pack_key(time, seq);
        let mut i = self.keys.len();
        self.keys.push(key);
        self.events.push(event);
        while i > 0 {
            let parent = (i - 1) / ARITY;
            if self.keys[parent] <= key {
                break;
            }
            self.keys[i] = self.keys[parent];
            self.events[i] = self.events[parent];
            i = parent;
        }
        self.keys[i] = key;
        self.events[i] = event;
    }

    /// Removes and returns the earliest event (ties: the one scheduled first).
    ///
    /// Bottom-up deletion: the hole left at the root is moved down along the smallest children to a leaf (a
    /// branch-free minimum of four per level, no comparison with the element being re-inserted), then the last
    /// element is sifted up from there. The last element is usually among the latest keys, so it rarely moves up,
    /// and the per-level branch that a classic sift-down mispredicts about half the time is gone.
    #[inline]
    pub fn pop(&mut self) -> Option<Scheduled<E>> {
        let top_key = *self.keys.first()?;
        let top_event = self.events[0];
        let (last_key, last_event) = match (self.keys.pop(), self.events.pop()) {
            (Some(k), Some(e)) => (k, e),
            _ => return None,
        };
        let n = self.keys.len();
        if n > 0 {
            let mut i = 0;
            // Levels where all four children exist.
            loop {
                let first = ARITY * i + 1;
                let Some(ch) = self.keys.get(first..first + ARITY) else {
                    break;
                };
                let (a, b, c, d) = (ch[0], ch[1], ch[2], ch[3]);
                let (ab, iab) = if b < a { (b, 1) } else { (a, 0) };
                let (cd, icd) = if d < c { (d, 3) } else { (c, 2) };
                let (mk, im) = if cd < ab { (cd, icd) } else { (ab, iab) };
                let m = first + im;
                self.keys[i] = mk;
                self.events[i] = self.events[m];
                i = m;
            }
            // A last, partial group of children.
            let first = ARITY * i + 1;
            if first < n {
                let mut m = first;
                let mut mk = self.keys[first];
                for c in first + 1..n {
                    let k = self.keys[c];
                    if k < mk {
                        m = c;
                        mk = k;
                    }
                }
                self.keys[i] = mk;
                self.events[i] = self.events[m];
                i = m;
            }
            // Sift the last element up from the hole.
            while i > 0 {
                let parent = (i - 1) / ARITY;
                if self.keys[parent] <= last_key {
                    break;
                }
                self.keys[i] = self.keys[parent];
                self.events[i] = self.events[parent];
                i = parent;
            }
            self.keys[i] = last_key;
            self.events[i] = last_event;
        }
        let (time, seq) = unpack_key(top_key);
        Some(Scheduled {
            time,
            seq,
            event: top_event,
        })
    }

    /// The packed `(time, seq)` key of the earliest event, if any (see [`pack_key`]).
    #[inline]
    pub fn peek_key(&self) -> Option<u128> {
        self.keys.first().copied()
    }

    /// The time of the earliest event, if any.
    pub fn peek_time(&self) -> Option<SimTime> {
        self.peek_key().map(|k| unpack_key(k).0)
    }

    /// Number of pending events (including cancelled ones not yet popped).
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether no event is pending.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

/// `log2` of a [`CalendarQueue`] bucket's width in microseconds (1.024 ms).
const CAL_SHIFT: u32 = 10;
/// Buckets in a [`CalendarQueue`]'s ring (a power of two; 1,024 buckets span about 1.05 s, and stay in cache).
const CAL_BUCKETS: usize = 1024;
const CAL_WORDS: usize = CAL_BUCKETS / 64;

/// Where the earliest event of a [`CalendarQueue`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MinAt {
    /// Nothing queued.
    Empty,
    /// Ring bucket and position in it.
    Ring(usize, usize),
    /// The far heap's top.
    Far,
}

/// A future-event list for events due soon after "now" (request completions), with the same ordering as
/// [`EventQueue`]: by `(time, sequence)`.
///
/// Events due within the ring's span of the current bucket go to a ring of buckets of 2^10 µs (a calendar
/// queue: pushing is an append, popping looks at the first occupied bucket through a bitmap and takes the
/// smallest key in it, usually among one or two); later events go to a [`EventQueue`] heap. The earliest key
/// is cached, and always compared between the ring and the heap, so events never have to move between them.
///
/// Popped times must not decrease and pushed times must not precede the last popped time (a discrete-event
/// simulation's clock); an event pushed earlier than the ring's current bucket goes to the heap, so ordering
/// stays exact even then.
#[derive(Debug, Clone)]
pub struct CalendarQueue<E> {
    /// Bucket number (`time >> CAL_SHIFT`) of the ring's first bucket: ring events have numbers in
    /// `base..base + CAL_BUCKETS`, at index `number % CAL_BUCKETS`.
    base: u64,
    buckets: Vec<Vec<(u128, E)>>,
    /// Occupied ring buckets, one bit per bucket.
    occupied: [u64; CAL_WORDS],
    ring_len: usize,
    far: EventQueue<E>,
    /// Earliest key (`u128::MAX` when empty) and where it is.
    min_key: u128,
    min_at: MinAt,
}

impl<E: Copy> Default for CalendarQueue<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E: Copy> CalendarQueue<E> {
    /// An empty queue.
    pub fn new() -> Self {
        CalendarQueue {
            base: 0,
            buckets: (0..CAL_BUCKETS).map(|_| Vec::new()).collect(),
            occupied: [0; CAL_WORDS],
            ring_len: 0,
            far: EventQueue::new(),
            min_key: u128::MAX,
            min_at: MinAt::Empty,
        }
    }

    /// Schedules `event` at `(time, seq)`. Keys must be unique.
    #[inline(always)]
    pub fn push_with_seq(&mut self, time: SimTime, seq: u64, event: E) {
        let key = pack_key(time, seq);
        let b = time.0 >> CAL_SHIFT;
        let at = if b.wrapping_sub(self.base) < CAL_BUCKETS as u64 {
            let idx = (b as usize) & (CAL_BUCKETS - 1);
            let bucket = &mut self.buckets[idx];
            bucket.push((key, event));
            self.occupied[idx / 64] |= 1 << (idx % 64);
            self.ring_len += 1;
            MinAt::Ring(idx, bucket.len() - 1)
        } else {
            self.far.push_with_seq(time, seq, event);
            MinAt::Far
        };
        if key < self.min_key {
            self.min_key = key;
            self.min_at = at;
        }
    }

    /// The packed `(time, seq)` key of the earliest event, if any (see [`pack_key`]).
    #[inline]
    pub fn peek_key(&self) -> Option<u128> {
        (!matches!(self.min_at, MinAt::Empty)).then_some(self.min_key)
    }

    /// Removes and returns the earliest event (ties: the one scheduled first).
    #[inline]
    pub fn pop(&mut self) -> Option<Scheduled<E>> {
        let (key, event) = match self.min_at {
            MinAt::Empty => return None,
            MinAt::Ring(idx, pos) => {
                let bucket = &mut self.buckets[idx];
                let (key, event) = bucket.swap_remove(pos);
                if bucket.is_empty() {
                    self.occupied[idx / 64] &= !(1 << (idx % 64));
                }
                self.ring_len -= 1;
                (key, event)
            }
            MinAt::Far => {
                let s = self.far.pop()?;
                (pack_key(s.time, s.seq), s.event)
            }
        };
        let (time, seq) = unpack_key(key);
        // Every queued event is at or after `time`, so the ring may start at its bucket.
        let b = time.0 >> CAL_SHIFT;
        if b > self.base {
            self.base = b;
        }
        self.find_min();
        Some(Scheduled { time, seq, event })
    }

    /// Recomputes the cached minimum: the smallest key of the first occupied ring bucket, or the heap's top.
    #[inline]
    fn find_min(&mut self) {
        let (mut key, mut at) = match self.far.peek_key() {
            Some(k) => (k, MinAt::Far),
            None => (u128::MAX, MinAt::Empty),
        };
        if self.ring_len > 0 {
            if let Some(idx) = self.first_occupied() {
                let bucket = &self.buckets[idx];
                for (pos, &(k, _)) in bucket.iter().enumerate() {
                    if k < key {
                        key = k;
                        at = MinAt::Ring(idx, pos);
                    }
                }
            }
        }
        self.min_key = key;
        self.min_at = at;
    }

    /// Index of the first occupied bucket at or after the ring's start (wrapping around).
    #[inline]
    fn first_occupied(&self) -> Option<usize> {
        let start = (self.base as usize) & (CAL_BUCKETS - 1);
        let (w0, bit0) = (start / 64, start % 64);
        let first = self.occupied[w0] & (u64::MAX << bit0);
        if first != 0 {
            return Some(w0 * 64 + first.trailing_zeros() as usize);
        }
        for i in 1..=CAL_WORDS {
            let w = (w0 + i) % CAL_WORDS;
            let bits = if i == CAL_WORDS {
                // Back at the start word: only the bits before the start (the end of the ring).
                self.occupied[w] & !(u64::MAX << bit0)
            } else {
                self.occupied[w]
            };
            if bits != 0 {
                return Some(w * 64 + bits.trailing_zeros() as usize);
            }
        }
        None
    }

    /// Number of pending events.
    pub fn len(&self) -> usize {
        self.ring_len + self.far.len()
    }

    /// Whether no event is pending.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A min-structure over a fixed set of slots (one per function), each holding at most one key: the lane of
/// pending arrivals. A complete binary tree of packed keys (`u128::MAX` = empty); setting a slot updates its
/// path to the root, so there is no allocation and no sifting after construction.
#[derive(Debug, Clone)]
pub struct SlotQueue {
    size: usize,
    tree: Vec<u128>,
}

impl SlotQueue {
    /// `n` empty slots.
    pub fn new(n: usize) -> Self {
        let size = n.max(1).next_power_of_two();
        SlotQueue {
            size,
            tree: vec![u128::MAX; 2 * size],
        }
    }

    /// Sets slot `i` to `key` (`None` empties it). Out-of-range slots are ignored.
    #[inline]
    pub fn set(&mut self, i: usize, key: Option<u128>) {
        if i >= self.size {
            return;
        }
        let mut node = self.size + i;
        self.tree[node] = key.unwrap_or(u128::MAX);
        while node > 1 {
            node /= 2;
            let m = self.tree[2 * node].min(self.tree[2 * node + 1]);
            if self.tree[node] == m {
                break;
            }
            self.tree[node] = m;
        }
    }

    /// The smallest key and its slot, if any slot is set.
    #[inline]
    pub fn peek(&self) -> Option<(usize, u128)> {
        // The root is node 1 (for a single slot, the root is its leaf).
        let k = self.tree[1];
        if k == u128::MAX {
            return None;
        }
        let mut node = 1;
        while node < self.size {
            node = if self.tree[2 * node] == k {
                2 * node
            } else {
                2 * node + 1
            };
        }
        Some((node - self.size, k))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pops_in_time_order_and_ties_first_in_first_out() {
        let mut q = EventQueue::new();
        q.push(SimTime(30), 'a');
        q.push(SimTime(10), 'b');
        q.push(SimTime(30), 'c');
        q.push(SimTime(10), 'd');
        q.push(SimTime(20), 'e');
        q.push(SimTime(30), 'f');
        let order: Vec<(u64, char)> = std::iter::from_fn(|| q.pop())
            .map(|s| (s.time.0, s.event))
            .collect();
        assert_eq!(
            order,
            vec![
                (10, 'b'),
                (10, 'd'),
                (20, 'e'),
                (30, 'a'),
                (30, 'c'),
                (30, 'f')
            ]
        );
        assert!(q.is_empty());
    }

    #[test]
    fn random_workload_pops_sorted_by_time_then_seq() {
        // Pseudo-random times (a fixed LCG), interleaved pushes and pops, checked against a sort.
        let mut q = EventQueue::new();
        let mut x: u64 = 12345;
        let mut pushed = Vec::new();
        let mut popped = Vec::new();
        for round in 0..20_000u64 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let t = (x >> 33) % 500 + round / 4;
            q.push(SimTime(t), round);
            pushed.push((t, round));
            if round % 3 == 0 {
                if let Some(s) = q.pop() {
                    popped.push((s.time.0, s.event));
                }
            }
        }
        while let Some(s) = q.pop() {
            popped.push((s.time.0, s.event));
        }
        assert_eq!(popped.len(), pushed.len());
        // Every pop is the minimum of what was pending, so the sequence of popped keys restricted to any
        // window is consistent; check the global property that ties are FIFO and the multiset is equal.
        let mut a = popped.clone();
        a.sort_unstable();
        pushed.sort_unstable();
        assert_eq!(a, pushed);
        for w in popped.windows(2) {
            if w[0].0 == w[1].0 {
                assert!(w[0].1 < w[1].1, "ties must pop first-in first-out: {w:?}");
            }
        }
    }

    #[test]
    fn shared_counter_merges_like_one_queue() {
        let mut a: EventQueue<char> = EventQueue::new();
        let mut b: EventQueue<char> = EventQueue::new();
        a.push_with_seq(SimTime(5), 0, 'x');
        b.push_with_seq(SimTime(5), 1, 'y');
        a.push_with_seq(SimTime(5), 2, 'z');
        let mut out = Vec::new();
        loop {
            let take_a = match (a.peek_key(), b.peek_key()) {
                (Some(ka), Some(kb)) => ka < kb,
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => break,
            };
            let s = if take_a { a.pop() } else { b.pop() };
            out.extend(s.map(|s| s.event));
        }
        assert_eq!(out, vec!['x', 'y', 'z']);
        assert!(pack_key(SimTime(1), u64::MAX) < pack_key(SimTime(2), 0));
    }

    #[test]
    fn calendar_queue_pops_exactly_like_the_heap() {
        // A simulation-like workload: pushes at or after the last popped time, with near, tied and far times
        // (beyond the ring's span), and long idle gaps; compared pop by pop with the heap.
        for seed in [1u64, 2, 3, 4] {
            let mut heap: EventQueue<u64> = EventQueue::new();
            let mut cal: CalendarQueue<u64> = CalendarQueue::new();
            let mut x: u64 = 0x2545_F491_4F6C_DD1D ^ seed;
            let mut now = 0u64;
            let mut seq = 0u64;
            for round in 0..200_000u64 {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let pushes = (x % 3) as usize;
                for j in 0..pushes {
                    let r = x.rotate_left(8 * j as u32 + 5);
                    let dt = match r % 10 {
                        0 => 0,                                 // a tie with now
                        1 => (r >> 8) % 10_000_000_000,         // far (beyond the ring)
                        2 => (r >> 8) % 8_000_000,              // around the ring's span
                        3 => u64::from(round % 7 == 0) * 1_024, // a bucket boundary
                        _ => (r >> 8) % 300_000,                // near
                    };
                    let t = SimTime(now + dt);
                    heap.push_with_seq(t, seq, seq);
                    cal.push_with_seq(t, seq, seq);
                    seq += 1;
                }
                assert_eq!(cal.peek_key(), heap.peek_key(), "seed {seed} round {round}");
                assert_eq!(cal.len(), heap.len());
                if x % 5 < 2 || round % 1_000 == 999 {
                    let (a, b) = (heap.pop(), cal.pop());
                    assert_eq!(a, b, "seed {seed} round {round}");
                    if let Some(s) = a {
                        now = s.time.0;
                    }
                }
            }
            while let Some(s) = heap.pop() {
                assert_eq!(cal.pop(), Some(s));
            }
            assert!(cal.is_empty());
            assert_eq!(cal.pop(), None);
        }
    }

    #[test]
    fn slot_queue_tracks_the_minimum() {
        for n in [1usize, 2, 3, 5, 8, 13] {
            let mut q = SlotQueue::new(n);
            assert_eq!(q.peek(), None);
            let mut keys: Vec<Option<u128>> = vec![None; n];
            let mut x: u64 = 7 + n as u64;
            for step in 0..2_000u64 {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let i = (x >> 40) as usize % n;
                let key = if (x >> 20) % 5 == 0 {
                    None
                } else {
                    Some(pack_key(SimTime((x >> 33) % 1_000), step))
                };
                q.set(i, key);
                keys[i] = key;
                let expect = keys
                    .iter()
                    .enumerate()
                    .filter_map(|(j, k)| k.map(|k| (j, k)))
                    .min_by_key(|&(_, k)| k);
                assert_eq!(q.peek(), expect, "n={n} step={step}");
            }
        }
    }

    #[test]
    fn many_equal_times_keep_insertion_order() {
        let mut q = EventQueue::with_capacity(1000);
        for i in 0..1000u32 {
            q.push(SimTime(7), i);
        }
        assert_eq!(q.len(), 1000);
        assert_eq!(q.peek_time(), Some(SimTime(7)));
        for i in 0..1000u32 {
            assert_eq!(q.pop().map(|s| s.event), Some(i));
        }
    }
}

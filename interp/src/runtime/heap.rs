//! The garbage-collected heap (spec 4.2.3 "Store": `structs`, `arrays`,
//! `exns`): structures, arrays and exceptions in one arena, and a tracing
//! collector (mark from the roots, sweep the rest) that frees cycles too
//! (decision D14).
//!
//! The heap knows nothing of where the roots are: the store hands the
//! collector every root slot (its globals, tables and element segments, the
//! slots of every computation that is not running, the running one's, and
//! what the embedder rooted), and the collector follows references from
//! object to object. A slot says by itself whether it is a reference
//! (`slot::split`), so fields and stacks need no type information to be
//! traced; arrays of references store theirs packed in 8 bytes.
//!
//! Freed entries are reused, so an address is only meaningful while its
//! object is alive: an embedder keeps an object alive across calls that may
//! collect by rooting it (`Store::root`).

use super::slot::{self, Kind, Slot};
use crate::api::TagAddr;
use std::collections::{HashMap, HashSet};

/// How an array stores its elements: the width of each, and whether they
/// are references (stored packed, `slot::pack`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Elem {
    /// `i8`, 1 byte.
    I8,
    /// `i16`, 2 bytes.
    I16,
    /// `i32` or `f32`, 4 bytes.
    B32,
    /// `i64` or `f64`, 8 bytes.
    B64,
    /// `v128`, 16 bytes.
    V128,
    /// A reference, packed in 8 bytes.
    Ref,
}

impl Elem {
    /// The element representation of a storage type.
    pub(crate) fn of(st: crate::syntax::StorageType) -> Elem {
        use crate::syntax::{PackedType, StorageType, ValType};
        match st {
            StorageType::Packed(PackedType::I8) => Elem::I8,
            StorageType::Packed(PackedType::I16) => Elem::I16,
            StorageType::Val(ValType::I32 | ValType::F32) => Elem::B32,
            StorageType::Val(ValType::I64 | ValType::F64) => Elem::B64,
            StorageType::Val(ValType::V128) => Elem::V128,
            StorageType::Val(ValType::Ref(_)) => Elem::Ref,
        }
    }

    /// Bytes per element.
    pub(crate) fn width(self) -> usize {
        match self {
            Elem::I8 => 1,
            Elem::I16 => 2,
            Elem::B32 => 4,
            Elem::B64 | Elem::Ref => 8,
            Elem::V128 => 16,
        }
    }

    /// The bytes of element value `s` (little-endian, as in memory).
    #[inline]
    pub(crate) fn write(self, dst: &mut [u8], s: Slot) {
        match self {
            Elem::Ref => dst.copy_from_slice(&slot::pack(s).to_le_bytes()),
            _ => dst.copy_from_slice(&s.to_le_bytes()[..self.width()]),
        }
    }

    /// The slot of the element in `src` (packed integers zero-extended).
    #[inline]
    pub(crate) fn read(self, src: &[u8]) -> Slot {
        let mut b = [0u8; 16];
        b[..src.len()].copy_from_slice(src);
        let v = u128::from_le_bytes(b);
        match self {
            Elem::Ref => slot::unpack(v as u64),
            _ => v,
        }
    }
}

/// An object of the heap.
pub(crate) enum Obj {
    /// A structure (spec 4.2.x `structinst`): its defined type (a store
    /// type id) and its fields, packed ones holding their low bits.
    Struct { ty: u32, fields: Box<[Slot]> },
    /// An array (spec 4.2.x `arrayinst`): its defined type, how its elements
    /// are stored, and their bytes.
    Array {
        ty: u32,
        elem: Elem,
        len: u32,
        bytes: Box<[u8]>,
    },
    /// An exception (exception handling `exninst`): its tag and fields.
    Exn { tag: TagAddr, fields: Box<[Slot]> },
}

impl Obj {
    /// What the object costs the heap budget: its entry and its contents.
    pub(crate) fn size(&self) -> u64 {
        let contents = match self {
            Obj::Struct { fields, .. } | Obj::Exn { fields, .. } => {
                fields.len() * std::mem::size_of::<Slot>()
            }
            Obj::Array { bytes, .. } => bytes.len(),
        };
        (std::mem::size_of::<Option<Obj>>() + contents) as u64
    }

    /// The kind of reference that points to this object.
    fn kind(&self) -> Kind {
        match self {
            Obj::Struct { .. } => Kind::Struct,
            Obj::Array { .. } => Kind::Array,
            Obj::Exn { .. } => Kind::Exn,
        }
    }
}

/// What a collection did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GcStats {
    /// Objects alive after it.
    pub live_objects: u64,
    /// Bytes they hold (entries and contents).
    pub live_bytes: u64,
    /// Objects it freed.
    pub freed_objects: u64,
}

/// The bytes of heap growth that trigger the first collection; after that,
/// a collection runs when the heap has doubled since the last one.
const MIN_THRESHOLD: u64 = 4 << 20;

/// The mark phase's state.
struct Marker<'h> {
    objs: &'h [Option<Obj>],
    marked: Vec<bool>,
    /// Marked objects whose fields are not followed yet.
    work: Vec<u32>,
    hosts: HashSet<u32>,
}

impl Marker<'_> {
    /// Marks what slot `s` refers to, if it is a live object.
    fn visit(&mut self, s: Slot) {
        match slot::split(s) {
            Some((Kind::Host, a)) => {
                self.hosts.insert(a);
            }
            Some((k @ (Kind::Struct | Kind::Array | Kind::Exn), a)) => {
                let alive = self
                    .objs
                    .get(a as usize)
                    .and_then(|o| o.as_ref())
                    .is_some_and(|o| o.kind() == k);
                if alive && !self.marked[a as usize] {
                    self.marked[a as usize] = true;
                    self.work.push(a);
                }
            }
            _ => {}
        }
    }
}

/// The heap: an arena of objects with a free list.
#[derive(Default)]
pub(crate) struct Heap {
    objs: Vec<Option<Obj>>,
    free: Vec<u32>,
    /// Bytes held by live (or not yet collected) objects.
    bytes: u64,
    /// Collect before an allocation takes `bytes` past this.
    threshold: u64,
    /// Objects the embedder holds: index to count.
    roots: HashMap<u32, u32>,
    /// Host references found reachable by the last collection.
    hosts_reached: HashSet<u32>,
    /// How many collections have run.
    collections: u64,
    /// The most bytes the heap has held at once.
    peak: u64,
}

impl Heap {
    /// The object at `a`, if it is alive and of kind `k`.
    #[inline]
    pub(crate) fn get(&self, a: u32, k: Kind) -> Option<&Obj> {
        self.objs
            .get(a as usize)?
            .as_ref()
            .filter(|o| o.kind() == k)
    }

    /// The object at `a` for writing, if it is alive and of kind `k`.
    #[inline]
    pub(crate) fn get_mut(&mut self, a: u32, k: Kind) -> Option<&mut Obj> {
        self.objs
            .get_mut(a as usize)?
            .as_mut()
            .filter(|o| o.kind() == k)
    }

    /// Two distinct objects for writing (`array.copy` between arrays).
    pub(crate) fn get2_mut(&mut self, a: u32, b: u32) -> (Option<&mut Obj>, Option<&mut Obj>) {
        let (a, b) = (a as usize, b as usize);
        if a == b || a >= self.objs.len() || b >= self.objs.len() {
            return (None, None);
        }
        if a < b {
            let (x, y) = self.objs.split_at_mut(b);
            (x[a].as_mut(), y[0].as_mut())
        } else {
            let (x, y) = self.objs.split_at_mut(a);
            (y[0].as_mut(), x[b].as_mut())
        }
    }

    /// Bytes held now.
    pub(crate) fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Whether an allocation of `need` bytes should first collect.
    #[inline]
    pub(crate) fn wants_collection(&self, need: u64) -> bool {
        self.bytes.saturating_add(need) > self.threshold.max(MIN_THRESHOLD)
    }

    /// The most bytes the heap has held at once so far.
    pub(crate) fn peak(&self) -> u64 {
        self.peak
    }

    /// The number of collections so far.
    pub(crate) fn collections(&self) -> u64 {
        self.collections
    }

    /// Whether the last collection found host reference `a` reachable.
    pub(crate) fn host_reached(&self, a: u32) -> bool {
        self.hosts_reached.contains(&a)
    }

    /// Allocates an object, within `budget` bytes of heap in all, returning
    /// its address; `None` if the budget cannot hold it.
    pub(crate) fn alloc(&mut self, o: Obj, budget: u64) -> Option<u32> {
        let size = o.size();
        let total = self.bytes.checked_add(size).filter(|&t| t <= budget)?;
        let a = match self.free.pop() {
            Some(a) => {
                self.objs[a as usize] = Some(o);
                a
            }
            None => {
                let a = u32::try_from(self.objs.len()).ok()?;
                self.objs.push(Some(o));
                a
            }
        };
        self.bytes = total;
        self.peak = self.peak.max(total);
        Some(a)
    }

    /// Counts one more embedder root of the object at `a`.
    pub(crate) fn root(&mut self, a: u32) {
        *self.roots.entry(a).or_insert(0) += 1;
    }

    /// Counts one fewer; the object may then be collected.
    pub(crate) fn unroot(&mut self, a: u32) {
        if let Some(n) = self.roots.get_mut(&a) {
            *n -= 1;
            if *n == 0 {
                self.roots.remove(&a);
            }
        }
    }

    /// Collects garbage: marks every object reachable from the slots that
    /// `roots` gives (and from the embedder's roots), then frees the rest.
    pub(crate) fn collect(&mut self, roots: impl FnOnce(&mut dyn FnMut(Slot))) -> GcStats {
        let mut m = Marker {
            objs: &self.objs,
            marked: vec![false; self.objs.len()],
            work: Vec::new(),
            hosts: HashSet::new(),
        };
        roots(&mut |s| m.visit(s));
        for &a in self.roots.keys() {
            if let Some(o) = m.objs.get(a as usize).and_then(|o| o.as_ref()) {
                m.visit(slot::make(o.kind(), a));
            }
        }
        // Mark: follow references from object to object.
        while let Some(a) = m.work.pop() {
            match m.objs[a as usize].as_ref() {
                Some(Obj::Struct { fields, .. } | Obj::Exn { fields, .. }) => {
                    for s in fields.iter() {
                        m.visit(*s);
                    }
                }
                Some(Obj::Array {
                    elem: Elem::Ref,
                    bytes,
                    ..
                }) => {
                    for c in bytes.chunks_exact(8) {
                        let p = u64::from_le_bytes(c.try_into().expect("8 bytes"));
                        m.visit(slot::unpack(p));
                    }
                }
                _ => {}
            }
        }
        let Marker { marked, hosts, .. } = m;
        // Sweep.
        let mut stats = GcStats::default();
        let mut bytes = 0;
        for (a, o) in self.objs.iter_mut().enumerate() {
            if let Some(obj) = o {
                if marked[a] {
                    stats.live_objects += 1;
                    bytes += obj.size();
                } else {
                    *o = None;
                    self.free.push(a as u32);
                    stats.freed_objects += 1;
                }
            }
        }
        // Trailing free entries give their room back.
        while matches!(self.objs.last(), Some(None)) {
            self.objs.pop();
        }
        let len = self.objs.len() as u32;
        self.free.retain(|&a| a < len);
        self.objs.shrink_to(self.objs.len() * 2);
        self.bytes = bytes;
        stats.live_bytes = bytes;
        self.threshold = bytes.saturating_mul(2);
        self.hosts_reached = hosts;
        self.collections += 1;
        stats
    }
}

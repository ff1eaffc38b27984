//! Defined types and subtyping (spec 3.1.3 "Rolling and unrolling", 3.3
//! "Matching"): recursive type groups interned so that equivalent
//! definitions share one id, and the subtype relation on heap, reference
//! and value types.
//!
//! WebAssembly 3.0's type equivalence is iso-recursive: two type indices
//! denote the same type when their recursive groups are the same after
//! references into the group are replaced by their position in it (`rec.i`)
//! and references outside it by the types they denote. A [`TypeRegistry`]
//! keeps one entry per group it has seen, keyed by exactly that rolled-up
//! form, so equal types get equal ids. The validator makes one per module
//! (its ids are local to that module); each store has one, into which
//! instantiation interns every module's groups, so that types from
//! different modules compare as integers (`call_indirect`, casts, import
//! matching).
//!
//! Subtyping of defined types follows the declared supertypes (spec 3.3.1
//! "Defined types": a type matches another if they are equal or one of its
//! declared supertypes matches it). Each defined type records the length of
//! its chain of supertypes, so a check walks at most that many steps.

use crate::Error;
use crate::syntax::*;
use std::collections::HashMap;

/// A defined type (spec 2.3.10 `deftype`) as the registry keeps it: its
/// sub type, with every concrete type (in fields, parameters and results)
/// and every supertype given by registry id.
#[derive(Clone, Debug)]
pub(crate) struct DefType {
    pub(crate) sub: SubType,
    /// The number of supertypes above it (0 for a type declaring none).
    pub(crate) depth: u32,
    /// A supertype further up the chain (itself at the top): the "jump
    /// pointers" of a skew-binary ladder, so that finding the supertype at
    /// a given depth takes a number of steps logarithmic in the chain's
    /// length, whatever its length.
    jump: u32,
}

/// How a type index inside a group being interned resolves.
#[derive(Clone, Copy)]
pub(crate) enum TypeRef {
    /// The `i`-th type of the group itself.
    InGroup(u32),
    /// A type defined before the group, by registry id.
    Id(u32),
}

/// A sub type of a group in its rolled-up form: its composite type with
/// `rec.i` for references into the group, then its supertypes and its
/// `describes` and `descriptor` clauses likewise, as heap types.
type RolledSub = (SubType, Vec<HeapType>, [Option<HeapType>; 2]);

/// The interned defined types of a module (in validation) or of a store.
#[derive(Debug, Default)]
pub(crate) struct TypeRegistry {
    defs: Vec<DefType>,
    /// Each group's rolled-up form: its sub types with `rec.i` for
    /// references into the group (supertypes too, as heap types), mapped to
    /// the id of its first type.
    groups: HashMap<Vec<RolledSub>, u32>,
}

impl TypeRegistry {
    /// The defined type with this id.
    ///
    /// # Panics
    /// If the id is not of this registry.
    pub(crate) fn get(&self, id: u32) -> &DefType {
        &self.defs[id as usize]
    }

    /// The number of defined types.
    pub(crate) fn len(&self) -> usize {
        self.defs.len()
    }

    /// Interns a recursive group whose type indices `resolve` says how to
    /// read, returning the ids of its types in order (spec 3.1.3: equal
    /// rolled-up groups get the same ids).
    ///
    /// # Errors
    /// What `resolve` says of an index it cannot resolve.
    pub(crate) fn intern_group(
        &mut self,
        group: &[SubType],
        resolve: impl Fn(TypeIdx) -> Result<TypeRef, Error>,
    ) -> Result<Vec<u32>, Error> {
        // The rolled-up key.
        let roll = |x: TypeIdx| -> Result<HeapType, Error> {
            Ok(match resolve(x)? {
                TypeRef::InGroup(i) => HeapType::Rec(i),
                TypeRef::Id(id) => HeapType::Concrete(id),
            })
        };
        let mut key = Vec::with_capacity(group.len());
        for t in group {
            let mut sub = map_sub(t, &mut |h| match h {
                HeapType::Concrete(x) => roll(x),
                HeapType::Exact(x) => Ok(match roll(x)? {
                    HeapType::Rec(i) => HeapType::RecExact(i),
                    h => HeapType::Exact(h.concrete().unwrap_or(x)),
                }),
                h => Ok(h),
            })?;
            let supers = t
                .supertypes
                .iter()
                .map(|&x| roll(x))
                .collect::<Result<Vec<_>, _>>()?;
            let clauses = [
                t.describes.map(roll).transpose()?,
                t.descriptor.map(roll).transpose()?,
            ];
            sub.supertypes.clear();
            sub.describes = None;
            sub.descriptor = None;
            key.push((sub, supers, clauses));
        }
        if let Some(&first) = self.groups.get(&key) {
            return Ok((first..first + group.len() as u32).collect());
        }
        let first = u32::try_from(self.defs.len())
            .ok()
            .filter(|f| f.checked_add(group.len() as u32).is_some())
            .ok_or_else(|| Error::Invalid("too many types".into()))?;
        // Unrolled, with absolute ids: `rec.i` is the id `first + i`.
        let abs = |h: HeapType| match h {
            HeapType::Rec(i) => HeapType::Concrete(first + i),
            HeapType::RecExact(i) => HeapType::Exact(first + i),
            h => h,
        };
        for (i, (sub, supers, [describes, descriptor])) in key.iter().enumerate() {
            let mut def = map_sub(sub, &mut |h| Ok::<_, Error>(abs(h)))?;
            def.describes = describes.and_then(|h| abs(h).concrete());
            def.descriptor = descriptor.and_then(|h| abs(h).concrete());
            let id = first + i as u32;
            let (mut depth, mut jump) = (0, id);
            for s in supers {
                if let HeapType::Concrete(sid) = abs(*s) {
                    // A supertype must come earlier (the validator says so
                    // when it does not); a later one is not linked, so that
                    // the chain of supertypes always goes down in id.
                    if sid < id && def.supertypes.is_empty() {
                        let p = &self.defs[sid as usize];
                        depth = p.depth + 1;
                        // Skip as far as the parent's own jump does, twice,
                        // when those two jumps are equally long.
                        let j = &self.defs[p.jump as usize];
                        let jj = &self.defs[j.jump as usize];
                        jump = if p.jump != sid && p.depth - j.depth == j.depth - jj.depth {
                            j.jump
                        } else {
                            sid
                        };
                        def.supertypes.push(sid);
                    }
                }
            }
            self.defs.push(DefType {
                sub: def,
                depth,
                jump,
            });
        }
        self.groups.insert(key, first);
        Ok((first..first + group.len() as u32).collect())
    }

    /// Interns a function type as a group of its own (final, without
    /// supertypes): the type of a host function or a tag made by an
    /// embedder.
    pub(crate) fn intern_func(&mut self, t: &FuncType) -> u32 {
        self.intern_group(&[SubType::func(t.clone())], |x| Ok(TypeRef::Id(x)))
            .expect("a registry id resolves")[0]
    }

    /// Whether defined type `a` matches defined type `b` (spec 3.3.1
    /// "Defined types"): equal, or `b` is on `a`'s chain of supertypes.
    pub(crate) fn is_subtype(&self, mut a: u32, b: u32) -> bool {
        let want = self.defs[b as usize].depth;
        // Climb to `b`'s depth: by the jump pointer when it does not
        // overshoot, else one supertype up.
        while self.defs[a as usize].depth > want {
            let d = &self.defs[a as usize];
            a = if self.defs[d.jump as usize].depth >= want {
                d.jump
            } else {
                d.sub.supertypes[0]
            };
        }
        a == b
    }

    /// The function type of a defined type, if it is one.
    pub(crate) fn func(&self, id: u32) -> Option<&FuncType> {
        self.defs.get(id as usize).and_then(|d| d.sub.as_func())
    }
}

impl Types for TypeRegistry {
    fn abs_of(&self, x: u32) -> HeapType {
        self.defs[x as usize].sub.comp.abs()
    }
    fn concrete_sub(&self, x: u32, y: u32) -> bool {
        self.is_subtype(x, y)
    }
}

/// A sub type with every heap type in it (inside its composite type)
/// replaced by `f` of it; supertypes, `describes` and `descriptor` are kept
/// as they are.
pub(crate) fn map_sub<E>(
    t: &SubType,
    f: &mut impl FnMut(HeapType) -> Result<HeapType, E>,
) -> Result<SubType, E> {
    let mut val = |v: &ValType| -> Result<ValType, E> {
        Ok(match *v {
            ValType::Ref(r) => ValType::Ref(RefType {
                heap: f(r.heap)?,
                ..r
            }),
            v => v,
        })
    };
    let field = |ft: &FieldType, val: &mut dyn FnMut(&ValType) -> Result<ValType, E>| {
        Ok(FieldType {
            storage: match ft.storage {
                StorageType::Val(v) => StorageType::Val(val(&v)?),
                p => p,
            },
            ..*ft
        })
    };
    let comp = match &t.comp {
        CompType::Func(ft) => CompType::Func(FuncType {
            params: ft.params.iter().map(&mut val).collect::<Result<_, _>>()?,
            results: ft.results.iter().map(&mut val).collect::<Result<_, _>>()?,
        }),
        CompType::Struct(fs) => CompType::Struct(
            fs.iter()
                .map(|ft| field(ft, &mut val))
                .collect::<Result<_, _>>()?,
        ),
        CompType::Array(ft) => CompType::Array(field(ft, &mut val)?),
    };
    Ok(SubType {
        is_final: t.is_final,
        supertypes: t.supertypes.clone(),
        describes: t.describes,
        descriptor: t.descriptor,
        comp,
    })
}

/// What subtyping needs to know of concrete types, whose numbers are type
/// indices of a module (in the validator) or registry ids (in a store).
pub(crate) trait Types {
    /// `func`, `struct` or `array`: the kind of concrete type `x`.
    fn abs_of(&self, x: u32) -> HeapType;
    /// Whether concrete type `x` matches concrete type `y`.
    fn concrete_sub(&self, x: u32, y: u32) -> bool;

    /// Heap subtyping (spec 3.3.1 "Heap types"): the abstract lattice of
    /// each hierarchy (`any` above `eq` above `i31`, `struct` and `array`,
    /// `none` below them all; `func`/`nofunc`; `extern`/`noextern`;
    /// `exn`/`noexn`), concrete types below their kind and above the
    /// hierarchy's bottom, and `bot` below everything.
    fn heap_sub(&self, a: HeapType, b: HeapType) -> bool {
        use HeapType::*;
        match (a, b) {
            (Bot, _) => true,
            (_, Bot) => false,
            // Custom descriptors (overview "Exact Types"): `(exact x)` is
            // below `x` and above only the hierarchy's bottom, so an exact
            // type matches another only when the two are the same type.
            (Exact(x), Exact(y)) => self.concrete_sub(x, y) && self.concrete_sub(y, x),
            (Exact(x), b) => self.heap_sub(Concrete(x), b),
            (None, Exact(y)) => self.abs_of(y) != Func,
            (NoFunc, Exact(y)) => self.abs_of(y) == Func,
            (_, Exact(_)) => false,
            (Concrete(x), Concrete(y)) => self.concrete_sub(x, y),
            (Concrete(x), b) => self.heap_sub(self.abs_of(x), b),
            (None, Concrete(y)) => self.abs_of(y) != Func,
            (NoFunc, Concrete(y)) => self.abs_of(y) == Func,
            (_, Concrete(_)) => false,
            (None, b) => b.is_any_hierarchy(),
            (NoFunc, b) => matches!(b, Func | NoFunc),
            (NoExtern, b) => matches!(b, Extern | NoExtern),
            (NoExn, b) => matches!(b, Exn | NoExn),
            (I31 | Struct | Array, Eq) | (I31 | Struct | Array | Eq, Any) => true,
            (a, b) => a == b,
        }
    }

    /// Reference subtyping (spec 3.3.1): nullability, then heap types.
    fn ref_sub(&self, a: RefType, b: RefType) -> bool {
        (b.nullable || !a.nullable) && self.heap_sub(a.heap, b.heap)
    }

    /// Value subtyping (spec 3.3.1): equal, or references that match.
    fn val_sub(&self, a: ValType, b: ValType) -> bool {
        match (a, b) {
            (ValType::Ref(a), ValType::Ref(b)) => self.ref_sub(a, b),
            _ => a == b,
        }
    }

    /// The top of a heap type's hierarchy (spec 3.3.1): `any`, `func`,
    /// `extern` or `exn`.
    fn top(&self, h: HeapType) -> HeapType {
        use HeapType::*;
        match h {
            Concrete(x) | Exact(x) => self.top(self.abs_of(x)),
            NoFunc | Func => Func,
            NoExtern | Extern => Extern,
            NoExn | Exn => Exn,
            _ => Any,
        }
    }

    /// Field subtyping (spec 3.3.1 "Field types"): equal mutability, and a
    /// mutable field's storage type equal both ways.
    fn field_sub(&self, a: &FieldType, b: &FieldType) -> bool {
        let storage = |a: StorageType, b: StorageType| match (a, b) {
            (StorageType::Val(a), StorageType::Val(b)) => self.val_sub(a, b),
            (a, b) => a == b,
        };
        a.mutability == b.mutability
            && storage(a.storage, b.storage)
            && (a.mutability == Mut::Const || storage(b.storage, a.storage))
    }

    /// Composite subtyping (spec 3.3.1 "Composite types"): a structure
    /// with at least the fields of the other, each matching; arrays whose
    /// elements match; functions contravariant in their parameters and
    /// covariant in their results.
    fn comp_sub(&self, a: &CompType, b: &CompType) -> bool {
        match (a, b) {
            (CompType::Struct(fa), CompType::Struct(fb)) => {
                fa.len() >= fb.len() && fa.iter().zip(fb).all(|(x, y)| self.field_sub(x, y))
            }
            (CompType::Array(x), CompType::Array(y)) => self.field_sub(x, y),
            (CompType::Func(x), CompType::Func(y)) => {
                self.results_sub(&y.params, &x.params) && self.results_sub(&x.results, &y.results)
            }
            _ => false,
        }
    }

    /// Result type subtyping: the same length, each matching.
    fn results_sub(&self, a: &[ValType], b: &[ValType]) -> bool {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| self.val_sub(*x, *y))
    }
}

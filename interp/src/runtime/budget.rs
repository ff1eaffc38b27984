//! The store's resource budget (decision D19): one count of the bytes that
//! everything a module can make the store allocate holds together, checked
//! against one limit, so that no mix of memories, tables, instances and
//! stacks can take more than the embedder allowed. The store's memories,
//! tables, element instances and module instances, and every
//! computation's operand and frame stacks, charge it; the GC heap is meant
//! to charge the same budget.
//!
//! A budget is shared: the store holds it, and so does each computation's
//! stack, which may outlive any borrow of the store (a suspended call is
//! dropped without the store at hand) and gives its bytes back when it is
//! dropped. A refused charge is an [`Exhausted`], which the caller turns
//! into what its operation does when it cannot get memory: `memory.grow`
//! and `table.grow` return -1, a call traps with [`Trap::OutOfMemory`],
//! instantiation fails (spec 4.5.4: allocation may fail for want of
//! resources).
//!
//! [`Trap::OutOfMemory`]: crate::Trap::OutOfMemory

use std::cell::Cell;
use std::fmt;
use std::rc::Rc;

/// Why an allocation was refused: the budget has too little left.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exhausted {
    /// What was being allocated (`"memory"`, `"table"`, `"stack"`, ...).
    pub what: &'static str,
    /// The bytes asked for.
    pub requested: u64,
    /// The bytes in use when it was asked.
    pub used: u64,
    /// The budget's limit.
    pub limit: u64,
    /// Which bound refused it.
    pub why: Why,
}

/// The bound that refused an allocation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Why {
    /// The store's budget had too little left.
    Budget,
    /// The budget had room but the machine could not give the bytes (or
    /// address them).
    Machine,
    /// A size limit of the store's [`Limits`](crate::Limits) (the most
    /// elements of a table, pages of a 64-bit memory, bytes of the GC
    /// heap): `requested` and `limit` are counted in `unit`s.
    Limit {
        /// What `requested` and `limit` count (`"elements"`, `"pages"`,
        /// `"bytes"`).
        unit: &'static str,
    },
}

impl fmt::Display for Exhausted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.why {
            Why::Machine => write!(
                f,
                "a {} of {} bytes cannot be allocated on this machine",
                self.what, self.requested
            ),
            Why::Budget => write!(
                f,
                "a {} of {} bytes does not fit in the store's budget ({} of {} bytes in use)",
                self.what, self.requested, self.used, self.limit
            ),
            Why::Limit { unit } => write!(
                f,
                "a {} of {} {unit} is past the store's limit of {} {unit}",
                self.what, self.requested, self.limit
            ),
        }
    }
}

impl std::error::Error for Exhausted {}

struct Inner {
    limit: u64,
    used: Cell<u64>,
    max_instances: u32,
    instances: Cell<u32>,
}

/// A store's resource budget: bytes in use against a limit, and the number
/// of module instances against theirs. Cloning gives another handle to the
/// same budget.
#[derive(Clone)]
pub struct Budget(Rc<Inner>);

impl fmt::Debug for Budget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Budget")
            .field("used", &self.used())
            .field("limit", &self.limit())
            .field("instances", &self.0.instances.get())
            .finish()
    }
}

impl Budget {
    /// A budget of `limit` bytes and `max_instances` module instances.
    pub fn new(limit: u64, max_instances: u32) -> Self {
        Budget(Rc::new(Inner {
            limit,
            used: Cell::new(0),
            max_instances,
            instances: Cell::new(0),
        }))
    }

    /// Bytes in use.
    pub fn used(&self) -> u64 {
        self.0.used.get()
    }

    /// The limit in bytes.
    pub fn limit(&self) -> u64 {
        self.0.limit
    }

    /// Takes `bytes` from the budget for a `what`, or refuses.
    ///
    /// # Errors
    /// [`Exhausted`] if that many bytes do not fit; nothing is taken then.
    pub fn charge(&self, what: &'static str, bytes: u64) -> Result<(), Exhausted> {
        let used = self.0.used.get();
        match used.checked_add(bytes) {
            Some(new) if new <= self.0.limit => {
                self.0.used.set(new);
                Ok(())
            }
            _ => Err(Exhausted {
                what,
                requested: bytes,
                used,
                limit: self.0.limit,
                why: Why::Budget,
            }),
        }
    }

    /// The refusal for `bytes` of a `what` that the budget has room for but
    /// the machine cannot give.
    pub fn machine_refused(&self, what: &'static str, bytes: u64) -> Exhausted {
        Exhausted {
            what,
            requested: bytes,
            used: self.used(),
            limit: self.limit(),
            why: Why::Machine,
        }
    }

    /// The refusal of a `what` of `requested` `unit`s, past a size limit
    /// of `limit` of them.
    pub fn over_limit(
        &self,
        what: &'static str,
        requested: u64,
        limit: u64,
        unit: &'static str,
    ) -> Exhausted {
        Exhausted {
            what,
            requested,
            used: self.used(),
            limit,
            why: Why::Limit { unit },
        }
    }

    /// Gives `bytes` back (what was charged before and is now freed).
    pub fn release(&self, bytes: u64) {
        self.0.used.set(self.0.used.get().saturating_sub(bytes));
    }

    /// Counts one more module instance, or refuses.
    ///
    /// # Errors
    /// [`Exhausted`] if the store has as many instances as it may.
    pub fn add_instance(&self) -> Result<(), Exhausted> {
        let n = self.0.instances.get();
        if n >= self.0.max_instances {
            return Err(Exhausted {
                what: "store",
                requested: n as u64 + 1,
                used: n as u64,
                limit: self.0.max_instances as u64,
                why: Why::Limit {
                    unit: "module instances",
                },
            });
        }
        self.0.instances.set(n + 1);
        Ok(())
    }
}

/// `n` items of `size` bytes, or `None` if that overflows.
pub(crate) fn bytes_of(n: u64, size: usize) -> Option<u64> {
    n.checked_mul(size as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charges_releases_and_refuses_without_taking() {
        let b = Budget::new(100, 1);
        b.charge("table", 60).unwrap();
        let e = b.charge("memory", 41).unwrap_err();
        assert_eq!((e.requested, e.used, e.limit), (41, 60, 100));
        assert_eq!(b.used(), 60);
        b.charge("memory", u64::MAX).unwrap_err();
        b.clone().release(60);
        assert_eq!(b.used(), 0);
        b.add_instance().unwrap();
        assert!(b.add_instance().is_err());
    }
}

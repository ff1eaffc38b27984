//! Fiber stacks: an anonymous private mapping with a guard page at its low
//! end (stacks grow down). A dropped stack goes back to a small per-thread
//! pool, so that a promising call does not pay an `mmap` and an `munmap`
//! (about 10 us together here); the pool's mappings are unmapped when the
//! thread ends.

use std::cell::RefCell;
use std::io;

/// Stacks kept for reuse, per thread.
const POOL_MAX: usize = 64;

thread_local! {
    static POOL: RefCell<Vec<Mapping>> = const { RefCell::new(Vec::new()) };
}

/// One mapping, unmapped on drop.
struct Mapping {
    base: *mut u8,
    /// Bytes mapped, guard page included.
    len: usize,
    page: usize,
}

impl Mapping {
    /// A mapping of `len` bytes whose first `page` bytes are the guard, if
    /// the process's mapping budget (`fiber::max_stacks`) allows one more.
    fn new(len: usize, page: usize) -> io::Result<Mapping> {
        super::reserve_stack()?;
        // SAFETY: an anonymous private mapping at an address of the
        // kernel's choosing touches no existing memory.
        let base = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
                -1,
                0,
            )
        };
        if base == libc::MAP_FAILED {
            let e = io::Error::last_os_error();
            super::release_stack();
            return Err(e);
        }
        // From here the mapping's drop gives the budget back.
        let mapping = Mapping {
            base: base.cast(),
            len,
            page,
        };
        // SAFETY: the first page of the mapping just made; making it
        // inaccessible turns an overflow into a fault, not a corruption.
        if unsafe { libc::mprotect(base, page, libc::PROT_NONE) } != 0 {
            return Err(io::Error::last_os_error()); // `mapping` unmaps itself
        }
        Ok(mapping)
    }
}

impl Drop for Mapping {
    fn drop(&mut self) {
        // SAFETY: the mapping made in `Mapping::new`; it is dropped only
        // when no stack uses it (a `Stack` gives it up in its own drop,
        // after its fiber is done or never ran).
        unsafe {
            libc::munmap(self.base.cast(), self.len);
        }
        super::release_stack();
    }
}

/// A mapped stack.
pub(super) struct Stack {
    /// Always `Some` until the drop gives the mapping back to the pool.
    mapping: Option<Mapping>,
}

impl Stack {
    /// A stack of at least `size` usable bytes, from the pool or mapped.
    pub(super) fn new(size: usize) -> io::Result<Stack> {
        // SAFETY: sysconf has no preconditions.
        let page = usize::try_from(unsafe { libc::sysconf(libc::_SC_PAGESIZE) })
            .ok()
            .filter(|&p| p > 0)
            .unwrap_or(4096);
        let usable = size
            .max(page)
            .checked_next_multiple_of(page)
            .ok_or_else(|| io::Error::other("stack size overflows"))?;
        let len = usable
            .checked_add(page)
            .ok_or_else(|| io::Error::other("stack size overflows"))?;
        let pooled = POOL
            .try_with(|p| {
                let mut p = p.borrow_mut();
                let i = p.iter().position(|m| m.len == len)?;
                Some(p.swap_remove(i))
            })
            .ok()
            .flatten();
        let mapping = match pooled {
            Some(m) => m,
            None => Mapping::new(len, page)?,
        };
        Ok(Stack {
            mapping: Some(mapping),
        })
    }

    fn mapping(&self) -> &Mapping {
        self.mapping
            .as_ref()
            .expect("a stack has its mapping until dropped")
    }

    /// One past the highest usable address (the stack's initial top).
    pub(super) fn top(&self) -> *mut u8 {
        let m = self.mapping();
        m.base.wrapping_add(m.len)
    }

    /// The lowest usable address (just above the guard page).
    pub(super) fn limit(&self) -> usize {
        let m = self.mapping();
        m.base as usize + m.page
    }

    /// Usable bytes.
    pub(super) fn size(&self) -> usize {
        let m = self.mapping();
        m.len - m.page
    }
}

impl Drop for Stack {
    fn drop(&mut self) {
        // The fiber using this stack is done or never ran (`Fiber`'s drop
        // runs first), so nothing points into it: it can serve another
        // fiber. If the pool is full, or the thread is ending, the mapping
        // is dropped, and so unmapped, instead.
        if let Some(m) = self.mapping.take() {
            let _ = POOL.try_with(move |p| {
                let mut p = p.borrow_mut();
                if p.len() < POOL_MAX {
                    p.push(m);
                }
            });
        }
    }
}

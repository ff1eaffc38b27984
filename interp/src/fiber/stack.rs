//! Fiber stacks: an anonymous private mapping with a guard page at its low
//! end (stacks grow down), unmapped on drop.

use std::io;

/// A mapped stack.
pub(super) struct Stack {
    base: *mut u8,
    /// Bytes mapped, guard page included.
    len: usize,
    page: usize,
}

impl Stack {
    /// Maps a stack of at least `size` usable bytes.
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
            return Err(io::Error::last_os_error());
        }
        // SAFETY: the first page of the mapping just made; making it
        // inaccessible turns an overflow into a fault, not a corruption.
        if unsafe { libc::mprotect(base, page, libc::PROT_NONE) } != 0 {
            let e = io::Error::last_os_error();
            // SAFETY: the mapping made above, not used by anything.
            unsafe { libc::munmap(base, len) };
            return Err(e);
        }
        Ok(Stack {
            base: base.cast(),
            len,
            page,
        })
    }

    /// One past the highest usable address (the stack's initial top).
    pub(super) fn top(&self) -> *mut u8 {
        self.base.wrapping_add(self.len)
    }

    /// The lowest usable address (just above the guard page).
    pub(super) fn limit(&self) -> usize {
        self.base as usize + self.page
    }

    /// Usable bytes.
    pub(super) fn size(&self) -> usize {
        self.len - self.page
    }
}

impl Drop for Stack {
    fn drop(&mut self) {
        // SAFETY: the mapping made in `new`; the fiber using it is done or
        // never ran (`Fiber`'s drop runs first), so nothing points into it.
        unsafe {
            libc::munmap(self.base.cast(), self.len);
        }
    }
}

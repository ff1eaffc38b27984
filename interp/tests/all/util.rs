//! What the integration tests share: a module from text, an exported
//! function, and the three ways a call can end.

use interp::*;

/// A valid module from its text, with the default features.
pub(crate) fn module(wat: &str) -> Module {
    Module::new(
        &wat::parse_str(wat).expect("test text parses"),
        &Features::default(),
    )
    .expect("test module is valid")
}

/// The function `inst` exports as `name`.
pub(crate) fn func(store: &Store, inst: InstanceAddr, name: &str) -> FuncAddr {
    match store.export(inst, name) {
        Some(ExternVal::Func(f)) => f,
        other => panic!("no function {name}: {other:?}"),
    }
}

/// The results of a call that returned.
pub(crate) fn returned(e: Result<Exit, Error>) -> Vec<Value> {
    match e {
        Ok(Exit::Returned(vs)) => vs,
        other => panic!("expected a return, got {other:?}"),
    }
}

/// The trap of a call that trapped.
pub(crate) fn trapped(e: Result<Exit, Error>) -> Trap {
    match e {
        Ok(Exit::Trapped(t)) => t,
        other => panic!("expected a trap, got {other:?}"),
    }
}

/// The paused computation of a call that suspended.
pub(crate) fn suspended(e: Result<Exit, Error>) -> Suspended {
    match e {
        Ok(Exit::Suspended(s)) => s,
        other => panic!("expected a suspension, got {other:?}"),
    }
}

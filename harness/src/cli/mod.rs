//! The `wasm-ref` command line: one module per subcommand (`wast`, `run`,
//! `wast2js`, `js`, `wat`), each with its own `--help`, and the rules they
//! share: exit status 0 for success, 1 when something ran and failed (a
//! trap, a failed assertion), 2 for bad usage or input that cannot be read,
//! parsed, decoded or validated, always with one line on stderr.

mod js;
mod run;
mod wast;
mod wast2js;

use std::process::ExitCode;

/// What a subcommand concluded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Everything ran and held (exit status 0).
    Ok,
    /// Something ran and failed: a trap, a failed assertion (exit status 1).
    Failed,
}

/// Why a subcommand could not do its work: bad usage or bad input (exit
/// status 2). The message is one line, printed after `wasm-ref: `.
pub type Refusal = String;

/// What a subcommand returns.
pub type Outcome = Result<Status, Refusal>;

const TOP: &str = "\
usage: wasm-ref COMMAND [OPTIONS] ARGS...

commands:
  wast      run .wast scripts
  run       instantiate a module and call its exports
  wast2js   convert a .wast script to a JavaScript file for any engine
  js        run JavaScript files with the WebAssembly JS API and JSPI
  wat       translate the text format to a binary module

`wasm-ref COMMAND --help` describes each command. `wasm-ref --version`
prints the version.

Exit status: 0 success; 1 a trap or a failed assertion; 2 bad usage, or
input that cannot be read, parsed, decoded or validated (with one line on
stderr).";

/// Runs the command line `args` (without the program name).
pub fn main(args: &[String]) -> ExitCode {
    let (command, rest) = match args.split_first() {
        Some((c, rest)) => (c.as_str(), rest),
        None => {
            eprintln!("{TOP}");
            return ExitCode::from(2);
        }
    };
    let help = |text: &str| {
        println!("{text}");
        Ok(Status::Ok)
    };
    let wants_help = rest.iter().any(|a| a == "--help" || a == "-h");
    let result = match command {
        "--version" | "-V" | "version" => {
            println!("wasm-ref {}", env!("CARGO_PKG_VERSION"));
            Ok(Status::Ok)
        }
        "--help" | "-h" => help(TOP),
        "help" => match rest.first().map(String::as_str) {
            None => help(TOP),
            Some(c) => match help_of(c) {
                Some(text) => help(text),
                None => Err(format!("no command {c:?}; see wasm-ref --help")),
            },
        },
        c if wants_help => match help_of(c) {
            Some(text) => help(text),
            None => Err(format!("no command {c:?}; see wasm-ref --help")),
        },
        "wast" => wast::main(rest),
        "run" => run::main(rest),
        "wast2js" => wast2js::main(rest),
        "js" => js::main(rest),
        "wat" => js::wat_main(rest),
        other => Err(format!("no command {other:?}; see wasm-ref --help")),
    };
    match result {
        Ok(Status::Ok) => ExitCode::SUCCESS,
        Ok(Status::Failed) => ExitCode::FAILURE,
        Err(message) => {
            eprintln!("wasm-ref: {message}");
            ExitCode::from(2)
        }
    }
}

/// The `--help` text of a command.
fn help_of(command: &str) -> Option<&'static str> {
    Some(match command {
        "wast" => wast::HELP,
        "run" => run::HELP,
        "wast2js" => wast2js::HELP,
        "js" => js::HELP,
        "wat" => js::WAT_HELP,
        _ => return None,
    })
}

/// The arguments of one command, read left to right.
pub(crate) struct Args<'a> {
    command: &'static str,
    rest: std::slice::Iter<'a, String>,
}

impl<'a> Args<'a> {
    /// The arguments `args` of `command`.
    fn new(command: &'static str, args: &'a [String]) -> Args<'a> {
        Args {
            command,
            rest: args.iter(),
        }
    }

    /// The next argument.
    fn next(&mut self) -> Option<&'a str> {
        self.rest.next().map(String::as_str)
    }

    /// The next argument if it is not an option (for lists of values).
    fn next_value(&mut self) -> Option<&'a str> {
        let mut peek = self.rest.clone();
        match peek.next() {
            Some(a) if !a.starts_with("--") => {
                self.rest = peek;
                Some(a)
            }
            _ => None,
        }
    }

    /// The value of `flag`, which must follow it.
    fn value(&mut self, flag: &str, what: &str) -> Result<&'a str, Refusal> {
        self.next()
            .ok_or_else(|| format!("{} {flag} needs {what}", self.command))
    }

    /// The value of `flag` as a number in `range`.
    fn number(
        &mut self,
        flag: &str,
        what: &str,
        range: std::ops::RangeInclusive<u64>,
    ) -> Result<u64, Refusal> {
        let v = self.value(flag, what)?;
        v.parse::<u64>()
            .ok()
            .filter(|n| range.contains(n))
            .ok_or_else(|| {
                format!(
                    "{} {flag}: {v:?} is not {what} ({} to {})",
                    self.command,
                    range.start(),
                    range.end()
                )
            })
    }

    /// The refusal for an option this command does not know.
    fn unknown(&self, option: &str) -> Refusal {
        format!(
            "{}: unknown option {option}; see wasm-ref {} --help",
            self.command, self.command
        )
    }
}

/// Reads a file, or says why it cannot be read.
fn read(path: &str) -> Result<Vec<u8>, Refusal> {
    std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}"))
}

/// Reads a text file, or says why it cannot be read (or is not UTF-8).
fn read_text(path: &str) -> Result<String, Refusal> {
    String::from_utf8(read(path)?).map_err(|e| {
        format!(
            "{path}: not UTF-8 text (byte {} is not valid UTF-8)",
            e.utf8_error().valid_up_to()
        )
    })
}

/// Where a text-format error is: `path:line:col: message`, said once.
fn text_error(path: &str, text: &str, e: &::wast::Error) -> Refusal {
    let (line, col) = e.span().linecol_in(text);
    format!("{path}:{}:{}: {}", line + 1, col + 1, e.message())
}

/// A module in the text format, encoded as a binary.
fn parse_wat(path: &str, text: &str) -> Result<Vec<u8>, Refusal> {
    let buf = ::wast::parser::ParseBuffer::new(text).map_err(|e| text_error(path, text, &e))?;
    let mut module =
        ::wast::parser::parse::<::wast::Wat<'_>>(&buf).map_err(|e| text_error(path, text, &e))?;
    module.encode().map_err(|e| text_error(path, text, &e))
}

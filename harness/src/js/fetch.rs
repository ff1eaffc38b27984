//! `fetch(url)` for local files, and the `Response` objects it resolves
//! with: enough of the Fetch standard for the JSPI demos and for
//! `WebAssembly.compileStreaming` / `instantiateStreaming` (WebAssembly Web
//! API). A relative URL is resolved against the directory of the first
//! script that is not a prelude (the "document"); `file:` URLs are taken as
//! paths. The file is read when the fetch task runs, after the current
//! task; a file that cannot be read rejects with a TypeError, as a network
//! error does.

use super::adapter::{
    self, InterfaceSpec, Member, arg, builtin_function, new_object, queue_task, settle,
    this_object, type_error,
};
use boa_engine::native_function::NativeFunction;
use boa_engine::object::builtins::{JsArrayBuffer, JsFunction};
use boa_engine::{Context, JsData, JsResult, JsString, JsValue, js_string};
use boa_gc::{Finalize, Trace};
use std::path::PathBuf;
use std::rc::Rc;

/// The directory relative URLs are resolved against.
pub(crate) struct BaseDir(pub(crate) PathBuf);

/// A `Response`'s data: the body, its URL and its MIME type.
#[derive(Clone, Trace, Finalize, JsData)]
pub(crate) struct ResponseData {
    #[unsafe_ignore_trace]
    pub(crate) body: Rc<Vec<u8>>,
    #[unsafe_ignore_trace]
    url: Rc<str>,
    #[unsafe_ignore_trace]
    pub(crate) mime: &'static str,
}

/// The `Response` interface object and prototype.
struct ResponseClass(adapter::Interface);

const RESPONSE: InterfaceSpec<'static> = InterfaceSpec {
    name: "Response",
    length: 0,
    constructor: response_constructor,
    members: &[
        Member::Method("arrayBuffer", 0, array_buffer),
        Member::Method("text", 0, text),
        Member::Getter("ok", ok),
        Member::Getter("status", status),
        Member::Getter("url", url),
        Member::Getter("headers", headers),
    ],
    statics: &[],
};

/// Installs `fetch` and `Response` on the global object.
pub(crate) fn install(ctx: &mut Context, base: PathBuf) -> JsResult<()> {
    ctx.insert_data(BaseDir(base));
    let global = ctx.global_object();
    let class = adapter::define_interface(ctx, &global, &RESPONSE)?;
    // `Response` is a global here, not a WebAssembly member: fix its tag.
    class.prototype.define_property_or_throw(
        boa_engine::JsSymbol::to_string_tag(),
        boa_engine::property::PropertyDescriptor::builder()
            .value(js_string!("Response"))
            .writable(false)
            .enumerable(false)
            .configurable(true),
        ctx,
    )?;
    ctx.insert_data(ResponseClass(class));
    let f = builtin_function(ctx, "fetch", 1, NativeFunction::from_fn_ptr(fetch));
    adapter::define_hidden(ctx, &global, "fetch", f.into())?;
    Ok(())
}

fn response_constructor(_: &JsValue, _: &[JsValue], _: &mut Context) -> JsResult<JsValue> {
    Err(type_error(
        "Response: this runner makes responses only through fetch()",
    ))
}

/// The MIME type of a local file, from its extension.
fn mime_of(path: &std::path::Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("wasm") => "application/wasm",
        Some("js" | "mjs") => "text/javascript",
        Some("json") => "application/json",
        Some("txt") => "text/plain",
        _ => "application/octet-stream",
    }
}

/// `fetch(url)`: a promise of a Response, settled in a later task.
fn fetch(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let url = arg(args, 0).to_string(ctx)?.to_std_string_escaped();
    let (promise, resolve, reject) = adapter::new_promise(ctx);
    let code = NativeFunction::from_copy_closure_with_captures(
        |_, _, (url, resolve, reject): &(JsString, JsFunction, JsFunction), ctx| {
            let url = url.to_std_string_escaped();
            let path = url.strip_prefix("file://").unwrap_or(&url);
            let base = ctx.get_data::<BaseDir>().expect("installed").0.clone();
            let path = base.join(path);
            match std::fs::read(&path) {
                Ok(body) => {
                    let proto = ctx
                        .get_data::<ResponseClass>()
                        .expect("installed")
                        .0
                        .prototype
                        .clone();
                    let data = ResponseData {
                        mime: mime_of(&path),
                        body: Rc::new(body),
                        url: Rc::from(format!("file://{}", path.display()).as_str()),
                    };
                    settle(resolve, new_object(proto, data).into(), ctx);
                }
                Err(e) => {
                    let err = type_error(format!("fetch {url}: {e}"));
                    let v = adapter::thrown_value(err, ctx)?;
                    settle(reject, v, ctx);
                }
            }
            Ok(JsValue::undefined())
        },
        (JsString::from(url.as_str()), resolve, reject),
    );
    queue_task(ctx, code);
    Ok(promise.into())
}

fn this_response(this: &JsValue, member: &str) -> JsResult<ResponseData> {
    let o = this_object::<ResponseData>(this, member)?;
    Ok(adapter::data_of::<ResponseData>(&o))
}

/// `Response.prototype.arrayBuffer()`.
fn array_buffer(this: &JsValue, _: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let r = this_response(this, "Response.prototype.arrayBuffer")?;
    let buffer = JsArrayBuffer::new(r.body.len(), ctx)?;
    if let Some(mut d) = buffer.data_mut() {
        d.copy_from_slice(&r.body);
    }
    let (promise, resolve, _) = adapter::new_promise(ctx);
    settle(&resolve, buffer.into(), ctx);
    Ok(promise.into())
}

/// `Response.prototype.text()`.
fn text(this: &JsValue, _: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let r = this_response(this, "Response.prototype.text")?;
    let s = String::from_utf8_lossy(&r.body).into_owned();
    let (promise, resolve, _) = adapter::new_promise(ctx);
    settle(&resolve, adapter::string(&s), ctx);
    Ok(promise.into())
}

fn ok(this: &JsValue, _: &[JsValue], _: &mut Context) -> JsResult<JsValue> {
    this_response(this, "Response.prototype.ok")?;
    Ok(true.into())
}

fn status(this: &JsValue, _: &[JsValue], _: &mut Context) -> JsResult<JsValue> {
    this_response(this, "Response.prototype.status")?;
    Ok(200.into())
}

fn url(this: &JsValue, _: &[JsValue], _: &mut Context) -> JsResult<JsValue> {
    Ok(adapter::string(
        &this_response(this, "Response.prototype.url")?.url,
    ))
}

/// `Response.prototype.headers`: an object whose `get(name)` gives the
/// `Content-Type` a server would send for the file (null for any other
/// header).
fn headers(this: &JsValue, _: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let r = this_response(this, "Response.prototype.headers")?;
    let get = NativeFunction::from_copy_closure_with_captures(
        |_, args, mime: &JsString, ctx| {
            let name = arg(args, 0).to_string(ctx)?.to_std_string_escaped();
            Ok(if name.eq_ignore_ascii_case("content-type") {
                mime.clone().into()
            } else {
                JsValue::null()
            })
        },
        JsString::from(r.mime),
    );
    let get = builtin_function(ctx, "get", 1, get);
    let o = boa_engine::JsObject::with_object_proto(ctx.intrinsics());
    o.create_data_property_or_throw(js_string!("get"), get, ctx)?;
    Ok(o.into())
}

/// The bytes of a Response for the streaming APIs (WebAssembly Web API
/// "compile a potential WebAssembly response"): a TypeError unless it is a
/// Response whose MIME type is `application/wasm`.
pub(crate) fn wasm_response_bytes(v: &JsValue) -> JsResult<Rc<Vec<u8>>> {
    let o = v
        .as_object()
        .filter(|o| o.is::<ResponseData>())
        .ok_or_else(|| type_error("the argument is not a Response"))?;
    let r = adapter::data_of::<ResponseData>(&o);
    if r.mime != "application/wasm" {
        return Err(type_error(format!(
            "the response's MIME type is {}, not application/wasm",
            r.mime
        )));
    }
    Ok(r.body.clone())
}

#!/usr/bin/env python3
# serve.py: a local, read-only HTTP server for run-js.sh. Serves the files
# of the machine under their absolute paths (http://127.0.0.1:PORT/abs/path)
# on the loopback interface only, with the MIME types the WebAssembly Web
# API and ES modules need (application/wasm, text/javascript). Binds a free
# port and prints it as its first line; logs nothing else.
import http.server
import sys


class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm",
        ".js": "text/javascript",
        ".mjs": "text/javascript",
        ".json": "application/json",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, directory="/", **kwargs)

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
sys.stdout.close()
server.serve_forever()

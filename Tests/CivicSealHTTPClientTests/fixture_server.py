"""A fixture HTTPS (or plain HTTP) server for the outbound client's tests: Python's http.server in ssl.

Prints "PORT <n>" once listening on 127.0.0.1 (port chosen by the OS) and serves until killed.
Paths: /json, /chunked, /big (100 MiB, Content-Length), /big-chunked (endless chunks), /slow-body (a body that
never finishes), /slow-head (no response at all), /redirect-same, /redirect-cross, /redirect-loop, /see-other
(303 to /method), /method, /quiet-close (closes after a keep-alive response), /connections (TCP connections accepted so far), /close (Connection: close).
"""
import argparse
import http.server
import json
import socket
import ssl
import sys
import threading
import time


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def setup(self):
        with self.server.lock:
            self.server.connections += 1
        super().setup()

    def reply(self, status, body, headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_HEAD(self):
        self.do_GET()

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        if self.path == "/see-other":
            self.reply(303, b"", [("Location", "/method")])
        else:
            self.reply(200, json.dumps({"method": "POST", "received": len(body)}).encode(),
                       [("Content-Type", "application/json")])

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        if path == "/json":
            body = json.dumps({"issuer": "https://127.0.0.1", "ok": True}).encode()
            self.reply(200, body, [("Content-Type", "application/json"), ("Cache-Control", "max-age=300")])
        elif path == "/method":
            self.reply(200, json.dumps({"method": self.command}).encode())
        elif path == "/connections":
            with self.server.lock:
                count = self.server.connections
            self.reply(200, str(count).encode())
        elif path == "/chunked":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for part in [b'{"keys":', b' [', b'{"kid": "a"}', b"]}"]:
                self.wfile.write(b"%x;ext=1\r\n%s\r\n" % (len(part), part))
            self.wfile.write(b"0\r\nX-Trailer: done\r\n\r\n")
        elif path == "/big":
            total = 100 * 1024 * 1024
            self.send_response(200)
            self.send_header("Content-Length", str(total))
            self.end_headers()
            self.stream(total)
        elif path == "/big-chunked":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            block = b"x" * 65536
            try:
                for _ in range(1600):
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(block), block))
                self.wfile.write(b"0\r\n\r\n")
            except OSError:
                self.close_connection = True
        elif path == "/slow-body":
            self.send_response(200)
            self.send_header("Content-Length", "100")
            self.end_headers()
            self.wfile.write(b"0123456789")
            self.wfile.flush()
            self.wait_for_peer()
        elif path == "/slow-head":
            self.wait_for_peer()
        elif path == "/redirect-same":
            self.reply(302, b"", [("Location", "/json")])
        elif path == "/redirect-cross":
            port = self.server.server_address[1]
            self.reply(302, b"", [("Location", "https://localhost:%d/json" % port)])
        elif path == "/redirect-loop":
            self.reply(302, b"", [("Location", "/redirect-loop")])
        elif path == "/quiet-close":
            self.reply(200, b"gone after this")
            self.close_connection = True  # keep-alive promised, then closed without a word
        elif path == "/close":
            self.close_connection = True
            self.reply(200, b"closing", [("Connection", "close")])
        else:
            self.reply(404, b"not found")

    def stream(self, total):
        block = b"x" * 65536
        sent = 0
        try:
            while sent < total:
                self.wfile.write(block)
                sent += len(block)
        except OSError:
            pass
        self.close_connection = True

    def wait_for_peer(self):
        """Sends nothing more until the client hangs up (or 120 s pass)."""
        self.close_connection = True
        try:
            self.connection.settimeout(120)
            self.connection.recv(1)
        except (OSError, ValueError):
            pass


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 512
    connections = 0

    def __init__(self, address, context):
        self.lock = threading.Lock()
        self.context = context
        super().__init__(address, Handler)

    def finish_request(self, request, client_address):
        if self.context is not None:
            request.settimeout(600)  # a keep-alive connection outlives a slow test on a busy machine
            try:
                request = self.context.wrap_socket(request, server_side=True)
            except (OSError, ssl.SSLError):
                request.close()
                return
        super().finish_request(request, client_address)

    def handle_error(self, request, client_address):
        pass


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cert")
    parser.add_argument("--key")
    arguments = parser.parse_args()
    context = None
    if arguments.cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(arguments.cert, arguments.key)
    server = Server(("127.0.0.1", 0), context)
    print("PORT %d" % server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()

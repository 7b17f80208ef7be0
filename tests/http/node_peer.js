// A node server for the client tests: HTTP/1.1 on one port, h2c on another, and HTTP/2 over TLS
// (ALPN, HTTP/1.1 allowed) on a third; each counts the connections it accepted (/conns).
// Routes: /hello, /conns, /echo, /hang (never answers), /stall (head + 7 bytes, then nothing).
// Usage: node node_peer.js PORT_FILE CERT KEY   (writes {"http":P,"h2c":P,"tls":P})
'use strict';
const fs = require('fs');
const http = require('http');
const http2 = require('http2');

const [portFile, cert, key] = process.argv.slice(2);
const counts = { http: 0, h2c: 0, tls: 0 };

function handler(kind) {
  return (req, res) => {
    const path = req.url;
    if (path === '/hello') return res.end('hello');
    if (path === '/conns') return res.end(String(counts[kind]));
    if (path === '/echo') return req.pipe(res);
    if (path === '/hang') return;
    if (path === '/stall') { res.writeHead(200); res.write('partial'); return; }
    res.writeHead(404); res.end('not found');
  };
}

const h1 = http.createServer(handler('http'));
h1.on('connection', () => counts.http++);
const h2c = http2.createServer(handler('h2c'));
h2c.on('session', () => counts.h2c++);
const tls = http2.createSecureServer({ cert: fs.readFileSync(cert), key: fs.readFileSync(key), allowHTTP1: true },
                                     handler('tls'));
tls.on('secureConnection', () => counts.tls++);

let pending = 3;
const ports = {};
for (const [name, server] of [['http', h1], ['h2c', h2c], ['tls', tls]]) {
  server.listen(0, '127.0.0.1', () => {
    ports[name] = server.address().port;
    if (--pending === 0) {
      fs.writeFileSync(portFile + '.tmp', JSON.stringify(ports));
      fs.renameSync(portFile + '.tmp', portFile);
    }
  });
}
process.on('SIGTERM', () => process.exit(0));

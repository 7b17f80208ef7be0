// A client for run-serve-tests in node's own http, https and http2 modules (HTTP/1.1 or HTTP/2;
// h2c with prior knowledge for http:// URLs, ALPN h2 for https://, trusting NODE_EXTRA_CA_CERTS):
//   node client.mjs http1|http2 URL            GET: prints the status and the body
//   node client.mjs http1|http2 URL post BYTES  streams BYTES bytes of a pattern as the request
//       body (honouring backpressure) and checks the response body is the same bytes as they
//       come: prints "status=S bytes=N same=yes|no"
import http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';

const [protocol, url, mode, countText] = process.argv.slice(2);
const total = mode === 'post' ? Number(countText) : 0;
const chunk = Buffer.alloc(64 * 1024);
for (let i = 0; i < chunk.length; i++) chunk[i] = (i * 7 + 3) % 251;

// The request body: `total` bytes of the pattern, written as the stream drains.
function writeBody(stream) {
  let sent = 0;
  const more = () => {
    while (sent < total) {
      const n = Math.min(chunk.length, total - sent);
      const piece = n === chunk.length ? chunk : chunk.subarray(0, n);
      sent += n;
      if (!stream.write(piece)) return stream.once('drain', more);
    }
    stream.end();
  };
  more();
}

// Compares the response body with the pattern as it arrives, keeping nothing.
function readBody(stream, status, done) {
  let received = 0, same = true, text = '';
  stream.on('data', (data) => {
    if (mode === 'post') {
      for (let i = 0; i < data.length; i++) if (data[i] !== chunk[(received + i) % chunk.length]) { same = false; break; }
    } else {
      text += data.toString();
    }
    received += data.length;
  });
  stream.on('end', () => {
    if (mode === 'post') console.log(`status=${status} bytes=${received} same=${same && received === total ? 'yes' : 'no'}`);
    else process.stdout.write(`${status} ${text}`);
    done();
  });
  stream.on('error', (e) => { console.log(`error ${e.code || e.message}`); done(); });
}

const target = new URL(url);
const method = mode === 'post' ? 'POST' : 'GET';
if (protocol === 'http1') {
  const req = (target.protocol === 'https:' ? https : http).request(target, { method, headers: mode === 'post' ? { 'transfer-encoding': 'chunked' } : {} }, (res) =>
    readBody(res, res.statusCode, () => {}));
  req.on('error', (e) => console.log(`error ${e.code || e.message}`));
  if (mode === 'post') writeBody(req); else req.end();
} else {
  const session = http2.connect(target.origin);
  session.on('error', (e) => console.log(`error ${e.code || e.message}`));
  const req = session.request({ ':method': method, ':path': target.pathname + target.search }, { endStream: mode !== 'post' });
  req.on('response', (headers) => readBody(req, headers[':status'], () => session.close()));
  req.on('error', (e) => console.log(`error ${e.code || e.message}`));
  if (mode === 'post') writeBody(req);
}

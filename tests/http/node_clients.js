// node's http and http2 clients against our server. Prints "ok NAME" or "FAIL NAME: why" lines.
// Usage: node node_clients.js HTTP_PORT TLS_PORT CA_FILE
'use strict';
const fs = require('fs');
const http = require('http');
const http2 = require('http2');

const [port, tlsPort, caFile] = process.argv.slice(2);
const results = [];
const check = (name, cond, why) => results.push(cond ? `ok ${name}` : `FAIL ${name}: ${why}`);

function h1(method, path, body, trailers) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers: trailers ? { Trailer: Object.keys(trailers).join(', ') } : {} }, (res) => {
      let data = '';
      res.setEncoding('latin1');
      res.on('data', (c) => (data += c));
      res.on('end', () => resolve({ status: res.statusCode, body: data, trailers: res.trailers, version: res.httpVersion }));
    });
    req.on('error', reject);
    if (body !== undefined) {
      if (trailers) { req.setHeader('Transfer-Encoding', 'chunked'); req.write(body); req.addTrailers(trailers); }
      else req.write(body);
    }
    req.end();
  });
}

function h2(session, method, path, body, trailers) {
  return new Promise((resolve, reject) => {
    const req = session.request({ ':method': method, ':path': path }, trailers ? { waitForTrailers: true } : {});
    let status = 0, data = '', got = {};
    req.setEncoding('latin1');
    req.on('response', (h) => (status = h[':status']));
    req.on('trailers', (t) => (got = t));
    req.on('data', (c) => (data += c));
    req.on('end', () => resolve({ status, body: data, trailers: got }));
    req.on('error', reject);
    if (trailers) req.on('wantTrailers', () => req.sendTrailers(trailers));
    if (body !== undefined) req.end(body); else req.end();
  });
}

(async () => {
  try {
    let r = await h1('GET', '/hello');
    check('http1 GET', r.status === 200 && r.body === 'hello', JSON.stringify(r));
    const big = 'x'.repeat(200000);
    r = await h1('POST', '/echo', big, { 'x-sum': '7' });
    check('http1 chunked POST with trailers echoed', r.body === big && r.trailers['x-sum'] === '7', `len ${r.body.length} trailers ${JSON.stringify(r.trailers)}`);
    r = await h1('GET', '/trailers');
    check('http1 response trailers', r.trailers['x-checksum'] === 'abc123', JSON.stringify(r.trailers));

    const s = http2.connect(`http://127.0.0.1:${port}`);
    r = await h2(s, 'GET', '/hello');
    check('http2 h2c GET', r.status === 200 && r.body === 'hello', JSON.stringify(r));
    r = await h2(s, 'POST', '/echo', big, { 'x-sum': '9' });
    check('http2 h2c POST with trailers echoed', r.body === big && r.trailers['x-sum'] === '9', `len ${r.body.length} trailers ${JSON.stringify(r.trailers)}`);
    const many = await Promise.all(Array.from({ length: 20 }, () => h2(s, 'GET', '/slow?ms=20')));
    check('http2 h2c 20 concurrent streams', many.every((m) => m.body === 'slow'), JSON.stringify(many[0]));
    s.close();

    if (tlsPort !== '0') {
      const t = http2.connect(`https://localhost:${tlsPort}`, { ca: fs.readFileSync(caFile) });
      r = await h2(t, 'GET', '/trailers');
      check('http2 over TLS (ALPN h2) with trailers', r.body === 'body with trailers' && r.trailers['x-checksum'] === 'abc123', JSON.stringify(r));
      t.close();
    }
  } catch (e) {
    results.push(`FAIL node client: ${e && e.stack || e}`);
  }
  console.log(results.join('\n'));
})();

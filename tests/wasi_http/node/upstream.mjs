// An upstream for the outgoing-request tests of run-serve-tests, in node's own http modules:
//   node upstream.mjs MODE [CERT KEY]
// MODE: http1 (HTTP/1.1), h2c (HTTP/2 with prior knowledge), tls-h1 (HTTPS, ALPN http/1.1 only),
// tls-h2 (HTTPS, ALPN h2 and http/1.1), stall (HTTP/1.1: the head and "partial", then nothing).
// Every mode but stall answers 200 with "HTTP-VERSION METHOD " and then the request body as it
// arrives. Prints the port it listens on (127.0.0.1) and serves until killed.
import fs from 'node:fs';
import http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';

const [mode, certFile, keyFile] = process.argv.slice(2);
const tls = () => ({ cert: fs.readFileSync(certFile), key: fs.readFileSync(keyFile) });

function echo(req, res) {
  res.writeHead(200, { 'content-type': 'application/octet-stream' });
  res.write(`${req.httpVersion} ${req.method} `);
  req.pipe(res);
}

function stall(req, res) {
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.write('partial');
  req.resume();
}

const servers = {
  http1: () => http.createServer(echo),
  h2c: () => http2.createServer(echo),
  'tls-h1': () => https.createServer({ ...tls(), ALPNProtocols: ['http/1.1'] }, echo),
  'tls-h2': () => http2.createSecureServer({ ...tls(), allowHTTP1: true }, echo),
  stall: () => http.createServer(stall),
};
if (!servers[mode]) {
  console.error(`upstream.mjs: unknown mode ${mode}`);
  process.exit(2);
}
const server = servers[mode]();
server.listen(0, '127.0.0.1', () => console.log(server.address().port));

// The floor under the HTTP benchmark: Node's own HTTP server, no framework, answering the bare
// Hono endpoint's constant JSON after reading the request's body. What any service on Node pays
// per request before doing anything.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const BODY = JSON.stringify({ status: 'routed', route: 'acme_eur' });
const HEADERS = ['content-type', 'application/json', 'content-length', String(Buffer.byteLength(BODY))];

const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, HEADERS);
    res.end(BODY);
  });
});
server.listen(Number(process.env['PORT'] ?? 0), '127.0.0.1', () => {
  process.stdout.write(`listening on http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});

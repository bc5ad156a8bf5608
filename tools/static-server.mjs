// A tiny static file server on 127.0.0.1 for the demo, tests and benchmarks.
import http from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/**
 * Serves `mounts` (`{ '/': 'demo', '/dist/': 'dist' }`) on 127.0.0.1:`port`.
 * `transform(urlPath, text)` may rewrite HTML (the demo fills in its broker URL there).
 */
export async function startStaticServer({ port = 0, mounts, transform, headers = {} }) {
  const roots = Object.entries(mounts)
    .map(([prefix, dir]) => [prefix, resolve(dir)])
    .sort((a, b) => b[0].length - a[0].length);
  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      let path = decodeURIComponent(url.pathname);
      const mount = roots.find(([prefix]) => path.startsWith(prefix));
      if (!mount) return send(res, 404, 'not found');
      const [prefix, root] = mount;
      let file = normalize(join(root, path.slice(prefix.length)));
      if (file !== root && !file.startsWith(root + sep)) return send(res, 403, 'forbidden');
      const info = await stat(file).catch(() => null);
      if (info?.isDirectory()) file = join(file, 'index.html');
      let body = await readFile(file).catch(() => null);
      if (!body) return send(res, 404, 'not found');
      const type = TYPES[extname(file)] ?? 'application/octet-stream';
      if (transform && type.startsWith('text/html')) body = Buffer.from(transform(path, body.toString('utf8')));
      res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store', ...headers });
      res.end(body);
    } catch {
      send(res, 500, 'error');
    }
  });
  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', ok);
  });
  return {
    port: server.address().port,
    close: () => new Promise((ok) => server.close(() => ok())),
    server,
  };
}

function send(res, status, text) {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(text);
}

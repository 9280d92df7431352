// minimage e2e sample (Node, pure JavaScript). checks.json (written by lab/e2e.py) lists the checks:
//   user   os.userInfo() finds the running user in /etc/passwd
//   net    serves HTTP on 127.0.0.1 and fetches it (loopback exists under --network none)
//   shell  /bin/sh exists
//   addon  bufferutil's native Node-API addon (its glibc prebuild, installed by npm ci from addon/package-lock.json)
//          loads and unmasks a buffer
// Prints "check NAME: ok|FAIL ..." per check, then "SELF-CHECK OK" (exit 0) or "SELF-CHECK FAILED" (exit 1).
'use strict';
const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');
const checks = require('./checks.json');

const tests = {
  user: async () => os.userInfo().username,
  addon: async () => {
    const file = require('node-gyp-build').path(path.dirname(require.resolve('bufferutil')));
    const native = require(file);
    const buf = Buffer.from([1, 2, 3, 4]);
    native.unmask(buf, Buffer.from([1, 1, 1, 1]));
    if (buf.join(',') !== '0,3,2,5') throw new Error(`unmask gave ${buf.join(',')}`);
    return path.relative(__dirname, file);
  },
  shell: async () => { fs.accessSync('/bin/sh', fs.constants.X_OK); return '/bin/sh'; },
  net: () => new Promise((resolve, reject) => {
    const srv = http.createServer((req, res) => res.end('pong')).listen(0, '127.0.0.1', () => {
      http.get(`http://127.0.0.1:${srv.address().port}/`, (res) => {
        let body = '';
        res.on('data', (d) => { body += d; });
        res.on('end', () => { srv.close(); body === 'pong' ? resolve('loopback http') : reject(new Error(body)); });
      }).on('error', reject);
    });
  }),
};

(async () => {
  console.log(`check start: ok (Node ${process.version})`);
  let ok = true;
  for (const name of checks) {
    try {
      console.log(`check ${name}: ok (${await tests[name]()})`);
    } catch (e) {
      console.log(`check ${name}: FAIL (${e.message})`);
      ok = false;
    }
  }
  console.log(ok ? 'SELF-CHECK OK' : 'SELF-CHECK FAILED');
  process.exit(ok ? 0 : 1);
})();

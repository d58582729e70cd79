#!/usr/bin/env node
// Makes the development secret viewer tokens are signed with (HS256), once: 32 random bytes as hex in <file>,
// readable by the `node` user (uid 1000) the services run as, and by nobody else. An existing secret is kept, so
// tokens issued before a restart stay good. Run as root by compose's one-shot `dev-secret` service.
// Usage: node dev-secret.mjs /var/lib/onair/secrets/jwt-secret
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, statSync, writeFileSync } from 'node:fs';

const NODE_UID = 1000;
const file = process.argv[2];
if (!file) {
  console.error('usage: dev-secret.mjs <file>');
  process.exit(2);
}
if (existsSync(file) && statSync(file).size >= 32) {
  console.log(`kept the development JWT secret in ${file}`);
} else {
  writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o400 });
  chownSync(file, NODE_UID, NODE_UID);
  console.log(`made a development JWT secret in ${file}`);
}

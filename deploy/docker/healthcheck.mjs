#!/usr/bin/env node
// Container health probe for compose healthchecks: exits 0 when GET <url> answers 2xx within 3 s, else 1.
// Usage: node healthcheck.mjs http://127.0.0.1:8080/healthz
const url = process.argv[2];
try {
  const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
  process.exit(res.ok ? 0 : 1);
} catch {
  process.exit(1);
}

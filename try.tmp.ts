import { startAppWithDatabase } from "@/lib/testing/app-process";
async function main() {
const app = await startAppWithDatabase();
try {
  for (const path of ["/", "/courses/idempotent-apis", "/courses/nope", "/cart"]) {
    const r = await fetch(app.url + path, { headers: { "accept-encoding": "gzip" } });
    const body = await r.text();
    console.log(path, r.status, r.headers.get("cache-control"), "|", r.headers.get("vary"), "|", r.headers.get("etag"), r.headers.get("content-encoding"), body.length, (r.headers.get("content-security-policy") ?? "").slice(0, 160), "nonce attrs:", (body.match(/nonce=/g) ?? []).length, "inline:", (body.match(/<script(?![^>]*src=)/g) ?? []).length);
    if (r.headers.get("etag")) { const r2 = await fetch(app.url + path, { headers: { "if-none-match": r.headers.get("etag")! } }); console.log("  revalidate", r2.status); }
  }
} finally { await app.stop(); }
}
void main();

/**
 * Calling the app's server actions over HTTP exactly as React's client does: a POST to a page with the action's id
 * in `Next-Action`, the arguments JSON-encoded, the answer in React's Flight format. The ids come from the
 * production build's manifest, so a driver outside the browser takes the same path a buyer's click takes.
 */
import { readFileSync } from "node:fs";
import path from "node:path";

type Manifest = { node: Record<string, { filename?: string; exportedName?: string }> };

/** The id of `exportedName` from `filename` (e.g. "app/(store)/checkout/actions.ts") in the current build. */
export function actionId(filename: string, exportedName: string, buildDir = path.join(process.cwd(), ".next")): string {
  const manifest = JSON.parse(readFileSync(path.join(buildDir, "server", "server-reference-manifest.json"), "utf8")) as Manifest;
  const found = Object.entries(manifest.node).find(([, entry]) => entry.filename === filename && entry.exportedName === exportedName);
  if (!found) throw new Error(`no server action ${exportedName} in ${filename} in this build`);
  return found[0];
}

/** An HTTP failure of the call itself (not an answer of the action): the status and the start of the body. */
export class ActionHttpError extends Error {
  constructor(
    readonly status: number,
    body: string,
  ) {
    super(`HTTP ${status}: ${body.slice(0, 200)}`);
  }
}

/**
 * Calls an action with plain JSON arguments and returns what it returned. `page` is where the browser would be (an
 * action runs in the context of a page that uses it). Throws ActionHttpError on a non-200 answer, and whatever
 * fetch throws when the connection fails or `signal` aborts.
 */
export async function callAction<T>(options: { baseUrl: string; page: string; id: string; args: unknown[]; cookie?: string; signal?: AbortSignal }): Promise<T> {
  const response = await fetch(`${options.baseUrl}${options.page}`, {
    method: "POST",
    headers: {
      accept: "text/x-component",
      "content-type": "text/plain;charset=UTF-8",
      "next-action": options.id,
      origin: options.baseUrl,
      ...(options.cookie ? { cookie: options.cookie } : {}),
    },
    body: JSON.stringify(options.args),
    signal: options.signal,
  });
  const text = await response.text();
  if (response.status !== 200) throw new ActionHttpError(response.status, text);
  return flightResult<T>(text);
}

/**
 * The action's return value from a Flight answer: rows `<id>:<json>`; row 0 names the result row as "$@<id>".
 * Only plain JSON results are read (the checkout actions return plain objects).
 */
export function flightResult<T>(text: string): T {
  const rows = new Map<string, string>();
  for (const line of text.split("\n")) {
    const match = /^([0-9a-f]+):(.*)$/.exec(line);
    if (match) rows.set(match[1]!, match[2]!);
  }
  const head = JSON.parse(rows.get("0") ?? "null") as { a?: unknown } | null;
  const ref = typeof head?.a === "string" && head.a.startsWith("$@") ? head.a.slice(2) : null;
  if (ref === null) throw new Error(`not an action result: ${text.slice(0, 200)}`);
  const row = rows.get(ref);
  if (row === undefined) throw new Error(`action result row ${ref} missing: ${text.slice(0, 200)}`);
  return JSON.parse(row) as T;
}

/**
 * A throwaway HTTP endpoint that records what the emulator posts to it (webhooks, IPN) with the exact raw body,
 * and answers with scripted statuses.
 */
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach } from "vitest";

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  raw: string;
  at: number;
}

export interface Listener {
  url: string;
  received: Received[];
  /** Statuses for the next requests, in order; afterwards 200. */
  respondWith(...statuses: number[]): void;
  waitFor(predicate: (received: Received[]) => boolean, timeoutMs?: number): Promise<void>;
  clear(): void;
  close(): Promise<void>;
}

export async function startListener(): Promise<Listener> {
  const received: Received[] = [];
  let script: number[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      received.push({ path: request.url ?? "/", headers: request.headers, raw: Buffer.concat(chunks).toString("utf8"), at: Date.now() });
      response.writeHead(script.shift() ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    respondWith: (...statuses) => {
      script = statuses;
    },
    async waitFor(predicate, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(received)) {
        if (Date.now() > deadline) throw new Error(`listener: condition not met in ${timeoutMs} ms; got ${received.length} requests`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    clear: () => {
      received.length = 0;
      script = [];
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A listener for the whole test file, emptied before each test; `url` may be read lazily by emulator options. */
export function useListener(): { readonly current: Listener; readonly url: string } {
  let listener: Listener | undefined;
  beforeAll(async () => {
    listener = await startListener();
  });
  afterAll(() => listener?.close());
  beforeEach(() => listener?.clear());
  return {
    get current() {
      if (!listener) throw new Error("listener not started yet");
      return listener;
    },
    get url() {
      return this.current.url;
    },
  };
}

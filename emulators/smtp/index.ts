/**
 * A local SMTP catcher (emulators/smtp/README.md): a real SMTP server (nodemailer's smtp-server) that accepts every
 * message and keeps it in memory, and a small web page listing what it caught (`npm run dev` prints where). Tests
 * read the JSON API. It delivers nothing anywhere: no email leaves a developer's machine.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

export type CaughtMail = { id: number; messageId: string | null; from: string; to: string[]; subject: string; text: string; html: string; receivedAt: string };

export type SmtpCatcher = { smtpPort: number; webUrl: string; messages: CaughtMail[]; close(): Promise<void> };

export const SMTP_DEFAULTS = { smtpPort: 1025, webPort: 1080, host: "127.0.0.1" };

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export async function startSmtpCatcher(options: { smtpPort?: number; webPort?: number; host?: string } = {}): Promise<SmtpCatcher> {
  const host = options.host ?? SMTP_DEFAULTS.host;
  const messages: CaughtMail[] = [];
  let next = 1;

  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    size: 10 * 1024 * 1024,
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          messages.push({
            id: next++,
            messageId: mail.messageId ?? null,
            from: mail.from?.text ?? "",
            to: session.envelope.rcptTo.map((r) => r.address),
            subject: mail.subject ?? "",
            text: mail.text ?? "",
            html: typeof mail.html === "string" ? mail.html : "",
            receivedAt: new Date().toISOString(),
          });
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve) => smtp.listen(options.smtpPort ?? SMTP_DEFAULTS.smtpPort, host, resolve));
  const smtpPort = (smtp.server.address() as AddressInfo).port;

  const web: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://catcher.local");
    if (url.pathname === "/api/messages" && req.method === "DELETE") {
      messages.length = 0;
      return res.writeHead(204).end();
    }
    if (url.pathname === "/api/messages") return res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(messages));
    const one = url.pathname.match(/^\/messages\/(\d+)\.html$/);
    if (one) {
      const mail = messages.find((m) => m.id === Number(one[1]));
      if (!mail) return res.writeHead(404).end("Not found");
      // The email's own HTML, sandboxed: no script of a message runs here.
      return res.writeHead(200, { "content-type": "text/html; charset=utf-8", "content-security-policy": "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:" }).end(mail.html);
    }
    const rows = [...messages]
      .reverse()
      .map(
        (m) => `<li><p><strong>${escape(m.subject)}</strong> — to ${escape(m.to.join(", "))} · ${escape(m.receivedAt)} · <a href="/messages/${m.id}.html">HTML part</a></p>
          <details><summary>Text part</summary><pre>${escape(m.text)}</pre></details></li>`,
      )
      .join("");
    res
      .writeHead(200, { "content-type": "text/html; charset=utf-8" })
      .end(
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Caught emails</title>
        <style>body{font:15px/1.5 system-ui,sans-serif;max-width:860px;margin:0 auto;padding:20px}li{border-bottom:1px solid #ddd;padding:8px 0}pre{white-space:pre-wrap}</style></head>
        <body><h1>Caught emails (${messages.length})</h1><p>Every email the store sent in development; nothing was delivered.</p><ul>${rows || "<li>No email yet.</li>"}</ul></body></html>`,
      );
  });
  await new Promise<void>((resolve) => web.listen(options.webPort ?? SMTP_DEFAULTS.webPort, host, resolve));
  const webPort = (web.address() as AddressInfo).port;

  return {
    smtpPort,
    webUrl: `http://${host}:${webPort}`,
    messages,
    close: async () => {
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
      await new Promise<void>((resolve) => web.close(() => resolve()));
    },
  };
}

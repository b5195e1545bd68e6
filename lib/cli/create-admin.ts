/**
 * `npm run admin:create -- --email you@example.com [--name "Your Name"]`: the first admin of a production store
 * (or an existing account promoted to admin), without the demo catalog. The password of a new account is typed
 * at a hidden prompt, or piped on standard input — never taken from the command line, where shell history and
 * process lists would keep it.
 */
import { createInterface } from "node:readline";
import { Writable } from "node:stream";
import { parseArgs } from "node:util";
import { createOrPromoteAdmin } from "@/lib/auth/accounts";
import { emailSchema, passwordSchema, personNameSchema } from "@/lib/auth/schemas";
import { oneLine } from "@/lib/config/boot";
import { openDatabase } from "./setup";

const USAGE = 'Usage: npm run admin:create -- --email you@example.com [--name "Your Name"]   (the password is asked for, or read from stdin)';

function fail(message: string, code = 2): never {
  console.error(message);
  process.exit(code);
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8").replace(/\r?\n$/, "");
}

/** A prompt that does not echo what is typed. */
function askHidden(question: string): Promise<string> {
  let muted = false;
  const output = new Writable({
    write(chunk, _encoding, done) {
      if (!muted) process.stdout.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  return new Promise((resolve) => {
    rl.question(question, (answer) => {
      rl.close();
      process.stdout.write("\n");
      resolve(answer);
    });
    muted = true;
  });
}

async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) return readStdin();
  const first = await askHidden("Password for the new admin (10+ characters): ");
  const second = await askHidden("The same password again: ");
  if (first !== second) fail("The two passwords differ; nothing was changed.", 1);
  return first;
}

async function main() {
  const { values } = (() => {
    try {
      return parseArgs({ options: { email: { type: "string" }, name: { type: "string" } }, strict: true });
    } catch (error) {
      if (process.argv.some((arg) => arg.startsWith("--password"))) {
        fail("The password is never taken from the command line (shell history and process lists keep it): type it at the prompt or pipe it on stdin.");
      }
      return fail(`${(error as Error).message}\n${USAGE}`);
    }
  })();
  const email = emailSchema.safeParse(values.email ?? "");
  if (!email.success) fail(`${email.error.issues[0]!.message}\n${USAGE}`);
  const name = values.name === undefined ? null : personNameSchema.safeParse(values.name);
  if (name && !name.success) fail(name.error.issues[0]!.message);

  const handle = await openDatabase();
  try {
    const result = await createOrPromoteAdmin(handle.db, {
      email: email.data,
      name: name?.data ?? "Administrator",
      password: async () => {
        const password = passwordSchema.safeParse(await readPassword());
        if (!password.success) fail(`${password.error.issues[0]!.message} Nothing was changed.`, 1);
        return password.data;
      },
    });
    console.log(
      result === "created"
        ? `Created the admin ${email.data}. Sign in at /sign-in.`
        : result === "promoted"
          ? `${email.data} already had an account: it is an admin now (its password is unchanged).`
          : `${email.data} is already an admin; nothing changed.`,
    );
  } finally {
    await handle.close();
  }
}

void main().then(
  () => process.exit(0),
  (error: unknown) => fail(`Could not create the admin: ${oneLine(error)}`, 1),
);

/** `npm run emulator:smtp`: the SMTP catcher alone (SMTP_CATCHER_PORT, default 1025; its page on SMTP_CATCHER_WEB_PORT, default 1080). */
import { startSmtpCatcher } from "./index";

async function main(): Promise<void> {
  const catcher = await startSmtpCatcher({
    smtpPort: process.env.SMTP_CATCHER_PORT ? Number(process.env.SMTP_CATCHER_PORT) : undefined,
    webPort: process.env.SMTP_CATCHER_WEB_PORT ? Number(process.env.SMTP_CATCHER_WEB_PORT) : undefined,
  });
  console.log(`SMTP catcher on smtp://127.0.0.1:${catcher.smtpPort}; caught emails at ${catcher.webUrl}`);
  const stop = () => void catcher.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

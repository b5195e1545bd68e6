/** `npm run emulator:smtp`: the SMTP catcher alone (SMTP_CATCHER_PORT, default 1025; its page on SMTP_CATCHER_WEB_PORT, default 1080). */
import { runUntilSignalled } from "../run";
import { startSmtpCatcher } from "./index";

const port = (value: string | undefined) => (value ? Number(value) : undefined);

runUntilSignalled(
  () => startSmtpCatcher({ smtpPort: port(process.env.SMTP_CATCHER_PORT), webPort: port(process.env.SMTP_CATCHER_WEB_PORT) }),
  (catcher) => `SMTP catcher on smtp://127.0.0.1:${catcher.smtpPort}; caught emails at ${catcher.webUrl}`,
);

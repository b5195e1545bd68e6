/**
 * Fixed values shared by the Playwright config (which hands them to the servers) and the specs.
 * Deterministic on purpose: the config module is loaded again in every worker.
 */
export const E2E = {
  appPort: Number(process.env.E2E_APP_PORT ?? 3100),
  emulatorPort: Number(process.env.E2E_EMULATOR_PORT ?? 4110),
  stripePort: Number(process.env.E2E_STRIPE_PORT ?? 4120),
  lmsPort: Number(process.env.E2E_LMS_PORT ?? 4130),
  smtpPort: Number(process.env.E2E_SMTP_PORT ?? 4141),
  smtpWebPort: Number(process.env.E2E_SMTP_WEB_PORT ?? 4142),
  adminEmail: "admin@coursepay.test",
  adminPassword: "e2e-admin-password-1",
  studentEmail: "student@coursepay.test",
  studentPassword: "e2e-student-password-1",
};

export const appUrl = `http://localhost:${E2E.appPort}`;
export const lmsUrl = `http://localhost:${E2E.lmsPort}`;
export const mailUrl = `http://127.0.0.1:${E2E.smtpWebPort}`;
export const emulatorUrl = `http://127.0.0.1:${E2E.emulatorPort}`;
export const stripeUrl = `http://127.0.0.1:${E2E.stripePort}`;

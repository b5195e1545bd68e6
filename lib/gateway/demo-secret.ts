/**
 * The signing secret of the demo's webhook endpoint (the LMS emulator's listener). A demo value, in the clear on
 * purpose: `npm run dev` and the e2e suite give it to the emulator so its /events page verifies what the store sends.
 */
export const DEMO_WEBHOOK_SECRET = `whsec_${Buffer.from("coursepay-demo-webhook-secret-32").toString("base64")}`;

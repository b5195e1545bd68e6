/**
 * `npm run secrets:rotate`: run with the new COURSEPAY_ENCRYPTION_KEY and the old one as
 * COURSEPAY_ENCRYPTION_KEY_PREVIOUS. Rewrites the stored settings secrets under the new key and clears the cached
 * PayPal tokens (README, "Rotating the encryption key"). Exit code 1 when it could not, with nothing changed.
 */
import { rotateSecrets } from "@/lib/settings/rotation";
import { openDatabase } from "./setup";

async function main() {
  const handle = await openDatabase();
  try {
    const { secretsReencrypted, tokensCleared } = await rotateSecrets(handle.db);
    console.log(`Re-encrypted ${secretsReencrypted} stored secret(s) under the current key; cleared ${tokensCleared} cached PayPal token(s).`);
    return 0;
  } catch (error) {
    console.error(`Nothing changed: ${(error as Error).message}`);
    return 1;
  } finally {
    await handle.close();
  }
}

main().then((code) => process.exit(code));

/** `npm run db:migrate`: applies pending migrations to the configured database (they also run on app start). */
import { openDatabase } from "./setup";

openDatabase().then(async (handle) => {
  console.log(`Migrations applied: ${handle.describe}`);
  await handle.close();
});

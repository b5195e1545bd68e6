/**
 * How every emulator's CLI runs (`npm run emulator:<name>`): start it, say where it listens, stop cleanly on SIGINT
 * or SIGTERM, and exit 1 with the error when it cannot start. Shared by the emulators only, never by lib/.
 */
export function runUntilSignalled<T extends { close(): Promise<void> }>(start: () => Promise<T>, describe: (running: T) => string): void {
  start()
    .then((running) => {
      console.log(describe(running));
      const stop = () => void running.close().then(() => process.exit(0));
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}

import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { SPEC_DIRECTORY, SPEC_FILES } from "./test-support/conformance";

// The shared reference exists beside the repository on development machines; a clean CI clone may lack it.
const SHARED = path.resolve(process.cwd(), "../shared/reference/openapi");

describe.skipIf(!existsSync(SHARED))("OpenAPI copies", () => {
  it.each(SPEC_FILES)("%s is byte-identical to the shared reference", (file) => {
    expect(readFileSync(path.join(SPEC_DIRECTORY, file)).equals(readFileSync(path.join(SHARED, file)))).toBe(true);
  });
});

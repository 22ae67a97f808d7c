/**
 * This build's identity: a hash of the running code's own files (src/ under tsx, dist/src/ when
 * compiled), the same on every node that runs the same build and different after any change to
 * it. Validators that must change when the code does (a public answer's ETag) include it.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

let computed: string | undefined;

export function buildId(): string {
  computed ??= codeFingerprint(dirname(fileURLToPath(import.meta.url)));
  return computed;
}

/** A hash of the names and contents of the code files under `root`. */
export function codeFingerprint(root: string): string {
  const hash = createHash("sha256");
  const visit = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (/\.(ts|js|json)$/.test(entry.name))
        hash
          .update(`${relative(root, path)}\0`)
          .update(readFileSync(path))
          .update("\0");
    }
  };
  visit(root);
  return hash.digest("base64url").slice(0, 22);
}

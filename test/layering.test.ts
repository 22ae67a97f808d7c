/**
 * The code's layers, read from its imports: the domain folders know nothing of GraphQL or HTTP,
 * and no two folders import each other at run time, directly or round a longer loop. (ESLint's
 * no-restricted-imports says the first rule again at each import, in the editor.)
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative, sep } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = join(import.meta.dirname, "..", "src");
const DOMAIN_FOLDERS = ["accounts", "billing", "catalog", "estimates", "events", "pricing"];
const GRAPHQL_PACKAGES = /^(type-graphql|graphql|graphql-ws|graphql-scalars|@apollo\/server)(\/|$)/;

interface Import {
  from: string;
  specifier: string;
  /** The file it resolves to, relative to src/ (null for a package). */
  target: string | null;
  typeOnly: boolean;
}

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

const IMPORT = /^\s*(?:import|export)\s+(type\s+)?(?:[^"';]*?\s+from\s+)?["']([^"']+)["']/gm;

function importsOf(file: string): Import[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(IMPORT)].map(([, typeOnly, specifier]) => ({
    from: relative(SRC, file),
    specifier,
    target: specifier.startsWith(".") ? relative(SRC, normalize(join(dirname(file), specifier))).replace(/\.js$/, ".ts") : null,
    typeOnly: Boolean(typeOnly),
  }));
}

/** A file's folder as the layering counts it: events/ and graphql/ by their subfolders; a file at src/ stands alone. */
function folderOf(path: string): string {
  const parts = path.split(sep);
  if (parts.length === 1) return path;
  if ((parts[0] === "events" || parts[0] === "graphql") && parts.length > 2) return `${parts[0]}/${parts[1]}`;
  return parts[0];
}

/** Folder-level loops (strongly connected components of more than one folder), by Tarjan's algorithm. */
function loops(edges: Map<string, Set<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (stack.includes(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
    }
    if (low.get(node) === index.get(node)) {
      const component = stack.splice(stack.indexOf(node));
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const node of edges.keys()) if (!index.has(node)) visit(node);
  return found;
}

const imports = sourceFiles(SRC).flatMap(importsOf);

describe("the code's layers", () => {
  it("finds the imports it judges", () => {
    expect(imports.filter((i) => i.from.startsWith("graphql") && i.specifier === "type-graphql").length).toBeGreaterThan(10);
    expect(imports.filter((i) => i.from.startsWith("accounts") && i.target?.startsWith("events")).length).toBeGreaterThan(0);
  });

  it("keeps GraphQL and HTTP out of the domain folders", () => {
    const crossings = imports
      .filter((i) => DOMAIN_FOLDERS.includes(i.from.split(sep)[0]))
      .filter((i) => (i.target ? /^(graphql|http)(\/|$)/.test(i.target) : GRAPHQL_PACKAGES.test(i.specifier)))
      .map((i) => `${i.from} imports ${i.specifier}`);
    expect(crossings).toEqual([]);
  });

  it("has no import loop between folders at run time", () => {
    const edges = new Map<string, Set<string>>();
    for (const { from, target, typeOnly } of imports) {
      if (!target || typeOnly) continue;
      const [a, b] = [folderOf(from), folderOf(target)];
      if (a === b) continue;
      if (!edges.has(a)) edges.set(a, new Set());
      edges.get(a)!.add(b);
    }
    expect(loops(edges)).toEqual([]);
  });
});

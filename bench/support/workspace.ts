import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A private copy of the built bundles for one bench run, under bench/results/
 * (git-ignored, inside the project so the bundles resolve node_modules).
 * Others' `npm test` / `npm run build` delete and rebuild dist/ at any time; a
 * long bench must not depend on it after its first second.
 */
export interface Workspace {
  dir: string;
  functionsDir: string;
  benchDir: string;
  variantsDir: string;
  remove(): void;
}

export function createWorkspace(root: string): Workspace {
  const dir = join(root, 'bench', 'results', `.work-${process.pid}`);
  const source = { functions: join(root, 'dist', 'functions'), bench: join(root, 'dist', 'bench') };
  for (const path of Object.values(source)) {
    if (!existsSync(path)) throw new Error(`${path} does not exist; run "npm run bench" (it builds first).`);
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const workspace: Workspace = {
    dir,
    functionsDir: join(dir, 'functions'),
    benchDir: join(dir, 'bench'),
    variantsDir: join(dir, 'variants'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
  cpSync(source.functions, workspace.functionsDir, { recursive: true });
  cpSync(source.bench, workspace.benchDir, { recursive: true });
  return workspace;
}

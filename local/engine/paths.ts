import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root, found from this file whether it runs from source or from dist/. */
function findRoot(start: string): string {
  let dir = start;
  for (let depth = 0; depth < 6; depth += 1) {
    if (existsSync(join(dir, 'template.yaml')) && existsSync(join(dir, 'statemachine'))) return dir;
    dir = dirname(dir);
  }
  throw new Error(`Cannot find the project root (template.yaml and statemachine/) above ${start}.`);
}

export const projectRoot = findRoot(dirname(fileURLToPath(import.meta.url)));
export const gracefulStopDefinitionPath = join(projectRoot, 'statemachine', 'graceful-stop.asl.json');

import type { StepDefinition } from './types.js';

/** Step names and DependsOn checks: unique names, known targets, no cycles. */

export function checkNamesAndDependencies(steps: StepDefinition[], problems: string[]): void {
  const names = new Set<string>();
  for (const step of steps) {
    if (names.has(step.name)) problems.push(`step names must be unique; '${step.name}' appears more than once`);
    names.add(step.name);
  }
  for (const step of steps) {
    for (const dependency of step.dependsOn) {
      if (dependency === step.name) problems.push(`step '${step.name}' cannot depend on itself`);
      else if (!names.has(dependency)) problems.push(`step '${step.name}' depends on unknown step '${dependency}'`);
    }
  }
  const cycle = findCycle(steps);
  if (cycle) problems.push(`DependsOn forms a cycle: ${cycle.join(' -> ')}`);
}

/** Depth-first search; returns one cycle as a path of step names, if any. */
function findCycle(steps: StepDefinition[]): string[] | undefined {
  const byName = new Map(steps.map((s) => [s.name, s]));
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (name: string): string[] | undefined => {
    if (state.get(name) === 'done') return undefined;
    if (state.get(name) === 'visiting') return [...path.slice(path.indexOf(name)), name];
    state.set(name, 'visiting');
    path.push(name);
    for (const dependency of byName.get(name)?.dependsOn ?? []) {
      if (dependency === name || !byName.has(dependency)) continue;
      const cycle = visit(dependency);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(name, 'done');
    return undefined;
  };
  for (const step of steps) {
    const cycle = visit(step.name);
    if (cycle) return cycle;
  }
  return undefined;
}

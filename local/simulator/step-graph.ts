/** Which steps of a run go next: DependsOn all Succeeded, and on the branch a Condition step took (the other branch never runs). */
import type { Execution, StepDefinition } from './types.js';

/** Steps not started yet whose DependsOn all Succeeded (and whose Condition branch was taken). */
export function readySteps(execution: Execution): StepDefinition[] {
  return execution.pipeline.steps.filter(
    (definition) =>
      !execution.steps.has(definition.name) &&
      !isSkipped(execution, definition) &&
      definition.dependsOn.every((name) => execution.steps.get(name)?.status === 'Succeeded') &&
      branchTaken(execution, definition),
  );
}

/** A step of a Condition's IfSteps/ElseSteps runs once its condition succeeded with that outcome. */
function branchTaken(execution: Execution, definition: StepDefinition): boolean {
  if (!definition.branchOf) return true;
  const condition = execution.steps.get(definition.branchOf.condition);
  return condition?.status === 'Succeeded' && condition.conditionOutcome === (definition.branchOf.branch === 'If');
}

/** Never runs in this execution: on the branch its condition did not take, or after such a step. */
export function isSkipped(execution: Execution, definition: StepDefinition, seen = new Set<string>()): boolean {
  if (seen.has(definition.name)) return false;
  seen.add(definition.name);
  if (definition.branchOf) {
    const condition = execution.steps.get(definition.branchOf.condition);
    if (condition?.status === 'Succeeded' && condition.conditionOutcome !== (definition.branchOf.branch === 'If')) return true;
  }
  return definition.dependsOn.some((name) => {
    const parent = execution.pipeline.steps.find((candidate) => candidate.name === name);
    return parent !== undefined && isSkipped(execution, parent, seen);
  });
}

// A helper module for modules.mjs: evaluated once however often imported.
export let evaluations = 0;
evaluations++;
export function add(a, b) {
  return a + b;
}
// A module with top-level await of its own: importers wait for it.
export const late = await new Promise((resolve) => setTimeout(() => resolve("late"), 1));

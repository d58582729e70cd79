/**
 * The element with `id`, of the type asked for.
 * @throws Error when the page has no such element (index.html and the code disagree).
 */
export function byId<T extends HTMLElement>(id: string, type: new () => T): T {
  const el = document.getElementById(id);
  if (!(el instanceof type)) throw new Error(`#${id} is missing or not a ${type.name}`);
  return el;
}

import axe from 'axe-core';

/** axe-core's violations inside `el`, one line each: rule, where, and why. */
export async function violations(el: Element): Promise<string[]> {
  const result = await axe.run(el, { resultTypes: ['violations'] });
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => `${n.target.join(' ')} ${n.failureSummary ?? ''}`.trim()).join(', ')}`);
}

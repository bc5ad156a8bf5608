import { faultRun } from '../helpers/fault-run.js';

describe('sync under faults (loopback, seeded)', () => {
  it('delivers 10,000 messages exactly once, in the same order, through drop, duplication, reordering, partitions and crashes', async function () {
    this.timeout(300000);
    const started = performance.now();
    await faultRun({ seed: 42, total: 10000, drop: 0.2, duplicate: 0.1, reorder: 0.1, partitions: 3, crashes: 2 });
    console.log(`fault run: ${Math.round(performance.now() - started)} ms`);
  });
});
